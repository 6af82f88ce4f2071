"""umlnet-plug passes the namespace guest's IPv4 addresses to the transport's host helper as the UML
kernel's address notifier does (doc/transports.md §1.8, doc/helper-protocol.md §2-§5): tuntap in helper
mode and slip run `uml_net 4 add|del <host-dev> <addr> <mask>`, ethertap sends the 12-byte change
on its control stream. The host (namespace `net`) then has the /32 route to the guest and the
proxy-ARP entry on its LAN, so a host on that LAN (namespace `far`, no routes of its own beyond
its subnet) and a host routed behind the host (namespace `remote`, default route via net) reach
the guest with no route added by hand on the host; an address change moves both; stopping the
plug removes them.

Topology, all in namespaces of the test:
    far (lan1 X.50/24) --veth-- (lan0 X.1/24) net [helper's tap/sl: gate X.254/32] --plug-- g (eth0)
    remote (wan1 W.2/24, default via W.1) --veth-- (wan0 W.1/24) net
"""

import os

import umlnet_harness as h
from umlnet_harness import Skip, check
from transport_helpers import NsGuest, Plug, env_with_path, helper_path, ping_ok


def _wan(prefix):
    """The subnet of the routed namespace: 10.41.0 -> 10.141.0."""
    a, b, c = prefix.split(".")
    return f"{a}.{100 + int(b)}.{c}"


def _lan(ctx, prefix):
    """net and far joined by a veth pair on prefix.0/24; net forwards (the helpers also set it).
    A third namespace, remote, sits on another subnet behind net (its default route)."""
    net, far, remote = ctx.netns("net"), ctx.netns("far"), ctx.netns("remote")
    wan = _wan(prefix)
    net.sh(f"ip link add lan0 type veth peer name lan1 netns {far.name} && "
           f"ip addr add {prefix}.1/24 dev lan0 && ip link set lan0 up && "
           f"ip link add wan0 type veth peer name wan1 netns {remote.name} && "
           f"ip addr add {wan}.1/24 dev wan0 && ip link set wan0 up && "
           "sysctl -qw net.ipv4.ip_forward=1")
    far.sh(f"ip addr add {prefix}.50/24 dev lan1 && ip link set lan1 up")
    remote.sh(f"ip addr add {wan}.2/24 dev wan1 && ip link set wan1 up && "
              f"ip route add default via {wan}.1")
    return net, far, remote


def _pings(far, remote, ip, what):
    """The LAN host (by proxy ARP) and the routed host (by the /32 route) both reach ip."""
    ping_ok(far.sh(f"ping -c 3 -i 0.2 -W 2 {ip}").stdout, f"LAN host -> {what}")
    ping_ok(remote.sh(f"ping -c 3 -i 0.2 -W 2 {ip}").stdout, f"routed host -> {what}")


def _route_dev(net, ip):
    """The device of net's host route to ip, or None."""
    out = net.sh(f"ip -4 route show {ip}/32").stdout.split()
    return out[out.index("dev") + 1] if "dev" in out else None


def _proxied(net, ip):
    """The devices net answers ARP for ip on (proxy entries)."""
    return [l.split()[2] for l in net.sh("ip neigh show proxy").stdout.splitlines()
            if l.split()[:1] == [ip]]


def _claimed(net, ip, what):
    """Waits for the host route and proxy-ARP entry for ip; returns the route's device."""
    dev = h.wait_for(lambda: _route_dev(net, ip), 15, f"the host route to {ip} ({what})")
    check(_proxied(net, ip) == ["lan0"],
          f"{what}: proxy ARP for {ip} is on {_proxied(net, ip)}, expected lan0 only")
    return dev


def _released(net, ip, what):
    h.wait_for(lambda: _route_dev(net, ip) is None and not _proxied(net, ip), 15,
               f"the host route and proxy ARP for {ip} to go ({what})")


def _settled(plug, g, prefix, mac_rule=True):
    """Waits for the plug's MAC rule to have decided, then lets the guest send once: a slip
    endpoint addresses frames to the MAC it last saw from the guest, which the rule may have
    changed after the guest's first frames (IPv6 set-up at link up). A device that already had
    its address and was up when the plug attached keeps its MAC: no rule to wait for."""
    if mac_rule:
        h.wait_for(lambda: "MAC fe:fd" in plug.output() or "keeps its random MAC" in plug.output(),
                   10, f"the plug's MAC rule:\n{plug.output()}")
    g.sh(f"ping -c 1 -W 1 {prefix}.254", check_rc=False)


