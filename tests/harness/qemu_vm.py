"""QEMU virtual machines for end-to-end tests: Debian's qemu-system-x86 booting the kernel and
initramfs that umlnet-qemu-image builds (Debian packages only, cached).

A QemuVM's network devices are QEMU -netdev option strings (one virtio-net-pci NIC each, eth0,
eth1, ... in order); its addresses come from the kernel command line. Commands run over the
VM's second serial port (the image's init: one command per line, output, "UMLNET-EXIT <status>").
KVM is probed once per process and used only if a VM really boots with it; otherwise TCG.

QEMU runs as the unprivileged test user (h.TEST_USER, no capabilities, no_new_privs), never as
host root: its own files (console log, command socket, a copy of the kernel and initrd, which
live in root's cache) are in a directory of that user (QemuVM.dir, also the place for the VM's
end of unix-socket backends); a switch socket it connects to must let that user in
(share_with_vm, or the switch's -mode/-group).
"""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

import umlnet_harness as h
from umlnet_harness import check

QEMU = "/usr/bin/qemu-system-x86_64"
IMAGE_SCRIPT = os.path.join(h.ROOT, "umlnet", "qemu-image.sh")
_images = {}
_accel = None


def image(extra=()):
    """(kernel, initrd) from umlnet-qemu-image with the extra Debian packages, built once and
    cached."""
    extra = tuple(extra)
    if extra not in _images:
        if not os.access(QEMU, os.X_OK):
            raise h.Skip("qemu-system-x86 is not installed (scripts/deps)")
        r = subprocess.run(["bash", IMAGE_SCRIPT, *extra], capture_output=True, text=True,
                           timeout=600)
        if r.returncode != 0:
            raise h.Skip(f"umlnet-qemu-image failed: {r.stderr.strip()}")
        _images[extra] = tuple(r.stdout.split())
    return _images[extra]


def run_as():
    """argv prefix of every QEMU we start: the test user, plus /dev/kvm's group when it exists
    (a device the VM may use, nothing else)."""
    try:
        return h.as_test_user(groups=(os.stat("/dev/kvm").st_gid,))
    except FileNotFoundError:
        return h.as_test_user()


def accel():
    """'kvm' if the test user can open /dev/kvm and a VM boots with it, else 'tcg' (nested KVM
    can be present and still fail; see doc/qemu.md)."""
    global _accel
    if _accel is None:
        _accel = "tcg"
        if os.path.exists("/dev/kvm"):
            with tempfile.TemporaryDirectory(prefix="umlnet-kvm-probe-") as d:
                os.chmod(d, 0o755)
                kernel, initrd = readable_copies(image(), d)
                r = subprocess.run(run_as() + [
                    QEMU, "-accel", "kvm", "-cpu", "host", "-nodefaults", "-display", "none",
                    "-no-reboot", "-m", "128", "-kernel", kernel, "-initrd", initrd,
                    "-append", "console=ttyS0 panic=-1 rdinit=/bin/poweroff",
                    "-serial", "stdio"], capture_output=True, timeout=30)
            _accel = "kvm" if r.returncode == 0 else "tcg"
    return _accel


def readable_copies(files, d):
    """Copies of the image's files (in root's cache) in directory d, readable by QEMU's user."""
    out = []
    for src in files:
        dst = os.path.join(d, os.path.basename(src))
        if not os.path.exists(dst):
            shutil.copyfile(src, dst)
            os.chmod(dst, 0o644)
        out.append(dst)
    return out


share_with_vm = h.share_with_test_user  # QEMU runs as the test user


def vm_user_dir(ctx, name):
    """A directory of ctx's that the VMs' user owns (for QEMU's end of unix sockets)."""
    return ctx.user_dir(name)


