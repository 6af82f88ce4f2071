"""uml_net against a hostile caller: someone who runs the helper by hand, controls its argv,
fds and signal state, kills its relay, and sends its own address-change messages. Each test
names the attack and checks the host state that must (not) result. Everything happens inside
the test's own network namespaces; setuid tests use a root-owned setuid copy and show the policy
at /etc/umlnet/uml_net.conf only inside a private mount namespace."""

import os
import signal
import socket
import struct
import subprocess
import time

from umlnet_harness import Skip, check, program, wait_for
import hostnet_helpers as hn

UID = 1234


def _policy_run(ctx, ns, policy_text):
    """argv prefix: root runs our uml_net in ns with a policy file (--policy)."""
    return ["ip", "netns", "exec", ns.name, program("uml_net"), "--policy",
            hn.policy_file(ctx, policy_text)]


def _user_run(ctx, ns, policy_text, uid=UID):
    """argv prefix: uid runs a setuid-root copy in ns, the policy at its real path (overlay)."""
    d = hn.helper_dir(ctx, "suid", program("uml_net"), setuid=True)
    mounts = " && ".join(hn.etc_overlay(ctx, policy_text))
    inner = (f"{mounts} && exec ip netns exec {ns.name} setpriv --reuid={uid} --regid={uid} "
             f'--clear-groups {d}/uml_net "$@"')
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", inner, "sh"]


def _record(sock):
    n = struct.unpack("=i", sock.recv(4, socket.MSG_WAITALL))[0]
    return sock.recv(n, socket.MSG_WAITALL).rstrip(b"\0").decode(errors="replace")


def _reap(p, timeout=10):
    """Lets a gdb session that holds a race window open finish, or ends it; returns the end of
    what gdb printed, for a failure message."""
    try:
        p.wait(timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait(5)
    return p.stdout.read().decode(errors="replace")[-1500:]


def _under_gdb(ns, commands, pass_fds):
    """Starts root's uml_net in ns under gdb, which runs `commands` (one -ex each) and holds a
    race window open at its breakpoints. gdb starts the program through $SHELL, which is what
    makes `run ... 1>&N` work; bash, because dash refuses a descriptor above 9 in a redirection
    and the test's sockets are numbered higher when the caller (CI) hands us open descriptors."""
    argv = ["ip", "netns", "exec", ns.name, "gdb", "-q", "-batch", "-nx"]
    for command in commands:
        argv += ["-ex", command]
    argv += ["--args", program("uml_net")]
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, pass_fds=pass_fds,
                            env=dict(os.environ, SHELL="/bin/bash"))


def _add_under_gdb(ns, pol, dev, breaks, after_run):
    """Root's `uml_net add <dev> 10.77.1.60` in ns under gdb, stopping at breaks; after_run are
    the gdb commands that hold the race window open. Returns (the helper's answer, gdb's
    output)."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    cfd = theirs.fileno()
    p = _under_gdb(ns, [f"break {b}" for b in breaks] +
                   [f"run --policy {pol} 4 add {dev} 10.77.1.60 255.255.255.0 1>&{cfd}"] +
                   list(after_run), [cfd])
    theirs.close()
    try:
        ours.settimeout(30)
        try:
            text = _record(ours)
        except (socket.timeout, struct.error):
            text = ""
        return text, _reap(p)
    finally:
        ours.close()
        _reap(p)


def _call_on_line(argv, line):
    """Runs a slip request with stdin = line; returns (exit status, text). stderr is not piped:
    a relay that (wrongly or rightly) starts keeps fd 2 for as long as it lives."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    with theirs:
        p = subprocess.Popen(argv, stdin=line, stdout=theirs, stderr=subprocess.DEVNULL)
    ours.settimeout(10)
    try:
        text = _record(ours)
    except (socket.timeout, struct.error):
        text = ""
    ours.close()
    return p.wait(10), text


def _change(sock, what, addr, mask="255.255.255.0"):
    """One 12-byte ethertap address change, as the UML kernel sends it; returns the answer."""
    sock.sendall(struct.pack("=i4s4s", what, socket.inet_aton(addr), socket.inet_aton(mask)))
    return _record(sock)


