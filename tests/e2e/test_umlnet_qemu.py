"""QEMU VMs as guests of `umlnet`: a topology file with a UML guest, a QEMU VM and namespaces;
every pair pings, 1 MiB crosses VM<->UML byte-exact (through `umlnet exec` on both sides), the VM
runs as the guests' user, status shows it, a NIC is hot-plugged on a second switch and removed
again through QMP, and `down` powers it off leaving nothing. Boots under TCG take 4-25 s on a
loaded machine: timeouts are generous."""

import json
import os
import subprocess
import time

from umlnet_harness import Skip, check, program, wait_for
from umlnet_helpers import Net, check_gone

QEMU = "/usr/bin/qemu-system-x86_64"
MB = 1024 * 1024


def need_qemu():
    if os.geteuid() != 0:
        raise Skip("namespace guests need root")
    if not os.access(QEMU, os.X_OK):
        raise Skip("qemu-system-x86 is not installed (scripts/deps)")
    program("umlnet-plug")


def ns_ping(ns, ip):
    r = subprocess.run(["ip", "netns", "exec", ns, "ping", "-c", "2", "-i", "0.3", "-W", "5", ip],
                       capture_output=True, text=True, timeout=60)
    return r.returncode == 0 and " 0% packet loss" in r.stdout


def exec_ping(net, guest, ip):
    """Ping from a guest; the first try also waits for ARP and the switch's learning."""
    r = net.exec(guest, f"ping -c 2 -W 5 {ip} || ping -c 3 -W 5 {ip}", ok=False)
    check(r.returncode == 0, f"{guest} -> {ip}:\n{r.stdout}{r.stderr}")


def digest_when_done(net, guest, path, size):
    r = net.exec(guest, f"test $(stat -c %s {path}) -ge {size} && sha256sum {path}", ok=False)
    return r.stdout.split()[0] if r.returncode == 0 and r.stdout.strip() else None


def send(net, src, dst, dst_ip, port, listen):
    """1 MiB of random bytes from guest src to guest dst over TCP (nc), sha256 compared."""
    net.exec(src, f"dd if=/dev/urandom of=/tmp/out.bin bs=1024 count={MB // 1024} 2>/dev/null")
    digest = net.exec(src, "sha256sum /tmp/out.bin").stdout.split()[0]
    net.exec(dst, f"rm -f /tmp/got.bin; ({listen} {port} > /tmp/got.bin 2>/dev/null &); "
                  "sleep 0.5")
    time.sleep(1)
    net.exec(src, f"nc {'-N -w 30 ' if src == 'u' else ''}{dst_ip} {port} < /tmp/out.bin")
    got = wait_for(lambda: digest_when_done(net, dst, "/tmp/got.bin", MB), 90,
                   f"{dst} to get 1 MiB from {src}", interval=1)
    check(got == digest, f"{src} -> {dst}: digest differs ({got} vs {digest})")


def vm_of(status):
    return next(g for g in status["guests"] if g["name"] == "vm")


