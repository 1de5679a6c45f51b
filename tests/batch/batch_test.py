#!/usr/bin/env python3
"""Batch conversion, the --filter contract, database output and the corpus
workflow, driven through the CLI as users and cluster engines drive it.

    batch_test.py ZHENGCE RULES_DIR CORPUS_DIR README

Each check prints one line; the exit status is the number of failures.
"""
import csv
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

ZC, RULES, CORPUS, README = sys.argv[1:5]
failures = 0


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures += 1


def run(args, **kw):
    return subprocess.run([ZC, "--rules", RULES] + args, capture_output=True,
                          **kw)


tmp = tempfile.mkdtemp(prefix="zc-batch-")
notices = sorted(f for f in os.listdir(CORPUS) if f.endswith(".txt"))

# ---- parallel output is the sequential output ---------------------------
one = run(["-j1", CORPUS])
two = run(["-j2", CORPUS])
check(one.returncode == 0 and two.returncode == 0, "-j1 and -j2 exit 0")
check(one.stdout == two.stdout and one.stdout.count(b"\n") == len(notices),
      "-j2 gives byte-identical JSON Lines in input order (%d documents)"
      % len(notices))
paths = [json.loads(l)["source"]["path"] for l in one.stdout.splitlines()]
check(paths == sorted(paths), "a directory is read in name order")

# ---- -o DIR: atomic files, skip what is up to date, --force -------------
out = os.path.join(tmp, "out")
r = run(["-j2", "-o", out, CORPUS])
made = sorted(os.listdir(out))
check(r.returncode == 0 and len(made) == len(notices) and
      all(f.endswith(".json") for f in made),
      "-o DIR writes one NAME.json per notice and nothing else")
check(all(json.load(open(os.path.join(out, f))) for f in made),
      "every output file is one complete JSON object")
check(r.stderr.decode().count(" -> ") == len(notices),
      "one summary line per document on stderr")
r = run(["-o", out, CORPUS])
check(r.stderr.decode().count("up to date") == len(notices),
      "a re-run skips documents whose output is newer than the input")
r = run(["--force", "-q", "-o", out, CORPUS])
check(r.returncode == 0 and "up to date" not in r.stderr.decode(),
      "--force converts them again")

# ---- a bad file does not stop the batch ---------------------------------
r = run(["-q", os.path.join(CORPUS, notices[0]), os.path.join(tmp, "missing.txt"),
         os.path.join(CORPUS, notices[1])])
check(r.returncode == 1 and r.stdout.count(b"\n") == 2 and
      b"cannot open" in r.stderr and b"missing.txt" in r.stderr,
      "a missing file is reported, the others converted, exit status 1")

# ---- -j2 buffers: reused from document to document, of any size ----------
# More documents than the pool of output buffers keeps, growing and
# shrinking (a buffer written out for a small notice is filled again by a
# long one), one over the 4 MB spill bound, an empty and a missing file.
mixed_dir = os.path.join(tmp, "mixed")
os.makedirs(mixed_dir)
corpus_texts = [open(os.path.join(CORPUS, f), "rb").read() for f in notices]
mixed = []
for i in range(150):
    t = corpus_texts[i % len(corpus_texts)]
    reps = (1, 40, 2, 0, 7)[i % 5] if i != 75 else 5 * 1024 * 1024 // len(t) + 1
    path = os.path.join(mixed_dir, "%03d.txt" % i)
    with open(path, "wb") as f:
        f.write(b"\n".join([t] * reps))
    mixed.append(path)
    if i == 90:
        mixed.append(os.path.join(tmp, "missing.txt"))
m1 = run(["-q", "-j1"] + mixed)
m2 = run(["-q", "-j2"] + mixed)
check(m1.returncode == 1 and m2.returncode == 1 and
      m1.stdout == m2.stdout and m1.stdout.count(b"\n") == 150 and
      m2.stderr.count(b"missing.txt") == 1,
      "-j2 over 150 notices of 0 B to 5 MB and a missing file: the -j1 "
      "output, byte for byte, the missing one reported, exit status 1")

