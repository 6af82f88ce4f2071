"""uml_switch on a shared host: a root switch lends no rights to its clients, client-chosen names
cannot forge log or reply lines, its sockets are made safely, bad start-up options stop it."""

import json
import os
import socket
import subprocess
import sys

from daemon_client import DaemonClient, frame, v3_request
import umlnet_harness as h
from umlnet_harness import Skip, check, program, wait_for

NOBODY = 65534
BCAST = "ff:ff:ff:ff:ff:ff"

# Run as an unprivileged user: registers a port with the switch and reports what happened.
#   name NAME  names NAME (a path, or @text for an abstract name) without binding it
#   v0path P   binds path P and registers it as a version 0 client (v0abs: an abstract name)
#   own        binds an abstract name of its own; after a line on stdin, sends a broadcast and
#              waits for one frame
CLIENT = r'''
import os, socket, struct, sys
ctl, mode = sys.argv[1], sys.argv[2]
data = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
if mode in ("own", "v0abs"):
    name = (b"\0umlnet-sec-own/%d" % os.getpid()).ljust(108, b"\0")
    data.bind(name)
elif mode == "v0path":
    data.bind(sys.argv[3])
    name = sys.argv[3].encode().ljust(108, b"\0")
else:
    arg = sys.argv[3].encode()
    name = (b"\0" + arg[1:] if arg.startswith(b"@") else arg).ljust(108, b"\0")
c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
c.settimeout(5)
c.connect(ctl)
if mode.startswith("v0"):  # no reply: a refused client sees its connection closed
    c.sendall(struct.pack("<I", 0) + b"\0" * 6 + struct.pack("<H", socket.AF_UNIX) + name)
    c.settimeout(1)
    try:
        print("refused" if c.recv(1) == b"" else "reply?", flush=True)
    except socket.timeout:
        print("accepted", flush=True)
    sys.stdin.read()
    sys.exit(0)
c.sendall(struct.pack("<IIIH", 0xFEEDFACE, 3, 0, socket.AF_UNIX) + name + b"\0\0")
reply = b""
while len(reply) < 110:
    chunk = c.recv(110 - len(reply))
    if not chunk:
        break
    reply += chunk
if len(reply) < 110:
    print("refused", flush=True)
    sys.exit(0)
print("accepted", flush=True)
if mode == "own":
    if not sys.stdin.readline():  # the test's peer is there (or the test is done with us)
        sys.exit(0)
    data.sendto(b"\xff" * 6 + b"\x02\0\0\0\0\x99" + b"\x88\xb5" + b"from nobody", reply[2:])
    data.settimeout(5)
    got = data.recv(2000)
    print("got", got[14:].decode(errors="replace"), flush=True)
sys.stdin.read()  # keeps the port until the test closes our stdin
'''


def as_nobody(ctx, *args, groups=None):
    """The client above as user nobody (with the supplementary groups given, else none); returns
    the Popen (stdin and stdout are pipes)."""
    script = ctx.path("client.py")
    if not os.path.exists(script):
        with open(script, "w") as f:
            f.write(CLIENT)
    grp = [f"--groups={groups}"] if groups else ["--clear-groups"]
    return subprocess.Popen(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}"] + grp +
                            [sys.executable, script] + list(args), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)


def first_line(p):
    line = p.stdout.readline().strip()
    return line


def finish(p):
    p.stdin.close()
    p.wait(10)


def quiet(sock, timeout=1.0):
    """True if nothing arrives on sock within timeout seconds."""
    sock.settimeout(timeout)
    try:
        sock.recv(65536)
        return False
    except socket.timeout:
        return True


def status(sw):
    return json.loads(sw.ctl_cmd("-j", "status"))


def need_root():
    if os.geteuid() != 0:
        raise Skip("needs root (a root switch and a second user)")


