"""umlnet's supervisor with real UML guests: fault injection by kill -9 under a running network.

A switch killed under two guests with TCP flowing comes back on the same sockets, the guests'
devices (a daemon eth device and a bess vec device) re-join it, and the transfer completes; a
slirp gateway killed under a guest comes back and new connections through it work; a process
that keeps dying is given up on; down after healing leaves nothing; the supervisor keeps only the
rights restarting needs. Times to recover are measured and printed ("heal:" lines).
"""

import json
import os
import re
import signal
import socket
import subprocess
import threading
import time

from umlnet_harness import check, program, wait_for
from umlnet_helpers import Net, check_gone

TWO = """\
network heal
switch sw0
guest a mem=48M
    eth0 sw0 ip=10.9.0.1/24
guest b mem=48M
    vec0 sw0 ip=10.9.0.2/24
"""

SLIRP = """\
network healgw
switch sw0 slirp host-loopback
guest a mem=48M
    eth0 sw0 ip=10.0.2.15/24
    route default via 10.0.2.2
"""

GATEWAY_ONLY = """\
network healgo
switch sw0 slirp
"""

# b: accepts one connection and logs "<time> <bytes so far>" per read, "DONE <total>" at EOF.
SERVER = """\
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5000)); s.listen(1)
open("/run/tmp/srv.ready", "w").close()
c, _ = s.accept(); n = 0
with open("/run/tmp/srv.log", "w") as log:
    while True:
        d = c.recv(65536)
        if not d:
            break
        n += len(d)
        log.write("%.3f %d\\n" % (time.time(), n)); log.flush()
    log.write("DONE %d\\n" % n)
"""

# a: sends SIZE bytes in 4 KiB blocks at about 400 KiB/s (a long transfer), then closes.
CLIENT = """\
import socket, sys, time
size = int(sys.argv[1]); c = socket.create_connection(("10.9.0.2", 5000), timeout=120)
sent = 0
while sent < size:
    c.sendall(b"x" * 4096); sent += 4096; time.sleep(0.01)
c.shutdown(socket.SHUT_WR); c.recv(1); print("SENT", sent)
"""

# a: one connection a tick to the host's loopback through the gateway,
# "<time tried> <time done> ok|fail".
PROBE = """\
import socket, sys, time
end = time.time() + float(sys.argv[2])
while time.time() < end:
    t = time.time()
    try:
        socket.create_connection(("10.0.2.2", int(sys.argv[1])), timeout=2).close(); r = "ok"
    except OSError:
        r = "fail"
    print("%.3f %.3f %s" % (t, time.time(), r), flush=True); time.sleep(0.2)
"""


def script(ctx, name, text):
    path = ctx.path(name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o644)  # the guests' user reads it over hostfs
    return path


def status(net):
    return json.loads(net.umlnet("-j", "status").stdout)


def proc_entry(st, kind, name):
    for p in st["processes"]:
        if p["kind"] == kind and p["name"] == name:
            return p
    raise AssertionError(f"no {kind} {name} in status processes: {st['processes']}")


def pid_of(net, kind, name):
    return proc_entry(status(net), kind, name)["pid"]


def port_owners(st, sw="sw0"):
    return sorted(p["owner"] for s in st["switches"] if s["name"] == sw for p in s["ports"])


def a_sent(net):
    """Frames guest a has sent into the switch."""
    return sum(p["rx_frames"] for s in status(net)["switches"] for p in s["ports"]
               if p["owner"] == "a")


def report(what, seconds):
    print(f"heal: {what}: {seconds:.2f} s", flush=True)


