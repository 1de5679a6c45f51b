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
"""
import json
import os
import random
import subprocess
import sys
import tempfile


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
        if len(windowed) != len(full):
            sys.exit("scan_all: %d lines windowed, %d with --scan-all"
                     % (len(windowed), len(full)))
        items = 0
        for w, f in zip(windowed, full):
            if w != f:
                src = json.loads(f)["source"]["path"]
                print("scan_all: %s differs with --scan-all" % src)
                print("  windowed:  %s" % w[:2000].decode(errors="replace"))
                print("  scan-all:  %s" % f[:2000].decode(errors="replace"))
                sys.exit(1)
            items += w.count(b'"text":')
        print("scan_all: %d documents identical with and without --scan-all "
              "(%d texts)" % (len(files), items))


if __name__ == "__main__":
    main()
