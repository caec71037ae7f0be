"""Refuse IPython shell escapes in this hub's kernels, and say why.

Shipped by the hub (read-only, root-owned mount next to /etc/ipython/ipython_config.py, which runs it in
every IPython kernel through `InteractiveShellApp.exec_files`).

This is friction, not a security boundary. Python itself can still start processes (`subprocess`, `os`,
`ctypes`), and a user can undo this guard from their own notebook. What protects the platform is the
container (non-root, no privilege escalation, no capabilities, seccomp), the network policy and the login.
The guard keeps the sanctioned path obvious: ordinary Python runs, `%pip install` installs from the approved
package index without a shell (and says at once when a command names another source, or when installs are
off, instead of leaving pip to time out against the network policy), and every shell escape fails with an
explanation instead of silently working.
"""


def _install_shell_escape_guard():
    import re
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

    class PackageSourceRefused(PermissionError):
        """Raised instead of running pip against a source the hub does not serve."""

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

    def pip_index():
        """What the hub's pip configuration allows: (no_index, index URL). pip reads the file named by
        PIP_CONFIG_FILE (the hub ships /etc/pip.conf) after every other file (pip's configuration.py)."""
        import configparser
        import os

        parser = configparser.RawConfigParser()
        parser.read(os.environ.get("PIP_CONFIG_FILE", "/etc/pip.conf"))
        no_index = any(parser.get(s, "no-index", fallback="").strip().lower() in ("true", "yes", "on", "1") for s in ("global", "install"))
        index = parser.get("install", "index-url", fallback=None) or parser.get("global", "index-url", fallback=None)
        return no_index, index

    # pip options that name another place to fetch from; `-r` files are left to the network to judge.
    source_options = ("-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host")

    def other_source(args, index):
        """The first argument naming a package source other than the hub's index, or None."""
        from urllib.parse import urlsplit

        home = urlsplit(index).netloc.lower()

        def elsewhere(url):
            return urlsplit(re.sub(r"^(git|hg|svn|bzr)\+", "", url)).netloc.lower() != home

        for i, arg in enumerate(args):
            for option in source_options:
                if arg == option:
                    value = args[i + 1] if i + 1 < len(args) else ""
                elif option.startswith("--") and arg.startswith(option + "="):
                    value = arg[len(option) + 1:]
                elif not option.startswith("--") and arg.startswith(option) and len(arg) > len(option):
                    value = arg[len(option):]
                else:
                    continue
                if option == "--trusted-host" or elsewhere(value):
                    return arg if value in arg else f"{arg} {value}"
            # URLs and version-control links (also PEP 508's `name @ URL`, which shlex splits apart).
            if ("://" in arg or re.match(r"^(git|hg|svn|bzr)\+", arg)) and elsewhere(arg):
                return arg
        return None

    def explain_refusals(args, index):
        """pip reports a refused project only as "no matching distribution"; ask the index why, so a
        project on the organisers' deny list says so (the hub's package proxy answers 403 with the reason)."""
        from urllib.error import HTTPError, URLError
        from urllib.request import urlopen

        names = [m.group(0) for a in args if not a.startswith("-") and (m := re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*", a))]
        for name in names[1:]:  # the first is pip's command
            project = re.sub(r"[-_.]+", "-", name).lower()
            try:
                urlopen(f"{index.rstrip('/')}/{project}/", timeout=5).close()
            except HTTPError as e:
                if e.code == 403:
                    print(f"{project}: {e.reason}. Ask the organisers if you need it.")
            except (URLError, OSError):
                pass

    def pip(line=""):
        """Run pip for this kernel's Python, without a shell (IPython's own %pip goes through one).

        Installs come from the hub's index only; the network policy enforces that, and this only says so
        at once instead of after a connection timeout."""
        args = shlex.split(line)
        command = next((a for a in args if not a.startswith("-")), "")
        if command in ("install", "download", "wheel", "index"):
            no_index, index = pip_index()
            if no_index or index is None:
                raise PackageSourceRefused(
                    "Installing packages is turned off on this hub: the organisers configured pip with no "
                    "package index, and the network reaches none. Please use the packages already in the image."
                )
            other = other_source(args, index)
            if other is not None:
                raise PackageSourceRefused(
                    f"This hub installs packages only from its own index ({index}); {other!r} names another "
                    "source, which the network does not reach. Use %pip install <name> without index, URL or "
                    "version-control options; ask the organisers for a package the index does not have."
                )
        result = subprocess.run(
            [sys.executable, "-m", "pip", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        print(result.stdout, end="")
        if result.returncode != 0 and command in ("install", "download", "wheel"):
            explain_refusals(args, pip_index()[1])
        if result.returncode == 0:
            print("Note: you may need to restart the kernel to use updated packages.")

    shell.register_magic_function(pip, "line", "pip")

    def show_refusal(self, etype, value, tb, tb_offset=None):
        # Only the exception line, no traceback: the refusal is the message, not a crash. IPython ignores
        # a custom handler's return value, so the handler shows it (in a kernel this becomes the cell's
        # error output, and "Run all" stops there).
        self.showtraceback((etype, value, tb), exception_only=True)

    shell.set_custom_exc((ShellEscapeRefused, PackageSourceRefused), show_refusal)


_install_shell_escape_guard()
del _install_shell_escape_guard
