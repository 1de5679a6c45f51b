#!/usr/bin/env python3
"""zhengce throughput and memory benchmark: one command.

    python3 bench/bench.py [--quick] [--mb 100] [--runs 5] [--huge-mb 1000]
                           [--scaling-files 5000] [--out bench/results.txt]

Builds a Release binary in build-bench/, generates (once, cached in
build-bench/benchdata-<MB>MB/) a corpus of varied notices from corpus/ with
bench/gen_corpus.py, then measures in the same run, each case the median
of --runs runs (interleaved, so a burst of load on a shared machine hits
every case alike):

  big-1     zhengce -j1 over big.txt: ONE long notice of --mb MB (第N章 /
            第N节 / 一、… numbered straight through; every chapter is read
            and matched, none is cut at max_section_bytes)
  many-1    zhengce -j1 over many/: the same volume as separate notices
            (1 to 13 top-level sections each, a fifth on one line)
  many-2    zhengce -j2 over many/
  rg        the baseline: ripgrep (default engine, one thread) counting
            matches of three representative rule patterns over big.txt
  big-1x2   two big-1 runs at once: what two cores give here.  On a VM
            two vCPUs may share a physical core or a power budget, and
            then no -j2 can reach 2x; this says how far it could go.

zhengce writes its JSON to /dev/null.  Reported: MB/s, the ratio to rg,
peak RSS (GNU time), -j2/-j1 scaling.  The ratios that decide the goals
are medians of each run's own ratio (big-1 against the rg run beside it),
less moved by a VM whose speed drifts than a ratio of medians; both are
printed.  Then

  - issue 5: the first --scaling-files files of many/ with -j1 and -j2,
    their outputs compared byte for byte; at least nine -j1/-j2 pairs run
    side by side, the figure the median of the pairs' ratios (runs of a
    couple of seconds on a VM whose speed drifts);
  - a single-line notice of --huge-mb MB (1 GB by default), generated
    into a pipe (no disk), for peak RSS;
  - a sanity line: items extracted per MB from big.txt and from many/
    (from zhengce's own -o summary lines) and truncated-section warnings,
    so a big-file figure can never again come from a file that is mostly
    skipped;
  - for information, rg -P with all the rule patterns over a slice.

The report goes to stdout and --out.  Timing lives here, never in a unit
test.  Needs ripgrep and GNU time (apt-get install ripgrep time).
"""
import argparse
import glob
import hashlib
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, "bench")

# The baseline the issue describes: a plain regex scan of three of our
# patterns, in rg's default engine (no look-arounds), one per rule family.
RG_PATTERNS = [
    ("percent", "target.rules rule percent, {{NUM}}%",
     r"[0-9]+(?:\.[0-9]+)?\s*[%％]"),
    ("date", "deadline.rules {{YEAR}}年{{MONTH}}月 (date_before, month_by …)",
     r"(?:19|20)[0-9]{2}\s*年\s*[0-9]{1,2}\s*月"),
    ("unit role", "units.rules {{LABEL}}, its three commonest labels",
     r"牵头单位|责任单位|配合单位"),
]

SUMMARY = re.compile(r"(\d+) sections, (\d+) assignments, (\d+) deadlines, "
                     r"(\d+) targets, (\d+) quantities, (\d+) warnings")


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def cpu_pressure():
    """Microseconds some task waited for a CPU since boot (Linux PSI), or
    None: the measure of how much other work disturbed a run."""
    try:
        with open("/proc/pressure/cpu") as f:
            return int(re.search(r"some .*total=(\d+)", f.read()).group(1))
    except (OSError, AttributeError):
        return None


PRESSURE = []  # (wall, waited) of every timed run


def timed(cmd, stdout=subprocess.DEVNULL, stdin=None):
    """Wall seconds and peak RSS (KiB) of one run, via GNU time."""
    p0 = cpu_pressure()
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=stdout,
                       stdin=stdin, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    p1 = cpu_pressure()
    if p0 is not None and p1 is not None:
        PRESSURE.append((wall, (p1 - p0) / 1e6))
    if p.returncode not in (0, 1):
        sys.exit("bench: failed (%d): %s\n%s"
                 % (p.returncode, " ".join(cmd), p.stderr))
    rss = int(p.stderr.strip().splitlines()[-1])
    return wall, rss