class Ethertap:
    """`uml_net 4 ethertap <dev> <fd> [<gate>]` run by hand: we hold the kernel's ends."""

    def __init__(self, argv_prefix, dev, gate=None, preexec_fn=None):
        self.ctl, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.data, data_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        argv = argv_prefix + ["4", "ethertap", dev, str(data_theirs.fileno())]
        argv += [gate] if gate else []
        self.p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=theirs,
                                  stderr=subprocess.PIPE, pass_fds=[data_theirs.fileno()],
                                  preexec_fn=preexec_fn)
        theirs.close()
        data_theirs.close()
        self.ctl.settimeout(10)
        self.status = self.ctl.recv(1)
        self.text = _record(self.ctl)

    def relay_pid(self):
        kids = []
        wait_for(lambda: kids.extend(_children(self.p.pid)) or kids, 5, "the relay process")
        return kids[0]

    def close(self, timeout=5):
        """Closes the control socket as the kernel does at ifconfig down; returns the exit
        status, or None if the helper did not exit in time (it is then killed)."""
        self.ctl.close()
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        finally:
            self.kill()

    def kill(self):
        if self.p.poll() is None:
            for pid in _children(self.p.pid):
                _kill(pid)
            self.p.kill()
            self.p.wait(5)
        self.data.close()


def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def test_ethertap_relay_killed_name_reused_not_configured(ctx):
    """The relay runs as the caller, who may kill it. The root monitor must not then configure
    whatever device takes the name next (here a veth): changes stay on the TAP it made."""
    ns = ctx.netns("etap")
    et = Ethertap(_policy_run(ctx, ns, "user 0 ethertap,add 10.77.1.0/24\n"), "tap5",
                 gate="10.77.1.1")
    try:
        check(et.status == b"\x01", f"ethertap did not start: {et.text!r}")
        _kill(et.relay_pid())
        time.sleep(0.3)
        ns.sh("ip link add tap5 type veth peer name tap5p", check_rc=False)
        answer = _change(et.ctl, 0, "10.77.1.60")
        link = ns.sh("ip -d link show tap5", check_rc=False).stdout
        routes = ns.sh("ip route show 10.77.1.60").stdout
        check(not ("10.77.1.60" in routes and "veth" in link),
              f"a change was applied to another device named tap5:\n{link}\n{routes}\n{answer}")
        check("tun type tap" in link and "10.77.1.60 dev tap5" in routes,
              f"the change did not land on the relay's TAP:\n{link}\n{routes}\n{answer}")
        check(et.close() == 0, "the monitor did not end with the control socket")
    finally:
        et.kill()


def test_ethertap_claims_released_at_close(ctx):
    """A guest's proxy-ARP entries on the LAN side must not outlive the ethertap session (the
    route goes with the TAP, the neighbour proxies on other interfaces do not)."""
    ns = ctx.netns("etap")
    ns.sh("ip link add lan0 type veth peer name lan1 && ip addr add 10.77.1.2/24 dev lan0 && "
          "ip link set lan0 up && ip link set lan1 up")
    et = Ethertap(_policy_run(ctx, ns, "user 0 ethertap,add 10.77.1.0/24\n"), "tap5",
                 gate="10.77.1.1")
    try:
        check(et.status == b"\x01", f"ethertap did not start: {et.text!r}")
        answer = _change(et.ctl, 0, "10.77.1.60")
        check("10.77.1.60 dev lan0" in ns.sh("ip neigh show proxy").stdout,
              f"no proxy entry after the add: {answer!r}")
        check(et.close() == 0, "the monitor did not end with the control socket")
        proxy = ns.sh("ip neigh show proxy").stdout
        check("10.77.1.60" not in proxy, f"a proxy-ARP entry outlived the session:\n{proxy}")
    finally:
        et.kill()


