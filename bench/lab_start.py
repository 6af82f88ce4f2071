#!/usr/bin/env python3
"""lab_start.py - how fast `umlnet lstart` makes a lab ready, and what an idle machine costs.

    python3 bench/lab_start.py --machines 5 20 --jobs 0 4 8 20

For each size N, a Kathará-style lab of N UML machines (a chain: machine i on collision
domains i and i+1, addresses and routes from its startup script) is written to a temporary
directory and started with `umlnet lstart`; the time is from the command's start to its return,
which is when every machine's startup scripts have finished. Then, after --settle seconds idle,
the host memory of each machine: the sum of the proportional set size (Pss, smaps_rollup) of its
UML processes (the kernel's memory file is shared among them and counted once). `--jobs 0` is
lstart's own default. The lab is cleaned after each run (lclean) and the time that takes is
reported too.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def umlnet():
    return os.path.join(os.environ.get("UMLNET_BUILD", os.path.join(ROOT, "build")),
                        "umlnet", "umlnet")


def write_lab(d, n):
    """A chain m0 - m1 - ... of n machines; each machine's startup sets its addresses."""
    conf = ["LAB_NAME=bench", f'LAB_DESCRIPTION="{n} machines in a chain"']
    for i in range(n):
        conf.append(f"m{i}[0]=cd{i}")
        if i + 1 < n:
            conf.append(f"m{i}[1]=cd{i + 1}")
        with open(os.path.join(d, f"m{i}.startup"), "w") as f:
            f.write(f"ip addr add 10.{i // 250}.{i % 250}.2/24 dev eth0\n")
            if i + 1 < n:
                f.write(f"ip addr add 10.{(i + 1) // 250}.{(i + 1) % 250}.1/24 dev eth1\n")
    with open(os.path.join(d, "lab.conf"), "w") as f:
        f.write("\n".join(conf) + "\n")


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def machine_memory(state):
    """Pss in MiB per machine: every process whose command line is a UML kernel of state."""
    per = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if len(argv) < 3 or not argv[1].startswith(b"umid=") or \
                not any(state.encode() in a for a in argv):
            continue
        name = argv[1][5:].decode()
        per[name] = per.get(name, 0) + pss_kib(pid)
    return {k: v / 1024 for k, v in per.items()}


def run(n, jobs, settle):
    d = tempfile.mkdtemp(prefix="umlnet-bench-lab-")
    os.chmod(d, 0o755)
    base = os.path.join(d, "state")
    os.mkdir(base)
    lab = os.path.join(d, "lab")
    os.mkdir(lab)
    write_lab(lab, n)
    env = dict(os.environ, UMLNET_STATE_DIR=base)
    argv = [umlnet(), "-q"] + (["--jobs", str(jobs)] if jobs else []) + ["lstart", "-d", lab]
    try:
        t = time.monotonic()
        r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=900)
        ready = time.monotonic() - t
        if r.returncode != 0:
            sys.exit(f"lstart failed:\n{r.stdout}{r.stderr}")
        time.sleep(settle)
        mem = machine_memory(base)
        t = time.monotonic()
        subprocess.run([umlnet(), "-q", "lclean", "-d", lab], env=env, check=True, timeout=900)
        clean = time.monotonic() - t
        return ready, mem, clean
    finally:
        shutil.rmtree(d, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--machines", type=int, nargs="+", default=[5, 20])
    ap.add_argument("--jobs", type=int, nargs="+", default=[0],
                    help="--jobs values to try (0: lstart's default)")
    ap.add_argument("--settle", type=float, default=5.0, help="idle seconds before measuring")
    args = ap.parse_args()
    print(f"{'machines':>8} {'jobs':>7} {'ready s':>8} {'lclean s':>9} "
          f"{'MiB/machine (median, max)':>27}")
    for n in args.machines:
        for jobs in args.jobs:
            ready, mem, clean = run(n, jobs, args.settle)
            vals = sorted(mem.values()) or [0]
            print(f"{n:>8} {jobs or 'default':>7} {ready:>8.1f} {clean:>9.1f} "
                  f"{statistics.median(vals):>17.1f} {max(vals):>8.1f}", flush=True)


if __name__ == "__main__":
    main()
