#!/usr/bin/env python3
"""lab_start.py - how fast `umlnet lstart` makes a lab ready, and what an idle machine costs.

    python3 bench/lab_start.py --machines 5 20 --jobs 0 4 8 20
    python3 bench/lab_start.py --kind ns --machines 5 20      (namespace machines)

For each size N, a Kathará-style lab of N UML machines (a chain: machine i on collision
domains i and i+1, addresses and routes from its startup script) is written to a temporary
directory and started with `umlnet lstart`; the time is from the command's start to its return,
which is when every machine's startup scripts have finished. Then, after --settle seconds idle,
the host memory of each machine: the sum of the proportional set size (Pss, smaps_rollup) of its
UML processes (the kernel's memory file is shared among them and counted once; UML's helper
threads share the kernel's address space and are counted once too). `--jobs 0` is
lstart's own default. The lab is cleaned after each run (lclean) and the time that takes is
reported too.

The CPU per machine is the user+system time of every process of the lab (its command line names
the lab's state directory: UML kernels and their reaped guest processes, hubs), taken after the
settle time and divided by N: unlike the wall time, a loaded host does not stretch it much.
--builds DIR... compares build directories (e.g. one of an older commit's `git worktree`): each
round runs every build in turn, so that a change of the host's load weighs on all alike.

With --kind ns the machines are namespace machines (lstart --machines ns); a machine's memory is
then the Pss of every process in its user namespace plus its plug's.
"""

import argparse
import ctypes
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

LIBC = ctypes.CDLL(None, use_errno=True)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "harness"))
from umlnet_helpers import recorded  # noqa: E402


BUILD = os.environ.get("UMLNET_BUILD", os.path.join(ROOT, "build"))


def umlnet():
    return os.path.join(BUILD, "umlnet", "umlnet")


def lab_cpu(state):
    """CPU seconds of the lab's processes so far, their reaped children's included."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if state.encode() not in f.read():
                    continue
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total / tick


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


def rollup(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return f.read()
    except OSError:
        return ""


def pss_kib(text):
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
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
        per.setdefault(argv[1][5:].decode(), []).append(int(pid))
    return {k: sum(pss_kib(rollup(p)) for p in distinct_mms(v)) / 1024 for k, v in per.items()}


def same_mm(a, b):
    """kcmp(KCMP_VM): whether two processes share one address space."""
    return LIBC.syscall(312, a, b, 1, 0, 0) == 0  # SYS_kcmp on x86_64


def distinct_mms(pids):
    """One pid per address space: UML's helper threads are processes that share the kernel's."""
    kept = []
    for p in pids:
        if not any(same_mm(p, k) for k in kept):
            kept.append(p)
    return kept


def ns_machine_memory(state):
    """Pss in MiB per namespace machine: the processes of its user namespace, and its plug."""
    plugs = recorded(state, "plug")
    users = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            users.setdefault(os.readlink(f"/proc/{pid}/ns/user"), []).append(int(pid))
        except OSError:
            continue
    per = {}
    for name, pid in recorded(state, "machine").items():
        try:
            procs = users.get(os.readlink(f"/proc/{pid}/ns/user"), [])
        except OSError:
            continue
        procs = procs + ([plugs[name]] if name in plugs else [])
        per[name] = sum(pss_kib(rollup(p)) for p in procs) / 1024
    return per


def run(n, jobs, settle, kind="uml"):
    d = tempfile.mkdtemp(prefix="umlnet-bench-lab-")
    os.chmod(d, 0o755)
    base = os.path.join(d, "state")
    os.mkdir(base)
    lab = os.path.join(d, "lab")
    os.mkdir(lab)
    write_lab(lab, n)
    env = dict(os.environ, UMLNET_STATE_DIR=base)
    argv = [umlnet(), "-q"] + (["--jobs", str(jobs)] if jobs else []) + ["lstart", "-d", lab,
                                                                      "--machines", kind]
    try:
        t = time.monotonic()
        r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=900)
        ready = time.monotonic() - t
        if r.returncode != 0:
            sys.exit(f"lstart failed:\n{r.stdout}{r.stderr}")
        time.sleep(settle)
        mem = ns_machine_memory(base) if kind == "ns" else machine_memory(base)
        cpu = lab_cpu(base) / n
        t = time.monotonic()
        subprocess.run([umlnet(), "-q", "lclean", "-d", lab], env=env, check=True, timeout=900)
        clean = time.monotonic() - t
        return ready, mem, clean, cpu
    finally:
        shutil.rmtree(d, ignore_errors=True)


def run_up(n, jobs):
    """The same network as plain `umlnet up` guests (lcheck's topology: no lab init, no
    startup scripts): what the lab part adds to the start-up time."""
    d = tempfile.mkdtemp(prefix="umlnet-bench-lab-")
    os.chmod(d, 0o755)
    base, lab = os.path.join(d, "state"), os.path.join(d, "lab")
    os.mkdir(base)
    os.mkdir(lab)
    write_lab(lab, n)
    env = dict(os.environ, UMLNET_STATE_DIR=base)
    topo = subprocess.run([umlnet(), "-q", "lcheck", "-d", lab], env=env, check=True,
                          capture_output=True, text=True).stdout.split("\n# ")[0]
    conf = os.path.join(d, "plain.conf")
    with open(conf, "w") as f:
        f.write(topo.replace("\nnetwork ", "\nnetwork plain") + "\n")
    try:
        t = time.monotonic()
        subprocess.run([umlnet(), "-q", "--jobs", str(jobs or 8), "up", conf], env=env,
                       check=True, timeout=900)
        return time.monotonic() - t
    finally:
        subprocess.run([umlnet(), "-q", "down"], env=env, timeout=900)
        shutil.rmtree(d, ignore_errors=True)


def main():
    global BUILD
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--machines", type=int, nargs="+", default=[5, 20])
    ap.add_argument("--jobs", type=int, nargs="+", default=[0],
                    help="--jobs values to try (0: lstart's default)")
    ap.add_argument("--settle", type=float, default=5.0, help="idle seconds before measuring")
    ap.add_argument("--kind", choices=["uml", "ns"], nargs="+", default=["uml"],
                    help="machine kinds to try (lstart --machines)")
    ap.add_argument("--builds", nargs="+", default=[BUILD],
                    help="build directories to compare, interleaved (default: UMLNET_BUILD or build/)")
    ap.add_argument("--rounds", type=int, default=1, help="runs of each build per case")
    ap.add_argument("--up", action="store_true",
                    help="also time plain `umlnet up` of the same network (no lab part)")
    args = ap.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    print(f"{'build':>24} {'kind':>4} {'machines':>8} {'jobs':>7} {'ready s':>8} {'CPU-s/m':>8} "
          f"{'lclean s':>9} {'MiB/machine (median, max)':>27}" + ("  plain up s" if args.up else ""))
    for kind in args.kind:
        for n in args.machines:
            for jobs in args.jobs:
                for _ in range(args.rounds):
                    for BUILD in args.builds:
                        ready, mem, clean, cpu = run(n, jobs, args.settle, kind)
                        vals = sorted(mem.values()) or [0]
                        up = f"  {run_up(n, jobs):>10.1f}" if args.up and kind == "uml" else ""
                        print(f"{BUILD[-24:]:>24} {kind:>4} {n:>8} {jobs or 'default':>7} "
                              f"{ready:>8.1f} {cpu:>8.2f} {clean:>9.1f} "
                              f"{statistics.median(vals):>17.1f} {max(vals):>8.1f}{up}",
                              flush=True)
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
