"""UML's vector transports bess and fd (doc/vector-transports.md §6, §10) on our uml_switch: real UML
guests with vec0 on `uml_switch -bess PATH` beside daemon guests, down/up cycles (the switch
removes the guest's src socket), an inherited fd port, umlnet-plug as a bess client, and the
errors a user meets (nothing listening, a guest that vanishes, no free port)."""

import fcntl
import json
import os
import signal
import socket
import stat
import subprocess
import time

import umlnet_harness as h
from umlnet_harness import check, wait_for
from transport_helpers import Plug, _guest_digest_when_done, ns_addr, ping_ok, random_file


def bess_switch(ctx, args=(), name="switch"):
    path = ctx.path(f"{name}-bess.sock")
    sw = ctx.switch(name, args=["-bess", path] + list(args))
    wait_for(lambda: os.path.exists(path), 5, "the bess socket")
    return sw, path


def vec_bess(dst, src, mac):
    return f"vec0:transport=bess,dst={dst},src={src},mac={mac}"


def daemon(ctl):
    return f"daemon,,unix,{ctl}"


def switch_status(ctl):
    r = subprocess.run([h.program("uml_switchctl"), "-s", ctl, "-j", "show"],
                       capture_output=True, text=True, timeout=10)
    check(r.returncode == 0, f"uml_switchctl show: {r.stderr.strip()}")
    return json.loads(r.stdout)


def port_count(ctl):
    return switch_status(ctl)["switch"]["ports"]


def wait_ports(ctl, n, what):
    wait_for(lambda: port_count(ctl) == n, 10, f"{what} (switch has {port_count(ctl)} ports, want {n})")


def ping(g, ip, what, count=3):
    ping_ok(g.run(f"ping -c {count} -i 0.2 -W 2 {ip}", check_rc=False)[1], what)


def tcp_guest_to_guest(ctx, src, dst, dst_ip, port, size=1 << 20):
    """Byte-exact TCP from guest src to a server in guest dst; both read host files via hostfs."""
    data, digest = random_file(ctx, f"data-{src.name}-{port}.bin", size)
    dst.ok(f"rm -f /run/tmp/got.bin; (nc -l {port} > /run/tmp/got.bin &) ; sleep 0.3")
    wait_for(lambda: dst.run(f"ss -ltn 'sport = :{port}' | grep -q LISTEN", check_rc=False)[0] == 0,
             10, f"{dst.name}'s nc listening")
    src.ok(f"nc -N -w 20 {dst_ip} {port} < {data}", timeout=90)
    got = wait_for(lambda: _guest_digest_when_done(dst, size), 30, f"{dst.name} to receive all bytes")
    check(got == digest, f"{src.name} -> {dst.name}: digest differs ({got} vs {digest})")


def bess_up(g, ip):
    g.ok(f"ip link set vec0 up && ip addr add {ip}/24 dev vec0")


def test_bess_guest_and_daemon_guest(ctx):
    """(a) vec0 over bess and eth0 over daemon on one switch: ping and 1 MiB TCP both ways."""
    sw, path = bess_switch(ctx)
    src = ctx.user_path("a-vec0.sock")  # the guest makes it
    a = ctx.guest("a", extra=[vec_bess(path, src, "52:54:00:00:40:01")])
    b = ctx.guest("b", [daemon(sw.ctl)])
    ctx.boot([a, b])
    bess_up(a, "10.40.0.1")
    b.ok("ip addr add 10.40.0.2/24 dev eth0 && ip link set eth0 up")
    ping(a, "10.40.0.2", "bess guest -> daemon guest")
    ping(b, "10.40.0.1", "daemon guest -> bess guest")
    tcp_guest_to_guest(ctx, a, b, "10.40.0.2", 5601)
    tcp_guest_to_guest(ctx, b, a, "10.40.0.1", 5602)
    st = switch_status(ctx.path("switch.ctl"))
    bess = [p for p in st["ports"] if p["kind"] == "bess"]
    check(len(bess) == 1 and bess[0]["endpoint"] == f"bess peer {src} (pid {a.pid})",
          f"status does not show the bess port with its peer path: {st['ports']}")
    check(bess[0]["rx_frames"] > 700 and bess[0]["tx_frames"] > 700, f"bess counters: {bess[0]}")
    check(st["switch"]["bess"] == path and st["switch"]["bess_accepted"] == 1, f"status: {st['switch']}")
    check(any(m["mac"] == "52:54:00:00:40:01" for m in st["macs"]), f"guest MAC not learned: {st['macs']}")


