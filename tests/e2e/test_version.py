"""`--version` on every program prints "<program> <version>" (meson's project version) and
exits 0; the classic uml_switch spelling -version means the same. PROGRAMS is every program
meson installs into bin/, LIBEXEC_PROGRAMS every one into libexec/ (both checked against
`meson introspect --installed`)."""

import json
import os
import re

from umlnet_harness import ROOT, build_dir, check, program, run_checked

PROGRAMS = ["uml_switch", "uml_switchctl", "uml_net", "tunctl", "umlnet-slirp", "umlnet-plug",
            "uml_mconsole", "umlnet"]
# Run by umlnet, not by users; built next to umlnet.
LIBEXEC_PROGRAMS = {"umlnet-qemu-image": "umlnet"}


def project_version():
    with open(os.path.join(ROOT, "meson.build")) as f:
        return re.search(r"version\s*:\s*'([^']+)'", f.read()).group(1)


def version_line(argv, name):
    r = run_checked(argv, " ".join([name] + argv[1:]))
    return r.stdout


def test_every_program_prints_its_version(ctx):
    want = project_version()
    for name in PROGRAMS:
        out = version_line([program(name), "--version"], name)
        check(out == f"{name} {want}\n", f"{name} --version printed {out!r}, not '{name} {want}'")


def test_every_libexec_program_prints_its_version(ctx):
    want = project_version()
    for name, sub in LIBEXEC_PROGRAMS.items():
        out = version_line([os.path.join(build_dir(), sub, name), "--version"], name)
        check(out == f"{name} {want}\n", f"{name} --version printed {out!r}, not '{name} {want}'")


def test_uml_switch_classic_version_option(ctx):
    out = version_line([program("uml_switch"), "-version"], "uml_switch")
    check(out == f"uml_switch {project_version()}\n", f"uml_switch -version printed {out!r}")


def test_every_installed_program_is_asked(ctx):
    r = run_checked(["meson", "introspect", build_dir(), "--installed"], "meson introspect")
    paths = json.loads(r.stdout).values()
    for folder, asked in (("bin", set(PROGRAMS)), ("libexec", set(LIBEXEC_PROGRAMS))):
        installed = {os.path.basename(p) for p in paths
                     if os.path.basename(os.path.dirname(p)) == folder}
        check(installed == asked, f"programs installed into {folder}/ {sorted(installed)} are "
              f"not the ones asked for --version {sorted(asked)}")
