"""Netkit and Kathará labs on UML machines: umlnet lstart / exec / linfo / lclean.

The labs are in tests/labs/ and are copied into the test's directory first (their scripts
write into shared/). Every lab's state lives under the test's own base (UMLNET_STATE_DIR), and
each test checks that lclean leaves no process, socket or file behind.
"""

import json
import os
import re
import shutil
import subprocess
import time

from umlnet_harness import HERE, Skip, TestFailure, check, program
from umlnet_helpers import leftovers

LABS = os.path.join(os.path.dirname(HERE), "labs")
EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(HERE)), "examples")


class Lab:
    """A lab directory of the test (a copy of tests/labs/<src>), started with umlnet lstart."""

    def __init__(self, ctx, src, where=None, base=None, labs=LABS):
        self.ctx = ctx
        self.dir = os.path.join(where or ctx.dir, src)
        shutil.copytree(os.path.join(labs, src), self.dir)
        if os.path.isdir(os.path.join(self.dir, "shared")):
            os.chmod(os.path.join(self.dir, "shared"), 0o777)  # the guests' user writes there
        self.base = base or ctx.path("state")
        os.makedirs(self.base, exist_ok=True)
        self.env = dict(os.environ, UMLNET_STATE_DIR=self.base)
        self.files = self.listing()
        self.cleaned = False
        ctx._procs.append(self)

    def listing(self):
        return sorted(os.path.relpath(os.path.join(d, f), self.dir)
                      for d, _, fs in os.walk(self.dir) for f in fs)

    def umlnet(self, *args, ok=True, timeout=300):
        r = subprocess.run([program("umlnet")] + list(args), cwd=self.dir, env=self.env,
                           capture_output=True, text=True, timeout=timeout)
        if ok and r.returncode != 0:
            raise TestFailure(f"umlnet {' '.join(args)} exited {r.returncode}:\n"
                              f"{r.stdout}{r.stderr}")
        return r

    def exec(self, machine, cmd, ok=True):
        return self.umlnet("exec", machine, cmd, ok=ok, timeout=120)

    def info(self):
        return json.loads(self.umlnet("linfo", "-j").stdout)

    def clean(self):
        self.cleaned = True
        return self.umlnet("lclean")

    def stop(self, *a, **kw):  # by Context.cleanup, whatever happened
        try:
            if not self.cleaned:
                self.umlnet("lhalt", ok=False)
        finally:
            for pid, _ in leftovers(self.base):
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass

    def check_gone(self, written=()):
        """Nothing of the lab left: no process, nothing in the state base (sockets, logs,
        files), nothing new in the lab directory but what its scripts wrote (written)."""
        left = leftovers(self.base)
        check(not left, f"processes left after lclean: {left}")
        check(os.listdir(self.base) == [], f"state left after lclean: {os.listdir(self.base)}")
        new = sorted(set(self.listing()) - set(self.files) - set(written))
        check(new == [], f"files left in the lab directory: {new}")


def check_routed3_defaults(lab):
    """What pc1 of routed3 finds (Kathará's defaults): host name and /etc/hosts, its folder
    over /, ip_forward 1, rp_filter 0, ICMP rate limit 0, IPv6 off, startup.log, /hostlab."""
    r = lab.exec("pc1", "hostname; cat /etc/hosts; cat /etc/lab-note; "
                 "sysctl -n net.ipv4.ip_forward net.ipv4.conf.all.rp_filter "
                 "net.ipv4.conf.eth0.rp_filter net.ipv4.icmp_ratelimit; "
                 "cat /proc/sys/net/ipv6/conf/eth0/disable_ipv6 2>/dev/null || echo no-ipv6; "
                 "cat /var/log/startup.log; ls /hostlab")
    lines = r.stdout.splitlines()
    check(lines[0] == "pc1" and "127.0.1.1\tpc1" in r.stdout, f"host name:\n{r.stdout}")
    check("hello from pc1's folder" in r.stdout, f"pc1/ not copied over /:\n{r.stdout}")
    check(lines[5:9] == ["1", "0", "0", "0"], f"sysctls:\n{r.stdout}")
    check(lines[9] in ("1", "no-ipv6"), f"IPv6 is on:\n{r.stdout}")
    check("+ ip route add default via 10.0.1.254" in r.stdout, f"startup.log:\n{r.stdout}")
    check("pc1.startup" in r.stdout and "lab.conf" in r.stdout, f"/hostlab:\n{r.stdout}")