class QemuVM:
    """One VM. netdevs: '-netdev' values without id (e.g. 'stream,server=off,addr.type=unix,
    addr.path=/x'); addrs: 'IP/len' for eth0, eth1, ... (None: up without an address)."""

    def __init__(self, ctx, name, netdevs, addrs=(), macs=(), mem=256, netns=None, extra=(),
                 packages=()):
        self.ctx, self.name = ctx, name
        self.packages = tuple(packages)  # extra Debian packages in the image (umlnet-qemu-image)
        self.netdevs, self.addrs, self.macs = list(netdevs), list(addrs), list(macs)
        self.mem, self.netns, self.extra = mem, netns, list(extra)
        self.dir = vm_user_dir(ctx, f"vm-{name}")
        self.cmd_path = os.path.join(self.dir, "cmd.sock")
        self.console_log = os.path.join(self.dir, "console.log")
        self.proc = None
        self.sock = None
        self._buf = b""
        self.boot_seconds = None

    def argv(self):
        kernel, initrd = readable_copies(image(self.packages), self.dir)
        append = ["console=ttyS0", "quiet", "panic=-1"]
        append += [f"umlnet.eth{i}={a}" for i, a in enumerate(self.addrs) if a]
        argv = run_as() + [
            QEMU, "-accel", accel(), "-nodefaults", "-display", "none", "-no-reboot",
            "-m", str(self.mem), "-kernel", kernel, "-initrd", initrd,
            "-append", " ".join(append), "-serial", f"file:{self.console_log}",
            "-chardev", f"socket,id=cmd,path={self.cmd_path},server=on,wait=on",
            "-serial", "chardev:cmd"]
        if accel() == "kvm":
            argv += ["-cpu", "host"]
        for i, nd in enumerate(self.netdevs):
            mac = self.macs[i] if i < len(self.macs) else f"52:54:00:12:34:{0x50 + i:02x}"
            # romfile=: no PXE option ROM (ipxe-qemu is not needed for a -kernel boot).
            argv += ["-netdev", f"{nd},id=n{i}",
                     "-device", f"virtio-net-pci,netdev=n{i},mac={mac},romfile="]
        return argv + self.extra

    def start(self):
        """Starts QEMU and connects to its command channel at once: QEMU waits for us there
        (wait=on) before it runs the VM, so that nothing the VM says early is lost while a test
        is still busy elsewhere (another VM's boot)."""
        if os.path.exists(self.cmd_path):
            os.unlink(self.cmd_path)
        self._buf = b""
        self.t0 = time.monotonic()
        self.proc = self.ctx.proc(f"qemu-{self.name}", self.argv(), netns=self.netns)

        def connected():
            if not self.proc.alive():
                raise h.TestFailure(f"qemu {self.name} exited:\n{self.proc.output()[-2000:]}")
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(self.cmd_path)
                return s
            except OSError:
                return None
        self.sock = h.wait_for(connected, 30, f"qemu {self.name} command socket")
        return self

    def wait_ready(self, timeout=90):
        self._read_until(re.compile(rb"UMLNET-READY\r?\n"), timeout, "boot")
        self.boot_seconds = time.monotonic() - self.t0
        return self

    def _read_until(self, pat, timeout, what):
        deadline = time.monotonic() + timeout
        while True:
            m = pat.search(self._buf)
            if m:
                self._buf = self._buf[m.end():]
                return m
            left = deadline - time.monotonic()
            if left <= 0:
                raise h.TestFailure(f"qemu {self.name}: {what} did not finish in {timeout} s; "
                                    f"console:\n{self.console()[-2000:]}")
            if not self.proc.alive():
                raise h.TestFailure(f"qemu {self.name} exited during {what}:\n"
                                    f"{self.proc.output()[-2000:]}\n{self.console()[-2000:]}")
            self.sock.settimeout(min(left, 0.5))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            check(chunk, f"qemu {self.name} closed its command channel")
            self._buf += chunk

    def console(self):
        try:
            with open(self.console_log, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def run(self, cmd, timeout=60, check_rc=True):
        """Runs one shell command line in the VM; returns (status, output)."""
        check("\n" not in cmd, "one line per VM command")
        self.sock.sendall(cmd.encode() + b"\n")
        m = self._read_until(re.compile(rb"(.*?)UMLNET-EXIT (\d+)\r?\n", re.S), timeout,
                             f"`{cmd}`")
        out, rc = m.group(1).decode(errors="replace"), int(m.group(2))
        if check_rc and rc != 0:
            raise h.TestFailure(f"in VM {self.name}: `{cmd}` exited {rc}:\n{out}")
        return rc, out

    def ok(self, cmd, timeout=60):
        return self.run(cmd, timeout)[1]

    def stop(self):
        """Powers off (the init's own command), then ends QEMU if it lingers."""
        if self.sock:
            try:
                self.sock.sendall(b"poweroff\n")
            except OSError:
                pass
        if self.proc:
            # The socket stays open until QEMU is gone: closing it may drop what the guest's
            # UART has yet to read.
            try:
                self.proc.p.wait(10)
            except subprocess.TimeoutExpired:
                pass
            self.proc.stop()
        if self.sock:
            self.sock.close()
            self.sock = None
