"""Runs the shipped placeholder calendar (infra/files/scaler/placeholder_calendar.py) against a fake
Kubernetes API on loopback, for test/hub/placeholderCalendar.test.ts.

stdin: {"script": <path>, "calendar": {...}, "replicas": <what the fake StatefulSet has>, "token": <text>,
        "mode": "once" (default) | "loop" | "in-cluster", "fail": <HTTP status the API answers every call with>,
        "apiSuffix": <text appended to KUBERNETES_API>, "caMatches": <in-cluster: false names another CA>}
stdout: {"exit": <main's return>, "requests": [{"method", "path", "auth", "accept", "contentType", "body"}],
         "log": <stdout text>}

Modes:
  once        main(["--once"]) in this process, with KUBERNETES_API set to the fake (plain HTTP).
  loop        the script as the pod runs it (`python3 -I <script>`, no --once), in a child process. The fake
              resets the StatefulSet to "replicas" on the second GET (as a Helm upgrade would) and, on the
              third, lets the driver kill the child (SIGKILL, so nothing it left unflushed is printed).
  in-cluster  main(["--once"]) with KUBERNETES_API unset: the script finds the API as a pod does, from
              KUBERNETES_SERVICE_HOST/PORT, over HTTPS checked against KUBERNETES_CA_PATH. The fake serves
              a certificate made here with openssl for 127.0.0.1.
"""

import contextlib
import http.server
import importlib.util
import io
import json
import os
import ssl
import subprocess
import sys
import tempfile
import threading


def load(path):
    spec = importlib.util.spec_from_file_location("placeholder_calendar", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_certificate(directory, name):
    """A self-signed certificate for 127.0.0.1 (openssl), as (certificate path, key path)."""
    cert, key = os.path.join(directory, name + ".crt"), os.path.join(directory, name + ".key")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
        check=True, capture_output=True,
    )
    return cert, key


def main():
    job = json.load(sys.stdin)
    mode = job.get("mode", "once")
    calendar_module = load(job["script"])
    requests = []
    state = {"replicas": job["replicas"], "gets": 0}
    third_get = threading.Event()

    class Api(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, body, code=200):
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def record(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            requests.append({
                # The path as sent (the request line), not self.path, which http.server rewrites from "//x" to "/x".
                "method": self.command, "path": self.requestline.split(" ")[1], "auth": self.headers.get("Authorization"),
                "accept": self.headers.get("Accept"), "contentType": self.headers.get("Content-Type"), "body": body,
            })
            return body

        def do_GET(self):
            self.record()
            if job.get("fail"):
                return self.reply({"kind": "Status", "code": job["fail"]}, job["fail"])
            state["gets"] += 1
            if mode == "loop" and state["gets"] == 2:
                state["replicas"] = job["replicas"]
            self.reply({"kind": "Scale", "spec": {"replicas": state["replicas"]}})
            if state["gets"] == 3:
                third_get.set()

        def do_PATCH(self):
            body = self.record()
            if job.get("fail"):
                return self.reply({"kind": "Status", "code": job["fail"]}, job["fail"])
            state["replicas"] = body["spec"]["replicas"]
            self.reply({"kind": "Scale", "spec": {"replicas": state["replicas"]}})

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Api)
    with tempfile.TemporaryDirectory() as d:
        env = {}
        if mode == "in-cluster":
            cert, key = make_certificate(d, "api")
            other, _ = make_certificate(d, "other")
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            server.socket = context.wrap_socket(server.socket, server_side=True)
            env.update({
                "KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": str(server.server_address[1]),
                "KUBERNETES_CA_PATH": cert if job.get("caMatches", True) else other,
            })
        else:
            env["KUBERNETES_API"] = "http://127.0.0.1:{}".format(server.server_address[1]) + job.get("apiSuffix", "")
        threading.Thread(target=server.serve_forever, daemon=True).start()
        calendar_path = os.path.join(d, "calendar.json")
        token_path = os.path.join(d, "token")
        with open(calendar_path, "w") as f:
            json.dump(job["calendar"], f)
        with open(token_path, "w") as f:
            f.write(job["token"] + "\n")
        env.update({"PLACEHOLDER_CALENDAR": calendar_path, "KUBERNETES_TOKEN_PATH": token_path})
        if mode == "loop":
            child = subprocess.Popen(
                [sys.executable, "-I", job["script"]], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
            )
            # Not a timing assertion: a bound on waiting for a child that never reaches a third round.
            third_get.wait(30)
            child.kill()
            out, err = child.communicate()
            code, log = child.returncode, out + err
        else:
            os.environ.pop("KUBERNETES_API", None)
            os.environ.update(env)
            log_buffer = io.StringIO()
            with contextlib.redirect_stdout(log_buffer):
                code = calendar_module.main(["--once"])
            log = log_buffer.getvalue()
    server.shutdown()
    print(json.dumps({"exit": code, "requests": requests, "log": log}))


if __name__ == "__main__":
    main()
