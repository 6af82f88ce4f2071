"""VXLAN trunks (doc/vxlan.md): our uml_switch with `-port transport=vxlan,...` joins a
segment with Linux's vxlan device and with other switches. Real UML guests; every address,
bridge and multicast group lives in namespaces the test creates."""

import time

from umlnet_harness import check, wait_for
from transport_helpers import ping_ok, tcp_both_ways
from vxlan_helpers import (capture, check_linux_learned, guest_on, interop_world, plug_host_pings,
                           trunk_status, underlay, vtep_switch, vxlan_spec)

GUEST_MAC = "fe:fd:0a:0a:0a:02"


def test_vxlan_linux_interop(ctx):
    """§9 recipe: H behind a Linux vxlan0 in A; our switch in B with a UML guest. Ping both
    ways, byte-exact TCP both ways, and Linux learns the guest's MAC at B's address."""
    a, b, h = interop_world(ctx, "local 10.99.0.1")
    a.sh("bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst 10.99.0.2")
    sw = vtep_switch(ctx, "sw", b, vxlan_spec(42, "10.99.0.2", ["10.99.0.1"]))
    g = guest_on(ctx, "g", sw, b, GUEST_MAC, "10.10.10.2")
    hexdump = ctx.proc("tcpdump-hex", ["tcpdump", "-c", "1", "-x", "-n", "-i", "vethB",
                                       "udp and src host 10.99.0.2"], netns=b)
    wait_for(lambda: "listening on" in hexdump.output(), 10, "tcpdump to start")

    ping_ok(h.sh("ping -c 3 -i 0.2 -W 2 10.10.10.2").stdout, "H -> guest across Linux vxlan0")
    # Our header on the wire, after the 20-byte IPv4 and 8-byte UDP headers (doc/vxlan.md §1.1).
    wait_for(lambda: not hexdump.alive(), 10, "tcpdump to see one packet")
    words = "".join(w for l in hexdump.output().splitlines() if l.strip().startswith("0x")
                    for w in l.split(":", 1)[1].split())
    check(words[56:72] == "0800000000002a00", f"our VXLAN header is {words[56:72]}")
    ping_ok(g.ok("ping -c 3 -i 0.2 -W 2 10.10.10.1"), "guest -> H across Linux vxlan0")
    tcp_both_ways(ctx, g, h, "10.10.10.2", "10.10.10.1")

    check_linux_learned(a, GUEST_MAC, "10.99.0.2")
    st = trunk_status(sw)
    check(st["vx"]["learned"] >= 1, f"our trunk learned nothing: {st['endpoint']}")
    # Linux drops reserved bits and wrong headers, so the pings above already prove our header;
    # and Linux's packets pass our checks.
    for k in ("short", "no-I", "wrong-vni", "own", "reserved bits"):
        check(st["vx"][k] == 0, f"trunk counted {k}: {st['endpoint']}")
    check(st["rx_frames"] > 100 and st["tx_frames"] > 100, f"trunk counters: {st}")


def test_vxlan_linux_group(ctx):
    """§9 variant (a): Linux vxlan0 in group mode (group 239.1.1.1 dev vethA, no fdb entry for
    us) and our trunk joined to the same group with no remote=: H and the guest find each other
    through the group and then go unicast; each side learns the other."""
    a, b, h = interop_world(ctx, "group 239.1.1.1")
    sw = vtep_switch(ctx, "sw", b, vxlan_spec(42, "10.99.0.2", group="239.1.1.1"))
    g = guest_on(ctx, "g", sw, b, GUEST_MAC, "10.10.10.2")
    ping_ok(g.ok("ping -c 3 -i 0.2 -W 2 10.10.10.1"), "guest -> H through the group")
    ping_ok(h.sh("ping -c 3 -i 0.2 -W 2 10.10.10.2").stdout, "H -> guest through the group")
    check_linux_learned(a, GUEST_MAC, "10.99.0.2")
    st = trunk_status(sw)
    check(st["vx"]["learned"] >= 1 and st["vx"]["own"] == 0, f"our trunk: {st['endpoint']}")


