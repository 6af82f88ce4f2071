"""Helpers for the host-transport tests (uml_net, tunctl): guests inside a test's own network
namespace, optionally as another uid and inside a private mount namespace, with a chosen
`uml_net` first in the kernel's PATH.

The harness's Guest starts `linux` directly; here its kernel path is pointed, for the one
construction, at a small script of the test that execs
  [unshare -m sh -c '<mounts>; exec ...'] ip netns exec <ns> [setpriv ...] linux ...
Every step execs, so the Guest's process is the `linux` process and stops as usual.
"""

import os
import shutil
import stat
import subprocess

import umlnet_harness as h

CLASSIC_UML_NET = "/usr/bin/uml_net"


def helper_dir(ctx, name, uml_net, policy=None, setuid=False):
    """A directory holding `uml_net` for a guest's PATH.

    uml_net: path of the helper binary. policy: a policy file passed with --policy (root only).
    setuid: copy the binary, chown root and chmod 4755 (for guests run as another uid).
    """
    d = ctx.path(f"bin-{name}")
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o755)
    target = os.path.join(d, "uml_net")
    if setuid:
        shutil.copy(uml_net, target)
        os.chown(target, 0, 0)
        os.chmod(target, 0o4755)
    elif policy:
        with open(target, "w") as f:
            f.write(f'#!/bin/sh\nexec {uml_net} --policy {policy} "$@"\n')
        os.chmod(target, 0o755)
    else:
        os.symlink(uml_net, target)
    return d


def guest_env(path_dir=None):
    env = dict(os.environ)
    if path_dir:
        env["PATH"] = f"{path_dir}:{env.get('PATH', '/usr/sbin:/usr/bin:/sbin:/bin')}"
    return env


def ns_guest(ctx, name, eths, netns, path_dir=None, uid=None, gid=None, mounts=(), extra=()):
    """Boots (starts) a real UML guest inside netns.

    uid/gid: run the kernel as that uid/gid (setpriv, no supplementary groups).
    mounts: shell commands run first in a private mount namespace (unshare -m), e.g. bind
    mounts over /dev/net/tun or /etc; the root mount namespace is never changed.
    """
    inner = ["ip", "netns", "exec", netns.name]
    if uid is not None:
        inner += ["setpriv", f"--reuid={uid}", f"--regid={gid if gid is not None else uid}",
                  "--clear-groups"]
    body = " ".join(_q(a) for a in inner) + ' "$@"'
    if mounts:
        # sh -c 'cmds' sh ARGS...: inside, "$@" is ARGS, the script's own arguments.
        cmds = " && ".join(list(mounts) + ["exec " + body])
        script = f"#!/bin/sh\nexec unshare -m --propagation private sh -c {_q(cmds)} sh \"$@\"\n"
    else:
        script = f"#!/bin/sh\nexec {body}\n"
    wrapper = ctx.path(f"linux-{name}.sh")
    with open(wrapper, "w") as f:
        f.write(script)
    os.chmod(wrapper, 0o755)
    if uid is not None:
        uml = os.path.join(ctx.dir, "uml")
        os.makedirs(uml, exist_ok=True)
        os.chown(uml, uid, gid if gid is not None else uid)
    # uid: the wrapper drops to it. A guest that runs its own uml_net (path_dir) without one
    # needs host root: the helper's root-caller mode is what those tests test (uml_net(8): the
    # helper takes root from the kernel that runs it, no setuid bit, no policy; a caller other
    # than root is refused without a policy), so the kernel itself must be root.
    run_as = () if uid is not None else h.AS_ROOT if path_dir else None
    # The wrapper gets the kernel's whole argv (kernel path first) and runs it inside.
    return h.Guest(ctx, name, eths, extra=extra, env=guest_env(path_dir), argv_prefix=[wrapper],
                   run_as=run_as)


def _q(s):
    return "'" + str(s).replace("'", "'\\''") + "'"


