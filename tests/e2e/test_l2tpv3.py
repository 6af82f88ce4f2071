"""l2tpv3 (doc/vector-transports.md §7): our endpoint as the peer of a real UML guest's vec0.

Everything runs inside namespaces the test creates, so the ports and the raw protocol-115 sockets
are private. A: a UML guest with vec0 on l2tpv3 to a `uml_switch -port transport=l2tpv3,...`
port, a second guest on the same switch through the daemon transport: ping and byte-exact TCP
both ways, over UDP with cookies and counters (the spec's own example), and over IP mode.
B: a datagram with the wrong session (or cookie, or too short) is dropped and counted, never
delivered. C: umlnet-plug with an l2tpv3 device (IPv4 and IPv6) as the guest's peer."""

import os
import re
import struct

import umlnet_harness as h
from umlnet_harness import check
from transport_helpers import (NsGuest, Plug, _guest_digest_when_done, ns_addr, ping_ok,
                               random_file, tcp_both_ways)

UML_PORT, SW_PORT = 5101, 5102
MAC_A, MAC_B = "fe:fd:0a:31:00:01", "fe:fd:0a:31:00:02"


def l2tp_pair(udp=True, v6=False, lo="127.0.0.1", sw="127.0.0.1", cookies=True):
    """The guest's vec0 spec and the switch side's spec, each from its own point of view: what
    one sends (tx) the other accepts (rx). The guest's values are the spec's observed example:
    rx_session=0x1234, tx_session=-2 (0xfffffffe; UML parses ids as signed int)."""
    common = "transport=l2tpv3" + (",udp=1" if udp else "") + (",v6=1" if v6 else "")
    guest = f"{common},src={lo},dst={sw},rx_session=0x1234,tx_session=-2"
    ours = f"{common},src={sw},dst={lo},rx_session=0xfffffffe,tx_session=0x1234"
    if udp:
        guest += f",srcport={UML_PORT},dstport={SW_PORT}"
        ours += f",srcport={SW_PORT},dstport={UML_PORT}"
    if cookies:
        guest += ",rx_cookie=0x0aabbccd,tx_cookie=0x11223344,counter=1"
        ours += ",rx_cookie=0x11223344,tx_cookie=0x0aabbccd,counter=1"
    return f"vec0:{guest},mac={MAC_A}", ours


def vec_guest(ctx, net, spec, name="a"):
    # IP mode (no udp=1) is a raw socket of IP protocol 115: the guest keeps CAP_NET_RAW, and
    # only that, as the test user.
    caps = () if ",udp=1" in spec else ("net_raw",)
    return NsGuest(ctx, name, net, [], extra=[spec], run_as=h.as_test_user(caps=caps))


def up(g, dev, ip):
    g.ok(f"ip link set {dev} up && ip addr add {ip}/24 dev {dev}")


def tcp_guest_to_guest(ctx, src, dst, dst_ip, port, size=1 << 20):
    """Byte-exact TCP from guest src to a server in guest dst (both read/write via hostfs and
    their /run tmpfs)."""
    data, digest = random_file(ctx, f"data-{src.name}-{port}.bin", size)
    dst.ok(f"rm -f /run/tmp/got.bin; (nc -l {port} > /run/tmp/got.bin &) ; sleep 0.3")
    listening = f"ss -ltn 'sport = :{port}' | grep -q LISTEN"
    h.wait_for(lambda: dst.run(listening, check_rc=False)[0] == 0, 10, f"{dst.name} nc listening")
    src.ok(f"nc -N -w 20 {dst_ip} {port} < {data}", timeout=90)
    got = h.wait_for(lambda: _guest_digest_when_done(dst, size), 30, f"{dst.name} to get all bytes")
    check(got == digest, f"{src.name} -> {dst.name}: digest differs ({got} vs {digest})")


def switch_with_l2tp_port(ctx, net, port_spec):
    sw = ctx.switch(args=["-port", port_spec], netns=net)
    return sw


def two_guests(ctx, net, sw, guest_spec):
    a = vec_guest(ctx, net, guest_spec)
    b = NsGuest(ctx, "b", net, [f"daemon,{MAC_B},unix,{sw.ctl}"])
    ctx.boot([a, b])
    up(a, "vec0", "10.31.0.1")
    up(b, "eth0", "10.31.0.2")
    return a, b


def drops(sw):
    """The l2tpv3 port's drop counters, from the endpoint description in `uml_switchctl ports`."""
    out = sw.ctl_cmd("ports")
    m = re.search(r"dropped: session (\d+) cookie (\d+) short (\d+) bad-ip (\d+)", out)
    check(m, f"no l2tpv3 port with drop counters in:\n{out}")
    return dict(zip(("session", "cookie", "short", "bad-ip"), map(int, m.groups())))


