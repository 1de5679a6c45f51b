#!/usr/bin/env python3
"""Rules search only around their anchors (extract/anchor.c); this checks
that it changes nothing: every input gives byte-identical JSON with and
without --scan-all.

    scan_all.py ZHENGCE RULES_DIR SPEC_DIR INPUT...

INPUTs are files or directories (searched recursively).  Besides them, the
inputs of every spec case (SPEC_DIR/*.txt), and two variants of each .txt
input that stress the windows: blanks and line breaks sprinkled through the
text (a rule's \\s* may then reach further back from its anchor), and the
text with all blanks removed (one-line notices).  Deterministic (seeded).
Exit 1 and the first differing document when the two scans disagree.

Then the same with the rules' first-character look-aheads taken out: many
patterns open with (?=[...]), a class of the characters they can start
with, written by hand (rules/README.md) and so liable to fall behind the
pattern it guards (a word added to a define, its first character not to
the class).  Every look-ahead that is a bare class is dropped from a copy
of the rules, which must give the same JSON (with --scan-all, which every
run then compares against).
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

# (?=[...]) whose body is one class: a filter, never the only test
BARE_CLASS_LOOKAHEAD = re.compile(r"\(\?=\[(?:\\.|[^\]\\])+\]\)")


def spec_inputs(spec_dir):
    """The input text of each case: the lines between '## title' and '.'."""
    out = []
    for name in sorted(os.listdir(spec_dir)):
        if not name.endswith(".txt"):
            continue
        lines = open(os.path.join(spec_dir, name), encoding="utf-8").read().split("\n")
        i = 0
        while i < len(lines):
            if lines[i].startswith("## "):
                j = i + 1
                while j < len(lines) and lines[j] != ".":
                    j += 1
                out.append("\n".join(lines[i + 1:j]) + "\n")
                i = j
            i += 1
    return out


def sprinkle(text, rnd):
    """Blanks (space, U+3000, newline) inserted at one position in eight."""
    out = []
    for ch in text:
        out.append(ch)
        if rnd.random() < 0.125:
            out.append(rnd.choice([" ", "  ", "\u3000", "\n", " \n "]))
    return "".join(out)


def files_under(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                for n in sorted(names):
                    yield os.path.join(root, n)
        else:
            yield p


def without_lookaheads(rules, tmp):
    """A copy of the rules directory with the bare-class look-aheads of
    patterns and defines dropped; and how many were dropped."""
    out = os.path.join(tmp, "rules-no-lookahead")
    shutil.copytree(rules, out)
    dropped = 0
    for name in os.listdir(out):
        if not name.endswith(".rules"):
            continue
        path = os.path.join(out, name)
        lines = open(path, encoding="utf-8").read().split("\n")
        for i, line in enumerate(lines):
            if line.startswith(("pattern:", "define ", " ", "\t")):
                lines[i], k = BARE_CLASS_LOOKAHEAD.subn("", line)
                dropped += k
        open(path, "w", encoding="utf-8").write("\n".join(lines))
    return out, dropped


def compare(a, b, what):
    """Exit 1 at the first document whose JSON differs; the texts seen."""
    if len(a) != len(b):
        sys.exit("scan_all: %d lines, %d %s" % (len(a), len(b), what))
    items = 0
    for x, y in zip(a, b):
        if x != y:
            src = json.loads(y)["source"]["path"]
            print("scan_all: %s differs %s" % (src, what))
            print("  as built:  %s" % x[:2000].decode(errors="replace"))
            print("  %s:  %s" % (what, y[:2000].decode(errors="replace")))
            sys.exit(1)
        items += x.count(b'"text":')
    return items


def run(zhengce, rules, files, extra):
    p = subprocess.run([zhengce, "-q", "-j1", "--rules", rules] + extra + files,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if p.returncode not in (0, 1):
        sys.exit("scan_all: zhengce exited %d" % p.returncode)
    return p.stdout.split(b"\n")


def main():
    zhengce, rules, spec_dir = sys.argv[1:4]
    rnd = random.Random(20261122)
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for k, text in enumerate(spec_inputs(spec_dir)):
            path = os.path.join(tmp, "spec%04d.txt" % k)
            open(path, "w", encoding="utf-8").write(text)
            files.append(path)
        for f in files_under(sys.argv[4:]):
            files.append(f)
            if not f.endswith(".txt"):
                continue
            text = open(f, encoding="utf-8", errors="replace").read()
            base = os.path.join(tmp, os.path.basename(f))
            open(base + ".blanks.txt", "w", encoding="utf-8").write(sprinkle(text, rnd))
            open(base + ".oneline.txt", "w", encoding="utf-8").write(
                "".join(text.split()))
            files += [base + ".blanks.txt", base + ".oneline.txt"]
        windowed = run(zhengce, rules, files, [])
        full = run(zhengce, rules, files, ["--scan-all"])
        items = compare(windowed, full, "with --scan-all")
        print("scan_all: %d documents identical with and without --scan-all "
              "(%d texts)" % (len(files), items))
        bare, dropped = without_lookaheads(rules, tmp)
        if dropped < 10:
            sys.exit("scan_all: only %d look-aheads found to drop: has the "
                     "rules' syntax changed?" % dropped)
        compare(full, run(zhengce, bare, files, ["--scan-all"]),
                "without the look-aheads")
        print("scan_all: the same without the rules' %d first-character "
              "look-aheads" % dropped)


if __name__ == "__main__":
    main()