def test_umlnet_heal_switch_killed_under_tcp(ctx):
    net = Net(ctx, "heal", TWO)
    net.up()
    srv, cli = script(ctx, "srv.py", SERVER), script(ctx, "cli.py", CLIENT)
    net.exec("b", f"nohup python3 {srv} > /run/tmp/srv.out 2>&1 &")
    net.exec("b", "for i in $(seq 50); do [ -e /run/tmp/srv.ready ] && exit 0; sleep 0.1; done; "
                  "exit 1")
    size = 4 * 1024 * 1024
    # The transfer runs through `umlnet exec`, which holds the network's notify socket for as
    # long as it runs: the supervisor must re-join the guests without it.
    result = {}
    t = threading.Thread(target=lambda: result.update(r=net.umlnet(
        "exec", "a", f"python3 {cli} {size}", timeout=240, ok=False)))
    t.start()

    def under_way():  # exec is busy with the transfer: the switch's counters tell
        return any(p["owner"] == "a" and p["rx_bytes"] > 256 * 1024
                   for s in status(net)["switches"] for p in s["ports"])
    wait_for(under_way, 60, "the transfer to be under way", interval=0.2)
    old = pid_of(net, "switch", "sw0")
    killed = time.time()
    os.kill(old, signal.SIGKILL)

    def back():
        st = status(net)
        sw = proc_entry(st, "switch", "sw0")
        return sw["pid"] != old and sw["state"] == "running" and \
            port_owners(st) == ["a", "b"] and st
    st = wait_for(back, 30, "the switch back with both guests on it", interval=0.1)
    report("switch killed -> back with both guests' ports", time.time() - killed)
    t.join(240)
    r = result.get("r")
    check(r is not None and r.returncode == 0 and f"SENT {size}" in r.stdout,
          f"the transfer did not complete: {r and (r.stdout + r.stderr)}")
    log = net.exec("b", "cat /run/tmp/srv.log").stdout.split("\n")
    check(f"DONE {size}" in log, f"the server did not get all {size} bytes: {log[-3:]}")
    times = [float(m.group(1)) for m in map(re.compile(r"([0-9.]+) \d+$").match, log) if m]
    after = [x for x in times if x > killed]
    check(after, "no data received after the kill")
    resumed = after[0] - killed
    report("switch killed -> TCP data flows again", resumed)
    check(resumed < 15, f"traffic resumed only {resumed:.1f} s after the kill")
    sw = proc_entry(st, "switch", "sw0")
    check(sw["restarts"] == 1 and sw["last_exit"] == "killed by signal 9",
          f"switch in status: {sw}")
    check(st["supervisor"]["running"], f"supervisor: {st['supervisor']}")
    text = net.umlnet("status").stdout
    check(re.search(r"switch:sw0 +\d+ +running +1 +killed by signal 9", text),
          f"status text:\n{text}")
    # A guest that dies is reported, not restarted (a reboot is the user's call).
    os.kill(proc_entry(st, "guest", "b")["pid"], signal.SIGKILL)
    g = wait_for(lambda: (lambda e: e["state"] == "dead" and e)(
        proc_entry(status(net), "guest", "b")), 10, "guest b reported dead")
    check(g["restarts"] == 0 and g["last_exit"] == "killed by signal 9", f"guest b: {g}")
    r = net.down()
    check(r.returncode == 0 and "is down" in r.stdout, f"down: {r.stdout}{r.stderr}")
    check_gone(net)


def test_umlnet_heal_slirp_killed(ctx):
    ns = ctx.netns()
    port = 5000 + os.getpid() % 1000
    # A TCP server on the namespace's loopback: the host side the gateway opens to its guests.
    ctx.proc("lo-server", ["python3", "-c",
                           "import socket\ns = socket.socket()\n"
                           "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                           f"s.bind(('127.0.0.1', {port})); s.listen(64)\n"
                           "while True: s.accept()[0].close()\n"], netns=ns)
    net = Net(ctx, "healgw", SLIRP, netns=ns)
    net.up()
    probe = script(ctx, "probe.py", PROBE)
    result = {}
    base = a_sent(net)
    t = threading.Thread(target=lambda: result.update(r=net.umlnet(
        "exec", "a", f"python3 {probe} {port} 25", timeout=120, ok=False)))
    t.start()
    # Some connections made before the kill (exec is busy: the switch's counters tell).
    wait_for(lambda: a_sent(net) > base + 20, 60, "the probe to be under way", interval=0.2)
    time.sleep(1)
    old = pid_of(net, "slirp", "sw0")
    killed = time.time()
    subprocess.run(["kill", "-9", str(old)], check=True)
    wait_for(lambda: proc_entry(status(net), "slirp", "sw0")["pid"] != old, 30,
             "the gateway started again", interval=0.1)
    report("slirp killed -> gateway back", time.time() - killed)
    t.join(120)
    r = result.get("r")
    check(r is not None and r.returncode == 0, f"probe: {r and (r.stdout + r.stderr)}")
    lines = [ln.split() for ln in r.stdout.splitlines()
             if re.match(r"[0-9.]+ [0-9.]+ (ok|fail)$", ln)]
    before = [float(done) for tried, done, ok in lines if float(done) < killed and ok == "ok"]
    # the first connection tried after the kill that worked: when it was done
    after = [float(done) for tried, done, ok in lines if float(tried) > killed and ok == "ok"]
    listening = ns.sh("ss -ltn").stdout
    check(before and after, f"connections to port {port} before/after the kill:\n{r.stdout}\n"
                            f"listening in the namespace:\n{listening}")
    report("slirp killed -> new connections work again", after[0] - killed)
    check(after[0] - killed < 10, f"connections resumed {after[0] - killed:.1f} s after the kill")
    gw = proc_entry(status(net), "slirp", "sw0")
    check(gw["restarts"] == 1 and gw["state"] == "running" and
          gw["last_exit"] == "killed by signal 9", f"gateway in status: {gw}")
    net.down()
    check_gone(net)


