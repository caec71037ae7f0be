// The one place that reads the Python shipped in the chart values (and the registry proxy's) (the files beside this module) from disk:
// the program calls `readShippedFiles` once and hands the text to the plan, which stays pure. Tests read
// the same files through it, so the values they check are the ones the program ships.
import * as fs from "fs";
import * as path from "path";
import type { ShippedFiles } from "../plan/chart/shippedFiles";

/** Where the shipped Python lives; tests compile and run every file here. */
export const shippedFilesDir = __dirname;

/** Each shipped file's path relative to `shippedFilesDir`. */
export const shippedFilePaths: { readonly [K in keyof ShippedFiles]: string } = {
  auditLog: "hub/audit_log.py",
  ipythonConfig: "ipython/ipython_config.py",
  refuseShellEscapes: "ipython/refuse_shell_escapes.py",
  packageProxy: "registry/package_proxy.py",
};

/** Reads every shipped file as UTF-8 text; a missing file fails here, before anything is declared. */
export function readShippedFiles(dir: string = shippedFilesDir): ShippedFiles {
  const read = (relative: string) => fs.readFileSync(path.join(dir, relative), "utf8");
  return {
    auditLog: read(shippedFilePaths.auditLog),
    ipythonConfig: read(shippedFilePaths.ipythonConfig),
    refuseShellEscapes: read(shippedFilePaths.refuseShellEscapes),
    packageProxy: read(shippedFilePaths.packageProxy),
  };
}

/**
 * The placeholder calendar's script, relative to `shippedFilesDir`. It ships in the calendar's own
 * ConfigMap (components/placeholderCalendar.ts), not in the chart values; tests run it with a real Python.
 */
export const calendarScriptPath = "scaler/placeholder_calendar.py";

/** Reads the placeholder calendar's script as UTF-8 text, for the program to hand to the component. */
export function readCalendarScript(dir: string = shippedFilesDir): string {
  return fs.readFileSync(path.join(dir, calendarScriptPath), "utf8");
}