def test_umlnet_lab_routed_three_domains(ctx):
    """Kathará dialect: static routing across three collision domains, the runtime defaults a
    startup script finds, MACs from lab.conf in ARP, netem inside a UML machine, exec."""
    lab = Lab(ctx, "routed3")
    out = lab.umlnet("lstart").stdout
    for word in ("MACHINE", "DOMAIN", "eth0:B(02:00:00:00:0b:02)",
                 "machine pc1 ready", "machine r2 ready", "lab routed3 is ready: 4 machines"):
        check(word in out, f"'{word}' missing from lstart's output:\n{out}")
    check(out.count(" ready (") == 4, f"one progress line per machine:\n{out}")

    r = lab.exec("pc1", "ping -c 2 -i 0.2 -W 2 10.0.3.1 || ping -c 3 -i 0.2 -W 2 10.0.3.1")
    check(" 0% packet loss" in r.stdout and "ttl=62" in r.stdout, f"pc1 -> pc2:\n{r.stdout}")

    check_routed3_defaults(lab)

    # ARP: r1 learns r2's MAC, the one lab.conf gives; pc1's is the one linfo shows.
    r = lab.exec("r1", "ping -c 1 -W 2 10.0.2.2 >/dev/null; ip neigh show 10.0.2.2")
    check("lladdr 02:00:00:00:0b:02" in r.stdout, f"r1's neighbour 10.0.2.2:\n{r.stdout}")
    info = lab.info()
    check(info["running"] and all(m["state"] == "running" for m in info["machines"]),
          f"linfo: {info}")
    pc1_mac = [m for m in info["machines"] if m["name"] == "pc1"][0]["interfaces"][0]["mac"]
    r = lab.exec("r1", "ping -c 1 -W 2 10.0.1.1 >/dev/null; ip neigh show 10.0.1.1")
    check(f"lladdr {pc1_mac}" in r.stdout, f"pc1's MAC {pc1_mac} in r1's ARP:\n{r.stdout}")

    # netem from the UML kernel's own modules: 50 ms on pc1's way out.
    r = lab.exec("pc1", "modprobe sch_netem && tc qdisc add dev eth0 root netem delay 50ms && "
                 "ping -c 3 -i 0.3 -W 2 10.0.1.254")
    rtts = [float(x) for x in re.findall(r"time=([\d.]+) ms", r.stdout)]
    check(len(rtts) == 3 and min(rtts) >= 50, f"netem delay 50ms, ping:\n{r.stdout}")

    r = lab.exec("pc2", "echo out; exit 3", ok=False)
    check(r.returncode == 3 and r.stdout == "out\n", f"exec status: {r.returncode} {r.stdout!r}")

    r = lab.clean()
    check("is cleaned" in r.stdout, f"lclean: {r.stdout}{r.stderr}")
    lab.check_gone()
    check(not lab.info()["running"], "linfo says the lab still runs")


def test_umlnet_lab_netkit_dep_order(ctx):
    """Netkit dialect: machines=, M, ifconfig; lab.dep makes the clients wait for the server's
    startup; shared/ is one folder for all; lclean runs M.shutdown, then shared.shutdown."""
    lab = Lab(ctx, "netkit_dep")
    out = lab.umlnet("lstart").stdout
    ready = re.findall(r"machine (\w+) ready", out)
    check(ready[0] == "server" and sorted(ready) == ["client1", "client2", "server"],
          f"ready order:\n{out}")
    with open(os.path.join(lab.dir, "shared", "order")) as f:
        order = f.read().split()
    check(order[0] == "server" and sorted(order) == ["client1", "client2", "server"],
          f"/shared/order: {order}")
    for c in ("client1", "client2"):
        r = lab.exec(c, "cat /tmp/ping-server /etc/shared-startup-ran /shared/hello.txt")
        check(" 0% packet loss" in r.stdout and "ran" in r.stdout and
              "shared folder" in r.stdout, f"{c} started before the server was ready:\n{r.stdout}")
    r = lab.exec("server", "awk '/MemTotal/ {print $2}' /proc/meminfo")
    check(int(r.stdout) < 48 * 1024, f"server[M]=48: MemTotal {r.stdout}")
    lab.clean()
    with open(os.path.join(lab.dir, "shared", "shutdown.log")) as f:
        log = f.read().splitlines()
    for m in ("server", "client1", "client2"):
        check(log.index(f"{m} own") < log.index(f"{m} shared"), f"shutdown order: {log}")
    lab.check_gone(written=["shared/order", "shared/shutdown.log"])


