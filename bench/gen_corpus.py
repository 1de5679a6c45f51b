#!/usr/bin/env python3
"""Generate a benchmark corpus of varied notices from corpus/*.txt.

    bench/gen_corpus.py OUTDIR [MEGABYTES]

Writes OUTDIR/many/NNNNN.txt (documents of different sizes and shapes)
and OUTDIR/big.txt (all of them in one file).  Each document takes the
preamble of one real notice and top-level sections drawn from several,
renumbered (一、二、… and (一)(二)… straight through, the way real plans
number them), with the figures in the text varied, so no two documents
are the same and nothing is one file repeated.  Deterministic (seeded).
"""
import os
import random
import re
import sys

ZH = "零一二三四五六七八九"


def zh_num(n):
    if n < 10:
        return ZH[n]
    if n < 20:
        return "十" + (ZH[n % 10] if n % 10 else "")
    return ZH[n // 10] + "十" + (ZH[n % 10] if n % 10 else "")


TOP = re.compile(r"(?:^|(?<=[\s。]))[一二三四五六七八九十]{1,3}、")


def split_notice(text):
    """Preamble and top-level sections (by 一、 markers)."""
    cuts = [m.start() for m in TOP.finditer(text)]
    if not cuts:
        return text, []
    return text[:cuts[0]], [text[a:b] for a, b in zip(cuts, cuts[1:] + [len(text)])]


def vary_numbers(s, rnd):
    def repl(m):
        v = m.group(0)
        if len(v) >= 4 and v.startswith(("19", "20")):
            return v  # keep years: deadlines must stay dates
        n = int(v)
        return str(max(1, n + rnd.randint(-n // 3 - 1, n // 3 + 1)))
    return re.sub(r"\d+", repl, s)


def main():
    out = sys.argv[1]
    megabytes = float(sys.argv[2]) if len(sys.argv) > 2 else 100
    rnd = random.Random(20261122)
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus")
    notices = []
    for name in sorted(os.listdir(root)):
        if name.endswith(".txt"):
            with open(os.path.join(root, name), encoding="utf-8", errors="replace") as f:
                notices.append(split_notice(f.read()))
    sections = [s for _, secs in notices for s in secs]
    os.makedirs(os.path.join(out, "many"), exist_ok=True)
    target = int(megabytes * 1e6)
    total = 0
    i = 0
    with open(os.path.join(out, "big.txt"), "w", encoding="utf-8") as big:
        while total < target:
            pre, _ = rnd.choice(notices)
            k = rnd.choice([1, 2, 3, 5, 8, 13])
            parts = [vary_numbers(pre, rnd)]
            for n in range(1, k + 1):
                body = rnd.choice(sections)
                body = TOP.sub("", body, count=1)
                parts.append(zh_num(n) + "、" + vary_numbers(body, rnd))
            doc = "\n".join(parts)
            if rnd.random() < 0.2:
                doc = doc.replace("\n", " ")  # one-line documents exist
            name = os.path.join(out, "many", "%05d.txt" % i)
            with open(name, "w", encoding="utf-8") as f:
                f.write(doc)
            big.write(doc)
            big.write("\n")
            total += len(doc.encode("utf-8")) + 1
            i += 1
    print("%d documents, %.1f MB" % (i, total / 1e6))


if __name__ == "__main__":
    main()
