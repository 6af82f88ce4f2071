"""A synthetic client of the daemon (uml_switch) protocol, for tests and nothing else.

It does what the UML kernel does (doc/daemon-protocol.md §3): binds its data socket to
a 108-byte abstract name with the full address length, sends the 124-byte version 3 request in
one write, and reads the 110-byte reply naming the switch's data socket.
"""

import os
import socket
import struct

MAGIC = 0xFEEDFACE
_serial = [0]


def frame(dst, src, payload=b"", ethertype=0x88B5):
    """An Ethernet frame; dst/src as bytes or 'xx:xx:..' text."""
    def mac(m):
        return bytes.fromhex(m.replace(":", "")) if isinstance(m, str) else m
    return mac(dst) + mac(src) + struct.pack("!H", ethertype) + payload


def v3_request(name108):
    return struct.pack("<III", MAGIC, 3, 0) + struct.pack("<H", socket.AF_UNIX) + name108 + b"\0\0"


class DaemonClient:
    def __init__(self, ctl, request=None, connect_back=False):
        _serial[0] += 1
        self.name = (b"\0umlnet-test-client/%d/%d" % (os.getpid(), _serial[0])).ljust(108, b"\0")
        self.data = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.data.bind(self.name)
        self.ctl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.ctl.settimeout(5)
        self.ctl.connect(ctl)
        self.ctl.sendall(request if request is not None else v3_request(self.name))
        reply = b""
        while len(reply) < 110:
            chunk = self.ctl.recv(110 - len(reply))
            if not chunk:
                raise ConnectionError(f"switch closed the connection after {len(reply)} reply bytes")
            reply += chunk
        family, = struct.unpack("<H", reply[:2])
        assert family == socket.AF_UNIX, reply
        self.switch_addr = reply[2:]
        if connect_back:
            self.data.connect(self.switch_addr)

    def send(self, data):
        return self.data.sendto(data, self.switch_addr)

    def recv(self, timeout=2.0):
        """One frame, or None after timeout seconds."""
        self.data.settimeout(timeout)
        try:
            return self.data.recv(65536)
        except socket.timeout:
            return None

    def recv_all(self, timeout=0.5):
        frames = []
        while True:
            f = self.recv(timeout)
            if f is None:
                return frames
            frames.append(f)

    def close(self):
        self.ctl.close()
        self.data.close()
