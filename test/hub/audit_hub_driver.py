"""Runs the audit snippet inside a real JupyterHub (Debian's 3.0) behind its real configurable-http-proxy,
as hub.extraConfig runs it (after Z2JH 4.4.0's own tornado_settings), and has users with awkward names log
in and write to the REST API through the proxy, sending made-up X-Forwarded-For and X-Real-Ip headers.
Used by test/hub/python.test.ts.

Arguments: the path of audit_log.py, a scratch directory, a JSON list of user names. Prints a JSON object
{"entries": [every JSON log entry the hub printed], "tokenPaths": {name: path of the user's own API write}}.
"""

import json
import os
import sys
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from real_hub import RealHub  # noqa: E402

snippet, workdir, names = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
ORGANISER, LEAVER, BLOCKED = "organiser", "leaver", "blocked.user@example.org"
MADE_UP = {"X-Forwarded-For": "198.51.100.66", "X-Real-Ip": "198.51.100.77"}

extra_config = f"""
c.JupyterHub.tornado_settings = {{"slow_spawn_timeout": 0}}  # Z2JH 4.4.0 jupyterhub_config.py, before extraConfig
c.Authenticator.blocked_users = {{{json.dumps(BLOCKED)}}}
with open({json.dumps(snippet)}) as f:
    exec(compile(f.read(), {json.dumps(snippet)}, "exec"))
"""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


token_paths = {}
try:
    with RealHub(workdir, extra_config, scopes=("admin:users", "tokens")) as hub:
        opener = urllib.request.build_opener(NoRedirect)
        for name in names:
            quoted = urllib.parse.quote(name, safe="")
            # log in through the proxy with the login form (DummyAuthenticator takes any name)
            form = urllib.parse.urlencode({"username": name, "password": "x"}).encode()
            login = urllib.request.Request(f"{hub.public}/hub/login", data=form, method="POST", headers=MADE_UP)
            try:
                opener.open(login, timeout=10)
            except urllib.error.HTTPError as e:
                assert e.code == 302, f"login of {name!r}: {e.code}"
            # a token for the user (by the service), then the user's own write through the proxy
            status, model = hub.api("POST", f"{hub.hub_api}/users/{quoted}/tokens", {"note": "audit test"})
            assert status == 201, f"token for {name!r}: {status}"
            token_paths[name] = f"/hub/api/users/{quoted}/tokens"
            status, _ = hub.api("POST", hub.public + token_paths[name], {"note": "own"}, token=model["token"], headers=MADE_UP)
            assert status == 201, f"{name!r} writing: {status}"
        # a blocked user's login is refused by JupyterHub itself (Authenticator.get_authenticated_user)
        form = urllib.parse.urlencode({"username": BLOCKED, "password": "x"}).encode()
        try:
            opener.open(urllib.request.Request(f"{hub.public}/hub/login", data=form, method="POST", headers=MADE_UP), timeout=10)
        except urllib.error.HTTPError as e:
            assert e.code == 403, f"login of {BLOCKED!r}: {e.code}"
        # an organiser (a hub admin) deletes a user through the proxy, as the admin page does (it calls the
        # same REST API: DELETE /hub/api/users/{name}); the audit log must name the organiser
        status, _ = hub.api("POST", f"{hub.hub_api}/users/{ORGANISER}", {"admin": True})
        assert status == 201, f"creating the organiser: {status}"
        status, _ = hub.api("POST", f"{hub.hub_api}/users/{LEAVER}")
        assert status == 201, f"creating the user to delete: {status}"
        status, model = hub.api("POST", f"{hub.hub_api}/users/{ORGANISER}/tokens", {"note": "admin delete"})
        assert status == 201, f"token for the organiser: {status}"
        status, _ = hub.api("DELETE", f"{hub.public}/hub/api/users/{LEAVER}", token=model["token"], headers=MADE_UP)
        assert status == 204, f"the organiser deleting {LEAVER}: {status}"
except Exception as e:
    with open(os.path.join(workdir, "hub.log")) as f:
        tail = f.read()[-4000:]
    print(f"{type(e).__name__}: {e}\n--- hub log (tail) ---\n{tail}", file=sys.stderr)
    sys.exit(1)

entries = []
for line in hub.log.splitlines():
    if line.startswith("{"):
        entries.append(json.loads(line))
print(json.dumps({"entries": entries, "tokenPaths": token_paths}))
