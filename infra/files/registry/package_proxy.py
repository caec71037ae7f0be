"""The hub's package proxy: serves one Artifact Registry Python repository to user pods, read-only.

Shipped by the hub (a ConfigMap mounted read-only) and run with the Python standard library alone, so any
image with python3 runs it. It is the one pod that holds a Google credential for the repository: a Workload
Identity token from the GKE metadata server, for a service account that can read that repository and
nothing else. User pods reach this proxy and nothing of Google's; pip in them is pointed here by the
shipped /etc/pip.conf.

What it does, and nothing more:
  - GET and HEAD only, and only PEP 503 paths: /simple/, /simple/<project>/ and /<project>/<file>, which
    it forwards under the repository's own path (UPSTREAM_URL). Every other path and method is refused.
  - Projects on the deny list (DENY_LIST, PEP 503-normalised names) are refused with 403 and a reason pip
    prints, both their index page and any file whose name or path names them. A deny list holds against
    names, not code: the same code published under another name is not stopped.
  - Index pages are rewritten so their links point back here instead of at Artifact Registry, which user
    pods cannot reach. Redirects are followed only on the repository's own host, so the token never leaves
    for another one.

Environment: UPSTREAM_URL (https://<location>-python.pkg.dev/<project>/<repository>), DENY_LIST
(comma-separated), PORT (8080), TOKEN_URL (the metadata server's token endpoint; tests point it at a stand-in).
"""

import http.server
import json
import os
import re
import signal
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

UPSTREAM_URL = os.environ["UPSTREAM_URL"].rstrip("/")
UPSTREAM = urllib.parse.urlsplit(UPSTREAM_URL)
DENY = frozenset(n for n in (re.sub(r"[-_.]+", "-", x.strip()).lower() for x in os.environ.get("DENY_LIST", "").split(",")) if n)
PORT = int(os.environ.get("PORT", "8080"))
TOKEN_URL = os.environ.get(
    "TOKEN_URL", "http://169.254.169.254/computeMetadata/v1/instance/service-accounts/default/token"
)
CHUNK = 256 * 1024
PASSED_HEADERS = ("Content-Type", "Content-Length", "ETag", "Last-Modified", "Cache-Control")


def normalize(name):
    """PEP 503: runs of -, _ and . are one -, lower case."""
    return re.sub(r"[-_.]+", "-", name).lower()


def project_of_file(filename):
    """The project a distribution file names: a wheel's first field, an sdist's name before its version."""
    name = filename[: -len(".metadata")] if filename.endswith(".metadata") else filename
    if name.endswith(".whl"):
        return normalize(name.split("-", 1)[0])
    for suffix in (".tar.gz", ".zip", ".tar.bz2", ".tgz", ".egg"):
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            return normalize(stem.rsplit("-", 1)[0] if "-" in stem else stem)
    return None


def denied(path):
    """The denied project a request path names, or None."""
    parts = [urllib.parse.unquote(p) for p in path.split("/") if p]
    if len(parts) == 2 and parts[0] == "simple":
        return normalize(parts[1]) if normalize(parts[1]) in DENY else None
    if len(parts) == 2:
        for project in (normalize(parts[0]), project_of_file(parts[1])):
            if project in DENY:
                return project
    return None


SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+!-]*$")


def allowed_path(path):
    """Only /simple/, /simple/<project>/ and /<project>/<file>: no traversal, nothing else of the repository."""
    parts = path.split("/")
    if parts[0] != "":
        return False
    parts = parts[1:]

    def ok(segment):
        decoded = urllib.parse.unquote(segment)
        return bool(SEGMENT.match(decoded)) and ".." not in decoded

    if parts == ["simple", ""]:
        return True
    if len(parts) == 3 and parts[0] == "simple" and parts[2] == "":
        return ok(parts[1])
    return len(parts) == 2 and parts[0] != "simple" and all(ok(p) for p in parts)


