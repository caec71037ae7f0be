"""A real JupyterHub for the Python test drivers: Debian's jupyterhub 3.0 with its configurable-http-proxy,
on loopback ports, with an admin service token; stopped, with everything it started, on leaving.

    with RealHub(workdir, extra_config) as hub:
        hub.api("POST", hub.hub_api + "/users/alice")
        ...
    hub.log  # what the hub and its proxy printed
"""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_lines(path):
    try:
        with open(path) as f:
            return [line for line in f.read().splitlines() if line]
    except FileNotFoundError:
        return []


class RealHub:
    def __init__(self, workdir, extra_config="", scopes=("admin:users", "admin:servers", "access:servers"), deadline_seconds=90):
        self.workdir = workdir
        self.token = "test-service-" + os.urandom(8).hex()
        self.deadline = time.monotonic() + deadline_seconds
        hub_port, proxy_port, api_port = free_port(), free_port(), free_port()
        self.hub_port, self.proxy_port = hub_port, proxy_port
        self.public = f"http://127.0.0.1:{proxy_port}"
        self.hub_api = f"http://127.0.0.1:{hub_port}/hub/api"
        self.public_api = f"{self.public}/hub/api"
        self.log_path = os.path.join(workdir, "hub.log")
        self.pids_file = os.path.join(workdir, "server-pids")
        base = f"""
c.JupyterHub.authenticator_class = "dummy"
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {proxy_port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.pid_file = {json.dumps(os.path.join(workdir, "proxy.pid"))}
c.JupyterHub.db_url = "sqlite:///" + {json.dumps(os.path.join(workdir, "hub.sqlite"))}
c.JupyterHub.cookie_secret_file = {json.dumps(os.path.join(workdir, "cookie_secret"))}
c.JupyterHub.cleanup_servers = True
c.JupyterHub.services = [{{"name": "test-service", "api_token": {json.dumps(self.token)}}}]
c.JupyterHub.load_roles = [{{"name": "test-service", "scopes": {json.dumps(list(scopes))}, "services": ["test-service"]}}]
"""
        with open(os.path.join(workdir, "jupyterhub_config.py"), "w") as f:
            f.write(base + extra_config)
        self.process = None

    def __enter__(self):
        self._log = open(self.log_path, "w")
        env = {
            "PATH": "/usr/bin:/bin",  # `python3` and the jupyterhub scripts are Debian's
            "HOME": os.path.join(self.workdir, "hubhome"),
            "LANG": "C.UTF-8",
            # Debian's configurable-http-proxy finds its modules on Debian's node path, which another node
            # on this machine may not search.
            "NODE_PATH": "/usr/share/nodejs:/usr/lib/nodejs",
        }
        self.process = subprocess.Popen(
            ["/usr/bin/jupyterhub", "-f", os.path.join(self.workdir, "jupyterhub_config.py")],
            cwd=self.workdir, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            self.wait_for("the hub API", lambda: self.api("GET", self.hub_api + "/")[0] == 200, 60)
            self.wait_for("the proxy's route to the hub", lambda: self.api("GET", self.public_api + "/")[0] == 200, 30)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        # The hub stops its servers and the proxy on SIGTERM (cleanup_servers); then whatever is left of
        # the processes it started is ended by id.
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
        # Single-user servers run in sessions of their own (with their kernels); the proxy in the hub's.
        for pgid in [int(p) for p in read_lines(self.pids_file)] + [self.process.pid]:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        for pid in read_lines(os.path.join(self.workdir, "proxy.pid")):
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, PermissionError, ValueError):
                pass
        self._log.close()
        return False

    @property
    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def api(self, method, url, body=None, token=None, headers=None):
        """(status, parsed JSON body or None); status 0 while nothing listens."""
        data = None if body is None else json.dumps(body).encode()
        all_headers = {"Authorization": "token " + (token or self.token), **(headers or {})}
        req = urllib.request.Request(url, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                text = r.read().decode()
                return r.status, (json.loads(text) if text.strip() else None)
        except urllib.error.HTTPError as e:
            return e.code, None
        except (urllib.error.URLError, ConnectionError):
            return 0, None

    def wait_for(self, what, check, seconds=60):
        end = min(time.monotonic() + seconds, self.deadline)
        while time.monotonic() < end:
            result = check()
            if result:
                return result
            time.sleep(0.25)
        raise TimeoutError(what)
