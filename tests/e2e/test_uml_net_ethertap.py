"""uml_net, ethertap (eth0=ethertap,tap0,<mac>,<gate>) on a host that has had no ethertap driver
since Linux 2.6: our uml_net backs it with a TAP device and relays frames over the kernel's
socketpair protocol; the classic helper fails (modprobe ethertap, ifconfig tap0)."""

import os
import socket

from umlnet_harness import Skip, check, program
import hostnet_helpers as hn

SPEC = "ethertap,tap0,fe:fd:0:0:0:1,10.77.1.1"


def _guest(ctx, uml_net):
    host, lan = hn.two_namespaces(ctx)
    g = hn.ns_guest(ctx, "g", [SPEC], host, path_dir=hn.helper_dir(ctx, "g", uml_net))
    g.wait_ready()
    rc, out = g.run("ip addr add 10.77.1.50/24 dev eth0 && ip link set eth0 up", check_rc=False)
    return host, lan, g, rc, out


def test_uml_net_ethertap_pings_host(ctx):
    host, lan, g, rc, out = _guest(ctx, program("uml_net"))
    check(rc == 0, f"ip link set eth0 up failed:\n{out}\nconsole:\n{g.console()[-2000:]}")
    out = g.ok("ping -c 3 -i 0.3 -W 3 10.77.1.1; ping -c 2 -i 0.3 -W 3 10.77.1.2", timeout=30)
    check(out.count(" 0% packet loss") == 2, f"guest could not reach host and lan:\n{out}\n"
          f"console:\n{g.console()[-2000:]}")
    link = host.sh("ip -d link show tap0").stdout
    check("mtu 1500" in link and "tun type tap" in link, f"tap0 is not the relay's TAP:\n{link}")
    check("10.77.1.50 dev vh" in host.sh("ip neigh show proxy").stdout,
          "the address change message did not add proxy ARP")
    # A large frame crosses intact (the classic relay cut frames above 1500 bytes).
    out = g.ok("ping -c 2 -s 1472 -M do -W 3 10.77.1.1", timeout=20)
    check(hn.ping_ok(out), f"1500-byte packets do not cross the relay:\n{out}")
    console = g.console()
    check("relaying through TAP tap0" in console, f"helper output missing:\n{console[-1500:]}")
    g.stop()
    check("tap0" not in host.sh("ip -o link").stdout, "tap0 outlived the guest")


def test_classic_uml_net_ethertap_fails(ctx):
    if not os.path.exists(hn.CLASSIC_UML_NET):
        raise Skip("uml-utilities is not installed")
    host, lan, g, rc, out = _guest(ctx, hn.CLASSIC_UML_NET)
    console = g.console()
    check(rc != 0, f"the classic ethertap unexpectedly came up:\n{out}")
    check("etap_tramp" in console or "ethertap" in console,
          f"no kernel message about the failing helper:\n{console[-1500:]}")
    # The classic helper loads a module and runs ifconfig on a device no kernel provides.
    check("* modprobe ethertap unit=0 -o ethertap0" in console and
          "etap_tramp failed - err = 10" in console, f"unexpected classic output:\n{console[-1500:]}")


def test_uml_net_ethertap_refuses_existing_device(ctx):
    """An ethertap <dev> that already exists (here a persistent tap of someone else) is never
    attached to: the helper answers status 0 and says why."""
    ns = ctx.netns("exists")
    ns.sh(f"{program('tunctl')} -u 1000 -t tap0")
    data, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    with data, theirs:
        rc, text = hn.call_helper([program("uml_net"), "4", "ethertap", "tap0",
                                   str(theirs.fileno()), "10.77.1.1"], netns=ns,
                                  pass_fds=[theirs.fileno()])
    check(rc == 1 and "refused: tap0 already exists on the host" in text, f"{rc}: {text!r}")
    check("10.77.1.1" not in ns.sh("ip addr show tap0").stdout, "tap0 was configured anyway")
