#!/usr/bin/env python3
"""TCP between two real UML guests through our uml_switch: vector bess interfaces against the
daemon transport, side by side in one run.

    UMLNET_BUILD=$PWD/build python3 bench/vector_tcp.py [--seconds 5] [--rounds 3]

Pairs (sender -> receiver): daemon -> daemon (eth0=daemon on both), bess -> bess (vec0 over
`uml_switch -bess`, batched recvmmsg/sendmmsg in the guest and in the switch), and the mixed
bess -> daemon and daemon -> bess. For each: iperf3 TCP throughput, the sender's retransmissions
and the median ping round-trip time, medians over interleaved rounds. Boots 2 guests per run.
"""

from guest_pair import address, h, measure, options, ratio, rounds, serve_iperf, table

PAIRS = [("daemon", "daemon"), ("bess", "bess"), ("bess", "daemon"), ("daemon", "bess")]


def start_guest(ctx, name, kind, ctl, bess, mac):
    """A guest whose interface `dev` is on the switch through kind; returns (guest, dev)."""
    if kind == "daemon":
        return ctx.guest(name, [f"daemon,{mac},unix,{ctl}"], mem="96M"), "eth0"
    spec = f"vec0:transport=bess,dst={bess},src={ctx.path(name + '-vec0.sock')},mac={mac}"
    return ctx.guest(name, extra=[spec], mem="96M"), "vec0"


def one_run(pair, seconds):
    ctx = h.Context(f"bench-{pair[0]}-{pair[1]}")
    try:
        bess = ctx.path("bess.sock")
        ctl = ctx.switch("sw", args=["-bess", bess]).ctl
        a, adev = start_guest(ctx, "a", pair[0], ctl, bess, "52:54:00:00:99:01")
        b, bdev = start_guest(ctx, "b", pair[1], ctl, bess, "52:54:00:00:99:02")
        ctx.boot([a, b])
        address(a, adev, "10.9.8.1")
        address(b, bdev, "10.9.8.2")
        serve_iperf(b)
        return measure(a, "10.9.8.2", seconds)
    finally:
        ctx.cleanup()


def main():
    ap = options(3)
    a = ap.parse_args()
    res = rounds(PAIRS, a.rounds, lambda p: one_run(p, a.seconds))
    res = {f"{p[0]} -> {p[1]}": r for p, r in res.items()}
    table("a -> b", ["TCP Mbit/s", "retransmits", "ping ms (median)"], res)
    ratio(res, "bess -> bess", "daemon -> daemon", "bess/daemon TCP")

if __name__ == "__main__":
    main()