def test_ethertap_inherited_blocked_sigterm_does_not_hang(ctx):
    """Signal mask and dispositions are inherited across exec: a caller that blocks SIGTERM
    must not get a root monitor that waits forever for an unkillable relay."""
    ns = ctx.netns("etap")

    def block():
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})

    et = Ethertap(_policy_run(ctx, ns, "user 0 ethertap 10.77.1.0/24\n"), "tap5",
                  preexec_fn=block)
    try:
        check(et.status == b"\x01", f"ethertap did not start: {et.text!r}")
        check(et.close() == 0, "the helper hung after its control socket closed")
        check("tap5" not in ns.sh("ip -o link").stdout, "tap5 outlived the session")
    finally:
        et.kill()


def test_ethertap_data_fd_must_be_unix_datagram(ctx):
    """The data fd is named by number in argv: anything but an AF_UNIX datagram socket (here
    a UDP socket) is refused before a TAP is made."""
    ns = ctx.netns("etap")
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    fd = udp.fileno()
    with udp:
        rc, text = hn.call_helper(_policy_run(ctx, ns, "user 0 ethertap 10.77.1.0/24\n") +
                                  ["4", "ethertap", "tap5", str(fd)], pass_fds=[fd])
    check(rc == 1 and f"refused: data fd {fd} is not a unix datagram socket" in text,
          f"{rc} {text!r}")
    check("tap5" not in ns.sh("ip -o link").stdout, "a TAP was made anyway")


def test_claims_per_device_bounded(ctx):
    """Each claim costs the host a route and proxy entries: one device gets at most 32."""
    ns = ctx.netns("many")
    ns.sh(f"{program('tunctl')} -b -t t0 && ip link set t0 up")
    run = _policy_run(ctx, ns, "user 0 add 10.77.0.0/16\n")
    for i in range(1, 33):
        rc, text = hn.call_helper(run + ["4", "add", "t0", f"10.77.2.{i}", "255.255.255.0"])
        check(rc == 0, f"claim {i} refused: {text!r}")
    rc, text = hn.call_helper(run + ["4", "add", "t0", "10.77.2.33", "255.255.255.0"])
    check(rc == 1 and "refused: t0 already routes 32 guest addresses" in text,
          f"the 33rd claim: {rc} {text!r}")
    check("10.77.2.33" not in ns.sh("ip route").stdout, "the 33rd claim was routed anyway")
    # Re-claiming one it has is fine; releasing one makes room again.
    rc, text = hn.call_helper(run + ["4", "add", "t0", "10.77.2.5", "255.255.255.0"])
    check(rc == 0, f"re-claiming an address of its own: {rc} {text!r}")
    rc, text = hn.call_helper(run + ["4", "del", "t0", "10.77.2.5", "255.255.255.0"])
    rc, text = hn.call_helper(run + ["4", "add", "t0", "10.77.2.33", "255.255.255.0"])
    check(rc == 0, f"a claim after a release: {rc} {text!r}")


def test_non_unicast_refused_even_with_any(ctx):
    """`any` in the policy never covers loopback, multicast, broadcast or 0.0.0.0: a host route
    for 224.0.0.251 or 127.0.0.2 through a guest's TAP would hijack host services."""
    ns = ctx.netns("mc")
    ns.sh(f"{program('tunctl')} -b -t t0 && ip link set t0 up")
    run = _policy_run(ctx, ns, "user 0 all any\n")
    for addr in ("224.0.0.251", "127.0.0.2", "255.255.255.255", "0.0.0.0"):
        rc, text = hn.call_helper(run + ["4", "add", "t0", addr, "255.255.255.255"])
        check(rc == 1 and f"refused: {addr} is not a unicast host address" in text,
              f"add {addr}: {rc} {text!r}")
    rc, text = hn.call_helper(run + ["4", "tuntap", "up", "127.0.0.1"], datagram=True)
    check(rc == 1 and "refused: 127.0.0.1 is not a unicast host address" in text,
          f"tuntap up 127.0.0.1: {rc} {text!r}")
    routes = ns.sh("ip route show table all dev t0").stdout
    check("224.0.0.251" not in routes and "127.0.0.2" not in routes, f"routed anyway:\n{routes}")
    check("tap" not in ns.sh("ip -o link").stdout, "a tap was left behind")


