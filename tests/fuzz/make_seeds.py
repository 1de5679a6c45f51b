#!/usr/bin/env python3
"""make_seeds.py - (re)build the committed seed corpora tests/fuzz/seeds/.

    python3 tests/fuzz/make_seeds.py

Seeds are small on purpose (libFuzzer runs faster on small inputs and the
repository stays light): the head of every corpus notice, cut at a
character boundary, with the configuration bytes each target reads first;
the test data of tests/data (encodings, HTML pages, segmentation traps);
the project's rule files and the test rule files; filter records built
from the same notices.  The whole corpus is replayed unshortened by the
fuzz_seeds_* tests anyway (tests/fuzz/CMakeLists.txt).
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEEDS = os.path.join(ROOT, "tests", "fuzz", "seeds")
HEAD = 3000  # bytes of each notice


def head(data, n=HEAD):
    """The first n bytes of data, cut before a UTF-8 continuation byte."""
    if len(data) <= n:
        return data
    while n > 0 and (data[n] & 0xC0) == 0x80:
        n -= 1
    return data[:n]


def files(d, exts=None):
    d = os.path.join(ROOT, d)
    out = []
    for name in sorted(os.listdir(d)):
        p = os.path.join(d, name)
        if os.path.isfile(p) and (not exts or name.endswith(exts)):
            out.append(p)
    return out


def write(target, name, data):
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    notices = files("corpus", ".txt")
    data_dirs = ["tests/data/decode", "tests/data/encoding", "tests/data/html",
                 "tests/data/clean", "tests/data/segment", "tests/data/parser",
                 "tests/data/json"]
    data = [p for d in data_dirs if os.path.isdir(os.path.join(ROOT, d))
            for p in files(d)]

    # extract: 4 config bytes (see fuzz_extract.c), cycling through chunk
    # sizes and a few option sets
    configs = [b"\x09\x00\x00\x00", b"\x06\x40\x00\x00", b"\x04\x00\x30\x00",
               b"\x02\x88\x00\x00", b"\x08\x20\x01\x07", b"\x00\x00\x06\x10"]
    for i, p in enumerate(notices):
        base = os.path.basename(p).split("_")[0]
        write("extract", "corpus_%s" % base,
              configs[i % len(configs)] + head(open(p, "rb").read()))
    for i, p in enumerate(data):
        name = os.path.relpath(p, os.path.join(ROOT, "tests", "data"))
        name = name.replace("/", "_")
        write("extract", "data_" + name,
              configs[(i + 1) % len(configs)] + head(open(p, "rb").read()))

    # frontend: 2 config bytes (see fuzz_frontend.c)
    fconfigs = [b"\x09\x00", b"\x03\x00", b"\x06\x10", b"\x01\x20",
                b"\x07\x40", b"\x02\x29"]
    for i, p in enumerate(data):
        name = os.path.relpath(p, os.path.join(ROOT, "tests", "data"))
        write("frontend", name.replace("/", "_"),
              fconfigs[i % len(fconfigs)] + head(open(p, "rb").read()))
    for p in notices:
        if "html" in p or "jsp" in p:
            base = os.path.basename(p).split("_")[0]
            write("frontend", "corpus_" + base,
                  b"\x05\x00" + head(open(p, "rb").read()))

    # rules: the rule files as they are
    for p in files("rules", ".rules") + files("tests/data/rules", ".rules"):
        write("rules", os.path.relpath(p, ROOT).replace("/", "_"),
              open(p, "rb").read())

    # filter: 1 config byte, then one record
    for i, p in enumerate(notices[:8] + [x for x in data if x.endswith(".html")]):
        raw = head(open(p, "rb").read(), 1500).decode("utf-8", "replace")
        field = "html" if p.endswith(".html") or "html" in p else "text"
        rec = {"id": "n%d" % i, "url": "https://example.org/%d" % i, field: raw}
        write("filter", "record_%02d" % i,
              bytes([i % 32]) + json.dumps(rec, ensure_ascii=i % 2 == 0)
              .encode("utf-8"))
    write("filter", "not_object", b"\x00[1,2,3]")
    write("filter", "no_body", b"\x01{\"id\":7,\"url\":null}")
    write("filter", "empty", b"\x00")
    return 0


if __name__ == "__main__":
    sys.exit(main())