def _follow(ctx, spec, uml_net, prefix, host_dev=None, preset=False):
    """The whole story for one transport: claim on add (or at open for an address already on the
    device), ping from the LAN, move on address change, release at stop."""
    net, far, remote = _lan(ctx, prefix)
    g = ctx.netns("g")
    if preset:
        # An existing device with an address: the plug attaches to it and replays the add.
        g.sh(f"ip tuntap add dev eth0 mode tap && ip addr add {prefix}.2/24 dev eth0 && "
             "ip link set eth0 up")
    env = env_with_path(helper_path(ctx, "uml_net", uml_net))
    plug = Plug(ctx, [f"eth0={spec}"], netns=g, run_in=net, env=env)
    if not preset:
        g.sh(f"ip addr add {prefix}.2/24 dev eth0 && ip link set eth0 up")
    # The guest's own configuration: its way out is the gate, as for a UML guest.
    g.sh(f"ip route add default via {prefix}.254")
    _settled(plug, g, prefix, mac_rule=not preset)
    dev = _claimed(net, f"{prefix}.2", spec)
    if host_dev:
        check(dev == host_dev, f"route to {prefix}.2 via {dev}, expected {host_dev}")
    check(f"eth0: add {prefix}.2/255.255.255.0 on the host" in plug.output(),
          f"no log line with the helper's answer:\n{plug.output()}")
    _pings(far, remote, f"{prefix}.2", f"guest ({spec})")

    g.sh(f"ip addr del {prefix}.2/24 dev eth0 && ip addr add {prefix}.3/24 dev eth0 && "
         f"ip route replace default via {prefix}.254")
    check(_claimed(net, f"{prefix}.3", spec + " after the change") == dev, "the route changed device")
    _released(net, f"{prefix}.2", "the old address")
    _pings(far, remote, f"{prefix}.3", f"moved guest ({spec})")

    check(plug.alive(), plug.output())
    plug.stop()
    _released(net, f"{prefix}.3", "the plug stopped")
    check(f"eth0: del {prefix}.3/255.255.255.0 on the host" in plug.output(), plug.output())
    check("failed" not in plug.output(), f"a change failed:\n{plug.output()}")
    return plug


def test_plug_addr_tuntap_our_uml_net(ctx):
    _follow(ctx, "tuntap,,,10.41.0.254", h.program("uml_net"), "10.41.0")


def test_plug_addr_tuntap_replayed_at_open(ctx):
    _follow(ctx, "tuntap,,,10.42.0.254", h.program("uml_net"), "10.42.0", preset=True)


def test_plug_addr_tuntap_classic_uml_net(ctx):
    if not os.access("/usr/bin/uml_net", os.X_OK):
        raise Skip("/usr/bin/uml_net (uml-utilities) is not installed")
    for tool in ("route", "arp"):
        if not any(os.access(os.path.join(d, tool), os.X_OK) for d in ("/sbin", "/usr/sbin")):
            raise Skip(f"the classic uml_net runs `{tool}` (net-tools), which is not installed")
    plug = _follow(ctx, "tuntap,,,10.43.0.254", "/usr/bin/uml_net", "10.43.0")
    check("route add -host 10.43.0.2" in plug.output(),
          f"the classic helper's own text did not reach the log:\n{plug.output()}")


def test_plug_addr_ethertap_our_uml_net(ctx):
    _follow(ctx, "ethertap,tap7,,10.44.0.254", h.program("uml_net"), "10.44.0", host_dev="tap7")


def test_plug_addr_slip_our_uml_net(ctx):
    _follow(ctx, "slip,10.45.0.254", h.program("uml_net"), "10.45.0")


