"""802.1Q VLANs on our uml_switch: namespaces on access ports of different VLANs isolated, VLANs set
at run time through the management socket, a trunk carrying two VLANs to a real UML guest with
8021q sub-interfaces, and the exact bytes on access and trunk wires (tags pushed and popped,
1522-byte frames, 802.1ad passing, capture form)."""

import json
import os
import struct
import socket
import subprocess
import time

from umlnet_harness import check, program, wait_for
from transport_helpers import DaemonClient, Plug, ns_addr


def ctl(sw, *words):
    """uml_switchctl against sw: (exit status, stdout, stderr)."""
    r = subprocess.run([program("uml_switchctl"), "-s", sw.ctl] + list(words),
                       capture_output=True, text=True, timeout=10)
    return r.returncode, r.stdout, r.stderr


def ports(sw):
    return json.loads(sw.ctl_cmd("-j", "ports"))


def port_of(sw, pid):
    found = [p for p in ports(sw) if p["pid"] == pid]
    check(len(found) == 1, f"no single port of pid {pid}: {ports(sw)}")
    return found[0]


def ping(ns, ip, count=2):
    r = ns.sh(f"ping -c {count} -i 0.2 -W 1 {ip}", check_rc=False)
    return r.returncode == 0 and " 0% packet loss" in r.stdout


def test_switch_vlan_access_ports_isolated_set_at_run_time(ctx):
    """Three namespaces on one switch through the daemon protocol: all reach each other until
    the management socket puts two on VLAN 10 and one on VLAN 20; then only VLAN 10 talks. Bad
    VLAN ids are refused with one line naming the field, and the switch keeps serving."""
    sw = ctx.switch()
    nss = [ctx.netns(f"v{i}") for i in range(3)]
    plugs = [Plug(ctx, [f"eth0=daemon,,unix,{sw.ctl}"], netns=ns, name=f"plug{i}")
             for i, ns in enumerate(nss)]
    for i, ns in enumerate(nss):
        ns_addr(ns, f"10.60.0.{i + 1}")
    check(ping(nss[0], "10.60.0.3"), "before any VLAN setting, ns0 could not reach ns2")
    status = json.loads(sw.ctl_cmd("-j", "status"))
    check(status["vlan_aware"] == 0, f"VLAN-aware without settings: {status}")
    check(all(p["vlan_mode"] == "none" for p in ports(sw)), f"ports: {ports(sw)}")

    num = [port_of(sw, p.pid)["port"] for p in plugs]
    for n, vid in zip(num, (10, 10, 20)):
        rc, out, err = ctl(sw, "vlan", str(n), str(vid))
        check(rc == 0 and out.strip() == f"port {n}: vlan={vid}", f"vlan {n} {vid}: {out} {err}")
    check(ping(nss[0], "10.60.0.2"), "ns0 could not reach ns1, both on VLAN 10")
    check(not ping(nss[0], "10.60.0.3"), "ns0 (VLAN 10) reached ns2 (VLAN 20)")
    check(not ping(nss[2], "10.60.0.2"), "ns2 (VLAN 20) reached ns1 (VLAN 10)")
    by_port = {p["port"]: p for p in ports(sw)}
    check(by_port[num[2]]["vlan_mode"] == "access" and by_port[num[2]]["vlans"] == [20] and
          by_port[num[2]]["native"] == 20, f"port of ns2: {by_port[num[2]]}")
    macs = json.loads(sw.ctl_cmd("-j", "macs"))
    check({m["vlan"] for m in macs} <= {10, 20} and any(m["vlan"] == 10 for m in macs),
          f"MAC table VLANs: {macs}")
    text = sw.ctl_cmd("ports")
    check(any(" vlan=20 " in line and line.split()[0] == str(num[2])
              for line in text.splitlines()[1:]), f"ports text:\n{text}")

    bad = [("vlan", str(num[0]), "0", "vlan: '0'"), ("vlan", str(num[0]), "4095", "vlan: '4095'"),
           ("vlan", str(num[0]), "4096", "vlan: '4096'"), ("vlan", str(num[0]), "abc", "vlan: 'abc'"),
           ("trunk", str(num[0]), "10,abc", "trunk: 'abc'"),
           ("trunk", str(num[0]), "10", "native=0", "native: '0'"),
           ("vlan", "999", "10", "port '999'")]
    for *words, field in bad:
        rc, out, err = ctl(sw, *words)
        check(rc == 1 and field in err and err.count("\n") == 1,
              f"{' '.join(words)}: status {rc}, stderr {err!r}")
    status = json.loads(sw.ctl_cmd("-j", "status"))
    check(status["mgmt_refused"] == len(bad), f"mgmt_refused {status['mgmt_refused']}")
    check(sw.output().count("management: refused") == 1, f"switch log:\n{sw.output()}")
    check(ping(nss[1], "10.60.0.1"), "after the refusals, VLAN 10 no longer works")
    # Back to one VLAN at run time.
    rc, out, err = ctl(sw, "vlan", str(num[2]), "10")
    check(rc == 0, err)
    check(ping(nss[2], "10.60.0.1"), "ns2 moved to VLAN 10 could not reach ns0")


