"""VLANs in umlnet topologies: guest and namespace devices with vlan= and trunk= put in their
VLANs by `umlnet up` through the switch's management socket (an eth device through a control
socket of its own, so one guest's devices on one switch may differ), attached devices keeping
theirs on a restarted switch, and tagged full-size frames through umlnet-plug on a trunk."""

import json
import os
import signal
import subprocess

from daemon_client import DaemonClient
from umlnet_harness import Skip, TestFailure, check, program, wait_for
from umlnet_helpers import Net, check_gone


def need_root():
    if os.geteuid() != 0:
        raise Skip("namespace guests need root")
    program("umlnet-plug")


def ns_run(ns, cmd, timeout=30):
    return subprocess.run(["ip", "netns", "exec", ns, "sh", "-c", cmd], capture_output=True,
                          text=True, timeout=timeout)


def ns_ping(ns, ip):
    r = ns_run(ns, f"ping -c 2 -i 0.2 -W 1 {ip}")
    return r.returncode == 0 and " 0% packet loss" in r.stdout


def delete_netns(names):
    for n in names:
        subprocess.run(["ip", "netns", "del", n], capture_output=True)


def test_umlnet_vlan_trunk_guest_and_access_vlans(ctx):
    """A UML guest on a trunk of VLANs 10 and 20 (8021q sub-interfaces eth0.10/.20/.30) reaches
    the UML guest on VLAN 10 and the namespace on VLAN 20, not the one on VLAN 30; a namespace on
    VLAN 20 with an address in VLAN 10's subnet does not reach the VLAN 10 guest; status shows
    every device's setting and the switch's ports carry them."""
    need_root()
    ns = {t: f"umlnet-{ctx.id}-{t}" for t in ("n20", "n30", "x20")}
    net = Net(ctx, "vl", "switch sw0\n"
                         "guest t mem=48M\n"
                         "    eth0 sw0 trunk=10,20\n"
                         "guest a mem=48M\n"
                         "    eth0 sw0 ip=10.71.10.2/24 vlan=10\n"
                         f"netns {ns['n20']}\n"
                         "    eth0 sw0 ip=10.71.20.2/24 vlan=20\n"
                         f"netns {ns['n30']}\n"
                         "    eth0 sw0 ip=10.71.30.2/24 vlan=30\n"
                         f"netns {ns['x20']}\n"
                         "    eth0 sw0 ip=10.71.10.3/24 vlan=20\n")
    try:
        net.up()
        r = net.exec("t", "modprobe 8021q && test -d /proc/net/vlan", ok=False)
        if r.returncode != 0:
            raise Skip(f"the UML guest kernel cannot load 8021q here: {r.stdout}{r.stderr}")
        net.exec("t", "for v in 10 20 30; do "
                      "ip link add link eth0 name eth0.$v type vlan id $v && "
                      "ip addr add 10.71.$v.1/24 dev eth0.$v && ip link set eth0.$v up; done")
        for ip in ("10.71.10.2", "10.71.20.2"):
            r = net.exec("t", f"ping -c 2 -i 0.2 -W 2 {ip} || ping -c 3 -i 0.2 -W 2 {ip}",
                         ok=False)
            check(" 0% packet loss" in r.stdout, f"trunk guest -> {ip}:\n{r.stdout}")
        r = net.exec("t", "ping -c 2 -i 0.2 -W 2 -s 1472 -M do 10.71.20.2", ok=False)
        check(" 0% packet loss" in r.stdout, f"full-size frames, trunk -> namespace:\n{r.stdout}")
        r = net.exec("t", "ping -c 2 -i 0.2 -W 1 10.71.30.2", ok=False)
        check(r.returncode != 0, f"the trunk guest reached VLAN 30:\n{r.stdout}")
        check(ns_ping(ns["n20"], "10.71.20.1"), "VLAN 20 namespace -> trunk guest's eth0.20")
        check(not ns_ping(ns["x20"], "10.71.10.2"),
              "a namespace on VLAN 20 reached the guest on VLAN 10")
        r = net.exec("a", "ping -c 2 -i 0.2 -W 1 10.71.10.3", ok=False)
        check(r.returncode != 0, f"the VLAN 10 guest reached VLAN 20:\n{r.stdout}")

        st = json.loads(net.umlnet("-j", "status").stdout)
        vlans = {g["name"]: g["devices"][0]["vlan"] for g in st["guests"]}
        check(vlans == {"t": "trunk=10,20", "a": "vlan=10", ns["n20"]: "vlan=20",
                        ns["n30"]: "vlan=30", ns["x20"]: "vlan=20"}, f"status VLANs: {vlans}")
        text = net.umlnet("status").stdout
        for word in ("eth0:sw0:trunk=10,20", "eth0:sw0:10.71.10.2/24:vlan=10"):
            check(word in text, f"'{word}' missing from status:\n{text}")
        ports = json.loads(subprocess.run(
            [program("uml_switchctl"), "-s", os.path.join(net.state, "sw0.ctl"), "-j", "ports"],
            capture_output=True, text=True, timeout=10).stdout)
        modes = sorted((p["vlan_mode"], tuple(p["vlans"])) for p in ports)
        check(modes == [("access", (10,)), ("access", (20,)), ("access", (20,)),
                        ("access", (30,)), ("trunk", (10, 20))], f"switch ports: {ports}")
        net.down()
        check_gone(net)
    finally:
        delete_netns(ns.values())


