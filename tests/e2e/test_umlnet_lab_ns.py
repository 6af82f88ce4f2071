"""Namespace machines (umlnet lstart --machines ns), umlnet connect, and lab machines that never
run as host root.

The labs are tests/labs/ (copied into the test's directory, as test_umlnet_lab does). Each
namespace machine's init is recorded as "machine <name> <pid> <start>" in the lab's pids file;
its namespaces are those of that pid.
"""

import importlib.util
import os
import pty
import re
import select
import shutil
import subprocess
import time

from umlnet_harness import Skip, TestFailure, check, program
from umlnet_helpers import recorded

_spec = importlib.util.spec_from_file_location(
    "umlnet_lab_common", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                      "test_umlnet_lab.py"))
_common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_common)
Lab = _common.Lab

NS_KINDS = ("user", "mnt", "net", "pid", "uts", "ipc")


def needs_root():
    if os.geteuid() != 0:
        raise Skip("namespace machines need umlnet run as root")


def records(lab, kind):
    return recorded(lab.base, kind)


def uid_of(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"^Uid:\s+(\d+)", f.read(), re.M).group(1))


def live(pid):
    """Running (a zombie waiting for its parent's wait counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def ns_inodes(pid):
    return {os.readlink(f"/proc/{pid}/ns/{k}") for k in NS_KINDS}


def holders(inodes):
    """Processes in (or holding an fd on) any of the namespaces named in inodes."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            links = {os.readlink(f"/proc/{pid}/ns/{k}") for k in NS_KINDS}
            fds = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        except OSError:
            continue
        if (links | fds) & inodes and live(int(pid)):
            found.append(int(pid))
    return found


def mounts(ctx):
    """The host's mounts a lab could leave: of the test's directory, overlays, over /tmp (a
    machine's scratch), idmapped ones (other tests' namespaces come and go meanwhile)."""
    found = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields, fstype = line.split(), line.split(" - ")[1].split()[0]
            if ctx.dir in line or fstype == "overlay" or fields[4] == "/tmp" or \
                    "idmapped" in line:
                found.append(" ".join(fields[3:5]) + " " + fstype)
    return sorted(found)


def connect(lab, *args, timeout=30):
    """`umlnet connect ARGS` driven through a pty as a terminal would: asks the shell for its
    host name, then detaches with Ctrl-]. Returns (exit status, the answer seen, all output)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(lab.dir)
        os.execve(program("umlnet"), [program("umlnet"), "connect"] + list(args), lab.env)
    out, answer = b"", None
    try:
        os.write(fd, b"echo NAME-$(hostname)-END\n")
        end = time.monotonic() + timeout
        while time.monotonic() < end and answer is None:
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    break
            m = re.search(rb"NAME-(\w+)-END\r?\n", out)
            answer = m.group(1).decode() if m else None
        os.write(fd, b"\x1d")
        end = time.monotonic() + 10
        while time.monotonic() < end:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:  # what it wrote before it ended is still in the pty: read it all
                while select.select([fd], [], [], 0.2)[0]:
                    try:
                        chunk = os.read(fd, 4096)
                    except OSError:
                        break
                    if not chunk:
                        break
                    out += chunk
                return os.waitstatus_to_exitcode(status), answer, out.decode(errors="replace")
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    out += os.read(fd, 4096)
                except OSError:
                    pass
        raise TestFailure(f"umlnet connect {' '.join(args)} did not leave on Ctrl-]:\n{out}")
    finally:
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)


def check_connect(lab, machine, *args):
    """connect reaches machine's shell, Ctrl-] leaves, the machine runs on."""
    status, answer, out = connect(lab, *(args or (machine,)))
    check(status == 0 and answer == machine, f"connect {machine}: status {status}, "
          f"answer {answer}:\n{out}")
    check("it runs on" in out, f"connect {machine}: no word on leaving:\n{out}")
    r = lab.exec(machine, "hostname")
    check(r.stdout.strip() == machine, f"{machine} after connect: {r.stdout}")