def _frame(dst, src, tag=None, size=60):
    """dst <- src, an optional (tpid, tci) tag, IPv4 type, a counting payload; size bytes."""
    head = dst + src + (struct.pack(">HH", *tag) if tag else b"") + b"\x08\x00"
    return head + bytes(i % 251 for i in range(size - len(head)))


def _pcap_frames(path):
    with open(path, "rb") as f:
        data = f.read()
    out, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        out.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return out


def test_switch_vlan_wire_forms(ctx):
    """Bytes on the wire: a trunk's 1522-byte tagged frame leaves an access port as 1518 bytes
    untagged and the other way round; priority bits survive trunk to trunk; 802.1ad passes between
    trunks untouched and never reaches an access port; frames tagged on an access port or with a
    VLAN a trunk does not allow are dropped and counted. The capture shows every frame once, with
    its VLAN as a tag."""
    pcap = ctx.path("vlan.pcap")
    sw = ctx.switch(args=["-pcap", pcap])
    trunk, access, trunk2 = DaemonClient(sw.ctl), DaemonClient(sw.ctl), DaemonClient(sw.ctl)
    try:
        wait_for(lambda: len(ports(sw)) == 3, 5, "three ports")
        for words in (("trunk", "1", "10,20"), ("vlan", "2", "10"), ("trunk", "3", "10,30-40")):
            rc, out, err = ctl(sw, *words)
            check(rc == 0, f"{words}: {err}")
        a, b, c = (bytes([2, 0, 0, 0, 0, n]) for n in (1, 2, 3))
        bcast = b"\xff" * 6
        big = _frame(bcast, a, (0x8100, 0xa00a), 1522)        # priority 5, VLAN 10
        trunk.send(big)
        got = access.frames(0.5)
        check(len(got) == 1 and got[0] == big[:12] + big[16:], f"access got {[len(g) for g in got]}")
        got3 = trunk2.frames(0.3)
        check(got3 == [big], f"the other trunk got {[g[:16].hex() for g in got3]}")
        untagged = _frame(bcast, b, None, 1518)
        access.send(untagged)
        got = trunk.frames(0.5)
        want = untagged[:12] + b"\x81\x00\x00\x0a" + untagged[12:]
        check(got == [want], f"trunk got {[(len(g), g[:16].hex()) for g in got]}")
        check(trunk2.frames(0.3) == [want], "the other trunk did not get VLAN 10 tagged")
        qinq = _frame(bcast, c, (0x88a8, 100), 1522)
        trunk2.send(qinq)
        check(trunk.frames(0.5) == [qinq], "802.1ad did not pass to the trunk untouched")
        check(access.frames(0.3) == [], "802.1ad reached an access port")
        access.send(_frame(bcast, b, (0x8100, 10), 64))
        trunk.send(_frame(bcast, a, (0x8100, 30), 64))
        trunk.send(_frame(bcast, a, None, 60))
        check(trunk2.frames(0.3) == [], "a refused frame was forwarded")
        by_port = {p["port"]: p for p in ports(sw)}
        check(by_port[2]["drop_tagged_on_access"] == 1, f"{by_port[2]}")
        check(by_port[1]["drop_vlan_not_allowed"] == 1 and
              by_port[1]["drop_untagged_no_native"] == 1, f"{by_port[1]}")
        check(by_port[1]["vlan_mode"] == "trunk" and by_port[1]["vlans"] == [10, 20] and
              by_port[1]["native"] == 0, f"{by_port[1]}")
        log = sw.output()
        for reason in ("tagged-on-access", "vlan-not-allowed", "untagged-no-native"):
            check(log.count(reason) == 1, f"'{reason}' logged {log.count(reason)} times:\n{log}")
    finally:
        for cl in (trunk, access, trunk2):
            cl.close()
    sw.stop()
    frames = _pcap_frames(pcap)
    check(frames == [big, want, qinq], f"capture: {[(len(f), f[12:16].hex()) for f in frames]}")


