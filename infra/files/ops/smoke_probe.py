"""Check, from inside a user's pod, what the hub's security summary claims. Standard library only.

Run as `python3 -I -c "<this file>" '<spec JSON>'` through `kubectl exec` (infra/tools/smoke.ts builds the
spec). Prints one JSON line per claim: {"id", "pass", "detail"}; exit status 0 only when every claim holds.

Claim kinds:
  dns           {"name"}: the name resolves.
  http          {"url" | "urlFromEnv", "status": [..]}: a GET answers with one of these statuses.
  blocked       {"host", "port"}: a TCP connection does not get through. A refused connection counts as
                getting through: the packet reached the host, only nothing listened. Targets are chosen
                where something listens (a kubelet, a pod's server), so only a drop or "unreachable" passes.
  open          {"host", "port"}: a TCP connection is accepted.
  uid           {"uid"}: the process runs as this uid (and not as root).
  capabilities  {}: no capability in the effective, permitted or bounding set (/proc/self/status).
  no_new_privs  {}: the kernel's no_new_privs flag is set (allowPrivilegeEscalation: false).
  seccomp       {}: a seccomp filter is in force (mode 2; RuntimeDefault).
"""

import errno
import json
import os
import socket
import sys
import urllib.error
import urllib.request


def status_fields():
    fields = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
    return fields


def tcp(host, port, timeout):
    """'connected', 'refused', or why it did not get through ('timeout', 'unreachable: ...')."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return "connected"
    except ConnectionRefusedError:
        return "refused"
    except socket.timeout:
        return "timeout"
    except OSError as e:
        if e.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EACCES, errno.EPERM):
            return f"unreachable: {e.strerror}"
        return f"error: {e}"


def check(claim, timeout):
    kind = claim["kind"]
    if kind == "dns":
        try:
            addresses = sorted({a[4][0] for a in socket.getaddrinfo(claim["name"], None)})
            return True, f"{claim['name']} resolves to {', '.join(addresses)}"
        except OSError as e:
            return False, f"{claim['name']} does not resolve: {e}"
    if kind == "http":
        url = claim.get("url") or os.environ.get(claim.get("urlFromEnv", ""), "")
        if not url:
            return False, f"no URL (environment variable {claim.get('urlFromEnv')} unset)"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as r:
                code = r.status
        except urllib.error.HTTPError as e:
            code = e.code
        except (OSError, urllib.error.URLError) as e:
            return False, f"GET {url} failed: {e}"
        return code in claim["status"], f"GET {url} answered {code}"
    if kind in ("blocked", "open"):
        outcome = tcp(claim["host"], int(claim["port"]), timeout)
        target = f"{claim['host']}:{claim['port']}"
        if kind == "open":
            return outcome == "connected", f"{target}: {outcome}"
        passed = outcome == "timeout" or outcome.startswith("unreachable")
        return passed, f"{target}: {outcome}" + ("" if passed else " (the network let the connection through)")
    if kind == "uid":
        uid = os.getuid()
        return uid == claim["uid"] and uid != 0, f"uid {uid}, gid {os.getgid()}"
    fields = status_fields()
    if kind == "capabilities":
        sets = {k: int(fields[k], 16) for k in ("CapEff", "CapPrm", "CapBnd")}
        return all(v == 0 for v in sets.values()), ", ".join(f"{k} {v:#x}" for k, v in sets.items())
    if kind == "no_new_privs":
        return fields.get("NoNewPrivs") == "1", f"NoNewPrivs {fields.get('NoNewPrivs')}"
    if kind == "seccomp":
        return fields.get("Seccomp") == "2", f"Seccomp mode {fields.get('Seccomp')}"
    return False, f"unknown claim kind {kind!r}"


def main(argv):
    spec = json.loads(argv[1])
    timeout = float(spec.get("timeoutSeconds", 3))
    ok = True
    for claim in spec["claims"]:
        try:
            passed, detail = check(claim, timeout)
        except Exception as e:  # a broken check is a failed claim, never a silent pass
            passed, detail = False, f"{type(e).__name__}: {e}"
        ok = ok and passed
        print(json.dumps({"id": claim["id"], "pass": bool(passed), "detail": detail}), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
