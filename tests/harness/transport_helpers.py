"""Helpers for the transport and plug end-to-end tests.

NsGuest boots a real UML guest inside one of the test's namespaces (with a PATH of our choice); Plug runs umlnet-plug and
waits until its devices are open; the TCP helpers move random bytes and compare digests.
"""

import hashlib
import os
import socket
import struct
import time

import umlnet_harness as h
from umlnet_harness import check


class NsGuest(h.Guest):
    """A Guest whose `linux` runs inside netns, optionally with a directory first in its PATH
    (where the kernel finds uml_net)."""

    def __init__(self, ctx, name, netns, eths=(), path_prepend=None, **kw):
        env = kw.pop("env", None)
        if path_prepend:
            env = dict(env or os.environ)
            env["PATH"] = path_prepend + ":" + env.get("PATH", "/usr/bin:/bin")
        super().__init__(ctx, name, eths, env=env, netns=netns, **kw)


class Plug(h.Proc):
    """umlnet-plug with devices NAME=SPEC, optionally inside a namespace of its own (run_in)."""

    def __init__(self, ctx, devs, netns=None, run_in=None, name="plug", env=None, wait=True):
        argv = [h.program("umlnet-plug")]
        if netns is not None:
            argv += ["--netns", netns.name]
        argv += list(devs)
        super().__init__(ctx, name, argv, netns=run_in, env=env)
        if wait:
            h.wait_for(lambda: "ready:" in self.output() or not self.alive(), 20, f"{name} ready")
            check(self.alive(), f"{name} exited at start:\n{self.output()}")


def mcast_ns(ctx, tag="mc"):
    """A namespace whose loopback carries multicast (the only place our multicast may go)."""
    ns = ctx.netns(tag)
    ns.sh("ip link set lo up multicast on && ip route add 224.0.0.0/4 dev lo")
    return ns


def ns_addr(ns, ip, dev="eth0"):
    ns.sh(f"ip addr add {ip}/24 dev {dev} && ip link set {dev} up")


def guest_addr(g, ip, dev="eth0"):
    g.ok(f"ip addr add {ip}/24 dev {dev} && ip link set {dev} up")


def ping_ok(out, what):
    check(" 0% packet loss" in out and "DUP!" not in out, f"{what}:\n{out}")


def random_file(ctx, name, size):
    path = ctx.path(name)
    with open(path, "wb") as f:
        f.write(os.urandom(size))
    with open(path, "rb") as f:
        return path, hashlib.sha256(f.read()).hexdigest()


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def tcp_to_ns(ctx, g, ns, ip, port, size=1 << 20, timeout=60, listen_port=None):
    """Byte-exact TCP guest -> a server in namespace ns (reached by the guest at ip:port; the
    server listens on listen_port, default port). Uses OpenBSD nc; the guest reads the host file
    through its hostfs root."""
    data, digest = random_file(ctx, f"data-{port}.bin", size)
    got = ctx.path(f"got-{port}.bin")
    lp = listen_port or port
    srv = ctx.proc(f"nc-srv-{port}", ["sh", "-c", f"nc -l {lp} > {got}"], netns=ns)
    h.wait_for(lambda: "LISTEN" in ns.sh(f"ss -ltn 'sport = :{lp}'").stdout, 10, "nc listening")
    g.ok(f"nc -N -w 20 {ip} {port} < {data}", timeout=timeout)
    h.wait_for(lambda: not srv.alive(), 20, "the namespace's nc to finish")
    check(sha256_file(got) == digest,
          f"guest -> {ip}:{port}: {os.path.getsize(got)} of {size} bytes arrived, digest differs")