def uid_of(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Uid:"):
                return [int(x) for x in line.split()[1:]]
    return None


def test_umlnet_qemu_mixed_network(ctx):
    """`umlnet up` of a UML guest, a QEMU VM and a namespace on one switch (and a namespace on
    a second switch): all pairs ping; 1 MiB each way VM<->UML, sha256 compared; status -j shows
    the VM (accelerator, its NIC's switch port with counters); QEMU's uid is not 0; a NIC
    attached through QMP on the second switch reaches the namespace there and is gone after
    detach; down leaves no process, socket or state."""
    need_qemu()
    n0, n1 = f"umlnet-{ctx.id}-q0", f"umlnet-{ctx.id}-q1"
    net = Net(ctx, "qm", "switch sw0\n"
                         "switch sw1\n"
                         "guest u mem=64M\n"
                         "    eth0 sw0 ip=10.73.0.1/24\n"
                         "guest vm qemu mem=192M\n"
                         "    eth0 sw0 ip=10.73.0.3/24\n"
                         f"netns {n0}\n"
                         "    eth0 sw0 ip=10.73.0.2/24\n"
                         f"netns {n1}\n"
                         "    eth0 sw1 ip=10.73.1.2/24\n")
    try:
        net.umlnet("--timeout", "300", "--jobs", "2", "up", net.conf, timeout=900)
        for src, ips in (("vm", ("10.73.0.1", "10.73.0.2")), ("u", ("10.73.0.3", "10.73.0.2"))):
            for ip in ips:
                exec_ping(net, src, ip)
        for ip in ("10.73.0.3", "10.73.0.1"):
            check(ns_ping(n0, ip), f"namespace -> {ip}")

        r = net.exec("vm", "echo out; echo err >&2; exit 7", ok=False)
        check(r.returncode == 7 and r.stdout.split() == ["out", "err"],
              f"exec in the VM: status {r.returncode}, output {r.stdout!r}")
        # Commands at once: two in the VM (the second waits its turn on the channel) while one
        # runs in the UML guest (which holds the network's notify socket meanwhile).
        slow = [subprocess.Popen([program("umlnet"), "-s", net.state, "exec", g,
                                  f"sleep 3; echo slow-{g}"], stdout=subprocess.PIPE, text=True)
                for g in ("u", "vm")]
        time.sleep(1)
        r = net.exec("vm", "echo quick; exit 4", ok=False)
        outs = [(p.communicate(timeout=120)[0].strip(), p.returncode) for p in slow]
        check(r.returncode == 4 and r.stdout.strip() == "quick" and
              outs == [("slow-u", 0), ("slow-vm", 0)],
              f"concurrent exec: {r.returncode} {r.stdout!r} {r.stderr!r}, {outs}")
        send(net, "vm", "u", "10.73.0.1", 7001, "nc -l")
        send(net, "u", "vm", "10.73.0.3", 7002, "nc -l -p")

        st = json.loads(net.umlnet("-j", "status").stdout)
        vm = vm_of(st)
        check(vm["kind"] == "qemu" and vm["running"], f"status: {vm}")
        want = "kvm" if os.path.exists("/dev/kvm") else "tcg"
        check(vm["accel"] in ("kvm", "tcg") and (want == "kvm" or vm["accel"] == "tcg"),
              f"accelerator: {vm['accel']}")
        port = vm["devices"][0]["port"]
        check(port and port["rx_frames"] > 700 and port["tx_frames"] > 700,
              f"the VM's switch port and counters after 2 MiB: {vm['devices'][0]}")
        check(os.path.exists(vm["qmp"]), f"QMP socket {vm['qmp']}")
        uids = uid_of(vm["pid"])
        check(uids and 0 not in uids, f"QEMU (pid {vm['pid']}) runs with uids {uids}")
        text = net.umlnet("status").stdout
        check(f"accel={vm['accel']}" in text and "eth0:sw0:10.73.0.3/24[port" in text,
              f"status text:\n{text}")

        net.umlnet("attach", "vm", "eth1=sw1", "ip=10.73.1.3/24", timeout=300)
        exec_ping(net, "vm", "10.73.1.2")
        check(ns_ping(n1, "10.73.1.3"), "namespace on sw1 -> the VM's attached NIC")
        st = json.loads(net.umlnet("-j", "status").stdout)
        check(any(d.get("attached") == "sw1" for d in vm_of(st)["devices"]),
              f"status after attach: {vm_of(st)['devices']}")
        net.umlnet("detach", "vm", "eth1", timeout=120)
        r = net.exec("vm", "ip link show eth1", ok=False)
        check(r.returncode != 0, f"eth1 still in the VM after detach:\n{r.stdout}")
        check(not ns_ping(n1, "10.73.1.3"), "the namespace still reaches the detached NIC")
        st = json.loads(net.umlnet("-j", "status").stdout)
        check(not any(d.get("attached") for d in vm_of(st)["devices"]),
              f"status after detach: {vm_of(st)['devices']}")

        qmp = vm["qmp"]
        t0 = time.monotonic()
        net.down()
        took = time.monotonic() - t0
        check_gone(net)
        # Without the VM's ACPI power button handled, down waits 15 s before killing QEMU.
        check(took < 15, f"down took {took:.1f} s: the VM did not power off on ACPI powerdown")
        check(not os.path.exists(qmp), f"{qmp} left after down")
        check(not any(os.path.exists(f"/run/netns/{n}") for n in (n0, n1)), "namespaces left")
    finally:
        for n in (n0, n1):
            subprocess.run(["ip", "netns", "del", n], capture_output=True)


def test_umlnet_qemu_switch_restarted(ctx):
    """kill -9 of the switch under a VM: the supervisor starts it again and plugs the VM's NIC
    in again through QMP (QEMU's stream client never reconnects by itself), with every address
    it had (the topology's, a second IPv4 subnet and an IPv6 address added in the VM) and the
    topology's route: the VM reaches the UML guest on both subnets and, by its route, the
    namespace on the other subnet again."""
    need_qemu()
    n0 = f"umlnet-{ctx.id}-qr"
    net = Net(ctx, "qr", "switch sw0\n"
                         "guest u mem=64M forward\n"
                         "    eth0 sw0 ip=10.74.0.1/24\n"
                         "    eth1 sw0 ip=10.74.1.1/24\n"
                         "guest vm qemu mem=192M\n"
                         "    eth0 sw0 ip=10.74.0.3/24\n"
                         "    route 10.74.1.0/24 via 10.74.0.1\n"
                         f"netns {n0}\n"
                         "    eth0 sw0 ip=10.74.1.2/24\n"
                         "    route 10.74.0.0/24 via 10.74.1.1\n")
    try:
        net.umlnet("--timeout", "300", "up", net.conf, timeout=900)
        exec_ping(net, "vm", "10.74.0.1")
        exec_ping(net, "vm", "10.74.1.2")
        net.exec("u", "ip addr add 10.74.2.1/24 dev eth0")
        net.exec("vm", "ip addr add 10.74.2.3/24 dev eth0 && ip addr add fd74::3/64 dev eth0")
        st = json.loads(net.umlnet("-j", "status").stdout)
        old = next(s["pid"] for s in st["switches"] if s["name"] == "sw0")
        killed = time.monotonic()
        os.kill(old, 9)

        def back():
            r = net.exec("vm", "ping -c 1 -W 2 10.74.0.1 && ping -c 1 -W 2 10.74.1.2 && "
                               "ping -c 1 -W 2 10.74.2.1", ok=False)
            return r.returncode == 0
        wait_for(back, 180, "the VM to reach the UML guest and the namespace again", interval=2)
        print(f"  measured: switch killed -> VM reaches both again: "
              f"{time.monotonic() - killed:.1f} s")
        addrs = net.exec("vm", "ip -o addr show dev eth0").stdout
        for a in ("10.74.0.3/24", "10.74.2.3/24", "fd74::3/64"):
            check(f" {a} " in addrs, f"{a} not restored on the VM's eth0:\n{addrs}")
        st = json.loads(net.umlnet("-j", "status").stdout)
        sw = next(s for s in st["switches"] if s["name"] == "sw0")
        check(sw["pid"] != old and sw["running"], f"switch not restarted: {sw}")
        port = vm_of(st)["devices"][0]["port"]
        check(port and port["rx_frames"] > 0, f"the VM's port on the new switch: {port}")
        net.down()
        check_gone(net)
    finally:
        subprocess.run(["ip", "netns", "del", n0], capture_output=True)


def test_umlnet_qemu_disk_path_with_comma(ctx):
    """A disk= path holding ',' reaches QEMU as one file name (the comma doubled, as QEMU's
    option syntax wants), not as a second option: the VM starts and answers QMP. The disk
    boots nothing (QEMU stays in its BIOS), so no kernel boot is waited for."""
    need_qemu()
    d = ctx.path("disks")
    os.makedirs(d)
    os.chmod(d, 0o755)
    disk = os.path.join(d, "a,b.img")
    with open(disk, "wb") as f:
        f.truncate(MB)
    os.chmod(disk, 0o666)
    net = Net(ctx, "qc", f"switch sw0\nguest vm qemu mem=32M disk={disk}\n    eth0 sw0\n")
    r = net.umlnet("--timeout", "120", "up", net.conf, timeout=300, ok=False)
    check(r.returncode == 0, f"up of a VM with disk {disk!r}: exit {r.returncode}\n"
          f"{r.stderr[-2000:]}")
    st = json.loads(net.umlnet("-j", "status").stdout)
    pid = vm_of(st)["pid"]
    cmd = _cmdline(pid)
    check(f"file={d}/a,,b.img,if=virtio" in cmd, f"QEMU's -drive: {cmd}")
    os.kill(pid, 9)  # a VM in its BIOS has no OS to answer the ACPI powerdown
    net.down()
    check_gone(net)


def test_umlnet_qemu_bad_keys(ctx):
    """A bad key of a qemu guest stops `up` before anything starts: one line naming the field,
    exit status 2."""
    cases = {
        "guest vm qemu disk=relative.img\n    eth0 sw0\n": "disk 'relative.img'",
        "guest vm qemu colour=blue\n    eth0 sw0\n": "unknown option 'colour'",
        "guest vm qemu initrd=/boot/initrd.img\n    eth0 sw0\n": "initrd '/boot/initrd.img'",
        "guest vm qemu\n    eth0 sw0 vlan=10\n": "vlan=",
        "guest vm qemu mem=lots\n    eth0 sw0\n": "mem 'lots'",
    }
    for i, (text, field) in enumerate(cases.items()):
        net = Net(ctx, f"bad{i}", "switch sw0\n" + text)
        r = net.umlnet("up", net.conf, ok=False)
        err = r.stderr.strip()
        check(r.returncode == 2 and len(err.splitlines()) == 1 and field in err,
              f"{text!r}: exit {r.returncode}, stderr {err!r}")
        check(not os.path.exists(net.state), f"{text!r}: state made for a refused file")


def test_umlnet_demo_qemu(ctx):
    """`umlnet demo --qemu`: a UML guest, a QEMU VM and a namespace on one switch, each pinging
    the other two (6 checks), then torn down with nothing left."""
    need_qemu()
    state = ctx.path("demo-state")
    os.makedirs(state)
    r = subprocess.run([program("umlnet"), "-s", state, "--timeout", "300", "demo", "--qemu"],
                       capture_output=True, text=True, timeout=900)
    out = r.stdout + r.stderr
    check(r.returncode == 0 and "6 passed, 0 failed" in out, f"demo --qemu exited "
          f"{r.returncode}:\n{out[-3000:]}")
    for line in ("PASS vm pings a (10.0.3.1)", "PASS a pings vm (10.0.3.3)", "pings vm (10.0.3.3)",
                 "accel="):
        check(line in out, f"demo output lacks {line!r}:\n{out[-3000:]}")
    check(not [p for p in os.listdir("/proc") if p.isdigit() and state in _cmdline(p)],
          "processes of the demo left")
    check(not [n for n in os.listdir("/run/netns") if n.startswith("umlnet-demo-")]
          if os.path.isdir("/run/netns") else True, "the demo's namespace left")


def _cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""
