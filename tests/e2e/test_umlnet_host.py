"""umlnet's host side, inside throwaway namespaces only: host-up taps/bridges/routes, a switch
with a tap uplink, and a namespace guest carried by umlnet-plug."""

import os
import shutil
import subprocess

from umlnet_harness import Skip, TestFailure, check, program

import hostnet_helpers as hn
from umlnet_helpers import Net, check_gone

UID = 1234


def need_root():
    if os.geteuid() != 0:
        raise Skip("needs root (network namespaces)")


def in_ns(ns, *argv, timeout=300, ok=True):
    r = subprocess.run(["ip", "netns", "exec", ns.name] + list(argv), capture_output=True,
                       text=True, timeout=timeout)
    if ok and r.returncode != 0:
        raise TestFailure(f"in {ns.name}: {' '.join(argv)} exited {r.returncode}:\n"
                          f"{r.stdout}{r.stderr}")
    return r


def umlnet_in_ns(ns, state, *args, env=None, ok=True):
    """umlnet -s STATE ARGS in the namespace (host-up keeps its record under STATE)."""
    argv = ["ip", "netns", "exec", ns.name]
    if env is not None:
        argv += ["env", "-i"] + [f"{k}={v}" for k, v in env.items()]
    r = subprocess.run(argv + [program("umlnet"), "-s", state] + list(args),
                       capture_output=True, text=True, timeout=60)
    if ok and r.returncode != 0:
        raise TestFailure(f"in {ns.name}: umlnet {' '.join(args)} exited {r.returncode}:\n"
                          f"{r.stdout}{r.stderr}")
    return r


HOST_CONF = ("bridge br0 ip=192.168.50.1/24\n"
             "tap tap0 user=nobody bridge=br0\n"
             "tap tap1 ip=10.9.0.1/24 proxyarp\n"
             "bridge brk ip=192.168.60.1/24\n"
             "tap tap3 bridge=brk\n"
             "route 10.8.0.0/16 via 10.9.0.2\n")


def _host_snapshot(ns):
    """What host-up may change in a namespace (links by name, state and flags: a bridge's MAC
    follows its ports)."""
    snap = {c: ns.sh(c).stdout for c in ("ip -br addr", "ip route", "ip neigh show proxy",
                                         "cat /proc/sys/net/ipv4/ip_forward")}
    snap["links"] = sorted((w[0], w[1], w[-1]) for w in
                           (line.split() for line in ns.sh("ip -br link").stdout.splitlines()))
    return snap


def test_umlnet_host_up_down_in_netns(ctx):
    """host-up makes the devices, addresses, bridge ports, proxy ARP and routes of the file;
    host-down removes exactly those: a bridge that was there before (brk) and its own address
    stay."""
    need_root()
    ns = ctx.netns("host")
    state = ctx.path("hoststate")
    conf = ctx.path("host.conf")
    with open(conf, "w") as f:
        f.write(HOST_CONF)
    ns.sh("ip link add brk type bridge && ip addr add 192.168.61.1/24 dev brk")
    before = _host_snapshot(ns)
    umlnet_in_ns(ns, state, "host-up", conf)
    links = ns.sh("ip -d link show tap0").stdout
    check("master br0" in links and "user nobody" in links and "persist on" in links,
          f"tap0:\n{links}")
    check("bridge " in ns.sh("ip -d link show br0").stdout, "br0 is not a bridge")
    check("master brk" in ns.sh("ip link show tap3").stdout, "tap3 is not a port of brk")
    check("192.168.50.1/24" in ns.sh("ip addr show br0").stdout, "br0 has no address")
    check("192.168.60.1/24" in ns.sh("ip addr show brk").stdout, "brk has no address")
    check(ns.sh("cat /proc/sys/net/ipv4/conf/tap1/proxy_arp").stdout.strip() == "1",
          "proxy ARP is off on tap1")
    check("10.8.0.0/16 via 10.9.0.2 dev tap1" in ns.sh("ip route").stdout, "route missing")
    umlnet_in_ns(ns, state, "host-up", conf)  # again: what exists is kept
    r = umlnet_in_ns(ns, state, "host-down", conf)
    after = _host_snapshot(ns)
    check(after == before, f"host-down did not restore the namespace:\nbefore {before}\n"
          f"after {after}\n{r.stdout}{r.stderr}")
    check(not os.path.exists(os.path.join(state, "host-changes")), "the record is left")
    r = umlnet_in_ns(ns, state, "host-down", conf)  # nothing recorded: nothing to do
    check("nothing to remove" in r.stdout, f"second host-down:\n{r.stdout}")


