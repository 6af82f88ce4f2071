"""One network over several hosts from one topology file (umlnet.conf(5), HOSTS; umlnet/span.h).

Three network namespaces are the hosts, joined by a bridge in a fourth (the underlay, MTU 1600
so that full-size frames fit VXLAN's 50 bytes). On each host `umlnet up FILE --host X` runs
with its own state directory; the guests are namespace guests (umlnet-plug). umlnet runs in a
host through nsenter (network namespace only), so that the guest namespaces it makes are
visible to the test."""

import json
import os
import subprocess
import time

from umlnet_harness import Skip, check, program
from umlnet_helpers import Net, check_gone

UNDER = {"A": "10.99.8.1", "B": "10.99.8.2", "C": "10.99.8.3"}
UNDER6 = {"A": "2001:db8:8::1", "B": "2001:db8:8::2"}


def _need_root():
    if os.geteuid() != 0:
        raise Skip("needs root (network namespaces)")
    program("umlnet-plug")


def _hosts(ctx, names="ABC"):
    """The host namespaces on one underlay bridge; {name: netns}."""
    ul = ctx.netns("ul")
    ul.sh("ip link add br0 type bridge && ip link set br0 mtu 1600 up")
    hosts = {}
    for i, name in enumerate(names):
        ns = ctx.netns(f"host{name}")
        ul.sh(f"ip link add v{i} mtu 1600 type veth peer name u0 netns {ns.name} && "
              f"ip link set v{i} master br0 up")
        ns.sh(f"ip link set u0 mtu 1600 && ip addr add {UNDER[name]}/24 dev u0 && "
              "ip link set u0 up && ip link set lo up")
        if name in UNDER6:
            ns.sh(f"ip addr add {UNDER6[name]}/64 dev u0 nodad")
        hosts[name] = ns
    return ul, hosts


class HostPart(Net):
    """One host's part of the network: umlnet in that host's network namespace (nsenter: the
    mount namespace stays ours, so the guest namespaces are ours to see)."""

    def __init__(self, ctx, conf, host, ns):
        super().__init__(ctx, f"part{host}", "", netns=ns)
        self.prefix = ["nsenter", f"--net=/run/netns/{ns.name}"]
        self.conf, self.host = conf, host

    def up(self, conf=None):
        return self.umlnet("up", conf or self.conf, "--host", self.host)


def _write(ctx, name, text):
    path = ctx.path(name)
    with open(path, "w") as f:
        f.write(text)
    return path


def _in(ns, cmd, ok=True):
    r = subprocess.run(["ip", "netns", "exec", ns, "sh", "-c", cmd], capture_output=True,
                       text=True, timeout=60)
    check(not ok or r.returncode == 0, f"in {ns}: {cmd}:\n{r.stdout}{r.stderr}")
    return r.stdout


def _ping(src, dst_ip):
    out = _in(src, f"ping -c 2 -i 0.2 -W 2 {dst_ip}", ok=False)
    check(" 0% packet loss" in out and "DUP!" not in out, f"{src} -> {dst_ip}:\n{out}")


def _hosts_text(names="ABC", under=UNDER):
    return "".join(f"host {n} addr={under[n]}\n" for n in names)


def _cleanup_guests(names):
    for n in names:
        subprocess.run(["ip", "netns", "del", n], capture_output=True)


