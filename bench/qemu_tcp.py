#!/usr/bin/env python3
"""TCP through each switch and QEMU backend, side by side: UML guest <-> VM and VM <-> VM, and a
UML <-> UML pair on daemon ports as the reference for the switch's cost per frame.

    python3 bench/qemu_tcp.py [--seconds 5] [--rounds 3] [--dgram-qlen N]

Two VMs (Debian's qemu-system-x86, KVM if it works else TCG; the image of umlnet-qemu-image with
iperf3 added from Debian packages), each with one NIC per path, and one UML guest with one device
per path; each path is its own switch:

    ours-stream   uml_switch -port transport=stream,listen=...  -netdev stream,server=off
    ours-dgram    uml_switch -port transport=dgram,... (one each) -netdev dgram (unix)
    ours-vde      uml_switch -unix DIR (libvdeplug clients)      -netdev vde,sock=DIR
    vde_switch    vde_switch -s DIR                              -netdev vde,sock=DIR
    ours-daemon   uml_switch, a second UML guest                 (no VM: the daemon reference)

The UML guests reach every switch through the daemon transport. QEMU and UML run as the
unprivileged test user (tests/harness). Per path, in interleaved rounds: iperf3 TCP UML guest ->
VM a and back, VM a -> VM b and back (Mbit/s), and the switch's CPU time per frame it forwarded
(utime + stime from /proc/PID/stat over the frames the sending guest's device sent and received
during the run: on these segments every frame crosses the switch once). Medians are printed,
then the per-frame cost of QEMU ports (VM <-> VM) over that of UML daemon ports (UML <-> UML) of
the same run. Under TCG the VMs are the bottleneck: compare the paths, not the absolutes.

--dgram-qlen N runs everything (switches, guests, VMs) in a network namespace of the run whose
net.unix.max_dgram_qlen is N (the host's stays as it is): a unix datagram socket that is not
connected back to its sender takes only that many datagrams queued (10 by default), and both
QEMU's -netdev dgram socket and a UML daemon device's socket are such receivers of the switch.
(Abstract socket names, which the daemon and vde data sockets use, are per namespace: the
switches and their clients must share one.)
"""

import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "harness"))
from guest_pair import h, options  # noqa: E402
from qemu_vm import QemuVM, accel, share_with_vm, vm_user_dir  # noqa: E402

IPERF_PACKAGES = ("iperf3", "libiperf0", "libsctp1", "libssl3", "libc6")
VM_PATHS = ("ours-stream", "ours-dgram", "ours-vde", "vde_switch")
DAEMON = "ours-daemon"
VMS = ("a", "b")
CLK_TCK = os.sysconf("SC_CLK_TCK")
# Columns of the table (each a median over the rounds).
RUNS = (("uml-vm", False), ("uml-vm", True), ("vm-vm", False), ("vm-vm", True))


def ip(i, host):
    """Segment i is 10.78.<i>.0/24: the UML guest .1, VM a .2, VM b .3, the second UML guest
    .4."""
    return f"10.78.{i}.{host}"


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def dgram_netdev(d, v, vm):
    return (f"dgram,local.type=unix,local.path={v}/{vm}.dgram,"
            f"remote.type=unix,remote.path={d}/sw-{vm}.dgram")


def start_path(ctx, name, d, v, ns):
    """The switch of one path: (its pid, its control socket, {vm: QEMU's -netdev}). d holds the
    switches' sockets, v (the VMs' user's) QEMU's own; every switch lets that user in."""
    if name == "ours-stream":
        sw = ctx.switch(name, args=["-port", f"transport=stream,listen={d}/q.sock"], netns=ns)
        nd = f"stream,server=off,addr.type=unix,addr.path={d}/q.sock"
        return sw.pid, sw.ctl, {vm: nd for vm in VMS}
    if name == "ours-dgram":
        ports = []
        for vm in VMS:
            ports += ["-port", f"transport=dgram,src={d}/sw-{vm}.dgram,dst={v}/{vm}.dgram"]
        sw = ctx.switch(name, args=ports, netns=ns)
        for vm in VMS:
            share_with_vm(f"{d}/sw-{vm}.dgram")  # a dgram port's socket takes no -mode/-group
        return sw.pid, sw.ctl, {vm: dgram_netdev(d, v, vm) for vm in VMS}
    if name == DAEMON:
        sw = ctx.switch(name, netns=ns)
        return sw.pid, sw.ctl, {}
    vde = os.path.join(d, name)
    os.makedirs(vde)
    nd = {vm: f"vde,sock={vde}" for vm in VMS}
    if name == "ours-vde":
        sw = ctx.switch(name, ctl=vde, netns=ns)
        return sw.pid, os.path.join(vde, "ctl"), nd
    # Its console is stdin: keep it open (EOF ends vde_switch).
    p = ctx.proc(name, ["vde_switch", "-s", vde, "-m", "0660", "--dirmode", "0770",
                        "-g", h.test_group_name()], stdin=subprocess.PIPE, netns=ns)
    h.wait_for(lambda: os.path.exists(os.path.join(vde, "ctl")), 10, "vde_switch")
    return p.pid, os.path.join(vde, "ctl"), nd


def frames(guest, dev):
    """Frames guest's dev sent and received so far (a UML guest or a VM)."""
    out = guest.ok(f"cat /sys/class/net/{dev}/statistics/rx_packets "
                   f"/sys/class/net/{dev}/statistics/tx_packets")
    return sum(int(x) for x in out.split())