def test_bess_down_up_cycles(ctx):
    """(b) ip link down/up of vec0 works again and again: the switch removes the guest's src
    socket when the connection ends (UML never does), and the port count follows."""
    sw, path = bess_switch(ctx)
    src = ctx.user_path("a-vec0.sock")  # the guest makes it
    a = ctx.guest("a", extra=[vec_bess(path, src, "52:54:00:00:41:01")])
    b = ctx.guest("b", [daemon(sw.ctl)])
    ctx.boot([a, b])
    b.ok("ip addr add 10.41.0.2/24 dev eth0 && ip link set eth0 up")
    wait_ports(sw.ctl, 1, "the daemon guest's port")
    bess_up(a, "10.41.0.1")
    wait_ports(sw.ctl, 2, "the bess port")
    ping(a, "10.41.0.2", "first up")
    for cycle in (1, 2):
        a.ok("ip link set vec0 down")
        wait_ports(sw.ctl, 1, f"the bess port to go at down #{cycle}")
        wait_for(lambda: not os.path.lexists(src), 5, f"the switch to remove {src}")
        a.ok("ip link set vec0 up")
        wait_ports(sw.ctl, 2, f"the bess port to come back at up #{cycle}")
        check(stat.S_ISSOCK(os.lstat(src).st_mode), f"{src} is not the guest's socket again")
        ping(a, "10.41.0.2", f"after down/up #{cycle}")
    check("peer closed the connection; removed (bess peer " + src in sw.output(), sw.output())
    check(switch_status(sw.ctl)["switch"]["bess_accepted"] == 3, "three bess connections expected")


def _high_fd(sock, cloexec):
    """A copy of sock's descriptor numbered 20 or more (clear of the guest's fd 3)."""
    return fcntl.fcntl(sock.fileno(), fcntl.F_DUPFD_CLOEXEC if cloexec else fcntl.F_DUPFD, 20)


def test_bess_fd_transport(ctx):
    """(c) transport=fd: one end of a SOCK_SEQPACKET socketpair in the guest (vec0), the other in
    the switch (-port transport=fd); the vec guest pings a daemon guest; its death frees the port."""
    g_end, s_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    sfd = _high_fd(s_end, cloexec=True)   # only the switch gets it (pass_fds)
    gfd = _high_fd(g_end, cloexec=False)  # inherited by the guest (the harness keeps fds open)
    g_end.close()
    s_end.close()
    ctl = ctx.path("sw.ctl")
    sw = ctx.proc("switch", [h.program("uml_switch"), "-unix", ctl, "-port",
                             f"transport=fd,fd={sfd}"] + h.for_test_user(), pass_fds=[sfd])
    os.close(sfd)
    wait_for(lambda: "attached to unix socket" in sw.output() or not sw.alive(), 10, "the switch")
    check(f"port 1: transport=fd,fd={sfd}" in sw.output(), f"fd port not attached:\n{sw.output()}")
    a = ctx.guest("a", extra=[f"vec0:transport=fd,fd={gfd},mac=52:54:00:00:42:01"])
    os.close(gfd)
    b = ctx.guest("b", [daemon(ctl)])
    ctx.boot([a, b])
    a.ok("ip link set vec0 up && ip addr add 10.42.0.1/24 dev vec0")
    b.ok("ip addr add 10.42.0.2/24 dev eth0 && ip link set eth0 up")
    ping(a, "10.42.0.2", "fd guest -> daemon guest")
    ping(b, "10.42.0.1", "daemon guest -> fd guest")
    fdport = [p for p in switch_status(ctl)["ports"] if p["kind"] == "fd"]
    check(len(fdport) == 1 and fdport[0]["endpoint"] == f"fd {sfd}" and fdport[0]["rx_frames"] > 0,
          f"fd port in status: {fdport}")
    a.proc.stop(signal.SIGKILL)
    wait_ports(ctl, 1, "the fd port to go when its guest died")
    check(sw.alive(), "the switch died")
    ping(b, "10.42.0.2", "the daemon guest still works")


def test_bess_plug_client(ctx):
    """(d) umlnet-plug as a bess client: a namespace's dev0 on the switch pings a bess guest."""
    sw, path = bess_switch(ctx)
    ns = ctx.netns("p")
    a = ctx.guest("a", extra=[vec_bess(path, ctx.user_path("a-vec0.sock"), "52:54:00:00:43:01")])
    plug = Plug(ctx, [f"dev0=transport=bess,dst={path}"], netns=ns)
    a.wait_ready()
    bess_up(a, "10.43.0.1")
    ns_addr(ns, "10.43.0.2", dev="dev0")
    ping_ok(ns.sh("ping -c 3 -i 0.2 -W 2 10.43.0.1").stdout, "plug namespace -> bess guest")
    ping(a, "10.43.0.2", "bess guest -> plug namespace")
    ports = switch_status(sw.ctl)["ports"]
    check(sorted(p["endpoint"].split(" (")[0] for p in ports) ==
          sorted(["bess peer unnamed", f"bess peer {ctx.user_path('a-vec0.sock')}"]),
          f"ports: {ports}")
    check(plug.alive(), f"the plug died:\n{plug.output()}")
    plug.stop()
    wait_ports(sw.ctl, 1, "the plug's port to go when the plug stops")
    # The other way round: the switch goes, the client sees EOF and closes its device.
    ns2 = ctx.netns("q")
    plug2 = Plug(ctx, [f"dev0=transport=bess,dst={path}"], netns=ns2, name="plug2")
    wait_ports(sw.ctl, 2, "the second plug's port")
    sw.stop()
    wait_for(lambda: not plug2.alive(), 10, "the plug to notice that the switch is gone")
    check("dev0: bess side: Transport endpoint is not connected; device closed" in plug2.output(),
          plug2.output())