def timed_side_by_side(cmd):
    """Wall seconds until two copies of cmd, started together, both end;
    and the larger peak RSS (KiB)."""
    t0 = time.perf_counter()
    ps = [subprocess.Popen(["/usr/bin/time", "-f", "%M"] + cmd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True) for _ in range(2)]
    errs = [p.communicate()[1] for p in ps]
    wall = time.perf_counter() - t0
    for p, e in zip(ps, errs):
        if p.returncode not in (0, 1):
            sys.exit("bench: failed (%d): %s\n%s"
                     % (p.returncode, " ".join(cmd), e))
    return wall, max(int(e.strip().splitlines()[-1]) for e in errs)


def rule_patterns():
    """All the rules' patterns as zhengce compiles them (continuation lines
    joined, {{NAME}} defines expanded, rules/README.md), for the
    informational rg -P line."""
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


def file_hash(*paths):
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def prepare_data(data, mb, n_scaling):
    """big.txt, many/, and scaling/ (hard links to the first files of
    many/), regenerated when the size or the generator changed."""
    gen = os.path.join(HERE, "gen_corpus.py")
    stamp = "%s %g\n" % (file_hash(gen), mb)
    stamp_file = os.path.join(data, "STAMP")
    if not (os.path.exists(stamp_file) and open(stamp_file).read() == stamp):
        shutil.rmtree(data, ignore_errors=True)
        sh([sys.executable, gen, data, str(mb)])
        with open(stamp_file, "w") as f:
            f.write(stamp)
    many = os.path.join(data, "many")
    names = sorted(os.listdir(many))
    scaling = os.path.join(data, "scaling")
    want = names[:n_scaling]
    if not os.path.isdir(scaling) or sorted(os.listdir(scaling)) != want:
        shutil.rmtree(scaling, ignore_errors=True)
        os.makedirs(scaling)
        for n in want:
            os.link(os.path.join(many, n), os.path.join(scaling, n))
    return os.path.join(data, "big.txt"), many, scaling


def dir_mb(d):
    return sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d)) / 1e6


def warm(paths):
    """Read the inputs once so every case starts from the page cache."""
    for p in paths:
        files = [p] if os.path.isfile(p) else \
            [os.path.join(p, f) for f in os.listdir(p)]
        for f in files:
            with open(f, "rb") as fh:
                while fh.read(1 << 20):
                    pass