def test_umlnet_host_up_fails_half_way(ctx):
    """A step that fails (a route through a gateway no interface reaches) is named in one
    line; what host-up made before it is recorded, and host-down removes it."""
    need_root()
    ns = ctx.netns("half")
    state = ctx.path("hoststate")
    conf = ctx.path("half.conf")
    with open(conf, "w") as f:
        f.write("tap tap1 ip=10.9.0.1/24\n"
                "route 10.8.0.0/16 via 10.99.0.2\n")
    before = _host_snapshot(ns)
    r = umlnet_in_ns(ns, state, "host-up", conf, ok=False)
    check(r.returncode == 1 and "umlnet: error: host-up: adding the route to 10.8.0.0/16: "
          in r.stderr, f"host-up with an unreachable gateway:\n{r.stdout}{r.stderr}")
    check("10.9.0.1/24" in ns.sh("ip addr show tap1").stdout, "tap1 was not made")
    umlnet_in_ns(ns, state, "host-down", conf)
    after = _host_snapshot(ns)
    check(after == before, f"host-down left changes:\nbefore {before}\nafter {after}")


def test_umlnet_host_guest_reaches_host(ctx):
    """The seed's host recipe from a tap line: a tap owned by an unprivileged uid, the host
    route to the guest, proxy ARP on the tap and a proxy entry on the lan interface,
    ip_forward; a real UML guest (that uid) on the tap reaches the host and the lan, and the
    lan reaches it. host-down then removes all of it."""
    need_root()
    host, lan = hn.two_namespaces(ctx)
    state = ctx.path("hoststate")
    conf = ctx.path("guest.conf")
    with open(conf, "w") as f:
        f.write(f"tap tapg ip=10.77.1.1/32 user={UID} guest=10.77.1.50\n")
    before = _host_snapshot(host)
    umlnet_in_ns(host, state, "host-up", conf)
    check(f"user {UID}" in host.sh("ip -d link show tapg").stdout, "tapg owner")
    check("10.77.1.50 dev tapg" in host.sh("ip route").stdout, "no host route to the guest")
    check("10.77.1.50 dev vh proxy" in host.sh("ip neigh show proxy").stdout,
          "no proxy entry on vh")
    check(host.sh("cat /proc/sys/net/ipv4/ip_forward").stdout.strip() == "1", "ip_forward")
    g = hn.ns_guest(ctx, "hg", ["tuntap,tapg"], host, uid=UID, gid=UID,
                    mounts=hn.tun_node(ctx, UID)).wait_ready()
    g.ok("ip addr add 10.77.1.50/24 dev eth0 && ip link set eth0 up")
    out = g.ok("ping -c 2 -i 0.3 -W 3 10.77.1.1; ping -c 2 -i 0.3 -W 3 10.77.1.2", timeout=30)
    check(out.count(" 0% packet loss") == 2, f"guest could not reach host and lan:\n{out}")
    out = lan.sh("ping -c 2 -i 0.3 -W 3 10.77.1.50", check_rc=False).stdout
    check(hn.ping_ok(out), f"the lan could not reach the guest:\n{out}")
    g.stop()
    umlnet_in_ns(host, state, "host-down", conf)
    after = _host_snapshot(host)
    check(after == before, f"host-down left changes:\nbefore {before}\nafter {after}")


