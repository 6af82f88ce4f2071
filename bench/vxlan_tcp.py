#!/usr/bin/env python3
"""TCP between two real UML guests across a VXLAN trunk, against Linux's vxlan and one switch.

    sudo python3 bench/vxlan_tcp.py [--seconds 5] [--rounds 2] [--old PATH] [--kinds K/K]

"vxlan": guest a on switch 1, guest b on switch 2, each switch in its own namespace with a VXLAN
trunk (VNI 42) over a veth pair (10.99.5.1 <-> 10.99.5.2). "Linux vxlan": the same two switches,
each with a tap port instead, bridged in its namespace to a Linux vxlan device (VNI 42) over the
same veth pair: the kernel's tunnel in place of ours. "one switch": both guests on one switch.
"vxlan, -spin 0": our trunk with the switches' poll before sleeping off (uml_switch(1)). --old
PATH adds "vxlan, old": the trunk of another uml_switch binary (an earlier build), in the same
rounds; --kinds runs a subset (names joined by /). Guest MTU 1450 everywhere, so only the tunnel
differs. Reports iperf3 TCP a -> b, the sender's retransmissions and the median ping round trip,
medians over interleaved rounds, and the trunk's drop counters. Needs root (namespaces); boots 2
guests per run; uses UMLNET_BUILD.
"""

from guest_pair import h, measure, options, ratio, serve_iperf, table
from vxlan_helpers import guest_on, trunk_status, vxlan_spec  # noqa: E402

KINDS = ["vxlan", "vxlan, -spin 0", "vxlan, old", "Linux vxlan", "one switch"]
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
    binary = old if kind == "vxlan, old" else None
    spin = ["-spin", "0"] if kind == "vxlan, -spin 0" else []
    return [h.Switch(ctx, f"sw{i + 1}", netns=ns, binary=binary,
                     args=spin + ["-port", vxlan_spec(42, ENDS[i][0], [ENDS[i][1]])])
            for i, ns in enumerate((n1, n2))]


def one_run(kind, seconds, old):
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
        r = measure(a, "10.9.9.2", seconds)
        drops = ""
        if kind.startswith("vxlan"):
            st = trunk_status(s2)
            udp = n2.sh("nstat -az UdpRcvbufErrors UdpSndbufErrors | tail -n +2").stdout
            drops = (f"{st['endpoint']}; port drop_full {st['drop_full']}; " +
                     " ".join(udp.split()[:2] + udp.split()[3:5]))
        return r, drops
    finally:
        ctx.cleanup()


def main():
    ap = options(2)
    ap.add_argument("--old", help="another uml_switch binary, for 'vxlan, old'")
    ap.add_argument("--kinds", help="a subset, names joined by /: " + "/".join(KINDS))
    a = ap.parse_args()
    kinds = [k for k in KINDS if (a.old or k != "vxlan, old") and
             (not a.kinds or k in a.kinds.split("/"))]
    res = {k: [] for k in kinds}
    for _ in range(a.rounds):
        for k in kinds:
            r, drops = one_run(k, a.seconds, a.old)
            res[k].append(r)
            if drops:
                print(f"  {k}: trunk of switch 2: {drops}", flush=True)
    table("path", ["TCP Mbit/s", "retransmits", "ping ms (median)"], res)
    for other in kinds[1:]:
        ratio(res, kinds[0], other, f"{kinds[0]}/{other} TCP")


if __name__ == "__main__":
    main()
