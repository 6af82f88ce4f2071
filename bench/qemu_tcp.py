#!/usr/bin/env python3
"""TCP between a QEMU VM and a real UML guest through each switch and QEMU backend, side by side.

    python3 bench/qemu_tcp.py [--seconds 5] [--rounds 3]

One VM (Debian's qemu-system-x86, KVM if it works else TCG; the image of umlnet-qemu-image with
iperf3 added from Debian packages) with one NIC per path, and one UML guest with one device per
path, each path its own switch:

    ours-stream   uml_switch -port transport=stream,listen=...  -netdev stream,server=off
    ours-dgram    uml_switch -port transport=dgram,...           -netdev dgram (unix)
    ours-vde      uml_switch -unix DIR (libvdeplug clients)      -netdev vde,sock=DIR
    vde_switch    vde_switch -s DIR                              -netdev vde,sock=DIR

The UML guest reaches every switch through the daemon transport. Per path, in interleaved rounds:
iperf3 TCP UML guest -> VM and VM -> UML guest (Mbit/s), and the switch's CPU time per frame it
forwarded (utime + stime from /proc/PID/stat over the frames the UML guest's device sent and
received during the run: on a two-port segment every frame crosses the switch once).
Medians are printed. Under TCG the VM is the bottleneck: compare the paths, not the absolutes.
"""

import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "harness"))
from guest_pair import h, options  # noqa: E402
from qemu_vm import QemuVM, accel  # noqa: E402

IPERF_PACKAGES = ("iperf3", "libiperf0", "libsctp1", "libssl3", "libc6")
PATHS = ("ours-stream", "ours-dgram", "ours-vde", "vde_switch")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def ip(i, host):
    return f"10.78.{i}.{host}"


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def start_path(ctx, name, d):
    """The switch of one path: (its pid, its control socket, QEMU's -netdev for it)."""
    if name == "ours-stream":
        sw = ctx.switch(name, args=["-port", f"transport=stream,listen={d}/q.sock"])
        return sw.pid, sw.ctl, f"stream,server=off,addr.type=unix,addr.path={d}/q.sock"
    if name == "ours-dgram":
        sw = ctx.switch(name, args=["-port", f"transport=dgram,src={d}/sw.dgram,dst={d}/vm.dgram"])
        return sw.pid, sw.ctl, (f"dgram,local.type=unix,local.path={d}/vm.dgram,"
                                f"remote.type=unix,remote.path={d}/sw.dgram")
    vde = os.path.join(d, name)
    os.makedirs(vde)
    if name == "ours-vde":
        sw = ctx.switch(name, ctl=vde)
        return sw.pid, os.path.join(vde, "ctl"), f"vde,sock={vde}"
    # Its console is stdin: keep it open (EOF ends vde_switch).
    p = ctx.proc(name, ["vde_switch", "-s", vde], stdin=subprocess.PIPE)
    h.wait_for(lambda: os.path.exists(os.path.join(vde, "ctl")), 10, "vde_switch")
    return p.pid, os.path.join(vde, "ctl"), f"vde,sock={vde}"


def frames(g, i):
    out = g.ok(f"cat /sys/class/net/eth{i}/statistics/rx_packets "
               f"/sys/class/net/eth{i}/statistics/tx_packets")
    return sum(int(x) for x in out.split())


def one(g, i, pid, seconds, reverse):
    """(Mbit/s received, switch CPU microseconds per frame) of one iperf3 run on path i."""
    f0, c0 = frames(g, i), cpu_seconds(pid)
    out = json.loads(g.ok(f"iperf3 -c {ip(i, 2)} -t {seconds} -J{' -R' if reverse else ''}",
                          timeout=seconds + 90))
    f1, c1 = frames(g, i), cpu_seconds(pid)
    return out["end"]["sum_received"]["bits_per_second"] / 1e6, (c1 - c0) * 1e6 / max(f1 - f0, 1)


def main():
    ap = options(3)
    a = ap.parse_args()
    ctx = h.Context("bench-qemu")
    try:
        d = ctx.path("p")
        os.makedirs(d)
        paths = [start_path(ctx, name, d) for name in PATHS]
        g = ctx.guest("uml", [f"daemon,,unix,{ctl}" for _, ctl, _ in paths], mem="128M")
        vm = QemuVM(ctx, "vm", [nd for _, _, nd in paths],
                    [f"{ip(i, 2)}/24" for i in range(len(paths))], mem=512,
                    packages=IPERF_PACKAGES).start()
        g.wait_ready()
        for i in range(len(paths)):
            g.ok(f"ip addr add {ip(i, 1)}/24 dev eth{i} && ip link set eth{i} up")
        vm.wait_ready(timeout=300)
        vm.ok("iperf3 -s -D")
        for i in range(len(paths)):
            g.ok(f"ping -c 2 -W 5 {ip(i, 2)}", timeout=30)
        res = {name: [] for name in PATHS}
        for _ in range(a.rounds):
            for i, name in enumerate(PATHS):
                up = one(g, i, paths[i][0], a.seconds, False)
                down = one(g, i, paths[i][0], a.seconds, True)
                res[name].append((up[0], down[0], up[1], down[1]))
        print(f"QEMU {accel()}, {a.rounds} rounds of {a.seconds} s, medians")
        print(f"{'path':12} {'UML->VM Mbit/s':>15} {'VM->UML Mbit/s':>15} "
              f"{'us/frame up':>12} {'us/frame down':>14}")
        for name, runs in res.items():
            m = [statistics.median(r[k] for r in runs) for k in range(4)]
            print(f"{name:12} {m[0]:15.0f} {m[1]:15.0f} {m[2]:12.2f} {m[3]:14.2f}")
    finally:
        ctx.cleanup()


if __name__ == "__main__":
    main()
