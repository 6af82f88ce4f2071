"""tunctl: the preconfigured-device recipe of the UML networking page, done by one command
(`tunctl -u <uid> -t <tap> -a <host-ip> -r <guest-ip>`, or `-B <bridge>`), with a real UML
guest running as an unprivileged uid that opens /dev/net/tun itself. The group-restricted
/dev/net/tun of the recipe is a copy of the node bind-mounted in a private mount namespace; the
real node is never changed."""

import os

import umlnet_harness as h
from umlnet_harness import Skip, check, program
import hostnet_helpers as hn

UID, TUN_GID, OTHER_GID = 1234, 4321, 1234


CLASSIC_TUNCTL = "/usr/bin/tunctl"
# The page's recipe by hand, after the classic tunctl (which has no host-side options).
MANUAL_RECIPE = ("ip addr add 10.77.1.1/32 dev tapu && ip link set tapu up && "
                 "echo 1 > /proc/sys/net/ipv4/ip_forward && ip route add 10.77.1.50 dev tapu && "
                 "echo 1 > /proc/sys/net/ipv4/conf/tapu/proxy_arp && "
                 "ip neigh add proxy 10.77.1.50 dev vh")


def _preconfigured(ctx, gid, classic=False):
    host, lan = hn.two_namespaces(ctx)
    if classic:
        r = host.sh(f"{CLASSIC_TUNCTL} -u {UID} -t tapu && {MANUAL_RECIPE}")
        check("Set 'tapu' persistent and owned by uid 1234" in r.stdout, r.stdout)
    else:
        r = host.sh(f"{program('tunctl')} -u {UID} -t tapu -a 10.77.1.1 -r 10.77.1.50")
        check("Set 'tapu' persistent and owned by uid 1234" in r.stdout,
              f"tunctl said:\n{r.stdout}")
        check("tapu: route 10.77.1.50/32, proxy ARP on vh" in r.stdout,
              f"tunctl said:\n{r.stdout}")
    g = hn.ns_guest(ctx, "u", ["tuntap,tapu"], host, uid=UID, gid=gid,
                    mounts=hn.tun_node(ctx, TUN_GID)).wait_ready()
    rc, out = g.run("id -u; ip addr add 10.77.1.50/24 dev eth0 && ip link set eth0 up",
                    check_rc=False)
    return host, lan, g, rc, out


def test_classic_tunctl_preconfigured_tap_unprivileged_guest(ctx):
    """Side by side: the classic tunctl plus the recipe typed by hand gives the same result."""
    if not os.path.exists(CLASSIC_TUNCTL):
        raise Skip("uml-utilities is not installed")
    host, lan, g, rc, out = _preconfigured(ctx, TUN_GID, classic=True)
    check(rc == 0, f"eth0 did not come up:\n{out}\n{g.console()[-1500:]}")
    out = g.ok("ping -c 2 -i 0.3 -W 3 10.77.1.1; ping -c 2 -i 0.3 -W 3 10.77.1.2", timeout=30)
    check(out.count(" 0% packet loss") == 2, f"guest could not reach host and lan:\n{out}")


def test_tunctl_preconfigured_tap_unprivileged_guest(ctx):
    host, lan, g, rc, out = _preconfigured(ctx, TUN_GID)
    check(rc == 0, f"eth0 did not come up:\n{out}\n{g.console()[-1500:]}")
    ps = host.sh(f"ps -o uid= -p {g.pid}").stdout.strip()
    check(ps == str(UID), f"the linux process runs as uid {ps}, not {UID}")
    out = g.ok("ping -c 2 -i 0.3 -W 3 10.77.1.1; ping -c 2 -i 0.3 -W 3 10.77.1.2", timeout=30)
    check(out.count(" 0% packet loss") == 2, f"guest could not reach host and lan:\n{out}")
    out = lan.sh("ping -c 2 -i 0.3 -W 3 10.77.1.50", check_rc=False).stdout
    check(hn.ping_ok(out), f"the lan could not reach the guest:\n{out}")
    g.stop()
    r = host.sh(f"{program('tunctl')} -d tapu")
    check("Set 'tapu' nonpersistent" in r.stdout, r.stdout)
    check("tapu" not in host.sh("ip -o link").stdout, "tapu outlived tunctl -d")


