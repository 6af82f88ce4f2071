"""Throughput of the host transports through our uml_net, guest -> host (iperf3 TCP, 3 s):
tuntap (the kernel writes the TAP fd itself) against ethertap (every frame crosses the
helper's unprivileged relay). Prints the figures; fails only if a path is broken or absurdly
slow (< 5 Mbit/s)."""

import re
import shutil
import time

from umlnet_harness import Skip, check, program
import hostnet_helpers as hn


def _mbits(ctx, spec, name):
    host, lan = hn.two_namespaces(ctx)
    server = ctx.proc(f"iperf-{name}", ["iperf3", "-s", "-1", "-B", "10.77.1.1"], netns=host)
    g = hn.ns_guest(ctx, name, [spec], host,
                    path_dir=hn.helper_dir(ctx, name, program("uml_net"))).wait_ready()
    g.ok("ip addr add 10.77.1.50/24 dev eth0 && ip link set eth0 up && ping -c 1 -W 3 10.77.1.1")
    time.sleep(0.3)
    out = g.ok("iperf3 -c 10.77.1.1 -t 3 -f m", timeout=30)
    g.stop()
    server.stop()
    m = re.search(r"([\d.]+) Mbits/sec\s+\d*\s*sender", out)
    check(m, f"no iperf3 result:\n{out}")
    return float(m.group(1))


def test_uml_net_throughput_tuntap_vs_ethertap(ctx):
    if not shutil.which("iperf3"):
        raise Skip("iperf3 is not installed")
    tuntap = _mbits(ctx, "tuntap,,,10.77.1.1", "t")
    ethertap = _mbits(ctx, "ethertap,tap0,fe:fd:0:0:0:1,10.77.1.1", "e")
    print(f"guest->host TCP: tuntap {tuntap:.0f} Mbit/s, ethertap relay {ethertap:.0f} Mbit/s")
    check(tuntap > 5 and ethertap > 5, f"too slow: tuntap {tuntap}, ethertap {ethertap}")
