"""uml_switch's resource limits against an unprivileged user trying to exhaust them: a MAC
flood never turns into unicast flooding, idle management and half-open control connections
of one user never lock out another, one user's ports are capped and queued frames stay within
the backlog budget. The attacker runs as `nobody` (setpriv); the switch, as root, opens its
sockets to it with -mode 0666."""

import json
import os
import random
import socket
import subprocess
import sys
import threading
import time

from daemon_client import DaemonClient, frame
from transport_helpers import mcast_ns
from umlnet_harness import Skip, check, wait_for

A, B, F = "02:00:00:00:0a:01", "02:00:00:00:0b:02", "02:00:00:00:0f:0f"
W = "02:00:00:00:0c:03"
BCAST = "ff:ff:ff:ff:ff:ff"
HARNESS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness")

# What the unprivileged user runs: opens `count` connections of a kind and holds them until
# its stdin closes. It prints "ready <opened> <refused>" once they are all tried. Kinds: "port"
# (registered daemon-protocol clients that never read), "conn" (stream connections that never
# send a request), "bess" (SOCK_SEQPACKET connections), "flood" (like conn, and reconnects every
# one the switch closes, as an attacker keeping the switch busy would). Each line on its stdin
# is answered with how many of its connections the switch has closed.
HOLDER = r"""
import select, socket, sys
sys.path.insert(0, sys.argv[1])
from daemon_client import DaemonClient
kind, path, count = sys.argv[2], sys.argv[3], int(sys.argv[4])

def open_one():
    if kind == "port":
        return DaemonClient(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET if kind == "bess" else socket.SOCK_STREAM)
    s.connect(path)  # blocking: waits for room in the listen queue
    return s

def closed_by_switch(s):
    s.setblocking(False)
    try:
        return s.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True

held, refused = [], 0
for i in range(count):
    try:
        held.append(open_one())
    except (OSError, ConnectionError):
        refused += 1
print("ready", len(held), refused, flush=True)
while True:
    ready, _, _ = select.select([sys.stdin], [], [], 0.2)
    if ready:
        if not sys.stdin.readline():
            break
        print("closed", sum(closed_by_switch(s) for s in held), flush=True)
    if kind == "flood":
        for i, s in enumerate(held):
            if closed_by_switch(s):
                s.close()
                try:
                    held[i] = open_one()
                except OSError:
                    pass
"""


# Run inside the switch's namespace (its clients' data sockets are abstract, so they live there):
# guest-like clients A and C on the switch, and the far side of its mcast trunk, which sends
# frames with A's address as source. Prints what each client received, as JSON.
TRUNK_CLIENTS = r"""
import json, socket, sys, time
sys.path.insert(0, sys.argv[1])
from daemon_client import DaemonClient, frame
ctl, group, port, A, C, BCAST = sys.argv[2], sys.argv[3], int(sys.argv[4]), *sys.argv[5:8]

def count(client, payload):
    return sum(f.endswith(payload) for f in client.recv_all(0.5))

a, c = DaemonClient(ctl), DaemonClient(ctl)
c.send(frame(BCAST, C))        # C is learned (and its frames go out on the trunk)
time.sleep(0.2)
a.send(frame(C, A, b"hello"))  # A is learned; only C gets it, so the trunk never saw A
time.sleep(0.3)
a.recv_all(0.2)
c.recv_all(0.2)
far = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(2):
    far.sendto(frame(BCAST, A, b"from the trunk"), (group, port))
time.sleep(0.3)
out = {"trunk_frames_at_c": count(c, b"from the trunk")}
c.send(frame(A, C, b"for A"))
out["a_got"] = count(a, b"for A")
a2 = DaemonClient(ctl)         # A again, reconnected: a new local port
a2.send(frame(C, A, b"moved"))
time.sleep(0.3)
c.recv_all(0.2)
c.send(frame(A, C, b"for A2"))
out["a2_got"] = count(a2, b"for A2")
print(json.dumps(out), flush=True)
"""