def test_vxlan_linux_default_port_8472(ctx):
    """Trap 1 of doc/vxlan.md §8: a Linux vxlan0 created without dstport uses 8472. Our trunk on
    4789 hears nothing from it; given port=8472 it interoperates."""
    a, b, h = interop_world(ctx, "local 10.99.0.1", dstport="")
    a.sh("bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst 10.99.0.2")
    check("dstport 8472" in a.sh("ip -d link show vxlan0").stdout, "Linux default is not 8472")
    sw = vtep_switch(ctx, "sw", b, vxlan_spec(42, "10.99.0.2", ["10.99.0.1"], port=8472))
    guest_on(ctx, "g", sw, b, GUEST_MAC, "10.10.10.2")
    ping_ok(h.sh("ping -c 3 -i 0.2 -W 2 10.10.10.2").stdout, "H -> guest with port 8472")
    check("local 10.99.0.2:8472" in trunk_status(sw)["endpoint"], "trunk not on 8472")
    # And the same setup on 4789 stays silent (the kernel sends to 8472 only).
    sw.stop()
    sw4789 = vtep_switch(ctx, "sw4789", b, vxlan_spec(42, "10.99.0.2", ["10.99.0.1"]))
    h.sh("ping -c 2 -i 0.2 -W 1 10.10.10.99", check_rc=False)  # floods ARP to the remote
    check(trunk_status(sw4789)["rx_frames"] == 0, "a trunk on 4789 heard a Linux 8472 peer")


def test_vxlan_plug_namespace_host(ctx):
    """The same trunk as a umlnet-plug device: a tap in namespace G joins the VNI of a Linux
    vxlan0 (the plug's UDP socket lives in B); H and G ping and move bytes both ways."""
    a, b, h = interop_world(ctx, "local 10.99.0.1")
    a.sh("bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst 10.99.0.2")
    plug_host_pings(ctx, a, b, h, vxlan_spec(42, "10.99.0.2", ["10.99.0.1"]), "10.99.0.2")


def test_vxlan_switch_mesh_split_horizon(ctx):
    """Three switches full-meshed by VXLAN remotes (the same list everywhere: each leaves itself
    out), guests on two. Unicast crosses; one broadcast arrives once and is carried by exactly
    two VXLAN packets (to each other switch), never re-forwarded trunk to trunk."""
    net, vteps = underlay(ctx, 3)
    mesh = ["10.99.1.1", "10.99.1.2", "10.99.1.3"]
    sws = [vtep_switch(ctx, f"sw{i + 1}", ns, vxlan_spec(7, mesh[i], mesh))
           for i, ns in enumerate(vteps)]
    g1 = guest_on(ctx, "g1", sws[0], vteps[0], "fe:fd:0a:14:00:01", "10.20.0.1")
    g2 = guest_on(ctx, "g2", sws[1], vteps[1], "fe:fd:0a:14:00:02", "10.20.0.2")
    ping_ok(g1.ok("ping -c 3 -i 0.2 -W 2 10.20.0.2"), "g1 -> g2 across the mesh")
    ping_ok(g2.ok("ping -c 3 -i 0.2 -W 2 10.20.0.1"), "g2 -> g1 across the mesh")

    wire = capture(ctx, net, "tcpdump-underlay", ["-Q", "in", "-i", "any", "udp port 4789"])
    g2.ok("rm -f /run/tmp/cap; (tcpdump -n -l -i eth0 'icmp and dst 10.20.0.255' "
          "> /run/tmp/cap 2>/dev/null &); sleep 1.5")
    g1.run("ping -b -c 1 -W 1 10.20.0.255", check_rc=False)  # guests ignore it: no replies
    time.sleep(2)
    wire.stop()
    seen = int(g2.ok("grep -c 'ICMP echo request' /run/tmp/cap || true").strip() or 0)
    check(seen == 1, f"g2 saw the broadcast {seen} times, expected once")
    copies = wire.output().count("10.20.0.255")
    check(copies == 2, f"the underlay carried the broadcast {copies} times, expected 2 "
          f"(sw1 -> sw2, sw1 -> sw3):\n{wire.output()[-3000:]}")
    # Every VXLAN packet that carried it came from sw1: no switch re-forwarded it trunk to trunk.
    lines = wire.output().splitlines()
    outer = [lines[i - 1] for i, l in enumerate(lines) if "10.20.0.255" in l and i > 0]
    check(all("IP 10.99.1.1.4789 > " in o for o in outer),
          f"the broadcast was re-sent by another switch:\n" + "\n".join(outer))


