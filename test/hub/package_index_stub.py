"""Stand-ins for Artifact Registry and the GKE metadata server, for packageProxy.test.ts.

Usage: package_index_stub.py <dir> <token or ->   ("-": no authentication, a public index's stand-in)
Writes <dir>/ports.json ({"index": port, "metadata": port}) once both listen on 127.0.0.1, then serves until
killed. Packages: one wheel per project named in <dir>/wheels/*.whl.

- The "registry" answers like a private repository: 401 without `Authorization: Bearer <token>`. Its
  PEP 503 pages (/<base>/simple/, /<base>/simple/<project>/) link each file by absolute URL on itself, with
  a sha256 fragment, and files live at /<base>/<project>/<file>, the layout Artifact Registry's Python
  repositories use (pip's log shows https://<loc>-python.pkg.dev/<project>/<repo>/<package>/<file>). It
  logs every request path to <dir>/index.log.
  Index pages and files carry ETag, Last-Modified and Cache-Control (which the proxy passes on) and a
  Set-Cookie (which it must not). Besides the wheels, three made-up projects answer as a repository may:
  /<base>/status-<code>/<file> with that status; /<base>/moved/<file> with a 302 to the same file under
  demo-pkg on this host; /<base>/elsewhere/<file> with a 302 to it on another host (localhost instead of
  127.0.0.1: the same server, so its log shows whether the proxy followed).
- The "metadata server" answers the token endpoint only with `Metadata-Flavor: Google`, like GCE's.
"""

import hashlib
import http.server
import json
import os
import re
import sys
import threading

BASE = "/example-project/example-repo"
directory, token = sys.argv[1], sys.argv[2]
wheels = {}
for name in sorted(os.listdir(os.path.join(directory, "wheels"))):
    project = re.sub(r"[-_.]+", "-", name.split("-", 1)[0]).lower()
    wheels.setdefault(project, []).append(name)


def log(path):
    with open(os.path.join(directory, "index.log"), "a") as f:
        f.write(path + "\n")


# Headers of a Cloud Storage-backed answer the proxy passes on, and one it must not.
CACHE_HEADERS = {"ETag": '"stub-etag"', "Last-Modified": "Mon, 06 Dec 2027 08:00:00 GMT", "Cache-Control": "private, max-age=0"}


class Registry(http.server.BaseHTTPRequestHandler):
    def send(self, code, body, content_type="text/html", headers=None):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        log(self.path)
        if token != "-" and self.headers.get("Authorization") != f"Bearer {token}":
            return self.send(401, b"unauthenticated")
        origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        served = {**CACHE_HEADERS, "Set-Cookie": "stub-session=secret"}
        m = re.fullmatch(re.escape(BASE) + r"/status-(\d{3})/[^/]+", self.path)
        if m:
            return self.send(int(m.group(1)), b"as asked")
        m = re.fullmatch(re.escape(BASE) + r"/(moved|elsewhere)/([^/]+)", self.path)
        if m:
            host = origin if m.group(1) == "moved" else f"http://localhost:{self.server.server_address[1]}"
            return self.send(302, b"", headers={"Location": f"{host}{BASE}/demo-pkg/{m.group(2)}"})
        if self.path == f"{BASE}/simple/":
            links = "".join(f'<a href="{origin}{BASE}/simple/{p}/">{p}</a>' for p in wheels)
            return self.send(200, f"<html><body>{links}</body></html>".encode(), headers=served)
        m = re.fullmatch(re.escape(BASE) + r"/simple/([^/]+)/", self.path)
        if m:
            files = wheels.get(m.group(1))
            if not files:
                return self.send(404, b"not found")
            links = ""
            for f in files:
                digest = hashlib.sha256(open(os.path.join(directory, "wheels", f), "rb").read()).hexdigest()
                links += f'<a href="{origin}{BASE}/{m.group(1)}/{f}#sha256={digest}">{f}</a>\n'
            return self.send(200, f"<html><body>{links}</body></html>".encode(), headers=served)
        m = re.fullmatch(re.escape(BASE) + r"/([^/]+)/([^/]+)", self.path)
        if m and m.group(2) in wheels.get(m.group(1), []):
            return self.send(200, open(os.path.join(directory, "wheels", m.group(2)), "rb").read(), "application/octet-stream", served)
        return self.send(404, b"not found")

    do_HEAD = do_GET

    def log_message(self, *args):
        pass


class Metadata(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/computeMetadata/v1/instance/service-accounts/default/token" and self.headers.get("Metadata-Flavor") == "Google":
            body = json.dumps({"access_token": token, "expires_in": 3599, "token_type": "Bearer"}).encode()
            self.send_response(200)
        else:
            body = b"forbidden"
            self.send_response(403)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


servers = {name: http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) for name, handler in (("index", Registry), ("metadata", Metadata))}
for server in servers.values():
    threading.Thread(target=server.serve_forever, daemon=True).start()
with open(os.path.join(directory, "ports.json.tmp"), "w") as f:
    json.dump({name: s.server_address[1] for name, s in servers.items()}, f)
os.rename(os.path.join(directory, "ports.json.tmp"), os.path.join(directory, "ports.json"))
threading.Event().wait()
