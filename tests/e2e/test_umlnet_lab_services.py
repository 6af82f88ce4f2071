"""Daemons in lab machines: FRR's OSPF started by `systemctl start frr` from the lab's
/etc/frr/daemons and frr.conf, the systemctl/service/halt shims (they act in the machine, never
on the host), a Linux bridge made with brctl inside a machine.

The labs are tests/labs/ospf (Kathará dialect) and tests/labs/bridge (Netkit dialect).
"""

import os
import re
import shutil
import subprocess
import sys
import time

from umlnet_harness import Skip, check

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_umlnet_lab import Lab  # noqa: E402  (the lab fixture, shared with the lab tests)


def wait_for(what, fn, timeout=90, step=1.0):
    """fn() until it returns a true value (returned), or fail after timeout seconds with the
    last value seen."""
    end = time.time() + timeout
    while True:
        last = fn()
        if last[0]:
            return last
        if time.time() > end:
            check(False, f"{what} within {timeout} s; last seen:\n{last[1]}")
        time.sleep(step)


def host_pids(name):
    r = subprocess.run(["pgrep", "-x", name], capture_output=True, text=True)
    return r.stdout.split()


def ospf_routes(lab, timeout):
    """Waits until every router of the OSPF lab has its OSPF routes to the networks it is not on."""
    routes = {"r1": ["10.23.0.0/24", "10.3.0.0/24"], "r2": ["10.1.0.0/24", "10.3.0.0/24"],
              "r3": ["10.1.0.0/24", "10.12.0.0/24"]}
    for r, nets in routes.items():
        def learnt(r=r, nets=nets):
            o = lab.exec(r, "ip route show proto ospf").stdout
            return all(re.search(rf"^{re.escape(n)} (nhid \d+ )?via ", o, re.M)
                       for n in nets), o
        wait_for(f"{r}: OSPF routes to {nets} in its table", learnt, timeout=timeout)


def test_umlnet_lab_frr_ospf(ctx):
    """Three FRR routers converge (neighbours Full, OSPF routes in every router, the hosts'
    default routes), pc1 pings pc2 across them; service/systemctl/init.d act on the machine's
    FRR only; poweroff inside a machine stops that machine, the lab runs on, lclean still
    leaves nothing."""
    if not os.path.exists("/usr/lib/frr/ospfd") or not shutil.which("vtysh"):
        raise Skip("needs frr (scripts/deps installs it)")
    before = {d: host_pids(d) for d in ("zebra", "ospfd", "watchfrr")}
    lab = Lab(ctx, "ospf")
    out = lab.umlnet("lstart").stdout
    check("lab ospf is ready: 5 machines" in out, f"lstart:\n{out}")

    want = {"r1": 1, "r2": 2, "r3": 1}
    for r, n in want.items():
        def full(r=r, n=n):
            o = lab.exec(r, "vtysh -c 'show ip ospf neighbor'", ok=False).stdout
            return o.count("Full/") == n, o
        wait_for(f"{r}: {n} OSPF neighbour(s) Full", full)

    ospf_routes(lab, timeout=30)
    for pc, gw in (("pc1", "10.1.0.1"), ("pc2", "10.3.0.1")):
        o = lab.exec(pc, "ip route show default").stdout
        check(f"default via {gw} dev eth0" in o, f"{pc}'s routes:\n{o}")

    r = lab.exec("pc1", "ping -c 3 -i 0.3 -W 2 10.3.0.10")
    check(" 0% packet loss" in r.stdout and "ttl=61" in r.stdout, f"pc1 -> pc2:\n{r.stdout}")

    # The shims: status through systemctl, stop through service, start through init.d.
    r = lab.exec("r3", "systemctl is-active frr; systemctl status frr.service")
    check(r.stdout.startswith("active\n") and "ospfd" in r.stdout, f"status:\n{r.stdout}")
    r = lab.exec("r3", "service frr stop; sleep 1; pidof ospfd zebra; "
                 "systemctl is-active frr; echo is-active=$?", ok=False)
    check("inactive\nis-active=3" in r.stdout, f"service frr stop:\n{r.stdout}")
    r = lab.exec("r3", "/etc/init.d/frr start >/dev/null 2>&1; pidof ospfd >/dev/null && echo up")
    check(r.stdout.strip() == "up", f"/etc/init.d/frr start:\n{r.stdout}")
    ospf_routes(lab, timeout=90)  # FRR restarted on r3 took OSPF back there
    r = lab.exec("r3", "systemctl start nosuchd", ok=False)
    check(r.returncode == 5 and "unit nosuchd: this lab machine has no /etc/init.d/nosuchd" in
          r.stdout, f"unknown unit: {r.returncode}\n{r.stdout}")
    after = {d: host_pids(d) for d in before}
    check(after == before, f"FRR daemons appeared on the host: {before} -> {after}")

    # poweroff in pc2: its kernel exits, the others run on.
    lab.exec("pc2", "(sleep 1; poweroff) > /dev/null 2>&1 &")

    def pc2_gone():
        ms = {m["name"]: m["state"] for m in lab.info()["machines"]}
        return ms["pc2"] != "running", ms
    wait_for("pc2 powered off", pc2_gone, timeout=30)
    r = lab.exec("pc1", "ping -c 3 -i 0.3 -W 2 10.3.0.1", ok=False)
    check(" 0% packet loss" in r.stdout or " 33% packet loss" in r.stdout, f"the lab after pc2's poweroff:\n{r.stdout}")
    r = lab.exec("r1", "reboot", ok=False)
    check(r.returncode != 0 and "cannot reboot" in r.stdout, f"reboot: {r.stdout}")
    lab.clean()
    lab.check_gone()