SEND = """
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
payload = bytes(i % 251 for i in range(1504))
frame = b"\\xff" * 6 + bytes([2, 0, 0, 0, 0, 1]) + bytes([0x81, 0, 0, 10, 0x88, 0xb5]) + payload
assert len(frame) == 1522
for _ in range(3):
    s.send(frame)
"""

RECV = """
import socket, struct, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind(("eth0", 0))
s.setsockopt(263, 8, 1)  # SOL_PACKET, PACKET_AUXDATA: the tag the kernel takes off
s.settimeout(float(sys.argv[1]))
want = bytes(i % 251 for i in range(1504))
print("ready", flush=True)
try:
    while True:
        data, anc, _, _ = s.recvmsg(4096, 64)
        vid = None
        for level, typ, val in anc:
            if level == 263 and typ == 8:
                status, _, _, _, _, tci, _ = struct.unpack("IIIHHHH", val[:20])
                vid = tci & 0xfff if status & 0x10 else None
        if data[12:14] == b"\\x81\\x00":
            vid, data = struct.unpack(">H", data[14:16])[0] & 0xfff, data[:12] + data[16:]
        if data[12:14] == b"\\x88\\xb5" and data[14:] == want:
            print(f"got vid={vid} len={len(data) + 4}")
            break
except socket.timeout:
    print("nothing")
"""


def test_umlnet_vlan_plug_passes_1522_byte_tagged_frames(ctx):
    """Two namespaces on trunk ports (umlnet-plug): a 1522-byte 802.1Q frame of VLAN 10 (a full
    1500-byte payload + 4 more, as a sub-interface of an MTU-1504 device sends) sent in one
    arrives whole in the other; the switch counts no drops."""
    need_root()
    ns = [f"umlnet-{ctx.id}-p{i}" for i in (1, 2)]
    net = Net(ctx, "vp", "switch sw0\n" + "".join(f"netns {n}\n    eth0 sw0 trunk=10\n"
                                                  for n in ns))
    try:
        net.up()
        for n in ns:
            ns_run(n, "ip link set eth0 mtu 1504")
        recv = subprocess.Popen(["ip", "netns", "exec", ns[1], "python3", "-c", RECV, "5"],
                                stdout=subprocess.PIPE, text=True)
        check(recv.stdout.readline().strip() == "ready", "receiver did not start")
        r = subprocess.run(["ip", "netns", "exec", ns[0], "python3", "-c", SEND],
                           capture_output=True, text=True, timeout=30)
        check(r.returncode == 0, f"sending: {r.stderr}")
        out = recv.communicate(timeout=15)[0].strip()
        check(out == "got vid=10 len=1522", f"the 1522-byte tagged frame: {out}")
        net.down()
        check_gone(net)
    finally:
        delete_netns(ns)


def switch_ports(net):
    r = subprocess.run([program("uml_switchctl"), "-s", os.path.join(net.state, "sw0.ctl"),
                        "-j", "ports"], capture_output=True, text=True, timeout=10)
    return json.loads(r.stdout) if r.returncode == 0 else []


