"""umlnet's guest-to-host and user-to-root boundaries (umlnet(8) SECURITY):
guests never run as host root, commands reach a guest only on its own channel (never through
the kernel log), a guest cannot speak for another, and root acts only on state it owns."""

import base64
import json
import os
import re
import shutil
import subprocess
import time

from umlnet_harness import Skip, TestFailure, check, program, run_checked
from umlnet_helpers import Net, check_gone

ONE = """\
network one
switch sw0
guest a mem=48M
    eth0 sw0 ip=10.1.0.1/24
"""

# a's run= command claims, over and over, that b is up (b boots only after a: --jobs 1).
FORGER = """\
network forge
switch sw0
guest a mem=48M run="i=0; while [ $i -lt 300 ]; do printf 'up b' > /proc/mconsole; sleep 0.05; i=$((i+1)); done"
    eth0 sw0 ip=10.1.0.1/24
guest b mem=48M
    eth0 sw0 ip=10.1.0.2/24
"""


def need_root():
    if os.geteuid() != 0:
        raise Skip("needs root (guests run as the unprivileged guest user only then)")
    if subprocess.run(["id", "umlnet-guest"], capture_output=True).returncode != 0:
        raise Skip("the system user umlnet-guest does not exist (scripts/deps makes it)")


def ids_of(pid):
    """Real, effective, saved, fs uids; the same of gids; and the supplementary groups."""
    with open(f"/proc/{pid}/status") as f:
        st = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    return st["Uid"].split(), st["Gid"].split(), st.get("Groups", "").split()


def guest_pids(net):
    with open(os.path.join(net.state, "pids")) as f:
        return [int(w[2]) for w in (line.split() for line in f) if w and w[0] == "guest"]


def test_umlnet_guest_root_cannot_write_host(ctx):
    """Guest root remounts its hostfs root read-write and mounts a host directory over hostfs:
    a root-owned 0755 directory of the host stays unwritable, and the UML process is not root
    on the host (no root uid, gid or group)."""
    need_root()
    target = ctx.path("root-owned")
    os.mkdir(target)
    os.chmod(target, 0o755)
    net = Net(ctx, "one", ONE)
    net.up()
    for pid in guest_pids(net):
        uids, gids, groups = ids_of(pid)
        check("0" not in uids and "0" not in gids and "0" not in groups,
              f"UML process {pid} runs with uids {uids} gids {gids} groups {groups}")
    r = net.exec("a", f"mount -o remount,rw / && echo remounted; "
                      f"echo pwned > {target}/by-remount; "
                      f"mkdir -p /run/h && mount -t hostfs none /run/h -o {target} && "
                      f"echo mounted && touch /run/h/by-hostfs; id -u", ok=False)
    check("remounted" in r.stdout and "mounted" in r.stdout,
          f"the guest could not even try (remount / mount hostfs):\n{r.stdout}{r.stderr}")
    check(os.listdir(target) == [], f"guest root wrote into a root-owned host directory: "
                                    f"{os.listdir(target)}\n{r.stdout}")
    # What the guests reach of the state: nothing of umlnet's is theirs.
    for name in os.listdir(net.state):
        st = os.lstat(os.path.join(net.state, name))
        check(name == "uml" or st.st_uid == 0, f"state file {name} is owned by uid {st.st_uid}")
        check(name == "uml" or not (st.st_mode & 0o002), f"state file {name} is world-writable")
    net.down()
    check_gone(net)


def test_umlnet_guest_writes_stay_in_guest(ctx):
    """The guest's / is copy-on-write: guest root writes into a host directory anyone may write
    (after remounting / read-write, as it may): the guest reads it back, the host never sees it."""
    shared = ctx.path("world-writable")
    os.mkdir(shared)
    os.chmod(shared, 0o1777)
    net = Net(ctx, "one", ONE)
    net.up()
    r = net.exec("a", f"mount -o remount,rw / 2>/dev/null; echo written > {shared}/cow && "
                      f"cat {shared}/cow && grep -c ' / overlay ' /proc/mounts", ok=False)
    check(r.stdout.startswith("written\n"), f"the guest could not write its own /:\n"
                                            f"{r.stdout}{r.stderr}")
    check(os.listdir(shared) == [], f"a write to the guest's / reached the host: "
                                    f"{os.listdir(shared)}")
    net.down()
    check_gone(net)


def test_umlnet_guest_user_missing_or_root(ctx):
    """As root, a guest user that does not exist, or root, stops `up` with one line and
    status 2 before anything starts."""
    if os.geteuid() != 0:
        raise Skip("needs root")
    conf = ctx.path("one.conf")
    with open(conf, "w") as f:
        f.write(ONE)
    for env, arg, want in (({"UMLNET_GUEST_USER": "umlnet-no-such-user"}, [], "useradd"),
                           ({}, ["--guest-user", "root"], "never run as root")):
        state = ctx.path("state-missing")
        r = subprocess.run([program("umlnet"), "-s", state] + arg + ["up", conf],
                           capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, **env))
        lines = r.stderr.strip().splitlines()
        check(r.returncode == 2 and len(lines) == 1 and want in lines[0],
              f"up with guest user {env or arg}: status {r.returncode}, said {r.stderr!r}")
        check(not os.path.exists(state), "up made its state before checking the guest user")


