"""uml_net, slip (eth0=slip,<gate>) on a host without the SLIP line discipline (this one:
/proc/tty/ldiscs lists only n_tty and n_null, and modules cannot be loaded); and, last, the
native N_SLIP path inside a UML guest whose kernel loads slip.ko, the guest playing the host.

Our uml_net emulates the host's SLIP interface in user space: a TUN device sl<N> with the host
set-up, and a relay (running as the caller) between the pty slave and the TUN. The relay is
proven here without the kernel, by speaking SLIP on the pty master ourselves. With the real
kernel, `slip up` succeeds but the kernel then asks the pty for its interface name
(SIOCGIFNAME), which only a real SLIP line answers: it prints `get_ifname failed, err = 25`
and fails the open, so a guest cannot bring a slip interface up on such a host whatever the
helper does. The tests check exactly that, and that nothing is left behind. The classic helper
fails earlier, at TIOCSETD.
"""

import base64
import inspect
import os
import pty
import select
import socket
import struct
import subprocess
import time
import tty

from umlnet_harness import Skip, check, program, wait_for
import hostnet_helpers as hn

END, ESC, ESC_END, ESC_ESC = 0xC0, 0xDB, 0xDC, 0xDD


def slip_encode(pkt):
    out = bytearray([END])
    for b in pkt:
        out += bytes([ESC, ESC_END]) if b == END else bytes([ESC, ESC_ESC]) if b == ESC else bytes([b])
    return bytes(out + bytes([END]))


def slip_packets(data):
    pkts, cur, esc = [], bytearray(), False
    for b in data:
        if b == END:
            if cur:
                pkts.append(bytes(cur))
            cur, esc = bytearray(), False
        elif b == ESC:
            esc = True
        else:
            cur.append({ESC_END: END, ESC_ESC: ESC}.get(b, b) if esc else b)
            esc = False
    return pkts


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def echo_reply(req):
    """The ICMP echo reply to an IPv4 echo request (no options)."""
    ihl = (req[0] & 15) * 4
    icmp = bytearray(req[ihl:])
    icmp[0] = 0
    icmp[2:4] = b"\0\0"
    icmp[2:4] = struct.pack("!H", csum(bytes(icmp)))
    ip = bytearray(req[:ihl])
    ip[12:16], ip[16:20] = req[16:20], req[12:16]
    ip[10:12] = b"\0\0"
    ip[10:12] = struct.pack("!H", csum(bytes(ip)))
    return bytes(ip + icmp)


def echo_request(src, dst, payload=b"umlnet-slip"):
    """An IPv4 ICMP echo request src -> dst (dotted quads)."""
    icmp = bytearray(struct.pack("!BBHHH", 8, 0, 0, 0x5155, 1) + payload)
    icmp[2:4] = struct.pack("!H", csum(bytes(icmp)))
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 7, 0, 64, 1, 0,
                               socket.inet_aton(src), socket.inet_aton(dst)))
    ip[10:12] = struct.pack("!H", csum(bytes(ip)))
    return bytes(ip + icmp)


