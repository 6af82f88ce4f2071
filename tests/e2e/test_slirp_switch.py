"""umlnet-slirp --switch: the same libslirp gateway as a port of our uml_switch, serving guests
that use the daemon transport (Ethernet, so IPv6 and DHCP work too). Host servers on loopback."""

import hashlib
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "harness"))
from slirp_helpers import (GUEST_DHCP_DISCOVER, GUEST_DNS_QUERY, DnsResponder,  # noqa: E402
                           TcpServer, pattern)
from umlnet_harness import Skip, check, program, wait_for  # noqa: E402

MIB = 1024 * 1024
CLASSIC_SWITCH = "/usr/bin/uml_switch"  # Debian uml-utilities


def gateway(ctx, sw, *args, loopback=True):
    """umlnet-slirp on sw; loopback: with --host-loopback (the host servers of these tests
    listen on 127.0.0.1)."""
    argv = [program("umlnet-slirp"), f"--switch={sw.ctl}", "-v"] + list(args)
    p = ctx.proc("slirp", argv + (["--host-loopback"] if loopback else []))
    wait_for(lambda: "ready" in p.output() or not p.alive(), 10, "umlnet-slirp to attach")
    check(p.alive(), f"umlnet-slirp exited at start:\n{p.output()}")
    return p


def daemon(sw):
    return f"daemon,,unix,{sw.ctl}"


def static_up(g, ip):
    g.ok(f"ip addr add {ip}/24 dev eth0 && ip link set eth0 up && "
         "ip route add default via 10.0.2.2")


def test_two_guests_reach_host(ctx):
    """Two guests on one switch reach a host loopback server through the gateway port, and
    still talk to each other directly (the gateway must not answer their unicast)."""
    sw = ctx.switch()
    gw = gateway(ctx, sw)
    sink = TcpServer("sink")
    try:
        a, b = ctx.guest("a", [daemon(sw)]), ctx.guest("b", [daemon(sw)])
        ctx.boot([a, b])
        static_up(a, "10.0.2.15")
        static_up(b, "10.0.2.16")
        for g in (a, b):
            out = g.ok(f"head -c {4 * MIB} /dev/urandom > /run/tmp/up && sha256sum /run/tmp/up "
                       f"&& nc -N 10.0.2.2 {sink.port} < /run/tmp/up && echo SENT", timeout=120)
            check("SENT" in out, f"{g.name}: upload failed:\n{out}")
            want = out.split()[0]
            wait_for(lambda: len(sink.results) >= (1 if g is a else 2), 20, "the host server")
            check(sink.results[-1] == (4 * MIB, want),
                  f"{g.name}: host got {sink.results[-1]}, guest sent {4 * MIB} bytes {want}")
        b.ok("(nc -l 7000 > /run/tmp/fromA; echo done > /run/tmp/fromA.done) >/dev/null 2>&1 &")
        time.sleep(0.5)
        out = a.ok("head -c 1048576 /dev/urandom > /run/tmp/ab && sha256sum /run/tmp/ab && "
                   "nc -N 10.0.2.16 7000 < /run/tmp/ab && echo SENT", timeout=60)
        check("SENT" in out, f"a → b over the switch failed:\n{out}")
        got = b.ok("for i in $(seq 50); do [ -e /run/tmp/fromA.done ] && break; sleep 0.2; done; "
                   "sha256sum /run/tmp/fromA")
        check(got.split()[0] == out.split()[0], "a → b data differs with the gateway attached")
        check(gw.alive(), f"gateway died:\n{gw.output()}")
    finally:
        sink.close()


# finit_module(2) from python3 (this host has no kmod, and the guest runs the host's tools).
LOAD_MODULES = r'''
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
for path in sys.argv[1:]:
    fd = os.open(path, os.O_RDONLY)
    if libc.syscall(313, fd, b"", 0) != 0 and ctypes.get_errno() != 17:
        sys.exit(f"{path}: {os.strerror(ctypes.get_errno())}")
'''


def load_ipv6(g):
    """Debian's UML kernel has IPv6 as a module (in /usr/lib/uml/modules, which the guest sees
    through its hostfs root)."""
    g.ok(f"cat > /run/tmp/mod.py <<'EOF'\n{LOAD_MODULES}\nEOF")
    rc, out = g.run("[ -e /proc/net/if_inet6 ] && exit 0; d=/usr/lib/uml/modules/$(uname -r)/kernel; "
                    "python3 /run/tmp/mod.py $d/lib/crc-ccitt.ko $d/net/ipv6/ipv6.ko && "
                    "[ -e /proc/net/if_inet6 ]", check_rc=False)
    if rc != 0:
        raise Skip(f"the UML guest kernel has no IPv6 here: {out.strip()}")


