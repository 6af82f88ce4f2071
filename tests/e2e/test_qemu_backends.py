"""QEMU's socket backends on our switch (doc/qemu.md): a real QEMU VM (Debian's qemu-system-x86,
TCG when KVM does not work, the image of umlnet-qemu-image) and a real UML guest on one switch
ping each other both ways and move 1 MiB each way byte-exact, over -netdev stream (the switch
listening; the switch connecting, with QEMU restarted in the middle), -netdev dgram (unix),
-netdev vde (through the switch's libvdeplug compatibility), -netdev l2tpv3 with cookies and
-netdev socket,mcast= (in a namespace). Malformed stream framing closes only the offending
connection while another stream port keeps working.

Every VM boot costs seconds under TCG: one VM with five NICs and one UML guest with five devices
cover the five backends, one switch per segment; only the restart test boots its own."""

import json
import os
import socket
import struct
import time

import umlnet_harness as h
from umlnet_harness import check
from qemu_vm import QemuVM, share_with_vm, vm_user_dir
from transport_helpers import (NsGuest, Plug, _guest_digest_when_done, mcast_ns, ping_ok,
                               random_file)

VM_IP, UML_IP = "10.77.0.2", "10.77.0.1"
MB = 1 << 20


def uml_guest(ctx, switches, netns=None):
    return NsGuest(ctx, "uml", netns, [f"daemon,fe:fd:0a:4d:00:{i + 1:02x},unix,{sw.ctl}"
                                       for i, sw in enumerate(switches)])


def net_ip(i, host):
    return f"10.77.{i}.{host}"


def boot_pair(ctx, switches, netdevs, netns=None, name="vm"):
    """A UML guest with eth<i> on switches[i]'s daemon socket and a VM with eth<i> on
    netdevs[i]: segment i is 10.77.<i>.0/24, the UML guest .1, the VM .2."""
    g = uml_guest(ctx, switches, netns)
    vm = QemuVM(ctx, name, netdevs, [f"{net_ip(i, 2)}/24" for i in range(len(netdevs))],
                netns=netns).start()
    g.wait_ready()
    for i in range(len(switches)):
        g.ok(f"ip addr add {net_ip(i, 1)}/24 dev eth{i} && ip link set eth{i} up")
    vm.wait_ready()
    return g, vm


def ping_both(g, vm, i, what):
    # The first exchange also waits for ARP and for the switch to learn both sides.
    vm.run(f"ping -c 2 -W 5 {net_ip(i, 1)}", check_rc=False, timeout=30)
    ping_ok(g.ok(f"ping -c 3 -W 5 {net_ip(i, 2)}", timeout=40), f"{what}: UML guest -> VM")
    out = vm.ok(f"ping -c 3 -W 5 {net_ip(i, 1)}", timeout=40)
    check(" 0% packet loss" in out, f"{what}: VM -> UML guest:\n{out}")


def vm_to_uml(g, vm, i, port, size=MB):
    vm.ok(f"dd if=/dev/urandom of=/tmp/out.bin bs=1024 count={size // 1024} 2>/dev/null")
    digest = vm.ok("sha256sum /tmp/out.bin").split()[0]
    g.ok(f"rm -f /run/tmp/got.bin; (nc -l {port} > /run/tmp/got.bin &) ; sleep 0.3")
    listening = f"ss -ltn 'sport = :{port}' | grep -q LISTEN"
    h.wait_for(lambda: g.run(listening, check_rc=False)[0] == 0, 10, "UML guest's nc listening")
    vm.ok(f"nc {net_ip(i, 1)} {port} < /tmp/out.bin", timeout=120)
    got = h.wait_for(lambda: _guest_digest_when_done(g, size), 60, "UML guest to get all bytes")
    check(got == digest, f"VM -> UML guest: digest differs ({got} vs {digest})")


def uml_to_vm(ctx, g, vm, i, port, size=MB):
    data, digest = random_file(ctx, f"to-vm-{port}.bin", size)
    vm.ok(f"rm -f /tmp/got.bin; nc -l -p {port} > /tmp/got.bin 2>/dev/null &")
    time.sleep(0.5)
    g.ok(f"nc -N -w 30 {net_ip(i, 2)} {port} < {data}", timeout=120)

    def done():
        rc, out = vm.run(f"test $(stat -c %s /tmp/got.bin) -ge {size} && sha256sum /tmp/got.bin",
                         check_rc=False)
        return out.split()[0] if rc == 0 and out.strip() else None
    got = h.wait_for(done, 60, "the VM to get all bytes", interval=0.5)
    check(got == digest, f"UML guest -> VM: digest differs ({got} vs {digest})")


