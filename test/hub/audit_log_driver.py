"""Drives infra/files/hub/audit_log.py the way the hub does, with real traitlets logging, and prints
what the hub would print. Used by test/hub/python.test.ts; argument: the path of audit_log.py."""

import sys
from types import SimpleNamespace

from jupyterhub.app import JupyterHub
from tornado.httputil import HTTPHeaders, HTTPServerRequest
from traitlets.config import Config

config = Config()
with open(sys.argv[1]) as f:
    exec(compile(f.read(), sys.argv[1], "exec"), {"c": config})

# JupyterHub's own application and logging set-up (Debian's jupyterhub 3.0), not a look-alike.
app = JupyterHub(config=config)
app.init_logging()
log = app.log


def log_request():
    # JupyterHub's request logger has this function name; the formatter keys on it.
    log.info("201 POST /hub/api/users/bob/server (alice@198.51.100.7) 12.50ms")
    log.info("200 GET /hub/home (bob@198.51.100.8) 3.10ms")
    # a redirect (JupyterHub adds " -> <location>") for a user named by an email claim
    log.info("302 POST /hub/api/users/carol%40example.org/server -> /hub/spawn-pending/carol%40example.org (carol@example.org@198.51.100.9) 4.00ms")
    log.warning("a line from log_request that is not a request line")


def get_authenticated_user():
    log.warning("User %r not allowed.", "mallory")


authenticator = SimpleNamespace(log=log)
# The OAuth callback as the hub receives it: from the proxy's pod, which appended the Google front end it
# talked to; before that, Google's front end appended the client and the load balancer; before that,
# whatever the client sent, and an X-Real-Ip it made up.
callback = HTTPServerRequest(
    method="GET",
    uri="/hub/oauth_callback?code=x",
    headers=HTTPHeaders({
        "X-Forwarded-For": "10.0.0.9, 198.51.100.7,34.149.12.34,::ffff:35.191.3.4",
        "X-Real-Ip": "192.0.2.66",
    }),
    connection=SimpleNamespace(context=SimpleNamespace(address=("10.8.0.5", 40000), remote_ip="192.0.2.66")),
)
handler = SimpleNamespace(request=callback)
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