# ---- SIGINT: no partial files, a re-run completes the rest ---------------
many = os.path.join(tmp, "many")
os.makedirs(many)
texts = [open(os.path.join(CORPUS, f), "rb").read() for f in notices]
N = 3000
for i in range(N):
    with open(os.path.join(many, "%05d.txt" % i), "wb") as f:
        f.write(texts[i % len(texts)])
out2 = os.path.join(tmp, "out2")
p = subprocess.Popen([ZC, "--rules", RULES, "-q", "-j2", "-o", out2, many],
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
deadline = time.time() + 60
while time.time() < deadline:
    time.sleep(0.05)
    if os.path.isdir(out2) and len(os.listdir(out2)) > 50:
        break
p.send_signal(signal.SIGINT)
_, err = p.communicate(timeout=120)
left = os.listdir(out2)
check(p.returncode == 130, "SIGINT: exit status 130 (got %s)" % p.returncode)
check(not [f for f in left if ".tmp" in f],
      "SIGINT: no temporary file left behind")
good = 0
for f in left:
    try:
        json.load(open(os.path.join(out2, f)))
        good += 1
    except ValueError:
        pass
check(good == len(left) and 0 < len(left) < N,
      "SIGINT: the %d files written are all complete JSON" % len(left))
r = run(["-q", "-j2", "-o", out2, many])
check(r.returncode == 0 and len(os.listdir(out2)) == N,
      "a re-run after SIGINT completes the rest (%d files)" % N)

# ---- --filter: one line out per line in, in order ------------------------
records = []
for i in range(10000):
    if i == 5000:
        records.append("{this is not json")
    else:
        rec = {"id": i, "url": "http://example.gov.cn/%d" % i}
        rec["text" if i % 7 else "html"] = (
            texts[i % len(texts)].decode("utf-8", "replace")[:600]
            if i % 7 else "<p>一、总体要求</p><p>到2025年底完成。</p>")
        records.append(json.dumps(rec, ensure_ascii=False))
src = ("\n".join(records) + "\n").encode()
r = run(["--filter", "--no-text"], input=src, timeout=600)
lines = r.stdout.decode().split("\n")
if lines and lines[-1] == "":
    lines.pop()
check(len(lines) == 10000, "--filter: 10,000 lines out for 10,000 in (got %d)"
      % len(lines))
ok_order = True
for i, line in enumerate(lines):
    o = json.loads(line)
    if i == 5000:
        ok_order &= "error" in o and o.get("id") is None
    else:
        ok_order &= o.get("id") == i and "sections" in o
check(ok_order, "--filter: records in input order, the bad one an error record")
check(json.loads(lines[7])["source"]["format"] == "html" and
      json.loads(lines[7])["sections"][1]["marker"] == "一、",
      "--filter: an html record is read as a web page")

# ---- SQLite and CSV ---------------------------------------------------------
db = os.path.join(tmp, "z.db")
r = run(["-q", "--sqlite", db, CORPUS])
check(r.returncode == 0, "--sqlite loads the corpus")
con = sqlite3.connect(db)
tables = ["documents", "sections", "assignments", "assignment_units",
          "deadlines", "targets", "quantities"]
counts = {t: con.execute("SELECT COUNT(*) FROM %s" % t).fetchone()[0]
          for t in tables}
con.close()
r = run(["-q", "--sqlite", db, CORPUS])
con = sqlite3.connect(db)
again = {t: con.execute("SELECT COUNT(*) FROM %s" % t).fetchone()[0]
         for t in tables}
check(counts == again and counts["documents"] == len(notices),
      "loading the corpus twice leaves every row count unchanged %s" % counts)
check(con.execute("PRAGMA foreign_key_check").fetchall() == [],
      "foreign keys hold")
# the README's queries, against what the JSON says
docs = [json.loads(l) for l in one.stdout.splitlines()]
leads = {}
for d in docs:
    for s in d["sections"]:
        for a in s["assignments"]:
            for u in a["lead"]:
                leads[u] = leads.get(u, 0) + 1
dl2023 = sorted(x["date"] for d in docs for s in d["sections"]
                for x in s["deadlines"]
                if x["date"] and x["date"].startswith("2023-"))
wangban = sum(1 for d in docs for s in d["sections"] for t in s["targets"]
              if "网办率" in t["metric"] or "网上办结率" in t["metric"])
queries = re.findall(r"```sql\n(.*?)```", open(README, encoding="utf-8").read(),
                     re.S)
stmts = [q.strip() for q in ";".join(queries).split(";") if q.strip()]
check(len(stmts) == 3, "README shows three queries")
res = [con.execute(s).fetchall() for s in stmts]
top = sorted(leads.items(), key=lambda kv: -kv[1])[:10]
check(sorted(n for _, n in res[0]) == sorted(n for _, n in top) and
      all(leads[u] == n for u, n in res[0]),
      "README query 1: the units leading most tasks match the JSON")
check(sorted(r_[3] for r_ in res[1]) == dl2023,
      "README query 2: the deadlines in 2023 match the JSON (%d)" % len(dl2023))
check(len(res[2]) == wangban and wangban > 0,
      "README query 3: the 网办率 targets match the JSON (%d)" % wangban)
title = "'); DROP TABLE documents; --"
hostile = os.path.join(tmp, "hostile.txt")
open(hostile, "w", encoding="utf-8").write(title + "\n一、总体要求\n")
run(["-q", "--sqlite", db, hostile])
n = con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
check(n == len(notices) + 1, "a hostile title is stored as data (bound parameters)")
con.close()
csvdir = os.path.join(tmp, "csv")
r = run(["-q", "--csv", csvdir, CORPUS])
rows = {t: sum(1 for _ in csv.reader(open(os.path.join(csvdir, t + ".csv"),
                                         newline="", encoding="utf-8"))) - 1
        for t in tables}
check(r.returncode == 0 and rows == counts,
      "--csv writes the same tables with the same row counts")

# ---- the corpus workflow --------------------------------------------------
cdir = os.path.join(tmp, "corpus")
env = dict(os.environ, ZHENGCE_CORPUS=cdir)
newfile = os.path.join(tmp, "My Notice (2023).txt")
shutil.copy(os.path.join(CORPUS, notices[0]), newfile)
r = run(["corpus", "add", "--source", "https://example.gov.cn/a.html", newfile],
        env=env)
name = "My_Notice__2023_"
check(r.returncode == 0 and os.path.exists(os.path.join(cdir, name + ".txt")) and
      os.path.exists(os.path.join(cdir, name + ".expected.json")),
      "corpus add copies the notice and writes a draft expectation")
src_line = open(os.path.join(cdir, "SOURCES.tsv"), encoding="utf-8").read()
check(src_line.startswith(name + ".txt\thttps://example.gov.cn/a.html\t"),
      "corpus add records the source")
r = run(["corpus", "add", newfile], env=env)
check(r.returncode == 1 and b"cannot create" in r.stderr,
      "corpus add never overwrites a corpus notice")
r = run(["eval", cdir])
check(r.returncode == 0 and re.search(rb"assignments +\d+ +0 +0 +1\.000 +1\.000 +1\.000",
                                      r.stdout) is not None,
      "eval scores a fresh draft 1.000 against itself")

# ---- the corpus itself: every field at F1 1.0 ----------------------------
r = run(["eval", "-q", CORPUS])
f1 = re.findall(rb"^(\w+) +\d+ +\d+ +\d+ +[0-9.]+ +[0-9.]+ +([0-9.]+)$",
                r.stdout, re.M)
check(len(f1) == 7 and all(v == b"1.000" for _, v in f1),
      "zhengce eval corpus: F1 1.000 on every field %s"
      % [(k.decode(), v.decode()) for k, v in f1])

shutil.rmtree(tmp, ignore_errors=True)
print("batch: %d failed" % failures)
sys.exit(failures)
