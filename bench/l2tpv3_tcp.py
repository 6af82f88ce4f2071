#!/usr/bin/env python3
"""TCP between two real UML guests on our uml_switch: guest a on an l2tpv3 port versus on a
daemon port (guest b is on a daemon port in both cases).

    sudo python3 bench/l2tpv3_tcp.py [--seconds 5] [--rounds 3]   (UMLNET_BUILD picks the build)

Kinds: daemon (a: eth0=daemon), l2tpv3-udp (a: vec0 l2tpv3 over UDP with 4-byte cookies and the
counter, the spec's example), l2tpv3-ip (the same over raw IP protocol 115). Every run is inside
a throwaway network namespace (the l2tpv3 sockets live there). For each: iperf3 TCP a -> b and
b -> a (-R) and the median ping round trip, medians over interleaved rounds.
"""

from guest_pair import (address, h, iperf, options, ping_median, rounds, serve_iperf,
                        table)

GUEST = ("vec0:transport=l2tpv3{udp},src=127.0.0.1,dst={sw}{gports},rx_session=0x1234,"
         "tx_session=-2,rx_cookie=0x0aabbccd,tx_cookie=0x11223344,counter=1")
PORT = ("transport=l2tpv3{udp},src={sw},dst=127.0.0.1{pports},rx_session=0xfffffffe,"
        "tx_session=0x1234,rx_cookie=0x11223344,tx_cookie=0x0aabbccd,counter=1")


def specs(kind):
    udp = kind == "l2tpv3-udp"
    f = {"udp": ",udp=1" if udp else "", "sw": "127.0.0.1" if udp else "127.0.0.2",
         "gports": ",srcport=5101,dstport=5102" if udp else "",
         "pports": ",srcport=5102,dstport=5101" if udp else ""}
    return GUEST.format(**f), PORT.format(**f)


def one_run(kind, seconds):
    ctx = h.Context(f"bench-{kind}")
    try:
        net = ctx.netns("net")
        if kind == "daemon":
            sw = ctx.switch(netns=net)
            a = h.Guest(ctx, "a", [f"daemon,,unix,{sw.ctl}"], mem="96M", netns=net)
            dev = "eth0"
        else:
            guest_spec, port_spec = specs(kind)
            sw = ctx.switch(args=["-port", port_spec], netns=net)
            a = h.Guest(ctx, "a", [], mem="96M", netns=net, extra=[guest_spec])
            dev = "vec0"
        b = h.Guest(ctx, "b", [f"daemon,,unix,{sw.ctl}"], mem="96M", netns=net)
        ctx.boot([a, b])
        address(a, dev, "10.9.9.1")
        address(b, "eth0", "10.9.9.2")
        serve_iperf(b)
        return (iperf(a, "10.9.9.2", seconds)[0], iperf(a, "10.9.9.2", seconds, True)[0],
                ping_median(a, "10.9.9.2"))
    finally:
        ctx.cleanup()


def main():
    ap = options(3)
    ap.add_argument("--kinds", default="daemon,l2tpv3-udp,l2tpv3-ip")
    a = ap.parse_args()
    kinds = a.kinds.split(",")
    res = rounds(kinds, a.rounds, lambda k: one_run(k, a.seconds))
    table("port of guest a", ["a->b Mbit/s", "b->a Mbit/s", "ping ms (median)"], res,
          ["{:11.0f}", "{:11.0f}", "{:16.3f}"])
    for k in kinds:
        print(f"{k}: a->b runs " + " ".join(f"{x[0]:.0f}" for x in res[k]) +
              "; b->a runs " + " ".join(f"{x[1]:.0f}" for x in res[k]))

if __name__ == "__main__":
    main()
