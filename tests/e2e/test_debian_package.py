"""The Debian package (debian/), as a user gets it: built from a copy of the tree with
dpkg-buildpackage, lintian clean, and installed with dpkg into a throwaway root.

The throwaway root is the host's own system seen through overlays over /usr, /etc and /var
(writes go to directories of the test) in a private mount namespace; the installing dpkg also
gets its own pid namespace and an empty /run, so no maintainer script can signal a host process
or reach the host's service manager. The host keeps its packages: uml-utilities, which the
package replaces, stays installed for the other tests.

In that root a member of the group umlnet boots a real UML guest whose tuntap device the
installed setuid /usr/bin/uml_net sets up, and a non-member cannot run the helper at all.
"""

import os
import shutil
import stat
import subprocess

from umlnet_harness import ROOT, Skip, build_dir, check, run_checked
import hostnet_helpers as hn

MEMBER_UID = 1234
OUTSIDER_UID = 1235
PACKAGE_TOOLS = ("debhelper", "lintian")
# Unit tests are the suite's unit layer (build/, build-asan/); the package build skips them and
# its debug symbols to stay short.
BUILD_OPTIONS = "nocheck noddebs parallel=2"
USR_BINARIES = ("uml_switch", "uml_net", "tunctl", "uml_mconsole")


