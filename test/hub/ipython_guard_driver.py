"""Runs notebook cells in a real IPython InteractiveShell, with or without the shell-escape guard.

Usage: ipython_guard_driver.py <guard file or ->   (cells as a JSON object {name: source} on stdin)
Prints {name: {"output": ..., "error": exception type name or null}} as JSON. Used by ipythonGuard.test.ts.
"""

import contextlib
import io
import json
import sys

from IPython.core.interactiveshell import InteractiveShell

shell = InteractiveShell.instance(colors="NoColor")
if sys.argv[1] != "-":
    # As IPython runs InteractiveShellApp.exec_files in a kernel.
    shell.safe_execfile(sys.argv[1], shell.user_ns, raise_exceptions=True)

results = {}
for name, cell in json.load(sys.stdin).items():
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
        result = shell.run_cell(cell, store_history=False)
    error = result.error_in_exec or result.error_before_exec
    results[name] = {"output": captured.getvalue(), "error": type(error).__name__ if error else None}
print(json.dumps(results))
