#!/usr/bin/env python3
"""Where a lab machine's boot CPU goes: the UML kernel run as umlnet runs it, with scratch copies
of umlnet-guest-init.sh and umlnet-lab-init.sh cut after each phase, N boots per cut.

A phase's cost is the difference of the median CPU (user+sys of the `linux` process tree, from
wait4) between the cut after it and the cut before it; wall likewise. Cuts:
  boot      kernel start to init, then power off at once (init mounts /proc only)
  cow       + the copy-on-write root (overlay over hostfs /, modules bind-mount)
  guest     + the rest of umlnet-guest-init.sh before its command loop (sysfs, /run, lo, devices)
  lab       + umlnet-lab-init.sh MACHINE (hostlab mount, M/ copy, sysctls, startup via bash)
  shutdown  + umlnet-lab-init.sh MACHINE shutdown
--compare DIR... adds variants: the same cuts booted with DIR's umlnet/ scripts (e.g. a `git
worktree` of an older commit), interleaved with this tree's in every round, so that a change of
the host's load weighs on all of them alike.
No network devices and no command channel (con1=null): a machine's startup script that
configures eth0 fails on that line and goes on. Run as root; the kernel runs as --user.
"""
import argparse
import os
import pwd
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CUTS = ["boot", "cow", "guest", "lab", "shutdown"]
STOP = 'read up _ < /proc/uptime; echo "@@T $up"; echo o > /proc/sysrq-trigger; sleep 60\n'


def cut_init(guest_init, cut, machine):
    """The scratch init for one cut: the guest init up to the cut point, then power off."""
    head, sep, _ = guest_init.partition("cow_root # mounts /proc either way\n")
    if not sep:
        sys.exit("boot_profile: umlnet-guest-init.sh has no cow_root call line")
    if cut == "boot":
        return "#!/bin/sh\nmount -t proc proc /proc\n" + STOP
    text = head + sep
    if cut == "cow":
        return text + STOP
    rest, sep, _ = guest_init.partition("cow_root # mounts /proc either way\n")[2].partition(
        "# Runs script file $2 as command $1")
    if not sep:
        sys.exit("boot_profile: umlnet-guest-init.sh has no run_cmd marker")
    text += rest.replace("chmod 600 /dev/tty1", ": ")
    if cut == "guest":
        return text + STOP
    lab = ("mkdir -p /run/lab && mount -t hostfs -o \"$PROF_STATE\" none /run/lab && "
           f"sh /run/lab/init.lab {machine} > /run/lab.out 2>&1\n")
    if cut == "lab":
        return text + lab + STOP
    return text + lab + f"sh /run/lab/init.lab {machine} shutdown >> /run/lab.out 2>&1\n" + STOP


def boot(args, var, cut, mem, work, user):
    init = os.path.join(work, "init.sh")
    with open(init, "w") as f:
        f.write(cut_init(var["guest_init"], cut, args.machine))
    os.chmod(init, 0o755)
    uml = tempfile.mkdtemp(dir=work)
    os.chown(uml, user.pw_uid, user.pw_gid)
    cmd = [args.kernel, "umid=prof", f"uml_dir={uml}/", f"mem={mem}", "root=/dev/root",
           "rootfstype=hostfs", "rootflags=/", "ro", f"init={init}", "con=null",
           "con0=null,fd:1", "con1=null", "ssl=null", "pty.legacy_count=0",
           f"UMLNET_NAME={args.machine}", f"PROF_STATE={var['state']}"] + args.append
    if args.perf:
        cmd = ["perf", "stat", "-x,", "-e", "task-clock,page-faults,context-switches,syscalls:sys_enter_newfstatat,"
               "syscalls:sys_enter_statx,syscalls:sys_enter_openat,syscalls:sys_enter_ptrace,"
               "syscalls:sys_enter_mmap,syscalls:sys_enter_wait4",
               "-o", os.path.join(work, "perf.txt"), "--"] + cmd

    def drop():
        os.setgroups([])
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)
    out = open(os.path.join(work, "console"), "wb")
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                         preexec_fn=None if args.perf else drop)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    out.close()
    p.returncode = status
    console = open(os.path.join(work, "console"), "rb").read().decode(errors="replace")
    if "@@T" not in console:
        sys.exit(f"boot_profile: cut {cut}: init did not reach its end; console in {work}")
    return ru.ru_utime + ru.ru_stime, wall, ru.ru_utime, ru.ru_stime, ru.ru_minflt


