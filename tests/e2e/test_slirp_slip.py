"""umlnet-slirp as the program of UML's slirp transport (eth0=slirp,,umlnet-slirp,...): SLIP on
the socketpair the kernel hands it, libslirp behind. Servers run on the host's loopback only."""

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "harness"))
from slirp_helpers import (GUEST_DNS_QUERY, DnsResponder, TcpServer, free_port,  # noqa: E402
                           pattern, slip_guest_up, slirp_spec)
import umlnet_harness as h  # noqa: E402
from umlnet_harness import check, wait_for  # noqa: E402

MIB = 1024 * 1024


def slirp_guest(ctx, name, *args, run_as=None):
    g = ctx.guest(name, [slirp_spec(*args)], run_as=run_as)
    g.wait_ready()
    slip_guest_up(g)
    return g


def test_tcp_host_loopback_both_ways(ctx):
    """8 MiB each way between the guest and a server on the host's 127.0.0.1, via 10.0.2.2."""
    data = pattern(8 * MIB, seed=7)
    sink, source = TcpServer("sink"), TcpServer("source", data)
    try:
        g = slirp_guest(ctx, "tcp", "--host-loopback")
        out = g.ok(f"head -c {8 * MIB} /dev/urandom > /run/tmp/up && sha256sum /run/tmp/up && "
                   f"nc -N 10.0.2.2 {sink.port} < /run/tmp/up && echo SENT", timeout=120)
        check("SENT" in out, f"upload failed:\n{out}")
        wait_for(lambda: sink.results, 20, "the host server to finish reading")
        want = out.split()[0]
        check(sink.results[0] == (8 * MIB, want),
              f"host received {sink.results[0]}, guest sent {8 * MIB} bytes sha256 {want}")
        out = g.ok(f"nc 10.0.2.2 {source.port} < /dev/null | sha256sum", timeout=120)
        check(out.split()[0] == hashlib.sha256(data).hexdigest(),
              f"guest received sha256 {out.split()[0]}, host sent "
              f"{hashlib.sha256(data).hexdigest()}")
    finally:
        sink.close()
        source.close()


def config_file(lines):
    """A config file at a path without '_' (the kernel would turn it into a space; the test
    directory's name holds the test's name, with underscores). Removed by the caller."""
    d = tempfile.mkdtemp(prefix="umlnetslirp")
    while "_" in d:  # mkdtemp's random part may hold one
        os.rmdir(d)
        d = tempfile.mkdtemp(prefix="umlnetslirp")
    path = os.path.join(d, "slirp.conf")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.chmod(d, 0o755)
    return d, path


def test_hostfwd_tcp_and_udp(ctx):
    """Host ports forwarded with --hostfwd reach servers inside the guest: TCP given on the
    kernel command line, UDP (QEMU syntax) from a --config file."""
    tport, uport = free_port(), free_port(kind=socket.SOCK_DGRAM)
    d, conf = config_file(["# forwards", f"hostfwd udp:127.0.0.1:{uport}-:9090"])
    try:
        g = slirp_guest(ctx, "fwd", f"--hostfwd=tcp:{tport}:8080", f"--config={conf}")
    finally:
        shutil.rmtree(d)
    g.ok("(nc -l 8080 > /run/tmp/got; echo done > /run/tmp/got.done) > /dev/null 2>&1 &")
    g.ok("(nc -u -l 9090 > /run/tmp/udp) > /dev/null 2>&1 &")
    data = pattern(2 * MIB, seed=3)
    time.sleep(0.5)
    with socket.create_connection(("127.0.0.1", tport), timeout=10) as c:
        c.sendall(data)
        c.shutdown(socket.SHUT_WR)
        c.settimeout(20)
        c.recv(1)
    out = g.ok("for i in $(seq 50); do [ -e /run/tmp/got.done ] && break; sleep 0.2; done; "
               "sha256sum /run/tmp/got")
    check(out.split()[0] == hashlib.sha256(data).hexdigest(),
          f"guest server got sha256 {out.split()[0]}, host sent {hashlib.sha256(data).hexdigest()}")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.sendto(b"udp-through-slirp\n", ("127.0.0.1", uport))
    out = g.ok("for i in $(seq 25); do [ -s /run/tmp/udp ] && break; sleep 0.2; done; "
               "cat /run/tmp/udp")
    check("udp-through-slirp" in out, f"UDP forward did not arrive; guest saw: {out!r}")


def test_dns_via_10_0_2_3(ctx):
    """--dns sends the guest's queries for 10.0.2.3 to a resolver of the test on loopback."""
    dns = DnsResponder("192.0.2.77")
    try:
        g = slirp_guest(ctx, "dns", f"--dns=127.0.0.1:{dns.port}", "--host-loopback")
        g.ok(f"cat > /run/tmp/q.py <<'EOF'\n{GUEST_DNS_QUERY}\nEOF")
        out = g.ok("python3 /run/tmp/q.py 10.0.2.3 probe.umlnet.test")
        check("ANSWER 192.0.2.77" in out, f"expected the test resolver's answer, got:\n{out}")
        check(len(dns.queries) == 1 and b"\x05probe\x06umlnet\x04test" in dns.queries[0],
              f"the test resolver saw {dns.queries!r}")
    finally:
        dns.close()