def test_ipv6_to_host(ctx):
    """libslirp's IPv6: the guest autoconfigures from its router advertisement (fec0::/64) and
    reaches a server on the host's ::1 through fec0::2. (SLIP cannot carry IPv6, so the slirp
    transport cannot: this is the switch mode.)"""
    sw = ctx.switch()
    gateway(ctx, sw)
    data = pattern(2 * MIB, seed=11)
    source = TcpServer("source", data, family=socket.AF_INET6)
    try:
        g = ctx.guest("v6", [daemon(sw)])
        g.wait_ready()
        load_ipv6(g)
        g.ok("ip link set eth0 up")
        out = g.ok("for i in $(seq 60); do ip -6 addr show dev eth0 | grep -q 'inet6 fec0:' "
                   "&& break; sleep 0.25; done; ip -6 addr show dev eth0", timeout=30)
        check("inet6 fec0::" in out, f"no SLAAC address from libslirp's RA:\n{out}")
        out = g.ok(f"nc -6 fec0::2 {source.port} < /dev/null | sha256sum", timeout=60)
        check(out.split()[0] == hashlib.sha256(data).hexdigest(),
              f"IPv6 transfer from ::1 differs: {out.split()[0]}")
    finally:
        source.close()


def test_dns_and_exit_with_switch(ctx):
    """DNS redirect works on the Ethernet side too, and the gateway exits when the switch
    closes its control connection (the port's lifetime)."""
    sw = ctx.switch()
    dns = DnsResponder("198.51.100.9")
    try:
        gw = gateway(ctx, sw, f"--dns=127.0.0.1:{dns.port}")
        g = ctx.guest("dns", [daemon(sw)])
        g.wait_ready()
        static_up(g, "10.0.2.15")
        g.ok(f"cat > /run/tmp/q.py <<'EOF'\n{GUEST_DNS_QUERY}\nEOF")
        out = g.ok("python3 /run/tmp/q.py 10.0.2.3 www.umlnet.test")
        check("ANSWER 198.51.100.9" in out, f"expected the test resolver's answer:\n{out}")
        g.stop()
        sw.stop()
        wait_for(lambda: not gw.alive(), 5, "umlnet-slirp to exit after the switch went away")
        check("closed the control connection" in gw.output(), gw.output())
    finally:
        dns.close()


def test_dhcp_offer(ctx):
    """On Ethernet libslirp serves DHCP: a DISCOVER from a guest without an address gets the
    classic lease (10.0.2.15, router 10.0.2.2, DNS 10.0.2.3)."""
    sw = ctx.switch()
    gateway(ctx, sw)
    g = ctx.guest("dhcp", [daemon(sw)])
    g.wait_ready()
    g.ok(f"cat > /run/tmp/d.py <<'EOF'\n{GUEST_DHCP_DISCOVER}\nEOF")
    out = g.ok("ip link set eth0 up && python3 /run/tmp/d.py", timeout=30)
    check("OFFER 10.0.2.15 router 10.0.2.2 dns 10.0.2.3 type 2" in out,
          f"unexpected DHCP answer:\n{out}")


def test_classic_switch_waits_for_room(ctx):
    """The classic uml_switch has one data socket for all ports, queueing 10 datagrams; with the
    window cap off libslirp's bursts overflow it. The gateway must wait for room instead of
    dropping: a host → guest transfer arrives whole and no send error is counted."""
    if not os.access(CLASSIC_SWITCH, os.X_OK):
        raise Skip(f"{CLASSIC_SWITCH} missing (apt-get install uml-utilities)")
    sw = ctx.switch(binary=CLASSIC_SWITCH)
    gw = gateway(ctx, sw, "--switch-window=0")
    data = pattern(4 * MIB, seed=5)
    source = TcpServer("source", data)
    try:
        g = ctx.guest("classic", [daemon(sw)])
        g.wait_ready()
        static_up(g, "10.0.2.15")
        out = g.ok(f"nc 10.0.2.2 {source.port} < /dev/null | sha256sum", timeout=120)
        check(out.split()[0] == hashlib.sha256(data).hexdigest(),
              f"host → guest through the classic switch differs: {out.split()[0]}")
    finally:
        source.close()
    gw.stop()
    m = re.search(r"(\d+) send errors \((\d+) waits", gw.output())
    check(m is not None, f"no counters in the gateway's exit log:\n{gw.output()}")
    check(m.group(1) == "0", f"frames dropped toward the classic switch: {m.group(0)}")


def test_gateway_gives_up_root(ctx):
    """Security: umlnet-slirp started as root attaches to the switch as root, then runs as
    --user (default nobody): every id of the process is that user's. --user naming root itself
    is refused at start with status 2."""
    if os.geteuid() != 0:
        raise Skip("needs root")
    sw = ctx.switch()
    gw = gateway(ctx, sw, loopback=False)
    with open(f"/proc/{gw.pid}/status") as f:
        ids = {l.split(":")[0]: l.split(":")[1].split() for l in f if l.startswith(("Uid", "Gid"))}
    check(ids["Uid"] == ["65534"] * 4 and ids["Gid"] == ["65534"] * 4,
          f"the gateway runs as {ids}:\n{gw.output()}")
    check("running as user nobody" in gw.output(), gw.output())
    r = subprocess.run([program("umlnet-slirp"), f"--switch={sw.ctl}", "--user=root"],
                       capture_output=True, text=True, timeout=10)
    check(r.returncode == 2 and "--user 'root'" in r.stderr, f"{r.returncode}: {r.stderr}")