def test_uml_net_slip_emulation_relays_ip(ctx):
    host, lan = hn.two_namespaces(ctx)
    master, slave = pty.openpty()
    tty.setraw(slave)
    ours, theirs = socket.socketpair()
    p = subprocess.Popen(["ip", "netns", "exec", host.name, program("uml_net"), "4", "slip", "up",
                          "10.77.1.1"], stdin=slave, stdout=theirs, stderr=subprocess.PIPE)
    theirs.close()
    os.close(slave)
    rc = p.wait(10)
    ours.settimeout(5)
    n = struct.unpack("=i", ours.recv(4, socket.MSG_WAITALL))[0]
    text = ours.recv(n, socket.MSG_WAITALL).rstrip(b"\0").decode()
    check(rc == 0, f"slip up exited {rc}: {text}")
    check("user-space SLIP interface" in text, f"unexpected output: {text}")
    links = host.sh("ip -d link show sl0").stdout
    check("tun type tun" in links and "UP" in links, f"no sl0 TUN:\n{links}")
    host.sh("ip route add 10.77.1.50 dev sl0")
    # host -> guest: the relay SLIP-encodes the echo request onto the line; we answer it.
    ping = subprocess.Popen(["ip", "netns", "exec", host.name, "ping", "-c", "1", "-W", "5",
                             "10.77.1.50"], stdout=subprocess.PIPE, text=True)
    buf, deadline, req = b"", time.monotonic() + 5, None
    while time.monotonic() < deadline and req is None:
        r, _, _ = select.select([master], [], [], 0.5)
        if r:
            buf += os.read(master, 4096)
            req = next((x for x in slip_packets(buf) if len(x) > 20 and x[9] == 1 and x[20] == 8),
                       None)
    check(req is not None, f"no echo request came out on the SLIP line ({len(buf)} bytes)")
    check(req[16:20] == bytes([10, 77, 1, 50]), "the packet on the line is not for the guest")
    os.write(master, slip_encode(echo_reply(req)))
    out = ping.communicate(timeout=10)[0]
    check(hn.ping_ok(out), f"the reply written as SLIP did not reach the host:\n{out}")
    # Hangup ends the relay, and the TUN with it.
    os.close(master)
    wait_for(lambda: "sl0" not in host.sh("ip -o link").stdout, 10, "sl0 to go with the line")


def _guest_slip(ctx, uml_net):
    host, lan = hn.two_namespaces(ctx)
    g = hn.ns_guest(ctx, "g", ["slip,10.77.1.1"], host, path_dir=hn.helper_dir(ctx, "g", uml_net))
    g.wait_ready()
    rc, out = g.run("ip addr add 10.77.1.50/24 dev eth0 && ip link set eth0 up", check_rc=False)
    time.sleep(0.5)
    return host, g, rc, out


def test_uml_net_slip_real_kernel_stops_at_get_ifname(ctx):
    if "slip" in open("/proc/tty/ldiscs").read():
        raise Skip("this host has the SLIP line discipline: the native path applies")
    host, g, rc, out = _guest_slip(ctx, program("uml_net"))
    console = g.console()
    check("user-space SLIP interface" in console, f"our helper did not run:\n{console[-1500:]}")
    check("get_ifname failed, err = 25" in console,
          f"expected the kernel to fail at SIOCGIFNAME:\n{console[-1500:]}")
    check(rc != 0 and "Inappropriate ioctl" in out, f"eth0 came up unexpectedly:\n{out}")
    wait_for(lambda: "sl0" not in host.sh("ip -o link").stdout, 10,
             "the emulated sl0 to go when the kernel closed the pty")


def test_classic_uml_net_slip_fails(ctx):
    if not os.path.exists(hn.CLASSIC_UML_NET):
        raise Skip("uml-utilities is not installed")
    host, g, rc, out = _guest_slip(ctx, hn.CLASSIC_UML_NET)
    console = g.console()
    check("Setting slip line discipline: Invalid argument" in console,
          f"unexpected classic slip result:\n{console[-1500:]}")
    check(rc != 0, "the classic slip came up unexpectedly")



