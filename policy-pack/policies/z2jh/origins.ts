// Where each part of an object assembled from chart values came from. A derived pod (./pods.ts) is built
// from many values keys (singleuser.uid, a profile's kubespawner_override, hub.extraPodSpec…); a check
// that finds a problem in the pod has to name the key to change, so every part of the pod keeps the
// values path that set it. Paths are segment lists relative to the object; the location of a path is
// the origin of its longest recorded prefix followed by the rest of the path.

import { appendPath } from "../core";

export type Segment = string | number;
export type Segments = readonly Segment[];

const keyOf = (path: Segments): string => JSON.stringify(path);

export class Origins {
  private readonly entries = new Map<string, { readonly path: Segments; readonly where: string }>();

  /** `root`: where the object as a whole is set (and where any part without its own origin is fixed). */
  constructor(root: string) {
    this.entries.set(keyOf([]), { path: [], where: root });
  }

  /** Records that `path` (and everything under it) is set at `where`, forgetting older origins below it. */
  set(path: Segments, where: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.path.length >= path.length && path.every((s, i) => entry.path[i] === s)) this.entries.delete(key);
    }
    this.entries.set(keyOf(path), { path: [...path], where });
  }

  /** The values path that sets `path`. */
  locate(path: Segments): string {
    for (let n = path.length; n >= 0; n--) {
      const entry = this.entries.get(keyOf(path.slice(0, n)));
      if (entry !== undefined) return appendPath(entry.where, path.slice(n));
    }
    return appendPath("", path);
  }

  /** Copies `from`'s origins of everything under `fromPath` to `toPath` here. */
  graft(toPath: Segments, from: Origins, fromPath: Segments = []): void {
    this.set(toPath, from.locate(fromPath));
    for (const entry of from.entries.values()) {
      if (entry.path.length > fromPath.length && fromPath.every((s, i) => entry.path[i] === s)) {
        this.entries.set(keyOf([...toPath, ...entry.path.slice(fromPath.length)]), { path: [...toPath, ...entry.path.slice(fromPath.length)], where: entry.where });
      }
    }
  }

  copy(): Origins {
    const copy = new Origins("");
    copy.entries.clear();
    for (const [key, entry] of this.entries) copy.entries.set(key, entry);
    return copy;
  }
}
