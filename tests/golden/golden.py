#!/usr/bin/python3
"""Golden corpus test: corpus/NAME.txt against corpus/NAME.expected.json.

    golden.py [--fields all|structure|extraction] ZHENGCE RULES_DIR CORPUS_DIR

For every CORPUS_DIR/NAME.txt, `zhengce --rules RULES_DIR --no-text NAME.txt`
must exit 0 with nothing on stderr (RunGrepTest checks RC, so do we), and,
when NAME.expected.json exists beside it, its "document", "sections" and
"warnings" must equal the expectation ("source" and "stats" are ignored).

--fields splits the comparison so one kind of change cannot hide another:
"structure" is the document, the warnings and the sections without their
extraction lists (ids, levels, markers, headings, spans, run-in items) - what
the segmenter and metadata reader produce; "extraction" is only the
sections' assignments, deadlines, targets and quantities (sections matched
by id) - what the rules produce; "all" (the default) is both.

A difference is printed minimally: the document, then for "document" the key,
for "sections" the section id and field (sections missing from or extra in
the output are listed by id, heading and marker), for "warnings" the entry -
each with expected and actual values.  Every document is checked; the exit
code is 1 if any failed.
"""
import glob
import json
import os
import subprocess
import sys

MAX_LINES = 40  # per document, so one broken notice cannot bury the rest
EXTRACTION = ("assignments", "deadlines", "targets", "quantities")


def short(v, n=160):
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= n else s[:n] + "…"


def diff_list(where, exp, act, out):
    """Items of an extraction list, by position."""
    if len(exp) != len(act):
        out.append("%s: %d expected, %d found" % (where, len(exp), len(act)))
    for i, (e, a) in enumerate(zip(exp, act)):
        if e == a:
            continue
        keys = sorted(k for k in e.keys() | a.keys() if e.get(k) != a.get(k))
        for k in keys:
            out.append("%s[%d].%s: expected %s, got %s"
                       % (where, i, k, short(e.get(k, "(absent)")),
                          short(a.get(k, "(absent)"))))
    for i in range(len(act), len(exp)):
        out.append("%s[%d] missing: %s" % (where, i, short(exp[i])))
    for i in range(len(exp), len(act)):
        out.append("%s[%d] extra: %s" % (where, i, short(act[i])))


def describe(s):
    return "%s %s %s" % (s.get("id"), s.get("marker", ""),
                         short(s.get("heading"), 60))


def diff_sections(exp, act, out, fields):
    def keep(s):
        if fields == "structure":
            return {k: v for k, v in s.items() if k not in EXTRACTION}
        if fields == "extraction":
            return {k: v for k, v in s.items() if k in EXTRACTION or k == "id"}
        return s
    exp = [keep(s) for s in exp]
    act = [keep(s) for s in act]
    eids = [s.get("id") for s in exp]
    aids = [s.get("id") for s in act]
    emap = {s.get("id"): s for s in exp}
    amap = {s.get("id"): s for s in act}
    missing = [emap[i] for i in eids if i not in amap]
    extra = [amap[i] for i in aids if i not in emap]
    if fields != "extraction":
        for s in missing:
            out.append("section missing: %s" % describe(s))
        for s in extra:
            out.append("section extra:   %s" % describe(s))
    common = [i for i in eids if i in amap]
    if fields != "extraction" and [i for i in aids if i in emap] != common:
        out.append("sections in a different order: expected %s, got %s"
                   % (" ".join(map(str, eids)), " ".join(map(str, aids))))
    for sid in common:
        e, a = emap[sid], amap[sid]
        if e == a:
            continue
        for k in sorted(e.keys() | a.keys()):
            if e.get(k) == a.get(k):
                continue
            if isinstance(e.get(k), list) and isinstance(a.get(k), list) \
                    and k not in ("span",):
                diff_list("section %s %s" % (sid, k), e[k], a[k], out)
            else:
                out.append("section %s %s: expected %s, got %s"
                           % (sid, k, short(e.get(k, "(absent)")),
                              short(a.get(k, "(absent)"))))


def check(zhengce, rules, txt, fields):
    """Returns (list of problems, compared?)."""
    problems = []
    p = subprocess.run([zhengce, "--rules", rules, "--no-text", txt],
                       capture_output=True)
    if p.returncode != 0:
        problems.append("exit code %d (expected 0)" % p.returncode)
    if p.stderr:
        problems.append("stderr is not empty: %s"
                        % p.stderr.decode(errors="replace").strip()[:500])
    try:
        actual = json.loads(p.stdout)
    except ValueError as e:
        problems.append("output is not one JSON object: %s" % e)
        return problems, False
    exp_path = txt[:-4] + ".expected.json"
    if not os.path.exists(exp_path):
        return problems, False
    try:
        with open(exp_path, encoding="utf-8") as f:
            expected = json.load(f)
    except ValueError as e:
        problems.append("%s is not JSON: %s" % (exp_path, e))
        return problems, True
    for key in ("document", "sections", "warnings"):
        if key not in expected:
            problems.append("%s has no \"%s\"" % (exp_path, key))
    if "error" in actual:
        problems.append("output has an error: %s" % short(actual["error"]))
    ed, ad = expected.get("document") or {}, actual.get("document") or {}
    for k in sorted(ed.keys() | ad.keys()):
        if fields != "extraction" and ed.get(k) != ad.get(k):
            problems.append("document.%s: expected %s, got %s"
                            % (k, short(ed.get(k, "(absent)")),
                               short(ad.get(k, "(absent)"))))
    diff_sections(expected.get("sections", []), actual.get("sections", []),
                  problems, fields)
    ew, aw = expected.get("warnings", []), actual.get("warnings", [])
    if fields != "extraction" and ew != aw:
        diff_list("warnings", ew, aw, problems)
    return problems, True


def main(argv):
    fields = "all"
    if len(argv) > 2 and argv[1] == "--fields":
        fields = argv[2]
        argv = argv[:1] + argv[3:]
    if len(argv) != 4 or fields not in ("all", "structure", "extraction"):
        sys.exit(__doc__)
    zhengce, rules, corpus = argv[1:]
    texts = sorted(glob.glob(os.path.join(corpus, "*.txt")))
    if not texts:
        print("no notices in %s" % corpus)
        return 1
    orphans = [e for e in sorted(glob.glob(os.path.join(corpus,
                                                        "*.expected.json")))
               if not os.path.exists(e[:-len(".expected.json")] + ".txt")]
    failed = compared = 0
    for e in orphans:
        print("FAIL %s: no notice beside it" % e)
        failed += 1
    for txt in texts:
        name = os.path.basename(txt)
        problems, was_compared = check(zhengce, rules, txt, fields)
        compared += was_compared
        if problems:
            failed += 1
            print("FAIL %s" % name)
            for line in problems[:MAX_LINES]:
                print("  " + line)
            if len(problems) > MAX_LINES:
                print("  … and %d more differences"
                      % (len(problems) - MAX_LINES))
        elif was_compared:
            print("ok   %s" % name)
        else:
            print("ok   %s (no expectation yet: exit code and stderr only)"
                  % name)
    print("%d notices, %d with expectations, %d failed (fields: %s)"
          % (len(texts), compared, failed, fields))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
