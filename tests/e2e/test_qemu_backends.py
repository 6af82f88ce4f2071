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