def test_umlnet_vlan_settings_made_again_on_a_restarted_switch(ctx):
    """An eth (daemon) and a vec (bess) device on VLAN 10: both ports access ports of VLAN 10
    after `up`, and again on the switch the supervisor starts after a kill -9."""
    net = Net(ctx, "vr", "switch sw0\n"
                         "guest a mem=48M\n    eth0 sw0 ip=10.73.0.1/24 vlan=10\n"
                         "guest b mem=48M\n    vec0 sw0 ip=10.73.0.2/24 vlan=10\n")
    net.up()

    def on_vlan10():
        ports = switch_ports(net)
        return len(ports) == 2 and all(p["vlan_mode"] == "access" and p["vlans"] == [10]
                                       for p in ports) and ports
    check(on_vlan10(), f"ports after up: {switch_ports(net)}")
    r = net.exec("a", "ping -c 2 -i 0.2 -W 2 10.73.0.2", ok=False)
    check(" 0% packet loss" in r.stdout, f"a -> b on VLAN 10:\n{r.stdout}")
    st = json.loads(net.umlnet("-j", "status").stdout)
    old = [p["pid"] for p in st["processes"] if p["kind"] == "switch"][0]
    os.kill(old, signal.SIGKILL)
    wait_for(on_vlan10, 40, "the restarted switch's ports on VLAN 10", interval=0.2)
    # The guests make their devices again on their own (rejoin): wait for that, then ping.
    wait_for(lambda: " 0% packet loss" in net.exec(
        "a", "ping -c 2 -i 0.2 -W 1 10.73.0.2", ok=False).stdout, 40,
        "a reaching b on VLAN 10 after the restart", interval=0.5)
    check(on_vlan10(), f"ports after the restart: {switch_ports(net)}")
    net.down()
    check_gone(net)


def guest_ports(net, guest):
    """The switch ports of a guest's process: {description: (mode, vlans)}."""
    st = json.loads(net.umlnet("-j", "status").stdout)
    pid = [p["pid"] for p in st["processes"] if p["kind"] == "guest" and p["name"] == guest][0]
    return {p["description"]: (p["vlan_mode"], tuple(p["vlans"])) for p in switch_ports(net)
            if p["pid"] == pid}


def vlan_namespaces(ns, net16):
    """Topology lines for namespaces ns ({"nV": name}): each on VLAN V at net16.V.2/24."""
    return "".join(f"netns {name}\n    eth0 sw0 ip={net16}.{t[1:]}.2/24 vlan={t[1:]}\n"
                   for t, name in ns.items())


def eth1_on_vlan20_net(ctx, tag, net16):
    """Guest a with eth0 on VLAN 10 and namespaces on VLANs 10 and 20 (addresses in net16.10.0/24
    and net16.20.0/24); not up yet."""
    need_root()
    ns = {f"n{v}": f"umlnet-{ctx.id}-n{v}" for v in (10, 20)}
    return Net(ctx, tag, "switch sw0\n"
                         "guest a mem=48M\n"
                         f"    eth0 sw0 ip={net16}.10.1/24 vlan=10\n" +
               vlan_namespaces(ns, net16)), ns


A_PORTS = {"eth0": ("access", (10,)), "eth1": ("access", (20,))}


def attach_eth1_on_vlan20(net, net16):
    """Brings the network up and attaches a's eth1 on VLAN 20: its own port (named eth1 by the
    switch) is on VLAN 20, eth0's still on VLAN 10."""
    net.up()
    r = net.umlnet("attach", "a", "eth1=sw0", f"ip={net16}.20.1/24", "vlan=20")
    check("eth1 attached" in r.stdout, f"attach: {r.stdout} {r.stderr}")
    check(guest_ports(net, "a") == A_PORTS, f"a's ports: {switch_ports(net)}")