def test_gate_routed_elsewhere_refused(ctx):
    """A tuntap gate that the host routes to another device (another guest's address) would
    take that address over on the host: refused, and no TAP is made."""
    ns = ctx.netns("gate")
    ns.sh("ip link add d0 type veth peer name d1 && ip link set d0 up && ip link set d1 up && "
          "ip route add 10.77.1.70 dev d0")
    run = _policy_run(ctx, ns, "user 0 tuntap 10.77.1.0/24\n")
    rc, text = hn.call_helper(run + ["4", "tuntap", "up", "10.77.1.70"], datagram=True)
    check(rc == 1 and "refused: gate 10.77.1.70 is already routed through d0" in text,
          f"{rc} {text!r}")
    check("tap" not in ns.sh("ip -o link").stdout, "a tap was left behind")
    rc, text = hn.call_helper(run + ["4", "tuntap", "up", "10.77.1.71"], datagram=True)
    check(rc == 0, f"a free gate was refused: {rc} {text!r}")


def test_lan_neighbour_address_refused(ctx):
    """Security: an address inside the policy range that a machine on the host's network
    already has (the lan's 10.77.1.2: a LAN router, say) is refused as a claim and as a gate;
    the probe leaves no neighbour entry behind for a free address, which is then claimed."""
    host, lan = hn.two_namespaces(ctx)
    host.sh(f"{program('tunctl')} -b -t t0 && ip link set t0 up")
    run = _policy_run(ctx, host, "user 0 all 10.77.1.0/24\n")
    rc, text = hn.call_helper(run + ["4", "add", "t0", "10.77.1.2", "255.255.255.0"])
    check(rc == 1 and "refused: 10.77.1.2 is in use on vh (a neighbour answers ARP for it)"
          in text, f"add of the lan's address: {rc} {text!r}")
    rc, text = hn.call_helper(run + ["4", "tuntap", "up", "10.77.1.2"], datagram=True)
    check(rc == 1 and "refused: 10.77.1.2 is in use on vh" in text,
          f"the lan's address as a gate: {rc} {text!r}")
    check("10.77.1.2 dev t0" not in host.sh("ip route").stdout and
          "10.77.1.2" not in host.sh("ip neigh show proxy").stdout, "claimed anyway")
    check("tap" not in host.sh("ip -o link").stdout, "a tap was left behind")
    t = time.monotonic()
    rc, text = hn.call_helper(run + ["4", "add", "t0", "10.77.1.50", "255.255.255.0"])
    took = time.monotonic() - t
    check(rc == 0 and "10.77.1.50 dev t0" in host.sh("ip route").stdout, f"{rc} {text!r}")
    check(took < 3, f"a free claim took {took:.1f} s")
    check("10.77.1.50" not in host.sh("ip neigh show dev vh").stdout,
          f"the probe left an entry:\n{host.sh('ip neigh show dev vh').stdout}")


def test_claim_route_is_exclusive(ctx):
    """Security: between uml_net's route check and its route add, another route to the claimed
    address appears (gdb holds the window open): the add is exclusive, so that route is left
    as it is and the claim refused (before, NLM_F_REPLACE took the route over)."""
    if not os.path.exists("/usr/bin/gdb"):
        raise Skip("gdb is not installed")
    ns = ctx.netns("excl")
    ns.sh(f"{program('tunctl')} -b -t t0 && ip link set t0 up && "
          "ip link add d0 type veth peer name d1 && ip link set d0 up && ip link set d1 up")
    pol = hn.policy_file(ctx, "user 0 add 10.77.1.0/24\n")
    text, gdb = _add_under_gdb(ns, pol, "t0", ["nl_route_host"],
                               ["shell ip route add 10.77.1.60/32 dev d0", "continue"])
    routes = ns.sh("ip route show 10.77.1.60").stdout
    check("dev d0" in routes and "dev t0" not in routes,
          f"the route that appeared was replaced:\n{routes}\n{text}\ngdb: {gdb}")
    check("refused: 10.77.1.60 was routed meanwhile" in text, f"{text!r}\ngdb: {gdb}")
    check("10.77.1.60" not in ns.sh("ip neigh show proxy").stdout, "proxied anyway")


