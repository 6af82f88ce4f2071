"""uml_switch against synthetic daemon-protocol clients: bad input, full buffers, VDE, compat."""

import json
import os
import signal
import socket
import struct
import subprocess
import time

from daemon_client import DaemonClient, frame, v3_request
from umlnet_harness import check, program, wait_for

A, B, C = "02:00:00:00:00:0a", "02:00:00:00:00:0b", "02:00:00:00:00:0c"
BCAST = "ff:ff:ff:ff:ff:ff"


def ports(sw):
    return json.loads(sw.ctl_cmd("-j", "ports"))


def raw_connect(sw):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sw.ctl)
    return s


def flowing(sw, a, b, n=20):
    """a and b exchange n frames each way, one at a time (a UML client's socket queues only ~10
    frames); returns how many arrived."""
    a.send(frame(BCAST, A))
    b.send(frame(A, B))
    a.recv_all(0.2)
    b.recv_all(0.2)
    arrived = 0
    for i in range(n):
        a.send(frame(B, A, b"a%d" % i))
        arrived += b.recv(1) == frame(B, A, b"a%d" % i)
        b.send(frame(A, B, b"b%d" % i))
        arrived += a.recv(1) == frame(A, B, b"b%d" % i)
    return arrived


def test_bad_requests_are_refused_and_others_keep_flowing(ctx):
    sw = ctx.switch()
    a, b = DaemonClient(sw.ctl), DaemonClient(sw.ctl)
    bad = []
    # Wrong magic (a version 0 request without -compat-v0), version 2, a newer version,
    # a bad request type, too long, a short request then EOF.
    name = (b"\0bad").ljust(108, b"\0")
    for payload in (struct.pack("<I", 0) + b"\0" * 6 + struct.pack("<H", 1) + name, struct.pack("<III", 0xFEEDFACE, 2, 0) + b"\0" * 112,
                    struct.pack("<III", 0xFEEDFACE, 9, 0) + b"\0" * 112,
                    struct.pack("<III", 0xFEEDFACE, 3, 5) + b"\1\0" + name + b"\0\0",
                    v3_request(name) + b"x" * 200, b"\xce\xfa\xed\xfe\x03\x00"):
        s = raw_connect(sw)
        s.sendall(payload)
        if payload.startswith(b"\xce\xfa\xed\xfe\x03\x00") and len(payload) == 6:
            s.shutdown(socket.SHUT_WR)
        s.settimeout(3)
        try:
            bad.append(s.recv(200))  # the switch closes: EOF, no reply
        except ConnectionResetError:  # closed with our unread bytes still queued
            bad.append(b"")
        s.close()
    check(all(r == b"" for r in bad), f"a bad request got a reply: {bad}")
    check(flowing(sw, a, b) == 40, "frames stopped flowing between good clients")
    log = sw.output()
    for reason in ("not started with -compat-v0", "version 2 is not supported", "newer than 3",
                   "type is not 0", "longer than", "closed the connection after 6 bytes"):
        check(reason in log, f"no log line saying '{reason}':\n{log}")
    check(log.count(f"client pid {os.getpid()}") >= 6, f"log lines do not name the client:\n{log}")
    check(len(ports(sw)) == 2, f"ports: {ports(sw)}")


def test_request_in_pieces_is_accepted(ctx):
    sw = ctx.switch()
    c = DaemonClient.__new__(DaemonClient)
    name = (b"\0umlnet-test-pieces/%d" % os.getpid()).ljust(108, b"\0")
    data = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    data.bind(name)
    s = raw_connect(sw)
    req = v3_request(name)
    for piece in (req[:5], req[5:60], req[60:]):
        s.sendall(piece)
        time.sleep(0.1)
    s.settimeout(3)
    reply = s.recv(200)
    check(len(reply) == 110, f"reply of {len(reply)} bytes to a request sent in 3 pieces")
    del c


def test_silent_and_half_clients_time_out(ctx):
    sw = ctx.switch()
    silent, half = raw_connect(sw), raw_connect(sw)
    half.sendall(v3_request(b"\0half".ljust(108, b"\0"))[:60])
    a, b = DaemonClient(sw.ctl), DaemonClient(sw.ctl)
    check(flowing(sw, a, b) == 40, "frames did not flow while two clients were stuck")
    for s in (silent, half):
        s.settimeout(15)
        check(s.recv(10) == b"", "a stuck client was not disconnected")
    log = sw.output()
    check("no complete request within 10 s (0 bytes)" in log and "(60 bytes); closed" in log,
          f"no timeout lines:\n{log}")


