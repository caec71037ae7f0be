// Shipped Python files: the text the values embed from infra/files. The plan never reads the disk: the
// program reads these once (infra/files/index.ts, `readShippedFiles`) and passes them to
// `buildChartValues`, so the values are a function of their arguments alone and tests can hand in any text.

/** The Python the chart values carry, as text. */
export interface ShippedFiles {
  /** infra/files/hub/audit_log.py, the hub's `extraConfig` snippet "audit-log" (run by the chart's
   *  jupyterhub_config.py in the hub's config namespace). */
  readonly auditLog: string;
  /** infra/files/ipython/ipython_config.py, IPython's system-wide config in user pods; it loads the guard. */
  readonly ipythonConfig: string;
  /** infra/files/ipython/refuse_shell_escapes.py, the shell-escape guard the config above loads. */
  readonly refuseShellEscapes: string;
  /** infra/files/registry/package_proxy.py, the registry proxy (not in the chart values: PackageRegistry
   *  ships it in a ConfigMap). */
  readonly packageProxy: string;
}
