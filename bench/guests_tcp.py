#!/usr/bin/env python3
"""TCP between two real UML guests through each switch, side by side in one run.

    python3 bench/guests_tcp.py [--seconds 5] [--rounds 3]

For our uml_switch, the classic /usr/bin/uml_switch and vde_switch (daemon transport on all
three): iperf3 TCP from guest a to guest b, the sender's retransmissions, and the median ping
round-trip time, medians over interleaved rounds. Needs root only for nothing; boots 2 guests per run.
"""

import os
import subprocess

from guest_pair import address, h, measure, options, ratio, rounds, serve_iperf, table


def vde_switch(ctx):
    """vde_switch serving the daemon protocol on a socket directory; returns its control path."""
    d = ctx.path("vde")
    # Its console is stdin: keep it open (EOF ends vde_switch). The guests run as the test user.
    ctx.proc("vde_switch", ["vde_switch", "-s", d, "-m", "0660", "-g", h.test_group_name()],
             stdin=subprocess.PIPE)
    h.wait_for(lambda: os.path.exists(os.path.join(d, "ctl")), 10, "vde_switch")
    return os.path.join(d, "ctl")


def one_run(kind, seconds):
    ctx = h.Context(f"bench-{kind}")
    try:
        if kind == "vde_switch":
            ctl = vde_switch(ctx)
        else:
            ctl = ctx.switch(kind, binary="/usr/bin/uml_switch" if kind == "classic" else None).ctl
        a = ctx.guest("a", [f"daemon,,unix,{ctl}"], mem="96M")
        b = ctx.guest("b", [f"daemon,,unix,{ctl}"], mem="96M")
        ctx.boot([a, b])
        address(a, "eth0", "10.9.9.1")
        address(b, "eth0", "10.9.9.2")
        serve_iperf(b)
        return measure(a, "10.9.9.2", seconds)
    finally:
        ctx.cleanup()


def main():
    ap = options(3)
    a = ap.parse_args()
    res = rounds(["ours", "classic", "vde_switch"], a.rounds, lambda k: one_run(k, a.seconds))
    table("switch", ["TCP Mbit/s", "retransmits", "ping ms (median)"], res)
    ratio(res, "ours", "classic", "ours/classic TCP")

if __name__ == "__main__":
    main()
