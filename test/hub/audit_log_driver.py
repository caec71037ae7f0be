"""Drives infra/files/hub/audit_log.py the way the hub does, with real traitlets logging, and prints
what the hub would print. Used by test/hub/python.test.ts; argument: the path of audit_log.py."""

import logging
import sys
from types import SimpleNamespace

from traitlets import default
from traitlets.config import Application, Config

config = Config()
with open(sys.argv[1]) as f:
    exec(compile(f.read(), sys.argv[1], "exec"), {"c": config})


class JupyterHub(Application):
    """Same class name as the hub's application, so traitlets' default logger is named the same."""

    @default("log_level")
    def _log_level_default(self):
        return logging.INFO  # JupyterHub's own default (jupyterhub/app.py)


app = JupyterHub(config=config)
log = app.log


def log_request():
    # JupyterHub's request logger has this function name; the formatter keys on it.
    log.info("201 POST /hub/api/users/bob/server (alice@198.51.100.7) 12.50ms")
    log.info("200 GET /hub/home (bob@198.51.100.8) 3.10ms")


def get_authenticated_user():
    log.warning("User %r not allowed.", "mallory")


authenticator = SimpleNamespace(log=log)
handler = SimpleNamespace(request=SimpleNamespace(remote_ip="198.51.100.7"))
returned = config.Authenticator.post_auth_hook(
    authenticator, handler, {"name": "alice", "admin": True, "groups": ["staff"]}
)
assert returned["name"] == "alice", "post_auth_hook must return the authentication dict"
spawner = SimpleNamespace(log=log, user=SimpleNamespace(name="bob"), name="", user_options={"profile": "gpu"})
config.Spawner.pre_spawn_hook(spawner)
config.Spawner.post_stop_hook(spawner)
log_request()
get_authenticated_user()
try:
    raise RuntimeError("boom")
except RuntimeError:
    log.exception("spawn failed")
