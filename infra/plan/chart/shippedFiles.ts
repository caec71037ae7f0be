// Shipped Python files: the hub's extra config and the IPython guard, kept as real files under infra/files
// so tests can compile and run them.
import * as fs from "fs";
import * as path from "path";

/** Python shipped in values lives as real files under infra/files so tests can compile and run it. */
export const shippedFilesDir = path.resolve(__dirname, "..", "..", "files");

export function readShippedFile(...parts: string[]): string {
  return fs.readFileSync(path.join(shippedFilesDir, ...parts), "utf8");
}
