"""Runs the smoke probe inside this process's own network namespace (made by `unshare --net`, so only
loopback exists and no packet can leave the machine), against loopback servers started here.

argv[1]: the probe file; argv[2]: JSON {"claims": [...], "asUser": uid or null, "runsc": argv or absent
(run the probe inside gVisor), "keepBoundingSet": true (with asUser: drop root but not the capability
bounding set, as a non-root pod without `drop: [ALL]` runs)}. Claims may name the placeholders "$HTTP_OK",
"$HTTP_ERROR", "$HTTP_CLOSED" (a URL on a port nothing listens on), "$OPEN_PORT", "$CLOSED_PORT" and
"$DROPPING_PORT" (a listener whose accept queue is full, so the kernel drops each new SYN and a connection
attempt times out, as one dropped by a NetworkPolicy does). Prints the probe's stdout and exits with its
status.
"""
import http.server
import json
import os
import socket
import subprocess
import sys
import threading

subprocess.run(["ip", "link", "set", "lo", "up"], check=True)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        code = 200 if self.path == "/hub/api" else 500
        body = json.dumps({"version": "5.5.0"} if code == 200 else {"error": "x"}).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(16)
closed = socket.socket()
closed.bind(("127.0.0.1", 0))
closed_port = closed.getsockname()[1]
closed.close()
# listen(0) queues one connection; with it queued and never accepted, Linux drops every later SYN.
dropping = socket.socket()
dropping.bind(("127.0.0.1", 0))
dropping.listen(0)
queued = socket.create_connection(dropping.getsockname(), timeout=5)

port = server.server_address[1]
spec = json.loads(sys.argv[2])
text = json.dumps({"claims": spec["claims"], "timeoutSeconds": 2})
text = (text.replace("$HTTP_OK", f"http://127.0.0.1:{port}/hub/api").replace("$HTTP_ERROR", f"http://127.0.0.1:{port}/broken")
        .replace("$HTTP_CLOSED", f"http://127.0.0.1:{closed_port}/hub/api")
        .replace('"$OPEN_PORT"', str(listener.getsockname()[1])).replace('"$CLOSED_PORT"', str(closed_port))
        .replace('"$DROPPING_PORT"', str(dropping.getsockname()[1])))
env = {"PATH": "/usr/bin:/bin", "JUPYTERHUB_API_URL": f"http://127.0.0.1:{port}/hub/api", "PYTHONDONTWRITEBYTECODE": "1"}
prefix = []
if spec.get("asUser") is not None:
    u = str(spec["asUser"])
    bounding = [] if spec.get("keepBoundingSet") else ["--bounding-set=-all"]
    prefix = ["setpriv", f"--reuid={u}", f"--regid={u}", "--clear-groups", "--inh-caps=-all", *bounding, "--no-new-privs"]
# "runsc": the argv that runs a command inside gVisor (bench/runsc.ts), put in front of everything else.
prefix = list(spec.get("runsc") or []) + prefix
with open(sys.argv[1]) as f:
    source = f.read()
r = subprocess.run(prefix + ["/usr/bin/python3", "-I", "-c", source, text], capture_output=True, text=True, env=env, timeout=60)
sys.stdout.write(r.stdout)
sys.stderr.write(r.stderr)
server.shutdown()
sys.exit(r.returncode)
