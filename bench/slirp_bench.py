#!/usr/bin/env python3
"""Benchmark: a UML guest's TCP to the host through umlnet-slirp, side by side with Debian's
slirp-fullbolt (classic slirp 1.0.17 without pacing), and through umlnet-slirp as a port of our
uml_switch (the same guest on the daemon transport).

For each path one guest boots alone and measures, with the guest's clock (the host's):
  up    guest → host: N MiB from /dev/zero to a sink on the host's loopback via 10.0.2.2
  down  host → guest: N MiB from the host to the guest
  rtt   TCP round trip: 1 byte echoed by the host, median of 300 (after 20 warm-up)
and, with the host's clock, the CPU time the slirp process itself used (/proc/<pid>/schedstat of
the umlnet-slirp or slirp-fullbolt that the UML kernel started, or of umlnet-slirp --switch,
the switch's own CPU not counted) during each transfer per KiB moved, and per echo of the rtt
loop: the cost of the user-mode stack, guest and host apart.
Servers listen on 127.0.0.1 only; nothing leaves the machine.

usage: UMLNET_BUILD=build bench/slirp_bench.py [--mib 16] [--runs 1] [--only NAME...]
       [--switch-arg=OPTION...] [--switch-binary=/usr/bin/uml_switch] [--pin CPUS]

--pin 1 runs everything (guest, slirp, servers) on CPU 1: no cross-CPU wake-ups, so the
figures are the sum of the work on the path and vary far less from run to run than the
default, where the scheduler's placement of four busy processes on the CPUs decides much.
"""

import argparse
import os
import re
import statistics
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "harness"))
import umlnet_harness as h  # noqa: E402
from slirp_helpers import TcpServer, cpu_ns, descendant, slirp_spec  # noqa: E402

FULLBOLT = "/usr/bin/slirp-fullbolt"

GUEST_RTT = r'''
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
t = []
for i in range(320):
    a = time.perf_counter()
    s.sendall(b"x")
    if s.recv(1) != b"x":
        sys.exit("bad echo")
    t.append(time.perf_counter() - a)
t = sorted(t[20:])
print("RTT_US", int(t[len(t) // 2] * 1e6))
'''
RTT_ECHOES = 320  # the loop above, for CPU per echo (connection set-up included)


class ZeroSource(TcpServer):
    """Sends n zero bytes per connection without holding them all in memory."""

    def __init__(self, n):
        self.n = n
        super().__init__("source")

    def _handle(self, c):
        chunk, left = bytes(65536), self.n
        while left > 0:
            k = min(left, len(chunk))
            c.sendall(chunk[:k])
            left -= k
        c.shutdown(2)


def timed(g, cmd, timeout=300):
    out = g.ok(f"s=$(date +%s%N); {cmd}; e=$(date +%s%N); echo ELAPSED_NS $((e - s))", timeout)
    m = re.search(r"ELAPSED_NS (\d+)", out)
    if not m:
        raise h.TestFailure(f"no timing from `{cmd}`:\n{out}")
    return int(m.group(1)) / 1e9


def measure(g, mib, slirp_pid, host="10.0.2.2"):
    """Rates, round trip and the slirp process's CPU ns per KiB (up, down) and µs per echo."""
    n = mib * 1024 * 1024
    sink, source, echo = TcpServer("sink"), ZeroSource(n), TcpServer("echo")
    try:
        c0 = cpu_ns(slirp_pid)
        up = timed(g, f"head -c {n} /dev/zero | nc -N {host} {sink.port}")
        h.wait_for(lambda: sink.results, 30, "the sink")
        c1 = cpu_ns(slirp_pid)
        if sink.results[0][0] != n:
            raise h.TestFailure(f"sink got {sink.results[0][0]} of {n} bytes")
        down = timed(g, f"nc {host} {source.port} < /dev/null | wc -c > /run/tmp/n")
        c2 = cpu_ns(slirp_pid)
        got = int(g.ok("cat /run/tmp/n").strip())
        if got != n:
            raise h.TestFailure(f"guest got {got} of {n} bytes")
        g.ok(f"cat > /run/tmp/rtt.py <<'EOF'\n{GUEST_RTT}\nEOF")
        c3 = cpu_ns(slirp_pid)
        out = g.ok(f"python3 /run/tmp/rtt.py {host} {echo.port}", timeout=120)
        c4 = cpu_ns(slirp_pid)
        rtt = int(re.search(r"RTT_US (\d+)", out).group(1))
    finally:
        sink.close()
        source.close()
        echo.close()
    kib = n / 1024
    return {"up": n / up / 2**20, "down": n / down / 2**20, "rtt": rtt,
            "cpu_up": (c1 - c0) / kib, "cpu_down": (c2 - c1) / kib,
            "cpu_rtt": (c4 - c3) / RTT_ECHOES / 1000}


def slip_up(g):
    g.ok("ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up && "
         "ip route add default dev eth0")


