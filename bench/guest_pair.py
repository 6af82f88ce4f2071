"""What the guest-to-guest benchmarks share: one measurement between two booted UML guests, the
interleaved rounds, and the table of medians. The scripts differ only in how they wire the
guests (switch kinds, transports, trunks)."""

import argparse
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "harness"))
import umlnet_harness as h  # noqa: E402,F401  (re-exported: the scripts boot guests with it)


def options(rounds):
    """The command line every guest benchmark has: --seconds per test, --rounds."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=rounds)
    return ap


def address(g, dev, ip):
    """Brings dev up in guest g with ip/24."""
    g.ok(f"ip addr add {ip}/24 dev {dev} && ip link set {dev} up")


def serve_iperf(b):
    """iperf3 server in guest b, in the background, for any number of tests."""
    b.ok("(iperf3 -s -D >/dev/null 2>&1); sleep 0.5")


def ping_median(a, dst):
    """The median of 30 single round trips in ms: a rare scheduling stall would skew a mean."""
    times = [float(w[5:]) for w in a.ok(f"ping -c 30 -i 0.05 {dst}").split()
             if w.startswith("time=")]
    return statistics.median(times)


def iperf(a, dst, seconds, reverse=False):
    """iperf3 TCP from a to dst (dst to a with reverse): (Mbit/s received, sender retransmits)."""
    out = json.loads(a.ok(f"iperf3 -c {dst} -t {seconds} -J{' -R' if reverse else ''}",
                          timeout=seconds + 60))
    return (out["end"]["sum_received"]["bits_per_second"] / 1e6,
            out["end"]["sum_sent"].get("retransmits", 0))


def measure(a, dst, seconds):
    """(Mbit/s a -> dst, retransmits, median ping ms); b's iperf3 server must be running."""
    mbps, retr = iperf(a, dst, seconds)
    return mbps, retr, ping_median(a, dst)


def cpu_seconds(pid):
    """CPU time process pid has used so far (/proc/PID/schedstat: nanoseconds, not ticks)."""
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0]) / 1e9


def frames(guest, dev="eth0"):
    """Frames a UML guest's dev sent and received so far."""
    out = guest.ok(f"cat /sys/class/net/{dev}/statistics/rx_packets "
                   f"/sys/class/net/{dev}/statistics/tx_packets")
    return sum(int(x) for x in out.split())


def rounds(kinds, n, run):
    """run(kind) for every kind, n interleaved rounds: {kind: [result, ...]}."""
    res = {k: [] for k in kinds}
    for _ in range(n):
        for k in kinds:
            res[k].append(run(k))
    return res


def table(title, columns, res, fmt=None):
    """Prints the per-kind medians of each column of the results."""
    fmt = fmt or ["{:11.0f}", "{:12.0f}", "{:17.3f}"]
    width = max(len(title), *(len(str(k)) for k in res)) + 1
    print(f"{title:{width}}" + " ".join(f"{c:>{len(f.format(0))}}" for c, f in zip(columns, fmt)))
    for k, runs in res.items():
        cells = [f.format(statistics.median(r[i] for r in runs)) for i, f in enumerate(fmt)]
        print(f"{str(k):{width}}" + " ".join(cells))


def ratio(res, kind, base, what):
    m = statistics.median(r[0] for r in res[kind]) / statistics.median(r[0] for r in res[base])
    print(f"{what}: x{m:.2f}")
