"""Helpers of umlnet's own e2e tests (tests/e2e/test_umlnet_*.py): a network started with
`umlnet up` in the test's directory and always taken down, and checks that nothing is left."""

import os

from umlnet_harness import TestFailure, check, program, run_checked


def recorded(base, kind):
    """{name: pid} of the processes of kind recorded in the pids files of the networks under
    state base base."""
    found = {}
    for d in os.listdir(base):
        path = os.path.join(base, d, "pids")
        if os.path.exists(path):
            with open(path) as f:
                for line in f:
                    k, name, pid, _ = line.split()
                    if k == kind:
                        found[name] = int(pid)
    return found


def leftovers(path):
    """Processes whose command line mentions path (our state directory): must be none."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if path in cmd:
            found.append((int(pid), cmd[:120]))
    return found


class Net:
    """A network started with `umlnet up` in the test's directory; always taken down."""

    def __init__(self, ctx, name, text, netns=None):
        self.ctx, self.state = ctx, ctx.path(f"state-{name}")
        # umlnet itself runs in netns: its switches' sockets and its guests live there.
        self.prefix = ["ip", "netns", "exec", netns.name] if netns else []
        self.conf = ctx.path(f"{name}.conf")
        with open(self.conf, "w") as f:
            f.write(text)
        ctx._procs.append(self)  # so that cleanup ends it whatever happens
        self.down_done = False

    def umlnet(self, *args, timeout=300, ok=True):
        return run_checked(self.prefix + [program("umlnet"), "-s", self.state] + list(args),
                           f"umlnet {' '.join(args)}", ok, timeout)

    def up(self):
        return self.umlnet("--jobs", "2", "up", self.conf)

    def down(self):
        self.down_done = True
        return self.umlnet("down", ok=False)

    def stop(self, *a, **kw):  # called by Context.cleanup
        try:
            if not self.down_done and os.path.exists(self.state):
                self.down()
        finally:  # whatever down did (or raised), nothing of the network outlives the test
            self._kill_leftovers()

    def _kill_leftovers(self):
        for pid, _ in leftovers(self.state):
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass

    def exec(self, guest, cmd, ok=True):
        return self.umlnet("exec", guest, cmd, timeout=120, ok=ok)


def check_gone(net):
    left = leftovers(net.state)
    check(not left, f"processes left after down: {left}")
    if os.path.exists(net.state):
        raise TestFailure(f"state directory left after down: {os.listdir(net.state)}")
