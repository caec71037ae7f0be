# System-wide IPython configuration shipped by the hub, mounted read-only at /etc/ipython/ipython_config.py.
#
# IPython reads ipython_config.py from every directory in its config path, lowest priority first:
# /etc/ipython, /usr/local/etc/ipython, {sys.prefix}/etc/ipython, then the profile directory under
# $IPYTHONDIR (~/.ipython, which users can write) (IPython core/application.py, config_file_paths).
# Kernels read it too (ipykernel's IPKernelApp is a BaseIPythonApplication). A user can therefore override
# this from their own home; the guard is friction, not a boundary (see refuse_shell_escapes.py).
#
# `append` rather than assignment: a higher-priority config (an image's own, say) that also appends keeps
# the guard and adds its files after it; one that assigns exec_files replaces it (traitlets merging).
import os

c.InteractiveShellApp.exec_files.append(  # noqa: F821 (`c` is provided by the traitlets config loader)
    os.path.join(os.path.dirname(__file__), "refuse_shell_escapes.py")
)