def _package_tools():
    """dpkg-buildpackage and dh, installed from Debian's archive when missing."""
    if shutil.which("dpkg-buildpackage") and shutil.which("dh") and shutil.which("lintian"):
        return
    r = subprocess.run(["apt-get", "install", "-y", "-q", *PACKAGE_TOOLS], capture_output=True,
                       text=True, timeout=600,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    if r.returncode != 0 or not shutil.which("dh"):
        raise Skip("dpkg-buildpackage/debhelper cannot be installed: "
                   f"{(r.stdout + r.stderr).strip().splitlines()[-1:]}")


def _copy_tree(dst):
    """The source tree without build directories or version-control data."""
    def ignore(d, names):
        if os.path.samefile(d, ROOT):
            return [n for n in names if n.startswith(("build", "obj-", ".git"))]
        return [n for n in names if n == "__pycache__"]
    shutil.copytree(ROOT, dst, ignore=ignore, symlinks=True)


def _build(ctx):
    """Builds the binary package from a copy of the tree; returns the .deb and .changes paths."""
    top = ctx.path("pkg")
    src = os.path.join(top, "umlnet")
    _copy_tree(src)
    r = subprocess.run(["dpkg-buildpackage", "-us", "-uc", "-b"], cwd=src, capture_output=True,
                       text=True, timeout=1200,
                       env=dict(os.environ, DEB_BUILD_OPTIONS=BUILD_OPTIONS))
    check(r.returncode == 0, f"dpkg-buildpackage failed:\n{(r.stdout + r.stderr)[-4000:]}")
    debs = [f for f in os.listdir(top) if f.startswith("umlnet_") and f.endswith(".deb")]
    changes = [f for f in os.listdir(top) if f.endswith(".changes")]
    check(len(debs) == 1 and len(changes) == 1, f"expected one .deb and .changes: {os.listdir(top)}")
    return os.path.join(top, debs[0]), os.path.join(top, changes[0])


def _overlays(ctx, dirs):
    """Mount commands that show the host's dirs with the test's writes on top."""
    cmds = []
    for d in dirs:
        upper, work = ctx.path(f"root/{d}"), ctx.path(f"root/{d}.work")
        os.makedirs(upper, exist_ok=True)
        os.makedirs(work, exist_ok=True)
        cmds.append(f"mount -t overlay overlay -o lowerdir=/{d},upperdir={upper},workdir={work} /{d}")
    return cmds


def _in_root(ctx, script, what):
    """Runs script as root in the throwaway root (see the module's comment); returns stdout."""
    setup = _overlays(ctx, ("usr", "etc", "var")) + [
        "mount -t tmpfs tmpfs /run",
        # Services are not started or stopped (invoke-rc.d asks this first).
        "printf '#!/bin/sh\\nexit 101\\n' >/usr/sbin/policy-rc.d",
        "chmod 755 /usr/sbin/policy-rc.d",
        "export DEBIAN_FRONTEND=noninteractive",
    ]
    argv = ["unshare", "-m", "-p", "-f", "--mount-proc", "--propagation", "private",
            "sh", "-ec", "\n".join(setup) + "\n" + script]
    return run_checked(argv, what, timeout=300).stdout


def _fields(out):
    """key=value lines of a root script's output."""
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def _install(ctx, deb):
    out = _in_root(ctx, f"""
dpkg -i {deb} >&2
echo "uml_net=$(stat -c '%a %U %G' /usr/bin/uml_net)"
echo "gid=$(getent group umlnet | cut -d: -f3)"
echo "guest_user=$(getent passwd umlnet-guest | cut -d: -f1,7)"
echo "override=$(dpkg-statoverride --list /usr/bin/uml_net)"
echo "conffiles=$(dpkg-query -W -f '${{Conffiles}}' umlnet | awk '{{print $1}}' | xargs)"
echo "owners=$(for b in {' '.join(USR_BINARIES)}; do dpkg -S /usr/bin/$b; done | cut -d: -f1 | xargs)"
echo "classic=$(dpkg-query -W -f '${{db:Status-Abbrev}}' uml-utilities)"
# setpriv itself may exec with capabilities it keeps while changing ids: the helper is run
# from a shell that setpriv started, which has none, as from the UML kernel.
gid=$(getent group umlnet | cut -d: -f3)
rc=0; err=$(setpriv --reuid={OUTSIDER_UID} --regid={OUTSIDER_UID} --clear-groups \\
    sh -c '/usr/bin/uml_net --help' 2>&1 >/dev/null) || rc=$?
echo "outsider=$rc $err"
rc=0; setpriv --reuid={OUTSIDER_UID} --regid={OUTSIDER_UID} --groups=$gid \\
    sh -c '/usr/bin/uml_net --help' >/dev/null || rc=$?
echo "member=$rc"
# The admin's step: let the group's guests have taps in 10.0.0.0/8 (the shipped example rule).
sed -i 's/^#group umlnet /group umlnet /' /etc/umlnet/uml_net.conf
""", "installing the package")
    return _fields(out)


def _check_package(deb, changes):
    for field in ("Provides", "Conflicts", "Replaces"):
        value = run_checked(["dpkg-deb", "-f", deb, field], "dpkg-deb -f").stdout
        check("uml-utilities" in value, f"{field} does not name uml-utilities: {value!r}")
    # umlnet-qemu-image's VMs and QEMU guests next to UML ones need QEMU; UML-only users skip it.
    recommends = run_checked(["dpkg-deb", "-f", deb, "Recommends"], "dpkg-deb -f").stdout
    check("qemu-system-x86" in recommends, f"Recommends lacks qemu-system-x86: {recommends!r}")
    listing = run_checked(["dpkg-deb", "-c", deb], "dpkg-deb -c").stdout
    for f in ("./usr/lib/systemd/system/umlnet@.service", "./usr/share/man/man8/uml_net.8.gz",
              "./etc/umlnet/uml_net.conf"):
        check(f in listing, f"the package lacks {f}:\n{listing}")
    r = run_checked(["lintian", "--pedantic", "--fail-on", "error,warning,info,pedantic",
                     changes], "lintian", check_rc=False, timeout=300)
    check(r.returncode == 0, f"lintian is not clean:\n{r.stdout}{r.stderr}")


def _check_installed(f):
    check(f["uml_net"] == "4754 root umlnet", f"/usr/bin/uml_net is {f['uml_net']!r}, "
          "not 4754 root umlnet")
    check(f["override"] == "root umlnet 4754 /usr/bin/uml_net",
          f"no statoverride for uml_net: {f['override']!r}")
    check(f["gid"].isdigit(), "the group umlnet was not created")
    check(f["guest_user"] == "umlnet-guest:/usr/sbin/nologin",
          f"the system user umlnet-guest was not created: {f['guest_user']!r}")
    check(f["conffiles"] == "/etc/umlnet/uml_net.conf", f"conffiles: {f['conffiles']!r}")
    check(f["owners"] == " ".join(["umlnet"] * len(USR_BINARIES)),
          f"{USR_BINARIES} do not all come from umlnet: {f['owners']!r}")
    # db:Status-Abbrev: desired state, then current state (c: config-files, n: not installed).
    check(f["classic"][1:2] in ("c", "n"), f"uml-utilities is still installed: {f['classic']!r}")
    check(f["outsider"].startswith("126 ") and "Permission denied" in f["outsider"],
          f"a user outside umlnet could run uml_net: {f['outsider']!r}")
    check(f["member"] == "0", f"a member of umlnet could not run uml_net: {f['member']!r}")


def _member_guest(ctx, gid):
    """A guest run as a member of umlnet, /usr/bin first in its kernel's PATH: eth0's tap and
    the host route to the guest come from the installed setuid helper, within the policy."""
    host, lan = hn.two_namespaces(ctx)
    g = hn.ns_guest(ctx, "m", ["tuntap,,,10.77.1.1"], host, path_dir="/usr/bin",
                    uid=MEMBER_UID, gid=gid, mounts=_overlays(ctx, ("usr", "etc"))).wait_ready()
    rc, out = g.run("ip addr add 10.77.1.50/24 dev eth0 && ip link set eth0 up", check_rc=False)
    check(rc == 0, f"eth0 did not come up:\n{out}\n{g.console()[-1500:]}")
    out = g.ok("ping -c 2 -i 0.3 -W 3 10.77.1.1; ping -c 2 -i 0.3 -W 3 10.77.1.2", timeout=30)
    check(out.count(" 0% packet loss") == 2, f"guest could not reach host and lan:\n{out}")
    link = host.sh("ip -d link show tap0").stdout
    check(f"user {MEMBER_UID}" in link, f"the tap is not owned by the member:\n{link}")
    check("uml_net: tap0: route 10.77.1.50/32" in g.console(),
          f"the helper did not route the guest:\n{g.console()[-1500:]}")
    g.stop()


def _reinstall_and_purge(ctx, deb):
    """An admin's override survives a reinstall (postinst runs again); purge drops it."""
    f = _fields(_in_root(ctx, f"""
dpkg-statoverride --remove /usr/bin/uml_net
dpkg-statoverride --update --add root root 4750 /usr/bin/uml_net
dpkg -i {deb} >&2
echo "uml_net=$(stat -c '%a %U %G' /usr/bin/uml_net)"
echo "groups=$(getent group umlnet | wc -l)"
dpkg --purge umlnet >&2
echo "override=$(dpkg-statoverride --list /usr/bin/uml_net || true)"
echo "conf=$(ls /etc/umlnet/uml_net.conf 2>/dev/null || true)"
""", "reinstalling and purging the package"))
    check(f["uml_net"] == "4750 root root", f"the admin's override was not kept: {f['uml_net']!r}")
    check(f["groups"] == "1", f"the group umlnet after a reinstall: {f['groups']!r} entries")
    check(f["override"] == "" and f["conf"] == "", f"purge left {f['override']!r} {f['conf']!r}")


def test_debian_package_installs_setuid_helper_for_group(ctx):
    _package_tools()
    deb, changes = _build(ctx)
    _check_package(deb, changes)
    f = _install(ctx, deb)
    _check_installed(f)
    _member_guest(ctx, int(f["gid"]))
    _reinstall_and_purge(ctx, deb)


def test_meson_install_says_how_to_set_setuid(ctx):
    """meson installs uml_net without the setuid bit, and says how to set it."""
    dest = ctx.path("dest")
    r = run_checked(["meson", "install", "-C", build_dir(), "--no-rebuild", "--destdir", dest],
                    "meson install", timeout=120)
    helpers = [os.path.join(d, "uml_net") for d, _, files in os.walk(dest) if "uml_net" in files]
    check(len(helpers) == 1, f"meson installed {len(helpers)} uml_net")
    check(not os.stat(helpers[0]).st_mode & stat.S_ISUID, "meson installed uml_net setuid")
    path = helpers[0][len(dest):]
    check(f"chown root:umlnet {path}; chmod 4754 {path}" in r.stdout,
          f"meson install did not say how to set the setuid bit:\n{r.stdout[-1500:]}")