def test_restrict_blocks_outbound_keeps_forwards(ctx):
    """--restrict: the guest cannot connect out (not even to the host via 10.0.2.2), while a
    host → guest forward still works. Without it the same connect succeeds (first test; host
    loopback is on here so that it is --restrict that refuses)."""
    sink = TcpServer("sink")
    tport = free_port()
    try:
        g = slirp_guest(ctx, "restrict", "--restrict", "--host-loopback",
                        f"--hostfwd=tcp:{tport}:8080")
        rc, out = g.run(f"echo hi | nc -N -w 3 10.0.2.2 {sink.port}", check_rc=False)
        check(rc != 0, f"connect to 10.0.2.2:{sink.port} succeeded in restrict mode:\n{out}")
        time.sleep(0.5)
        check(sink.connections == 0, "the host server saw a connection from a restricted guest")
        g.ok("(nc -l 8080 > /run/tmp/got; echo done > /run/tmp/got.done) > /dev/null 2>&1 &")
        time.sleep(0.5)
        with socket.create_connection(("127.0.0.1", tport), timeout=10) as c:
            c.sendall(b"allowed-inbound\n")
            c.shutdown(socket.SHUT_WR)
            c.settimeout(20)
            c.recv(1)
        out = g.ok("for i in $(seq 50); do [ -e /run/tmp/got.done ] && break; sleep 0.2; done; "
                   "cat /run/tmp/got")
        check("allowed-inbound" in out, f"forward into a restricted guest failed: {out!r}")
    finally:
        sink.close()


def test_ifdown_exits_promptly(ctx):
    """The kernel waits for the program at `ip link set eth0 down`: it must exit on EOF, and
    nothing but SLIP may reach the guest (a banner would show as a bogus packet)."""
    g = slirp_guest(ctx, "down", "-v")
    g.ok("ping -c 2 -W 2 10.0.2.2")
    snmp = g.ok("cat /proc/net/snmp").splitlines()
    ip = dict(zip(snmp[0].split()[1:], snmp[1].split()[1:]))
    check(ip["InHdrErrors"] == "0" and ip["InAddrErrors"] == "0",
          f"the guest's IP layer saw bad packets from the SLIP link: {ip}")
    pids = subprocess.run(["pgrep", "-s", str(g.pid), "-x", "umlnet-slirp"], capture_output=True,
                          text=True).stdout.split()
    check(len(pids) == 1, f"expected one umlnet-slirp in the guest's session, found {pids}")
    t = time.monotonic()
    g.ok("ip link set eth0 down", timeout=20)
    took = time.monotonic() - t
    check(took < 5, f"ifconfig down took {took:.1f} s")
    check(not os.path.exists(f"/proc/{pids[0]}"), "umlnet-slirp still runs after ifdown")
    log = g.console()
    check("umlnet-slirp: slip:" in log, f"no exit statistics on stderr:\n{log[-1500:]}")
    check("0 non-IPv4 in" in log, f"the guest sent something that was not IPv4:\n{log[-1500:]}")


def proc_ids(pid):
    """(uids, gids) of a process: the real, effective, saved and fs ids from /proc."""
    with open(f"/proc/{pid}/status") as f:
        fields = dict(l.split(":", 1) for l in f.read().splitlines() if ":" in l)
    return fields["Uid"].split(), fields["Gid"].split()


def test_host_loopback_closed_by_default_and_not_root(ctx):
    """Security: without --host-loopback the guest cannot reach a listener on the host's
    127.0.0.1 through 10.0.2.2 (the first test shows it can with the option), while the gateway
    itself still answers; and umlnet-slirp, started as root by the root-run UML kernel, gives
    up root after set-up (the default --user nobody)."""
    sink = TcpServer("sink")
    try:
        # Host root: what is tested is umlnet-slirp dropping the root it got from a root-run
        # UML kernel (as the test user's guest, it never has root to drop).
        g = slirp_guest(ctx, "closed", run_as=h.AS_ROOT if os.geteuid() == 0 else None)
        g.ok("ping -c 1 -W 2 10.0.2.2")
        rc, out = g.run(f"echo hi | nc -N -w 3 10.0.2.2 {sink.port}", check_rc=False)
        check(rc != 0, f"the guest reached the host's 127.0.0.1:{sink.port}:\n{out}")
        time.sleep(0.5)
        check(sink.connections == 0, "the host's loopback server saw the guest's connection")
        pids = subprocess.run(["pgrep", "-s", str(g.pid), "-x", "umlnet-slirp"],
                              capture_output=True, text=True).stdout.split()
        check(len(pids) == 1, f"expected one umlnet-slirp in the guest's session, found {pids}")
        if os.geteuid() == 0:
            uids, gids = proc_ids(pids[0])
            check(uids == ["65534"] * 4 and gids == ["65534"] * 4,
                  f"umlnet-slirp started as root runs as uids {uids} gids {gids}")
    finally:
        sink.close()