def run_slip(ctx, name, spec, mib, comm):
    """comm: the slirp program's name as in /proc/<pid>/comm, to find it below the kernel."""
    g = ctx.guest(name, [spec])
    g.wait_ready()
    slip_up(g)
    try:
        pid = descendant(g.pid, comm)
        if pid is None:
            raise h.TestFailure(f"no {comm} process below the UML kernel {g.pid}")
        return measure(g, mib, pid)
    finally:
        g.stop()


def run_switch(ctx, mib, extra=()):
    sw = ctx.switch(binary=SWITCH_BINARY[0])
    gw = ctx.proc("slirp", [h.program("umlnet-slirp"), f"--switch={sw.ctl}", "-v"] + list(extra))
    h.wait_for(lambda: "ready" in gw.output() or not gw.alive(), 10, "umlnet-slirp --switch")
    g = ctx.guest("sw", [f"daemon,,unix,{sw.ctl}"])
    g.wait_ready()
    g.ok("ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up && "
         "ip route add default via 10.0.2.2")
    try:
        return measure(g, mib, gw.pid)
    finally:
        g.stop()
        gw.stop()
        sw.stop()
        if os.environ.get("SLIRP_BENCH_LOGS"):
            print(gw.output(), sw.output(), sep="\n")


PATHS = {
    "umlnet-slirp": lambda ctx, mib: run_slip(ctx, "ours", slirp_spec(), mib, "umlnet-slirp"),
    "slirp-fullbolt": lambda ctx, mib: run_slip(
        ctx, "classic", slirp_spec("mtu 1500", "nozeros", binary=FULLBOLT), mib,
        "slirp-fullbolt"),
    "umlnet-slirp --switch": lambda ctx, mib: run_switch(ctx, mib, SWITCH_ARGS),
}
SWITCH_ARGS = []
SWITCH_BINARY = [None]  # None: our uml_switch


# (key, label, format, True when higher is better)
METRICS = (("up", "guest→host MiB/s", ".1f", True), ("down", "host→guest MiB/s", ".1f", True),
           ("rtt", "TCP RTT µs", ".0f", False),
           ("cpu_up", "slirp CPU ns/KiB up", ".0f", False),
           ("cpu_down", "slirp CPU ns/KiB down", ".0f", False),
           ("cpu_rtt", "slirp CPU µs/echo", ".1f", False))


def table(runs):
    """Medians per path, the spread (min-max) when there are several runs, and the ratios."""
    names = list(runs)
    res = {n: {k: statistics.median(r[k] for r in runs[n]) for k in runs[n][0]} for n in names}
    print(f"{'metric':<22}" + "".join(f"{n:>24}" for n in names))
    for key, label, fmt, _ in METRICS:
        print(f"{label:<22}" + "".join(f"{res[n][key]:>24{fmt}}" for n in names))
        if len(runs[names[0]]) > 1:
            spread = [f"{min(r[key] for r in runs[n]):{fmt}}-{max(r[key] for r in runs[n]):{fmt}}"
                      for n in names]
            print(f"{'  min-max':<22}" + "".join(f"{x:>24}" for x in spread))
    if "umlnet-slirp" in res:
        base = res["umlnet-slirp"]
        print("ratios, > 1 = umlnet-slirp better (rates ours/other; RTT and CPU other/ours):")
        for n in names[1:]:
            o = res[n]
            print(f"  vs {n:<22}" + "  ".join(
                f"{key} {(base[key] / o[key]) if better else (o[key] / base[key]):.2f}"
                for key, _, _, better in METRICS))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mib", type=int, default=16)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--only", nargs="*", choices=list(PATHS))
    ap.add_argument("--switch-arg", action="append", default=[],
                    help="extra umlnet-slirp option for the --switch path (repeatable)")
    ap.add_argument("--switch-binary", metavar="PATH",
                    help="the switch for the --switch path, e.g. /usr/bin/uml_switch (the classic "
                         "one: a single data socket that queues 10 frames); default ours")
    ap.add_argument("--pin", metavar="CPUS",
                    help="comma-separated CPU numbers for this process and all it starts")
    a = ap.parse_args()
    if a.pin:
        os.sched_setaffinity(0, {int(c) for c in a.pin.split(",")})
    SWITCH_ARGS.extend(a.switch_arg)
    SWITCH_BINARY[0] = a.switch_binary
    if a.mib < 8:
        ap.error("--mib must be at least 8 (smaller transfers measure TCP slow start)")
    names = []
    for name in a.only or PATHS:
        if name == "slirp-fullbolt" and not os.access(FULLBOLT, os.X_OK):
            print(f"skipping {name}: {FULLBOLT} missing (apt-get install slirp)")
            continue
        names.append(name)
    # Paths take turns run by run, so that load from others on the machine hits all alike.
    runs = {n: [] for n in names}
    for i in range(a.runs):
        for name in names:
            ctx = h.Context("slirp-bench")
            try:
                runs[name].append(PATHS[name](ctx, a.mib))
            finally:
                ctx.cleanup()
            print(f"run {i + 1} {name}: " + ", ".join(f"{k} {v:.1f}" for k, v in
                                                      runs[name][-1].items()), flush=True)
    print(f"\n{a.mib} MiB transfers, median of {a.runs} run(s), one UML guest at a time")
    table(runs)


if __name__ == "__main__":
    main()