def two_namespaces(ctx, host_cidr="10.77.1.1/24", lan_cidr="10.77.1.2/24"):
    """A "host" namespace and a "lan" namespace joined by a veth (vh in host, vr in lan); the
    lan routes everything through the host."""
    host, lan = ctx.netns("host"), ctx.netns("lan")
    host.sh(f"ip link add vh type veth peer name vr netns {lan.name}")
    host.sh(f"ip addr add {host_cidr} dev vh && ip link set vh up")
    gw = host_cidr.split("/")[0]
    lan.sh(f"ip addr add {lan_cidr} dev vr && ip link set vr up && ip route add default via {gw}")
    return host, lan


def ping_ok(out):
    return " 0% packet loss" in out


def setuid_ok(path):
    st = os.stat(path)
    return st.st_uid == 0 and bool(st.st_mode & stat.S_ISUID)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30, **kw)


def call_helper(argv, netns=None, uid=None, stdin=None, datagram=False, pass_fds=()):
    """Runs a uml_net as the kernel would, with fd 1 a socketpair; returns (exit status, text).

    The text is what the kernel would print: the output record (stream), or the reply datagram
    (datagram=True, tuntap up), minus the 16-byte name field when an fd came with it.
    """
    import socket
    import struct
    if uid is not None:
        argv = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"] + list(argv)
    if netns is not None:
        argv = ["ip", "netns", "exec", netns.name] + list(argv)
    ours, theirs = socket.socketpair(socket.AF_UNIX,
                                     socket.SOCK_DGRAM if datagram else socket.SOCK_STREAM)
    with theirs:
        p = subprocess.Popen(argv, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                             stdout=theirs, stderr=subprocess.PIPE, pass_fds=pass_fds)
    ours.settimeout(10)
    try:
        if datagram:
            data, anc, _, _ = ours.recvmsg(4096, socket.CMSG_SPACE(4))
            for level, typ, fds in anc:
                if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
                    os.close(struct.unpack("i", fds[:4])[0])
                    data = data[16:]
            text = data
        else:
            if "ethertap" in argv:  # a status byte comes first
                ours.recv(1)
            n = struct.unpack("=i", ours.recv(4, socket.MSG_WAITALL))[0]
            text = ours.recv(n, socket.MSG_WAITALL)
    except (socket.timeout, struct.error):
        text = b""
    rc = p.wait(10)
    ours.close()
    return rc, text.rstrip(b"\0").decode(errors="replace") + p.stderr.read().decode()


def policy_file(ctx, text, name="uml_net.conf"):
    """A root-owned policy file (0644) in a root-owned directory of the test."""
    d = ctx.path("policy")
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o755)
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o644)
    return path


def etc_overlay(ctx, policy_text):
    """Mount commands that show policy_text as /etc/umlnet/uml_net.conf, in a private mount
    namespace only (an overlay over /etc; the real /etc is not changed)."""
    top = ctx.path("etc-top")
    os.makedirs(os.path.join(top, "umlnet"), exist_ok=True)
    for d in (top, os.path.join(top, "umlnet")):
        os.chmod(d, 0o755)
    path = os.path.join(top, "umlnet", "uml_net.conf")
    with open(path, "w") as f:
        f.write(policy_text)
    os.chmod(path, 0o644)
    return [f"mount -t overlay overlay -o lowerdir={top}:/etc /etc"]


def tun_node(ctx, gid, mode=0o660):
    """A copy of /dev/net/tun (char 10:200) owned by root:gid, and the mount command that puts
    it over /dev/net/tun in a private mount namespace (the real node is not changed)."""
    node = ctx.path("tun")
    os.mknod(node, stat.S_IFCHR | mode, os.makedev(10, 200))
    os.chown(node, 0, gid)
    os.chmod(node, mode)
    return [f"mount --bind {node} /dev/net/tun"]
