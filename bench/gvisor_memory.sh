#!/bin/sh
# What gVisor's own processes hold in memory beside an idle notebook-like Python, on this machine
# (README, "GKE Sandbox (gVisor)": the check behind sandboxPodOverhead's 128 MiB). Prints the PSS in KiB of
# the sentry (gVisor's kernel, runsc-sandbox ... boot), the gofer (its file proxy) and the application
# under the sandbox, then the same Python's PSS natively. PSS, not RSS: the sentry and the application
# share the pages of the sandbox's memory file, and RSS would count them twice.
# Usage: sh bench/gvisor_memory.sh   (needs Debian's runsc; one sandbox at a time on the machine)
set -eu
imports="import IPython, json, sqlite3, decimal, email, http.client, xml.etree.ElementTree"
pss() { awk '/^Pss:/{print $2}' "/proc/$1/smaps_rollup"; }
timeout 60 runsc --rootless --network=none --platform=ptrace do -force-overlay=false \
  /usr/bin/python3 -c "$imports; import time; time.sleep(20)" >/dev/null 2>&1 &
sleep 12
sentry=$(pgrep -n -f "runsc-sandbox .*boot")
gofer=$(pgrep -n -f "runsc-gofer .*gofer")
app=$(pgrep -P "$(pgrep -P "$sentry" | head -n1)" | head -n1)
echo "sentry $(pss "$sentry") gofer $(pss "$gofer") app $(pss "$app")"
wait
/usr/bin/python3 -c "$imports; print('native', [l for l in open('/proc/self/smaps_rollup') if l.startswith('Pss:')][0].split()[1])"