def bridge_ping(lab):
    """(answered, what h1, h2 and br show when not): one ping from h1 to h2."""
    r = lab.exec("h1", "ping -c 1 -W 1 10.6.0.2", ok=False)
    if r.returncode == 0:
        return True, ""
    seen = [r.stdout]
    for m, cmd in (("br", "brctl showstp br0; ip -br link"), ("h1", "ip -br addr; ip neigh"),
                   ("h2", "ip -br addr; cat /var/log/startup.log")):
        seen.append(f"--- {m}: {cmd}\n" + lab.exec(m, cmd, ok=False).stdout)
    return False, "\n".join(seen)


def test_umlnet_lab_brctl_bridge(ctx):
    """Netkit dialect: br bridges collision domains left and right with brctl; h1 and h2, one
    on each side, ping each other through it and br learns both MACs."""
    lab = Lab(ctx, "bridge")
    lab.umlnet("lstart")
    # A bridge port learns before it forwards (forward delay 0 still takes a timer tick), and a
    # loaded host stretches that: the first answer is awaited, then every ping must pass.
    t0 = time.time()
    wait_for("h1 -> h2 through br", lambda: bridge_ping(lab), timeout=15)
    print(f"lab bridge: h1 reached h2 {time.time() - t0:.1f} s after lstart returned")
    r = lab.exec("h1", "ping -c 3 -i 0.3 -W 2 10.6.0.2", ok=False)
    check(" 0% packet loss" in r.stdout, f"h1 -> h2 through br:\n{r.stdout}")
    macs = {m["name"]: [i["mac"] for i in m["interfaces"]] for m in lab.info()["machines"]}
    r = lab.exec("br", "brctl show br0; brctl showmacs br0")
    check(re.search(r"br0\s.*eth0", r.stdout) and "eth1" in r.stdout,
          f"brctl show:\n{r.stdout}")
    for h in ("h1", "h2"):
        check(macs[h][0] in r.stdout, f"{h}'s MAC {macs[h][0]} not learnt by br0:\n{r.stdout}")
    lab.clean()
    lab.check_gone()
