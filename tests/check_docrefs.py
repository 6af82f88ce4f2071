#!/usr/bin/env python3
"""Every document a source comment cites exists in the tree, with the section it names.

A citation is a path ending in `.md`, optionally followed by sections: `doc/NAME.md §3`,
`doc/NAME.md §3.2, §7`, `doc/NAME.md §2-§9` (every top-level section from 2 to 9). A bare `§N`
later in the same file refers to the last document cited above it. Paths are from the top of the
tree: the project's documents are cited as doc/NAME.md (a bare NAME.md fails even if doc/ has it,
so that a reader knows where to look), other files as they are (bench/README.md).

A section N exists when the document has a Markdown heading `#... N Title` (the number, one
space, the title): `## 3 Handshake`, `### 3.2 The data-socket name`.

Usage: check_docrefs.py [SOURCE_ROOT]. Prints one line per unresolved citation
(file:line: citation: reason) and exits 1 if there is any, else exits 0.
"""
import os
import re
import subprocess
import sys

SOURCE_SUFFIXES = (".c", ".h", ".py", ".sh")
SOURCE_NAMES = ("meson.build",)
SKIP_DIRS = {".git", "doc"}
SELF = "tests/check_docrefs.py"  # its examples are not citations

SECTION = r"§\s?(\d+(?:\.\d+)*)"
CITATION = re.compile(
    r"(?<![\w./-])((?:[\w.-]+/)*[\w-]+\.md)\b"            # the document
    r"((?:\s*" + SECTION + r"(?:\s*(?:,|-|–|and)\s*" + SECTION + r")*)?)")
BARE = re.compile(r"(?<![\w.])" + SECTION)
HEADING = re.compile(r"^#{1,6} (\d+(?:\.\d+)*) \S")


def source_files(root):
    """Tracked files when root is a git checkout, else every file under root."""
    try:
        out = subprocess.run(["git", "-C", root, "ls-files"], capture_output=True,
                             text=True, check=True).stdout.split("\n")
        names = [n for n in out if n]
    except (OSError, subprocess.CalledProcessError):
        names = []
        for d, dirs, files in os.walk(root):
            dirs[:] = [x for x in dirs if x not in SKIP_DIRS and not x.startswith("build")]
            names += [os.path.relpath(os.path.join(d, f), root) for f in files]
    return sorted(n for n in names if n != SELF and
                  (n.endswith(SOURCE_SUFFIXES) or os.path.basename(n) in SOURCE_NAMES))


def sections_of(path, cache):
    """The set of section numbers headed in the document at path, None if it does not exist."""
    if path not in cache:
        try:
            with open(path, encoding="utf-8") as f:
                cache[path] = {m.group(1) for m in map(HEADING.match, f) if m}
        except FileNotFoundError:
            cache[path] = None
    return cache[path]


def cited_sections(text):
    """Section numbers of a citation's tail: `§3, §7` -> 3, 7; `§2-§9` -> 2..9."""
    nums = re.findall(SECTION, text)
    if len(nums) == 2 and re.search(r"\d\s*[-–]\s*§", text) and all(n.isdigit() for n in nums):
        return [str(n) for n in range(int(nums[0]), int(nums[1]) + 1)]
    return nums


def unresolved_path(root, cited):
    """Why the cited path does not name a file of the tree, or None if it does."""
    if os.path.isfile(os.path.join(root, cited)):
        return None
    if "/" not in cited and os.path.isfile(os.path.join(root, "doc", cited)):
        return f"cite it as doc/{cited}"
    return f"{cited} does not exist"


def check_line(root, cache, line, last_doc):
    """Yields (citation, reason) for each unresolved citation of line; last_doc is a
    one-element list holding the document a bare § refers to."""
    consumed = []
    for m in CITATION.finditer(line):
        consumed.append(m.span())
        doc = m.group(1)
        why = unresolved_path(root, doc)
        last_doc[0] = None if why else doc  # bare §s after a bad citation: reported once, there
        if why:
            yield m.group(0).strip(), why
            continue
        secs = sections_of(os.path.join(root, doc), cache)
        for n in cited_sections(m.group(2)):
            if n not in secs:
                yield m.group(0).strip(), f"{doc} has no section {n}"
    for m in BARE.finditer(line):
        if any(a <= m.start() < b for a, b in consumed):
            continue
        if last_doc[0] is None:
            continue  # a section of something else (an RFC, a standard)
        if m.group(1) not in (sections_of(os.path.join(root, last_doc[0]), cache) or ()):
            yield m.group(0), f"{last_doc[0]} (cited above) has no section {m.group(1)}"


def check(root):
    """Returns the list of 'file:line: citation: reason' problems under root."""
    cache, problems = {}, []
    for name in source_files(root):
        try:
            with open(os.path.join(root, name), encoding="utf-8", errors="replace") as f:
                lines = f.readlines()
        except (FileNotFoundError, IsADirectoryError):
            continue
        last_doc = [None]
        for i, line in enumerate(lines, 1):
            for cited, why in check_line(root, cache, line, last_doc):
                problems.append(f"{name}:{i}: {cited}: {why}")
    return problems


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))
    problems = check(root)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} citation(s) do not resolve to a document section in the tree")
        return 1
    print("every cited document and section exists")
    return 0


if __name__ == "__main__":
    sys.exit(main())