def test_l2tpv3_udp_switch_port(ctx):
    """The spec's example (4-byte cookies, counter) between a guest and a switch port; a daemon
    guest on the same switch: ping and 1 MiB of TCP each way between the two guests."""
    net = ctx.netns("net")
    guest_spec, port_spec = l2tp_pair()
    sw = switch_with_l2tp_port(ctx, net, port_spec)
    a, b = two_guests(ctx, net, sw, guest_spec)
    ping_ok(a.ok("ping -c 3 -i 0.2 -W 2 10.31.0.2"), "l2tpv3 guest -> daemon guest")
    ping_ok(b.ok("ping -c 3 -i 0.2 -W 2 10.31.0.1"), "daemon guest -> l2tpv3 guest")
    tcp_guest_to_guest(ctx, a, b, "10.31.0.2", 5201)
    tcp_guest_to_guest(ctx, b, a, "10.31.0.1", 5202)
    check(drops(sw) == {"session": 0, "cookie": 0, "short": 0, "bad-ip": 0},
          f"a matching tunnel dropped frames: {sw.ctl_cmd('ports')}")
    check(sw.alive(), sw.output())


CRAFT = r"""
import socket, struct, sys
port, marker, cut = int(sys.argv[1]), sys.argv[4], int(sys.argv[5])
session, cookie = int(sys.argv[2], 0), int(sys.argv[3], 0)
frame = b"\xff" * 6 + bytes.fromhex("02000000fe99") + b"\x88\xb5" + marker.encode().ljust(46, b".")
msg = struct.pack(">IIII", 0x00030000, session, cookie, 0) + frame
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(msg[:cut] if cut else msg, ("127.0.0.1", port))
"""


def test_l2tpv3_mismatch_dropped(ctx):
    """Crafted datagrams toward the switch's l2tpv3 port: the right session and cookie is
    delivered to the daemon guest; a wrong session, a wrong cookie or a short one is not, and
    each raises its counter."""
    net = ctx.netns("net")
    guest_spec, port_spec = l2tp_pair()
    sw = switch_with_l2tp_port(ctx, net, port_spec)
    b = NsGuest(ctx, "b", net, [f"daemon,{MAC_B},unix,{sw.ctl}"]).wait_ready()
    up(b, "eth0", "10.31.0.2")
    script = ctx.path("craft.py")
    with open(script, "w") as f:
        f.write(CRAFT)
    b.ok("(tcpdump -l -n -A -i eth0 ether proto 0x88b5 > /run/tmp/dump.txt 2>&1 &) ; sleep 1")
    h.wait_for(lambda: "listening on eth0" in b.ok("cat /run/tmp/dump.txt"), 10,
               "tcpdump in guest b")
    before = drops(sw)

    def craft(session, cookie, marker, cut=0):
        net.sh(f"python3 {script} {SW_PORT} {session} {cookie} {marker} {cut}")

    craft("0xfffffffe", "0x11223344", "L2TP-GOOD-1")
    craft("0x00001234", "0x11223344", "L2TP-BAD-SESSION")  # our tx session is not our rx one
    craft("0xfffffffe", "0x11223345", "L2TP-BAD-COOKIE")
    craft("0xfffffffe", "0x11223344", "L2TP-BAD-SHORT", cut=16 + 13)
    craft("0xfffffffe", "0x11223344", "L2TP-GOOD-2")
    def dump_when_done():
        d = b.ok("cat /run/tmp/dump.txt")
        return d if "L2TP-GOOD-2" in d else None

    got = h.wait_for(dump_when_done, 10, "the good frames to reach guest b")
    check("L2TP-GOOD-1" in got, f"the first good frame is missing:\n{got}")
    check("L2TP-BAD" not in got, f"a mismatching frame was delivered:\n{got}")
    after = drops(sw)
    check(after["session"] == before["session"] + 1 and after["cookie"] == before["cookie"] + 1
          and after["short"] == before["short"] + 1,
          f"drop counters before {before}, after {after}")


def test_l2tpv3_ip_mode_switch_port(ctx):
    """IP mode (raw IP protocol 115): one tunnel per local address, so the guest binds
    127.0.0.1 and the switch 127.0.0.2. Ping both ways and TCP one way."""
    net = ctx.netns("net")
    guest_spec, port_spec = l2tp_pair(udp=False, lo="127.0.0.1", sw="127.0.0.2")
    sw = switch_with_l2tp_port(ctx, net, port_spec)
    a, b = two_guests(ctx, net, sw, guest_spec)
    ping_ok(a.ok("ping -c 3 -i 0.2 -W 2 10.31.0.2"), "l2tpv3/IP guest -> daemon guest")
    ping_ok(b.ok("ping -c 3 -i 0.2 -W 2 10.31.0.1"), "daemon guest -> l2tpv3/IP guest")
    tcp_guest_to_guest(ctx, a, b, "10.31.0.2", 5203)
    check(drops(sw)["bad-ip"] == 0, sw.ctl_cmd("ports"))