def test_umlnet_lab_two_side_by_side_state_under_run(ctx):
    """The same lab in two directories runs twice at once, each with collision domains of its
    own; state under /run (where root keeps it): the guests still read their run= script."""
    base = f"/run/umlnet-labtest-{ctx.id}"
    os.makedirs(base)
    try:
        labs = []
        for where in ("one", "two"):
            os.makedirs(ctx.path(where))
            labs.append(Lab(ctx, "pair", where=ctx.path(where), base=base))
        for lab in labs:
            lab.umlnet("lstart")
        nets = {lab.info()["network"] for lab in labs}
        check(len(nets) == 2, f"network names: {nets}")
        for lab in labs:
            r = lab.exec("pc1", "ping -c 2 -i 0.2 -W 2 10.9.0.2")
            check(" 0% packet loss" in r.stdout, f"pc1 -> pc2 in {lab.dir}:\n{r.stdout}")
            st = json.loads(lab.umlnet("-j", "status").stdout)
            owners = sorted(p["owner"] for s in st["switches"] for p in s["ports"])
            check(owners == ["pc1", "pc2"], f"ports of {lab.dir}'s domain: {owners}")
        labs[0].clean()
        check(labs[1].info()["running"], "lclean of one lab stopped the other")
        r = labs[1].exec("pc1", "ping -c 1 -W 2 10.9.0.2")
        check(" 0% packet loss" in r.stdout, f"the other lab after lclean:\n{r.stdout}")
        labs[1].clean()
        for lab in labs:
            lab.check_gone()
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_umlnet_lab_example_web_and_capture(ctx):
    """The example lab: a web server reached with curl through a router, while lcapture
    writes the server's collision domain to a pcap file that tcpdump reads back."""
    if not shutil.which("tcpdump") or not shutil.which("curl"):
        raise Skip("needs tcpdump and curl")
    lab = Lab(ctx, "lab-web", labs=EXAMPLES)
    lab.umlnet("lstart")
    pcap = ctx.path("dmz.pcap")
    cap = subprocess.Popen([program("umlnet"), "lcapture", "-t", "60", "-c", "8", "dmz", pcap],
                           cwd=lab.dir, env=lab.env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1)
        r = lab.exec("pc", "curl -s -m 10 http://10.0.2.80/")
        check("hello from srv, through r" in r.stdout, f"curl through r:\n{r.stdout}")
        _, err = cap.communicate(timeout=60)
    finally:
        if cap.poll() is None:
            cap.kill()
    check(cap.returncode == 0 and "8 frames captured on dmz" in err, f"lcapture: {err}")
    dump = subprocess.run(["tcpdump", "-nr", pcap], capture_output=True, text=True).stdout
    check("10.0.2.80.80" in dump and ("HTTP: GET / HTTP/1.1" in dump or "Flags [S" in dump),
          f"tcpdump of the capture:\n{dump}")
    r = lab.umlnet("lcapture", "nosuch", pcap, ok=False)
    check(r.returncode == 2 and "collision domain 'nosuch': not in the running lab" in r.stderr,
          f"lcapture of an unknown domain: {r.stderr}")
    lab.clean()
    lab.check_gone(written=[])


def test_umlnet_lab_init_starts_few_processes(ctx):
    """A process costs a UML machine 20-70 ms of CPU (bench/boot_profile.py), so the lab init
    sets a machine up with few: the pids taken between the lab init's shell and the startup
    script's bash (its child) stay under 20 with a folder over /, closed host directories
    (FRR's, when installed) and the services shims. A process per mount, chown and link took
    over 30."""
    src = ctx.path("src")
    os.makedirs(os.path.join(src, "forks", "m", "etc", "forks.d"))
    with open(os.path.join(src, "forks", "lab.conf"), "w") as f:
        f.write("m[0]=a\n")
    with open(os.path.join(src, "forks", "m", "etc", "forks.d", "note"), "w") as f:
        f.write("from the folder\n")
    with open(os.path.join(src, "forks", "m.startup"), "w") as f:
        f.write('echo "$(( $$ - PPID ))" > /tmp/forks\n')
    lab = Lab(ctx, "forks", labs=src)
    lab.umlnet("lstart")
    r = lab.exec("m", "cat /tmp/forks /etc/forks.d/note; command -v service")
    lines = r.stdout.split()
    check(lines[0].isdigit() and lines[1:] == ["from", "the", "folder", "/usr/local/sbin/service"],
          f"the startup's count, the folder's file and the services shim:\n{r.stdout}")
    check(int(lines[0]) < 20, f"the lab init took {lines[0]} pids before the startup script")
    lab.clean()
    lab.check_gone(written=[])