class Token:
    """The Workload Identity access token, fetched from the metadata server and kept until shortly before it expires."""

    def __init__(self):
        self._lock = threading.Lock()
        self._value = None
        self._expires = 0.0

    def get(self):
        with self._lock:
            if self._value is None or time.time() > self._expires - 60:
                request = urllib.request.Request(TOKEN_URL, headers={"Metadata-Flavor": "Google"})
                with urllib.request.urlopen(request, timeout=10) as response:
                    body = json.load(response)
                self._value = body["access_token"]
                self._expires = time.time() + int(body.get("expires_in", 300))
            return self._value


TOKEN = Token()


class SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to the repository's own scheme and host, so the token goes nowhere else."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urllib.parse.urlsplit(newurl)
        if (target.scheme, target.netloc) != (UPSTREAM.scheme, UPSTREAM.netloc):
            raise urllib.error.HTTPError(newurl, 502, "redirect to another host refused", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


OPENER = urllib.request.build_opener(SameHostRedirects)

# Links in an index page, absolute or from the host's root, that point into the repository.
REPOSITORY_LINK = re.compile(
    b"(?:" + re.escape(f"{UPSTREAM.scheme}://{UPSTREAM.netloc}".encode()) + b")?" + re.escape(UPSTREAM.path.encode()) + b"/"
)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "package-proxy"
    sys_version = ""

    def refuse(self, code, reason):
        body = (reason + "\n").encode()
        # pip prints the reason phrase: "403 Client Error: <reason> for url: ..."
        self.send_response(code, reason)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        if path == "/healthz":
            return self.refuse(200, "ok")
        if not allowed_path(path):
            return self.refuse(404, "not a package index path; this proxy serves the event's repository only")
        project = denied(path)
        if project is not None:
            return self.refuse(403, f"{project} is on this event's deny list")
        try:
            token = TOKEN.get()
        except Exception as e:  # noqa: BLE001 - any failure to get a token is the same answer to pip
            print(f"token: {e}", file=sys.stderr, flush=True)
            return self.refuse(503, "the package proxy has no credential right now; try again shortly")
        # An index page is rewritten, so its length is known only from its body: asked for with HEAD, it is
        # fetched with GET, and relay() sends the headers only (RFC 9110, 8.6: a HEAD answer's Content-Length
        # is the length GET's content would have).
        is_index = path.startswith("/simple/")
        upstream = urllib.request.Request(
            UPSTREAM_URL + path,
            method="GET" if is_index else self.command,
            headers={"Authorization": f"Bearer {token}", "Accept": self.headers.get("Accept", "*/*"), "User-Agent": "package-proxy"},
        )
        try:
            response = OPENER.open(upstream, timeout=60)
        except urllib.error.HTTPError as e:
            return self.refuse(e.code if e.code in (401, 403, 404, 410) else 502, f"upstream answered {e.code}")
        except (urllib.error.URLError, OSError) as e:
            print(f"upstream: {e}", file=sys.stderr, flush=True)
            return self.refuse(502, "the repository cannot be reached right now")
        with response:
            self.relay(response, is_index=is_index)

    do_HEAD = do_GET

    def relay(self, response, is_index):
        if is_index:
            body = REPOSITORY_LINK.sub(b"/", response.read())
            self.send_response(response.status)
            for name in PASSED_HEADERS:
                if name != "Content-Length" and response.headers.get(name):
                    self.send_header(name, response.headers[name])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        self.send_response(response.status)
        for name in PASSED_HEADERS:
            if response.headers.get(name):
                self.send_header(name, response.headers[name])
        if not response.headers.get("Content-Length"):
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command == "HEAD":
            return
        while True:
            chunk = response.read(CHUNK)
            if not chunk:
                break
            self.wfile.write(chunk)

    def do_POST(self):
        self.refuse(405, "read-only: this proxy serves the event's repository and accepts no uploads")

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_POST

    def log_message(self, fmt, *args):
        # One line per request on stdout, where GKE's logging collects it: who asked for which project.
        print(f"{self.client_address[0]} {fmt % args}", flush=True)


def main():
    # Run as the container's first process (no init in front of it), Python would ignore SIGTERM and the
    # pod would wait out its grace period on every rollout.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = http.server.ThreadingHTTPServer(("", PORT), Handler)
    server.daemon_threads = True
    print(f"package proxy on :{PORT} for {UPSTREAM_URL}; {len(DENY)} denied projects", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
