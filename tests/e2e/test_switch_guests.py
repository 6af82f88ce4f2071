"""Real UML guests (Debian's user-mode-linux) on our uml_switch: the daemon transport end to end."""

import json
import signal
import time

from umlnet_harness import check, wait_for


def daemon(sw):
    return f"daemon,,unix,{sw.ctl}"


def addr(g, ip, dev="eth0"):
    g.ok(f"ip addr add {ip}/24 dev {dev} && ip link set {dev} up")


def pings(g, ip, count=3):
    rc, out = g.run(f"ping -c {count} -i 0.2 -W 2 {ip}", check_rc=False)
    return rc == 0 and " 0% packet loss" in out, out


def test_two_guests_ping(ctx):
    sw = ctx.switch()
    a, b = ctx.guest("a", [daemon(sw)]), ctx.guest("b", [daemon(sw)])
    ctx.boot([a, b])
    addr(a, "10.1.0.1")
    addr(b, "10.1.0.2")
    for g, ip in ((a, "10.1.0.2"), (b, "10.1.0.1")):
        ok, out = pings(g, ip)
        check(ok, f"{g.name} could not ping {ip}:\n{out}")
    ports = json.loads(sw.ctl_cmd("-j", "ports"))
    check(len(ports) == 2 and all(p["proto"] == "v3" for p in ports), f"status ports: {ports}")
    check(all(p["rx_frames"] >= 3 and p["tx_frames"] >= 3 for p in ports), f"counters: {ports}")


def test_eight_guests_all_ping(ctx):
    sw = ctx.switch()
    guests = [ctx.guest(f"g{i}", [daemon(sw)], mem="48M") for i in range(8)]
    ctx.boot(guests, timeout=180)
    for i, g in enumerate(guests):
        addr(g, f"10.2.0.{i + 1}")
    targets = " ".join(f"10.2.0.{i + 1}" for i in range(8))
    for i, g in enumerate(guests):
        out = g.ok(f"for ip in {targets}; do ping -c 1 -W 3 $ip >/dev/null 2>&1 "
                   f"&& echo ok $ip || echo FAIL $ip; done", timeout=120)
        check("FAIL" not in out and out.count("ok ") == 8, f"g{i} pinging all:\n{out}")
    status = json.loads(sw.ctl_cmd("-j", "show"))
    check(status["switch"]["ports"] == 8, f"switch reports {status['switch']['ports']} ports")
    check(len(status["macs"]) == 8, f"switch learned {len(status['macs'])} MACs, expected 8")


def _third_guest_sees_unicast(ctx, hub):
    sw = ctx.switch(args=["-hub"] if hub else [])
    a, b, c = (ctx.guest(n, [daemon(sw)]) for n in "abc")
    ctx.boot([a, b, c])
    for g, ip in ((a, "10.3.0.1"), (b, "10.3.0.2"), (c, "10.3.0.3")):
        addr(g, ip)
    c.ok("tcpdump -n -l -i eth0 -c 100 'icmp and host 10.3.0.1 and host 10.3.0.2' "
         "> /run/tmp/cap 2>/dev/null & echo started")
    time.sleep(1.5)  # let tcpdump open its socket
    ok, out = pings(a, "10.3.0.2", count=5)
    check(ok, f"a could not ping b:\n{out}")
    time.sleep(0.5)
    return int(c.ok("grep -c 'ICMP echo' /run/tmp/cap || true").strip() or 0)


def test_hub_mode_third_guest_sees_unicast(ctx):
    seen = _third_guest_sees_unicast(ctx, hub=True)
    check(seen >= 10, f"in hub mode c's tcpdump saw {seen} ICMP echo frames between a and b, "
          f"expected all 10")


def test_switch_mode_third_guest_sees_no_unicast(ctx):
    seen = _third_guest_sees_unicast(ctx, hub=False)
    check(seen == 0, f"in switch mode c's tcpdump saw {seen} ICMP frames between a and b")