def test_root_switch_lends_no_rights(ctx):
    """A root switch shared with every user (-mode 0666): nobody cannot get a port on a root-only
    path socket (0600 in a 0700 directory) nor on root's abstract socket, no frame reaches
    either, the refusals are logged once and counted; nobody's own socket still works."""
    need_root()
    sw = ctx.switch(args=["-mode", "0666"])
    private = ctx.path("private")
    os.mkdir(private, 0o700)
    root_path = os.path.join(private, "root.sock")
    root_sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    root_sock.bind(root_path)
    os.chmod(root_path, 0o600)
    root_abs = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    abs_name = "@umlnet-sec-root/%d" % os.getpid()
    root_abs.bind((b"\0" + abs_name[1:].encode()).ljust(108, b"\0"))  # as the switch names it
    results = {}
    for what, name in (("path", root_path), ("abstract", abs_name)):
        p = as_nobody(ctx, sw.ctl, "name", name)
        results[what] = first_line(p)
        # While nobody still holds its control connection: a broadcast must reach neither socket.
        root_client = DaemonClient(sw.ctl)
        root_client.send(frame(BCAST, "02:00:00:00:00:01", b"secret"))
        check(quiet(root_sock, 0.5) and quiet(root_abs, 0.5),
              f"a frame reached root's {what} socket named by nobody")
        root_client.close()
        finish(p)
    check(results == {"path": "refused", "abstract": "refused"},
          f"nobody got a port on root's sockets: {results}\n{sw.output()}")
    log = sw.output()
    refusals = [ln for ln in log.splitlines() if f"uid {NOBODY}" in ln and "refused" in ln]
    check(len(refusals) == 1 and "may not connect" in refusals[0],
          f"expected one logged refusal for uid {NOBODY} (the second within a minute is only "
          f"counted):\n{log}")
    check(status(sw)["refused_data_socket"] == 2, f"status: {status(sw)}")

    # A legitimate unprivileged client: its own socket, frames both ways.
    p = as_nobody(ctx, sw.ctl, "own")
    check(first_line(p) == "accepted", f"nobody's own socket was refused:\n{sw.output()}")
    peer = DaemonClient(sw.ctl)
    p.stdin.write("go\n")
    p.stdin.flush()
    got = wait_for(lambda: peer.recv(0.5), 5, "nobody's broadcast")
    check(got.endswith(b"from nobody"), f"got {got!r}")
    peer.send(frame("02:00:00:00:00:99", "02:00:00:00:00:02", b"to nobody"))
    check(first_line(p) == "got to nobody", "nobody did not get the frame sent to it")
    finish(p)