def test_switch_vlan_trunk_to_guest_8021q(ctx):
    """A UML guest whose port is made a trunk of VLANs 10 and 20 at run time, with eth0.10,
    eth0.20 and eth0.30 (8021q), reaches the namespaces on access ports (-port ...,vlan=N) of
    VLANs 10 and 20, full-size frames included, and not the one on VLAN 30."""
    swns = ctx.netns("sw")
    for vid in (10, 20, 30):
        swns.sh(f"ip tuntap add dev t{vid} mode tap")
    sw = ctx.switch(netns=swns, args=[a for vid in (10, 20, 30)
                                      for a in ("-port", f"tuntap,t{vid},vlan={vid}")])
    nss = {}
    for vid in (10, 20, 30):
        nss[vid] = ctx.netns(f"a{vid}")
        swns.sh(f"ip link set t{vid} netns {nss[vid].name}")
        nss[vid].sh(f"ip link set t{vid} name eth0")
        ns_addr(nss[vid], f"10.61.{vid}.2")
    tap_ports = [p for p in ports(sw) if p["kind"] == "tap"]
    check(sorted(p["vlans"][0] for p in tap_ports) == [10, 20, 30] and
          all(p["vlan_mode"] == "access" for p in tap_ports), f"tap ports: {tap_ports}")
    # Abstract unix names are per namespace: the guest runs where the switch does.
    g = ctx.guest("trunk", [f"daemon,,unix,{sw.ctl}"], netns=swns).wait_ready()
    g.modprobe("8021q", "test -d /proc/net/vlan")
    g.ok("ip link set eth0 up")  # the daemon transport attaches to the switch now
    wait_for(lambda: any(p["pid"] == g.pid for p in ports(sw)), 10, "the guest's port")
    port = port_of(sw, g.pid)["port"]
    rc, out, err = ctl(sw, "trunk", str(port), "10,20")
    check(rc == 0 and out.strip() == f"port {port}: trunk=10,20", f"trunk: {out} {err}")
    g.ok("for v in 10 20 30; do "
         "ip link add link eth0 name eth0.$v type vlan id $v && "
         "ip addr add 10.61.$v.1/24 dev eth0.$v && ip link set eth0.$v up; done")
    for vid in (10, 20):
        rc, out = g.run(f"ping -c 3 -i 0.2 -W 2 10.61.{vid}.2", check_rc=False)
        check(rc == 0 and " 0% packet loss" in out, f"guest eth0.{vid} -> VLAN {vid}:\n{out}")
        rc, out = g.run(f"ping -c 2 -i 0.2 -W 2 -s 1472 -M do 10.61.{vid}.2", check_rc=False)
        check(rc == 0 and " 0% packet loss" in out, f"full-size frames on VLAN {vid}:\n{out}")
        check(ping(nss[vid], f"10.61.{vid}.1"), f"VLAN {vid} namespace -> guest")
    rc, out = g.run("ping -c 2 -i 0.2 -W 1 10.61.30.2", check_rc=False)
    check(rc != 0, f"the guest reached VLAN 30, which its trunk does not carry:\n{out}")
    me = port_of(sw, g.pid)
    check(me["vlan_mode"] == "trunk" and me["vlans"] == [10, 20], f"guest port: {me}")
    check(me["drop_vlan_not_allowed"] > 0, f"VLAN 30 frames not counted: {me}")
    macs = json.loads(sw.ctl_cmd("-j", "macs"))
    mine = {m["vlan"] for m in macs if m["port"] == port}
    check(mine == {10, 20}, f"the guest's addresses learned in VLANs {mine}: {macs}")
    time.sleep(0.1)