def test_sigkilled_guest_leaves_others_working(ctx):
    sw = ctx.switch()
    a, b, c = (ctx.guest(n, [daemon(sw)]) for n in "abc")
    ctx.boot([a, b, c])
    for g, ip in ((a, "10.4.0.1"), (b, "10.4.0.2"), (c, "10.4.0.3")):
        addr(g, ip)
    ok, out = pings(a, "10.4.0.3")
    check(ok, f"a could not ping c before the kill:\n{out}")
    pids = [p["pid"] for p in json.loads(sw.ctl_cmd("-j", "ports"))]
    check(c.pid in pids, f"c's pid {c.pid} not among the port pids {pids}")
    c.proc.stop(signal.SIGKILL)
    wait_for(lambda: c.pid not in [p["pid"] for p in json.loads(sw.ctl_cmd("-j", "ports"))],
             10, "c's port to disappear from the status")
    ok, out = pings(a, "10.4.0.2")
    check(ok, f"a could not ping b after c was killed:\n{out}")
    check(sw.alive(), "the switch died")
    check("client disconnected; removed" in sw.output(), f"no removal log line:\n{sw.output()}")


def test_tap_joins_guests_to_a_namespace(ctx):
    ns = ctx.netns("tap")
    sw = ctx.switch(args=["-tap", "umltap0"], netns=ns)
    wait_for(lambda: "port 1: tuntap,umltap0" in sw.output(), 5, "the tap port")
    ns.sh("ip addr add 10.5.0.254/24 dev umltap0 && ip link set umltap0 up")
    # Abstract socket names are per network namespace: the guests live beside the switch.
    a, b = ctx.guest("a", [daemon(sw)], netns=ns), ctx.guest("b", [daemon(sw)], netns=ns)
    ctx.boot([a, b])
    addr(a, "10.5.0.1")
    addr(b, "10.5.0.2")
    for ip in ("10.5.0.1", "10.5.0.2"):
        r = ns.sh(f"ping -c 3 -i 0.2 -W 2 {ip}", check_rc=False)
        check(r.returncode == 0, f"the namespace could not ping guest {ip}:\n{r.stdout}{r.stderr}")
    ok, out = pings(a, "10.5.0.254")
    check(ok, f"guest a could not ping the namespace's tap address:\n{out}")
    tap = [p for p in json.loads(sw.ctl_cmd("-j", "ports")) if p["kind"] == "tap"]
    check(len(tap) == 1 and tap[0]["rx_frames"] > 0 and tap[0]["tx_frames"] > 0,
          f"tap port counters: {tap}")


def test_two_networks_side_by_side(ctx):
    sw1, sw2 = ctx.switch("sw1"), ctx.switch("sw2")
    a, b, c = ctx.guest("a", [daemon(sw1)]), ctx.guest("b", [daemon(sw1)]), ctx.guest("c", [daemon(sw2)])
    ctx.boot([a, b, c])
    addr(a, "10.6.0.1")
    addr(b, "10.6.0.2")
    addr(c, "10.6.0.3")
    ok, out = pings(a, "10.6.0.2")
    check(ok, f"a could not ping b on the same switch:\n{out}")
    ok, out = pings(a, "10.6.0.3", count=2)
    check(not ok, f"a reached c on another switch:\n{out}")


def test_debian_default_socket(ctx):
    """Debian's UML kernel uses /var/run/uml-utilities/uml_switch.ctl when eth0=daemon gives no
    path; our switch serves it when told to, with no change to the guest's command line."""
    import os
    from umlnet_harness import Skip
    ctl = "/var/run/uml-utilities/uml_switch.ctl"
    if os.path.exists(ctl):
        raise Skip(f"{ctl} exists: another switch may be serving it")
    made_dir = not os.path.isdir(os.path.dirname(ctl))
    os.makedirs(os.path.dirname(ctl), exist_ok=True)
    try:
        sw = ctx.switch("debian", ctl=ctl)
        a, b = ctx.guest("a", ["daemon"]), ctx.guest("b", ["daemon"])
        ctx.boot([a, b])
        addr(a, "10.8.0.1")
        addr(b, "10.8.0.2")
        ok, out = pings(a, "10.8.0.2")
        check(ok, f"guests on the Debian default socket could not ping:\n{out}")
        sw.stop()
        check(not os.path.exists(ctl), "the switch left its socket behind")
    finally:
        ctx.cleanup()
        if made_dir:
            os.rmdir(os.path.dirname(ctl))