def exchange(ctx, g, vm, i, what, port=7000):
    """Ping both ways and 1 MiB each way, byte-exact, on segment i."""
    ping_both(g, vm, i, what)
    vm_to_uml(g, vm, i, port)
    uml_to_vm(ctx, g, vm, i, port + 1)


def ports_json(sw):
    return json.loads(sw.ctl_cmd("-j", "ports"))


def status_json(sw):
    return json.loads(sw.ctl_cmd("-j", "status"))


def port_of(sw, pred, what):
    ports = [p for p in ports_json(sw) if pred(p)]
    check(len(ports) == 1, f"one {what} port expected: {ports_json(sw)}")
    return ports[0]


def test_every_backend_between_a_vm_and_a_uml_guest(ctx):
    """One VM and one UML guest, five segments, one switch each: the VM's eth<i> uses a different
    QEMU backend on each (one boot of each, since TCG boots are slow)."""
    net = mcast_ns(ctx)
    d, v = ctx.path("q"), vm_user_dir(ctx, "qv")  # the switches' sockets, the VM's
    os.makedirs(os.path.join(d, "vde"))
    l2tp_ours = ("transport=l2tpv3,udp=1,src=127.0.0.1,srcport=5202,dst=127.0.0.1,dstport=5201,"
                 "rx_session=0x1234,tx_session=0xfffffffe,rx_cookie=0x0aabbccd,"
                 "tx_cookie=0x11223344,counter=1")
    # No cookie64= on QEMU's side: QEMU 7.2 makes cookies 64-bit when cookie64 is given at all,
    # even as cookie64=off (doc/qemu.md §5).
    l2tp_qemu = ("l2tpv3,src=127.0.0.1,srcport=5201,dst=127.0.0.1,dstport=5202,udp=on,"
                 "txsession=0x1234,rxsession=0xfffffffe,txcookie=0x0aabbccd,"
                 "rxcookie=0x11223344,counter=on")
    # (backend, switch arguments, QEMU -netdev, how its port shows)
    cases = [
        ("stream", ["-port", f"transport=stream,listen={d}/q.sock"],
         f"stream,server=off,addr.type=unix,addr.path={d}/q.sock", lambda p: p["kind"] == "stream"),
        ("dgram", ["-port", f"transport=dgram,src={d}/sw.dgram,dst={v}/vm.dgram"],
         f"dgram,local.type=unix,local.path={v}/vm.dgram,remote.type=unix,remote.path={d}/sw.dgram",
         lambda p: p["kind"] == "dgram"),
        ("vde", [], f"vde,sock={d}/vde", lambda p: p["proto"] == "vde"),
        ("l2tpv3", ["-port", l2tp_ours], l2tp_qemu, lambda p: p["kind"] == "l2tpv3"),
        ("mcast", ["-port", "mcast,,239.192.168.1,1102"], "socket,mcast=239.192.168.1:1102",
         lambda p: p["kind"] == "mcast"),
    ]
    switches = [ctx.switch(name=f"sw-{name}", args=args, netns=net,
                           ctl=os.path.join(d, "vde") if name == "vde" else None)
                for name, args, _, _ in cases]
    share_with_vm(f"{d}/sw.dgram")  # a dgram port's socket takes no -mode/-group
    switches[2].ctl = os.path.join(d, "vde", "ctl")  # a directory: libvdeplug's layout
    g, vm = boot_pair(ctx, switches, [nd for _, _, nd, _ in cases], netns=net)
    for i, (name, _, _, is_port) in enumerate(cases):
        exchange(ctx, g, vm, i, name)
        p = port_of(switches[i], is_port, name)
        check(p["rx_frames"] > 700 and p["tx_frames"] > 700, f"{name}: port counters {p}")
    st = status_json(switches[0])["stream"][0]
    check(st["accepted"] == 1 and f"{d}/q.sock" in st["address"], f"stream listener: {st}")
    check(f"{v}/vm.dgram" in port_of(switches[1], cases[1][3], "dgram")["endpoint"],
          "the dgram port names its peer")


