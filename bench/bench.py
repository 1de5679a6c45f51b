#!/usr/bin/env python3
"""zhengce throughput and memory benchmark.

    python3 bench/bench.py [--mb 100] [--runs 3] [--out bench/results.txt]

Builds a Release binary in build-bench/, generates a ~100 MB corpus of
varied notices from corpus/ (bench/gen_corpus.py), then measures in one
run, each the median of --runs:

  big-1       zhengce -j1 over the single big file (JSON to /dev/null)
  many-1      zhengce -j1 over the many files
  many-2      zhengce -j2 over the many files
  rg          ripgrep counting matches of the rule patterns over big.txt
              (the baseline: a plain regex scan of the same bytes)

and prints MB/s, the ratio to the rg baseline, peak RSS (GNU time), and
the scaling of -j2 over -j1.  The figures also go to --out.  Timing lives
here, never in a unit test.  Needs: ripgrep, time (apt-get install ripgrep
time).
"""
import argparse
import glob
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def timed(cmd, stdout=subprocess.DEVNULL):
    """Wall seconds and peak RSS (KiB) of one run, via GNU time."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=stdout,
                       stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if p.returncode not in (0, 1):
        sys.exit("failed (%d): %s\n%s" % (p.returncode, " ".join(cmd), p.stderr))
    rss = int(p.stderr.strip().splitlines()[-1])
    return wall, rss


def rule_patterns():
    """The rules' patterns as zhengce compiles them, for the rg baseline:
    continuation lines joined, {{NAME}} defines expanded (rules/README.md)."""
    pats = []
    for f in sorted(glob.glob(os.path.join(ROOT, "rules", "*.rules"))):
        defines = {}

        def expand(p):
            return re.sub(r"\{\{(\w+)\}\}",
                          lambda m: "(?:%s)" % defines[m.group(1)], p)

        lines = open(f, encoding="utf-8").read().split("\n")
        i = 0
        while i < len(lines):
            line = lines[i]
            m = re.match(r"define\s+(\w+)\s*=\s?(.*?)\s*$", line)
            if m:
                defines[m.group(1)] = expand(m.group(2))
            m = re.match(r"pattern:\s?(.*?)\s*$", line)
            if m:
                pat = m.group(1)
                while i + 1 < len(lines) and lines[i + 1][:1] in (" ", "\t") \
                        and lines[i + 1].strip():
                    i += 1
                    pat += lines[i].strip()
                # rg joins -e patterns into one: group names would clash
                pats.append(re.sub(r"\(\?<([A-Za-z_]\w*)>", "(?:", expand(pat)))
            i += 1
    return pats


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results.txt"))
    a = ap.parse_args()
    for tool in ("rg", "/usr/bin/time"):
        if not shutil.which(tool):
            sys.exit("bench: %s is missing (apt-get install ripgrep time)" % tool)

    build = os.path.join(ROOT, "build-bench")
    sh(["cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
        "-DZC_BUILD_TESTS=OFF", "-DBUILD_TESTING=OFF"], stdout=subprocess.DEVNULL)
    sh(["cmake", "--build", build, "-j", str(os.cpu_count() or 2)],
       stdout=subprocess.DEVNULL)
    zc = os.path.join(build, "zhengce")
    data = os.path.join(build, "benchdata")
    big = os.path.join(data, "big.txt")
    if not os.path.exists(big) or abs(os.path.getsize(big) / 1e6 - a.mb) > a.mb * 0.05:
        shutil.rmtree(data, ignore_errors=True)
        sh([sys.executable, os.path.join(ROOT, "bench", "gen_corpus.py"), data,
            str(a.mb)])
    many = os.path.join(data, "many")
    mb = os.path.getsize(big) / 1e6
    mb_many = sum(os.path.getsize(os.path.join(many, f))
                  for f in os.listdir(many)) / 1e6
    n_many = len(os.listdir(many))

    pats = rule_patterns()
    rg = ["rg", "-P", "--count-matches", "--no-config", "--no-filename"]
    for p in pats:
        rg += ["-e", p]
    cases = [
        ("big-1", [zc, "-q", "-j1", big], mb),
        ("many-1", [zc, "-q", "-j1", many], mb_many),
        ("many-2", [zc, "-q", "-j2", many], mb_many),
        ("rg", rg + [big], mb),
    ]
    results = {}
    for name, cmd, size in cases:
        walls, rsss = [], []
        for _ in range(a.runs):
            w, r = timed(cmd)
            walls.append(w)
            rsss.append(r)
        wall = statistics.median(walls)
        results[name] = (size / wall, max(rsss) / 1024, wall)

    base = results["rg"][0]
    lines = []
    lines.append("zhengce benchmark  %s" % time.strftime("%Y-%m-%d %H:%M"))
    lines.append("machine: %s, %d cores, %s" % (platform.processor() or platform.machine(),
                                                os.cpu_count() or 0,
                                                platform.platform()))
    lines.append("input: %.1f MB in one file; %.1f MB in %d files; %d rule patterns"
                 % (mb, mb_many, n_many, len(pats)))
    lines.append("command: python3 bench/bench.py --mb %g --runs %d" % (a.mb, a.runs))
    lines.append("")
    lines.append("%-8s %10s %10s %12s %10s" % ("case", "MB/s", "vs rg", "peak RSS MB", "seconds"))
    for name, _, _ in cases:
        mbs, rss, wall = results[name]
        lines.append("%-8s %10.1f %10.2f %12.1f %10.2f" % (name, mbs, mbs / base, rss, wall))
    lines.append("")
    lines.append("scaling -j2 / -j1 on many files: %.2fx"
                 % (results["many-2"][0] / results["many-1"][0]))
    text = "\n".join(lines) + "\n"
    print(text, end="")
    with open(a.out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