def counts(zc, inputs, outdir):
    """Sum of zhengce's -o summary lines over `inputs`, and the number of
    truncated-section warnings in the JSON it wrote."""
    shutil.rmtree(outdir, ignore_errors=True)
    p = subprocess.run([zc, "-j2", "--force", "-o", outdir] + inputs,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    tot = [0] * 6
    for line in p.stderr.splitlines():
        m = SUMMARY.search(line)
        if m:
            tot = [a + int(b) for a, b in zip(tot, m.groups())]
    truncated = 0
    for f in os.listdir(outdir):
        with open(os.path.join(outdir, f), "rb") as fh:
            truncated += count_in_stream(fh, b'"truncated-section"')
    shutil.rmtree(outdir, ignore_errors=True)
    return tot, truncated


def count_in_stream(fh, needle):
    n, tail = 0, b""
    while True:
        chunk = fh.read(1 << 20)
        if not chunk:
            return n
        buf = tail + chunk
        n += buf.count(needle)
        # keep a tail shorter than the needle: no match is counted twice
        tail = buf[-(len(needle) - 1):]


def huge_run(zc, mb):
    """zhengce -j1 over a generated single-line notice of `mb` MB read from
    a pipe: wall, peak RSS (KiB), bytes in, truncated-section warnings."""
    gen = subprocess.Popen([sys.executable, os.path.join(HERE, "gen_corpus.py"),
                            "--notice", str(mb), "--single-line"],
                           stdout=subprocess.PIPE)
    t0 = time.perf_counter()
    zp = subprocess.Popen(["/usr/bin/time", "-f", "%M", zc, "-q", "-j1", "-"],
                          stdin=gen.stdout, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    gen.stdout.close()
    result = {}
    err = []
    t = threading.Thread(target=lambda: err.append(zp.stderr.read()))
    t.start()
    result["truncated"] = count_in_stream(zp.stdout, b'"truncated-section"')
    zp.wait()
    t.join()
    wall = time.perf_counter() - t0
    gen.wait()
    if zp.returncode not in (0, 1) or gen.returncode:
        sys.exit("bench: the %g MB run failed:\n%s" % (mb, err[0].decode()))
    rss = int(err[0].decode().strip().splitlines()[-1])
    return wall, rss, result["truncated"]


def git_rev():
    try:
        return subprocess.run(["git", "-C", ROOT, "describe", "--always",
                               "--dirty"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="10 MB, a 100 MB single-line run, 500 files for "
                         "the scaling case: a minute, for development")
    ap.add_argument("--mb", type=float, help="corpus size (100)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--huge-mb", type=float,
                    help="single-line notice for peak RSS (1000; 0: skip)")
    ap.add_argument("--scaling-files", type=int,
                    help="files for the -j1/-j2 identity case (5000)")
    ap.add_argument("--out", help="results file (bench/results.txt; with "
                                  "--quick build-bench/results-quick.txt)")
    a = ap.parse_args()
    mb = a.mb or (10 if a.quick else 100)
    huge_mb = a.huge_mb if a.huge_mb is not None else (100 if a.quick else 1000)
    n_scaling = a.scaling_files or (500 if a.quick else 5000)
    out = a.out or (os.path.join(ROOT, "build-bench", "results-quick.txt")
                    if a.quick else os.path.join(HERE, "results.txt"))
    for tool in ("rg", "/usr/bin/time"):
        if not shutil.which(tool):
            sys.exit("bench: %s is missing (apt-get install ripgrep time)" % tool)

    build = os.path.join(ROOT, "build-bench")
    sh(["cmake", "-S", ROOT, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
        "-DZC_BUILD_TESTS=OFF", "-DBUILD_TESTING=OFF"], stdout=subprocess.DEVNULL)
    sh(["cmake", "--build", build, "-j", str(os.cpu_count() or 2)],
       stdout=subprocess.DEVNULL)
    zc = os.path.join(build, "zhengce")
    data = os.path.join(build, "benchdata-%gMB" % mb)
    big, many, scaling = prepare_data(data, mb, n_scaling)
    mb_big = os.path.getsize(big) / 1e6
    mb_many = dir_mb(many)
    mb_scaling = dir_mb(scaling)
    n_many = len(os.listdir(many))
    n_scaling = len(os.listdir(scaling))
    sizes = sorted(os.path.getsize(os.path.join(many, f)) / 1e3
                   for f in os.listdir(many))
    with open(big, encoding="utf-8") as f:
        chapters = len(re.findall(r"第[一二三四五六七八九十百零]+章", f.read()))
    load0 = os.getloadavg()[0]
    t_start = time.time()

    rg = ["rg", "-j1", "--no-config", "--count-matches", "--no-filename"]
    for _, _, p in RG_PATTERNS:
        rg += ["-e", p]
    # rg is quick: on a small corpus (--quick) it reads big.txt several
    # times in one run, so its time is not lost in the process start
    rg_reps = max(1, int(-(-50 // mb_big)))
    cases = [
        ("big-1", "big.txt", [zc, "-q", "-j1", big], mb_big),
        ("many-1", "many/", [zc, "-q", "-j1", many], mb_many),
        ("many-2", "many/", [zc, "-q", "-j2", many], mb_many),
        ("rg", "big.txt" if rg_reps == 1 else "big.txt*%d" % rg_reps,
         rg + [big] * rg_reps, mb_big * rg_reps),
    ]
    warm([big, many])
    samples = {name: ([], []) for name, _, _, _ in cases}
    pair = []  # wall of big-1x2, two big-1 at once
    by_name = {name: cmd for name, _, cmd, _ in cases}
    for _ in range(a.runs):
        # each ratio's two sides run one right after the other: big-1
        # beside big-1x2 and rg, many-1 beside many-2
        for name in ("big-1", "big-1x2", "rg", "many-1", "many-2"):
            if name == "big-1x2":
                pair.append(timed_side_by_side(by_name["big-1"])[0])
                continue
            w, r = timed(by_name[name])
            samples[name][0].append(w)
            samples[name][1].append(r)
    results = {}
    for name, _, _, size in cases:
        walls, rsss = samples[name]
        wall = statistics.median(walls)
        results[name] = (size / wall, max(rsss) / 1024, wall, size / min(walls))
    rg_matches = subprocess.run(rg + [big], capture_output=True,
                                text=True).stdout.strip()

    # issue 5: -j1 and -j2 over the same files, outputs byte for byte
    outs = {1: os.path.join(data, "scaling-j1.jsonl"),
            2: os.path.join(data, "scaling-j2.jsonl")}
    # (runs of a couple of seconds on a VM whose speed drifts: more pairs,
    # each -j1 run next to its -j2 run, and the median of their ratios)
    sc = {1: [], 2: []}
    sc_runs = max(a.runs, 9)
    identical = True
    for _ in range(sc_runs):
        for j in (1, 2):
            with open(outs[j], "wb") as f:
                w, _ = timed([zc, "-q", "-j%d" % j, scaling], stdout=f)
            sc[j].append(w)
        with open(outs[1], "rb") as f1, open(outs[2], "rb") as f2:
            identical = identical and f1.read() == f2.read()
    sc_lines = sum(1 for _ in open(outs[1], "rb"))
    for p in outs.values():
        os.remove(p)
    sc1, sc2 = statistics.median(sc[1]), statistics.median(sc[2])
    sc_pair = statistics.median(x / y for x, y in zip(sc[1], sc[2]))

    # sanity: does the big file yield as much per MB as the many files?
    c_big, t_big = counts(zc, [big], os.path.join(data, "out-big"))
    c_many, t_many = counts(zc, [many], os.path.join(data, "out-many"))

    # peak RSS on a huge single-line notice
    huge = huge_run(zc, huge_mb) if huge_mb > 0 else None

    # for information: every rule pattern through rg -P, over a slice
    slice_mb = 1 if a.quick else 5
    slice_path = os.path.join(data, "slice.txt")
    with open(big, "rb") as f, open(slice_path, "wb") as g:
        g.write(f.read(int(slice_mb * 1e6)))
    pats = rule_patterns()
    rg_all = ["rg", "-P", "-j1", "--no-config", "--count-matches",
              "--no-filename"]
    for p in pats:
        rg_all += ["-e", p]
    w_all, _ = timed(rg_all + [slice_path])
    os.remove(slice_path)
    load1 = os.getloadavg()[0]

    base = results["rg"][0]
    rgv = subprocess.run(["rg", "--version"], capture_output=True,
                         text=True).stdout.split("\n")[0]
    L = []
    L.append("zhengce benchmark  %s  (git %s, build-bench/ Release)"
             % (time.strftime("%Y-%m-%d %H:%M"), git_rev()))
    L.append("command: python3 bench/bench.py%s --mb %g --runs %d --huge-mb %g "
             "--scaling-files %d  (%.0f s)"
             % (" --quick" if a.quick else "", mb, a.runs, huge_mb, n_scaling,
                time.time() - t_start))
    L.append("machine: %s, %d cores, %s; load average %.2f at start, "
             "%.2f at end" % (cpu_model(), os.cpu_count() or 0,
                              platform.platform(terse=True), load0, load1))
    if PRESSURE:
        busy = sum(w for _, w in PRESSURE) / sum(t for t, _ in PRESSURE)
        L.append("         something waited for a CPU during %.0f%% of the "
                 "timed runs (PSI; a quiet machine: under 5%%, -j2 itself "
                 "adds a little)" % (100 * busy))
    L.append("input:   big.txt  %.1f MB, one notice: a preamble, then %d "
             "chapters 第N章 of 第N节 of 一、(一)… sections" % (mb_big, chapters))
    L.append("         many/    %.1f MB in %d notices (%.1f-%.0f KB, median "
             "%.1f KB), same generator" % (mb_many, n_many, sizes[0],
                                          sizes[-1], statistics.median(sizes)))
    L.append("baseline: %s, default engine, -j1 --count-matches, over big.txt "
             "(%s matches):" % (rgv, rg_matches))
    for name, src, p in RG_PATTERNS:
        L.append("         %-9s %-44s  from %s" % (name, p, src))
    L.append("")
    L.append("%-8s %-8s %9s %8s %12s %9s %9s" % (
        "case", "input", "MB/s", "vs rg", "peak RSS MB", "seconds",
        "best MB/s"))
    for name, inp, _, _ in cases:
        mbs, rss, wall, best = results[name]
        L.append("%-8s %-8s %9.1f %8.3f %12.1f %9.2f %9.1f"
                 % (name, inp, mbs, mbs / base, rss, wall, best))
    L.append("(MB/s and seconds: median of %d runs; best: the fastest run; "
             "zhengce's JSON to /dev/null;" % a.runs)
    L.append(" rg maps the file, so its RSS counts the file's pages)")
    L.append("")
    # each big-1 run against the rg run of the same round
    big_rg = statistics.median(
        r / (rg_reps * b)
        for b, r in zip(samples["big-1"][0], samples["rg"][0]))
    L.append("big-1 / rg: %.3fx (median of the %d runs' ratios; medians "
             "%.3fx, best runs %.3fx)"
             % (big_rg, a.runs, results["big-1"][0] / base,
                results["big-1"][3] / results["rg"][3]))
    capacity = statistics.median(
        2 * b / p for b, p in zip(samples["big-1"][0], pair))
    L.append("machine: two big-1 at once do %.2fx the work of one in the same "
             "time (median of %d runs' ratios): the most -j2 can give here"
             % (capacity, a.runs))
    s_many = statistics.median(
        x / y for x, y in zip(samples["many-1"][0], samples["many-2"][0]))
    L.append("scaling many-2 / many-1: %.2fx (median of the %d runs' ratios; "
             "medians %.2fx, best runs %.2fx)"
             % (s_many, a.runs, results["many-2"][0] / results["many-1"][0],
                results["many-2"][3] / results["many-1"][3]))
    L.append("issue 5: %d files (%.1f MB): -j1 %.2f s, -j2 %.2f s: %.2fx "
             "(median of %d side-by-side pairs' ratios; medians %.2fx, best "
             "runs %.2fx); output %s (%d JSON lines)"
             % (n_scaling, mb_scaling, sc1, sc2, sc_pair, sc_runs, sc1 / sc2,
                min(sc[1]) / min(sc[2]),
                "byte-identical" if identical else "DIFFERS", sc_lines))
    if huge:
        L.append("single-line notice of %g MB (generated into a pipe, -j1): "
                 "peak RSS %.1f MB, %d truncated-section warnings, %.0f s"
                 % (huge_mb, huge[1] / 1024, huge[2], huge[0]))

    def per_mb(c, size):
        return (c[0] / size, sum(c[1:5]) / size)
    pb, pm = per_mb(c_big, mb_big), per_mb(c_many, mb_many)
    L.append("sanity: per MB, big.txt %.0f sections, %.0f items; many/ %.0f "
             "sections, %.0f items (items: assignments+deadlines+targets+"
             "quantities); truncated-section warnings: big.txt %d, many/ %d"
             % (pb[0], pb[1], pm[0], pm[1], t_big, t_many))
    L.append("informational: rg -P with all %d rule patterns over the first "
             "%g MB of big.txt: %.2f MB/s (one run)"
             % (len(pats), slice_mb, slice_mb / w_all))
    L.append("")
    rss_max = max(results["big-1"][1], results["many-1"][1],
                  results["many-2"][1])
    goals = [
        ("big-1 >= 100 MB/s", results["big-1"][0] >= 100),
        ("big-1 >= 0.25x rg", big_rg >= 0.25),
        ("many-2 >= 1.8x many-1", s_many >= 1.8),
        ("issue 5 -j2 >= 1.8x -j1, identical", sc_pair >= 1.8 and identical),
        ("peak RSS < 32 MB (%g MB)" % mb, rss_max < 32),
    ]
    if huge:
        goals.append(("peak RSS < 32 MB (%g MB single line)" % huge_mb,
                      huge[1] / 1024 < 32))
    L.append("goals: " + "; ".join("%s: %s" % (g, "yes" if ok else "NO")
                                   for g, ok in goals))
    text = "\n".join(L) + "\n"
    print(text, end="")
    with open(out, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
