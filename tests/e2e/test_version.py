"""`--version` on every program prints "<program> <version>" (meson's project version) and
exits 0; the classic uml_switch spelling -version means the same. PROGRAMS is every program
meson installs into bin/ (checked against `meson introspect --installed`)."""

import json
import os
import re

from umlnet_harness import ROOT, build_dir, check, program, run_checked

PROGRAMS = ["uml_switch", "uml_switchctl", "uml_net", "tunctl", "umlnet-slirp", "umlnet-plug",
            "uml_mconsole", "umlnet"]


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


def test_uml_switch_classic_version_option(ctx):
    out = version_line([program("uml_switch"), "-version"], "uml_switch")
    check(out == f"uml_switch {project_version()}\n", f"uml_switch -version printed {out!r}")


def test_every_installed_program_is_asked(ctx):
    r = run_checked(["meson", "introspect", build_dir(), "--installed"], "meson introspect")
    installed = {os.path.basename(p) for p in json.loads(r.stdout).values()
                 if os.path.basename(os.path.dirname(p)) == "bin"}
    check(installed == set(PROGRAMS), f"programs installed into bin/ {sorted(installed)} are not "
          f"the ones asked for --version {sorted(PROGRAMS)}")
