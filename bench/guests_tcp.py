#!/usr/bin/env python3
"""TCP between two real UML guests through each switch, side by side in one run.

    python3 bench/guests_tcp.py [--seconds 5] [--rounds 3]

For our uml_switch, the classic /usr/bin/uml_switch and vde_switch (daemon transport on all
three): iperf3 TCP from guest a to guest b, the sender's retransmissions, and the median ping
round-trip time, medians over interleaved rounds. Needs root only for nothing; boots 2 guests per run.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "harness"))
import umlnet_harness as h  # noqa: E402


def vde_switch(ctx):
    """vde_switch serving the daemon protocol on a socket directory; returns its control path."""
    d = ctx.path("vde")
    # Its console is stdin: keep it open (EOF ends vde_switch).
    ctx.proc("vde_switch", ["vde_switch", "-s", d], stdin=subprocess.PIPE)
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
        a.ok("ip addr add 10.9.9.1/24 dev eth0 && ip link set eth0 up")
        b.ok("ip addr add 10.9.9.2/24 dev eth0 && ip link set eth0 up && "
             "(iperf3 -s -D -1 >/dev/null 2>&1); sleep 0.5")
        # The median of single round trips: a guest's rare scheduling stall would skew a mean.
        times = [float(w[5:]) for w in a.ok("ping -c 30 -i 0.05 10.9.9.2").split()
                 if w.startswith("time=")]
        rtt = statistics.median(times)
        out = json.loads(a.ok(f"iperf3 -c 10.9.9.2 -t {seconds} -J", timeout=seconds + 60))
        mbps = out["end"]["sum_received"]["bits_per_second"] / 1e6
        return mbps, out["end"]["sum_sent"].get("retransmits", 0), float(rtt)
    finally:
        ctx.cleanup()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    kinds = ["ours", "classic", "vde_switch"]
    res = {k: [] for k in kinds}
    for _ in range(a.rounds):
        for k in kinds:
            res[k].append(one_run(k, a.seconds))
    print(f"{'switch':12} {'TCP Mbit/s':>11} {'retransmits':>12} {'ping ms (median)':>17}")
    for k in kinds:
        m = [statistics.median(x[i] for x in res[k]) for i in range(3)]
        print(f"{k:12} {m[0]:11.0f} {m[1]:12.0f} {m[2]:17.3f}")
    base = statistics.median(x[0] for x in res["classic"])
    print(f"ours/classic TCP: x{statistics.median(x[0] for x in res['ours']) / base:.2f}")


if __name__ == "__main__":
    main()
