"""Runs a real JupyterHub (Debian's 3.0, with its configurable-http-proxy and SimpleLocalProcessSpawner) that
starts real single-user servers (jupyterhub.singleuser on Debian's jupyter_server 1.23), one per command line
under test, and reports what a user who planted files in their own home could do to them.

Every user's home holds the two start-up hooks a notebook cell can write (the home is the persistent disk):
  - ~/.local/lib/python3.X/site-packages/evil.pth: a user site-packages .pth runs its `import` lines in every
    interpreter that has user site-packages on (Python's site module); this one drops the terminals flag
    from sys.argv before the server parses it, and records that it ran;
  - ~/jupyterhub/__init__.py: the server's working directory is the home (the user image's WORKDIR, and
    SimpleLocalProcessSpawner's chdir here), and `python -m` puts the working directory first on sys.path,
    so this package would shadow the real jupyterhub; it does the same as the .pth, then loads the real one.
Homes listed in `clean` get neither (a control: the flag alone turns terminals off).

Argument: a JSON object {"workdir", "args", "servers": {name: cmd}, "clean": [name...]}. Prints a JSON object
{name: {"terminals": HTTP status of GET /api/terminals, "pth": [command line of each process the .pth ran in],
"shim": bool, "kernelStarted": bool}}. The hub and everything it started are stopped before it exits.
"""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from real_hub import RealHub, read_lines  # noqa: E402

SPEC = json.loads(sys.argv[1])
WORK = SPEC["workdir"]

PTH = """import json, os, sys; open(os.path.join(os.path.expanduser("~"), "pth-ran.log"), "a").write(json.dumps(getattr(sys, "orig_argv", sys.argv)) + "\\n"); sys.argv[:] = [a for a in sys.argv if "terminals_enabled" not in a]
"""

SHIM = '''import os, sys
open(os.path.join(os.path.expanduser("~"), "shim-ran.log"), "a").write("ran\\n")
sys.argv[:] = [a for a in sys.argv if "terminals_enabled" not in a]
# become the real package: point __path__ at it and run its __init__
_here = os.path.dirname(os.path.abspath(__file__))
for _entry in sys.path:
    _real = os.path.join(os.path.abspath(_entry or "."), "jupyterhub")
    if _real != _here and os.path.isfile(os.path.join(_real, "__init__.py")):
        __path__[:] = [_real]
        __file__ = os.path.join(_real, "__init__.py")
        exec(compile(open(__file__).read(), __file__, "exec"))
        break
'''


def user_site(home):
    out = subprocess.run(
        [sys.executable, "-c", "import site; print(site.getusersitepackages())"],
        env={"HOME": home, "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, check=True,
    )
    return out.stdout.strip()


def plant(home):
    site_dir = user_site(home)
    os.makedirs(site_dir)
    with open(os.path.join(site_dir, "evil.pth"), "w") as f:
        f.write(PTH)
    os.makedirs(os.path.join(home, "jupyterhub"))
    with open(os.path.join(home, "jupyterhub", "__init__.py"), "w") as f:
        f.write(SHIM)


pids_file = os.path.join(WORK, "server-pids")
spawner_config = f"""
import json
from jupyterhub.spawner import SimpleLocalProcessSpawner

CMDS = json.loads({json.dumps(json.dumps(SPEC["servers"]))})

class RecordingSpawner(SimpleLocalProcessSpawner):
    # the command under test for this user; the pid so that RealHub can stop what the hub might leave
    async def start(self):
        self.cmd = CMDS[self.user.name]
        result = await super().start()
        with open({json.dumps(pids_file)}, "a") as f:
            f.write(str(self.pid) + "\\n")
        return result

c.JupyterHub.spawner_class = RecordingSpawner
c.SimpleLocalProcessSpawner.home_dir_template = {json.dumps(os.path.join(WORK, "home", "{username}"))}
# The values' args, plus allow_root only when this machine runs the tests as root (the user image runs as 1000).
c.Spawner.args = json.loads({json.dumps(json.dumps(SPEC["args"]))}) + {json.dumps(["--ServerApp.allow_root=True"] if os.geteuid() == 0 else [])}
c.Spawner.disable_user_config = True
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
"""

for name in SPEC["servers"]:
    home = os.path.join(WORK, "home", name)
    os.makedirs(home)
    if name not in SPEC.get("clean", []):
        plant(home)

results = {}
try:
    with RealHub(WORK, spawner_config) as hub:
        api, hub_api = hub.api, hub.hub_api
        for name in SPEC["servers"]:
            assert api("POST", f"{hub_api}/users/{name}")[0] in (201, 409), name
            assert api("POST", f"{hub_api}/users/{name}/server")[0] in (201, 202), name

        def ready(name):
            status, model = api("GET", f"{hub_api}/users/{name}")
            return status == 200 and model["servers"].get("", {}).get("ready")

        for name in SPEC["servers"]:
            hub.wait_for(f"server of {name}", lambda: ready(name), 60)
        for name in SPEC["servers"]:
            home = os.path.join(WORK, "home", name)
            base = f"{hub.public}/user/{name}/api"
            terminals = api("GET", base + "/terminals")[0]
            # A real kernel from the server's kernel manager: if the .pth runs in it, kernels keep user site-packages.
            kernel_status, kernel = api("POST", base + "/kernels", {"name": "python3"})
            started = kernel_status == 201
            if started and name not in SPEC.get("clean", []):
                pth_log = os.path.join(home, "pth-ran.log")
                hub.wait_for(f"kernel of {name}", lambda: any("ipykernel_launcher" in l for l in read_lines(pth_log)), 30)
            if started:
                api("DELETE", f"{base}/kernels/{kernel['id']}")
            results[name] = {
                "terminals": terminals,
                "pth": [json.loads(l) for l in read_lines(os.path.join(home, "pth-ran.log"))],
                "shim": bool(read_lines(os.path.join(home, "shim-ran.log"))),
                "kernelStarted": started,
            }
except Exception as e:
    with open(os.path.join(WORK, "hub.log")) as f:
        tail = f.read()[-4000:]
    print(f"{type(e).__name__}: {e}\n--- hub log (tail) ---\n{tail}", file=sys.stderr)
    sys.exit(1)
print(json.dumps(results))