def test_umlnet_heal_gives_up_on_a_process_that_keeps_dying(ctx):
    ns = ctx.netns()
    net = Net(ctx, "healgo", GATEWAY_ONLY, netns=ns)
    net.up()
    started = time.time()
    for n in range(6):  # the sixth end within a minute is one too many
        old = pid_of(net, "slirp", "sw0")
        subprocess.run(["kill", "-9", str(old)], check=True)
        if n < 5:
            wait_for(lambda: pid_of(net, "slirp", "sw0") != old and
                     proc_entry(status(net), "slirp", "sw0")["state"] == "running", 30,
                     f"restart {n + 1}", interval=0.1)
    gw = wait_for(lambda: (lambda e: e["state"] == "given-up" and e)(
        proc_entry(status(net), "slirp", "sw0")), 10, "the gateway given up on")
    report("five restarts with back-off, then given up", time.time() - started)
    check(gw["restarts"] == 5 and gw["last_exit"] == "killed by signal 9", f"gateway: {gw}")
    time.sleep(2)  # and it stays stopped
    gw = proc_entry(status(net), "slirp", "sw0")
    check(gw["state"] == "given-up" and gw["restarts"] == 5, f"gateway later: {gw}")
    text = net.umlnet("status").stdout
    check(re.search(r"slirp:sw0 +\d+ +given-up +5 +killed by signal 9", text), f"status:\n{text}")
    log = open(os.path.join(net.state, "supervise.log")).read()
    check(log.count("started again as pid") == 5 and log.count("given up") == 1,
          f"supervise.log: each restart logged once, then the give-up:\n{log}")
    net.down()
    check_gone(net)


def caps(pid):
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":\t", 1) for line in f.read().splitlines() if ":\t" in line)
    return int(fields["CapEff"], 16), int(fields["CapBnd"], 16), fields["NoNewPrivs"].strip()


def test_umlnet_heal_supervisor_keeps_few_rights(ctx):
    if os.geteuid() != 0:
        return  # the rights shed are root's
    ns = ctx.netns()
    net = Net(ctx, "healgo", GATEWAY_ONLY, netns=ns)
    net.up()
    sup = status(net)["supervisor"]["pid"]
    sys_module, sys_ptrace, sys_admin, net_admin = 1 << 16, 1 << 19, 1 << 21, 1 << 12
    eff, bnd, nnp = caps(sup)
    check(nnp == "1", f"supervisor's NoNewPrivs: {nnp}")
    for cap in (sys_module, sys_ptrace, sys_admin):
        check(not (eff & cap) and not (bnd & cap), f"supervisor keeps {cap:#x}: {eff:#x} {bnd:#x}")
    check(eff & net_admin, f"supervisor lost CAP_NET_ADMIN: {eff:#x}")
    old = pid_of(net, "switch", "sw0")
    os.kill(old, signal.SIGKILL)
    new = wait_for(lambda: (lambda p: p != old and p)(pid_of(net, "switch", "sw0")), 30,
                   "the switch started again")
    eff, bnd, _ = caps(new)
    check(not (eff & (sys_module | sys_ptrace | sys_admin)), f"restarted switch's caps {eff:#x}")
    net.down()
    check_gone(net)


def test_umlnet_heal_plugs_rejoin(ctx):
    """Namespace guests: a killed plug comes back with its device, addresses and route; a
    killed switch brings both plugs back on the new one."""
    program("umlnet-plug")
    n1, n2 = f"umlnet-{ctx.id}-h1", f"umlnet-{ctx.id}-h2"
    net = Net(ctx, "healns", f"switch sw0\n"
                             f"netns {n1}\n    eth0 sw0 ip=10.7.0.1/24\n"
                             f"    route 10.77.0.0/16 via 10.7.0.254\n"
                             f"netns {n2}\n    eth0 sw0 ip=10.7.0.2/24\n")

    def ping(src, dst):
        return subprocess.run(["ip", "netns", "exec", src, "ping", "-c", "1", "-W", "1", dst],
                              capture_output=True, text=True, timeout=30).returncode == 0
    try:
        net.up()
        check(ping(n2, "10.7.0.1"), "n2 -> n1 before any fault")
        old = pid_of(net, "plug", n1)
        killed = time.time()
        os.kill(old, signal.SIGKILL)
        wait_for(lambda: ping(n2, "10.7.0.1"), 30, "n1 reachable again")
        report("plug killed -> namespace reachable again", time.time() - killed)
        r = subprocess.run(["ip", "netns", "exec", n1, "ip", "route"], capture_output=True,
                           text=True, timeout=30)
        check("10.77.0.0/16 via 10.7.0.254" in r.stdout, f"n1's route not back:\n{r.stdout}")
        os.kill(pid_of(net, "switch", "sw0"), signal.SIGKILL)
        killed = time.time()
        wait_for(lambda: ping(n1, "10.7.0.2") and ping(n2, "10.7.0.1"), 30,
                 "both namespaces on the new switch")
        report("switch killed -> namespaces reach each other again", time.time() - killed)
        st = status(net)
        check(proc_entry(st, "switch", "sw0")["restarts"] == 1, f"{st['processes']}")
        check(proc_entry(st, "plug", n1)["restarts"] == 2 and
              proc_entry(st, "plug", n2)["restarts"] == 1, f"plugs: {st['processes']}")
        net.down()
        check_gone(net)
    finally:
        for ns in (n1, n2):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