def test_vanished_client_loses_its_port(ctx):
    sw = ctx.switch()
    a, b, c = DaemonClient(sw.ctl), DaemonClient(sw.ctl), DaemonClient(sw.ctl)
    c.send(frame(BCAST, C))
    wait_for(lambda: len(json.loads(sw.ctl_cmd("-j", "macs"))) == 1, 5, "C to be learned")
    c.close()
    wait_for(lambda: len(ports(sw)) == 2, 5, "the port of a vanished client to go")
    check(json.loads(sw.ctl_cmd("-j", "macs")) == [], "MAC of a removed port is still in the table")
    check(flowing(sw, a, b) == 40, "frames stopped flowing after a client vanished")


def test_full_port_drops_and_counts_without_blocking_others(ctx):
    sw = ctx.switch()
    a, b = DaemonClient(sw.ctl), DaemonClient(sw.ctl)
    slow = DaemonClient(sw.ctl)  # never reads
    slow.send(frame(BCAST, C))
    a.send(frame(BCAST, A))
    b.recv_all(0.2)
    a.recv_all(0.2)
    for i in range(3000):  # to the slow client: its socket fills
        a.send(frame(C, A, b"x" * 1000))
        if i % 100 == 0:
            time.sleep(0.01)
    check(flowing(sw, a, b) == 40, "a full port held up the others")
    # Every frame meant for it is sent, waiting in its backlog, or counted as dropped:
    # 3000 unicasts and a's 2 broadcasts.
    st = [p for p in ports(sw) if p["drop_full"] > 0]
    check(len(st) == 1 and st[0]["queued"] == 128
          and st[0]["tx_frames"] + st[0]["queued"] + st[0]["drop_full"] == 3002,
          f"frames to the full port not accounted for exactly: {ports(sw)}")
    got = slow.recv_all(0.3)  # once it reads, the backlog follows, in order
    check(len(got) == 11 + 128 and got[-1] == frame(C, A, b"x" * 1000), f"slow client got {len(got)}")


def test_runt_and_oversize_datagrams_are_counted(ctx):
    sw = ctx.switch()
    a, b = DaemonClient(sw.ctl), DaemonClient(sw.ctl)
    a.send(b"")
    a.send(b"short")
    a.send(frame(BCAST, A, b"y" * 1600))
    a.send(frame(BCAST, A, b"v" * (1518 - 14)))  # 1518 bytes: a full VLAN-tagged frame
    got = b.recv_all(0.5)
    check([len(f) for f in got] == [1518], f"b received {[len(f) for f in got]} instead of one 1518")
    pa = [p for p in ports(sw) if p["rx_frames"] == 1][0]
    check(pa["drop_runt"] == 2 and pa["drop_oversize"] == 1, f"counters: {pa}")


def test_classic_truncates_what_we_pass(ctx):
    """Side by side: the classic cuts 1518-byte frames to 1514; we deliver them whole."""
    classic = ctx.switch("classic", binary="/usr/bin/uml_switch")
    a, b = DaemonClient(classic.ctl), DaemonClient(classic.ctl)
    a.send(frame(BCAST, A, b"v" * 1504))
    got = b.recv_all(0.5)
    check([len(f) for f in got] == [1514], f"classic delivered {[len(f) for f in got]}")


def test_unregistered_sender_is_dropped_in_compat_mode(ctx):
    data = ctx.path("uml.data")
    sw = ctx.switch(args=["-compat-v0", "-unix", ctx.path("switch.ctl"), data])
    # A v0 client: no reply; it sends to the data path it knows.
    path = ctx.path("v0client")
    v0 = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    v0.bind(path)
    s = raw_connect(sw)
    s.sendall(struct.pack("<I", 0) + b"\0" * 6 + struct.pack("<H", 1) + path.encode().ljust(108, b"\0"))
    b = DaemonClient(sw.ctl)
    wait_for(lambda: len(ports(sw)) == 2, 5, "the v0 port")
    v0.sendto(frame(BCAST, A, b"from v0"), data)
    got = b.recv_all(0.5)
    check(any(b"from v0" in f for f in got), f"v3 client did not get the v0 client's frame: {got}")
    b.send(frame(A, B, b"to v0"))
    v0.settimeout(2)
    check(b"to v0" in v0.recv(2000), "v0 client did not get the reply")
    stranger = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    stranger.bind(ctx.path("stranger"))
    stranger.sendto(frame(BCAST, C, b"stranger"), data)
    check(b.recv_all(0.5) == [], "a frame from an unregistered sender was forwarded")
    st = json.loads(sw.ctl_cmd("-j", "status"))
    check(st["drop_unknown_sender"] == 1, f"status: {st}")