def test_umlnet_vlan_attach_device_with_its_own_vlan(ctx):
    """`umlnet attach a eth1=sw0 vlan=20` on a guest whose eth0 is on VLAN 10 of the same switch:
    the hot-plugged device's own port (not eth0's) goes to VLAN 20, so a reaches the VLAN 20
    namespace through eth1 and the VLAN 10 one through eth0, and eth1 does not reach VLAN 10.
    Bad settings are refused with one line naming the field, and no device is made."""
    net, ns = eth1_on_vlan20_net(ctx, "va", "10.74")
    try:
        attach_eth1_on_vlan20(net, "10.74")
        r = net.exec("a", "ping -c 2 -i 0.2 -W 2 -I eth1 10.74.20.2", ok=False)
        check(" 0% packet loss" in r.stdout, f"a eth1 -> VLAN 20 namespace:\n{r.stdout}")
        r = net.exec("a", "ping -c 2 -i 0.2 -W 2 -I eth0 10.74.10.2", ok=False)
        check(" 0% packet loss" in r.stdout, f"a eth0 -> VLAN 10 namespace:\n{r.stdout}")
        # An address in VLAN 10's subnet on eth1 (VLAN 20) must not reach VLAN 10.
        r = net.exec("a", "ip addr add 10.74.10.9/24 dev eth1 && "
                          "ping -c 2 -i 0.2 -W 1 -I eth1 10.74.10.2", ok=False)
        check(" 0% packet loss" not in r.stdout, f"a eth1 (VLAN 20) reached VLAN 10:\n{r.stdout}")
        for bad, field in (("vlan=4095", "vlan: '4095'"), ("trunk=10,abc", "trunk: 'abc'")):
            r = net.umlnet("attach", "a", "eth2=sw0", bad, ok=False)
            check(r.returncode == 1 and field in r.stderr and r.stderr.count("\n") == 1,
                  f"attach {bad}: {r.returncode} {r.stderr!r}")
        r = net.umlnet("attach", "a", f"eth2=daemon,,unix,{ctx.path('x.ctl')}", "vlan=10",
                       ok=False)
        check(r.returncode == 1 and "VLAN setting needs a device on a switch" in r.stderr,
              f"attach spec with vlan: {r.stderr!r}")
        r = net.exec("a", "ip link show eth2", ok=False)
        check(r.returncode != 0, f"a refused attach left eth2:\n{r.stdout}")
        net.down()
        check_gone(net)
    finally:
        delete_netns(ns.values())


def test_umlnet_vlan_one_guest_devices_differ_on_one_switch(ctx):
    """The issue's own example: guest t with `eth0 sw0 vlan=10` and `eth1 sw0 trunk=10,20` on one
    switch. Each device's port gets its own setting (the switch names them eth0 and eth1), so t
    reaches the VLAN 10 namespace untagged through eth0 and tagged through eth1.10, the VLAN 20
    one through eth1.20, not the VLAN 30 one through eth1.30; a VLAN 20 namespace with an address
    in eth0's subnet does not reach eth0. No client was refused a device socket."""
    need_root()
    ns = {f"n{v}": f"umlnet-{ctx.id}-n{v}" for v in (10, 20, 30)}
    net = Net(ctx, "vd", "switch sw0\n"
                         "guest t mem=48M\n"
                         "    eth0 sw0 ip=10.76.10.1/24 vlan=10\n"
                         "    eth1 sw0 trunk=10,20\n" + vlan_namespaces(ns, "10.76"))
    try:
        net.up()
        mine = guest_ports(net, "t")
        check(mine == {"eth0": ("access", (10,)), "eth1": ("trunk", (10, 20))},
              f"t's ports: {switch_ports(net)}")
        r = net.exec("t", "modprobe 8021q && test -d /proc/net/vlan", ok=False)
        if r.returncode != 0:
            raise Skip(f"the UML guest kernel cannot load 8021q here: {r.stdout}{r.stderr}")
        net.exec("t", "for v in 10 20 30; do ip link add link eth1 name eth1.$v type vlan id $v "
                      "&& ip link set eth1.$v up; done; ip link set eth1 up; "
                      "ip addr add 10.76.11.1/24 dev eth1.10; "
                      "ip addr add 10.76.20.1/24 dev eth1.20; ip addr add 10.76.30.1/24 dev eth1.30")
        ns_run(ns["n10"], "ip addr add 10.76.11.2/24 dev eth0")
        for dev, ip in (("eth0", "10.76.10.2"), ("eth1.10", "10.76.11.2"),
                        ("eth1.20", "10.76.20.2")):
            r = net.exec("t", f"ping -c 2 -i 0.2 -W 2 -I {dev} {ip} || "
                              f"ping -c 3 -i 0.2 -W 2 -I {dev} {ip}", ok=False)
            check(" 0% packet loss" in r.stdout, f"t {dev} -> {ip}:\n{r.stdout}")
        r = net.exec("t", "ping -c 2 -i 0.2 -W 1 -I eth1.30 10.76.30.2", ok=False)
        check(r.returncode != 0, f"t reached VLAN 30 through its trunk:\n{r.stdout}")
        ns_run(ns["n20"], "ip addr add 10.76.10.5/24 dev eth0")
        check(not ns_ping(ns["n20"], "10.76.10.1"), "a VLAN 20 namespace reached t's eth0")
        r = subprocess.run([program("uml_switchctl"), "-s", os.path.join(net.state, "sw0.ctl"),
                            "idents"], capture_output=True, text=True, timeout=10)
        lines = r.stdout.splitlines()
        check("ident_refused 0" in lines and len(lines) == 6 and
              all(" pid=" in line for line in lines if ".t.eth" in line) and
              all(" uid=0 " in line for line in lines if ".umlnet-" in line),
              f"device sockets: {r.stdout}")
        net.down()
        check_gone(net)
    finally:
        delete_netns(ns.values())