def perf_line(work):
    """perf stat's counters of the last boot, on one line (ptrace: UML's round trips per guest
    system call or fault; newfstatat/openat: hostfs lookups on the host)."""
    lines = open(os.path.join(work, "perf.txt")).read().splitlines()
    return " | ".join(f"{ln.split(',')[2]} {ln.split(',')[0]}" for ln in lines
                      if ln and not ln.startswith("#"))


def state_dir(args, work, src):
    """A lab state directory like umlnet's: init.lab, services.lab and MACHINE.lab (lab_topo.c's
    format), the scripts taken from tree src."""
    st = tempfile.mkdtemp(prefix="state.", dir=work)
    shutil.copy(os.path.join(src, "umlnet", "umlnet-lab-init.sh"), os.path.join(st, "init.lab"))
    services = os.path.join(src, "umlnet", "umlnet-lab-services.sh")
    if os.path.exists(services):
        shutil.copy(services, os.path.join(st, "services.lab"))
    with open(os.path.join(st, f"{args.machine}.lab"), "w") as f:
        f.write(f"hostlab {os.path.abspath(args.lab)}\nipv6 0\n")
    for n in os.listdir(st):
        os.chmod(os.path.join(st, n), 0o644)
    os.chmod(st, 0o755)
    return st


def print_table(args, mem, src, runs):
    res = {c: [statistics.median(r[i] for r in runs[c]) for i in range(5)] for c in runs}
    print(f"{src}: mem={mem}, {args.boots} boots per cut, medians; machine {args.machine} "
          f"of {args.lab}")
    print(f"{'phase':10} {'CPU-s':>7} {'wall-s':>7} | {'cumul CPU':>9} {'user':>6} "
          f"{'sys':>6} {'minflt':>7} {'wall':>6}")
    prev = (0.0, 0.0)
    for cut in args.cuts:
        cpu, wall, u, s, flt = res[cut]
        print(f"{cut:10} {cpu - prev[0]:7.2f} {wall - prev[1]:7.2f} | {cpu:9.2f} "
              f"{u:6.2f} {s:6.2f} {flt:7.0f} {wall:6.2f}")
        prev = (cpu, wall)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--boots", type=int, default=3, help="boots per cut (median)")
    ap.add_argument("--mem", nargs="+", default=["64M"], help="mem= sizes to compare")
    ap.add_argument("--cuts", nargs="+", default=CUTS, choices=CUTS)
    ap.add_argument("--lab", default=os.path.join(ROOT, "examples", "lab-web"))
    ap.add_argument("--machine", default="r")
    ap.add_argument("--kernel", default=shutil.which("linux") or "linux")
    ap.add_argument("--append", nargs="+", default=[],
                    help="more kernel command line words (e.g. lpj=N quiet) to try")
    ap.add_argument("--user", default="umlnet-guest")
    ap.add_argument("--compare", nargs="+", default=[], metavar="DIR",
                    help="other source trees whose umlnet/ scripts boot in the same rounds")
    ap.add_argument("--perf", action="store_true",
                    help="wrap each boot in perf stat (runs the kernel as root); print its lines")
    args = ap.parse_args()
    user = pwd.getpwnam(args.user)
    work = tempfile.mkdtemp(prefix="boot_profile.")
    os.chmod(work, 0o755)
    variants = [{"src": src, "state": state_dir(args, work, src),
                 "guest_init": open(os.path.join(src, "umlnet", "umlnet-guest-init.sh")).read()}
                for src in [ROOT] + args.compare]
    print(f"load average at start: {os.getloadavg()}")
    try:
        for mem in args.mem:
            runs = [{cut: [] for cut in args.cuts} for _ in variants]
            # Rounds interleave the cuts, so that a change of the host's load weighs on all.
            for _ in range(args.boots):
                for cut in args.cuts:
                    for var, r in zip(variants, runs):
                        r[cut].append(boot(args, var, cut, mem, work, user))
                        if args.perf:
                            print(f"  perf {cut}: " + perf_line(work))
            for var, r in zip(variants, runs):
                print_table(args, mem, var["src"], r)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