def test_stream_switch_connects_and_follows_a_qemu_restart(ctx):
    sock = os.path.join(vm_user_dir(ctx, "qv"), "q-listen.sock")  # QEMU's listening socket
    netdev = f"stream,server=on,addr.type=unix,addr.path={sock}"
    sw = ctx.switch(args=["-port", f"transport=stream,connect={sock}"])
    g, vm = boot_pair(ctx, [sw], [netdev])
    ping_both(g, vm, 0, "stream (switch connects)")
    vm.stop()
    h.wait_for(lambda: not status_json(sw)["stream"][0]["up"], 10, "the switch to see QEMU gone")
    vm = QemuVM(ctx, "vm2", [netdev], [f"{net_ip(0, 2)}/24"]).start().wait_ready()
    h.wait_for(lambda: status_json(sw)["stream"][0]["up"], 10, "the switch to reconnect")
    exchange(ctx, g, vm, 0, "stream (switch connects, after QEMU's restart)")
    st = status_json(sw)["stream"][0]
    check(st["connects"] == 2, f"two connections, one per QEMU: {st}")
    # QEMU was not there when the switch started, nor while it restarted: two outages, each
    # logged once however many attempts failed.
    lines = sw.output().count("trying again every second")
    check(lines <= 2 and st["failures"] >= lines, f"{lines} log lines for {st['failures']} failures")


def _frame(src_mac_last, payload=b"x" * 50):
    return b"\xff" * 6 + bytes([0xfe, 0xfd, 0, 0, 0, src_mac_last]) + b"\x88\xb5" + payload


def _record(frame):
    return struct.pack(">I", len(frame)) + frame


def _stream_client(addr):
    s = socket.socket(socket.AF_UNIX if isinstance(addr, str) else socket.AF_INET,
                      socket.SOCK_STREAM)
    if not isinstance(addr, str):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(addr)
    s.settimeout(5)
    return s


def _read_record(s):
    hdr = b""
    while len(hdr) < 4:
        chunk = s.recv(4 - len(hdr))
        check(chunk, "the switch closed a good connection")
        hdr += chunk
    n = struct.unpack(">I", hdr)[0]
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        check(chunk, "the switch closed a good connection mid-record")
        data += chunk
    return data


def _expect(s, frame, what):
    """Reads records (the bad clients' broadcasts arrive too) until frame comes."""
    for _ in range(10):
        if _read_record(s) == frame:
            return
    raise h.TestFailure(f"{what}: the expected frame did not arrive")


def _closed_by_peer(s, timeout=5):
    s.settimeout(timeout)
    try:
        return s.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def test_stream_bad_framing_closes_only_that_connection(ctx):
    sock = ctx.path("q.sock")
    sw = ctx.switch(args=["-port", f"transport=stream,listen={sock}"])
    good, listener = _stream_client(sock), _stream_client(sock)
    # A frame split in the middle of its length and of its body arrives whole.
    rec = _record(_frame(1, b"split" * 20))
    for piece in (rec[:2], rec[2:9], rec[9:]):
        good.sendall(piece)
        time.sleep(0.1)
    check(_read_record(listener) == _frame(1, b"split" * 20), "a record sent in pieces")
    # A burst beyond the switch's per-wakeup budget (256 frames), then silence: nothing may
    # stay behind in the switch waiting for more input.
    burst = [_frame(1, struct.pack(">I", i) + b"b" * 46) for i in range(1000)]
    good.sendall(b"".join(_record(f) for f in burst))
    for i, f in enumerate(burst):
        check(_read_record(listener) == f, f"burst frame {i} of 1000")
    bad_cases = [("length 0", struct.pack(">I", 0)),
                 ("length 70000", struct.pack(">I", 70000) + b"\0" * 100)]
    for i, (what, data) in enumerate(bad_cases):
        bad = _stream_client(sock)
        bad.sendall(_record(_frame(0x10 + i)) + data)
        check(_closed_by_peer(bad), f"{what}: the switch closes that connection")
        bad.close()
        good.sendall(_record(_frame(2, what.encode() * 5)))
        _expect(listener, _frame(2, what.encode() * 5), f"after {what}: other connections work")
    # A connection that stops in the middle of a frame holds nothing up, and goes at EOF.
    stuck = _stream_client(sock)
    stuck.sendall(_record(_frame(0x20))[:30])
    good.sendall(_record(_frame(3)))
    _expect(listener, _frame(3), "a half-sent frame on another port blocks nothing")
    n_ports = len(ports_json(sw))
    stuck.close()
    h.wait_for(lambda: len(ports_json(sw)) == n_ports - 1, 5, "the stuck connection's port to go")
    # An oversize frame within QEMU's limit is skipped and counted, the connection stays.
    good.sendall(_record(b"\xff" * 6 + b"\xfe\xfd\0\0\0\x02" + b"\x88\xb5" + b"o" * 3000)
                 + _record(_frame(2, b"after")))
    _expect(listener, _frame(2, b"after"), "the frame after an oversize one")
    st = status_json(sw)["stream"][0]
    check(st["bad_framing"] == 2, f"two connections closed for their framing: {st}")
    log = sw.output()
    for what in ("frame length 0 ", "frame length 70000 "):
        lines = [ln for ln in log.splitlines() if what in ln]
        check(len(lines) == 1, f"one log line for {what.strip()}: {lines}\n{log}")
    good_port = [p for p in ports_json(sw) if p["drop_oversize"]]
    check(len(good_port) == 1, f"the oversize frame counted on its port: {ports_json(sw)}")
    for s in (good, listener):
        s.close()


