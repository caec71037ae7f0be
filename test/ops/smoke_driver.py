"""Runs the smoke probe inside this process's own network namespace (made by `unshare --net`, so only
loopback exists and no packet can leave the machine), against loopback servers started here.

argv[1]: the probe file; argv[2]: JSON {"claims": [...], "asUser": uid or null, "runsc": argv or absent
(run the probe inside gVisor)}. Claims may name the placeholders "$HTTP_OK", "$HTTP_ERROR", "$OPEN_PORT"
and "$CLOSED_PORT". Prints the probe's stdout and exits with its status.
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

port = server.server_address[1]
spec = json.loads(sys.argv[2])
text = json.dumps({"claims": spec["claims"], "timeoutSeconds": 2})
text = (text.replace("$HTTP_OK", f"http://127.0.0.1:{port}/hub/api").replace("$HTTP_ERROR", f"http://127.0.0.1:{port}/broken")
        .replace('"$OPEN_PORT"', str(listener.getsockname()[1])).replace('"$CLOSED_PORT"', str(closed_port)))
env = {"PATH": "/usr/bin:/bin", "JUPYTERHUB_API_URL": f"http://127.0.0.1:{port}/hub/api", "PYTHONDONTWRITEBYTECODE": "1"}
prefix = []
if spec.get("asUser") is not None:
    u = str(spec["asUser"])
    prefix = ["setpriv", f"--reuid={u}", f"--regid={u}", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
# "runsc": the argv that runs a command inside gVisor (bench/runsc.ts), put in front of everything else.
prefix = list(spec.get("runsc") or []) + prefix
with open(sys.argv[1]) as f:
    source = f.read()
r = subprocess.run(prefix + ["/usr/bin/python3", "-I", "-c", source, text], capture_output=True, text=True, env=env, timeout=60)
sys.stdout.write(r.stdout)
sys.stderr.write(r.stderr)
server.shutdown()
sys.exit(r.returncode)
