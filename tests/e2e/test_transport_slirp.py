"""slirp transport: umlnet-plug runs a slirp program with SLIP on a socketpair, converting to
Ethernet for the namespace guest (ARP answered locally). A real UML guest on its own slirp and the
namespace guest exchange byte-exact TCP through port forwards of the two slirps; both ping the
slirp host address. With our umlnet-slirp and with Debian's slirp-fullbolt."""

import os
import shutil

import umlnet_harness as h
from umlnet_harness import Skip, check
from transport_helpers import (NsGuest, Plug, env_with_path, helper_path, ping_ok, random_file,
                               sha256_file, tcp_to_guest, tcp_to_ns)


def _ns_slirp_guest(ns):
    ns.sh("ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up && "
          "ip route add default via 10.0.2.2")


def _uml_slirp_guest(g):
    g.ok("ip addr add 10.0.2.15/24 dev eth0 && ip link set eth0 up && ip route add default dev eth0")


def test_slirp_umlnet_slirp(ctx):
    bindir = helper_path(ctx, "umlnet-slirp", h.program("umlnet-slirp"))
    net = ctx.netns("net")
    ns = ctx.netns("g")
    plug = Plug(ctx, ["eth0=slirp,,umlnet-slirp,--hostfwd=tcp:6101:6101,--host-loopback"],
                netns=ns, run_in=net, env=env_with_path(bindir))
    g = NsGuest(ctx, "uml", net, ["slirp,,umlnet-slirp,--hostfwd=tcp:6001:6001,--host-loopback"],
                path_prepend=bindir).wait_ready()
    _uml_slirp_guest(g)
    _ns_slirp_guest(ns)
    ping_ok(ns.sh("ping -c 3 -i 0.2 -W 2 10.0.2.2").stdout, "namespace guest -> slirp host")
    ping_ok(g.ok("ping -c 3 -i 0.2 -W 2 10.0.2.2"), "UML guest -> slirp host")
    # UML guest -> namespace guest: 10.0.2.2:6101 is the net namespace's loopback, forwarded by
    # the plug's slirp to the namespace guest; and back through the UML guest's slirp.
    tcp_to_ns(ctx, g, ns, "10.0.2.2", 6101)
    tcp_to_guest(ctx, g, ns, "10.0.2.2", 6001)
    check(plug.alive(), plug.output())
    plug.stop()
    check("slirp" in plug.output() and "frames out" in plug.output(), plug.output())


def test_slirp_classic_fullbolt(ctx):
    if not shutil.which("slirp-fullbolt"):
        raise Skip("slirp-fullbolt (Debian package slirp) is not installed")
    net = ctx.netns("net")
    ns = ctx.netns("g")
    Plug(ctx, ["eth0=slirp,,slirp-fullbolt,mtu_1500,nozeros"], netns=ns, run_in=net)
    g = NsGuest(ctx, "uml", net, ["slirp,,slirp-fullbolt,mtu_1500,nozeros"]).wait_ready()
    _uml_slirp_guest(g)
    _ns_slirp_guest(ns)
    ping_ok(ns.sh("ping -c 3 -i 0.2 -W 2 10.0.2.2").stdout, "namespace guest -> slirp host")
    # Both guests reach a server on the net namespace's loopback through their slirps.
    tcp_to_ns(ctx, g, net, "10.0.2.2", 6201)
    data, digest = random_file(ctx, "plug-data.bin", 1 << 20)
    got = ctx.path("plug-got.bin")
    srv = ctx.proc("nc-plug", ["sh", "-c", f"nc -l 6202 > {got}"], netns=net)
    h.wait_for(lambda: "LISTEN" in net.sh("ss -ltn 'sport = :6202'").stdout, 10, "nc listening")
    ns.sh(f"nc -N -w 20 10.0.2.2 6202 < {data}", timeout=60)
    h.wait_for(lambda: not srv.alive(), 20, "nc to finish")
    check(sha256_file(got) == digest,
          f"namespace guest -> slirp host: {os.path.getsize(got)} bytes, digest differs")