def build_execstack(ctx, script):
    """A program with an executable stack in a directory named 'umlnet-exec 1 <base64> ': the
    kernel's one-time warning about it puts that name into the kernel log, as any user may."""
    b64 = base64.b64encode(script.encode()).decode()
    check("/" not in b64, "the script's base64 must fit a directory name")
    top = ctx.path("kmsg")
    d = os.path.join(top, f"umlnet-exec 1 {b64} ")
    os.makedirs(d)
    for p in (top, d):
        os.chmod(p, 0o755)
    src, prog = os.path.join(top, "p.c"), os.path.join(d, "p")
    with open(src, "w") as f:
        f.write("int main(void) { return 0; }\n")
    if not shutil.which("gcc"):
        raise Skip("gcc is not installed")
    run_checked(["gcc", "-z", "execstack", "-o", prog, src], "gcc -z execstack")
    os.chmod(prog, 0o755)
    return prog


def test_umlnet_kernel_log_runs_nothing(ctx):
    """An unprivileged guest process gets 'umlnet-exec <id> <base64>' into the guest's kernel log
    (a directory name in the executable-stack warning): nothing runs; umlnet exec still does."""
    prog = build_execstack(ctx, "touch /run/pwned")
    net = Net(ctx, "one", ONE)
    net.up()
    r = net.exec("a", f"setpriv --reuid=65534 --regid=65534 --clear-groups '{prog}'; "
                      f"sleep 2; dmesg | grep -c 'umlnet-exec 1'; "
                      f"test -e /run/pwned && echo RAN || echo 'did not run'", ok=False)
    check(re.search(r"^[1-9]", r.stdout, re.M),
          f"the unprivileged process did not reach the kernel log (test cannot judge):\n"
          f"{r.stdout}{r.stderr}")
    check("did not run" in r.stdout, f"a kernel log line ran as guest root:\n{r.stdout}")
    # The channel itself works, with output and status.
    r = net.exec("a", "echo hello; exit 3", ok=False)
    check(r.returncode == 3 and r.stdout == "hello\n",
          f"umlnet exec: status {r.returncode}, output {r.stdout!r} {r.stderr!r}")
    net.down()
    check_gone(net)


def test_umlnet_forged_up_ignored(ctx):
    """Guest a tells umlnet, again and again, that guest b is up while b boots: umlnet waits
    for b itself (says it ignored a's claim), and b answers at once when up returns."""
    net = Net(ctx, "forge", FORGER)
    r = net.umlnet("--jobs", "1", "up", net.conf)
    check("ignoring guest a's claim that b is up" in r.stderr,
          f"up did not notice a's forgery:\n{r.stdout}{r.stderr}")
    check(r.stderr.count("claim that b is up") == 1, f"the refusal is not logged once:\n"
                                                     f"{r.stderr}")
    st = json.loads(net.umlnet("-j", "status").stdout)
    check(st["refused_notifications"] >= 1, f"status does not count the refusals: {st}")
    check("refused notifications:" in net.umlnet("status").stdout, "text status: no count")
    t0 = time.monotonic()
    r = net.umlnet("--timeout", "5", "exec", "b", "hostname", ok=False)
    check(r.returncode == 0 and r.stdout.strip() == "b",
          f"b was not up when up returned ({time.monotonic() - t0:.1f} s): "
          f"{r.stdout}{r.stderr}")
    net.down()
    check_gone(net)


def start_victim(ctx):
    """A process of ours that planted state names: it must survive."""
    p = subprocess.Popen(["sleep", "120"], start_new_session=True)
    ctx._procs.append(_Reaper(p))
    with open(f"/proc/{p.pid}/stat") as f:
        start = f.read().rsplit(")", 1)[1].split()[19]
    return p, start


class _Reaper:
    def __init__(self, p):
        self.p = p

    def stop(self, *a, **kw):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait()


