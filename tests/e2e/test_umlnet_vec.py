"""umlnet with vector devices (vecN, the bess transport on the switch's -bess socket), real UML
guests: a vec guest and an eth guest on one switch, and a router with one of each."""

import json
import os
import socket
import time

from umlnet_harness import check
from umlnet_helpers import Net, check_gone

MIXED = """\
network mixed
switch sw0
guest a mem=48M
    vec0 sw0 ip=10.5.0.1/24 mac=02:00:0a:05:00:01
guest b mem=48M
    eth0 sw0 ip=10.5.0.2/24
"""

ROUTED = """\
network vrouted
switch sw0
switch sw1
guest a mem=48M
    eth0 sw0 ip=10.6.1.1/24
    route default via 10.6.1.254
guest r mem=48M forward
    eth0 sw0 ip=10.6.1.254/24
    vec0 sw1 ip=10.6.2.254/24
guest c mem=48M
    vec3 sw1 ip=10.6.2.1/24
    route default via 10.6.2.254
"""


def ping(net, guest, dst, ttl=None):
    r = net.exec(guest, f"ping -c 2 -i 0.2 -W 2 {dst}")
    check(" 0% packet loss" in r.stdout and (ttl is None or f"ttl={ttl}" in r.stdout),
          f"{guest} -> {dst}:\n{r.stdout}")


def test_umlnet_vec_and_eth_on_one_switch(ctx):
    net = Net(ctx, "mixed", MIXED)
    # A src socket left by an earlier run (a guest killed with its switch): UML cannot bind it
    # again, so up must remove it before booting a.
    os.makedirs(os.path.join(net.state, "uml"), mode=0o700)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    stale.bind(os.path.join(net.state, "uml", "a.vec0"))
    stale.close()
    net.up()
    # The switch listens for vec devices in the state directory; a's device bound its src.
    bess = os.path.join(net.state, "sw0.bess")
    check(os.path.exists(bess), f"no bess socket in {os.listdir(net.state)}")
    ping(net, "a", "10.5.0.2")
    ping(net, "b", "10.5.0.1")
    r = net.exec("a", "cat /sys/class/net/vec0/address")
    check(r.stdout.strip() == "02:00:0a:05:00:01", f"vec0's mac= not applied: {r.stdout}")
    st = json.loads(net.umlnet("-j", "status").stdout)
    ports = st["switches"][0]["ports"]
    by_owner = {p["owner"]: p for p in ports}
    check(sorted(by_owner) == ["a", "b"], f"sw0's ports: {ports}")
    check(os.path.join(net.state, "uml", "a.vec0") in by_owner["a"]["endpoint"],
          f"a's port does not name its vec0 socket: {by_owner['a']}")
    check(by_owner["a"]["rx_frames"] > 0 and by_owner["a"]["tx_frames"] > 0,
          f"a's vec port without traffic: {by_owner['a']}")
    guests = {g["name"]: g for g in st["guests"]}
    check([(d["dev"], d["switch"], d["ip"], d["present"]) for d in guests["a"]["devices"]] ==
          [("vec0", "sw0", "10.5.0.1/24", True)], f"a's devices: {guests['a']['devices']}")
    check([d["dev"] for d in guests["b"]["devices"]] == ["eth0"], f"b: {guests['b']}")
    text = net.umlnet("status").stdout
    check("vec0:sw0:10.5.0.1/24" in text and "(missing)" not in text, f"status table:\n{text}")
    graph = net.umlnet("graph").stdout
    check('"g_a" -- "sw_sw0" [label="vec0' in graph, f"graph:\n{graph}")
    # Down and up again in the guest: the switch removed the src file, so UML can bind again.
    net.exec("a", "ip link set vec0 down")
    ok = False
    for _ in range(50):
        st = json.loads(net.umlnet("-j", "status").stdout)
        if len(st["switches"][0]["ports"]) == 1:
            ok = True
            break
        time.sleep(0.1)
    check(ok, f"a's port stayed after vec0 went down: {st['switches'][0]['ports']}")
    net.exec("a", "ip link set vec0 up")
    ping(net, "a", "10.5.0.2")
    r = net.down()
    check(r.returncode == 0 and "is down" in r.stdout, f"down: {r.stdout}{r.stderr}")
    check_gone(net)


HOTPLUG = """\
network vhot
switch sw0
switch sw1
guest b mem=48M
    eth0 sw0 ip=10.8.0.2/24
guest c mem=48M
    vec0 sw1 ip=10.8.1.3/24
"""


def sw_ports(net, sw):
    st = json.loads(net.umlnet("-j", "status").stdout)
    return [s["ports"] for s in st["switches"] if s["name"] == sw][0], st


