#!/usr/bin/python3
"""Chunk sweep: every notice through the CLI at several chunk sizes must give
byte-identical output (STYLE.md 3; expat runs its suite at chunk sizes 0-5).

    chunk_sweep.py ZHENGCE RULES_DIR NOTICE...

For each NOTICE, `zhengce --rules RULES_DIR --chunk-size N NOTICE` is run for
N = 65536 (the reference), 1, 2, 3, 5, 7, 64 and 4096.  Exit code 0 and
identical stdout are required; on a difference the first differing section
(or top-level key) is named, with both versions.

The sweep is repeated with --encoding utf-8 --format text --keep-debris: the
front end holds text back while it detects the encoding and the format and
while it looks for page-furniture lines; with all three forced every chunk
edge goes straight through the decoder (invalid bytes included, for notices
that are not UTF-8) to the segmenter.  Each variant has its own reference.
"""
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

CHUNKS = [65536, 1, 2, 3, 5, 7, 64, 4096]


def run(zhengce, rules, path, chunk, extra):
    p = subprocess.run([zhengce, "--rules", rules, "--chunk-size", str(chunk)]
                       + list(extra) + [path], capture_output=True)
    return p.returncode, p.stdout, p.stderr


def first_difference(a, b):
    """A short description of where two outputs part."""
    try:
        ja, jb = json.loads(a), json.loads(b)
    except ValueError as e:
        return "output is not JSON (%s)" % e
    sa, sb = ja.get("sections", []), jb.get("sections", [])
    for x, y in zip(sa, sb):
        if x != y:
            keys = [k for k in x.keys() | y.keys() if x.get(k) != y.get(k)]
            return "section %s, %s:\n    %s\n    vs %s" % (
                x.get("id"), ", ".join(sorted(keys)),
                json.dumps({k: x.get(k) for k in keys}, ensure_ascii=False)[:400],
                json.dumps({k: y.get(k) for k in keys}, ensure_ascii=False)[:400])
    if len(sa) != len(sb):
        return "%d sections vs %d" % (len(sa), len(sb))
    for key in sorted(ja.keys() | jb.keys()):
        if ja.get(key) != jb.get(key):
            return "%s: %s\n    vs %s" % (
                key, json.dumps(ja.get(key), ensure_ascii=False)[:400],
                json.dumps(jb.get(key), ensure_ascii=False)[:400])
    return "key order or formatting"


def main(argv):
    if len(argv) < 4:
        sys.exit(__doc__)
    zhengce, rules, notices = argv[1], argv[2], argv[3:]
    failures = 0
    variants = ((), ("--encoding", "utf-8", "--format", "text",
                     "--keep-debris"))
    # every run is independent: run them side by side (chunk size 1 under
    # the sanitizers is slow), then compare in order
    jobs = [(path, extra, chunk) for path in notices for extra in variants
            for chunk in CHUNKS]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = dict(zip(jobs, pool.map(
            lambda j: run(zhengce, rules, j[0], j[2], j[1]), jobs)))
    for path in notices:
        bad = []
        size = 0
        for extra in variants:
            label = " ".join(extra) or "detected encoding"
            rc, ref, err = results[(path, extra, CHUNKS[0])]
            if rc != 0:
                bad.append("%s, chunk size %d: exit code %d: %s"
                           % (label, CHUNKS[0], rc,
                              err.decode(errors="replace")))
                continue
            size = len(ref)
            for chunk in CHUNKS[1:]:
                rc, out, err = results[(path, extra, chunk)]
                if rc != 0:
                    bad.append("%s, chunk size %d: exit code %d: %s"
                               % (label, chunk, rc,
                                  err.decode(errors="replace")))
                elif out != ref:
                    bad.append("%s, chunk size %d differs from %d: %s"
                               % (label, chunk, CHUNKS[0],
                                  first_difference(ref, out)))
        if bad:
            failures += 1
            print("FAIL %s" % path)
            for b in bad:
                print("  " + b)
        else:
            print("ok %s (%d bytes out, chunk sizes %s, detected and forced)"
                  % (path, size, " ".join(map(str, CHUNKS))))
    print("%d of %d notices identical at every chunk size"
          % (len(notices) - failures, len(notices)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
