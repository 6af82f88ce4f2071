"""uml_mconsole against a real UML guest, side by side with the classic /usr/bin/uml_mconsole."""

import os
import subprocess

from umlnet_harness import Skip, check, program

CLASSIC = "/usr/bin/uml_mconsole"


def mc(binary, sock, *words, stdin=None):
    r = subprocess.run([binary, sock] + list(words), capture_output=True, text=True,
                       timeout=30, input=stdin)
    return r.returncode, r.stdout, r.stderr


def booted(ctx):
    sw = ctx.switch()
    g = ctx.guest("g", [f"daemon,,unix,{sw.ctl}"])
    ctx.boot([g])
    return sw, g


def test_mconsole_same_answers_as_classic(ctx):
    if not os.access(CLASSIC, os.X_OK):
        raise Skip("the classic uml_mconsole (package uml-utilities) is not installed")
    ours = program("uml_mconsole")
    _, g = booted(ctx)
    sock = g.mconsole()
    # Both clients print the guest's answer and exit with its status: compare them exactly.
    for cmd in (["version"], ["proc", "sys/kernel/ostype"], ["config", "eth1"],
                ["remove", "eth5"], ["remove", "eth"], ["config", "ethz=x"], ["go"],
                ["bogus"], ["versionXYZ"], ["help"]):
        a = mc(ours, sock, *cmd)
        b = mc(CLASSIC, sock, *cmd)
        check(a[:2] == b[:2], f"'{' '.join(cmd)}': ours {a[:2]!r}, classic {b[:2]!r}")
    rc, out, _ = mc(ours, sock, "version")
    check(rc == 0 and out.startswith("OK Linux ") and "x86_64" in out, f"version: {out!r}")
    rc, out, _ = mc(ours, sock, "remove", "eth5")
    check(rc == 237 and out == "ERR Device doesn't exist\n", f"remove eth5: {rc} {out!r}")
    rc, out, _ = mc(ours, sock, "proc", "meminfo")
    check(rc == 0 and out.startswith("OK \nMemTotal:"), f"proc meminfo: {out[:80]!r}")


def test_mconsole_config_remove_daemon_device(ctx):
    ours = program("uml_mconsole")
    sw, g = booted(ctx)
    sw2 = ctx.switch("sw2")
    sock = g.mconsole()
    rc, out, _ = mc(ours, sock, "config", f"eth1=daemon,,unix,{sw2.ctl}")
    check((rc, out) == (0, "OK \n"), f"config eth1: {rc} {out!r}")
    g.ok("ip link show eth1")
    g.ok("ip addr add 10.7.0.1/24 dev eth1 && ip link set eth1 up")
    rc, out, _ = mc(ours, sock, "remove", "eth1")
    check(rc != 0 and "Device is currently open" in out, f"remove of an up device: {out!r}")
    g.ok("ip link set eth1 down")
    rc, out, _ = mc(ours, sock, "remove", "eth1")
    check((rc, out) == (0, "OK \n"), f"remove eth1: {rc} {out!r}")
    rc, _ = g.run("ip link show eth1", check_rc=False)
    check(rc != 0, "eth1 still exists in the guest after remove")


def test_mconsole_bad_config_is_an_error(ctx):
    ours = program("uml_mconsole")
    _, g = booted(ctx)
    sock = g.mconsole()
    missing = os.path.join(ctx.dir, "no-switch-here.ctl")
    # The kernel says OK although it made no device (doc/mac-and-misc.md §2.5) ...
    if os.access(CLASSIC, os.X_OK):
        rc, out, _ = mc(CLASSIC, sock, "config", f"eth2=daemon,,unix,{missing}")
        check((rc, out) == (0, "OK \n"), f"classic on a bad config: {rc} {out!r}")
    rc, _ = g.run("ip link show eth2", check_rc=False)
    check(rc != 0, "the guest has eth2 although its switch does not exist")
    # ... ours checks and reports the failure.
    rc, out, _ = mc(ours, sock, "config", f"eth3=daemon,,unix,{missing}")
    check(rc == 1 and out.startswith("ERR config eth3:") and "no device eth3" in out,
          f"ours on a bad config: {rc} {out!r}")
    rc, out, _ = mc(ours, sock, "config", "eth4=mcast,,239.1.1.1,abc")
    check(rc == 1 and out.startswith("ERR config eth4:"), f"bad mcast args: {rc} {out!r}")


def test_mconsole_interactive_and_local_commands(ctx):
    ours = program("uml_mconsole")
    _, g = booted(ctx)
    sock = g.mconsole()
    rc, out, _ = mc(ours, sock, stdin="version\nmconsole-version\n\nproc sys/kernel/ostype\n"
                                        "quit\nversion\n")
    lines = out.splitlines()
    check(rc == 0 and lines[0].startswith("OK Linux ") and
          lines[1] == "uml_mconsole client version 2" and lines[2] == "OK " and
          lines[3] == "Linux" and len([x for x in lines if x.startswith("OK Linux")]) == 1,
          f"interactive session: {out!r}")
    # log puts text into the guest's kernel log
    rc, out, _ = mc(ours, sock, "log", "umlnet-test-marker-42")
    check((rc, out) == (0, "OK \n"), f"log: {rc} {out!r}")
    kmsg = g.ok("dmesg | grep -c umlnet-test-marker-42")
    check(kmsg.strip() == "1", f"log text not in the guest's kernel log: {kmsg!r}")
    # config ubdN=<relative file>: the name is made absolute against our working directory
    with open(ctx.path("disk.img"), "wb") as f:
        f.truncate(1 << 20)
    r = subprocess.run([ours, sock, "config", "ubd1=disk.img"], capture_output=True, text=True,
                       timeout=30, cwd=ctx.dir)
    check((r.returncode, r.stdout) == (0, "OK \n"), f"config ubd1: {r.returncode} {r.stdout!r}")
    size = g.ok("cat /sys/block/ubdb/size").strip()
    check(size == "2048", f"ubdb has {size!r} sectors, expected 2048 (1 MiB)")
    rc, out, _ = mc(ours, sock, "remove", "ubd1")
    check((rc, out) == (0, "OK \n"), f"remove ubd1: {rc} {out!r}")
    # A socket nobody serves: an error, not a hang.
    rc, out, err = mc(ours, os.path.join(ctx.dir, "switch.ctl"), "version")
    check(rc == 1 and "error" in err, f"talking to a non-mconsole socket: {rc} {out!r} {err!r}")