def alive(pid):
    """Running (a zombie's /proc entry stays until its new parent reaps it)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def plant(state, pids):
    os.makedirs(state, exist_ok=True)
    with open(os.path.join(state, "topology.conf"), "w") as f:
        f.write("network planted\nswitch sw0\n")
    with open(os.path.join(state, "pids"), "w") as f:
        f.write(pids)


def test_umlnet_root_refuses_user_state(ctx):
    """Root with a user's XDG_RUNTIME_DIR (sudo -E) or a --state the user owns refuses to act on
    what is planted there: one line, non-zero status, the named process untouched."""
    if os.geteuid() != 0:
        raise Skip("needs root")
    victim, start = start_victim(ctx)
    xdg = ctx.path("xdg")
    plant(os.path.join(xdg, "umlnet", "planted"), f"switch sw0 {victim.pid} {start}\n")
    for root, dirs, files in os.walk(xdg):
        for n in [root] + [os.path.join(root, x) for x in files]:
            os.chown(n, 65534, 65534)
    env = dict(os.environ, XDG_RUNTIME_DIR=xdg)
    env.pop("UMLNET_STATE_DIR", None)
    for args in (["-n", "planted", "down"], ["-s", os.path.join(xdg, "umlnet", "planted"),
                                              "down"]):
        r = subprocess.run([program("umlnet")] + args, capture_output=True, text=True,
                           timeout=60, env=env)
        lines = r.stderr.strip().splitlines()
        check(r.returncode != 0 and len(lines) == 1 and "not a directory owned by root" in
              lines[0], f"umlnet {' '.join(args)}: status {r.returncode}, said {r.stderr!r}")
        check(victim.poll() is None, f"umlnet {' '.join(args)} killed a process named in a "
                                     f"user's directory")


def test_umlnet_never_signals_unknown_start(ctx):
    """A record with start time 0 matches no process: down leaves the pid it names alone."""
    victim, _ = start_victim(ctx)
    state = ctx.path("state-zero")
    plant(state, f"switch sw0 {victim.pid} 0\n")
    subprocess.run([program("umlnet"), "-s", state, "down"], capture_output=True, timeout=60)
    check(victim.poll() is None, "down signalled a process recorded with start time 0")


def test_umlnet_never_signals_foreign_group(ctx):
    """The group of a recorded child whose members are older than the child is not its: down
    signals none of them."""
    # A session whose leader has ended, leaving a member behind; the record names the group's
    # number with a start time later than the member's.
    leader = subprocess.Popen(["setsid", "sh", "-c", "sleep 120 & echo $!; exit 0"],
                              stdout=subprocess.PIPE, text=True)
    member = int(leader.stdout.readline())
    leader.wait()
    try:
        pgid = os.getpgid(member)
        check(pgid != member and os.getsid(member) == pgid, "setsid did not make a session")
        with open(f"/proc/{member}/stat") as f:
            mstart = int(f.read().rsplit(")", 1)[1].split()[19])
        state = ctx.path("state-group")
        plant(state, f"switch sw0 {pgid} {mstart + 100}\n")
        subprocess.run([program("umlnet"), "-s", state, "down"], capture_output=True,
                       timeout=60)
        check(alive(member), "down signalled a process group whose members are older than its record")
    finally:
        try:
            os.kill(member, 9)
        except ProcessLookupError:
            pass


def test_umlnet_never_signals_pid1(ctx):
    """A record naming pid 1 is never signalled, so never turned into kill(-1): tried in a pid
    namespace of its own, where pid 1 is a shell and another process must survive."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        raise Skip("needs root and unshare")
    state = ctx.path("state-pid1")
    plant(state, "")
    script = (f"sleep 60 & v=$!; s=$(cut -d' ' -f22 /proc/1/stat); "
              f"echo \"switch sw0 1 $s\" > {state}/pids; "
              f"{program('umlnet')} -s {state} down >/dev/null 2>&1; "
              f"kill -0 $v 2>/dev/null && echo SURVIVED; kill $v 2>/dev/null; exit 0")
    r = subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", "sh", "-c", script],
                       capture_output=True, text=True, timeout=90)
    if "SURVIVED" not in r.stdout and r.returncode != 0:
        raise TestFailure(f"unshare: {r.stderr}")
    check("SURVIVED" in r.stdout, f"down with a pid 1 record killed the namespace's other "
                                  f"process: {r.stdout!r} {r.stderr!r}")


def test_umlnet_root_refuses_user_host_record(ctx):
    """host-down as root deletes what its record names: a record in a directory a user owns is
    refused (one line) and the device it names stays. Inside a namespace of the test's own."""
    if os.geteuid() != 0:
        raise Skip("needs root (network namespaces)")
    ns = ctx.netns("hostrec")
    conf = ctx.path("host.conf")
    with open(conf, "w") as f:
        f.write("tap tapv ip=10.77.0.1/24\n")
    mine, theirs = ctx.path("rootrec"), ctx.path("userrec")
    env_ns = ["ip", "netns", "exec", ns.name, program("umlnet")]
    run_checked(env_ns + ["-s", mine, "host-up", conf], "umlnet host-up")
    # The user's directory holds a genuine record (copied): only its owner makes it untrusted.
    os.mkdir(theirs)
    shutil.copy(os.path.join(mine, "host-changes"), os.path.join(theirs, "host-changes"))
    for p in (theirs, os.path.join(theirs, "host-changes")):
        os.chown(p, 65534, 65534)
    r = subprocess.run(env_ns + ["-s", theirs, "host-down", conf], capture_output=True,
                       text=True, timeout=60)
    lines = r.stderr.strip().splitlines()
    check(r.returncode != 0 and len(lines) == 1 and "not a directory owned by root" in lines[0],
          f"host-down from a user's directory: status {r.returncode}, said {r.stderr!r}")
    check(ns.sh("ip link show tapv", check_rc=False).returncode == 0,
          "host-down deleted the device a user's record named")
    run_checked(env_ns + ["-s", mine, "host-down", conf], "umlnet host-down")
