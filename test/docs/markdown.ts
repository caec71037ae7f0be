import * as fs from "fs";
import * as path from "path";

// What the docs tests read of the repository's Markdown: the pages, their shell blocks, links and headings.

export const repo = path.resolve(__dirname, "../..");

/** README.md, SECURITY.md and every page of docs/, relative to the repository. */
export function docFiles(): string[] {
  const docs = path.join(repo, "docs");
  const extra = fs.existsSync(docs) ? fs.readdirSync(docs).filter((f) => f.endsWith(".md")).sort().map((f) => path.join("docs", f)) : [];
  return ["README.md", "SECURITY.md", ...extra];
}

export interface DocLine {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

export const where = (c: DocLine) => `${c.file}:${c.line}: ${c.text}`;

const read = (file: string) => fs.readFileSync(path.join(repo, file), "utf8").split("\n");

/** Lines of ```sh / ```bash / ``` blocks (not ```json), with a trailing comment removed. */
export function shellLines(file: string): DocLine[] {
  const out: DocLine[] = [];
  let inShell = false;
  let inBlock = false;
  read(file).forEach((raw, i) => {
    const fence = /^\s*```(\w*)/.exec(raw);
    if (fence) {
      if (inBlock) inBlock = inShell = false;
      else {
        inBlock = true;
        inShell = ["", "sh", "bash", "shell", "console"].includes(fence[1]);
      }
      return;
    }
    if (inShell) out.push({ file, line: i + 1, text: raw.replace(/\s+#\s.*$/, "").trim() });
  });
  return out;
}

/** Lines outside fenced blocks, with inline code spans blanked (a link inside code is not a link). */
export function proseLines(file: string): DocLine[] {
  const out: DocLine[] = [];
  let inBlock = false;
  read(file).forEach((raw, i) => {
    if (/^\s*```/.test(raw)) {
      inBlock = !inBlock;
      return;
    }
    if (!inBlock) out.push({ file, line: i + 1, text: raw.replace(/`[^`]*`/g, "``") });
  });
  return out;
}

/** `[text](target)` links of a page; images too, since their targets must exist as well. */
export function links(file: string): Array<DocLine & { readonly target: string }> {
  return proseLines(file).flatMap((l) => [...l.text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => ({ ...l, target: m[1] })));
}

/**
 * The anchor GitHub gives a heading: lower case, punctuation other than `-` and `_` dropped, each space a
 * hyphen (github/cmark-gfm's and github-slugger's rule); a repeated heading gets `-1`, `-2`, ...
 */
export function slug(heading: string): string {
  return heading
    .replace(/`/g, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/ /g, "-");
}

/** Every heading's anchor in a page, outside fenced blocks. */
export function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const l of proseLines(file)) {
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(read(file)[l.line - 1]);
    if (!h) continue;
    const base = slug(h[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The words of a shell line, with single and double quotes removed as the shell would. */
export function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/**
 * `pulumi config set [--secret] [--path] <key> <value>` in a line: the key as written and its value. A
 * key of the project's own namespace may be written with or without `jupyterhub-gke:`.
 */
export function configSets(line: string): Array<{ key: string; value: string; secret: boolean; path: boolean }> {
  return line.split(/;|&&|\|\|?/).flatMap((cmd) => {
    const words = shellWords(cmd.trim());
    if (words.slice(0, 3).join(" ") !== "pulumi config set") return [];
    const flags = words.slice(3).filter((w) => w.startsWith("--"));
    const [key, value] = words.slice(3).filter((w) => !w.startsWith("--"));
    return key === undefined ? [] : [{ key, value: value ?? "", secret: flags.includes("--secret"), path: flags.includes("--path") }];
  });
}

/**
 * The stack's outputs: the keys of the object deployHub returns (infra/index.ts exports it as the stack's
 * outputs), read from its source, as running the program here would need the mock runtime.
 */
export function stackOutputs(): string[] {
  const program = fs.readFileSync(path.join(repo, "infra", "program.ts"), "utf8");
  const body = /\n {2}return \{\n([\s\S]*?)\n {2}\};\n\}/.exec(program)?.[1] ?? "";
  return [...body.matchAll(/^ {4}(\w+)[:,]/gm)].map((m) => m[1]);
}