def _icmp_frame(dst_mac, src_mac, src_ip, dst_ip, payload):
    import struct

    def csum(b):
        if len(b) % 2:
            b += b"\0"
        s = sum(struct.unpack(f"!{len(b) // 2}H", b))
        while s >> 16:
            s = (s & 0xffff) + (s >> 16)
        return ~s & 0xffff

    icmp = struct.pack("!BBHHH", 8, 0, 0, 0x4242, 1) + payload
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 1, 0, 64, 1, 0,
                     bytes(map(int, src_ip.split("."))), bytes(map(int, dst_ip.split("."))))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    mac = lambda m: bytes(int(x, 16) for x in m.split(":"))  # noqa: E731
    return mac(dst_mac) + mac(src_mac) + b"\x08\x00" + ip + icmp


def test_vxlan_wrong_vni_and_reserved_bits(ctx):
    """Crafted packets from a Python VTEP in another namespace: an echo request with a wrong
    VNI never reaches the guest; one with reserved bits set does (RFC 7348: ignore them); one
    without the I bit and a runt are dropped. The trunk's counters show each."""
    net, (na, nb) = underlay(ctx, 2, prefix="10.99.3")
    sw = vtep_switch(ctx, "sw", nb, vxlan_spec(42, "10.99.3.2", ["10.99.3.1"]))
    g = guest_on(ctx, "g", sw, nb, GUEST_MAC, "10.30.0.2")
    g.ok("rm -f /run/tmp/cap; (tcpdump -n -l -A -i eth0 'icmp[icmptype] = icmp-echo' "
         "> /run/tmp/cap 2>/dev/null &); sleep 1.5")

    def vx(flags, vni, tail=b"\0"):
        return bytes([flags, 0, 0, 0]) + vni.to_bytes(3, "big") + tail

    frame = lambda tag: _icmp_frame(GUEST_MAC, "02:00:00:00:00:09", "10.30.0.9",  # noqa: E731
                                    "10.30.0.2", tag.ljust(32, b"."))
    pkts = [vx(0x08, 43) + frame(b"WRONGVNI"), vx(0x00, 42) + frame(b"NOIBIT"),
            vx(0x08, 42)[:6], vx(0x08, 42, b"\x01") + frame(b"RESERVED7"),
            vx(0x0c, 42) + frame(b"RESERVEDFLAG")]
    script = ("import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
              f"for p in {pkts!r}:\n    s.sendto(p,('10.99.3.2',4789))\n")
    na.sh(f"python3 -c \"{script}\"")
    time.sleep(1)
    cap = g.ok("cat /run/tmp/cap")
    check("WRONGVNI" not in cap and "NOIBIT" not in cap,
          f"a wrong-VNI or I-less packet reached the guest:\n{cap}")
    check("RESERVED7" in cap and "RESERVEDFLAG" in cap,
          f"packets with reserved bits did not reach the guest:\n{cap}")
    vx_ = trunk_status(sw)["vx"]
    check(vx_["wrong-vni"] == 1 and vx_["no-I"] == 1 and vx_["short"] == 1 and
          vx_["reserved bits"] == 2, f"trunk counters: {trunk_status(sw)['endpoint']}")


def test_vxlan_multicast_group(ctx):
    """Group mode, no remote=: two switches join 239.1.1.1 on a shared segment; their guests
    find each other (ARP floods go to the group) and then talk unicast to learned addresses."""
    net, (n1, n2) = underlay(ctx, 2, prefix="10.99.4")
    s1 = vtep_switch(ctx, "sw1", n1, vxlan_spec(9, "10.99.4.1", group="239.1.1.1"))
    s2 = vtep_switch(ctx, "sw2", n2, vxlan_spec(9, "10.99.4.2", group="239.1.1.1"))
    g1 = guest_on(ctx, "g1", s1, n1, "fe:fd:0a:28:00:01", "10.40.0.1")
    g2 = guest_on(ctx, "g2", s2, n2, "fe:fd:0a:28:00:02", "10.40.0.2")
    wire = capture(ctx, net, "tcpdump-underlay", ["-Q", "in", "-i", "any", "udp port 4789"])
    ping_ok(g1.ok("ping -c 3 -i 0.2 -W 2 10.40.0.2"), "g1 -> g2 through the group")
    ping_ok(g2.ok("ping -c 3 -i 0.2 -W 2 10.40.0.1"), "g2 -> g1 through the group")
    wire.stop()
    out = wire.output()
    check("> 239.1.1.1.4789" in out, f"nothing was sent to the group:\n{out[-2000:]}")
    check("10.99.4.1.4789 > 10.99.4.2.4789" in out and "10.99.4.2.4789 > 10.99.4.1.4789" in out,
          f"no unicast between the switches after learning:\n{out[-2000:]}")
    for sw in (s1, s2):
        st = trunk_status(sw)
        check("group 239.1.1.1" in st["endpoint"] and st["vx"]["learned"] >= 1,
              f"{sw.name}: {st['endpoint']}")