def test_umlnet_vec_attach_detach(ctx):
    net = Net(ctx, "vhot", HOTPLUG)
    net.up()
    src = os.path.join(net.state, "uml", "b.vec1")
    # sw0 carries no vec device, so it has no bess socket: a clear one-line refusal, nothing
    # left in b.
    r = net.umlnet("attach", "b", "vec1=sw0", ok=False)
    check(r.returncode == 1 and "switch 'sw0': no bess socket" in r.stderr and "vec0 sw0" in
          r.stderr and r.stderr.count("\n") == 1, f"attach vec1=sw0: {r.stderr}")
    check(net.exec("b", "ip link show vec1", ok=False).returncode != 0, "b got vec1 anyway")
    r = net.umlnet("attach", "b", "vec1=sw1", "ip=10.8.1.300/24", ok=False)
    check(r.returncode == 1 and "ip '10.8.1.300/24'" in r.stderr and
          r.stderr.count("\n") == 1, f"attach with a bad ip=: {r.stderr}")
    # A stale src socket of an earlier b.vec1 must not stop the bind.
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    stale.bind(src)
    stale.close()
    for attempt in range(2):
        r = net.umlnet("attach", "b", "vec1=sw1", "ip=10.8.1.2/24", "mac=02:00:0a:08:01:02")
        check("vec1 attached" in r.stdout and "transport=bess" in r.stdout, f"attach: {r.stdout}")
        ping(net, "b", "10.8.1.3")
        ping(net, "c", "10.8.1.2")
        r = net.exec("b", "cat /sys/class/net/vec1/address")
        check(r.stdout.strip() == "02:00:0a:08:01:02", f"vec1's mac= not applied: {r.stdout}")
        ports, st = sw_ports(net, "sw1")
        by_owner = {p["owner"]: p for p in ports}
        check(sorted(by_owner) == ["b", "c"] and src in by_owner["b"]["endpoint"],
              f"sw1's ports after attach: {ports}")
        guests = {g["name"]: g for g in st["guests"]}
        check({"dev": "vec1", "attached": "sw1"} in guests["b"]["devices"],
              f"b's devices: {guests['b']['devices']}")
        check("vec1:sw1(attached)" in net.umlnet("status").stdout, "status table without vec1")
        r = net.umlnet("detach", "b", "vec1")
        check("vec1 detached" in r.stdout, f"detach: {r.stdout}{r.stderr}")
        check(not os.path.exists(src), f"detach left {src}")
        ports, st = sw_ports(net, "sw1")
        check([p["owner"] for p in ports] == ["c"], f"sw1's ports after detach: {ports}")
        guests = {g["name"]: g for g in st["guests"]}
        check([d["dev"] for d in guests["b"]["devices"]] == ["eth0"],
              f"b's devices after detach: {guests['b']['devices']}")
        check(net.exec("b", "ip link show vec1", ok=False).returncode != 0, "vec1 still in b")
        r = net.exec("b", "ping -c 1 -W 1 10.8.1.3", ok=False)
        check(r.returncode != 0, f"b still reaches c: {r.stdout}")
    # Attached and left there: down takes it away with the rest.
    net.umlnet("attach", "b", "vec1=sw1")
    check(os.path.exists(src), "no src socket for an attached vec1")
    r = net.down()
    check(r.returncode == 0 and "is down" in r.stdout, f"down: {r.stdout}{r.stderr}")
    check_gone(net)


def test_umlnet_vec_router(ctx):
    net = Net(ctx, "vrouted", ROUTED)
    net.up()
    ping(net, "a", "10.6.2.1", ttl=63)
    ping(net, "c", "10.6.1.1", ttl=63)
    st = json.loads(net.umlnet("-j", "status").stdout)
    owners = {s["name"]: sorted(p["owner"] for p in s["ports"]) for s in st["switches"]}
    check(owners == {"sw0": ["a", "r"], "sw1": ["c", "r"]}, f"port owners: {owners}")
    guests = {g["name"]: g for g in st["guests"]}
    check([(d["dev"], d["present"]) for d in guests["r"]["devices"]] ==
          [("eth0", True), ("vec0", True)], f"r's devices: {guests['r']['devices']}")
    check([d["dev"] for d in guests["c"]["devices"]] == ["vec3"], f"c: {guests['c']}")
    # Only a switch with vec devices listens for them.
    check(not os.path.exists(os.path.join(net.state, "sw0.bess")), "sw0 has a bess socket")
    r = net.down()
    check(r.returncode == 0 and "is down" in r.stdout, f"down: {r.stdout}{r.stderr}")
    check_gone(net)


def test_umlnet_vec_socket_path_too_long(ctx):
    # A 31-character switch whose control socket is elsewhere (socket=): its bess socket is
    # then the longest path of the state directory, one that fits every mconsole socket.
    sw = "s" * 31
    swline = f"switch {sw} socket={ctx.path('c.ctl')}\n"
    net = Net(ctx, "long", f"{swline}guest a mem=48M\n    vec0 {sw} ip=10.7.0.1/24\n")
    net.state = ctx.path("st-")
    net.state += "x" * (80 - len(net.state))
    r = net.umlnet("up", net.conf, ok=False)
    bess = os.path.join(net.state, f"{sw}.bess")
    check(r.returncode == 1 and f"too long for the bess socket '{bess}' (117 of at most 107" in
          r.stderr and r.stderr.count("\n") == 1, f"up with a long state directory: {r.stderr}")
    check(not os.path.exists(net.state), f"up left {net.state}")
    # The same directory is fine for a network without vec devices (no -bess socket).
    with open(net.conf, "w") as f:
        f.write(swline)
    r = net.up()
    check("is up" in r.stdout and not os.path.exists(bess), f"up: {r.stdout}")
    net.down()
    check_gone(net)
