"""VXLAN trunks over an IPv6 underlay (doc/vxlan.md §4.1): our uml_switch's trunk against
Linux's vxlan device (static remote, multicast group, link-local addresses), learning from an
IPv6 remote, the member-subnet rule, the outer UDP checksum, and bad IPv6 addresses. Every
address, bridge and group lives in namespaces the test creates."""

import subprocess
import time

from umlnet_harness import check, program, wait_for
from transport_helpers import ping_ok, tcp_both_ways
from vxlan_helpers import (capture, check_linux_learned, guest_on, interop_world, plug_host_pings,
                           trunk_status, vtep_switch, vxlan_spec)

GUEST_MAC = "fe:fd:0a:0a:0a:06"
A6, B6 = "2001:db8:99::1", "2001:db8:99::2"


def _world6(ctx, kernel_vxlan_args, a_addr=f"{A6}/64", b_addr=f"{B6}/64"):
    """doc/vxlan.md §9 over IPv6; H's MTU 1430 (the IPv6 overhead is 70 bytes)."""
    return interop_world(ctx, kernel_vxlan_args, a_addr=a_addr, b_addr=b_addr, mtu=1430)


def test_vxlan6_linux_interop(ctx):
    """Static remote over IPv6: H behind Linux's vxlan0 in A, our switch and a UML guest in B.
    Ping and 1 MiB TCP (sha256) both ways; each side learns the other at its IPv6 address; our
    outer packets carry a UDP checksum that tcpdump verifies (computed in software: tx offload
    off on vethB) and Linux accepts (it drops zero-checksum IPv6 VXLAN by default)."""
    a, b, h = _world6(ctx, f"local {A6}")
    a.sh(f"bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst {B6}")
    b.sh("ethtool -K vethB tx off >/dev/null")
    sw = vtep_switch(ctx, "sw", b, vxlan_spec(42, B6, [A6]))
    g = guest_on(ctx, "g", sw, b, GUEST_MAC, "10.10.10.2", mtu=1430)
    sums = capture(ctx, a, "tcpdump-vv", ["-vv", "-c", "3", "-i", "vethA",
                                           f"udp and src host {B6}"])
    ping_ok(h.sh("ping -c 3 -i 0.2 -W 2 10.10.10.2").stdout, "H -> guest over IPv6 VXLAN")
    wait_for(lambda: not sums.alive(), 10, "tcpdump to see three packets")
    out = sums.output()
    check(out.count("[udp sum ok]") == 3 and "bad udp cksum" not in out,
          f"our IPv6 VXLAN packets' UDP checksums:\n{out}")
    check(f"{B6}.4789 > {A6}.4789" in out and "vni 42" in out, f"outer header:\n{out}")
    ping_ok(g.ok("ping -c 3 -i 0.2 -W 2 10.10.10.1"), "guest -> H over IPv6 VXLAN")
    tcp_both_ways(ctx, g, h, "10.10.10.2", "10.10.10.1")
    check_linux_learned(a, GUEST_MAC, B6)
    st = trunk_status(sw)
    check(f"local [{B6}]:4789 remotes 1 " in st["endpoint"], st["endpoint"])
    check(st["vx"]["learned"] >= 1, f"our trunk learned nothing: {st['endpoint']}")
    for k in ("short", "no-I", "wrong-vni", "own", "stranger", "reserved bits"):
        check(st["vx"][k] == 0, f"trunk counted {k}: {st['endpoint']}")
    h_mac = h.sh("cat /sys/class/net/vethH/address").stdout.strip()
    macs = sw.ctl_cmd("macs")
    check(h_mac in macs, f"the switch did not learn H's MAC {h_mac} on the trunk:\n{macs}")


def test_vxlan6_linux_group(ctx):
    """Group mode over IPv6: Linux's vxlan0 with group ff05::42 dev vethA (no fdb entry for
    us), our trunk joined to ff05::42 on vethB with no remote=: they find each other through
    the group, then go unicast; each learns the other."""
    a, b, h = _world6(ctx, "group ff05::42")
    sw = vtep_switch(ctx, "sw", b, vxlan_spec(42, B6, group="ff05::42"))
    wire = capture(ctx, b, "tcpdump-wire", ["-i", "vethB", "udp port 4789"])
    g = guest_on(ctx, "g", sw, b, GUEST_MAC, "10.10.10.2", mtu=1430)
    ping_ok(g.ok("ping -c 3 -i 0.2 -W 2 10.10.10.1"), "guest -> H through the IPv6 group")
    ping_ok(h.sh("ping -c 3 -i 0.2 -W 2 10.10.10.2").stdout, "H -> guest through the IPv6 group")
    wire.stop()
    out = wire.output()
    check(f"{B6}.4789 > ff05::42.4789" in out, f"we sent nothing to the group:\n{out[-2000:]}")
    check(f"{B6}.4789 > {A6}.4789" in out, f"no unicast to Linux after learning:\n{out[-2000:]}")
    check_linux_learned(a, GUEST_MAC, B6)
    st = trunk_status(sw)
    check("group ff05::42" in st["endpoint"] and st["vx"]["learned"] >= 1 and
          st["vx"]["own"] == 0 and st["vx"]["stranger"] == 0, f"our trunk: {st['endpoint']}")