def test_vde_plug_connects(ctx):
    """libvdeplug clients (vde_plug) send a description after the request; the classic refuses."""
    os.makedirs(ctx.path("net"))
    sw = ctx.switch(ctl=ctx.path("net") + "/ctl")
    a = DaemonClient(sw.ctl)
    plug = subprocess.Popen(["vde_plug", ctx.path("net")], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: len(ports(sw)) == 2, 5, "vde_plug's port")
        p = [p for p in ports(sw) if p["proto"] == "vde"]
        check(len(p) == 1 and "vdeplug" in p[0]["description"], f"ports: {ports(sw)}")
        f = frame(BCAST, B, b"hello from vde_plug")
        plug.stdin.write(struct.pack("!H", len(f)) + f)
        plug.stdin.flush()
        got = a.recv_all(0.5)
        check(any(b"hello from vde_plug" in g for g in got), f"frames from vde_plug: {got}")
        a.send(frame(B, A, b"hello back"))
        n, = struct.unpack("!H", plug.stdout.read(2))
        check(b"hello back" in plug.stdout.read(n), "vde_plug did not get the reply")
    finally:
        plug.kill()
        plug.wait()
    # The classic reads 124 bytes, takes the description for a second, bad request and drops
    # the port: frames no longer reach vde_plug.
    os.makedirs(ctx.path("classic"))
    classic = ctx.switch("classic", binary="/usr/bin/uml_switch", ctl=ctx.path("classic") + "/ctl")
    c = DaemonClient(classic.ctl)
    plug = subprocess.Popen(["vde_plug", ctx.path("classic")], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(1)
        c.send(frame(BCAST, A, b"to vde_plug via the classic"))
        os.set_blocking(plug.stdout.fileno(), False)
        time.sleep(1)
        check(not plug.stdout.read(), "the classic uml_switch delivered to vde_plug")
    finally:
        plug.kill()
        plug.wait()


def test_status_and_capture(ctx):
    sw = ctx.switch(args=["-pcap", ctx.path("cap.pcap")])
    a, b = DaemonClient(sw.ctl), DaemonClient(sw.ctl)
    n = flowing(sw, a, b, n=10)
    check(n == 20, f"{n} of 20 frames arrived")
    show = json.loads(sw.ctl_cmd("-j", "show"))
    check(show["switch"]["mode"] == "switch" and show["switch"]["ports"] == 2, f"{show['switch']}")
    check(sorted(m["mac"] for m in show["macs"]) == [A, B], f"macs: {show['macs']}")
    check(sum(p["rx_frames"] for p in show["ports"]) == 22, f"ports: {show['ports']}")
    text = sw.ctl_cmd("ports")
    check(text.splitlines()[0].startswith("port kind proto") and len(text.splitlines()) == 3, text)
    r = subprocess.run([program("uml_switchctl"), "-s", sw.ctl, "frobnicate"], capture_output=True,
                       text=True)
    check(r.returncode == 1 and "unknown command 'frobnicate'" in r.stderr, r.stderr)
    sw.stop()
    r = subprocess.run(["tcpdump", "-n", "-r", ctx.path("cap.pcap"), "ether proto 0x88b5"],
                       capture_output=True, text=True)
    check(r.returncode == 0 and r.stdout.count("ethertype Unknown (0x88b5)") == 22,
          f"tcpdump read: {r.stdout}{r.stderr}")
    frames = read_pcap(ctx.path("cap.pcap"))
    check(frames[-1] == frame(A, B, b"b9"), f"last captured frame: {frames[-1]!r}")


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack("<I", data[:4])
    check(magic == 0xA1B2C3D4, f"pcap magic {magic:#x}")
    frames, off = [], 24
    while off < len(data):
        _, _, caplen, _ = struct.unpack("<IIII", data[off:off + 16])
        frames.append(data[off + 16:off + 16 + caplen])
        off += 16 + caplen
    return frames


def test_command_line_and_lifecycle(ctx):
    # A pipe on stdin: its EOF stops the switch, which removes its socket.
    ctl = ctx.path("pipe.ctl")
    p = subprocess.Popen([program("uml_switch"), "-unix", ctl], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wait_for(lambda: os.path.exists(ctl), 5, "the socket")
    p.stdin.close()
    check(p.wait(5) == 0 and not os.path.exists(ctl), "EOF on a piped stdin did not stop cleanly")
    check(b"EOF on stdin" in p.stdout.read(), "no EOF message")
    # </dev/null: keeps running; SIGTERM and SIGINT remove the socket.
    for sig in (signal.SIGTERM, signal.SIGINT):
        sw = ctx.switch(f"sig{sig}")
        time.sleep(0.3)
        check(sw.alive(), "the switch stopped with stdin from /dev/null")
        check(sw.stop(sig) == 0 and not os.path.exists(sw.ctl), f"signal {sig}: socket left")
    # A stale socket file (from a SIGKILLed switch) is reclaimed; a live one is not.
    sw = ctx.switch("stale")
    sw.stop(signal.SIGKILL)
    check(os.path.exists(sw.ctl), "SIGKILL should leave the socket file")
    sw2 = ctx.switch("stale2", ctl=sw.ctl)
    r = subprocess.run([program("uml_switch"), "-unix", sw2.ctl], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=5)
    check(r.returncode == 2 and "has another server attached" in r.stderr, r.stderr)
    # Permissions for a group of users; bad values are named.
    sw3 = ctx.switch("perm", args=["-mode", "0660", "-group", "daemon"])
    st = os.stat(sw3.ctl)
    check(oct(st.st_mode & 0o777) == "0o660" and st.st_gid == 1, f"mode {oct(st.st_mode)} gid {st.st_gid}")
    check(oct(os.stat(sw3.ctl + ".mgmt").st_mode & 0o777) == "0o660", "mgmt socket mode")
    for args, text in ((["-mode", "9"], "-mode '9'"), (["-group", "nosuchgroup"], "-group 'nosuchgroup'"),
                       (["-bogus"], "unknown option '-bogus'")):
        r = subprocess.run([program("uml_switch")] + args, capture_output=True, text=True, timeout=5)
        check(r.returncode == 2 and text in r.stderr and len(r.stderr.splitlines()) == 1, r.stderr)
    r = subprocess.run([program("uml_switch"), "--help"], capture_output=True, text=True)
    check(r.returncode == 0 and "-unix control-socket" in r.stdout, r.stdout)
    # -daemon: the command returns once the switch serves in the background.
    ctl = ctx.path("bg.ctl")
    with open(ctx.path("bg.log"), "w") as log:  # it keeps stdio, as the classic does
        r = subprocess.run([program("uml_switch"), "-daemon", "-unix", ctl],
                           stdin=subprocess.DEVNULL, stdout=log, stderr=log, timeout=10)
    with open(ctx.path("bg.log")) as log:
        text = log.read()
    check(r.returncode == 0 and "attached to unix socket" in text, text)
    out = subprocess.run([program("uml_switchctl"), "-s", ctl, "-j", "status"], capture_output=True,
                         text=True, timeout=5).stdout
    pid = json.loads(out)["pid"]
    os.kill(pid, signal.SIGTERM)  # the background switch we started, by its PID
    wait_for(lambda: not os.path.exists(ctl), 5, "the background switch to exit")


def test_only_the_registered_client_can_send_on_its_port(ctx):
    """A port's data socket is connected to its client: a stranger who learns its address is
    refused by the kernel, so nothing can be injected into another client's port."""
    sw = ctx.switch()
    a, b = DaemonClient(sw.ctl), DaemonClient(sw.ctl)
    stranger = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    stranger.bind((b"\0umlnet-test-stranger/%d" % os.getpid()).ljust(108, b"\0"))
    try:
        stranger.sendto(frame(BCAST, C, b"injected"), a.switch_addr)
        refused = False
    except PermissionError:
        refused = True
    check(refused, "a stranger could send on a client's port")
    check(b.recv_all(0.3) == [], "a stranger's frame reached another client")
