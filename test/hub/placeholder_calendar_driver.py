"""Runs the shipped placeholder calendar (infra/files/scaler/placeholder_calendar.py) against a fake
Kubernetes API on loopback, for test/hub/placeholderCalendar.test.ts.

stdin: {"script": <path>, "calendar": {...}, "replicas": <what the fake StatefulSet has>, "token": <text>}
stdout: {"exit": <main's return>, "requests": [{"method", "path", "auth", "contentType", "body"}], "log": <stdout text>}
"""

import contextlib
import http.server
import importlib.util
import io
import json
import os
import sys
import tempfile
import threading


def load(path):
    spec = importlib.util.spec_from_file_location("placeholder_calendar", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    job = json.load(sys.stdin)
    calendar_module = load(job["script"])
    requests = []
    state = {"replicas": job["replicas"]}

    class Api(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, body):
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def record(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            requests.append({
                "method": self.command, "path": self.path, "auth": self.headers.get("Authorization"),
                "contentType": self.headers.get("Content-Type"), "body": body,
            })
            return body

        def do_GET(self):
            self.record()
            self.reply({"kind": "Scale", "spec": {"replicas": state["replicas"]}})

        def do_PATCH(self):
            body = self.record()
            state["replicas"] = body["spec"]["replicas"]
            self.reply({"kind": "Scale", "spec": {"replicas": state["replicas"]}})

    server = http.server.HTTPServer(("127.0.0.1", 0), Api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as d:
        calendar_path = os.path.join(d, "calendar.json")
        token_path = os.path.join(d, "token")
        with open(calendar_path, "w") as f:
            json.dump(job["calendar"], f)
        with open(token_path, "w") as f:
            f.write(job["token"] + "\n")
        os.environ.update({
            "PLACEHOLDER_CALENDAR": calendar_path,
            "KUBERNETES_API": "http://127.0.0.1:{}".format(server.server_address[1]),
            "KUBERNETES_TOKEN_PATH": token_path,
        })
        log = io.StringIO()
        with contextlib.redirect_stdout(log):
            code = calendar_module.main(["--once"])
    server.shutdown()
    print(json.dumps({"exit": code, "requests": requests, "log": log.getvalue()}))


if __name__ == "__main__":
    main()
