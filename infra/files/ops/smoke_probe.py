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
  no_new_privs  {}: the kernel's no_new_privs flag is set (allowPrivilegeEscalation: false), asked with
                prctl(PR_GET_NO_NEW_PRIVS): gVisor's /proc/self/status has no NoNewPrivs line, while its
                prctl answers (runsc release-20221219.0, checked in test/ops/smoke.test.ts).
  seccomp       {}: a seccomp filter is in force (mode 2; RuntimeDefault).
  gvisor        {}: the kernel is gVisor's. Its kernel log (syslog(2), SYSLOG_ACTION_READ_ALL), which any
                process inside the sandbox may read, starts "Starting gVisor..." (gVisor docs, "Docker Quick
                Start", "Verify the runtime"). A node's own kernel either refuses the read to a process
                without CAP_SYSLOG (kernel.dmesg_restrict) or shows its own boot log. gVisor's docs warn the
                text is easy to imitate, so this proves something only in a pod the organisers started from
                their own image, which is where the smoke test runs.
"""

import ctypes
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


PR_GET_NO_NEW_PRIVS = 39  # linux/prctl.h
SYSLOG_ACTION_READ_ALL = 3  # linux/syslog.h; man 2 syslog


def libc():
    return ctypes.CDLL(None, use_errno=True)


def no_new_privs():
    """The flag as prctl reports it, or None (and why) when prctl fails."""
    flag = libc().prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)
    if flag < 0:
        return None, os.strerror(ctypes.get_errno())
    return flag, None


def kernel_log():
    """The kernel's log as syslog(2) gives it, or None (and why) when the kernel refuses it."""
    buf = ctypes.create_string_buffer(1 << 20)
    n = libc().klogctl(SYSLOG_ACTION_READ_ALL, buf, len(buf))
    if n < 0:
        return None, os.strerror(ctypes.get_errno())
    return buf.raw[:n].decode("utf-8", "replace"), None


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
    if kind == "no_new_privs":
        flag, why = no_new_privs()
        if flag is None:
            return False, f"prctl(PR_GET_NO_NEW_PRIVS) failed: {why}"
        return flag == 1, f"no_new_privs {flag}"
    if kind == "gvisor":
        log, why = kernel_log()
        if log is None:
            return False, f"the kernel log is refused ({why}): the node's kernel, not gVisor's; kernel {os.uname().release}"
        first = next((line for line in log.splitlines() if line.strip()), "")
        return "Starting gVisor" in first, f"kernel log starts {first.strip()!r}; kernel {os.uname().release}"
    fields = status_fields()
    if kind == "capabilities":
        sets = {k: int(fields[k], 16) for k in ("CapEff", "CapPrm", "CapBnd")}
        return all(v == 0 for v in sets.values()), ", ".join(f"{k} {v:#x}" for k, v in sets.items())
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
