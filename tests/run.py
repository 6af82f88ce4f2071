#!/usr/bin/env python3
"""Runs umlnet's tests and prints one line per test and a closing `N passed, N failed, N skipped`.

Layers (see README.md, Layout):
  unit   meson test in each build directory given (plain and sanitizer builds)
  fuzz   each libFuzzer target for a bounded time, when the fuzz build exists
  e2e    tests/e2e/test_*.py: real UML guests, our programs, throwaway namespaces

usage: tests/run.py [--unit BUILD ...] [--fuzz BUILD] [--fuzz-seconds N] [--e2e] [-k PATTERN]
A PATTERN picks the e2e tests whose name (e2e: module.test) contains it, or one of its
'|'-separated alternatives.
"""

import argparse
import glob
import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "harness"))
import umlnet_harness as h  # noqa: E402

results = {"passed": 0, "failed": 0, "skipped": 0}


def report(name, outcome, seconds, detail=""):
    results[outcome] += 1
    word = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}[outcome]
    print(f"{word} {name} ({seconds:.1f} s)", flush=True)
    if detail:
        for line in detail.rstrip().splitlines()[-60:]:
            print(f"    {line}")
        sys.stdout.flush()


def run_unit(build):
    t = time.monotonic()
    label = os.path.basename(os.path.normpath(build))
    r = subprocess.run(["meson", "test", "-C", build, "--no-rebuild", "--print-errorlogs"],
                       capture_output=True, text=True)
    log = os.path.join(build, "meson-logs", "testlog.json")
    if not os.path.exists(log):
        report(f"{label}: meson test", "failed", time.monotonic() - t, r.stdout + r.stderr)
        return
    with open(log) as f:
        for line in f:
            e = json.loads(line)
            outcome = {"OK": "passed", "SKIP": "skipped"}.get(e["result"], "failed")
            report(f"{label}: {e['name']}", outcome, e.get("duration", 0),
                   e.get("stdout", "") if outcome == "failed" else "")


def run_fuzz(build, seconds):
    for target in sorted(glob.glob(os.path.join(build, "tests", "fuzz", "*", "fuzz_*"))):
        if not os.access(target, os.X_OK) or target.endswith((".p", ".o")):
            continue
        name = os.path.basename(target)
        seeds = os.path.join(HERE, "fuzz", "corpus", name.replace("fuzz_", ""))
        t = time.monotonic()
        # The fuzzer adds to its corpus directory: give it a copy, not the checked-in seeds.
        with tempfile.TemporaryDirectory(prefix="umlnet-fuzz-") as corpus:
            if os.path.isdir(seeds):
                shutil.copytree(seeds, corpus, dirs_exist_ok=True)
            args = [os.path.abspath(target), f"-max_total_time={seconds}", "-print_final_stats=1", corpus]
            r = subprocess.run(args, capture_output=True, text=True, cwd=corpus)
        report(f"fuzz: {name} for {seconds} s", "passed" if r.returncode == 0 else "failed",
               time.monotonic() - t, "" if r.returncode == 0 else r.stderr[-4000:])


def e2e_tests(pattern):
    for path in sorted(glob.glob(os.path.join(HERE, "e2e", "test_*.py"))):
        mod_name = os.path.splitext(os.path.basename(path))[0]
        spec = importlib.util.spec_from_file_location(mod_name, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for name in sorted(n for n in dir(mod) if n.startswith("test_")):
            full = f"e2e: {mod_name}.{name}"
            if pattern and not any(alt in full for alt in pattern.split("|")):
                continue
            yield full, getattr(mod, name)


def run_e2e(pattern, keep, label="e2e", sanitized=False):
    for full, fn in e2e_tests(pattern):
        full = full.replace("e2e:", f"{label}:", 1)
        ctx = h.Context(fn.__name__)
        t = time.monotonic()
        try:
            fn(ctx)
            outcome, detail = "passed", ""
            if sanitized:  # reports appear when the programs exit
                ctx.stop_all()
                reports = ctx.sanitizer_reports()
                if reports:
                    outcome, detail = "failed", "\n".join(reports)
        except h.Skip as e:
            outcome, detail = "skipped", str(e)
        except Exception as e:  # noqa: BLE001 - every failure is reported, with its cause
            outcome = "failed"
            detail = (f"{e}\n" if isinstance(e, h.TestFailure) else traceback.format_exc())
            detail += f"(files kept in {ctx.dir})" if keep else ""
        finally:
            ctx.cleanup(keep=keep and outcome == "failed")
        report(full, outcome, time.monotonic() - t, detail)


def reserve_stdio():
    """CI runs us with no stdin: fd 0 closed. The first socket a test makes would then be fd 0,
    and a helper started with stdin=/dev/null would lose it (found by CI: the gdb race tests
    got nothing back). Hold /dev/null on any closed one of 0, 1, 2, as the programs do."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            got = os.open(os.devnull, os.O_RDWR)
            if got != fd:
                os.dup2(got, fd)
                os.close(got)


def main():
    reserve_stdio()
    ap = argparse.ArgumentParser()
    ap.add_argument("--unit", action="append", default=[], metavar="BUILD")
    ap.add_argument("--fuzz", metavar="BUILD")
    ap.add_argument("--fuzz-seconds", type=int, default=20)
    ap.add_argument("--e2e", action="store_true")
    ap.add_argument("-k", dest="pattern", default="")
    ap.add_argument("--keep", action="store_true", help="keep the files of failed e2e tests")
    ap.add_argument("--asan-e2e", nargs=2, metavar=("BUILD", "PATTERN"),
                    help="also run the e2e tests matching PATTERN with the programs of BUILD "
                         "(a sanitizer build)")
    a = ap.parse_args()
    for b in a.unit:
        run_unit(b)
    if a.fuzz:
        run_fuzz(a.fuzz, a.fuzz_seconds)
    if a.e2e:
        run_e2e(a.pattern, a.keep)
    if a.asan_e2e:
        os.environ["UMLNET_BUILD"] = os.path.abspath(a.asan_e2e[0])
        # Sanitizer reports must fail the programs, and so the tests that use them.
        os.environ.setdefault("ASAN_OPTIONS", "abort_on_error=1:detect_leaks=1")
        os.environ.setdefault("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
        run_e2e(a.asan_e2e[1], a.keep, label="e2e under ASan+UBSan", sanitized=True)
    print(f"{results['passed']} passed, {results['failed']} failed, {results['skipped']} skipped")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
