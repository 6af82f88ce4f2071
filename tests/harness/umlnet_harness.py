"""umlnet's end-to-end test harness: real UML guests, our programs, throwaway namespaces.

Everything a test starts is registered with its Context and torn down by it: processes are
ended by the PIDs (process groups) we started, never by name; namespaces are ones we created;
files live in one unique temporary directory. Later issues reuse Guest, Netns and Context.

A Guest is Debian's user-mode-linux kernel booted with the host's / as a read-only hostfs root
and tests/harness/guest-init.sh as init. It runs as the unprivileged test user (TEST_USER), never
as host root: guest root remounting hostfs read-write reaches only what that user may write (the
same rule umlnet follows for its guests; QEMU VMs of qemu_vm.py too). A test whose guest needs
host root passes run_as=AS_ROOT and says why. The harness talks to it over a second console that is
a socketpair on the host (con1=fd:3): run() sends a shell script and returns its exit status
and output (see guest-init.sh for the framing).
"""

import base64
import grp
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GUEST_INIT = os.path.join(HERE, "guest-init.sh")
UML_KERNEL = shutil.which("linux") or "/usr/bin/linux"


# The system user that UML and QEMU guests of the tests run as (scripts/deps creates it, as it
# creates umlnet's own guest user): a user of their own, so that a guest's reach on the host is
# only what the test gave that user.
TEST_USER = os.environ.get("UMLNET_TEST_USER", "umlnet-test")
AS_ROOT = ()  # run_as for the few guests that need host root (each says why)


class TestFailure(Exception):
    """An assertion about behaviour failed; the message says what was expected and seen."""


class Skip(Exception):
    """The test cannot run here (a missing tool or kernel feature); the message says why."""


def check(cond, what):
    if not cond:
        raise TestFailure(what)


def run_checked(argv, what, check_rc=True, timeout=30):
    """Runs argv; unless check_rc is false, a non-zero exit fails the test, naming `what`."""
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if check_rc and r.returncode != 0:
        raise TestFailure(f"{what} exited {r.returncode}: {(r.stdout + r.stderr).strip()}")
    return r


def build_dir():
    return os.environ.get("UMLNET_BUILD", os.path.join(ROOT, "build"))