def _records(conn, seconds):
    """Frames (4-byte big-endian length, then the frame) read from a stream connection."""
    conn.settimeout(0.2)
    buf, end = b"", time.time() + seconds
    while time.time() < end:
        try:
            chunk = conn.recv(65536)
        except socket.timeout:
            continue
        check(chunk, "the switch closed its stream connection")
        buf += chunk
    out = []
    while len(buf) >= 4 and len(buf) >= 4 + struct.unpack(">I", buf[:4])[0]:
        n = struct.unpack(">I", buf[:4])[0]
        out.append(buf[4:4 + n])
        buf = buf[4 + n:]
    return out


def _mac(ns):
    return bytes.fromhex(ns.sh("cat /sys/class/net/dev0/address").stdout.strip().replace(":", ""))


def test_switch_vlan_on_stream_listeners_and_connectors(ctx):
    """A stream listener's VLAN setting goes to every connection it accepts, and a connector's to
    its port on every reconnect: namespaces plugged into a listener on VLAN 10 reach each other
    and not the one on a VLAN 20 listener; the connector's peer (VLAN 10) gets VLAN 10's
    broadcasts untagged and never VLAN 20's, before and after the switch reconnects, and the
    addresses it sends from are learned in VLAN 10."""
    l10, l20, c10 = ctx.path("l10.sock"), ctx.path("l20.sock"), ctx.path("c10.sock")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(c10)
    server.listen(1)
    server.settimeout(10)
    sw = ctx.switch(args=["-port", f"transport=stream,listen={l10},vlan=10",
                          "-port", f"transport=stream,listen={l20},vlan=20",
                          "-port", f"transport=stream,connect={c10},vlan=10"])
    conn, _ = server.accept()
    nss = [ctx.netns(f"s{i}") for i in range(3)]
    for i, (ns, sock) in enumerate(zip(nss, (l10, l10, l20))):
        Plug(ctx, [f"dev0=transport=stream,connect={sock}"], netns=ns, name=f"plug{i}")
        ns_addr(ns, f"10.62.0.{i + 1}", dev="dev0")
    macs = [_mac(ns) for ns in nss]
    stream = [p for p in ports(sw) if p["kind"] == "stream"]
    check(len(stream) == 4, f"stream ports: {stream}")
    check(sorted(tuple(p["vlans"]) for p in stream) == [(10,), (10,), (10,), (20,)] and
          all(p["vlan_mode"] == "access" for p in stream), f"stream ports: {stream}")
    st = json.loads(sw.ctl_cmd("-j", "status"))["stream"]
    check([e.get("vlan") for e in st] == ["vlan=10", "vlan=20", "vlan=10"], f"stream status: {st}")
    check(ping(nss[0], "10.62.0.2"), "VLAN 10 listener: ns0 could not reach ns1")
    check(not ping(nss[0], "10.62.0.3"), "ns0 (VLAN 10) reached ns2 (VLAN 20 listener)")

    for round_ in ("first connection", "after the switch reconnected"):
        for ns, ip in ((nss[0], "10.62.0.99"), (nss[2], "10.62.0.98")):  # ARP broadcasts
            ns.sh(f"ping -c 2 -i 0.2 -W 1 {ip}", check_rc=False)
        got = _records(conn, 1.5)
        srcs = {f[6:12] for f in got}
        check(macs[0] in srcs, f"{round_}: VLAN 10's broadcast did not reach the connector")
        check(macs[2] not in srcs, f"{round_}: VLAN 20's broadcast reached the connector")
        check(all(f[12:14] != b"\x81\x00" for f in got), f"{round_}: tagged frames on access")
        conn.sendall(struct.pack(">I", 60) + _frame(b"\xff" * 6, b"\x02\x00\x00\x00\x0c\x01"))
        wait_for(lambda: any(m["mac"] == "02:00:00:00:0c:01" and m["vlan"] == 10
                             for m in json.loads(sw.ctl_cmd("-j", "macs"))), 5,
                 f"{round_}: the connector's address learned in VLAN 10")
        conn.close()
        if round_ == "first connection":
            conn, _ = server.accept()  # the switch connects again within a second or two
    server.close()
