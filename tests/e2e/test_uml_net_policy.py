"""uml_net's checks: a policy says who may claim which addresses; addresses the host already
has or routes elsewhere are refused by default; malformed argv is refused. Every refusal is one
line that the kernel prints on the guest's console."""

import os

from umlnet_harness import Skip, check, program
import hostnet_helpers as hn

POLICY = "user 0 tuntap,add 10.77.1.0/24\n"


def _guest(ctx, policy_text, gate="10.77.1.1"):
    host, lan = hn.two_namespaces(ctx)
    pol = hn.policy_file(ctx, policy_text)
    bin_dir = hn.helper_dir(ctx, "g", program("uml_net"), policy=pol)
    g = hn.ns_guest(ctx, "g", [f"tuntap,,,{gate}"], host, path_dir=bin_dir).wait_ready()
    return host, lan, g


def test_policy_forbidden_address_refused(ctx):
    host, lan, g = _guest(ctx, POLICY)
    g.ok("ip addr add 10.77.1.50/24 dev eth0 && ip link set eth0 up")
    g.ok("ip addr add 10.99.0.5/24 dev eth0")
    console = g.console()
    check("uml_net: refused: the policy does not allow uid 0 to use add with 10.99.0.5"
          in console, f"no refusal on the console:\n{console[-1500:]}")
    routes = host.sh("ip route").stdout
    check("10.99.0.5" not in routes and "10.77.1.50 dev tap" in routes,
          f"host routes wrong after a refused claim:\n{routes}")


def test_policy_gate_outside_refused(ctx):
    host, lan, g = _guest(ctx, POLICY, gate="10.88.0.1")
    rc, out = g.run("ip link set eth0 up", check_rc=False)
    check(rc != 0, "eth0 came up with a forbidden gate")
    check("uml_net: refused: the policy does not allow uid 0 to use tuntap with 10.88.0.1"
          in g.console(), f"no refusal on the console:\n{g.console()[-1500:]}")
    check("tap" not in host.sh("ip -o link").stdout, "a tap was left behind")


def test_address_in_use_refused(ctx):
    """Addresses the host has, routes elsewhere, or that a neighbour on the host's network
    answers ARP for (the lan's 10.77.1.2, as a LAN router's address inside a policy range
    would) are refused; a free one is routed and proxied."""
    host, lan, g = _guest(ctx, POLICY)
    host.sh("ip route add 10.77.1.70 dev vh")
    g.ok("ip addr add 10.77.1.50/24 dev eth0 && ip link set eth0 up")
    g.ok("ip addr add 10.77.1.2/32 dev eth0; ip addr add 10.77.1.70/32 dev eth0; "
         "ip addr add 10.77.1.1/32 dev eth0")
    console = g.console()
    check("uml_net: refused: 10.77.1.2 is in use on vh (a neighbour answers ARP for it)"
          in console, f"the lan's address was not refused:\n{console[-2000:]}")
    routes = host.sh("ip route").stdout
    check("10.77.1.2 dev tap" not in routes and "10.77.1.50 dev tap" in routes,
          f"host routes after the claims:\n{routes}")
    out = host.sh("ping -c 1 -W 2 10.77.1.2", check_rc=False).stdout
    check(hn.ping_ok(out), f"the host no longer reaches the lan's 10.77.1.2:\n{out}")
    check("uml_net: refused: 10.77.1.70 is already routed through vh" in console,
          f"a routed address was not refused:\n{console[-2000:]}")
    check("uml_net: refused: 10.77.1.1 is already assigned on the host" in console,
          f"a host address was not refused:\n{console[-2000:]}")
    proxy = host.sh("ip neigh show proxy").stdout
    check("10.77.1.70" not in proxy and "10.77.1.1 " not in proxy and "10.77.1.2 " not in proxy,
          f"proxy ARP was set for a refused address:\n{proxy}")


