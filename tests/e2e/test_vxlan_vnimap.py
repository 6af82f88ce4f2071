"""A VXLAN trunk with a VNI map (doc/vxlan.md §6.1): `vni=100:10,200:20` makes one trunk carry two
segments, VNI 100 as the switch's VLAN 10 and VNI 200 as VLAN 20. Two namespaces as hosts joined
by a veth, each with our uml_switch and clients on access ports of VLANs 10 and 20; and a Linux
vxlan device of VNI 100 that meets VLAN 10 only. Everything lives in namespaces the test makes."""

import json
import subprocess
import time

from umlnet_harness import check, program
from transport_helpers import Plug, ns_addr
from vxlan_helpers import capture, trunk_status, vtep_switch, vxlan_spec

MAP = "100:10,200:20"


def hosts(ctx):
    """Namespaces A (10.99.7.1 on u0) and B (10.99.7.2 on u0) joined by one veth."""
    a, b = ctx.netns("hostA"), ctx.netns("hostB")
    a.sh(f"ip link add u0 type veth peer name u0 netns {b.name}")
    for ns, ip in ((a, "10.99.7.1"), (b, "10.99.7.2")):
        ns.sh(f"ip addr add {ip}/24 dev u0 && ip link set u0 up")
    return a, b


def client(ctx, sw, host, vid, ip, name):
    """A namespace whose eth0 (ip/24) is a umlnet-plug on sw, put on access VLAN vid. The plug
    runs in the switch's namespace host (the daemon protocol's abstract sockets live there)."""
    ns = ctx.netns(name)
    plug = Plug(ctx, [f"eth0=daemon,,unix,{sw.ctl}"], netns=ns, run_in=host, name=f"plug-{name}")
    ns_addr(ns, ip)
    port = [p["port"] for p in json.loads(sw.ctl_cmd("-j", "ports")) if p["pid"] == plug.pid]
    check(len(port) == 1, f"no port for {name}")
    out = sw.ctl_cmd("vlan", str(port[0]), str(vid))
    check(out.strip() == f"port {port[0]}: vlan={vid}", f"vlan {vid} for {name}: {out}")
    return ns


def mac_of(ns):
    return ns.sh("cat /sys/class/net/eth0/address").stdout.strip()


def inner_sources(capture_text):
    """{VNI: set of inner source MACs} from `tcpdump -e` of the underlay: tcpdump decodes VXLAN
    on 4789 as "... VXLAN, flags [I] (0x08), vni N" and the inner frame on the next line."""
    lines = capture_text.splitlines()
    found = {}
    for i, line in enumerate(lines[:-1]):
        if "VXLAN" in line and "vni " in line:
            vni = line.rsplit("vni ", 1)[1].split()[0]
            found.setdefault(vni, set()).add(lines[i + 1].split()[0])
    return found


def ping(ns, ip, count=2):
    r = ns.sh(f"ping -c {count} -i 0.2 -W 1 {ip}", check_rc=False)
    return r.returncode == 0 and " 0% packet loss" in r.stdout


def trunk_port(sw):
    found = [p for p in json.loads(sw.ctl_cmd("-j", "ports")) if p["kind"] == "vxlan"]
    check(len(found) == 1, f"vxlan ports: {found}")
    return found[0]


def test_vxlan_vnimap_two_hosts(ctx):
    """Clients of VLAN 10 reach each other across the hosts, VLAN 20 likewise, never across
    VLANs; the trunk is a VLAN trunk of 10 and 20, learns per VNI, and the underlay carries VLAN
    10 as VNI 100 and VLAN 20 as VNI 200, untagged inside."""
    a, b = hosts(ctx)
    sws = {ns: vtep_switch(ctx, f"sw-{tag}", ns, vxlan_spec(MAP, local, [remote]))
           for ns, tag, local, remote in ((a, "A", "10.99.7.1", "10.99.7.2"),
                                          (b, "B", "10.99.7.2", "10.99.7.1"))}
    for sw in sws.values():
        t = trunk_port(sw)
        check(t["vlan_mode"] == "trunk" and t["vlans"] == [10, 20], f"trunk port: {t}")
        check("its VNI map" in sw.output(), f"switch log:\n{sw.output()}")
    a10 = client(ctx, sws[a], a, 10, "10.70.0.11", "a10")
    a20 = client(ctx, sws[a], a, 20, "10.70.0.21", "a20")
    b10 = client(ctx, sws[b], b, 10, "10.70.0.12", "b10")
    b20 = client(ctx, sws[b], b, 20, "10.70.0.22", "b20")

    wire = capture(ctx, a, "tcpdump-u0", ["-i", "u0", "-e", "udp port 4789"])
    check(ping(a10, "10.70.0.12"), "a10 -> b10 (VLAN 10 across the hosts)")
    check(ping(b20, "10.70.0.21"), "b20 -> a20 (VLAN 20 across the hosts)")
    check(not ping(a10, "10.70.0.22"), "a10 (VLAN 10) reached b20 (VLAN 20)")
    check(not ping(b20, "10.70.0.11"), "b20 (VLAN 20) reached a10 (VLAN 10)")
    check(not ping(a20, "10.70.0.12"), "a20 (VLAN 20) reached b10 (VLAN 10)")
    time.sleep(0.5)
    wire.stop()
    # Each segment under its own VNI, untagged inside (tcpdump -e shows a tag as "802.1Q").
    seen = inner_sources(wire.output())
    check(seen.get("100") == {mac_of(a10), mac_of(b10)} and
          seen.get("200") == {mac_of(a20), mac_of(b20)} and set(seen) == {"100", "200"},
          f"inner sources per VNI: {seen}\n{wire.output()[-3000:]}")
    check("802.1Q" not in wire.output(), f"a tag on the underlay:\n{wire.output()[-3000:]}")

    for sw in sws.values():
        st = trunk_status(sw)
        check(st["vx"]["learned"] >= 2 and st["vx"]["wrong-vni"] == 0 and
              st["vx"]["unmapped"] == 0, f"trunk: {st['endpoint']}")
        macs = [m for m in json.loads(sw.ctl_cmd("-j", "macs"))
                if m["port"] == trunk_port(sw)["port"]]
        check({m["vlan"] for m in macs} == {10, 20}, f"MACs behind the trunk: {macs}")
    # The trunk's VLANs come from its map: the management socket may not change them.
    n = trunk_port(sws[a])["port"]
    r = subprocess.run([program("uml_switchctl"), "-s", sws[a].ctl, "vlan", str(n), "10"],
                       capture_output=True, text=True, timeout=10)
    check(r.returncode == 1 and "takes its VLANs from its VNI map" in r.stderr,
          f"vlan on the mapped trunk: {r.returncode} {r.stderr!r}")