def program(name):
    """Path of one of our built programs."""
    for sub in (name, ""):
        p = os.path.join(build_dir(), sub, name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    raise Skip(f"{name} is not built in {build_dir()}")


def test_user():
    """(uid, gid) of TEST_USER; a missing user fails the test (running the guest as root
    instead would be the very thing this rule forbids)."""
    try:
        pw = pwd.getpwnam(TEST_USER)
    except KeyError:
        raise TestFailure(f"the test user {TEST_USER} does not exist (scripts/deps creates it)")
    check(pw.pw_uid != 0 and pw.pw_gid != 0, f"the test user {TEST_USER} is root")
    return pw.pw_uid, pw.pw_gid


def as_test_user(caps=(), no_new_privs=True, groups=()):
    """argv prefix running a program as TEST_USER. groups: its only supplementary groups (gids;
    none by default). caps: the only capabilities it keeps (ambient, e.g. 'net_raw' for a raw
    socket); no_new_privs=False when it must run a setuid helper (uml_net)."""
    uid, gid = test_user()
    argv = ["setpriv", f"--reuid={uid}", f"--regid={gid}"]
    argv += [f"--groups={','.join(str(g) for g in groups)}"] if groups else ["--clear-groups"]
    if caps:
        spec = ",".join(f"+{c}" for c in caps)
        argv += [f"--inh-caps={spec}", f"--ambient-caps={spec}"]
    if no_new_privs:
        argv.append("--no-new-privs")
    return argv


def give_to_test_user(path):
    """Makes path (a file or directory the test created) the test user's."""
    os.chown(path, *test_user())
    return path


def test_group_name():
    """The name of the test user's group (for programs that take no number)."""
    return grp.getgrgid(test_user()[1]).gr_name


def for_test_user():
    """Our switch's options that let the test user (the guests) use its sockets."""
    return ["-mode", "0660", "-group", str(test_user()[1])]


def share_with_test_user(path):
    """Lets the test user use a socket file a root program made: the file's group becomes the
    test user's, read and write for the group only."""
    os.chown(path, -1, test_user()[1], follow_symlinks=False)
    os.chmod(path, 0o660)
    return path


def proc_ids(pid):
    """{'Uid': [real, effective, saved, fs], 'Gid': [...], 'CapEff': int} of a process."""
    ids = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, val = line.partition(":")
            if key in ("Uid", "Gid"):
                ids[key] = [int(x) for x in val.split()]
            elif key == "CapEff":
                ids[key] = int(val, 16)
    return ids


def check_unprivileged(pid, what):
    """Fails unless the process runs as the test user, with no capability."""
    uid, gid = test_user()
    ids = proc_ids(pid)
    check(ids["Uid"] == [uid] * 4 and ids["Gid"] == [gid] * 4 and ids["CapEff"] == 0,
          f"{what} (pid {pid}) runs as uid {ids['Uid']} gid {ids['Gid']} capabilities "
          f"{ids['CapEff']:#x}, not as the test user {TEST_USER} ({uid}:{gid}) without any")


def wait_for(pred, timeout, what, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(interval)
    raise TestFailure(f"timed out after {timeout:.0f} s waiting for {what}")


class Proc:
    """A host process we started, in its own session so that it and its children end together."""

    def __init__(self, ctx, name, argv, log=None, netns=None, env=None, stdin=None, pass_fds=(),
                 preexec_fn=None):
        self.ctx, self.name = ctx, name
        self.log = log or os.path.join(ctx.dir, f"{name}.log")
        if netns is not None:
            argv = ["ip", "netns", "exec", netns.name] + list(argv)
        self.argv = argv
        self._logf = open(self.log, "ab")
        self.p = subprocess.Popen(argv, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                                  stdout=self._logf, stderr=subprocess.STDOUT,
                                  start_new_session=True, env=env, pass_fds=pass_fds,
                                  preexec_fn=preexec_fn, close_fds=preexec_fn is None)
        self.pid = self.p.pid
        self._stopped = False
        ctx._procs.append(self)

    def output(self):
        with open(self.log, "rb") as f:
            return f.read().decode(errors="replace").replace("\r", "")

    def alive(self):
        return self.p.poll() is None

    def send_signal(self, sig):
        if self.alive():
            os.kill(self.pid, sig)

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Ends the process (then anything left in its process group) and returns its status."""
        if self._stopped:
            return self.p.returncode
        self._stopped = True
        if self.alive():
            try:
                os.kill(self.pid, sig)
                self.p.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            rc = self.p.wait(5)
        except subprocess.TimeoutExpired:
            rc = None
        self._logf.close()
        return rc


class Switch(Proc):
    """Our uml_switch (or the classic one, given its path) on a control socket of the test.

    The guests run as the test user: unless args set -mode or -group, the control (and
    management) socket is the test user's group's to use (-mode 0660 -group; the classic switch,
    which has no such options, gets its control socket's group and mode changed once it is
    there)."""

    def __init__(self, ctx, name="switch", args=(), binary=None, netns=None, ctl=None):
        self.ctl = ctl or os.path.join(ctx.dir, f"{name}.ctl")
        ours = binary is None
        binary = binary or program("uml_switch")
        if ours and not {"-mode", "-group"} & set(args):
            args = list(args) + for_test_user()
        super().__init__(ctx, name, [binary, "-unix", self.ctl] + list(args), netns=netns)
        # Ours prints its banner once it serves (a socket file may be a stale one it has yet to
        # reclaim); the classic's stdout is block-buffered, so for it the socket file must do.
        wait_for(lambda: not self.alive() or ("attached to unix socket" in self.output() if ours
                                              else os.path.exists(self.ctl)),
                 10, f"{name} to start")
        if not self.alive():
            raise TestFailure(f"{name} exited at start:\n{self.output()}")
        if not ours:
            share_with_test_user(self.ctl)

    def ctl_cmd(self, *words):
        """Runs uml_switchctl against this switch; returns its stdout."""
        r = subprocess.run([program("uml_switchctl"), "-s", self.ctl] + list(words),
                           capture_output=True, text=True, timeout=10)
        if r.returncode != 0:
            raise TestFailure(f"uml_switchctl {' '.join(words)} failed: {r.stderr.strip()}")
        return r.stdout


def _names_a_tap(spec):
    """Whether an eth spec opens a tap by name itself (tuntap,NAME...; helper mode gets its fd
    from uml_net instead)."""
    words = spec.split(",")
    return words[0] == "tuntap" and len(words) > 1 and words[1] != ""


class Guest:
    """A real UML guest. eths: transport specs, e.g. ['daemon,,unix,/tmp/x.ctl'] for eth0."""

    def __init__(self, ctx, name, eths=(), mem="64M", extra=(), env=None, netns=None,
                 argv_prefix=(), run_as=None):
        """run_as: argv prefix that drops the kernel's rights, as_test_user() unless given
        (AS_ROOT: none; a prefix of the test's own, e.g. another uid; () when argv_prefix
        already drops them). argv_prefix runs first, as root (ip netns exec, unshare -m)."""
        self.ctx, self.name = ctx, name
        self.umid = f"{ctx.id}-{name}"
        self.uml_dir = os.path.join(ctx.dir, "uml") + "/"
        os.makedirs(self.uml_dir, exist_ok=True)
        if run_as is None:
            run_as = as_test_user()
            give_to_test_user(self.uml_dir)  # the kernel makes its umid directory in it
            if any(_names_a_tap(spec) for spec in eths):
                argv_prefix = list(argv_prefix) + ctx.tun_for_test_user()
        self._host, guest_end = socket.socketpair()
        argv = [UML_KERNEL, f"umid={self.umid}", f"uml_dir={self.uml_dir}", f"mem={mem}",
                "root=/dev/root", "rootfstype=hostfs", "rootflags=/", "ro",
                f"init={GUEST_INIT}", "con=null", "con0=null,fd:1", "con1=fd:3", "ssl=null",
                "pty.legacy_count=0", f"GUEST_NAME={name}"]
        argv += [f"eth{i}={spec}" for i, spec in enumerate(eths)]
        argv += list(extra)
        argv = list(argv_prefix) + list(run_as) + argv
        gfd = guest_end.fileno()

        def put_channel_on_fd3():
            os.dup2(gfd, 3)

        # In a namespace the guest's host-side sockets live there too (abstract unix names,
        # taps, routes are per network namespace).
        self.proc = Proc(ctx, f"guest-{name}", argv, env=env, preexec_fn=put_channel_on_fd3,
                         netns=netns)
        guest_end.close()
        self._buf = b""
        self._n = 0
        ctx._guests.append(self)

    @property
    def pid(self):
        return self.proc.pid

    def console(self):
        return self.proc.output()

    def mconsole(self):
        return os.path.join(self.uml_dir, self.umid, "mconsole")

    def wait_ready(self, timeout=90):
        def ready():
            if not self.proc.alive():
                raise TestFailure(f"guest {self.name} died while booting:\n{self.console()[-3000:]}")
            return "@@READY" in self.console()
        wait_for(ready, timeout, f"guest {self.name} to boot", interval=0.1)
        return self

    def run(self, script, timeout=60, check_rc=True):
        """Runs a shell script in the guest; returns (status, output)."""
        self._n += 1
        n = self._n
        self._host.sendall(base64.b64encode(script.encode()) + b"\n")
        deadline = time.monotonic() + timeout
        pat = re.compile(rb"@@BEGIN %d\n(.*?)\n@@END %d (\d+)\n" % (n, n), re.S)
        while True:
            m = pat.search(self._buf)
            if m:
                self._buf = self._buf[m.end():]
                out = base64.b64decode(m.group(1)).decode(errors="replace")
                rc = int(m.group(2))
                if check_rc and rc != 0:
                    raise TestFailure(f"in guest {self.name}: `{script.strip()}` exited {rc}:\n{out}")
                return rc, out
            left = deadline - time.monotonic()
            if left <= 0:
                raise TestFailure(f"in guest {self.name}: `{script.strip()}` did not finish "
                                  f"in {timeout} s")
            if not self.proc.alive():
                raise TestFailure(f"guest {self.name} died running `{script.strip()}`:\n"
                                  f"{self.console()[-2000:]}")
            self._host.settimeout(min(left, 0.5))
            try:
                chunk = self._host.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                raise TestFailure(f"guest {self.name} closed its command channel")
            self._buf += chunk

    def ok(self, script, timeout=60):
        return self.run(script, timeout)[1]

    def modprobe(self, module, present):
        """Loads a module of Debian's UML kernel and what it needs (under /usr/lib/uml/modules,
        which modprobe finds through a lib/modules link in a scratch root of the guest); present is
        a shell test that it took. A kernel that cannot load it skips the test."""
        rc, out = self.run("mkdir -p /run/tmp/mroot/lib && "
                           "ln -sfn /usr/lib/uml/modules /run/tmp/mroot/lib/modules && "
                           f"modprobe -d /run/tmp/mroot {module} && {present}", check_rc=False)
        if rc != 0:
            raise Skip(f"the UML guest kernel cannot load {module} here: {out.strip()}")

    def stop(self):
        rc = self.proc.stop(signal.SIGTERM, timeout=20)
        self._host.close()
        return rc


class Netns:
    """A network namespace of our own (ip netns), deleted with the context."""

    def __init__(self, ctx, tag="ns"):
        ctx._nns += 1
        self.name = f"umlnet-{ctx.id}-{tag}{ctx._nns}"
        subprocess.run(["ip", "netns", "add", self.name], check=True)
        ctx._netns.append(self)
        self.sh("ip link set lo up")

    def sh(self, cmd, check_rc=True, timeout=30):
        return run_checked(["ip", "netns", "exec", self.name, "sh", "-c", cmd],
                           f"in netns {self.name}: `{cmd}`", check_rc, timeout)

    def delete(self):
        # Processes we started in it are ended by their Proc; this only removes the name.
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)


class Context:
    """One test's world: a temporary directory, and everything started in it."""

    def __init__(self, test_name):
        self.id = f"{os.getpid() % 100000}{int(time.time() * 1000) % 100000}"
        self.dir = tempfile.mkdtemp(prefix=f"umlnet-{test_name[:20]}-")
        os.chmod(self.dir, 0o755)
        self._procs, self._guests, self._netns = [], [], []
        self._nns = 0

    def path(self, name):
        return os.path.join(self.dir, name)

    def user_dir(self, name="user"):
        """A directory of the test's that the test user (the guests' user) owns: for the files
        and sockets guests make themselves."""
        d = self.path(name)
        os.makedirs(d, exist_ok=True)
        os.chmod(d, 0o755)
        return give_to_test_user(d)

    def user_path(self, name):
        """A path in user_dir(), for a socket or file a guest makes."""
        return os.path.join(self.user_dir(), name)

    def tun_for_test_user(self):
        """argv prefix (run as root) under which /dev/net/tun is a copy the test user's group may
        open, in a private mount namespace: the host's node may be root's only (0600), and
        opening it grants nothing by itself (a tap opens only for its owner, tunctl -u)."""
        node = self.path("tun")
        if not os.path.exists(node):
            os.mknod(node, stat.S_IFCHR | 0o600, os.makedev(10, 200))
            os.chown(node, 0, test_user()[1])
            os.chmod(node, 0o660)
        return ["unshare", "-m", "--propagation", "private", "sh", "-c",
                'mount --bind "$0" /dev/net/tun && exec "$@"', node]

    def switch(self, *args, **kw):
        return Switch(self, *args, **kw)

    def guest(self, *args, **kw):
        return Guest(self, *args, **kw)

    def netns(self, tag="ns"):
        return Netns(self, tag)

    def proc(self, name, argv, **kw):
        return Proc(self, name, argv, **kw)

    def boot(self, guests, timeout=120):
        """Waits for several guests started together."""
        for g in guests:
            g.wait_ready(timeout)
        return guests

    def stop_all(self):
        for g in reversed(self._guests):
            g.proc.stop(signal.SIGTERM, timeout=10)
        for p in reversed(self._procs):
            p.stop(signal.SIGTERM, timeout=5)
        for n in reversed(self._netns):
            n.delete()
        self._netns = []

    def sanitizer_reports(self):
        """Lines in our programs' logs where AddressSanitizer, LeakSanitizer or UBSan spoke."""
        found = []
        for p in self._procs:
            # A Net's own processes log into its state directory, gone after down; umlnet
            # itself aborts on a report (ASAN_OPTIONS), which fails its command.
            if hasattr(p, "log") and os.path.exists(p.log):
                found += [f"{p.name}: {line}" for line in p.output().splitlines()
                          if "Sanitizer" in line or "runtime error:" in line]
        return found

    def cleanup(self, keep=False):
        self.stop_all()
        if not keep:
            shutil.rmtree(self.dir, ignore_errors=True)