def test_bess_plug_nothing_listening(ctx):
    """(e) a bess client with nothing at dst: one clear line, non-zero exit."""
    ns = ctx.netns("p")
    where = ctx.path("nobody.sock")
    p = Plug(ctx, [f"dev0=transport=bess,dst={where}"], netns=ns, wait=False)
    rc = p.p.wait(10)
    out = p.output()
    check(rc != 0, f"the plug exited {rc} with nothing listening:\n{out}")
    want = f"bess: connect to '{where}': No such file or directory"
    lines = [ln for ln in out.splitlines() if want in ln]
    check(len(lines) == 1, f"expected one line with `{want}`:\n{out}")


def test_bess_vanished_guest_frees_port(ctx):
    """(e) a bess guest killed outright: its port goes, its src socket is removed, the others
    keep flowing."""
    sw, path = bess_switch(ctx)
    srcs = {n: ctx.user_path(f"{n}-vec0.sock") for n in "ab"}
    a = ctx.guest("a", extra=[vec_bess(path, srcs["a"], "52:54:00:00:44:01")])
    b = ctx.guest("b", extra=[vec_bess(path, srcs["b"], "52:54:00:00:44:02")])
    c = ctx.guest("c", [daemon(sw.ctl)])
    ctx.boot([a, b, c])
    bess_up(a, "10.44.0.1")
    bess_up(b, "10.44.0.2")
    c.ok("ip addr add 10.44.0.3/24 dev eth0 && ip link set eth0 up")
    ping(a, "10.44.0.3", "a -> c before the kill")
    ping(b, "10.44.0.3", "b -> c before the kill")
    wait_ports(sw.ctl, 3, "three ports")
    a.proc.stop(signal.SIGKILL)
    wait_ports(sw.ctl, 2, "a's port to go")
    wait_for(lambda: not os.path.lexists(srcs["a"]), 5, "a's src socket to be removed")
    check(os.path.lexists(srcs["b"]), "b's src socket was removed although b is alive")
    ping(b, "10.44.0.3", "b -> c after a was killed")
    ping(c, "10.44.0.2", "c -> b after a was killed")
    ends = [p["endpoint"] for p in switch_status(sw.ctl)["ports"]]
    check(not any(srcs["a"] in e for e in ends), f"a's port still listed: {ends}")


def _client(ctx, path, name=None):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    if name:
        s.bind(ctx.path(name))
    s.connect(path)
    return s


def test_bess_socket_rules(ctx):
    """Without guests: a stale socket file is reclaimed at start, -mode applies to the bess
    socket, -ports refuses (and counts) a connection beyond the limit, frames switch between two
    clients, and a peer's src that is no longer a socket file is never removed."""
    path = ctx.path("switch-bess.sock")
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    stale.bind(path)
    stale.close()
    sw, _ = bess_switch(ctx, args=["-mode", "0660", "-ports", "2"])
    check(stat.S_IMODE(os.stat(path).st_mode) == 0o660, f"mode {oct(os.stat(path).st_mode)}")
    x, y = _client(ctx, path, "x.sock"), _client(ctx, path, "y.sock")
    wait_ports(sw.ctl, 2, "two clients")
    z = _client(ctx, path, "z.sock")
    z.settimeout(5)
    check(z.recv(2048) == b"", "a connection beyond -ports was not closed")
    wait_for(lambda: not os.path.lexists(ctx.path("z.sock")), 5, "the refused client's src removal")
    check(switch_status(sw.ctl)["switch"]["bess_refused"] == 1, "refusal not counted")
    check("refused: the switch has no free port (see -ports)" in sw.output(), sw.output())
    frame = bytes.fromhex("ffffffffffff 020000000001 0800".replace(" ", "")) + bytes(46)
    x.send(frame)
    y.settimeout(5)
    check(y.recv(2048) == frame, "a broadcast from x did not reach y unchanged")
    # x's src is swapped for a regular file: the switch must leave it alone.
    os.unlink(ctx.path("x.sock"))
    with open(ctx.path("x.sock"), "w") as f:
        f.write("not a socket\n")
    x.close()
    wait_ports(sw.ctl, 1, "x's port to go")
    check(os.path.isfile(ctx.path("x.sock")), "the switch removed a regular file at a peer's src path")
    y.close()
    wait_ports(sw.ctl, 0, "y's port to go")
    check(not os.path.lexists(ctx.path("y.sock")), "y's src socket was not removed")
    sw.stop()
    check(not os.path.lexists(path), "the bess socket file stayed after the switch exited")
