#!/usr/bin/env python3
"""The first main job: our uml_switch and two real UML guests that ping each other.

Prints what happens: the switch starting, the guests booting, their pings, the switch's status
(ports, counters, learned MACs), and the teardown. Exits 0 only if both pings succeed.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "harness"))
import umlnet_harness as h  # noqa: E402


def say(text):
    print(f"==> {text}", flush=True)


def main():
    ctx = h.Context("demo")
    ok = True
    try:
        sw = ctx.switch()
        say(f"uml_switch (pid {sw.pid}) listening on {sw.ctl}")
        guests = [ctx.guest(n, [f"daemon,,unix,{sw.ctl}"]) for n in ("alice", "bob")]
        say("booting two UML guests (Debian's user-mode-linux) with eth0=daemon,,unix," + sw.ctl)
        ctx.boot(guests)
        for g, ip in zip(guests, ("10.0.0.1", "10.0.0.2")):
            g.ok(f"ip addr add {ip}/24 dev eth0 && ip link set eth0 up")
            say(f"{g.name} is up (pid {g.pid}), eth0 = {ip}")
        for g, ip in ((guests[0], "10.0.0.2"), (guests[1], "10.0.0.1")):
            rc, out = g.run(f"ping -c 3 -i 0.3 -W 2 {ip}", check_rc=False)
            say(f"{g.name}: ping {ip}")
            print(out.rstrip(), flush=True)
            ok = ok and rc == 0
        say("switch status (uml_switchctl show):")
        print(sw.ctl_cmd("show").rstrip(), flush=True)
    finally:
        say("stopping the guests and the switch")
        ctx.cleanup()
    say("demo " + ("succeeded: the guests reached each other" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
