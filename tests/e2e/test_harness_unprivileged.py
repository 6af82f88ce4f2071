"""The harness never runs a guest as host root: its UML guests and QEMU VMs run as the
unprivileged test user (umlnet_harness.TEST_USER), without capabilities. A guest kernel is code
the host runs on behalf of whatever the guest's root does; as host root, guest root would write
the host through hostfs. These tests look at the host processes the harness started."""

import os

import umlnet_harness as h
from umlnet_harness import check
from qemu_vm import QemuVM


def session_pids(leader):
    """Every process of the session that leader started (the Proc starts one per program)."""
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == leader:  # the session id
            pids.append(int(d))
    return pids


def no_new_privs(pid):
    with open(f"/proc/{pid}/status") as f:
        return any(line.split() == ["NoNewPrivs:", "1"] for line in f)


def test_uml_guest_runs_as_the_test_user_and_cannot_write_the_host(ctx):
    """Every process of a harness UML guest (the kernel and the processes it forks for guest
    userspace) runs as the test user; guest root remounting its hostfs root read-write cannot
    write a root-owned host directory."""
    g = ctx.guest("g").wait_ready()
    pids = session_pids(g.pid)
    check(g.pid in pids and len(pids) >= 2, f"the guest's processes: {pids}")
    for pid in pids:
        h.check_unprivileged(pid, f"process of UML guest {g.name}")
    check(no_new_privs(g.pid), "the UML guest may gain privileges (no_new_privs not set)")
    target = ctx.path("root-only")
    os.makedirs(target)
    os.chmod(target, 0o755)
    rc, out = g.run(f"mount -o remount,rw / && echo remounted && touch {target}/by-guest; "
                    "id -u", check_rc=False)
    check("remounted" in out, f"guest root could not even try (remount /): {out}")
    check(not os.path.exists(os.path.join(target, "by-guest")),
          f"guest root wrote a root-owned host directory over hostfs: {out}")


def test_qemu_vm_runs_as_the_test_user(ctx):
    """A harness QEMU VM runs as the test user, without capabilities, with no_new_privs."""
    vm = QemuVM(ctx, "vm", []).start().wait_ready()
    check(os.path.basename(os.readlink(f"/proc/{vm.proc.pid}/exe")).startswith("qemu-system"),
          "the VM's process is QEMU")
    for pid in session_pids(vm.proc.pid):
        h.check_unprivileged(pid, f"process of QEMU VM {vm.name}")
    check(no_new_privs(vm.proc.pid), "QEMU may gain privileges (no_new_privs not set)")