def test_umlnet_vlan_attached_device_keeps_its_vlan_on_a_restarted_switch(ctx):
    """`umlnet attach a eth1=sw0 vlan=20` next to a's eth0 on VLAN 10; the supervisor restarts
    the switch after a kill -9: the attached device's port is on VLAN 20 again (not VLAN 1), so
    a reaches the VLAN 20 namespace through eth1 and the VLAN 10 one through eth0, and eth1 with
    an address of VLAN 10's subnet does not reach VLAN 10."""
    net, ns = eth1_on_vlan20_net(ctx, "vk", "10.78")
    try:
        attach_eth1_on_vlan20(net, "10.78")
        st = json.loads(net.umlnet("-j", "status").stdout)
        old = [p["pid"] for p in st["processes"] if p["kind"] == "switch"][0]
        os.kill(old, signal.SIGKILL)

        def reaches(dev, ip):
            return " 0% packet loss" in net.exec(
                "a", f"ping -c 2 -i 0.2 -W 1 -I {dev} {ip}", ok=False).stdout
        wait_for(lambda: reaches("eth1", "10.78.20.2"), 60,
                 "a's attached eth1 reaching VLAN 20 after the restart", interval=0.5)
        check(guest_ports(net, "a") == A_PORTS, f"a's ports after the restart: {switch_ports(net)}")
        wait_for(lambda: reaches("eth0", "10.78.10.2"), 30,
                 "a's eth0 reaching VLAN 10 after the restart", interval=0.5)
        net.exec("a", "ip addr add 10.78.10.9/24 dev eth1")
        check(not reaches("eth1", "10.78.10.2"), "a's eth1 (VLAN 20) reached VLAN 10")
        net.down()
        check_gone(net)
    finally:
        delete_netns(ns.values())


def test_umlnet_vlan_device_socket_admits_only_its_scope(ctx):
    """A device socket (`ident PATH pid=P vlan=10`) refuses a client of another process before
    answering it (counted in ident_refused, logged once however often it tries), so one guest
    cannot take another's device's VLAN; re-scoped to the client's own uid it admits it, and the
    port is born on VLAN 10, named after the device; closing the socket removes its file."""
    sw = ctx.switch()
    dev = ctx.path("a.eth0.ctl")
    out = sw.ctl_cmd("ident", dev, f"pid={os.getppid()}", "vlan=10", "name=eth0")
    check(out.strip() == f"ident {dev} pid={os.getppid()} vlan=10 name=eth0", out)
    for _ in range(3):
        try:
            DaemonClient(dev).close()
            raise TestFailure("a client of another pid was admitted")
        except (ConnectionError, OSError):
            pass
    check("ident_refused 3" in sw.ctl_cmd("idents"), sw.ctl_cmd("idents"))
    check(sw.output().count("refused client pid") == 1, sw.output())
    sw.ctl_cmd("ident", dev, f"uid={os.geteuid()}", "vlan=10", "name=eth0")
    c = DaemonClient(dev)
    try:
        ports = json.loads(sw.ctl_cmd("-j", "ports"))
        check([(p["description"], p["vlan_mode"], p["vlans"]) for p in ports] ==
              [("eth0", "access", [10])], f"{ports}")
    finally:
        c.close()
    sw.ctl_cmd("ident-close", dev)
    check(not os.path.exists(dev), "the closed device socket's file is still there")