def test_stream_slow_reader_gets_whole_records(ctx):
    """A TCP client that does not read while a burst arrives gets short writes that cut records:
    every record it then reads is whole, in order and never doubled (drops are allowed: its
    backlog is bounded)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    sw = ctx.switch(args=["-port", f"transport=stream,listen=127.0.0.1,port={port}"])
    sender, slow = _stream_client(("127.0.0.1", port)), _stream_client(("127.0.0.1", port))
    body = lambda i: struct.pack(">I", i) + bytes([i & 0xff]) * (1000 + i % 480)
    # Far more than the kernel's socket buffers hold (up to 4 MiB for TCP), so that the switch's
    # writes to the slow client are cut and its backlog overflows.
    total = 12000
    for i in range(total):
        sender.sendall(_record(_frame(1, body(i))))
    time.sleep(1)
    seen, last = 0, -1
    slow.settimeout(2)
    try:
        while True:
            f = _read_record(slow)
            i = struct.unpack(">I", f[14:18])[0]
            check(f == _frame(1, body(i)), f"record {i} arrived whole")
            check(i > last, f"record {i} after {last}: in order, never twice")
            last, seen = i, seen + 1
    except socket.timeout:
        pass
    check(100 < seen < total, f"the slow reader got {seen} records of {total}")
    p = [p for p in ports_json(sw) if p["tx_frames"] == seen]
    check(len(p) == 1 and p[0]["drop_full"] == total - seen,
          f"the slow port sent what it read ({seen}) and counted the rest: {ports_json(sw)}")
    # Still in step: the next record arrives whole.
    sender.sendall(_record(_frame(1, body(5000))))
    check(_read_record(slow) == _frame(1, body(5000)), "the record after the burst")
    sender.close()
    slow.close()


def test_plug_as_stream_client_and_dgram_peer(ctx):
    """umlnet-plug devices on a switch's stream listener and dgram port: two namespaces ping."""
    sock, sw_dg, plug_dg = ctx.path("q.sock"), ctx.path("sw.dgram"), ctx.path("plug.dgram")
    ctx.switch(args=["-port", f"transport=stream,listen={sock}",
                     "-port", f"transport=dgram,src={sw_dg},dst={plug_dg}"])
    a, b = ctx.netns("a"), ctx.netns("b")
    Plug(ctx, [f"dev0=transport=stream,connect={sock}"], netns=a, name="plug-a")
    Plug(ctx, [f"dev0=transport=dgram,src={plug_dg},dst={sw_dg}"], netns=b, name="plug-b")
    a.sh("ip addr add 10.79.0.1/24 dev dev0 && ip link set dev0 up")
    b.sh("ip addr add 10.79.0.2/24 dev dev0 && ip link set dev0 up")
    ping_ok(a.sh("ping -c 3 -W 5 10.79.0.2", timeout=30).stdout, "stream plug -> dgram plug")