def test_tunctl_tun_group_restriction(ctx):
    """A uid outside the /dev/net/tun group cannot open it: the seed's group set-up holds."""
    host, lan, g, rc, out = _preconfigured(ctx, OTHER_GID)
    check(rc != 0, "eth0 came up although the uid is not in the tun device's group")
    check("Failed to open /dev/net/tun, err = 13" in g.console(),
          f"expected EACCES on /dev/net/tun:\n{g.console()[-1500:]}")


def test_tunctl_bridge_port(ctx):
    host, lan = ctx.netns("host"), ctx.netns("lan")
    host.sh("ip link add br0 type bridge && ip link set br0 up")
    host.sh(f"ip link add vb type veth peer name vl netns {lan.name}")
    host.sh("ip link set vb master br0 && ip link set vb up")
    lan.sh("ip addr add 10.77.2.2/24 dev vl && ip link set vl up")
    # The guest's user owns the tap (the harness's guests run as the test user).
    r = host.sh(f"{program('tunctl')} -u {h.test_user()[0]} -t tapb -B br0")
    check("tapb: port of bridge br0" in r.stdout, f"tunctl said:\n{r.stdout}")
    g = hn.ns_guest(ctx, "b", ["tuntap,tapb"], host).wait_ready()
    g.ok("ip addr add 10.77.2.50/24 dev eth0 && ip link set eth0 up")
    out = g.ok("ping -c 3 -i 0.3 -W 3 10.77.2.2", timeout=30)
    check(hn.ping_ok(out), f"guest could not reach the lan across the bridge:\n{out}")
    check("master br0" in host.sh("ip link show tapb").stdout, "tapb is not on br0")


def test_tunctl_errors(ctx):
    t = program("tunctl")
    ns = ctx.netns("err")
    cases = [
        (f"{t} -u no-such-user-x", "'no-such-user-x' is neither a username nor a numeric uid."),
        (f"{t} -f {ctx.path('nope')}", f"Failed to open '{ctx.path('nope')}' : No such file or "
         "directory (no TUN/TAP: load the tun module)"),
        (f"{t} -t lo", "TUNSETIFF: Invalid argument (device 'lo' exists and is not of this "
         "TUN/TAP type)"),
        (f"{t} -d nosuchtap", "tunctl: no device 'nosuchtap'"),
        (f"setpriv --reuid=1234 --regid=1234 --clear-groups {t} -t tapx",
         "Failed to open '/dev/net/tun' : Permission denied (no permission on the clone device)"),
    ]
    for cmd, want in cases:
        r = ns.sh(cmd, check_rc=False)
        check(r.returncode == 1 and want in r.stderr, f"{cmd}: want {want!r}, got "
              f"{r.returncode}: {r.stderr!r}")
    # A user with access to the clone device but without CAP_NET_ADMIN.
    node = hn.tun_node(ctx, 1234)[0].split()[2]
    r = ns.sh(f"setpriv --reuid=1234 --regid=1234 --clear-groups {t} -f {node} -t tapx",
              check_rc=False)
    check(r.returncode == 1 and "TUNSETIFF: Operation not permitted (creating or changing a "
          "device needs CAP_NET_ADMIN)" in r.stderr, f"no-permission case: {r.stderr!r}")
    # A name in use: a persistent tap already attached to by a running guest is busy.
    r = ns.sh(f"{t} -b -n -t tunz && {t} -t tunz", check_rc=False)
    check(r.returncode == 1 and "TUNSETIFF: Invalid argument (device 'tunz' exists and is not "
          "of this TUN/TAP type)" in r.stderr, f"name in use: {r.stderr!r}")