def _setuid_ready():
    if os.path.exists("/etc/umlnet/uml_net.conf"):
        raise Skip("this host has a real /etc/umlnet/uml_net.conf")


def test_user_add_only_on_own_tap(ctx):
    """add/del by a user: only on a TUN/TAP device that user owns (checked and then used by
    ifindex through one sysfs directory); another uid's TAP and non-TAP devices are refused."""
    _setuid_ready()
    ns = ctx.netns("own")
    tunctl = program("tunctl")
    ns.sh(f"{tunctl} -b -u {UID} -t mine && {tunctl} -b -u {UID + 1} -t theirs && "
          "ip link add d0 type veth peer name d1 && ip link set mine up && ip link set theirs up")
    run = _user_run(ctx, ns, f"user {UID} add 10.77.1.0/24\n")
    for dev, want in (("theirs", f"refused: theirs does not belong to uid {UID}"),
                      ("d0", "refused: d0 is not a TUN/TAP device"),
                      ("nosuch", "refused: no device nosuch on the host")):
        rc, text = hn.call_helper(run + ["4", "add", dev, "10.77.1.60", "255.255.255.0"])
        check(rc == 1 and want in text, f"add on {dev}: {rc} {text!r}")
    check("10.77.1.60" not in ns.sh("ip route").stdout, "a refused claim was routed")
    rc, text = hn.call_helper(run + ["4", "add", "mine", "10.77.1.60", "255.255.255.0"])
    check(rc == 0 and "10.77.1.60 dev mine" in ns.sh("ip route").stdout,
          f"add on the caller's own tap: {rc} {text!r}")
    check("1" == ns.sh("cat /proc/sys/net/ipv4/conf/mine/proxy_arp").stdout.strip(),
          "proxy_arp was not enabled on the caller's tap")
    rc, text = hn.call_helper(run + ["4", "del", "mine", "10.77.1.60", "255.255.255.0"])
    check(rc == 0 and "10.77.1.60" not in ns.sh("ip route").stdout, f"del: {rc} {text!r}")


def test_user_slip_needs_own_pty(ctx):
    """slip up/down run root's ioctls on fd 0: only a pty slave of the caller's is accepted
    (what the UML opens on /dev/ptmx), not a tty that root or another user holds."""
    _setuid_ready()
    ns = ctx.netns("slip")
    run = _user_run(ctx, ns, f"user {UID} slip 10.77.1.0/24\n")
    master, slave = os.openpty()  # the slave belongs to root
    try:
        rc, text = _call_on_line(run + ["4", "slip", "up", "10.77.1.1"], slave)
        check(rc == 1 and f"refused: stdin is not a pty slave of uid {UID}" in text,
              f"slip up on root's pty: {rc} {text!r}")
        rc, text = _call_on_line(run + ["4", "slip", "down"], slave)
        check(rc == 1 and f"refused: stdin is not a pty slave of uid {UID}" in text,
              f"slip down on root's pty: {rc} {text!r}")
        check("sl" not in ns.sh("ip -o link").stdout, "a SLIP interface was made anyway")
        os.fchown(slave, UID, UID)
        rc, text = _call_on_line(run + ["4", "slip", "up", "10.77.1.1"], slave)
        check(rc == 0 and "sl0" in ns.sh("ip -o link").stdout,
              f"slip up on the caller's own pty: {rc} {text!r}")
    finally:
        os.close(slave)
        os.close(master)  # hangs the line up: the relay ends
    wait_for(lambda: "sl0" not in ns.sh("ip -o link").stdout, 5, "the SLIP relay to end")


