"""QEMU's socket backends on our switch (doc/qemu.md): a real QEMU VM (Debian's qemu-system-x86,
TCG when KVM does not work, the image of umlnet-qemu-image) and a real UML guest on one switch
ping each other both ways and move 1 MiB each way byte-exact, over -netdev stream (the switch
listening; the switch connecting, with QEMU restarted in the middle), -netdev dgram (unix),
-netdev vde (through the switch's libvdeplug compatibility), -netdev l2tpv3 with cookies and
-netdev socket,mcast= (in a namespace). Malformed stream framing closes only the offending
connection while another stream port keeps working.

Every VM boot costs seconds under TCG: each test boots one VM and reuses it where it can."""

import hashlib
import json
import os
import socket
import struct
import time

import umlnet_harness as h
from umlnet_harness import check
from qemu_vm import QemuVM
from transport_helpers import NsGuest, _guest_digest_when_done, mcast_ns, ping_ok, random_file

VM_IP, UML_IP = "10.77.0.2", "10.77.0.1"
MB = 1 << 20


def uml_guest(ctx, sw, netns=None):
    g = NsGuest(ctx, "uml", netns, [f"daemon,fe:fd:0a:4d:00:01,unix,{sw.ctl}"])
    return g


def boot_pair(ctx, sw, netdev, netns=None, vm_first=None):
    """A UML guest on sw's daemon socket and a VM with one NIC on netdev, both configured."""
    g = uml_guest(ctx, sw, netns)
    vm = QemuVM(ctx, "vm", [netdev], [f"{VM_IP}/24"], netns=netns).start()
    g.wait_ready()
    g.ok(f"ip addr add {UML_IP}/24 dev eth0 && ip link set eth0 up")
    vm.wait_ready()
    return g, vm


def ping_both(g, vm, what):
    # The first exchange also waits for ARP and for the switch to learn both sides.
    vm.run(f"ping -c 2 -W 5 {UML_IP}", check_rc=False, timeout=30)
    ping_ok(g.ok(f"ping -c 3 -W 5 {VM_IP}", timeout=40), f"{what}: UML guest -> VM")
    out = vm.ok(f"ping -c 3 -W 5 {UML_IP}", timeout=40)
    check(" 0% packet loss" in out, f"{what}: VM -> UML guest:\n{out}")


def vm_to_uml(ctx, g, vm, port, size=MB):
    vm.ok(f"dd if=/dev/urandom of=/tmp/out.bin bs=1024 count={size // 1024} 2>/dev/null")
    digest = vm.ok("sha256sum /tmp/out.bin").split()[0]
    g.ok(f"rm -f /run/tmp/got.bin; (nc -l {port} > /run/tmp/got.bin &) ; sleep 0.3")
    listening = f"ss -ltn 'sport = :{port}' | grep -q LISTEN"
    h.wait_for(lambda: g.run(listening, check_rc=False)[0] == 0, 10, "UML guest's nc listening")
    vm.ok(f"nc {UML_IP} {port} < /tmp/out.bin", timeout=120)
    got = h.wait_for(lambda: _guest_digest_when_done(g, size), 60, "UML guest to get all bytes")
    check(got == digest, f"VM -> UML guest: digest differs ({got} vs {digest})")


def uml_to_vm(ctx, g, vm, port, size=MB):
    data, digest = random_file(ctx, f"to-vm-{port}.bin", size)
    vm.ok(f"rm -f /tmp/got.bin; nc -l -p {port} > /tmp/got.bin 2>/dev/null &")
    time.sleep(0.5)
    g.ok(f"nc -N -w 30 {VM_IP} {port} < {data}", timeout=120)

    def done():
        rc, out = vm.run(f"test $(stat -c %s /tmp/got.bin) -ge {size} && sha256sum /tmp/got.bin",
                         check_rc=False)
        return out.split()[0] if rc == 0 and out.strip() else None
    got = h.wait_for(done, 60, "the VM to get all bytes", interval=0.5)
    check(got == digest, f"UML guest -> VM: digest differs ({got} vs {digest})")


def exchange(ctx, g, vm, what, port=7000):
    ping_both(g, vm, what)
    vm_to_uml(ctx, g, vm, port)
    uml_to_vm(ctx, g, vm, port + 1)


def ports_json(sw):
    return json.loads(sw.ctl_cmd("-j", "ports"))


def status_json(sw):
    return json.loads(sw.ctl_cmd("-j", "status"))


def port_of_kind(sw, kind):
    ports = [p for p in ports_json(sw) if p["kind"] == kind]
    check(len(ports) == 1, f"one {kind} port expected: {ports}")
    return ports[0]


def test_stream_switch_listens(ctx):
    sock = ctx.path("q.sock")
    sw = ctx.switch(args=["-port", f"transport=stream,listen={sock}"])
    g, vm = boot_pair(ctx, sw, f"stream,server=off,addr.type=unix,addr.path={sock}")
    exchange(ctx, g, vm, "stream (switch listens)")
    p = port_of_kind(sw, "stream")
    check(p["rx_frames"] > 700 and p["tx_frames"] > 700, f"stream port counters: {p}")
    check(sock in p["endpoint"], f"the port names its listener: {p}")
    st = status_json(sw)
    check(st["stream"][0]["accepted"] == 1, f"status: {st}")


def test_stream_switch_connects_and_follows_a_qemu_restart(ctx):
    sock = ctx.path("q-listen.sock")
    netdev = f"stream,server=on,addr.type=unix,addr.path={sock}"
    sw = ctx.switch(args=["-port", f"transport=stream,connect={sock}"])
    g, vm = boot_pair(ctx, sw, netdev)
    ping_both(g, vm, "stream (switch connects)")
    vm.stop()
    h.wait_for(lambda: not status_json(sw)["stream"][0]["up"], 10, "the switch to see QEMU gone")
    vm = QemuVM(ctx, "vm2", [netdev], [f"{VM_IP}/24"]).start().wait_ready()
    h.wait_for(lambda: status_json(sw)["stream"][0]["up"], 10, "the switch to reconnect")
    exchange(ctx, g, vm, "stream (switch connects, after QEMU's restart)")
    st = status_json(sw)["stream"][0]
    check(st["connects"] == 2, f"two connections, one per QEMU: {st}")
    check(sw.output().count("trying again every second") <= 1, "one log line per outage")


def test_dgram_unix(ctx):
    sw_path, vm_path = ctx.path("sw.dgram"), ctx.path("vm.dgram")
    sw = ctx.switch(args=["-port", f"transport=dgram,src={sw_path},dst={vm_path}"])
    g, vm = boot_pair(ctx, sw, f"dgram,local.type=unix,local.path={vm_path},"
                               f"remote.type=unix,remote.path={sw_path}")
    exchange(ctx, g, vm, "dgram (unix)")
    p = port_of_kind(sw, "dgram")
    check(p["rx_frames"] > 700 and p["tx_frames"] > 700 and vm_path in p["endpoint"],
          f"dgram port: {p}")


def _frame(src_mac_last, payload=b"x" * 50):
    return b"\xff" * 6 + bytes([0xfe, 0xfd, 0, 0, 0, src_mac_last]) + b"\x88\xb5" + payload


def _record(frame):
    return struct.pack(">I", len(frame)) + frame


def _stream_client(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
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
