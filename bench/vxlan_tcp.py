#!/usr/bin/env python3
"""TCP between two real UML guests across a VXLAN trunk, against both guests on one switch.

    sudo python3 bench/vxlan_tcp.py [--seconds 5] [--rounds 2]

"vxlan": guest a on switch 1, guest b on switch 2, each switch in its own namespace with a
VXLAN trunk (VNI 42) over a veth pair (10.99.5.1 <-> 10.99.5.2). "one switch": both guests on
one switch. Guest MTU 1450 in both, so only the trunk differs. Reports iperf3 TCP a -> b, the
sender's retransmissions and the median ping round trip, medians over interleaved rounds, and
the trunk's drop counters. Needs root (namespaces); boots 2 guests per run; uses UMLNET_BUILD.
"""

from guest_pair import h, measure, options, ratio, serve_iperf, table
from vxlan_helpers import guest_on, trunk_status, vtep_switch, vxlan_spec  # noqa: E402


def one_run(kind, seconds):
    ctx = h.Context("bench-vxlan-" + kind.replace(" ", "-"))
    try:
        n1, n2 = ctx.netns("v"), ctx.netns("v")
        if kind == "vxlan":
            n1.sh(f"ip link add u0 type veth peer name u0 netns {n2.name}")
            n1.sh("ip addr add 10.99.5.1/24 dev u0 && ip link set u0 up")
            n2.sh("ip addr add 10.99.5.2/24 dev u0 && ip link set u0 up")
            s1 = vtep_switch(ctx, "sw1", n1, vxlan_spec(42, "10.99.5.1", ["10.99.5.2"]))
            s2 = vtep_switch(ctx, "sw2", n2, vxlan_spec(42, "10.99.5.2", ["10.99.5.1"]))
        else:
            s1 = s2 = ctx.switch("sw", netns=n1)
            n2 = n1
        a = guest_on(ctx, "a", s1, n1, "fe:fd:0a:09:09:01", "10.9.9.1", mem="96M")
        b = guest_on(ctx, "b", s2, n2, "fe:fd:0a:09:09:02", "10.9.9.2", mem="96M")
        serve_iperf(b)
        r = measure(a, "10.9.9.2", seconds)
        drops = ""
        if kind == "vxlan":
            st = trunk_status(s2)
            udp = n2.sh("nstat -az UdpRcvbufErrors UdpSndbufErrors | tail -n +2").stdout
            drops = (f"{st['endpoint']}; port drop_full {st['drop_full']}; " +
                     " ".join(udp.split()[:2] + udp.split()[3:5]))
        return r, drops
    finally:
        ctx.cleanup()


def main():
    ap = options(2)
    a = ap.parse_args()
    kinds = ["vxlan", "one switch"]
    res = {k: [] for k in kinds}
    for _ in range(a.rounds):
        for k in kinds:
            r, drops = one_run(k, a.seconds)
            res[k].append(r)
            if drops:
                print(f"  trunk of switch 2: {drops}")
    table("path", ["TCP Mbit/s", "retransmits", "ping ms (median)"], res)
    ratio(res, "vxlan", "one switch", "vxlan/one switch TCP")


if __name__ == "__main__":
    main()
