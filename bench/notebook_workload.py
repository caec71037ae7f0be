"""One run of a notebook-like workload, timed from inside the process; bench/gvisor.ts runs it natively and
under gVisor (runsc) and compares.

Usage: notebook_workload.py <scratch dir> <files> <file bytes> <cpu iterations>
Prints {"imports", "diskWrite", "diskRead", "memoryWrite", "memoryRead", "cpu": seconds, "ipython": bool} as JSON.

Each part is what a notebook kernel does between two cells, and is timed inside the (possibly sandboxed)
process, so the sandbox's own start-up, paid once per pod on GKE, is not in these figures.
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

scratch, files, file_bytes, cpu_iterations = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])

# 1. A new interpreter and the imports a notebook's first cell makes: a kernel start. IPython when present,
#    as every kernel imports it. A child process, so exec, dynamic loading and the module search all count.
has_ipython = importlib.util.find_spec("IPython") is not None
modules = "json, decimal, email, http.client, sqlite3, xml.etree.ElementTree" + (", IPython" if has_ipython else "")
start = time.perf_counter()
subprocess.run([sys.executable, "-c", f"import {modules}"], check=True)
imports = time.perf_counter() - start

# 2. Many small files, as a notebook saving results, checkpoints or a dataset split into pieces: each one
#    created, written and closed, WITHOUT fsync (what open().write() and pandas' to_csv do), then read back
#    and deleted. Twice: on the host's disk (the scratch directory; under gVisor through its gofer, as a
#    home volume is reached on GKE), and in memory (/dev/shm: the host's tmpfs natively, the sandbox's own
#    tmpfs under gVisor), where no disk is involved and only the cost of each system call is left.
payload = bytes(range(256)) * (file_bytes // 256) + bytes(file_bytes % 256)


def small_files(directory):
    names = [os.path.join(directory, f"part-{i:05d}.bin") for i in range(files)]
    start = time.perf_counter()
    for name in names:
        with open(name, "wb") as f:
            f.write(payload)
    written = time.perf_counter() - start
    start = time.perf_counter()
    for name in names:
        with open(name, "rb") as f:
            if f.read() != payload:
                sys.exit(f"{name}: read back differs from what was written")
    read = time.perf_counter() - start
    for name in names:
        os.remove(name)
    return written, read


disk_write, disk_read = small_files(scratch)
os.makedirs("/dev/shm", exist_ok=True)
memory = tempfile.mkdtemp(prefix="gvisor-bench-", dir="/dev/shm")
try:
    memory_write, memory_read = small_files(memory)
finally:
    shutil.rmtree(memory, ignore_errors=True)

# 3. Pure Python arithmetic: no system calls, so a sandbox should cost nothing here.
start = time.perf_counter()
acc = 0
for i in range(cpu_iterations):
    acc = (acc * 31 + i) % 1_000_003
cpu = time.perf_counter() - start

print(json.dumps({"imports": imports, "diskWrite": disk_write, "diskRead": disk_read, "memoryWrite": memory_write,
                  "memoryRead": memory_read, "cpu": cpu, "ipython": has_ipython}))
