#!/usr/bin/env python3
"""Generate a benchmark corpus of varied notices from corpus/*.txt.

    bench/gen_corpus.py OUTDIR [MEGABYTES]
    bench/gen_corpus.py --notice MEGABYTES [--single-line] > FILE

The first form writes OUTDIR/many/NNNNN.txt, documents of different sizes
and shapes, and OUTDIR/big.txt, ONE notice of the same total size.  Each
document of many/ takes the preamble of one real notice and 1 to 13
top-level sections drawn from all of them, renumbered (一、二、… straight
through), with the figures in the text varied, so no two documents are the
same and nothing is one file repeated.  A fifth of them are on one line,
as some real notices are.

big.txt is not those documents glued together: zhengce would read that as
one notice whose 一、二、… restarts at every document, accept no top-level
section after the first run, and cut the rest at max_section_bytes.  It
is one long plan shaped the way long plans are (a 规划纲要): one preamble,
then 第一章 … 第N章 numbered straight through, each chapter made of
第一节 … 第M节, each 节 a body of renumbered 一、二、… sections drawn the
same way as a document of many/.  The segmenter then hands one chapter at
a time to the rules, every chapter well under max_section_bytes (1 MiB),
so the whole input is read and matched.  Chapter numbers stop at 999 (the
largest 第N章 the scanner accepts), so the chapters grow with the size:
about 150 KB for 100 MB, 1 MB for 1 GB.

The second form writes such a notice to stdout (for the 1 GB memory run,
piped into zhengce without touching the disk); --single-line joins its
lines with spaces.  Deterministic (seeded).
"""
import os
import random
import re
import sys

ZH = "零一二三四五六七八九"


def zh_num(n):
    """1 … 999 as written in markers: 十二, 一百零五, 三百二十."""
    if n < 10:
        return ZH[n]
    if n < 20:
        return "十" + (ZH[n % 10] if n % 10 else "")
    if n < 100:
        return ZH[n // 10] + "十" + (ZH[n % 10] if n % 10 else "")
    h, r = divmod(n, 100)
    if r == 0:
        return ZH[h] + "百"
    if r < 10:
        return ZH[h] + "百零" + ZH[r]
    return ZH[h] + "百" + ZH[r // 10] + "十" + (ZH[r % 10] if r % 10 else "")


TOP = re.compile(r"(?:^|(?<=[\s。]))[一二三四五六七八九十]{1,3}、")
# A section that speaks of chapters or parts could open one of ours.
CHAPTERISH = re.compile(r"第[一二三四五六七八九十百零〇\d]+[章节節部篇]")
MAX_CHAPTERS = 999   # scan.c reads 第N章 up to 999
CHAPTER_CAP = 1020000  # stay under max_section_bytes (1 MiB) per chapter


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


def load(root):
    notices = []
    for name in sorted(os.listdir(root)):
        if name.endswith(".txt"):
            with open(os.path.join(root, name), encoding="utf-8",
                      errors="replace") as f:
                notices.append(split_notice(f.read()))
    sections = [s for _, secs in notices for s in secs
                if not CHAPTERISH.search(s)]
    return notices, sections


def body(rnd, sections, k):
    """k top-level sections, renumbered 一、… and with varied figures."""
    parts = []
    for n in range(1, k + 1):
        s = TOP.sub("", rnd.choice(sections), count=1)
        parts.append(zh_num(n) + "、" + vary_numbers(s, rnd))
    return "\n".join(parts)


def heading(rnd, sections):
    """A short heading taken from a section's first clause."""
    s = TOP.sub("", rnd.choice(sections), count=1)
    h = re.split(r"[。；;，,\n:：(（]", s.strip(), 1)[0].strip()
    return h[:24] or "重点任务"


def document(rnd, notices, sections):
    pre, _ = rnd.choice(notices)
    doc = vary_numbers(pre, rnd) + "\n" + body(
        rnd, sections, rnd.choice([1, 2, 3, 5, 8, 13]))
    if rnd.random() < 0.2:
        doc = doc.replace("\n", " ")  # one-line documents exist
    return doc


def long_notice(rnd, notices, sections, target, write):
    """One notice of about `target` bytes, chapter by chapter, to write()."""
    pre, _ = notices[0]
    n_ch = min(MAX_CHAPTERS, max(1, target // 150000))
    per = min(CHAPTER_CAP, target // n_ch)
    total = 0
    text = vary_numbers(pre, rnd).rstrip("\n") + "\n"
    write(text)
    total += len(text.encode("utf-8"))
    for c in range(1, n_ch + 1):
        if total >= target:
            break
        # vary the chapters' sizes, but keep every one under the cap
        v = max(0.0, min(0.4, CHAPTER_CAP / per - 1))
        want = min(target - total, CHAPTER_CAP,
                   int(per * rnd.uniform(1 - v, 1 + v)))
        parts = ["第%s章 %s" % (zh_num(c), heading(rnd, sections))]
        size = len(parts[0].encode("utf-8")) + 1
        j = 0
        while size < want:
            p = "第%s节 %s\n%s" % (zh_num(j + 1), heading(rnd, sections),
                                  body(rnd, sections,
                                       rnd.choice([1, 2, 3, 5, 8, 13])))
            n = len(p.encode("utf-8")) + 1
            if j and size + n > CHAPTER_CAP:
                if size > want * 0.9:
                    break
                continue  # a shorter one, then
            j += 1
            parts.append(p)
            size += n
        text = "\n".join(parts) + "\n"
        write(text)
        total += len(text.encode("utf-8"))
    return total


def main():
    args = sys.argv[1:]
    rnd = random.Random(20261122)
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus")
    notices, sections = load(root)
    if args and args[0] == "--notice":
        target = int(float(args[1]) * 1e6)
        single = "--single-line" in args
        out = sys.stdout.buffer

        def write(t):
            if single:
                t = t.replace("\n", " ")
            out.write(t.encode("utf-8"))
        long_notice(rnd, notices, sections, target, write)
        return
    out = args[0]
    megabytes = float(args[1]) if len(args) > 1 else 100
    target = int(megabytes * 1e6)
    os.makedirs(os.path.join(out, "many"), exist_ok=True)
    total = 0
    i = 0
    while total < target:
        doc = document(rnd, notices, sections)
        with open(os.path.join(out, "many", "%05d.txt" % i), "w",
                  encoding="utf-8") as f:
            f.write(doc)
        total += len(doc.encode("utf-8"))
        i += 1
    with open(os.path.join(out, "big.txt"), "w", encoding="utf-8") as f:
        big = long_notice(rnd, notices, sections, total, f.write)
    print("%d documents, %.1f MB; one notice of %.1f MB"
          % (i, total / 1e6, big / 1e6))


if __name__ == "__main__":
    main()
