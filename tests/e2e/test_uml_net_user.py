"""The setuid uml_net used by an unprivileged uid, as on a real host: a root-owned setuid copy
first in the guest's PATH, the policy at its real path /etc/umlnet/uml_net.conf (shown there by
an overlay in a private mount namespace; the real /etc is untouched)."""

from umlnet_harness import check, program, wait_for
import hostnet_helpers as hn

UID = 1234
POLICY = f"user {UID} tuntap,ethertap,add 10.77.1.0/24\n"


def _guest(ctx, spec, uid):
    host, lan = hn.two_namespaces(ctx)
    bin_dir = hn.helper_dir(ctx, "u", program("uml_net"), setuid=True)
    check(hn.setuid_ok(f"{bin_dir}/uml_net"), "the test copy of uml_net is not setuid root")
    g = hn.ns_guest(ctx, "u", [spec], host, path_dir=bin_dir, uid=uid,
                    mounts=hn.etc_overlay(ctx, POLICY)).wait_ready()
    rc, out = g.run("ip addr add 10.77.1.50/24 dev eth0 && ip link set eth0 up", check_rc=False)
    return host, lan, g, rc, out


def test_setuid_uml_net_tuntap_as_user(ctx):
    host, lan, g, rc, out = _guest(ctx, "tuntap,,,10.77.1.1", UID)
    check(rc == 0, f"eth0 did not come up:\n{out}\n{g.console()[-1500:]}")
    out = g.ok("ping -c 2 -i 0.3 -W 3 10.77.1.1; ping -c 2 -i 0.3 -W 3 10.77.1.2", timeout=30)
    check(out.count(" 0% packet loss") == 2, f"guest could not reach host and lan:\n{out}")
    check(hn.ping_ok(lan.sh("ping -c 2 -i 0.3 -W 3 10.77.1.50", check_rc=False).stdout),
          "the lan could not reach the guest")
    link = host.sh("ip -d link show tap0").stdout
    check(f"user {UID}" in link, f"the tap is not owned by the caller:\n{link}")


def test_setuid_uml_net_ethertap_relay_runs_as_user(ctx):
    host, lan, g, rc, out = _guest(ctx, "ethertap,tap0,fe:fd:0:0:0:1,10.77.1.1", UID)
    check(rc == 0, f"eth0 did not come up:\n{out}\n{g.console()[-1500:]}")
    out = g.ok("ping -c 2 -i 0.3 -W 3 10.77.1.1", timeout=30)
    check(hn.ping_ok(out), f"guest could not reach the host:\n{out}")
    ps = host.sh(f"ps -o uid=,ppid=,pid=,comm= --ppid {g.pid}; "
                 f"ps -o uid=,ppid=,pid=,comm= -C uml_net").stdout
    helpers = {line.split()[2]: line.split() for line in ps.splitlines() if "uml_net" in line}
    uids = sorted(v[0] for v in helpers.values() if v[1] in helpers or v[1] == str(g.pid))
    # The monitor (serving address changes) stays root; the frame relay runs as the caller.
    check(uids == ["0", str(UID)], f"expected one root monitor and one uid {UID} relay:\n{ps}")


def test_setuid_uml_net_user_outside_policy(ctx):
    host, lan, g, rc, out = _guest(ctx, "tuntap,,,10.77.1.1", UID + 1)
    check(rc != 0, "eth0 came up for a uid outside the policy")
    wait_for(lambda: f"refused: the policy does not allow uid {UID + 1} to use tuntap with "
             "10.77.1.1" in g.console(), 5, "the refusal on the console")


def test_classic_uml_net_as_user(ctx):
    """The classic helper, side by side: a uid outside group uml-net cannot exec it at all; a
    member can, with no policy (any address the guest claims is routed and proxied)."""
    host, lan = hn.two_namespaces(ctx)
    d = hn.helper_dir(ctx, "c", hn.CLASSIC_UML_NET)
    g = hn.ns_guest(ctx, "c", ["tuntap,,,10.77.1.1"], host, path_dir=d, uid=UID).wait_ready()
    rc, out = g.run("ip link set eth0 up", check_rc=False)
    check(rc != 0 and "failed to exec uml_net on host: Permission denied" in g.console(),
          f"classic helper outside uml-net:\n{g.console()[-1200:]}")
    g.stop()
    gid = int(hn.run(["getent", "group", "uml-net"]).stdout.split(":")[2])
    g = hn.ns_guest(ctx, "m", ["tuntap,,,10.77.1.1"], host, path_dir=d, uid=UID,
                    gid=gid).wait_ready()
    g.ok("ip addr add 10.77.1.50/24 dev eth0 && ip link set eth0 up")
    check(hn.ping_ok(g.ok("ping -c 2 -i 0.3 -W 3 10.77.1.2", timeout=20)),
          "classic tuntap as a uml-net member did not work")