def test_tuntap_never_takes_over_existing_device(ctx):
    """TOCTOU on the ethertap name: a persistent TAP of another uid created between the name
    check and TUNSETIFF must be neither attached to nor re-owned (IFF_TUN_EXCL). The window is
    held open with gdb, with root running the helper."""
    if not os.path.exists("/usr/bin/gdb"):
        raise Skip("gdb is not installed")
    ns = ctx.netns("race")
    pol = hn.policy_file(ctx, "user 0 ethertap 10.77.1.0/24\n")
    ctl, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    data, data_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    fd, cfd = data_theirs.fileno(), theirs.fileno()
    # gdb talks on a pipe; its shell starts the helper with fd 1 = the control socket.
    p = _under_gdb(ns, ["break un_tun_create",
                        f"run --policy {pol} 4 ethertap tap5 {fd} 1>&{cfd}",
                        f"shell {program('tunctl')} -b -u 4321 -t tap5 >/dev/null",
                        "continue"], [fd, cfd])
    theirs.close()
    data_theirs.close()
    try:
        ctl.settimeout(30)
        try:
            status = ctl.recv(1)
            text = _record(ctl)
        except (socket.timeout, struct.error):
            status, text = b"", ""
        gdb = _reap(p)
        link = ns.sh("ip -d link show tap5", check_rc=False).stdout
        check("user 4321" in link, f"another uid's persistent TAP was re-owned:\n{link}\n{text}")
        check(status == b"\x00" and "refused: tap5 already exists on the host" in text,
              f"the helper attached to an existing device: {status!r} {text!r}\ngdb: {gdb}")
    finally:
        ctl.close()
        data.close()
        _reap(p)


def test_add_owner_check_and_netlink_see_one_device(ctx):
    """TOCTOU between the sysfs owner check and the netlink calls: the name passes from another
    uid's TAP to the caller's own between the two. The route must never go to the other uid's
    device (here: the check saw it, so the claim is refused). gdb holds the window open and plays the caller uid 1234
    (the setuid bit does not survive ptrace, so root runs it and gdb rewrites who called)."""
    if not os.path.exists("/usr/bin/gdb"):
        raise Skip("gdb is not installed")
    ns = ctx.netns("swap")
    tunctl = program("tunctl")
    ns.sh(f"{tunctl} -b -u {UID} -t mine && {tunctl} -b -u 4321 -t x")
    pol = hn.policy_file(ctx, f"user {UID} add 10.77.1.0/24\n")
    swap = "ip link set x name x2 && ip link set mine name x && ip link set x up && " \
           "ip link set x2 up"
    text, gdb = _add_under_gdb(ns, pol, "x", ["un_load_policy", "un_allowed"],
                               [f"set var un->who.uid = {UID}", "set var un->root = 0",
                                "continue", f"shell {swap}", "continue"])
    routes = ns.sh("ip route show 10.77.1.60").stdout
    links = ns.sh("ip -o link show").stdout
    check("x2" in links, f"the swap did not happen:\n{links}\n{text}")
    check("dev x2" not in routes, f"uid {UID} routed an address through uid 4321's TAP:\n"
          f"{routes}\n{text}")
    # Checked before the swap, the name was uid 4321's: refused, and nothing routed.
    check(f"refused: x does not belong to uid {UID}" in text and not routes.strip(),
          f"want a refusal and no route:\n{routes}\n{text}\ngdb: {gdb}")


def test_tunctl_refuses_setuid(ctx):
    """tunctl is not a setuid program (any user could make persistent devices, re-own them and
    route through them, and -f opens any path read-write as root); installed setuid by mistake
    it refuses to run for anyone but root."""
    d = ctx.path("suid-tunctl")
    os.makedirs(d)
    os.chmod(d, 0o755)
    target = os.path.join(d, "tunctl")
    with open(program("tunctl"), "rb") as src, open(target, "wb") as dst:
        dst.write(src.read())
    os.chmod(target, 0o4755)
    ns = ctx.netns("tunctl")
    r = hn.run(["ip", "netns", "exec", ns.name, "setpriv", f"--reuid={UID}", f"--regid={UID}",
                "--clear-groups", target, "-u", str(UID), "-t", "evil0"])
    check(r.returncode == 1 and "tunctl: refusing to run set-user-ID" in r.stderr,
          f"setuid tunctl ran for uid {UID}: {r.returncode} {r.stdout!r} {r.stderr!r}")
    check("evil0" not in ns.sh("ip -o link").stdout, "a device was made anyway")