def test_umlnet_multihost_segment_full_mesh(ctx):
    """A segment over three hosts, one namespace guest on each: every pair pings; a broadcast
    from A's guest reaches the two others exactly once each and crosses the underlay exactly
    twice (A -> B, A -> C: no trunk re-forwards it); each host's status shows its trunk, its
    peers and the other hosts' guests' MACs learned behind it. Then C's guest moves to B (the
    file says on=B; C's and B's parts go down and up, A's stays up with the guest's MAC learned
    behind C): once the moved guest sends, A's trunk relearns it behind B and traffic resumes."""
    _need_root()
    ul, hosts = _hosts(ctx)
    g = {h: f"m{ctx.id}{h.lower()}" for h in "ABC"}
    ip = {"A": "10.20.0.1", "B": "10.20.0.2", "C": "10.20.0.3"}
    def mesh_text(c_on):
        return "network mesh\n" + _hosts_text() + "switch seg\n" + "".join(
            f"netns {g[h]} on={c_on if h == 'C' else h}\n    eth0 seg ip={ip[h]}/24"
            f"{' mac=02:00:0a:14:00:03' if h == 'C' else ''}\n" for h in "ABC")

    conf = _write(ctx, "mesh.conf", mesh_text("C"))
    parts = {h: HostPart(ctx, conf, h, hosts[h]) for h in "ABC"}
    try:
        for h in "ABC":
            out = parts[h].up().stdout
            check(f"switch seg: trunk vni " in out and "udp port 4789" in out, out)
        vnis = {h: parts[h].umlnet("-j", "status").stdout for h in "ABC"}
        tr = {h: [s for s in json.loads(vnis[h])["switches"] if s["name"] == "seg"][0]["trunk"]
              for h in "ABC"}
        check(len({t["vni"] for t in tr.values()}) == 1, f"hosts disagree on the VNI: {tr}")
        check(sorted(p["host"] for p in tr["A"]["peers"]) == ["B", "C"], f"A's peers: {tr['A']}")
        for a in "ABC":
            for b in "ABC":
                if a != b:
                    _ping(g[a], ip[b])

        wire = ctx.proc("tcpdump-underlay", ["tcpdump", "-l", "-n", "-Q", "in", "-i", "any",
                                             "udp port 4789"], netns=ul)
        caps = {h: ctx.proc(f"cap{h}", ["ip", "netns", "exec", g[h], "tcpdump", "-l", "-n",
                                        "-i", "eth0", "icmp and dst 10.20.0.255"])
                for h in "BC"}
        time.sleep(1.5)
        _in(g["A"], "ping -b -c 1 -W 1 10.20.0.255", ok=False)
        time.sleep(1.5)
        for p in [wire] + list(caps.values()):
            p.stop()
        for h in "BC":
            seen = caps[h].output().count("ICMP echo request")
            check(seen == 1, f"{g[h]} on {h} saw the broadcast {seen} times:\n{caps[h].output()}")
        copies = wire.output().count("10.20.0.255")
        check(copies == 2, f"the underlay carried the broadcast {copies} times, expected 2:\n"
              f"{wire.output()[-3000:]}")

        text = parts["B"].umlnet("status").stdout
        macs = {h: _in(g[h], "cat /sys/class/net/eth0/address").strip() for h in "ABC"}
        line = [l for l in text.splitlines() if l.startswith("seg ") and "A 10.99.8.1" in l]
        check("host B (10.99.8.2), one of 3 hosts" in text and line and
              macs["A"] in line[0] and macs["C"] in line[0] and macs["B"] not in line[0],
              f"B's status does not show its trunk with A's and C's guests:\n{text}\n{macs}")

        moved = _write(ctx, "mesh-moved.conf", mesh_text("B"))
        for h in "CB":
            parts[h].down()
            parts[h].down_done = False
            parts[h].up(moved)
        check(g["C"] in parts["B"].umlnet("status").stdout, "C's guest is not on B")
        _ping(g["C"], ip["A"])
        _ping(g["A"], ip["C"])
        _ping(g["B"], ip["C"])
        text_a = parts["A"].umlnet("status").stdout
        mac_c = _in(g["C"], "cat /sys/class/net/eth0/address").strip()
        line = [l for l in text_a.splitlines() if l.startswith("seg ") and "B 10.99.8.2" in l]
        check(line and mac_c in line[0], f"A's trunk does not show the moved guest {mac_c}:\n"
              f"{text_a}")
        for h in "ABC":
            parts[h].down()
            check_gone(parts[h])
    finally:
        _cleanup_guests(g.values())