class Holder:
    """`count` connections of `kind` (see HOLDER) held by user nobody."""

    def __init__(self, kind, path, count):
        if os.geteuid() != 0:
            raise Skip("needs root to act as user nobody")
        self.p = subprocess.Popen(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                   sys.executable, "-c", HOLDER, HARNESS, kind, path, str(count)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        words = self.p.stdout.readline().split()
        check(words[:1] == ["ready"], f"holder did not start: {words}")
        self.opened, self.refused = int(words[1]), int(words[2])

    def closed(self):
        self.p.stdin.write("?\n")
        self.p.stdin.flush()
        return int(self.p.stdout.readline().split()[1])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.p.stdin.close()
        self.p.wait(10)


def switch(ctx, *args):
    return ctx.switch(args=["-mode", "0666"] + list(args))


def status(sw):
    return json.loads(sw.ctl_cmd("-j", "status"))


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def uid_refusals(sw, what):
    return [line for line in sw.output().splitlines() if f"refused a {what}" in line]


def test_mac_flood_never_leaks_unicast(ctx):
    sw = switch(ctx)
    flooder = DaemonClient(sw.ctl)
    flooder.send(frame(BCAST, F))  # its own address first: the flood is sent to it (filtered)
    leaked, stop = [], threading.Event()

    def watch():
        while not stop.is_set():
            f = flooder.recv(0.2)
            if f and f[:6] in (bytes.fromhex(A.replace(":", "")), bytes.fromhex(B.replace(":", ""))):
                leaked.append(f)

    def flood(n):
        rnd = random.Random(1)
        for _ in range(n):
            src = bytes([0x02]) + rnd.randbytes(5)
            flooder.send(frame(F, src))

    watcher = threading.Thread(target=watch)
    watcher.start()
    flood(20000)  # well past the table's 4096 entries
    more = threading.Thread(target=flood, args=(80000,))
    more.start()
    a, b = DaemonClient(sw.ctl), DaemonClient(sw.ctl)
    a.send(frame(BCAST, A))
    b.send(frame(BCAST, B))
    delivered = 0
    for i in range(50):
        src, dst, rx = (a, b, B) if i % 2 else (b, a, A)
        payload = b"private %d" % i
        src.send(frame(rx, A if src is a else B, payload))
        deadline = time.time() + 2
        while time.time() < deadline:
            got = dst.recv(0.5)
            if got and got.endswith(payload):
                delivered += 1
                break
    more.join()
    time.sleep(0.5)
    stop.set()
    watcher.join()
    st = status(sw)
    check(not leaked, f"the flooder received {len(leaked)} unicast frames of others, e.g. {leaked[:1]}")
    check(delivered == 50, f"only {delivered} of 50 unicast frames arrived")
    check(st["mac_port_full"] > 0 and st["macs"] <= st["max_macs"], f"status: {st}")
    log = sw.output()
    check(log.count("new source addresses are not learned") == 1, f"not logged once:\n{log[-2000:]}")


def test_idle_management_connections_do_not_lock_out_others(ctx):
    sw = switch(ctx)
    with Holder("conn", sw.ctl + ".mgmt", 40) as held:
        out = json.loads(sw.ctl_cmd("-j", "show"))  # root, while nobody holds what it can
        st = out["switch"]
        check(st["mgmt_conns"] == 8 + 1 or st["mgmt_conns"] == 8, f"status: {st}")
        check(st["refused_mgmt"] == 32, f"refused_mgmt: {st['refused_mgmt']}")
        check(held.opened == 40, f"nobody's connects: {held.opened} (the kernel accepts them)")
        check(len(uid_refusals(sw, "management connection")) == 1, "refusals not logged once")


def test_idle_management_connections_time_out(ctx):
    sw = switch(ctx, "-limit", "mgmt-idle=2")
    with Holder("conn", sw.ctl + ".mgmt", 4) as held:
        check(held.closed() == 0, "closed at once")
        wait_for(lambda: held.closed() == 4, 8, "idle management connections to be closed")
        check(status(sw)["mgmt_idle_closed"] == 4, f"status: {status(sw)}")


def test_half_open_control_connections_do_not_lock_out_others(ctx):
    sw = switch(ctx)
    with Holder("conn", sw.ctl, 300) as held:
        check(held.opened == 300, f"nobody's connects: {held.opened} (the kernel accepts them)")
        client = DaemonClient(sw.ctl)  # root registers while nobody holds 300 half-open
        client.send(frame(BCAST, A))
        st = status(sw)
        check(st["ports"] == 1, f"status: {st}")
        check(st["pending"] == 16 and st["refused_pending"] == 284, f"status: {st}")
        check(len(uid_refusals(sw, "pending control connection")) == 1, "refusals not logged once")


def test_classic_accepts_a_client_during_a_half_open_flood(ctx):
    """The behaviour we must keep: the classic switch serves connections one at a time and
    never refuses a well-formed client for others' half-open ones."""
    if not os.access("/usr/bin/uml_switch", os.X_OK):
        raise Skip("the classic uml_switch is not installed")
    classic = ctx.switch("classic", binary="/usr/bin/uml_switch")
    os.chmod(classic.ctl, 0o666)  # the classic has no -mode
    with Holder("conn", classic.ctl, 300) as held:
        check(held.opened == 300, f"nobody's connects: {held.opened}")
        DaemonClient(classic.ctl).send(frame(BCAST, A))


def test_ports_per_user_and_backlog_budget(ctx):
    """One user's 256 ports that never read fill the backlog pool up to their fair share; a
    guest-like client that joins afterwards and is only momentarily full still has a burst to
    it held (with no fair share it found the pool empty and got only what its socket holds)."""
    sw = switch(ctx)
    with Holder("port", sw.ctl, 300) as held:
        check(held.opened == 256 and held.refused == 44, f"nobody got {held.opened} ports")
        before = rss_kb(sw.pid)
        sender = DaemonClient(sw.ctl)  # another user still gets a port
        for i in range(200):  # to 256 peers that never read: their backlogs fill
            sender.send(frame(BCAST, A, bytes(1486)))
        time.sleep(1)
        grown = rss_kb(sw.pid) - before
        w = DaemonClient(sw.ctl)
        w.send(frame(BCAST, W))
        time.sleep(0.3)
        for i in range(30):  # more than its socket holds (10), less than its share of the pool
            sender.send(frame(W, A, b"burst %d" % i))
        time.sleep(0.5)
        burst = [f for f in w.recv_all(0.5) if b"burst" in f]
        st = status(sw)
        check(len(burst) == 30, f"the momentarily full client got {len(burst)} of 30 frames")
        check(st["ports"] == 258 and st["refused_ports"] == 44, f"status: {st}")
        check(st["drop_share"] > 0 and st["drop_budget"] == 0, f"status: {st}")
        check(st["backlog_bytes"] <= st["backlog_budget"], f"status: {st}")
        check(grown < 24 * 1024, f"the switch grew by {grown} KiB")
        check(len(uid_refusals(sw, "port")) == 1, "refusals not logged once")


def test_trunk_does_not_take_a_local_address(ctx):
    """A frame from the far side of an mcast trunk with local client A's address as source is
    forwarded, but A's address stays on A's port: a unicast to A from client C still reaches A.
    A reconnecting on a new local port moves at once."""
    group, port, c_mac = "239.192.168.7", 1107, "02:00:00:00:0c:0c"
    net = mcast_ns(ctx, "trunk")
    sw = ctx.switch(args=["-port", f"mcast,,{group},{port}"], netns=net)
    r = subprocess.run(["ip", "netns", "exec", net.name, sys.executable, "-c", TRUNK_CLIENTS,
                        HARNESS, sw.ctl, group, str(port), A, c_mac, BCAST],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, f"clients failed:\n{r.stdout}{r.stderr}")
    got = json.loads(r.stdout.splitlines()[-1])
    st = status(sw)
    check(got["trunk_frames_at_c"] == 2, f"the trunk's frames were not forwarded: {got}")
    check(got["a_got"] == 1, f"A's unicast went to the trunk: {got}, status {st}")
    check(got["a2_got"] == 1, f"A's reconnect did not move its address: {got}")
    check(st["mac_move_refused"] == 2 and st["mac_moves"] == 1, f"status: {st}")
    trunk = [p for p in json.loads(sw.ctl_cmd("-j", "ports")) if p["kind"] == "mcast"]
    check(len(trunk) == 1 and trunk[0]["mac_move_refused"] == 2, f"ports: {trunk}")
    check(sw.output().count("not moved to the trunk") == 1, f"not logged once:\n{sw.output()[-2000:]}")


def test_bess_connections_per_user(ctx):
    bess = ctx.path("switch-bess.sock")
    sw = switch(ctx, "-bess", bess)
    with Holder("bess", bess, 300) as held:
        wait_for(lambda: status(sw)["bess_refused"] == 44, 10, "nobody's bess connections past 256 refused")
        check(held.closed() == 44, "the refused connections are not closed")
        mine = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)  # root's still becomes a port
        mine.connect(bess)
        wait_for(lambda: status(sw)["ports"] == 257, 10, "root's bess connection to become a port")
        st = status(sw)
        check(st["bess_accepted"] == 257 and st["refused_ports"] == 44, f"status: {st}")
        check(len(uid_refusals(sw, "port")) == 1, "refusals not logged once")


def test_guests_attach_while_one_user_floods_control_and_management(ctx):
    """Real UML guests boot and attach while user nobody keeps 300 half-open control connections
    open (reconnecting whichever the switch closes) and holds 40 management connections."""
    sw = switch(ctx)
    with Holder("flood", sw.ctl, 300), Holder("conn", sw.ctl + ".mgmt", 40):
        a = ctx.guest("a", [f"daemon,,unix,{sw.ctl}"])
        b = ctx.guest("b", [f"daemon,,unix,{sw.ctl}"])
        ctx.boot([a, b])
        a.ok("ip addr add 10.42.0.1/24 dev eth0 && ip link set eth0 up")
        b.ok("ip addr add 10.42.0.2/24 dev eth0 && ip link set eth0 up")
        out = a.run("ping -c 3 -i 0.2 -W 2 10.42.0.2", check_rc=False)[1]
        check(" 0% packet loss" in out, f"guest a cannot ping guest b:\n{out}")
        st = status(sw)  # root's management connection is served too
        check(st["ports"] == 2 and st["refused_pending"] > 0 and st["refused_mgmt"] == 32, f"status: {st}")