def _send_vxlan(ns, dst, frames, vni=42, src="0.0.0.0"):
    """Sends each inner frame from ns (source address src) to dst:4789 behind a VXLAN header
    for vni."""
    hexes = [(bytes([0x08, 0, 0, 0]) + vni.to_bytes(3, "big") + b"\0" + f).hex() for f in frames]
    ns.sh("python3 -c 'import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
          "s.bind((\"" + src + "\",0))\n"
          "for h in sys.argv[1:]: s.sendto(bytes.fromhex(h),(\"" + dst + "\",4789))' " +
          " ".join(hexes))


def test_vxlan_spoofed_source_cannot_divert(ctx):
    """A VTEP that is not a configured remote sends frames claiming the local guest's
    MAC: the trunk drops them (counted as stranger), so the switch keeps the guest on its own
    port and an echo request that the real remote sends next still reaches the guest. (Before,
    the switch moved the guest's MAC to the trunk and the guest's unicast went to the stranger.)"""
    net, (na, nb, nc) = underlay(ctx, 3, prefix="10.99.5")
    sw = vtep_switch(ctx, "sw", nb, vxlan_spec(42, "10.99.5.2", ["10.99.5.1"]))
    g = guest_on(ctx, "g", sw, nb, GUEST_MAC, "10.50.0.2")
    g.run("ping -c 1 -W 1 10.50.0.9", check_rc=False)  # the switch learns the guest's port
    g.ok("rm -f /run/tmp/cap; (tcpdump -n -l -A -i eth0 'icmp[icmptype] = icmp-echo' "
         "> /run/tmp/cap 2>/dev/null &); sleep 1.5")
    spoof = [_icmp_frame("ff:ff:ff:ff:ff:ff", GUEST_MAC, "10.50.0.2", "10.50.0.7",
                         b"STRANGER".ljust(32, b"."))] * 3
    probe = [_icmp_frame(GUEST_MAC, "02:00:00:00:00:09", "10.50.0.9", "10.50.0.2",
                         b"AFTERSPOOF".ljust(32, b"."))]
    _send_vxlan(nc, "10.99.5.2", spoof)
    time.sleep(0.3)
    _send_vxlan(na, "10.99.5.2", probe)
    time.sleep(1)
    cap = g.ok("cat /run/tmp/cap")
    st = trunk_status(sw)
    check("AFTERSPOOF" in cap, f"the remote's frame to the guest did not arrive after a stranger "
          f"claimed its MAC:\n{cap}\nmacs: {sw.ctl_cmd('macs')}\n{st['endpoint']}")
    check(st["vx"]["stranger"] == 3, f"trunk counters: {st['endpoint']}")
    check("STRANGER" not in cap, f"the stranger's broadcast reached the guest:\n{cap}")
    check(sw.output().count("neither a remote nor a group member") == 1,
          f"the refusal was not logged exactly once:\n{sw.output()}")


def test_vxlan_group_members_only(ctx):
    """Group mode without learn=any: a sender on the subnet of the trunk's interface is a member
    and is heard; one from another subnet is a stranger, whether it sends to the group or to the
    trunk's own address. With learn=any both are heard."""
    net, (n1, n2) = underlay(ctx, 2, prefix="10.99.6")
    n2.sh("ip addr add 10.98.6.2/24 dev u0")
    frame = [_icmp_frame("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:0b", "10.60.0.2", "10.60.0.1",
                         b"MEMBER")]
    for learn, heard in (("", 1), (",learn=any", 3)):
        sw = vtep_switch(ctx, f"sw{learn[1:]}", n1,
                         vxlan_spec(9, "10.99.6.1", group="239.1.1.1") + learn)
        _send_vxlan(n2, "239.1.1.1", frame, vni=9, src="10.99.6.2")
        _send_vxlan(n2, "239.1.1.1", frame, vni=9, src="10.98.6.2")
        _send_vxlan(n2, "10.99.6.1", frame, vni=9, src="10.98.6.2")
        time.sleep(0.5)
        st = trunk_status(sw)
        check(st["rx_frames"] == heard and st["vx"]["stranger"] == 3 - heard,
              f"learn{learn or '=remotes'}: rx {st['rx_frames']}: {st['endpoint']}")
        sw.stop()
