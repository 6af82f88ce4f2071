"""Helpers for the umlnet-slirp tests and benchmark: host-side servers on loopback, a tiny DNS
responder, and the eth<N>= spec for the slirp transport.

Everything here listens on the host's loopback only (127.0.0.1 / ::1): slirp traffic in tests
never leaves the machine. Guests reach these servers through libslirp's host alias 10.0.2.2.
"""

import hashlib
import os
import socket
import struct
import threading

from umlnet_harness import Skip, program


def slirp_spec(*args, binary=None):
    """eth<N>= value running umlnet-slirp (or binary) with args over the slirp transport.
    The UML kernel turns every '_' into a space and splits on ',', so neither may appear."""
    binary = binary or program("umlnet-slirp")
    for word in (binary,) + args:
        if "_" in word or "," in word:
            raise Skip(f"'{word}' holds '_' or ',', which the UML kernel rewrites in slirp argv")
    return ",".join(["slirp", "", binary] + list(args))


def free_port(family=socket.AF_INET, kind=socket.SOCK_STREAM):
    with socket.socket(family, kind) as s:
        s.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
        return s.getsockname()[1]


def pattern(n, seed=1):
    """n deterministic pseudo-random bytes (fast: sha256 chained blocks, repeated)."""
    block = b"".join(hashlib.sha256(b"%d-%d" % (seed, i)).digest() for i in range(2048))
    return (block * (n // len(block) + 1))[:n]


class _LoopbackServer:
    """A socket on loopback served by a thread until close(); subclasses define _serve()."""

    def _start(self, sock):
        self.sock = sock
        self.port = sock.getsockname()[1]
        sock.settimeout(0.2)  # so that _serve() sees _stop soon after close()
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def close(self):
        self._stop = True
        self.thread.join(2)
        self.sock.close()


class TcpServer(_LoopbackServer):
    """One-connection-at-a-time TCP server on loopback, in a thread.
    mode 'sink': reads each connection to EOF and records (bytes, sha256).
    mode 'source': sends `data` on each connection, then closes it."""

    def __init__(self, mode, data=b"", family=socket.AF_INET):
        self.mode, self.data = mode, data
        self.results, self.connections = [], 0
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
        sock.listen(4)
        self._start(sock)

    def _serve(self):
        while not self._stop:
            try:
                c, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self.connections += 1
            with c:
                c.settimeout(60)
                try:
                    self._handle(c)
                except OSError as e:
                    self.results.append(("error", str(e)))

    def _handle(self, c):
        if self.mode == "source":
            c.sendall(self.data)
            c.shutdown(socket.SHUT_WR)
            return
        if self.mode == "echo":
            while True:
                b = c.recv(65536)
                if not b:
                    return
                c.sendall(b)
        h, n = hashlib.sha256(), 0
        while True:
            b = c.recv(262144)
            if not b:
                break
            h.update(b)
            n += len(b)
        self.results.append((n, h.hexdigest()))


def dns_answer(query, addr):
    """A DNS response to query (one question) with one A record addr, or None if unparsable."""
    if len(query) < 12:
        return None
    qid, _flags, qd = struct.unpack("!HHH", query[:6])
    if qd != 1:
        return None
    end = 12
    while end < len(query) and query[end] != 0:
        end += query[end] + 1
    question = query[12:end + 5]
    header = struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0)
    answer = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton(addr)
    return header + question + answer


class DnsResponder(_LoopbackServer):
    """Answers every A query on 127.0.0.1:<port>/udp with `addr`; counts the queries."""

    def __init__(self, addr="192.0.2.77"):
        self.addr, self.queries = addr, []
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        self._start(sock)

    def _serve(self):
        while not self._stop:
            try:
                q, peer = self.sock.recvfrom(2048)
            except (socket.timeout, OSError):
                continue
            self.queries.append(q)
            r = dns_answer(q, self.addr)
            if r:
                self.sock.sendto(r, peer)


# A DNS lookup run inside the guest with the host's python3 (the guest's / is the host's):
# prints the first A record the server at sys.argv[1] gives for sys.argv[2].
GUEST_DNS_QUERY = r'''
import socket, struct, sys
name = sys.argv[2]
q = struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
q += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0" + struct.pack("!HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(q, (sys.argv[1], 53))
r = s.recv(2048)
assert r[:2] == b"\x12\x34", "wrong id"
print("ANSWER", socket.inet_ntoa(r[-4:]))
'''


def slip_guest_up(g, addr="10.0.2.15"):
    """Configures a guest's SLIP eth0 the classic way: address, up, default route."""
    g.ok(f"ip addr add {addr}/24 dev eth0 && ip link set eth0 up && ip route add default dev eth0")


# A DHCP DISCOVER sent from the guest's eth0 (no address yet) with the host's python3; prints
# the OFFER's address, router, DNS server and message type (2 = OFFER).
GUEST_DHCP_DISCOVER = r'''
import socket, struct, sys, os
mac = bytes.fromhex(open("/sys/class/net/eth0/address").read().strip().replace(":", ""))
xid = 0x1234abcd
pkt = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000, b"\0"*4, b"\0"*4,
                  b"\0"*4, b"\0"*4, mac + b"\0"*10, b"\0"*64, b"\0"*128)
pkt += b"\x63\x82\x53\x63" + b"\x35\x01\x01" + b"\xff"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
s.bind(("0.0.0.0", 68))
s.settimeout(5)
s.sendto(pkt, ("255.255.255.255", 67))
while True:
    r, peer = s.recvfrom(2048)
    if struct.unpack("!I", r[4:8])[0] == xid and r[0] == 2:
        break
opts, i, t = r[240:], 0, {}
while i < len(opts) and opts[i] != 255:
    if opts[i] == 0:
        i += 1; continue
    t[opts[i]] = opts[i + 2:i + 2 + opts[i + 1]]; i += 2 + opts[i + 1]
print("OFFER", socket.inet_ntoa(r[16:20]), "router", socket.inet_ntoa(t.get(3, b"\0"*4)),
      "dns", socket.inet_ntoa(t.get(6, b"\0"*4)), "type", t.get(53, b"?")[0])
'''


def _ppid_comm(pid):
    """(parent pid, command name) of pid from /proc/<pid>/stat, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return None
    # comm is in parentheses and may hold spaces or ')': the fields follow the last ')'
    comm = s[s.index("(") + 1:s.rindex(")")]
    return int(s[s.rindex(")") + 2:].split()[1]), comm


def descendant(root, comm):
    """pid of a process named comm (as in /proc/<pid>/comm, at most 15 characters) below the
    process root, e.g. the slirp program a UML kernel started; None if there is none."""
    procs = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            pc = _ppid_comm(int(d))
            if pc:
                procs[int(d)] = pc
    for pid, (_, name) in procs.items():
        if name != comm[:15]:
            continue
        p, seen = pid, set()
        while p in procs and p not in seen:
            seen.add(p)
            p = procs[p][0]
            if p == root:
                return pid
    return None


def cpu_ns(pid):
    """CPU time (user + system) pid's main thread has used so far, in ns, from
    /proc/<pid>/schedstat (nanoseconds), or from /proc/<pid>/stat's utime + stime (clock ticks,
    10 ms) on kernels without schedstat. Both slirps are single-threaded, so that is all of it."""
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[0])
    except FileNotFoundError:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 10**9 // os.sysconf("SC_CLK_TCK")