def test_vxlan_vnimap_against_linux(ctx):
    """A Linux vxlan device of VNI 100 on host B (10.70.0.31) reaches our VLAN 10 client on
    host A and not the VLAN 20 one; a Linux device of VNI 300, which our map lacks, is dropped
    and counted as wrong-vni; our VLAN 20 traffic reaches B as VNI 200, which Linux has not."""
    a, b = hosts(ctx)
    sw = vtep_switch(ctx, "sw-A", a, vxlan_spec(MAP, "10.99.7.1", ["10.99.7.2"]))
    a10 = client(ctx, sw, a, 10, "10.70.0.11", "a10")
    a20 = client(ctx, sw, a, 20, "10.70.0.21", "a20")
    b.sh("ip link add vx100 type vxlan id 100 dstport 4789 local 10.99.7.2 remote 10.99.7.1 "
         "dev u0 && ip addr add 10.70.0.31/24 dev vx100 && ip link set vx100 up")
    b.sh("ip link add vx300 type vxlan id 300 dstport 4789 local 10.99.7.2 remote 10.99.7.1 "
         "dev u0 && ip addr add 10.71.0.31/24 dev vx300 && ip link set vx300 up")

    wire = capture(ctx, b, "tcpdump-u0", ["-i", "u0", "-e", "udp port 4789"])
    check(ping(b, "10.70.0.11"), "Linux VNI 100 -> our VLAN 10 client")
    check(ping(a10, "10.70.0.31"), "our VLAN 10 client -> Linux VNI 100")
    check(not ping(b, "10.70.0.21"), "Linux VNI 100 reached our VLAN 20 client")
    check(not ping(a20, "10.70.0.31"), "our VLAN 20 client reached Linux VNI 100")
    b.sh("ping -c 2 -i 0.2 -W 1 10.71.0.99", check_rc=False)  # VNI 300: floods ARP to us
    time.sleep(0.5)
    wire.stop()
    # Under VNI 100 only Linux's vx100 and our VLAN 10 client speak; our VLAN 20 client's
    # frames come as VNI 200, which Linux has no device for.
    seen = inner_sources(wire.output())
    linux = b.sh("cat /sys/class/net/vx100/address").stdout.strip()
    check(seen.get("100") == {linux, mac_of(a10)} and mac_of(a20) not in seen.get("100") and
          "300" in seen, f"inner sources per VNI: {seen}\n{wire.output()[-3000:]}")
    check(seen.get("200", {mac_of(a20)}) == {mac_of(a20)}, f"VNI 200: {seen}")
    st = trunk_status(sw)
    check(st["vx"]["wrong-vni"] >= 1, f"VNI 300 not counted: {st['endpoint']}")
    fdb = b.sh("bridge fdb show dev vx100").stdout
    check(any(l.startswith(mac_of(a10)) and "dst 10.99.7.1" in l for l in fdb.splitlines()),
          f"Linux did not learn our VLAN 10 client behind us:\n{fdb}")


def test_vxlan_vnimap_bad_maps(ctx):
    """Bad VNI maps, and a VLAN setting on a mapped trunk: uml_switch exits 2 with one line
    naming the field."""
    cases = {
        "vni=100:10,100:20": "vni map '100:20': VNI 100 is mapped twice",
        "vni=100:10,200:10": "vni map '200:10': VLAN 10 is mapped twice",
        "vni=100:0": "vni map '100:0': VLAN is not a number in 1..4094",
        "vni=100:4095": "vni map '100:4095': VLAN is not a number in 1..4094",
        "vni=16777216:10": "vni map '16777216:10': VNI is not a number in 0..16777215",
        "vni=100:10,200": "vni map '200': not VNI:VLAN",
        "vni=100:10,200:20,remote=10.0.0.2,vlan=10": "a VXLAN trunk with a VNI map",
    }
    for i, (keys, want) in enumerate(cases.items()):
        spec = f"transport=vxlan,{keys}" + ("" if "remote=" in keys else ",remote=10.0.0.2")
        r = subprocess.run([program("uml_switch"), "-unix", ctx.path(f"bad{i}.ctl"),
                            "-port", spec], capture_output=True, text=True, timeout=10)
        err = r.stderr.strip()
        check(r.returncode == 2 and len(err.splitlines()) == 1 and want in err,
              f"{spec}: exit {r.returncode}, stderr:\n{err}")