def test_umlnet_multihost_routed_and_moved_guest(ctx):
    """A routed network across two hosts whose addresses are IPv6 (the trunk runs over an IPv6
    underlay): lan1 only on A, wan on A and B; a router namespace on A (lan1 and wan) forwards
    between h1 (lan1, on A) and h2 (wan, on B). Then h2 moves from B to
    A (the file changes on=B to on=A; B's and A's parts go down and up) and traffic resumes:
    the trunk relearns h2's MAC behind its new host."""
    _need_root()
    ul, hosts = _hosts(ctx, "AB")
    r, h1, h2 = (f"m{ctx.id}{x}" for x in ("r", "h1", "h2"))

    def text(h2_on):
        return ("network routed\n" + _hosts_text("AB", UNDER6) +
                "switch lan1 on=A\nswitch wan on=A,B vni=4242\n"
                f"netns {r} on=A\n    eth0 lan1 ip=10.31.0.1/24\n    eth1 wan ip=10.32.0.1/24\n"
                f"netns {h1}\n    eth0 lan1 ip=10.31.0.2/24\n    route default via 10.31.0.1\n"
                f"netns {h2} on={h2_on}\n    eth0 wan ip=10.32.0.2/24\n"
                "    route default via 10.32.0.1\n")

    conf = _write(ctx, "routed.conf", text("B"))
    parts = {h: HostPart(ctx, conf, h, hosts[h]) for h in "AB"}
    try:
        for h in "AB":
            out = parts[h].up().stdout
            check("switch wan: trunk vni 4242, udp port 4789" in out and "lan1" not in out and
                  f"to {'B' if h == 'A' else 'A'} {UNDER6['B' if h == 'A' else 'A']}" in out, out)
        check(json.loads(parts["B"].umlnet("-j", "status").stdout)["switches"][0]["name"] ==
              "wan", "B runs a switch that is only on A")
        _in(r, "sysctl -qw net.ipv4.ip_forward=1")
        _ping(h1, "10.32.0.2")
        _ping(h2, "10.31.0.2")

        moved = _write(ctx, "routed-moved.conf", text("A"))
        for h in "AB":
            parts[h].down()
            parts[h].down_done = False
        for h in "AB":
            parts[h].up(moved)
        st = json.loads(parts["A"].umlnet("-j", "status").stdout)
        check(h2 in [x["name"] for x in st["guests"]], f"{h2} is not on A now: {st['guests']}")
        _in(r, "sysctl -qw net.ipv4.ip_forward=1")
        _ping(h1, "10.32.0.2")
        _ping(h2, "10.31.0.2")
        for h in "AB":
            parts[h].down()
            check_gone(parts[h])
    finally:
        _cleanup_guests((r, h1, h2))


def test_umlnet_multihost_errors(ctx):
    """Bad multi-host files stop `up` before anything starts: one line naming the field,
    exit status 2."""
    cases = {
        "dup": (_hosts_text("AB") + "host A addr=10.99.8.9\nswitch s\n", [], "host 'A': already defined"),
        "unknown": (_hosts_text("AB") + "switch s on=A,Z\n", [], "switch s on=A,Z: no host 'Z'"),
        "nohost": (_hosts_text("AB") + "switch s\n", ["--host", "Q"],
                   "--host Q: no host of that name"),
        "vni": (_hosts_text("AB") + "switch s vni=7\nswitch t vni=7\n", [],
                "switch t vni=7: switch s (line 3) has that VNI too"),
        "which": (_hosts_text("AB") + "switch s\n", None, "give --host NAME"),
    }
    for name, (body, extra, want) in cases.items():
        path = _write(ctx, f"bad-{name}.conf", body)
        argv = [program("umlnet"), "-s", ctx.path(f"st-{name}"), "up", path]
        argv += ["--host", "A"] if extra == [] else (extra or [])
        res = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        err = res.stderr.strip()
        check(res.returncode == 2 and len(err.splitlines()) == 1 and want in err,
              f"{name}: exit {res.returncode}:\n{err}")
        check(not os.path.exists(ctx.path(f"st-{name}")), f"{name}: state was made")