def test_l2tpv3_ip_mode_needs_cap_net_raw(ctx):
    """Without CAP_NET_RAW the IP-mode port cannot open: one line says why (the switch goes on
    without the port)."""
    net = ctx.netns("net")
    _, port_spec = l2tp_pair(udp=False, lo="127.0.0.1", sw="127.0.0.2")
    sw = ctx.proc("switch", ["setpriv", "--bounding-set=-net_raw", h.program("uml_switch"),
                             "-unix", ctx.path("sw.ctl"), "-port", port_spec], netns=net)
    h.wait_for(lambda: "error" in sw.output() or not sw.alive(), 10, "the switch's error line")
    out = sw.output()
    check("l2tpv3 src=127.0.0.2: raw socket of IP protocol 115 (IP mode needs CAP_NET_RAW): "
          "Operation not permitted" in out, f"unclear error:\n{out}")


def udp_payloads(path):
    """(destination port, UDP payload) of each IPv4/UDP packet in a pcap file from `tcpdump -i lo`
    (link type Ethernet, the loopback's all-zero header)."""
    out = []
    with open(path, "rb") as f:
        data = f.read()
    off = 24
    while off + 16 <= len(data):
        caplen = struct.unpack_from("<I", data, off + 8)[0]
        pkt = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        ip = pkt[14:]
        if len(ip) >= 28 and ip[0] >> 4 == 4 and ip[9] == 17:
            udp = ip[(ip[0] & 15) * 4:]
            out.append((struct.unpack_from(">H", udp, 2)[0], udp[8:]))
    return out


def plug_pair(ctx, v6, udp=True, lo=None, sw=None, net_setup=None, capture=None):
    net = ctx.netns("net")
    if net_setup:
        net.sh(net_setup)
    if capture:
        ctx.proc("tcpdump", ["tcpdump", "-i", "lo", "-U", "-s", "128", "-w", capture, "udp"],
                 netns=net)
        h.wait_for(lambda: os.path.exists(capture), 10, "tcpdump to start")
    ns = ctx.netns("g")
    lo = lo or ("::1" if v6 else "127.0.0.1")
    guest_spec, port_spec = l2tp_pair(udp=udp, v6=v6, lo=lo, sw=sw or lo)
    plug = Plug(ctx, [f"eth0={port_spec}"], netns=ns, run_in=net)
    g = vec_guest(ctx, net, guest_spec).wait_ready()
    up(g, "vec0", "10.32.0.1")
    ns_addr(ns, "10.32.0.2")
    ping_ok(g.ok("ping -c 3 -i 0.2 -W 2 10.32.0.2"), "guest -> plug namespace")
    ping_ok(ns.sh("ping -c 3 -i 0.2 -W 2 10.32.0.1").stdout, "plug namespace -> guest")
    return g, ns, plug


def test_l2tpv3_plug(ctx):
    """umlnet-plug eth0=transport=l2tpv3,...: a namespace is the guest's l2tpv3 peer. The wire,
    captured on the namespace's loopback, carries exactly the spec's headers both ways: UML's
    `00030000 fffffffe 11223344` with counters 1, 2, 3..., ours `00030000 00001234 0aabbccd` with
    ours."""
    cap = ctx.path("lo.pcap")
    g, ns, plug = plug_pair(ctx, v6=False, capture=cap)
    tcp_both_ways(ctx, g, ns, "10.32.0.1", "10.32.0.2")
    check(plug.alive(), f"the plug died:\n{plug.output()}")
    pkts = udp_payloads(cap)
    for port, head in ((SW_PORT, "00030000 fffffffe 11223344"),
                       (UML_PORT, "00030000 00001234 0aabbccd")):
        got = [p for dport, p in pkts if dport == port]
        check(len(got) > 10, f"only {len(got)} datagrams to port {port} captured")
        want = bytes.fromhex(head.replace(" ", ""))
        bad = [p[:16].hex() for p in got if p[:12] != want]
        check(not bad, f"to port {port}: headers other than {head}: {bad[:3]}")
        counters = [struct.unpack_from(">I", p, 12)[0] for p in got]
        check(counters[:3] == [1, 2, 3] and counters == sorted(counters),
              f"to port {port}: counters {counters[:10]}... do not start at 1 and rise")


def test_l2tpv3_plug_ipv6(ctx):
    """The same over IPv6 UDP (v6=1, ::1 on both ends). The guest's down/up closes its socket and
    binds a new one (doc/vector-transports.md §2): our end, never connected, needs nothing."""
    g, ns, plug = plug_pair(ctx, v6=True)
    g.ok("ip link set vec0 down && sleep 0.5 && ip link set vec0 up")
    ping_ok(g.ok("ping -c 3 -i 0.2 -W 2 10.32.0.2"), "guest -> plug namespace after down/up")
    check(plug.alive(), f"the plug died:\n{plug.output()}")


def test_l2tpv3_plug_ipv6_ip_mode(ctx):
    """IP mode over IPv6 (a raw IPv6 socket delivers no IP header): the plug binds a second
    loopback address of the namespace, fd00::2, the guest ::1."""
    g, ns, plug = plug_pair(ctx, v6=True, udp=False, lo="::1", sw="fd00::2",
                            net_setup="ip -6 addr add fd00::2/128 dev lo nodad")
    check(plug.alive(), f"the plug died:\n{plug.output()}")