def test_nobody_path_socket_in_reach_is_accepted(ctx):
    """The permission check is the kernel's own, done as the client: a socket nobody may write
    to (its own, in a directory it can search) is accepted from a root switch."""
    need_root()
    sw = ctx.switch(args=["-mode", "0666"])
    where = ctx.path("shared")
    os.mkdir(where)
    os.chmod(where, 0o1777)
    path = os.path.join(where, "nobody.sock")
    # Bound by nobody itself, so that it is nobody's socket file.
    binder = subprocess.Popen(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", sys.executable,
         "-c", "import socket,sys; s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM); "
         f"s.bind({path!r}); print('bound', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    check(first_line(binder) == "bound", "nobody could not bind its socket")
    p = as_nobody(ctx, sw.ctl, "name", path)
    check(first_line(p) == "accepted", f"nobody's own path socket was refused:\n{sw.output()}")
    finish(p)
    finish(binder)
    check(status(sw)["refused_data_socket"] == 0, f"status: {status(sw)}")


def test_client_groups_count(ctx):
    """The check is made with the client's supplementary groups too: a socket its group may write
    (0660, root:daemon, in a 0750 root:daemon directory) is reached by nobody only while nobody is
    in group daemon."""
    need_root()
    sw = ctx.switch(args=["-mode", "0666"])
    where = ctx.path("daemon-only")
    os.mkdir(where)
    os.chown(where, 0, 1)
    os.chmod(where, 0o750)
    path = os.path.join(where, "svc.sock")
    svc = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    svc.bind(path)
    os.chown(path, 0, 1)
    os.chmod(path, 0o660)
    seen = {}
    for groups in (None, "1"):
        p = as_nobody(ctx, sw.ctl, "name", path, groups=groups)
        seen[groups] = first_line(p)
        finish(p)
    check(seen == {None: "refused", "1": "accepted"}, f"{seen}\n{sw.output()}")


def test_unprivileged_switch_lends_no_rights(ctx):
    """A switch run by an ordinary user (uid 4242) and shared (-mode 0666) cannot take on a
    client's rights: it accepts only data sockets of the client's own user. nobody naming the
    switch user's private socket is refused; nobody's own abstract socket is accepted."""
    need_root()
    owner = 4242
    home = ctx.path("u4242")
    os.mkdir(home, 0o700)
    os.chown(home, owner, owner)
    os.chmod(ctx.dir, 0o755)
    priv = ["setpriv", f"--reuid={owner}", f"--regid={owner}", "--clear-groups"]
    ctl = os.path.join(home, "ctl")
    sw = ctx.proc("userswitch", priv + [program("uml_switch"), "-unix", ctl, "-mode", "0666"])
    wait_for(lambda: "attached to unix socket" in sw.output(), 10, "the user's switch")
    os.chmod(home, 0o711)  # others may reach the control socket, not list or read the directory
    secret = os.path.join(home, "secret.sock")
    holder = subprocess.Popen(
        priv + [sys.executable, "-c", "import os,socket,sys; s=socket.socket(socket.AF_UNIX,"
                f"socket.SOCK_DGRAM); s.bind({secret!r}); os.chmod({secret!r}, 0o600); "
                "print('bound', flush=True); s.settimeout(2)\ntry:\n    s.recv(10)\n"
                "    print('GOT A FRAME', flush=True)\nexcept OSError:\n    print('quiet', flush=True)"],
        stdout=subprocess.PIPE, text=True)
    check(first_line(holder) == "bound", "the switch user's socket was not bound")
    p = as_nobody(ctx, ctl, "name", secret)
    got = first_line(p)
    finish(p)
    check(got == "refused" and first_line(holder) == "quiet",
          f"nobody got a port on the switch user's socket ({got}):\n{sw.output()}")
    check("belongs to another user" in sw.output(), sw.output())
    p = as_nobody(ctx, ctl, "own")
    got = first_line(p)
    finish(p)
    check(got == "accepted", f"nobody's own socket was refused:\n{sw.output()}")


def test_compat_v0_client_of_another_user_needs_an_abstract_name(ctx):
    """-compat-v0 sends to a version 0 client by name, frame after frame: a root switch refuses
    nobody's path name (it could become a symlink to root's socket later) and accepts nobody's
    abstract name."""
    need_root()
    data = ctx.path("uml.data")
    sw = ctx.switch(args=["-mode", "0666", "-compat-v0", "-unix", ctx.path("switch.ctl"), data])
    where = ctx.path("nobody-dir")
    os.mkdir(where)
    os.chown(where, NOBODY, NOBODY)
    seen = {}
    for mode, args in (("v0path", [os.path.join(where, "v0.sock")]), ("v0abs", [])):
        p = as_nobody(ctx, sw.ctl, mode, *args)
        seen[mode] = first_line(p)
        finish(p)
    check(seen == {"v0path": "refused", "v0abs": "accepted"}, f"{seen}\n{sw.output()}")
    check("must name an abstract socket" in sw.output(), sw.output())


def test_client_names_are_escaped(ctx):
    """A name with a newline and fake log text stays on one escaped line in the log, in
    `uml_switchctl ports` (daemon and bess ports) and in the management socket's replies."""
    sw = ctx.switch(args=["-bess", ctx.path("sw.bess")])
    fake = "\numl_switch: port 9: new fake"
    path = ctx.path("evil" + fake + ".sock")
    data = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    data.bind(path)
    ctl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ctl.settimeout(5)
    ctl.connect(sw.ctl)
    ctl.sendall(v3_request(path.encode().ljust(108, b"\0")))
    check(len(ctl.recv(110)) == 110, f"the switch refused the client:\n{sw.output()}")
    bess = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    bess_src = ctx.path("vec" + fake + ".sock")
    bess.bind(bess_src)
    bess.connect(ctx.path("sw.bess"))
    wait_for(lambda: len(json.loads(sw.ctl_cmd("-j", "ports"))) == 2, 5, "both ports")
    escaped = "\\x0auml_switch: port 9: new fake"
    log = sw.output()
    ports = sw.ctl_cmd("ports")
    for where, text in (("log", log), ("ports", ports)):
        lines = text.splitlines()
        check(not any(ln.startswith("uml_switch: port 9") for ln in lines),
              f"a forged line in the {where}:\n{text}")
        check(sum(escaped in ln for ln in lines) == 2,
              f"the {where} does not show both names escaped on their lines:\n{text}")
    m = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    m.settimeout(5)
    m.connect(sw.ctl + ".mgmt")
    m.sendall(b"\x1b[2Jcls\n")
    reply = m.recv(4096)
    check(b"\\x1b[2Jcls" in reply and b"\x1b" not in reply, f"mgmt reply: {reply!r}")


def test_unprivileged_uml_guest_on_root_switch(ctx):
    """A real UML guest run by nobody (the daemon transport binds an abstract data socket as
    nobody) attaches to a root switch and pings a guest of another user (the harness's test
    user): the owner check lets each in."""
    need_root()
    sw = ctx.switch(args=["-mode", "0666"])
    uml_dir = ctx.path("uml")
    os.makedirs(uml_dir, exist_ok=True)
    os.chmod(uml_dir, 0o1777)
    prefix = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    a = ctx.guest("a", [f"daemon,,unix,{sw.ctl}"], run_as=prefix)
    b = ctx.guest("b", [f"daemon,,unix,{sw.ctl}"])
    ctx.boot([a, b])
    a.ok("ip addr add 10.9.0.1/24 dev eth0 && ip link set eth0 up")
    b.ok("ip addr add 10.9.0.2/24 dev eth0 && ip link set eth0 up")
    out = a.ok("ping -c 3 -i 0.2 -W 2 10.9.0.2")
    check(" 0% packet loss" in out, out)
    uids = sorted(p["uid"] for p in json.loads(sw.ctl_cmd("-j", "ports")))
    check(uids == sorted([h.test_user()[0], NOBODY]), f"port uids {uids}")
    check(status(sw)["refused_data_socket"] == 0, f"status: {status(sw)}")


def start(ctx, *args, timeout=5):
    """uml_switch run to its exit (or killed after timeout s); returns (status, stderr)."""
    r = subprocess.run([program("uml_switch")] + list(args), stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=timeout)
    return r.returncode, r.stderr


def test_bad_start_up_options_exit_2_and_leave_nothing(ctx):
    """A -port or -tap that does not parse, a bad value, a socket already served: one line naming
    the field, status 2, no socket file left behind."""
    ctl = ctx.path("bad.ctl")
    busy = ctx.switch("busy")
    cases = [
        (["-port", "transport=vxlan,vni=99999999"], "-port 'transport=vxlan,vni=99999999'"),
        (["-port", "bogus,x"], "-port 'bogus,x': unknown transport"),
        (["-port", "tuntap,tap0,zz:zz"], "-port 'tuntap,tap0,zz:zz'"),
        (["-tap", "a-name-longer-than-ifnamsiz"], "-tap 'a-name-longer-than-ifnamsiz'"),
        (["-ports", "0"], "-ports '0'"),
        # The control and management sockets were made before -bess failed: both go again.
        (["-bess", busy.ctl], "-bess '%s': another server is using it" % busy.ctl),
    ]
    for args, text in cases:
        rc, err = start(ctx, "-unix", ctl, *args)
        check(rc == 2 and text in err and len(err.splitlines()) == 1,
              f"{args}: status {rc}, stderr:\n{err}")
        left = [f for f in os.listdir(ctx.dir) if f.startswith("bad.")]
        check(not left, f"{args}: left behind {left}")
    check(busy.alive() and os.path.exists(busy.ctl), "the busy switch's socket was touched")


def test_endpoint_failing_to_open_is_not_fatal(ctx):
    """A -port that parses but cannot be opened (nothing at its daemon socket) is reported on one
    line and the switch serves without it."""
    sw = ctx.switch(args=["-port", f"daemon,,unix,{ctx.path('nothing.ctl')}"])
    lines = [ln for ln in sw.output().splitlines() if "nothing.ctl" in ln]
    check(len(lines) == 1 and "running without it" in lines[0], sw.output())
    check(sw.alive() and status(sw)["ports"] == 0, f"status: {status(sw)}")


def test_socket_dirs_others_control_are_refused(ctx):
    """-unix, -mgmt and -bess in a directory another user owns, in a group- or world-writable one
    without the sticky bit, or through another user's symlink: one line, status 2, nothing made.
    A sticky world-writable directory (like /tmp) is fine."""
    need_root()
    others = ctx.path("others")
    os.mkdir(others)
    os.chown(others, NOBODY, NOBODY)
    world = ctx.path("world")
    os.mkdir(world)
    os.chmod(world, 0o777)
    group = ctx.path("group")
    os.mkdir(group)
    os.chmod(group, 0o775)
    sticky = ctx.path("sticky")
    os.mkdir(sticky)
    os.chmod(sticky, 0o1777)
    mine = ctx.path("mine")
    os.mkdir(mine, 0o755)
    link = os.path.join(sticky, "link")
    os.symlink(mine, link)
    os.lchown(link, NOBODY, NOBODY)
    cases = [
        (["-unix", f"{others}/ctl"], f"directory '{others}' belongs to uid {NOBODY}"),
        (["-unix", f"{world}/ctl"], f"directory '{world}' is writable by others and not sticky"),
        (["-unix", f"{group}/ctl"], f"directory '{group}' is writable by its group and not sticky"),
        (["-unix", f"{link}/ctl"], f"'{link}' is a symlink of uid {NOBODY}"),
        (["-unix", f"{mine}/ctl", "-mgmt", f"{others}/m"], f"-mgmt '{others}/m': refused"),
        (["-unix", f"{mine}/ctl", "-bess", f"{world}/b"], f"-bess '{world}/b': refused"),
    ]
    for args, text in cases:
        rc, err = start(ctx, *args)
        check(rc == 2 and text in err and len(err.splitlines()) == 1,
              f"{args}: status {rc}, stderr:\n{err}")
        made = [os.path.join(d, f) for d in (others, world, group, mine) for f in os.listdir(d)]
        check(not made, f"{args}: made {made}")
    sw = ctx.switch("in-sticky", ctl=os.path.join(sticky, "ctl"))
    check(sw.alive(), "a switch in a sticky world-writable directory was refused")


def test_sockets_are_born_with_their_mode(ctx):
    """With -mode and -group every socket file is created with its mode (under a umask set for the
    bind) and its group is set without following symlinks: no chmod or chown by path after bind."""
    need_root()
    if not subprocess.run(["which", "strace"], capture_output=True).stdout:
        raise Skip("strace is not installed")
    where = ctx.path("socks")
    os.mkdir(where, 0o755)
    ctl, bess = os.path.join(where, "ctl"), os.path.join(where, "b")
    trace = ctx.path("strace.out")
    p = ctx.proc("traced", ["strace", "-f", "-o", trace, "-e",
                            "trace=bind,umask,chmod,fchmodat,chown,lchown,fchownat",
                            program("uml_switch"), "-unix", ctl, "-mode", "0660", "-group",
                            "daemon", "-bess", bess, "-compat-v0", "-unix", ctl,
                            os.path.join(where, "data")])
    wait_for(lambda: "attached to unix socket" in p.output(), 10, "the traced switch")
    for path in (ctl, ctl + ".mgmt", bess, os.path.join(where, "data")):
        st = os.lstat(path)
        check(oct(st.st_mode & 0o777) == "0o660" and st.st_gid == 1,
              f"{path}: mode {oct(st.st_mode)} gid {st.st_gid}")
    with open(trace) as f:
        calls = f.read()
    byname = [ln for ln in calls.splitlines()
              if any(c in ln for c in ("chmod(\"/", "chown(\"/", "lchown("))
              and "/proc/self/fd/" not in ln]
    check(not byname, "socket files changed by path after bind:\n" + "\n".join(byname))
    follows = [ln for ln in calls.splitlines()
               if "fchownat(" in ln and "AT_SYMLINK_NOFOLLOW" not in ln]
    check(not follows, "a chown that follows symlinks:\n" + "\n".join(follows))
    lines = calls.splitlines()
    for i, ln in enumerate(lines):
        if "bind(" in ln and where in ln:
            check(i > 0 and "umask(0177)" in lines[i - 1],
                  f"bind without the socket's umask before it:\n{lines[i - 1]}\n{ln}")


def test_management_refuses_device_sockets_to_others(ctx):
    """Only root and the switch's own user may have the switch make a device socket: a root
    switch whose management socket others may use (-mode 0666) refuses `ident` from nobody, and
    makes no file at the path nobody named (a directory nobody cannot write to)."""
    need_root()
    sw = ctx.switch(args=["-mode", "0666"])
    path = ctx.path("nobody-asked.ctl")
    r = subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                        program("uml_switchctl"), "-s", sw.ctl, "ident", path,
                        f"uid={NOBODY}", "vlan=10"],
                       capture_output=True, text=True, timeout=10)
    said = r.stdout + r.stderr
    check("may not change VLANs" in said, f"ident from nobody was not refused: {said!r}")
    check(not os.path.exists(path), f"the root switch made {path} for nobody")
    check("ident_refused" in sw.ctl_cmd("idents") and path not in sw.ctl_cmd("idents"),
          sw.ctl_cmd("idents"))