def test_umlnet_host_runs_no_program(ctx):
    """host-up and host-down execute nothing: with PATH an empty directory they still work,
    and strace sees no execve but umlnet's own."""
    need_root()
    ns = ctx.netns("noexec")
    state = ctx.path("hoststate")
    conf = ctx.path("host.conf")
    with open(conf, "w") as f:
        f.write(HOST_CONF.replace("brk", "brx"))
    empty = ctx.path("empty-bin")
    os.makedirs(empty, exist_ok=True)
    for cmd in ("host-up", "host-down"):
        r = umlnet_in_ns(ns, state, cmd, conf, env={"PATH": empty})
        check("tap0" in ns.sh("ip -br link").stdout or cmd == "host-down",
              f"{cmd} with an empty PATH:\n{r.stdout}{r.stderr}")
    if not shutil.which("strace"):
        return
    log = ctx.path("strace.log")
    for cmd in ("host-up", "host-down"):
        in_ns(ns, "strace", "-f", "-qq", "-e", "trace=execve,execveat", "-o", log,
              program("umlnet"), "-s", state, cmd, conf)
        with open(log) as f:
            calls = [line for line in f if "exec" in line]
        check(len(calls) == 1 and program("umlnet") in calls[0],
              f"{cmd} executed programs:\n{''.join(calls)}")
    check("tap0" not in ns.sh("ip -br link").stdout, "tap0 left behind")


def test_umlnet_switch_tap_uplink(ctx):
    """A guest reaches a host tap (made by host-up) through a switch with tap=."""
    need_root()
    ns = ctx.netns("up")
    net = Net(ctx, "uplink", "tap tap0 ip=10.6.0.254/24\n"
                             "switch sw0 tap=tap0\n"
                             "guest a mem=48M\n"
                             "    eth0 sw0 ip=10.6.0.1/24\n")
    hoststate = ctx.path("hoststate")
    umlnet_in_ns(ns, hoststate, "host-up", net.conf)
    in_ns(ns, program("umlnet"), "-s", net.state, "up", net.conf)
    try:
        r = in_ns(ns, program("umlnet"), "-s", net.state, "exec", "a",
                  "ping -c 2 -i 0.2 -W 2 10.6.0.254")
        check(" 0% packet loss" in r.stdout, f"guest -> host tap:\n{r.stdout}")
        out = ns.sh("ping -c 2 -i 0.2 -W 2 10.6.0.1").stdout
        check(" 0% packet loss" in out, f"host tap -> guest:\n{out}")
    finally:
        in_ns(ns, program("umlnet"), "-s", net.state, "down", ok=False)
        net.down_done = True
        umlnet_in_ns(ns, hoststate, "host-down", net.conf, ok=False)
    check_gone(net)
    check("tap0" not in ns.sh("ip -br link").stdout, "tap0 left behind")


def test_umlnet_netns_guest(ctx):
    """A namespace guest (umlnet-plug) and a UML guest on one switch."""
    need_root()
    program("umlnet-plug")
    nsname = f"umlnet-{ctx.id}-pg"
    net = Net(ctx, "nsg", f"switch sw0\n"
                          f"guest a mem=48M\n"
                          f"    eth0 sw0 ip=10.5.0.1/24\n"
                          f"netns {nsname}\n"
                          f"    eth0 sw0 ip=10.5.0.2/24\n")
    try:
        net.up()
        r = net.exec("a", "ping -c 2 -i 0.2 -W 2 10.5.0.2")
        check(" 0% packet loss" in r.stdout, f"UML guest -> namespace:\n{r.stdout}")
        r = subprocess.run(["ip", "netns", "exec", nsname, "ping", "-c", "2", "-i", "0.2",
                            "-W", "2", "10.5.0.1"], capture_output=True, text=True, timeout=30)
        check(" 0% packet loss" in r.stdout, f"namespace -> UML guest:\n{r.stdout}")
        text = net.umlnet("status").stdout
        check(f"plug:{nsname}" in text and "netns" in text, f"status:\n{text}")
        net.down()
        check_gone(net)
        names = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        check(nsname not in names, "the namespace umlnet made is still there after down")
    finally:
        subprocess.run(["ip", "netns", "del", nsname], capture_output=True)