def test_umlnet_lab_ns_routed_three_domains(ctx):
    """The routed three-domain lab as namespace machines: ping across, Kathará's defaults,
    exec status, root inside that is the guests' user outside; lclean leaves no process,
    namespace, mount or file."""
    needs_root()
    lab = Lab(ctx, "routed3")
    before = mounts(ctx)
    out = lab.umlnet("lstart", "--machines", "ns").stdout
    check(out.count(" ready (") == 4 and "lab routed3 is ready: 4 machines" in out,
          f"lstart --machines ns:\n{out}")
    machines = records(lab, "machine")
    check(sorted(machines) == ["pc1", "pc2", "r1", "r2"], f"machines recorded: {machines}")
    for name, pid in machines.items():  # its init keeps nothing of umlnet's (the notify socket...)
        fds = {fd: os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        check(sorted(fds) == ["0", "1", "2"], f"{name}'s init holds {fds}")

    r = lab.exec("pc1", "ping -c 2 -i 0.2 -W 2 10.0.3.1 || ping -c 3 -i 0.2 -W 2 10.0.3.1")
    check(" 0% packet loss" in r.stdout and "ttl=62" in r.stdout, f"pc1 -> pc2:\n{r.stdout}")
    _common.check_routed3_defaults(lab)
    r = lab.exec("r1", "ping -c 1 -W 2 10.0.2.2 >/dev/null; ip neigh show 10.0.2.2")
    check("lladdr 02:00:00:00:0b:02" in r.stdout, f"r1's neighbour 10.0.2.2:\n{r.stdout}")
    r = lab.exec("pc2", "echo out; exit 3", ok=False)
    check(r.returncode == 3 and r.stdout == "out\n", f"exec status: {r.returncode} {r.stdout!r}")
    # The machine's own writes stay in it: the host's /etc is untouched.
    with open("/etc/hosts") as f:
        check("pc1" not in f.read().split(), "a machine wrote the host's /etc/hosts")
    info = lab.info()
    check(all(m["state"] == "running" for m in info["machines"]), f"linfo: {info}")

    check_not_root(lab, machines)
    check_connect(lab, "r2")
    check_ltest_and_capture(lab)

    inodes = set().union(*(ns_inodes(p) for p in machines.values()))
    procs = list(machines.values()) + list(records(lab, "plug").values())
    r = lab.clean()
    check("is cleaned" in r.stdout, f"lclean: {r.stdout}{r.stderr}")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and (any(live(p) for p in procs) or holders(inodes)):
        time.sleep(0.1)
    check(not [p for p in procs if live(p)], f"machines or plugs left: {procs}")
    check(not holders(inodes), f"processes left in the machines' namespaces: {holders(inodes)}")
    check(mounts(ctx) == before, "mounts left on the host: "
          f"{sorted(set(mounts(ctx)) ^ set(before))}")
    lab.check_gone()


def check_ltest_and_capture(lab):
    """ltest writes then matches signatures; lcapture records domain A for tcpdump."""
    r = lab.umlnet("ltest")
    check("signature written" in r.stdout + r.stderr, f"first ltest:\n{r.stdout}{r.stderr}")
    r = lab.umlnet("ltest")
    check("all machines match" in r.stdout + r.stderr, f"second ltest:\n{r.stdout}{r.stderr}")
    shutil.rmtree(os.path.join(lab.dir, "_test"))
    if not shutil.which("tcpdump"):
        return
    pcap = os.path.join(lab.ctx.dir, "a.pcap")
    cap = subprocess.Popen([program("umlnet"), "lcapture", "-t", "30", "-c", "4", "A", pcap],
                           cwd=lab.dir, env=lab.env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    lab.exec("pc1", "ping -c 3 -i 0.2 -W 2 10.0.1.254")
    cap.communicate(timeout=40)
    r = subprocess.run(["tcpdump", "-n", "-r", pcap], capture_output=True, text=True)
    check("10.0.1.1 > 10.0.1.254: ICMP echo request" in r.stdout, f"lcapture A:\n{r.stdout}")


def check_not_root(lab, machines):
    """Every process of every machine runs as the guests' user (not 0) on the host, while
    `id -u` inside says 0."""
    for name, pid in machines.items():
        r = lab.exec(name, "id -u; sleep 30 >/dev/null 2>&1 & echo $!")
        inside_uid, _ = r.stdout.split()
        check(inside_uid == "0", f"{name}: id -u inside is {inside_uid}")
        mine = ns_inodes(pid)
        members = [p for p in map(int, filter(str.isdigit, os.listdir("/proc")))
                   if live(p) and os.path.exists(f"/proc/{p}/ns/user")
                   and os.readlink(f"/proc/{p}/ns/user") in mine]
        check(len(members) >= 2, f"{name}: processes in it: {members}")
        uids = {p: uid_of(p) for p in members}
        check(all(u != 0 for u in uids.values()), f"{name}: host uids of its processes {uids}")


def test_umlnet_lab_uml_machines_not_root_on_host(ctx):
    """UML machines started by root: every `linux` process of the lab runs as the guests' user,
    and a machine's root (uid 0 inside) cannot write a root-owned host file through hostfs.
    connect reaches a UML machine's console 2, by machine and by network and guest."""
    needs_root()
    lab = Lab(ctx, "pair")
    lab.umlnet("lstart")
    pids = records(lab, "guest")
    check(sorted(pids) == ["pc1", "pc2"], f"guests recorded: {pids}")
    # Each UML guest is a process group of `linux` processes (the kernel and its helpers).
    linux = [p for p in map(int, filter(str.isdigit, os.listdir("/proc"))) if live(p)
             and os.getpgid(p) in pids.values()]
    check(len(linux) >= 2, f"linux processes of the lab: {linux}")
    uids = {p: uid_of(p) for p in linux}
    check(all(u != 0 for u in uids.values()), f"host uids of the UML machines: {uids}")
    check_connect(lab, "pc1")
    check_connect(lab, "pc2", lab.info()["network"], "pc2")  # the `up` form: NETWORK GUEST
    probe = ctx.path("root-owned")
    with open(probe, "w") as f:
        f.write("host\n")
    os.chmod(probe, 0o644)
    r = lab.exec("pc1", f"id -u; mkdir -p /mnt/h && mount -t hostfs -o {ctx.dir} none /mnt/h "
                 f"&& echo guest > /mnt/h/root-owned; echo rc=$?", ok=False)
    check(r.stdout.startswith("0\n"), f"id -u in pc1: {r.stdout}")
    with open(probe) as f:
        check(f.read() == "host\n", f"pc1's root wrote a host root's file: {r.stdout}")
    lab.clean()
    lab.check_gone()


def test_umlnet_lab_ns_says_host_kernel_limits(ctx):
    """A startup script that needs what the host's kernel lacks (netem here) gets one clear
    word: namespace machines run on the host's kernel, use --machines uml."""
    needs_root()
    if subprocess.run(["unshare", "-n", "tc", "qdisc", "add", "dev", "lo", "root", "netem",
                       "delay", "1ms"], capture_output=True).returncode == 0:
        raise Skip("the host's kernel has netem")
    lab = Lab(ctx, "pair")
    with open(os.path.join(lab.dir, "pc1.startup"), "a") as f:
        f.write("tc qdisc add dev eth0 root netem delay 50ms\n")
    r = lab.umlnet("lstart", "--machines", "ns")
    check("its startup exited with status 2" in r.stdout, f"lstart:\n{r.stdout}{r.stderr}")
    check("host's kernel" in r.stderr and "--machines uml" in r.stderr,
          f"no word about the host's kernel:\n{r.stderr}")
    check(r.stderr.count("--machines uml") == 1, f"said more than once:\n{r.stderr}")
    lab.clean()
    lab.check_gone()


def test_umlnet_lab_ns_says_mem_not_applied(ctx):
    """mem= cannot limit a namespace machine: lstart says so once, naming the machines given
    it, and the lab starts."""
    needs_root()
    lab = Lab(ctx, "pair")
    with open(os.path.join(lab.dir, "lab.conf"), "a") as f:
        f.write("pc1[mem]=128\npc2[mem]=32m\n")
    r = lab.umlnet("lstart", "--machines", "ns")
    said = [line for line in r.stderr.splitlines() if "mem=" in line]
    check(len(said) == 1 and "pc1, pc2" in said[0] and "not applied" in said[0],
          f"lstart's word on mem=:\n{r.stderr}")
    check("lab pair is ready: 2 machines" in r.stdout, f"lstart:\n{r.stdout}{r.stderr}")
    lab.clean()
    lab.check_gone()


def test_umlnet_lab_ns_says_daemons_cannot_change_user(ctx):
    """FRR's daemons change to a user of their own, which a namespace machine (only its root's
    uid mapped) cannot give: each router whose startup fails for it gets one line saying so
    and suggesting --machines uml; the machines without FRR get none."""
    needs_root()
    if not os.path.exists("/usr/lib/frr/zebra"):
        raise Skip("FRR is not installed on the host")
    lab = Lab(ctx, "ospf")
    r = lab.umlnet("lstart", "--machines", "ns")
    said = [line for line in r.stderr.splitlines() if line.startswith("umlnet: machine ")]
    for name in ("r1", "r2", "r3"):
        mine = [line for line in said if line.startswith(f"umlnet: machine {name}: ")]
        check(len(mine) == 1 and "a user of its own" in mine[0] and "--machines uml" in mine[0],
              f"{name}: lstart said:\n{r.stderr}")
    check(len(said) == 3, f"lstart said more:\n{r.stderr}")
    lab.clean()
    lab.check_gone()


def test_umlnet_lab_ns_image(ctx):
    """image= of a built image (umlnet image build) is the lower layer of a namespace machine's
    root: a runs on the image (its mark there, the host's programs not), b on the host's /;
    they reach each other; what a writes stays out of the image."""
    needs_root()
    if not shutil.which("mmdebstrap"):
        raise Skip("needs mmdebstrap (scripts/deps installs it)")
    store = ctx.path("images")
    r = subprocess.run([program("umlnet"), "image", "build", "umlnet-test/tiny", "iputils-ping"],
                       env=dict(os.environ, UMLNET_IMAGE_DIR=store), capture_output=True,
                       text=True, timeout=900)
    check(r.returncode == 0, f"image build exited {r.returncode}:\n{r.stderr[-3000:]}")
    lab = Lab(ctx, "image")
    lab.env["UMLNET_IMAGE_DIR"] = store
    lab.umlnet("lstart", "--machines", "ns")
    r = lab.exec("a", "cat /etc/umlnet-image; command -v meson || echo no-meson; "
                 "ping -c 2 -i 0.3 -W 2 10.8.0.2")
    check("iputils-ping\n" in r.stdout and "no-meson" in r.stdout, f"a's root:\n{r.stdout}")
    check(" 0% packet loss" in r.stdout, f"a -> b:\n{r.stdout}")
    r = lab.exec("b", "test -e /etc/umlnet-image && echo image || echo host")
    check(r.stdout == "host\n", f"b's root:\n{r.stdout}")
    lab.exec("a", "echo x > /etc/hostname-a")
    check(not os.path.exists(os.path.join(store, "umlnet-test", "tiny", "etc", "hostname-a")),
          "what a machine writes reaches the image")
    lab.clean()
    lab.check_gone()
