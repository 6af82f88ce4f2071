#!/usr/bin/env python3
"""check_docrefs.py against small trees made here: resolving citations pass, each kind of
unresolved one fails with its file:line. Document names are assembled at run time so that this
file cites nothing itself."""
import os
import subprocess
import sys
import tempfile

CHECKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_docrefs.py")
MD = ".md"
DOC = "## 1 First\n\n### 1.2 Second\n\n## 2 Third\n"


def run(source, name="lib/x.c"):
    """Runs the checker on a tree of one document (sections 1, 1.2, 2) and one source file."""
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "doc"))
        os.makedirs(os.path.join(root, os.path.dirname(name)), exist_ok=True)
        with open(os.path.join(root, "doc", "proto" + MD), "w") as f:
            f.write(DOC)
        with open(os.path.join(root, name), "w") as f:
            f.write(source)
        r = subprocess.run([sys.executable, CHECKER, root], capture_output=True, text=True)
        return r.returncode, r.stdout


def expect(source, status, text=""):
    got, out = run(source)
    if got != status or text not in out:
        print(f"FAIL: {source!r}: exit {got} (want {status}), output:\n{out}")
        return False
    return True


def main():
    p = "doc/proto" + MD
    cases = [
        (f"/* {p} §1.2 and {p} §2 */\n", 0, ""),
        (f"/* {p} §1, §2 */\n", 0, ""),
        (f"/* {p} §1-§2 */\n", 0, ""),
        (f"/* {p} §1.2 */\n/* then bare §2 */\n", 0, ""),
        (f"/* {p} */\n", 0, ""),
        ("/* a bare §9 of some standard, no document cited */\n", 0, ""),
        (f"/* {p} §3 */\n", 1, "lib/x.c:1: "),
        (f"/* {p} §1.3 */\n", 1, "has no section 1.3"),
        (f"/* {p} §1-§3 */\n", 1, "has no section 3"),
        (f"/* {p} §1 */\n/* bare §7 */\n", 1, "lib/x.c:2: §7"),
        ("/* doc/nosuch" + MD + " §1 */\n", 1, "does not exist"),
        ("/* proto" + MD + " §1 */\n", 1, "cite it as doc/proto" + MD),
        ("/* shared/spec/proto" + MD + " §1 */\n", 1, "does not exist"),
    ]
    ok = all([expect(src, status, text) for src, status, text in cases])
    print("check_docrefs: all cases behave" if ok else "check_docrefs: some cases misbehave")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
