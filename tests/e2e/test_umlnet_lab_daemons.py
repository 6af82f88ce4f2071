"""Debian's daemons in UML lab machines, started the Kathará way (systemctl, service,
/etc/init.d) through umlnet's services shim: apache2 and bind9 on srv, isc-dhcp-server and radvd
on the router r; pc (on the other side of r) takes its IPv4 address, default route and name
server from r's dhcpd, its IPv6 address from r's radvd (SLAAC), resolves www.lab.test through
srv's named and fetches srv's page with curl. Each daemon is stopped and started again from
inside its machine; none of them ever runs on the host; halt in srv stops srv only.

The lab is tests/labs/daemons (Kathará dialect). Its daemons come from the host's / (the
machines' default base): scripts/deps installs them with every start refused on the host.
"""

import os
import re
import sys

from umlnet_harness import Skip, check

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_umlnet_lab import Lab  # noqa: E402  (the lab fixture, shared with the lab tests)
from test_umlnet_lab_services import host_pids, wait_for  # noqa: E402

DAEMONS = {"apache2": "/usr/sbin/apache2", "named": "/usr/sbin/named", "radvd": "/usr/sbin/radvd",
           "dhcpd": "/usr/sbin/dhcpd", "dhclient": "/sbin/dhclient"}
PAGE = "hello from srv's apache2"


def pid_of(lab, machine, pidfile):
    return lab.exec(machine, f"cat {pidfile} 2>/dev/null || echo none").stdout.strip()


def check_web(lab, lease):
    """pc fetches srv's page by name through r; srv logged pc's leased address."""
    r = lab.exec("pc", "curl -sS -m 20 http://www.lab.test/; ping -c 2 -i 0.3 -W 2 10.20.1.2",
                 ok=False)
    check(PAGE in r.stdout and "ttl=63" in r.stdout, f"pc -> http://www.lab.test/:\n{r.stdout}")
    r = lab.exec("srv", "cat /var/log/apache2/access.log")
    check(re.search(rf"^{re.escape(lease)} .*\"GET / HTTP/1.1\" 200", r.stdout, re.M),
          f"srv's access log has no GET from pc ({lease}):\n{r.stdout}")


def dig(lab):
    return lab.exec("pc", "dig +short +time=3 +tries=1 www.lab.test; echo rc=$?", ok=False).stdout


def resolved(lab):
    o = dig(lab)
    return o == "10.20.1.2\nrc=0\n", o


def check_apache(lab, lease):
    check_web(lab, lease)
    r = lab.exec("srv", "systemctl stop apache2 >/dev/null; systemctl is-active apache2", ok=False)
    check(r.stdout == "inactive\n", f"systemctl stop apache2:\n{r.stdout}")
    r = lab.exec("pc", "curl -sS -m 20 http://10.20.1.2/; echo rc=$?", ok=False)
    check("rc=7" in r.stdout, f"apache2 stopped, yet pc's curl:\n{r.stdout}")
    lab.exec("srv", "service apache2 start")
    before = pid_of(lab, "srv", "/run/apache2/apache2.pid")
    lab.exec("srv", "/etc/init.d/apache2 restart")
    after = pid_of(lab, "srv", "/run/apache2/apache2.pid")
    check(before != "none" and after not in ("none", before), f"apache2 pid {before} -> {after}")
    check_web(lab, lease)


def check_bind(lab):
    wait_for("pc: www.lab.test resolved by srv's named", lambda: resolved(lab), timeout=60)
    before = pid_of(lab, "srv", "/run/named/named.pid")
    lab.exec("srv", "systemctl restart named")
    after = pid_of(lab, "srv", "/run/named/named.pid")
    check(before != "none" and after not in ("none", before), f"named pid {before} -> {after}")
    wait_for("pc: www.lab.test resolved after named restarted", lambda: resolved(lab), timeout=60)
    r = lab.exec("srv", "service bind9 stop >/dev/null; systemctl is-active bind9; pidof named",
                 ok=False)
    check(r.stdout == "inactive\n", f"service bind9 stop:\n{r.stdout}")
    out = dig(lab)
    check("rc=9" in out, f"named stopped, yet pc's dig:\n{out}")
    lab.exec("srv", "/etc/init.d/named start")
    wait_for("pc: www.lab.test resolved after named started", lambda: resolved(lab), timeout=60)


def lease_of(lab):
    o = lab.exec("pc", "ip -4 -o addr show dev eth0; ip route show default").stdout
    m = re.search(r"inet (10\.20\.2\.(\d+))/24 ", o)
    ok = m and 100 <= int(m.group(2)) <= 150 and "default via 10.20.2.1 dev eth0" in o
    return (m.group(1) if ok else None), o