def test_umlnet_lab_bridged_reaches_host_loopback(ctx):
    """bridged=true: an extra last interface on a slirp gateway; the machine reaches a
    listener on the host's 127.0.0.1 through 10.0.2.2, without root on the way."""
    import http.server
    import threading

    with open(ctx.path("hello.txt"), "w") as f:
        f.write("hello from the host\n")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=ctx.dir, **kw)

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        lab = Lab(ctx, "bridged")
        out = lab.umlnet("lstart").stdout
        check("eth1:host" in out, f"the bridged interface in the table:\n{out}")
        r = lab.exec("b", "ip -4 -o addr show eth1; ip route show default; "
                     f"curl -s -m 10 http://10.0.2.2:{srv.server_address[1]}/hello.txt")
        check("10.0.2.15/24" in r.stdout and "default via 10.0.2.2 dev eth1" in r.stdout and
              "hello from the host" in r.stdout, f"b through the gateway:\n{r.stdout}")
        r = lab.exec("c", "ping -c 1 -W 2 10.7.0.1")
        check(" 0% packet loss" in r.stdout, f"c -> b on A:\n{r.stdout}")
        lab.clean()
        lab.check_gone()
    finally:
        srv.shutdown()


def test_umlnet_lab_ltest_signatures(ctx):
    """ltest starts the lab, writes the signatures on its first run, matches them on the next
    and fails, with a readable diff, on a broken copy; each run cleans what it started."""
    lab = Lab(ctx, "pair")
    r = lab.umlnet("ltest")
    check("pc1: default signature written" in r.stdout and "pc1: user signature written" in
          r.stdout and "all machines match" in r.stdout, f"first ltest:\n{r.stdout}")
    with open(os.path.join(lab.dir, "_test", "signature", "pc1.user")) as f:
        check(f.read() == "pc2 answers\n", "pc1's user signature")
    r = lab.umlnet("-q", "ltest")
    check(r.stdout == "", f"second ltest (quiet, all match):\n{r.stdout}")
    with open(os.path.join(lab.dir, "pc2.startup"), "w") as f:
        f.write("ip addr add 10.9.0.3/24 dev eth0\n")
    r = lab.umlnet("ltest", ok=False)
    check(r.returncode == 1 and "machine pc1: user differs" in r.stdout and
          "- pc2 answers" in r.stdout and "+ pc2 is silent" in r.stdout and
          '+ {"addrs": ["10.9.0.3/24"], "link": "eth0"' in r.stdout and "FAILED" in r.stdout,
          f"ltest of the broken copy: {r.returncode}\n{r.stdout}{r.stderr}")
    lab.cleaned = True
    written = [f"_test/{d}/{m}.{p}" for d in ("signature", "results") for m in ("pc1", "pc2")
               for p in ("default", "user") if not (m == "pc2" and p == "user")]
    lab.check_gone(written=written)


BAD_LABS = {
    "missing_folder": ({"lab.conf": 'machines="a b"\na[0]=A\n'},
                       "lab.conf:1: machine 'b': listed, but the lab has no folder b/"),
    "bad_line": ({"lab.conf": "a[0]=A\nb(0)=A\n"}, "lab.conf:2: 'b(0)': expected machine[N]=CD"),
    "bad_cd": ({"lab.conf": "a[0]=A\nb[0]=A.B\n"},
               "lab.conf:2: b[0]: collision domain 'A.B': expected"),
    "dep_loop": ({"lab.conf": "a[0]=A\nb[0]=A\nc[0]=A\n", "lab.dep": "a: b\nb: c\nc: a\n"},
                 "lab.dep: a loop: a -> b -> c -> a"),
    "impossible_image": ({"lab.conf": "a[0]=A\na[image]=kathara/p4\n"},
                         "machine a: image 'kathara/p4' needs software Debian does not package"),
}


def test_umlnet_lab_bad_labs_start_nothing(ctx):
    base = ctx.path("state")
    os.makedirs(base)
    env = dict(os.environ, UMLNET_STATE_DIR=base)
    for name, (files, msg) in BAD_LABS.items():
        d = ctx.path(name)
        os.makedirs(d)
        for fname, text in files.items():
            with open(os.path.join(d, fname), "w") as f:
                f.write(text)
        r = subprocess.run([program("umlnet"), "lstart", "-d", d], capture_output=True,
                           text=True, timeout=60, env=env)
        errors = [line for line in r.stderr.splitlines() if "error" in line]
        check(r.returncode == 2 and len(errors) == 1 and msg in errors[0],
              f"{name}: exit {r.returncode}, stderr:\n{r.stderr}")
        check(os.listdir(base) == [] and not leftovers(base), f"{name}: something started")
