"""Soak of uml_switch: many client attach/detach cycles and port churn with traffic; prints the
switch's open file descriptors and resident memory before and after (they must stay flat).

    UMLNET_BUILD=$PWD/build python3 bench/switch_soak.py [--cycles 10000] [--ports 256]
                                                         [--churn 5000] [--switch PATH]

Phases: a warm-up (the allocator's and the backlog pool's working set), then --cycles clients
that each register, send a broadcast and a unicast to a resident peer and leave, then --ports
resident ports with --churn replacements (one leaves, a new one registers and talks) while
every port sends unicast and broadcast frames and most never read (their backlogs fill up to
the switch's budget). After each phase it waits until the switch has removed every port that
left, and the resident peer has read what was held for it, then reads /proc/PID/fd and
VmRSS. A leak of one descriptor or one allocation per port
shows up as thousands of fds or megabytes.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "harness"))
from daemon_client import DaemonClient, frame  # noqa: E402

BCAST = "ff:ff:ff:ff:ff:ff"


def mac(i):
    return "02:50:%02x:%02x:%02x:%02x" % (i >> 24 & 255, i >> 16 & 255, i >> 8 & 255, i & 255)


BUILD = os.environ.get("UMLNET_BUILD", os.path.join(HERE, "..", "build"))


def status(ctl):
    out = subprocess.run([os.path.join(BUILD, "uml_switchctl", "uml_switchctl"), "-s", ctl, "-j",
                          "status"], capture_output=True, text=True, timeout=10, check=True).stdout
    return json.loads(out)


def figures(pid):
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return fds, rss


def settle(ctl, peer):
    """Waits until the switch holds only the peer's port (departures are processed) and has sent
    the peer everything it held for it."""
    deadline = time.time() + 30
    while True:
        drain(peer)
        st = status(ctl)
        if st["ports"] == 1 and st.get("backlog_bytes", 0) == 0:
            return
        if time.time() > deadline:
            raise SystemExit(f"switch still holds {st['ports']} ports, expected 1")
        time.sleep(0.05)


def drain(c):
    c.data.setblocking(False)
    try:
        while True:
            c.data.recv(65536)
    except (BlockingIOError, OSError):
        pass


def cycles(ctl, peer, n, serial):
    for i in range(n):
        c = DaemonClient(ctl)
        c.send(frame(BCAST, mac(serial + i)))
        c.send(frame(mac(1), mac(serial + i), b"x" * 64))
        c.close()
        if i % 64 == 0:
            drain(peer)
    return serial + n


def churn(ctl, nports, replacements, serial):
    rnd = random.Random(7)
    ports = [(DaemonClient(ctl), serial + i) for i in range(nports)]
    serial += nports
    for c, m in ports:
        c.send(frame(BCAST, mac(m)))
    for r in range(replacements):
        k = rnd.randrange(nports)
        ports[k][0].close()
        ports[k] = (DaemonClient(ctl), serial)
        serial += 1
        c, m = ports[k]
        c.send(frame(BCAST, mac(m)))
        for _ in range(4):  # unicast between random residents
            a, b = rnd.sample(range(nports), 2)
            ports[a][0].send(frame(mac(ports[b][1]), mac(ports[a][1]), b"y" * 1000))
        if r % 16 == 0:  # a quarter of the ports read now and then; the rest never do
            for c, _ in ports[: nports // 4]:
                drain(c)
    for c, _ in ports:
        c.close()
    return serial


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cycles", type=int, default=10000)
    ap.add_argument("--ports", type=int, default=256)
    ap.add_argument("--churn", type=int, default=5000)
    ap.add_argument("--switch", default=None)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="umlnet-soak-")
    ctl = os.path.join(tmp, "soak.ctl")
    log = open(os.path.join(tmp, "switch.log"), "w")
    sw = subprocess.Popen([args.switch or os.path.join(BUILD, "uml_switch", "uml_switch"), "-unix", ctl, "-q"], stdin=subprocess.DEVNULL,
                          stdout=log, stderr=subprocess.STDOUT)
    try:
        while not os.path.exists(ctl + ".mgmt"):
            time.sleep(0.05)
        time.sleep(0.2)
        fresh = figures(sw.pid)
        peer = DaemonClient(ctl)
        peer.send(frame(BCAST, mac(1)))
        t0 = time.time()
        serial = cycles(ctl, peer, 500, 1000)                 # warm-up
        serial = churn(ctl, args.ports, 500, serial)
        settle(ctl, peer)
        before = figures(sw.pid)
        serial = cycles(ctl, peer, args.cycles, serial)
        settle(ctl, peer)
        after_cycles = figures(sw.pid)
        serial = churn(ctl, args.ports, args.churn, serial)
        settle(ctl, peer)
        after = figures(sw.pid)
        st = status(ctl)
        print(f"uml_switch soak: {args.cycles} attach/detach cycles, {args.ports}-port churn with "
              f"{args.churn} replacements, {time.time() - t0:.0f} s")
        print(f"{'':22} {'fds':>5} {'RSS KiB':>9}")
        for name, (fds, rss) in (("fresh", fresh), ("after warm-up", before),
                                 ("after cycles", after_cycles), ("after churn", after)):
            print(f"{name:22} {fds:>5} {rss:>9}")
        print(f"ports_total {st['ports_total']}  drop_full {st.get('drop_full', '-')}  "
              f"drop_budget {st.get('drop_budget', '-')}  backlog_bytes {st.get('backlog_bytes', '-')}  "
              f"macs {st['macs']}")
        flat = after[0] == before[0] and after[1] - before[1] < 2048
        print("flat" if flat else "NOT FLAT")
        return 0 if flat else 1
    finally:
        sw.terminate()
        sw.wait(10)
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
