// What users share through storage. A volume every user server mounts is shared by every user; written
// to by one, it is read (and run: a .py on the path, a notebook, a shell profile) by the others. Shared
// data is fine read-only; anything writable must be each user's own: a PVC whose claim name KubeSpawner
// expands per user (`{pvc_name}`, `{username}`…), or a per-user `subPath` of a shared volume (Z2JH docs
// jupyterhub/customizing/user-storage.md). Volumes that are per pod (emptyDir, ephemeral) or read-only by
// nature (configMap, secret, downwardAPI, projected) are not shared storage. Sources: kubespawner 7.0.0
// kubespawner/spawner.py (`_expand_user_properties`: the template fields) and objects.py (volumes and
// mounts as given); Kubernetes API VolumeMount.readOnly and the sources' own readOnly fields.

import { entries, get, isRecord, isUnknown, list, UNKNOWN, violation } from "../core";
import { userPods } from "../z2jh/pods";
import { KUBESPAWNER, onPods, valuesPolicy } from "./shared";

/**
 * The template fields kubespawner 7.0.0 `_expand_user_properties` expands to something of the user's
 * (`{servername}` alone is not: it is empty for every user's default server).
 */
const PER_USER = /\{(userid|username|unescaped_username|safe_username|escaped_username|user_server|safe_user_server|escaped_user_server|pod_name|pvc_name)\}/;

/** Volume types that are per pod or cannot be written. */
const NOT_SHARED = ["emptyDir", "ephemeral", "configMap", "secret", "downwardAPI", "projected"];

/** Whether a volume is the user's own (or not storage at all); otherwise every user server mounts the same one. */
function privateOrReadOnly(volume: unknown): boolean {
  const kinds = entries(volume).map(([k]) => k).filter((k) => k !== "name");
  if (kinds.some((k) => NOT_SHARED.includes(k))) return true;
  const claim = get(volume, "persistentVolumeClaim.claimName");
  if (typeof claim === "string" && PER_USER.test(claim)) return true;
  // The source itself mounted read-only (persistentVolumeClaim, nfs, csi, … all have `readOnly`).
  return kinds.some((k) => get(volume, [k, "readOnly"]) === true);
}

export const jupyterhubUserSharedVolumesReadOnly = valuesPolicy({
  name: "jupyterhub-user-shared-volumes-read-only",
  description: "Checks that storage every user server mounts is mounted read-only, unless each user gets their own part of it (a per-user claim or subPath).",
  severity: "high",
  remediationSteps:
    "Set `readOnly: true` on mounts of shared data (in `singleuser.storage.extraVolumeMounts`, profile overrides or `extraPodConfig`), or give each user their own directory with `subPath: \"{username}\"`; keep a writable shared area for staff in a profile only staff can use, never in every user's pod.",
  sources: ["Z2JH docs: jupyterhub/customizing/user-storage.md", KUBESPAWNER],
  check: (values) =>
    onPods(userPods(values), (pod) => {
      const volumes = list(get(pod.spec, "volumes"));
      if (volumes === UNKNOWN) return [];
      const byName = new Map<string, { volume: unknown; index: number }>();
      volumes.forEach((volume, index) => byName.set(String(get(volume, "name")), { volume, index }));
      const messages: string[] = [];
      // The containers that run for the whole session; init containers run the organiser's fixed command.
      for (const c of pod.containers.filter((container) => container.path[0] === "containers")) {
        const mounts = list(get(c.container, "volumeMounts"));
        if (mounts === UNKNOWN) continue;
        mounts.forEach((mount, i) => {
          if (!isRecord(mount) || isUnknown(mount.name)) return;
          const target = byName.get(String(mount.name));
          if (target === undefined || mount.readOnly === true || privateOrReadOnly(target.volume)) return;
          const subPath = typeof mount.subPath === "string" ? mount.subPath : typeof mount.subPathExpr === "string" ? mount.subPathExpr : "";
          if (PER_USER.test(subPath)) return;
          messages.push(
            violation(
              `Storage every user mounts must be read-only (volume ${String(mount.name)}, ${pod.locate(["volumes", target.index])}, is shared by all users at ${String(mount.mountPath)})`,
              pod.locate([...c.path, "volumeMounts", i, "readOnly"]),
              'true (or a per-user subPath such as "{username}")',
              mount.readOnly,
            ),
          );
        });
      }
      return messages;
    }),
});
