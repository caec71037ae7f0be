"""Serves real HTTP requests the way the hub does and prints the hub's log lines, to check who and where the
audit snippet says a request came from. Used by test/hub/python.test.ts.

What is real: tornado's HTTPServer with xheaders=True, as JupyterHub starts it (jupyterhub/app.py, 5.5.x:
HTTPServer(..., xheaders=True, trusted_downstream=trusted_downstream_ips)), which rewrites remote_ip from
X-Real-Ip / X-Forwarded-For; JupyterHub's own request logger (Debian's jupyterhub 3.0, whose log_request is
the same text as 5.5.1's) as the default log_function, with JupyterHub.tornado_settings applied over it
as app.py's init_tornado_settings does; JupyterHub's own logging set-up (JupyterHub.init_logging); and
the shipped snippet, exec'd into a config that already holds Z2JH 4.4.0's tornado_settings.
The current user is named by the test (percent-encoded in X-Test-User), standing in for a login.

Arguments: the path of audit_log.py, then a JSON list of requests {"user", "method", "path", "headers"}.
Prints one JSON log entry per line (the hub's stdout), requests in the order given.
"""

import asyncio
import json
import sys
import urllib.parse

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler
from traitlets.config import Config

import jupyterhub.log
from jupyterhub.app import JupyterHub

config = Config()
config.JupyterHub.tornado_settings = {"slow_spawn_timeout": 0}  # Z2JH 4.4.0 jupyterhub_config.py
with open(sys.argv[1]) as f:
    exec(compile(f.read(), sys.argv[1], "exec"), {"c": config})
requests = json.loads(sys.argv[2])

hub = JupyterHub(config=config)
hub.init_logging()
assert hub.tornado_settings["slow_spawn_timeout"] == 0, "the chart's tornado_settings must survive"


class Handler(RequestHandler):
    def get_current_user(self):
        name = self.request.headers.get("X-Test-User")
        return urllib.parse.unquote(name) if name else None

    def _answer(self, *args):
        self.set_status(201 if self.request.method == "POST" else 200)

    get = post = put = patch = delete = _answer

    def check_xsrf_cookie(self):
        pass


async def main():
    settings = {"log_function": jupyterhub.log.log_request}
    settings.update(hub.tornado_settings)
    app = Application([(r"/.*", Handler)], **settings)
    sockets = bind_sockets(0, "127.0.0.1")
    port = sockets[0].getsockname()[1]
    server = HTTPServer(app, xheaders=True, trusted_downstream=hub.trusted_downstream_ips)
    server.add_sockets(sockets)
    client = AsyncHTTPClient()
    try:
        for r in requests:
            headers = dict(r.get("headers", {}))
            if r.get("user"):
                headers["X-Test-User"] = urllib.parse.quote(r["user"], safe="")
            body = b"" if r["method"] in ("POST", "PUT", "PATCH") else None
            await client.fetch(
                HTTPRequest(f"http://127.0.0.1:{port}{r['path']}", method=r["method"], headers=headers, body=body, allow_nonstandard_methods=True),
                raise_error=False,
            )
            sys.stdout.flush()
    finally:
        server.stop()
        client.close()


asyncio.run(main())