# Runs inside a UML guest, which plays the host: it does what the UML kernel's slip transport
# (arch/um/drivers/slip_user.c) does on a host with SLIP, opening a pty, running the helper with
# the slave as its stdin, reading the helper's output record and asking the slave for its
# interface name, and then plays the far end of the line: the remote guest.
GUEST_SLIP_HOST = r'''
import fcntl, os, pty, select, subprocess, sys, time, tty
SIOCGIFNAME = 0x8910


def helper(argv, stdin=None):
    ours, theirs = socket.socketpair()
    p = subprocess.Popen(argv, stdin=stdin, stdout=theirs)
    theirs.close()
    rc = p.wait(20)
    ours.settimeout(5)
    n = struct.unpack("=i", ours.recv(4, socket.MSG_WAITALL))[0]
    return rc, ours.recv(n, socket.MSG_WAITALL).rstrip(b"\0").decode().strip()


def serve(master, done):
    """Reads the line, answering echo requests, until done(seen) or 10 s; returns the packets
    that came out of the line."""
    buf, seen, deadline = b"", [], time.monotonic() + 10
    while not done(seen) and time.monotonic() < deadline:
        if not select.select([master], [], [], 0.2)[0]:
            continue
        buf += os.read(master, 4096)
        cut = buf.rfind(bytes([END])) + 1
        pkts, buf = slip_packets(buf[:cut]), buf[cut:]
        for pkt in pkts:
            seen.append(pkt)
            if len(pkt) > 20 and pkt[9] == 1 and pkt[20] == 8:
                os.write(master, slip_encode(echo_reply(pkt)))
    return seen


prog, gate, peer = sys.argv[1:4]
master, slave = pty.openpty()
tty.setraw(slave)
print("SLIP-UP %d %s" % helper([prog, "4", "slip", "up", gate], stdin=slave))
name = fcntl.ioctl(slave, SIOCGIFNAME, bytes(16)).rstrip(b"\0").decode()
print("IFNAME", name)
print("ADD %d %s" % helper([prog, "4", "add", name, peer, "255.255.255.255"]))
ping = subprocess.Popen(["ping", "-c", "3", "-i", "0.3", "-W", "3", peer],
                        stdout=subprocess.PIPE, text=True)
serve(master, lambda seen: ping.poll() is not None)
print("PING", ping.stdout.read().replace("\n", " | "))
os.write(master, slip_encode(echo_request(peer, gate)))
is_reply = lambda p: len(p) > 20 and p[9] == 1 and p[20] == 0 and p[12:16] == socket.inet_aton(gate)
seen = serve(master, lambda seen: any(is_reply(p) for p in seen))
print("REVERSE", "reply" if any(is_reply(p) for p in seen) else "none")
'''


def _put_file(g, path, text):
    """Writes text to path in the guest in pieces: one command line of the guest's channel
    must stay under the 4 KiB a tty line holds."""
    b64 = base64.b64encode(text.encode()).decode()
    g.ok(f"rm -f {path}.b64")
    for i in range(0, len(b64), 2000):
        g.ok(f"printf %s '{b64[i:i + 2000]}' >> {path}.b64")
    g.ok(f"base64 -d {path}.b64 > {path}")


def test_uml_net_slip_native_in_guest(ctx):
    """The native N_SLIP path: a UML guest, whose kernel has slip.ko, plays the host. A script
    there does what UML's slip transport does (pty, helper on the slave, SIOCGIFNAME); our
    uml_net attaches N_SLIP and configures the guest kernel's sl0 (gate, and a claim routing the
    peer); the kernel pings the peer across the line and the peer pings the gate back."""
    g = ctx.guest("sliphost", [])
    g.wait_ready()
    g.modprobe("slip", "grep -w slip /proc/tty/ldiscs")  # and slhc
    g.ok("mountpoint -q /dev/pts || { mkdir -p /dev/pts && mount -t devpts devpts /dev/pts; }")
    funcs = "\n\n".join(inspect.getsource(f) for f in (slip_encode, slip_packets, csum,
                                                     echo_reply, echo_request))
    script = (f"import socket, struct\nEND, ESC, ESC_END, ESC_ESC = {END}, {ESC}, {ESC_END}, "
              f"{ESC_ESC}\n{funcs}\n{GUEST_SLIP_HOST}")
    _put_file(g, "/run/tmp/sliphost.py", script)
    out = g.ok(f"python3 /run/tmp/sliphost.py {program('uml_net')} 10.77.9.1 10.77.9.50",
               timeout=60)
    check("SLIP-UP 0" in out and "user-space" not in out,
          f"slip up did not take the native path:\n{out}\n{g.console()[-1500:]}")
    check("IFNAME sl0" in out, f"SIOCGIFNAME on the slave did not name sl0:\n{out}")
    check("ADD 0" in out, f"the peer's claim failed:\n{out}")
    check(" 0% packet loss" in out, f"the guest kernel could not ping across sl0:\n{out}")
    check("REVERSE reply" in out, f"the peer's echo request got no reply:\n{out}")