def test_plug_addr_error_is_per_device(ctx):
    """A refused add is one clear line for its device; the other device and the plug go on."""
    net, far, _ = _lan(ctx, "10.46.0")
    g = ctx.netns("g")
    env = env_with_path(helper_path(ctx, "uml_net", h.program("uml_net")))
    plug = Plug(ctx, ["eth0=tuntap,,,10.46.0.254", "eth1=tuntap,,,10.46.0.253"], netns=g,
                run_in=net, env=env)
    # eth0 claims the host's own LAN address: our uml_net refuses it.
    g.sh("ip addr add 10.46.0.1/32 dev eth0 && ip link set eth0 up")
    h.wait_for(lambda: "eth0: add 10.46.0.1/255.255.255.255 on the host failed" in plug.output(),
               15, f"the refused add to be reported:\n{plug.output()}")
    line = [l for l in plug.output().splitlines() if "eth0: add 10.46.0.1/" in l][0]
    check("10.46.0.1" in line.split("failed", 1)[1],
          f"the error line does not carry the helper's reason: {line}")
    g.sh("ip addr add 10.46.0.2/24 dev eth1 && ip link set eth1 up")
    _claimed(net, "10.46.0.2", "eth1 next to a failed eth0")
    ping_ok(far.sh("ping -c 3 -i 0.2 -W 2 10.46.0.2").stdout, "LAN host -> eth1")
    check(plug.alive(), f"the plug ended after a refused add:\n{plug.output()}")
    plug.stop()
    _released(net, "10.46.0.2", "the plug stopped")


def _host_view(net, ip):
    """What a guest address left on the host, with the address and the helper's device taken
    out."""
    route = ["<ip>" if w == ip else w for w in net.sh(f"ip -4 route show {ip}/32").stdout.split()]
    if "dev" in route:
        route[route.index("dev") + 1] = "<dev>"
    return " ".join(route), _proxied(net, ip)


def test_plug_addr_same_as_uml_kernel(ctx):
    """A real UML guest (eth0=tuntap,,,gate) and a plug namespace guest on one host, same helper,
    same kind of address changes: the host ends up in the same state for both, at every step."""
    prefix = "10.47.0"
    net, far, remote = _lan(ctx, prefix)
    helper = helper_path(ctx, "uml_net", h.program("uml_net"))
    # Host root: uml_net in its root-caller mode (no setuid bit, no policy) is the helper under
    # test, and it takes root from the kernel that runs it.
    g = NsGuest(ctx, "uml", net, [f"tuntap,,,{prefix}.254"], path_prepend=helper,
                run_as=h.AS_ROOT).wait_ready()
    ns = ctx.netns("g")
    plug = Plug(ctx, [f"eth0=tuntap,,,{prefix}.253"], netns=ns, run_in=net,
                env=env_with_path(helper))

    g.ok(f"ip addr add {prefix}.2/24 dev eth0 && ip link set eth0 up && "
         f"ip route add default via {prefix}.254")
    ns.sh(f"ip addr add {prefix}.3/24 dev eth0 && ip link set eth0 up && "
          f"ip route add default via {prefix}.253")
    uml_dev = _claimed(net, f"{prefix}.2", "UML guest")
    plug_dev = _claimed(net, f"{prefix}.3", "plug guest")
    check(uml_dev != plug_dev, f"both guests routed through {uml_dev}")
    check(_host_view(net, f"{prefix}.2") == _host_view(net, f"{prefix}.3"),
          f"the host differs: UML {_host_view(net, f'{prefix}.2')}, "
          f"plug {_host_view(net, f'{prefix}.3')}")
    for ip in (f"{prefix}.2", f"{prefix}.3"):
        _pings(far, remote, ip, ip)
    ping_ok(g.ok(f"ping -c 3 -i 0.2 -W 2 {prefix}.3"), "UML guest -> plug guest")

    # Both move; the kernel and the plug each delete the old address and add the new one.
    g.ok(f"ip addr del {prefix}.2/24 dev eth0 && ip addr add {prefix}.12/24 dev eth0")
    ns.sh(f"ip addr del {prefix}.3/24 dev eth0 && ip addr add {prefix}.13/24 dev eth0")
    _claimed(net, f"{prefix}.12", "UML guest moved")
    _claimed(net, f"{prefix}.13", "plug guest moved")
    _released(net, f"{prefix}.2", "UML guest's old address")
    _released(net, f"{prefix}.3", "plug guest's old address")
    check(_host_view(net, f"{prefix}.12") == _host_view(net, f"{prefix}.13"), "the host differs")

    # The kernel deletes its addresses at ifconfig down, the plug when it stops.
    g.ok("ip link set eth0 down")
    plug.stop()
    _released(net, f"{prefix}.12", "UML eth0 down")
    _released(net, f"{prefix}.13", "plug stopped")