def iperf(client, dst, dev, pid, seconds, reverse):
    """(Mbit/s received, switch CPU microseconds per frame) of one iperf3 run from client (a
    guest or VM whose dev is on the switch pid) to dst."""
    f0, c0 = frames(client, dev), cpu_seconds(pid)
    out = json.loads(client.ok(f"iperf3 -c {dst} -t {seconds} -J{' -R' if reverse else ''}",
                               timeout=seconds + 90))
    f1, c1 = frames(client, dev), cpu_seconds(pid)
    return out["end"]["sum_received"]["bits_per_second"] / 1e6, (c1 - c0) * 1e6 / max(f1 - f0, 1)


def run_netns(ctx, qlen):
    """A namespace for the run with net.unix.max_dgram_qlen = qlen (None: the host's, no
    namespace)."""
    if qlen is None:
        return None
    ns = ctx.netns("qlen")
    ns.sh(f"sysctl -qw net.unix.max_dgram_qlen={qlen}")
    return ns


def boot(ctx, a):
    d, v = ctx.path("p"), vm_user_dir(ctx, "pv")
    os.makedirs(d)
    ns = run_netns(ctx, a.dgram_qlen)
    paths = {name: start_path(ctx, name, d, v, ns) for name in VM_PATHS + (DAEMON,)}
    ctls = [paths[name][1] for name in VM_PATHS + (DAEMON,)]
    g = ctx.guest("uml", [f"daemon,,unix,{ctl}" for ctl in ctls], mem="128M", netns=ns)
    g2 = ctx.guest("uml2", [f"daemon,,unix,{paths[DAEMON][1]}"], mem="128M", netns=ns)
    vms = {vm: QemuVM(ctx, vm, [paths[name][2][vm] for name in VM_PATHS],
                      [f"{ip(i, 2 + k)}/24" for i in range(len(VM_PATHS))],
                      macs=[f"52:54:00:78:{i:02x}:{k + 2:02x}" for i in range(len(VM_PATHS))],
                      mem=512, packages=IPERF_PACKAGES, netns=ns).start()
           for k, vm in enumerate(VMS)}
    ctx.boot([g, g2])
    for i in range(len(ctls)):
        g.ok(f"ip addr add {ip(i, 1)}/24 dev eth{i} && ip link set eth{i} up")
    g2.ok(f"ip addr add {ip(len(VM_PATHS), 4)}/24 dev eth0 && ip link set eth0 up")
    g2.ok("(iperf3 -s -D >/dev/null 2>&1); sleep 0.5")
    for vm in vms.values():
        vm.wait_ready(timeout=300)
        vm.ok("iperf3 -s -D")
    for i in range(len(VM_PATHS)):
        g.ok(f"ping -c 2 -W 5 {ip(i, 2)} && ping -c 2 -W 5 {ip(i, 3)}", timeout=60)
        vms["a"].ok(f"ping -c 2 -W 5 {ip(i, 3)}", timeout=60)
    g.ok(f"ping -c 2 -W 5 {ip(len(VM_PATHS), 4)}", timeout=30)
    return paths, g, vms


def one_round(paths, g, vms, seconds):
    """{path: [(Mbit/s, us/frame) per RUNS]} and the daemon reference [(Mbit/s, us/frame) x2]."""
    res = {}
    for i, name in enumerate(VM_PATHS):
        pid = paths[name][0]
        res[name] = [iperf(g, ip(i, 2), f"eth{i}", pid, seconds, rev) for _, rev in RUNS[:2]]
        res[name] += [iperf(vms["a"], ip(i, 3), f"eth{i}", pid, seconds, rev)
                      for _, rev in RUNS[2:]]
    n = len(VM_PATHS)
    res[DAEMON] = [iperf(g, ip(n, 4), f"eth{n}", paths[DAEMON][0], seconds, rev)
                   for rev in (False, True)]
    return res


def report(a, results, load):
    med = {name: [[statistics.median(r[name][k][j] for r in results) for j in range(2)]
                  for k in range(len(results[0][name]))] for name in results[0]}
    print(f"QEMU {accel()}, {a.rounds} rounds of {a.seconds} s, medians; "
          f"net.unix.max_dgram_qlen {a.dgram_qlen or 'as the host (no namespace)'}; "
          f"load average at start {load}")
    heads = ["UML->VM", "VM->UML", "VMa->VMb", "VMb->VMa"]
    print(f"{'path':12}" + "".join(f"{x + ' Mbit/s':>16}" for x in heads)
          + "".join(f"{x + ' us/fr':>15}" for x in heads))
    for name in VM_PATHS:
        m = med[name]
        print(f"{name:12}" + "".join(f"{x[0]:16.0f}" for x in m)
              + "".join(f"{x[1]:15.2f}" for x in m))
    d = med[DAEMON]
    print(f"{DAEMON:12} UML->UML {d[0][0]:.0f} Mbit/s {d[0][1]:.2f} us/frame, "
          f"back {d[1][0]:.0f} Mbit/s {d[1][1]:.2f} us/frame")
    ref = statistics.median(x[1] for x in d)
    for name in ("ours-stream", "ours-dgram", "ours-vde"):
        cost = statistics.median(x[1] for x in med[name][2:])
        print(f"switch cost per frame, QEMU ports ({name}, VM<->VM) / UML daemon ports "
              f"(UML<->UML): {cost:.2f} / {ref:.2f} us = x{cost / ref:.2f}")


def main():
    ap = options(3)
    ap.add_argument("--dgram-qlen", type=int, default=None, metavar="N")
    a = ap.parse_args()
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    ctx = h.Context("bench-qemu")
    try:
        paths, g, vms = boot(ctx, a)
        results = [one_round(paths, g, vms, a.seconds) for _ in range(a.rounds)]
        report(a, results, load)
    finally:
        ctx.cleanup()


if __name__ == "__main__":
    main()
