"""Refuse IPython shell escapes in this hub's kernels, and say why.

Shipped by the hub (read-only, root-owned mount next to /etc/ipython/ipython_config.py, which runs it in
every IPython kernel through `InteractiveShellApp.exec_files`).

This is friction, not a security boundary. Python itself can still start processes (`subprocess`, `os`,
`ctypes`), and a user can undo this guard from their own notebook. What protects the platform is the
container (non-root, no privilege escalation, no capabilities, seccomp), the network policy and the login.
The guard keeps the sanctioned path obvious: ordinary Python runs, `%pip install` installs from the approved
package mirror without a shell, and every shell escape fails with an explanation instead of silently working.
"""


def _install_shell_escape_guard():
    import shlex
    import subprocess
    import sys

    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:  # plain Python, not IPython: nothing to guard
        return

    explanation = (
        "Shell commands are turned off on this hub. The organisers disabled terminals and the notebook's "
        "shell escapes (!cmd, !!cmd, %sx, %system, %%bash, %%sh, %%script and friends) to keep a shared "
        "event platform predictable for everyone. Please use Python instead, for example "
        "os.listdir('.') or pathlib.Path('.').iterdir() rather than !ls, and %pip install <package> to "
        "install from the approved package mirror."
    )

    class ShellEscapeRefused(PermissionError):
        """Raised instead of running a shell command."""

    def refuse(*_args, **_kwargs):
        raise ShellEscapeRefused(explanation)

    # `!cmd`, `!!cmd`, `x = !cmd`, %sx, %system, %sc, %%! and the %ls-style aliases all end in one of these
    # InteractiveShell methods (IPython core/interactiveshell.py, core/magics/osm.py, core/alias.py).
    for method in ("system", "system_piped", "system_raw", "getoutput"):
        setattr(shell, method, refuse)

    def refuse_cell_magic(line="", cell=None):
        refuse()

    # %%script and its shortcuts (%%bash, %%sh, %%perl, %%ruby, %%python3, ...) start a subprocess
    # directly rather than through InteractiveShell.system (core/magics/script.py), so replace each one.
    script_magics = shell.magics_manager.registry.get("ScriptMagics")
    names = set(script_magics.magics.get("cell", {})) if script_magics is not None else set()
    for name in names | {"script", "bash", "sh"}:
        shell.register_magic_function(refuse_cell_magic, "cell", name)

    def pip(line=""):
        """Run pip for this kernel's Python, without a shell (IPython's own %pip goes through one)."""
        result = subprocess.run(
            [sys.executable, "-m", "pip", *shlex.split(line)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        print(result.stdout, end="")
        if result.returncode == 0:
            print("Note: you may need to restart the kernel to use updated packages.")

    shell.register_magic_function(pip, "line", "pip")

    def show_refusal(self, etype, value, tb, tb_offset=None):
        # Only the exception line, no traceback: the refusal is the message, not a crash. IPython ignores
        # a custom handler's return value, so the handler shows it (in a kernel this becomes the cell's
        # error output, and "Run all" stops there).
        self.showtraceback((etype, value, tb), exception_only=True)

    shell.set_custom_exc((ShellEscapeRefused,), show_refusal)


_install_shell_escape_guard()
del _install_shell_escape_guard