def test_vxlan6_link_local(ctx):
    """Link-local underlay: Linux's vxlan0 with local fe80::1 dev vethA and a default entry to
    fe80::2; our trunk as a umlnet-plug device with local=fe80::2%vethB, remote=fe80::1%vethB.
    A tap in namespace G and H ping each other."""
    a, b, h = _world6(ctx, "local fe80::1", a_addr="fe80::1/64", b_addr="fe80::2/64")
    a.sh("bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst fe80::2")
    plug = plug_host_pings(ctx, a, b, h, vxlan_spec(42, "fe80::2%vethB", ["fe80::1%vethB"]),
                           "fe80::2", mtu=1430)
    check(plug.alive(), plug.output())


def _send6(ns, dst, frame, src, ifname="u0", vni=9):
    """One VXLAN packet from ns (source address src) to [dst]:4789, multicast out of ifname."""
    pkt = (bytes([0x08, 0, 0, 0]) + vni.to_bytes(3, "big") + b"\0" + frame).hex()
    ns.sh("python3 -c 'import socket,sys\n"
          "s=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)\n"
          f"s.setsockopt(socket.IPPROTO_IPV6,socket.IPV6_MULTICAST_IF,socket.if_nametoindex(\"{ifname}\"))\n"
          f"s.bind((\"{src}\",0))\n"
          f"s.sendto(bytes.fromhex(sys.argv[1]),(\"{dst}\",4789))' {pkt}")


def test_vxlan6_group_members_only(ctx):
    """The member rule over IPv6: with a group and without learn=any, a sender in the /64 of the
    trunk's interface is heard; one from another prefix is a stranger, whether it sends to the
    group or to the trunk's own address. With learn=any all three are heard."""
    net = ctx.netns("ul")
    n1, n2 = ctx.netns("v"), ctx.netns("v")
    net.sh("ip link add br0 type bridge mcast_snooping 0 && ip link set br0 up")
    for i, ns in enumerate((n1, n2)):
        net.sh(f"ip link add v{i} type veth peer name u0 netns {ns.name} && "
               f"ip link set v{i} master br0 up")
        ns.sh(f"ip addr add 2001:db8:6::{i + 1}/64 dev u0 nodad && ip link set u0 up")
    n2.sh("ip addr add 2001:db8:7::2/64 dev u0 nodad")
    frame = (b"\xff" * 6 + bytes.fromhex("02000000000b") + b"\x08\x00").ljust(60, b"M")
    for learn, heard in (("", 1), (",learn=any", 3)):
        sw = vtep_switch(ctx, f"sw{learn[1:]}", n1,
                         vxlan_spec(9, "2001:db8:6::1", group="ff05::9") + learn)
        _send6(n2, "ff05::9", frame, "2001:db8:6::2")
        _send6(n2, "ff05::9", frame, "2001:db8:7::2")
        _send6(n2, "2001:db8:6::1", frame, "2001:db8:7::2")
        time.sleep(0.5)
        st = trunk_status(sw)
        check(st["rx_frames"] == heard and st["vx"]["stranger"] == 3 - heard and
              st["vx"]["learned"] == 1,
              f"learn{learn or '=remotes'}: rx {st['rx_frames']}: {st['endpoint']}")
        if not learn:
            check(sw.output().count("dropping packets from 2001:db8:7::2") == 1,
                  f"the refusal was not logged once:\n{sw.output()}")
        sw.stop()


def test_vxlan6_bad_addresses(ctx):
    """Bad IPv6 addresses in a trunk spec: uml_switch exits 2 with one line naming the field."""
    cases = {
        "remote=fe80::1": "remote 'fe80::1' is link-local",
        "remote=2001:db8::zz": "remote '2001:db8::zz' is not a numeric",
        "local=2001:db8::2,remote=10.0.0.1": "remote '10.0.0.1' is IPv4",
        "group=2001:db8::1": "group '2001:db8::1' is not a multicast address",
        "group=ff02::9": "group 'ff02::9' is link-local",
        "remote=2001:db8::1%": "remote '2001:db8::1%'",
    }
    for i, (keys, want) in enumerate(cases.items()):
        r = subprocess.run([program("uml_switch"), "-unix", ctx.path(f"bad{i}.ctl"),
                            "-port", f"transport=vxlan,vni=1,{keys}"],
                           capture_output=True, text=True, timeout=10)
        err = r.stderr.strip()
        check(r.returncode == 2 and len(err.splitlines()) == 1 and want in err,
              f"{keys}: exit {r.returncode}, stderr:\n{err}")