def check_dhcp(lab, mac):
    """r's dhcpd gave pc its address, route and name server (pc's startup ran dhclient); it
    stops, and after a restart leases again to pc's dhclient."""
    lease, _ = wait_for("pc: an address of r's DHCP range and its default route",
                        lambda: lease_of(lab))
    r = lab.exec("pc", "cat /etc/resolv.conf")
    check("nameserver 10.20.1.2" in r.stdout, f"pc's resolv.conf (from DHCP):\n{r.stdout}")
    r = lab.exec("r", "cat /var/lib/dhcp/dhcpd.leases")
    check(f"lease {lease} {{" in r.stdout and f"hardware ethernet {mac};" in r.stdout,
          f"r's dhcpd.leases has no lease of {lease} to {mac}:\n{r.stdout}")
    r = lab.exec("r", "systemctl stop isc-dhcp-server >/dev/null; "
                 "systemctl is-active isc-dhcp-server; pidof dhcpd", ok=False)
    check(r.stdout == "inactive\n", f"systemctl stop isc-dhcp-server:\n{r.stdout}")
    lab.exec("r", "service isc-dhcp-server start")
    before = pid_of(lab, "r", "/run/dhcpd.pid")
    lab.exec("r", "systemctl restart isc-dhcp-server")
    after = pid_of(lab, "r", "/run/dhcpd.pid")
    check(before != "none" and after not in ("none", before), f"dhcpd pid {before} -> {after}")
    r = lab.exec("pc", "dhclient -r eth0; ip -4 -o addr show dev eth0; echo released", ok=False)
    check("10.20.2." not in r.stdout and "released" in r.stdout, f"dhclient -r:\n{r.stdout}")
    r = lab.exec("pc", "dhclient -v eth0 2>&1", ok=False)
    check("DHCPACK of 10.20.2." in r.stdout, f"dhclient after dhcpd restarted:\n{r.stdout}")
    lease, _ = wait_for("pc: leased again", lambda: lease_of(lab), timeout=10)
    return lease


def slaac(lab):
    o = lab.exec("pc", "ip -6 -o addr show dev eth0 scope global").stdout
    return re.search(r"inet6 2001:db8:20:2:[0-9a-f:]+/64 scope global dynamic", o), o


def check_radvd(lab):
    """pc's SLAAC address from r's radvd, gone when flushed while radvd is stopped, back after
    radvd restarts."""
    wait_for("pc: a SLAAC address in r's prefix 2001:db8:20:2::/64", lambda: slaac(lab), timeout=60)
    r = lab.exec("pc", "ping -6 -c 2 -i 0.3 -W 2 2001:db8:20:2::1", ok=False)
    check(" 0% packet loss" in r.stdout, f"pc -> r over IPv6:\n{r.stdout}")
    r = lab.exec("r", "systemctl stop radvd >/dev/null; systemctl is-active radvd; pidof radvd",
                 ok=False)
    check(r.stdout == "inactive\n", f"systemctl stop radvd:\n{r.stdout}")
    lab.exec("pc", "ip -6 addr flush dev eth0 scope global; sleep 4")
    found, o = slaac(lab)
    check(not found, f"pc has a SLAAC address while radvd is stopped:\n{o}")
    lab.exec("r", "systemctl restart radvd")
    wait_for("pc: its SLAAC address again after radvd restarted", lambda: slaac(lab), timeout=60)
    before = pid_of(lab, "r", "/run/radvd/radvd.pid")
    lab.exec("r", "service radvd restart")
    after = pid_of(lab, "r", "/run/radvd/radvd.pid")
    check(before != "none" and after not in ("none", before), f"radvd pid {before} -> {after}")


def test_umlnet_lab_daemons(ctx):
    """apache2, bind9, isc-dhcp-server and radvd in lab machines: each works, stops and starts
    again inside its machine, never on the host; halt in srv stops srv only."""
    missing = [p for p in DAEMONS.values() if not os.path.exists(p)]
    if missing:
        raise Skip(f"needs {' '.join(missing)} (scripts/deps installs them)")
    before = {d: host_pids(d) for d in DAEMONS}
    lab = Lab(ctx, "daemons")
    out = lab.umlnet("lstart").stdout
    check("lab daemons is ready: 3 machines" in out, f"lstart:\n{out}")
    macs = {m["name"]: [i["mac"] for i in m["interfaces"]] for m in lab.info()["machines"]}
    r = lab.exec("srv", "cat /var/log/startup.log")
    check("failed" not in r.stdout, f"srv's startup:\n{r.stdout}")

    lease = check_dhcp(lab, macs["pc"][0])
    check_bind(lab)
    check_apache(lab, lease)
    check_radvd(lab)
    after = {d: host_pids(d) for d in DAEMONS}
    check(after == before, f"daemons appeared on the host: {before} -> {after}")

    lab.exec("srv", "(sleep 1; halt) > /dev/null 2>&1 &")

    def srv_gone():
        ms = {m["name"]: m["state"] for m in lab.info()["machines"]}
        return ms["srv"] != "running" and ms["r"] == ms["pc"] == "running", ms
    wait_for("srv halted, r and pc running", srv_gone, timeout=30)
    r = lab.exec("pc", "ping -c 2 -i 0.3 -W 2 10.20.2.1", ok=False)
    check(" 0% packet loss" in r.stdout, f"pc -> r after srv's halt:\n{r.stdout}")
    lab.clean()
    lab.check_gone()
