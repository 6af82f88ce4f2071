#!/usr/bin/env python3
"""TCP between two real UML guests across a VXLAN trunk, against Linux's vxlan and one switch.

    sudo python3 bench/vxlan_tcp.py [--seconds 5] [--rounds 2] [--old PATH] [--kinds K/K]

"vxlan": guest a on switch 1, guest b on switch 2, each switch in its own namespace with a VXLAN
trunk (VNI 42) over a veth pair (10.99.5.1 <-> 10.99.5.2). "Linux vxlan": the same two switches,
each with a tap port instead, bridged in its namespace to a Linux vxlan device (VNI 42) over the
same veth pair: the kernel's tunnel in place of ours. "one switch": both guests on one switch.
"vxlan, -spin 0": our trunk with the switches' poll before sleeping off (uml_switch(1)). --old
PATH adds "vxlan, old": the trunk of another uml_switch binary (an earlier build), in the same
rounds (a second --old: "vxlan, old 2"); --kinds runs a subset (names joined by /). Guest MTU
1450 everywhere, so only the tunnel differs. Reports iperf3 TCP a -> b, the sender's
retransmissions, the median ping round trip and the switches' CPU time per frame (both
switches' schedstat over the frames guest a's eth0 sent and received: the cost of a frame's
whole path through our switches; with Linux vxlan the kernel's tunnel work is not in it),
medians over interleaved rounds, and the trunk's drop counters. --frames measures the trunk
without guests: bench/switch_bench's 2-port load, one port on each of two switches joined by the
trunk over loopback in a namespace, CPU per frame of both switches (ours, ours -spin 0, --old).
--perf DIR records each switch of each run with perf (cpu-clock, call graphs) into
DIR/<kind>-<round>-sw<N>.data. Needs root (namespaces); boots 2 guests per run; uses
UMLNET_BUILD.
"""

import os
import statistics
import subprocess

from guest_pair import cpu_seconds, frames, h, measure, options, ratio, serve_iperf, table
from vxlan_helpers import guest_on, trunk_status, vxlan_spec  # noqa: E402

KINDS = ["vxlan", "vxlan, -spin 0", "vxlan, old", "vxlan, old 2", "Linux vxlan", "one switch"]


def old_binary(kind, old):
    """The binary of an "old" kind (--old given once or twice), None: ours."""
    if not kind.startswith("vxlan, old"):
        return None
    return old[1] if kind.endswith(" 2") else old[0]


def wanted(kind, old):
    """Whether kind can run: an "old" kind needs its --old."""
    return not kind.startswith("vxlan, old") or len(old or []) > kind.endswith(" 2")
ENDS = (("10.99.5.1", "10.99.5.2"), ("10.99.5.2", "10.99.5.1"))


def linux_vtep(ctx, name, ns, local, remote):
    """Our switch in ns with a tap port, bridged to a Linux vxlan device (VNI 42) to remote."""
    ns.sh(f"ip link add vx0 type vxlan id 42 dstport 4789 local {local} remote {remote} dev u0 "
          "&& ip link add br0 type bridge && ip link set vx0 master br0 up && "
          "ip link set br0 up")
    sw = h.Switch(ctx, name, args=["-tap", "t0"], netns=ns)
    h.wait_for(lambda: "tuntap,t0" in sw.output(), 5, f"{name}'s tap port")
    ns.sh("ip link set t0 master br0 up")
    return sw


def switches(ctx, kind, n1, n2, old):
    """The two switches of kind, joined over the veth pair between n1 and n2."""
    if kind == "Linux vxlan":
        return [linux_vtep(ctx, f"sw{i + 1}", ns, *ENDS[i]) for i, ns in enumerate((n1, n2))]
    binary = old_binary(kind, old)
    spin = ["-spin", "0"] if kind == "vxlan, -spin 0" else []
    return [h.Switch(ctx, f"sw{i + 1}", netns=ns, binary=binary,
                     args=spin + ["-port", vxlan_spec(42, ENDS[i][0], [ENDS[i][1]])])
            for i, ns in enumerate((n1, n2))]