def tcp_to_guest(ctx, g, ns, ip, port, size=1 << 20, timeout=60, listen_port=None):
    """Byte-exact TCP from namespace ns to a server in the guest (reached at ip:port)."""
    data, digest = random_file(ctx, f"data-g{port}.bin", size)
    lp = listen_port or port
    g.ok(f"rm -f /run/tmp/got.bin; (nc -l {lp} > /run/tmp/got.bin &) ; sleep 0.3")
    h.wait_for(lambda: g.run(f"ss -ltn 'sport = :{lp}' | grep -q LISTEN", check_rc=False)[0] == 0,
               10, "guest nc listening")
    ns.sh(f"nc -N -w 20 {ip} {port} < {data}", timeout=timeout)
    out = h.wait_for(lambda: _guest_digest_when_done(g, size), 20, "guest to receive all bytes")
    check(out == digest, f"{ip}:{port} -> guest: digest differs ({out} vs {digest})")


def tcp_both_ways(ctx, g, ns, g_ip, ns_ip, size=1 << 20, port=5555, timeout=60):
    """Byte-exact TCP transfers guest -> namespace and namespace -> guest."""
    tcp_to_ns(ctx, g, ns, ns_ip, port, size, timeout)
    tcp_to_guest(ctx, g, ns, g_ip, port + 1, size, timeout)


def _guest_digest_when_done(g, size):
    rc, out = g.run(f"test $(stat -c %s /run/tmp/got.bin) -ge {size} && sha256sum /run/tmp/got.bin",
                    check_rc=False)
    return out.split()[0] if rc == 0 and out.strip() else None


class DaemonClient:
    """A minimal daemon-protocol client (doc/daemon-protocol.md §3) for listening on a switch."""

    def __init__(self, ctl):
        self.ctl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.ctl.connect(ctl)
        self.data = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        name = b"\0umlnet-test-%d-%d" % (os.getpid(), int(time.time() * 1e6) % 1000000)
        name = name.ljust(108, b"\0")
        self.data.bind(name)
        req = struct.pack("<III", 0xfeedface, 3, 0) + struct.pack("<H", socket.AF_UNIX) + name
        self.ctl.sendall(req.ljust(124, b"\0"))
        reply = b""
        self.ctl.settimeout(5)
        while len(reply) < 110:
            chunk = self.ctl.recv(110 - len(reply))
            check(chunk, "the switch closed the control connection during the handshake")
            reply += chunk
        self.peer = reply[2:110]
        self.data.settimeout(0.2)

    def send(self, frame):
        self.data.sendto(frame, self.peer)

    def frames(self, seconds):
        out, end = [], time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                out.append(self.data.recv(4096))
            except socket.timeout:
                pass
        return out

    def close(self):
        self.data.close()
        self.ctl.close()


def helper_path(ctx, name, binary):
    """A directory holding only `name` -> binary, to put first in a PATH (the kernel and the plug
    find uml_net by bare name)."""
    d = ctx.path(f"bin-{os.path.basename(binary)}-{name}")
    os.makedirs(d, exist_ok=True)
    link = os.path.join(d, name)
    if not os.path.lexists(link):
        os.symlink(binary, link)
    return d


def env_with_path(first):
    env = dict(os.environ)
    env["PATH"] = first + ":" + env.get("PATH", "/usr/bin:/bin")
    return env


def bridge_ns(ctx, taps=(), tag="net"):
    """A namespace with bridge br0 and persistent taps enslaved to it, owned by the test user
    (the guests' user; our root programs open them as well)."""
    ns = ctx.netns(tag)
    ns.sh("ip link add br0 type bridge && ip link set br0 up")
    uid = h.test_user()[0]
    for t in taps:
        ns.sh(f"ip tuntap add dev {t} mode tap user {uid} && ip link set {t} master br0 up")
    return ns


def new_taps(ns, known):
    """Names of tun/tap devices in ns that are not in known."""
    out = ns.sh("ls /sys/class/net").stdout.split()
    return [n for n in out if n not in known and
            ns.sh(f"test -e /sys/class/net/{n}/tun_flags", check_rc=False).returncode == 0]