def test_user_outside_policy_refused(ctx):
    host, lan, g = _guest(ctx, "user 1000 all any\n")
    rc, out = g.run("ip link set eth0 up", check_rc=False)
    check(rc != 0, "eth0 came up for a caller outside the policy")
    check("uml_net: refused: the policy does not allow uid 0 to use tuntap with 10.77.1.1"
          in g.console(), f"no refusal on the console:\n{g.console()[-1500:]}")


def test_malformed_argv_refused(ctx):
    um = program("uml_net")
    cases = [
        (["4", "add", "tap0;id", "10.0.0.1", "255.255.255.0"], "bad device name 'tap0;id'"),
        (["4", "add", "$(reboot)", "10.0.0.1", "255.255.255.0"], "bad device name '$(reboot)'"),
        (["4", "add", "abcdefghijklmnop", "10.0.0.1", "255.255.255.0"],
         "bad device name 'abcdefghijklmnop'"),
        (["4", "add", "tap0", "10.0.0.256", "255.255.255.0"], "bad address '10.0.0.256'"),
        (["4", "add", "tap0", "10.0.0.1", "255.0.255.0"], "bad netmask '255.0.255.0'"),
        (["4", "add", "tap0", "10.0.0.1"], "too few arguments"),
        (["4", "slip", "up", "1.2.3.4 ; id"], "bad gate address '1.2.3.4 ; id'"),
        (["4", "ethertap", "tap0", "x1"], "bad data fd 'x1'"),
        (["3", "tuntap", "up", "1.2.3.4"], "bad protocol version"),
        (["4", "frob"], "bad operation 'frob'"),
        (["4"], "bad argument list"),
    ]
    ns = ctx.netns("argv")
    for args, want in cases:
        rc, text = hn.call_helper([um] + args, netns=ns)
        check(rc == 1 and want in text and text.count("\n") == 1,
              f"uml_net {' '.join(args)}: want one line with {want!r}, got rc {rc}: {text!r}")
    rc, text = hn.call_helper([um, "4", "tuntap", "up", "1.2.3"], netns=ns, datagram=True)
    check(rc == 1 and "bad gate address '1.2.3'" in text, f"tuntap refusal: {rc} {text!r}")


def test_setuid_helper_refuses_policy_option_and_no_policy(ctx):
    if os.path.exists("/etc/umlnet/uml_net.conf"):
        raise Skip("this host has a real /etc/umlnet/uml_net.conf")
    d = hn.helper_dir(ctx, "suid", program("uml_net"), setuid=True)
    um = os.path.join(d, "uml_net")
    pol = hn.policy_file(ctx, "user 1234 all any\n")
    ns = ctx.netns("suid")
    rc, text = hn.call_helper([um, "--policy", pol, "4", "add", "tap0", "10.0.0.1",
                               "255.255.255.0"], netns=ns, uid=1234)
    check(rc == 1 and "--policy needs an absolute path and real uid 0" in text,
          f"--policy from uid 1234: {rc} {text!r}")
    rc, text = hn.call_helper([um, "4", "add", "tap0", "10.0.0.1", "255.255.255.0"], netns=ns,
                              uid=1234)
    check(rc == 1 and "no policy file /etc/umlnet/uml_net.conf" in text,
          f"no policy, uid 1234: {rc} {text!r}")


def test_classic_uml_net_routes_a_host_address(ctx):
    """Side by side: the classic helper routes and proxies whatever the guest claims, here the
    host's own address; ours refuses it (test_address_in_use_refused)."""
    if not os.path.exists(hn.CLASSIC_UML_NET):
        raise Skip("uml-utilities is not installed")
    host, lan = hn.two_namespaces(ctx)
    g = hn.ns_guest(ctx, "g", ["tuntap,,,10.77.1.1"], host,
                    path_dir=hn.helper_dir(ctx, "g", hn.CLASSIC_UML_NET)).wait_ready()
    g.ok("ip addr add 10.77.1.50/24 dev eth0 && ip link set eth0 up")
    g.ok("ip addr add 10.77.1.1/32 dev eth0")
    routes = host.sh("ip route").stdout
    check("10.77.1.1 dev tap0" in routes, f"the classic helper refused after all:\n{routes}")