def perf_start(perf_dir, kind, rnd, sws):
    """perf record of each switch (pid) into perf_dir; [] without a directory."""
    if not perf_dir:
        return []
    tag = kind.replace(" ", "").replace(",", "_")
    return [subprocess.Popen(["perf", "record", "-q", "-e", "cpu-clock", "-g", "-p", str(sw.pid),
                              "-o", os.path.join(perf_dir, f"{tag}-{rnd}-sw{i + 1}.data")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for i, sw in enumerate(sws)]


def perf_stop(procs):
    for p in procs:
        p.send_signal(2)
        p.wait(30)


def measure_cpu(a, sws, seconds, perf):
    """measure() plus the switches' CPU microseconds per frame of a's eth0 over the run."""
    f0, c0 = frames(a), sum(cpu_seconds(sw.pid) for sw in sws)
    mbps, retr, ping = measure(a, "10.9.9.2", seconds)
    f1, c1 = frames(a), sum(cpu_seconds(sw.pid) for sw in sws)
    perf_stop(perf)
    return mbps, retr, ping, (c1 - c0) * 1e6 / max(f1 - f0, 1)


def one_run(kind, seconds, old, rnd=0, perf_dir=None):
    ctx = h.Context("bench-vxlan-" + kind.replace(" ", "-").replace(",", ""))
    try:
        n1, n2 = ctx.netns("v"), ctx.netns("v")
        if kind != "one switch":
            n1.sh(f"ip link add u0 type veth peer name u0 netns {n2.name}")
            n1.sh("ip addr add 10.99.5.1/24 dev u0 && ip link set u0 up")
            n2.sh("ip addr add 10.99.5.2/24 dev u0 && ip link set u0 up")
            s1, s2 = switches(ctx, kind, n1, n2, old)
        else:
            s1 = s2 = ctx.switch("sw", netns=n1)
            n2 = n1
        a = guest_on(ctx, "a", s1, n1, "fe:fd:0a:09:09:01", "10.9.9.1", mem="96M")
        b = guest_on(ctx, "b", s2, n2, "fe:fd:0a:09:09:02", "10.9.9.2", mem="96M")
        serve_iperf(b)
        sws = [s1] if s1 is s2 else [s1, s2]
        r = measure_cpu(a, sws, seconds, perf_start(perf_dir, kind, rnd, sws))
        drops = ""
        if kind.startswith("vxlan"):
            st = trunk_status(s2)
            udp = n2.sh("nstat -az UdpRcvbufErrors UdpSndbufErrors | tail -n +2").stdout
            drops = (f"{st['endpoint']}; port drop_full {st['drop_full']}; " +
                     " ".join(udp.split()[:2] + udp.split()[3:5]))
        return r, drops
    finally:
        ctx.cleanup()


FRAME_KINDS = ["vxlan", "vxlan, -spin 0", "vxlan, old", "vxlan, old 2"]


def frames_run(kind, seconds, size, old):
    """bench/switch_bench's 2-port load across two of our switches joined by a VXLAN trunk over
    loopback (127.0.0.1 <-> 127.0.0.2) in a namespace of its own, switches on CPU 0 and the load
    on CPU 1: (Mpps, both switches' CPU ns per frame)."""
    ctx = h.Context("bench-vxframes-" + kind.replace(" ", "-").replace(",", ""))
    try:
        ns = ctx.netns("vf")
        ns.sh("ip link set lo up")
        binary = old_binary(kind, old)
        spin = ["-spin", "0"] if kind == "vxlan, -spin 0" else []
        sws = [h.Switch(ctx, f"sw{i}", netns=ns, binary=binary,
                        args=spin + ["-port", vxlan_spec(42, f"127.0.0.{i}", [f"127.0.0.{3 - i}"])])
               for i in (1, 2)]
        for sw in sws:
            subprocess.run(["taskset", "-pc", "0", str(sw.pid)], check=True,
                           stdout=subprocess.DEVNULL)
        out = ns.sh(f"taskset -c 1 {os.path.join(h.build_dir(), 'bench', 'switch_bench')} -t {seconds} -s {size} "
                    f"--attach {sws[0].ctl} {sws[0].pid} --trunk {sws[1].ctl} {sws[1].pid}").stdout
        words = out.split()
        return float(words[0]), float(words[2])
    finally:
        ctx.cleanup()


def frames_main(a):
    """--frames: CPU per frame of the trunk alone, kinds interleaved, medians."""
    kinds = [k for k in FRAME_KINDS if wanted(k, a.old)]
    for size in (64, 1400):
        res = {k: [] for k in kinds}
        for _ in range(a.rounds):
            for k in kinds:
                res[k].append(frames_run(k, a.seconds, size, a.old))
        print(f"{size} B frames across the trunk (both switches):")
        table("path", ["Mpps", "CPU ns/frame"], res, ["{:5.3f}", "{:12.0f}"])
        for other in kinds[1:]:
            cpu = [statistics.median(r[1] for r in res[k]) for k in (kinds[0], other)]
            print(f"{kinds[0]}/{other} CPU per frame: x{cpu[0] / cpu[1]:.2f}")


def main():
    ap = options(2)
    ap.add_argument("--old", action="append",
                    help="another uml_switch binary, for 'vxlan, old' (again: 'vxlan, old 2')")
    ap.add_argument("--kinds", help="a subset, names joined by /: " + "/".join(KINDS))
    ap.add_argument("--perf", metavar="DIR", help="perf record every switch into DIR")
    ap.add_argument("--frames", action="store_true",
                    help="no guests: switch_bench's load across the trunk (CPU per frame)")
    a = ap.parse_args()
    if a.frames:
        return frames_main(a)
    kinds = [k for k in KINDS if wanted(k, a.old) and
             (not a.kinds or k in a.kinds.split("/"))]
    res = {k: [] for k in kinds}
    for rnd in range(a.rounds):
        for k in kinds:
            r, drops = one_run(k, a.seconds, a.old, rnd, a.perf)
            res[k].append(r)
            print(f"  {k}: {r[0]:.0f} Mbit/s, {r[3]:.2f} us/frame" +
                  (f"; trunk of switch 2: {drops}" if drops else ""), flush=True)
    table("path", ["TCP Mbit/s", "retransmits", "ping ms (median)", "switch us/frame"], res,
          ["{:11.0f}", "{:12.0f}", "{:17.3f}", "{:16.2f}"])
    for other in kinds[1:]:
        ratio(res, kinds[0], other, f"{kinds[0]}/{other} TCP")
        cpu = [statistics.median(r[3] for r in res[k]) for k in (kinds[0], other)]
        print(f"{kinds[0]}/{other} switch CPU per frame: x{cpu[0] / cpu[1]:.2f}")


if __name__ == "__main__":
    main()
