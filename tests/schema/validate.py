#!/usr/bin/python3
"""Schema test: every output validates against schema/zhengce.schema.json.

    validate.py --schema FILE --cli ZHENGCE --rules DIR --notices FILE...
                [--spec-runner BIN --spec FILE...] [--sample-bin BIN]
                [--readme-bin BIN --readme-input FILE]

Checks, with python3-jsonschema's Draft202012Validator:

  1. the schema itself is a valid draft 2020-12 schema;
  2. it is strict: a valid output with one mistake made in it (a bad id, a
     non-ISO date, a missing key, an unknown key, a root with a marker ...)
     is rejected, and the legal variants (no "text", document null with
     "error") are accepted;
  3. the CLI's output for every notice, with text and --explain and with
     --no-text, validates;
  4. the outputs of every spec case (spec_runner --dump) validate;
  5. a document carrying every kind of extraction item (test_json
     --write-sample) validates, so the item shapes in emit_json.c and the
     schema cannot drift apart before the rules produce them;
  6. the README example's output validates.

Outputs of 3, 4 and 6 are also checked against what a schema cannot say:
spans inside the decoded text and start <= end; ids unique, a parent
before its children, level = depth of the id, number = its last part,
child spans inside the parent's; "text" is the span's bytes, the marker
its start and the heading inside it.
"""
import argparse
import copy
import glob
import json
import os
import subprocess
import sys
import tempfile

from jsonschema import Draft202012Validator

problems = []


def fail(where, msg):
    problems.append("%s: %s" % (where, msg))


def validate(v, doc, where):
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errs[:10]:
        path = "/".join(str(p) for p in e.absolute_path)
        fail(where, "at /%s: %s" % (path, e.message[:300]))
    return not errs


def contract(doc, where, text_of=None):
    """Checks a schema cannot express."""
    size = doc["stats"]["decoded_bytes"]

    def span_ok(span, what, lo=0, hi=size):
        a, b = span
        if not (lo <= a <= b <= hi):
            fail(where, "%s span %s outside [%d, %d]" % (what, span, lo, hi))
            return False
        return True

    seen = {}
    last_start = 0
    for s in doc["sections"]:
        sid = s["id"]
        what = "section " + sid
        if sid in seen:
            fail(where, "%s: duplicate id" % what)
        span_ok(s["span"], what)
        if s["span"][0] < last_start:
            fail(where, "%s: starts before the section before it" % what)
        last_start = s["span"][0]
        parts = [] if sid == "0" else sid.split(".")
        if s["level"] != len(parts):
            fail(where, "%s: level %d" % (what, s["level"]))
        if parts:
            if int(parts[-1]) != s["number"]:
                fail(where, "%s: number %d" % (what, s["number"]))
            want_parent = ".".join(parts[:-1]) or "0"
            if s["parent"] != want_parent:
                fail(where, "%s: parent %s" % (what, s["parent"]))
            parent = seen.get(s["parent"])
            if parent is None:
                fail(where, "%s: parent %s not before it" % (what, s["parent"]))
            elif s["parent"] != "0":
                span_ok(s["span"], what + " (in its parent)",
                        parent["span"][0], parent["span"][1])
        seen[sid] = s
        text = s.get("text")
        if text is not None:
            raw = text.encode("utf-8")
            if len(raw) != s["span"][1] - s["span"][0]:
                fail(where, "%s: text is %d bytes, span %s"
                     % (what, len(raw), s["span"]))
            if "marker" in s and not text.startswith(s["marker"]):
                fail(where, "%s: text does not start with its marker" % what)
            if s["heading"] is not None and s["heading"] not in text:
                fail(where, "%s: heading not in its text" % what)
        if text_of is not None:
            a, b = s["span"]
            if "marker" in s and \
                    text_of[a:a + len(s["marker"].encode())].decode(
                        errors="replace") != s["marker"]:
                fail(where, "%s: marker not at its span start" % what)
        for key in ("items", "assignments", "deadlines", "targets",
                    "quantities"):
            for i, it in enumerate(s[key]):
                span_ok(it["span"], "%s %s[%d]" % (what, key, i),
                        s["span"][0], s["span"][1])
                if "covers" in it:
                    span_ok(it["covers"], "%s %s[%d] covers" % (what, key, i))


# ---- 2. strictness --------------------------------------------------------

def mutations(doc):
    """(description, mutated document, should be valid)."""
    secs = doc["sections"]
    sub = next((i for i, s in enumerate(secs) if s["level"] >= 1), None)

    def m(desc, fn, valid=False):
        d = copy.deepcopy(doc)
        fn(d)
        return desc, d, valid

    out = [
        m("no sections", lambda d: d.pop("sections")),
        m("no document", lambda d: d.pop("document")),
        m("unknown top-level key", lambda d: d.update(extra=1)),
        m("schema version", lambda d: d.update(schema="zhengce/2")),
        m("document null without error",
          lambda d: d.update(document=None)),
        m("document null with error",
          lambda d: d.update(document=None, error="out of memory"), True),
        m("issue_date not ISO",
          lambda d: d["document"].update(issue_date="2019-8-1")),
        m("issue_date month 13",
          lambda d: d["document"].update(issue_date="2019-13-01")),
        m("year as a string", lambda d: d["document"].update(year="2019")),
        m("recipients as a string",
          lambda d: d["document"].update(recipients="各部门")),
        m("document key missing", lambda d: d["document"].pop("title")),
        m("unknown document key", lambda d: d["document"].update(foo=None)),
        m("root with a marker", lambda d: d["sections"][0].update(marker="一、")),
        m("root with a heading",
          lambda d: d["sections"][0].update(heading="前言")),
        m("root not first", lambda d: d["sections"].reverse()),
        m("span with three numbers",
          lambda d: d["sections"][0].update(span=[0, 1, 2])),
        m("negative span", lambda d: d["sections"][0].update(span=[-1, 2])),
        m("section text absent (--no-text)",
          lambda d: [s.pop("text", None) for s in d["sections"]], True),
        m("sha256 upper case",
          lambda d: d["source"].update(sha256=d["source"]["sha256"].upper())),
        m("unknown encoding", lambda d: d["source"].update(encoding="big5")),
        m("warning without offset",
          lambda d: d["warnings"].append({"code": "x", "message": "y"})),
        m("warning code with spaces",
          lambda d: d["warnings"].append({"code": "bad code", "offset": 0,
                                          "message": "y"})),
        m("stats missing", lambda d: d.pop("stats")),
    ]
    if sub is not None:
        def setsec(key, value):
            return lambda d: d["sections"][sub].update({key: value})

        def popsec(key):
            return lambda d: d["sections"][sub].pop(key)
        out += [
            m("id with a leading zero", setsec("id", "01")),
            m("id ending in a dot", setsec("id", "1.")),
            m("id with a zero part", setsec("id", "1.0")),
            m("id not a string", setsec("id", 1)),
            m("section without parent", popsec("parent")),
            m("section without marker", popsec("marker")),
            m("section without items", popsec("items")),
            m("unknown style", setsec("style", "roman")),
            m("number 0", setsec("number", 0)),
            m("truncated false", setsec("truncated", False)),
            m("unknown section key", setsec("color", "red")),
            m("item without span", setsec("items", [{"marker": "一是",
                                                     "number": 1}])),
            m("target with a bad unit", setsec("targets", [{
                "text": "90%", "value": 90, "unit": "percent", "op": ">=",
                "metric": "", "kind": "target", "span": [0, 3]}])),
            m("target with a bad kind", setsec("targets", [{
                "text": "90%", "value": 90, "unit": "%", "op": ">=",
                "metric": "", "kind": "goal", "span": [0, 3]}])),
            m("deadline with a bad date", setsec("deadlines", [{
                "text": "年底", "date": "2019/12/31", "kind": "by",
                "span": [0, 6]}])),
            m("deadline amount without unit", setsec("deadlines", [{
                "text": "20日内", "date": None, "kind": "within",
                "amount": 20, "span": [0, 6]}])),
            m("assignment without covers", setsec("assignments", [{
                "lead": [], "responsible": ["市政府"], "cooperating": [],
                "text": "x", "span": [0, 1]}])),
            m("assignment with an empty unit name", setsec("assignments", [{
                "lead": [""], "responsible": [], "cooperating": [],
                "text": "x", "span": [0, 1], "covers": [0, 0]}])),
            m("a legal target", setsec("targets", [{
                "text": "90%以上", "value": 90, "unit": "%", "op": ">=",
                "metric": "", "kind": "target", "span": [0, 3]}]), True),
        ]
    return out


def check_strictness(v, doc):
    for desc, d, valid in mutations(doc):
        ok = v.is_valid(d)
        if ok != valid:
            fail("schema strictness", "%s: %s" % (
                desc, "rejected but legal" if valid else
                "accepted but wrong"))


# ---- outputs ----------------------------------------------------------------

def json_lines(data, where):
    docs = []
    for i, line in enumerate(data.splitlines()):
        if not line.strip():
            continue
        try:
            docs.append(json.loads(line))
        except ValueError as e:
            fail(where, "line %d is not JSON: %s" % (i + 1, e))
    return docs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schema", required=True)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--rules", required=True)
    ap.add_argument("--notices", nargs="+", default=[])
    ap.add_argument("--spec-runner")
    ap.add_argument("--spec", nargs="*", default=[])
    ap.add_argument("--sample-bin")
    ap.add_argument("--readme-bin")
    ap.add_argument("--readme-input")
    a = ap.parse_args()

    with open(a.schema, encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    v = Draft202012Validator(schema)
    counts = {}

    # 3. the corpus through the CLI, both ways
    for flags in (["--explain"], ["--no-text"]):
        p = subprocess.run([a.cli, "--rules", a.rules] + flags + a.notices,
                           capture_output=True)
        if p.returncode != 0:
            fail("cli " + " ".join(flags), "exit code %d: %s" % (
                p.returncode, p.stderr.decode(errors="replace")[:300]))
        docs = json_lines(p.stdout, "cli")
        if len(docs) != len(a.notices):
            fail("cli", "%d outputs for %d notices" % (len(docs),
                                                      len(a.notices)))
        for d in docs:
            where = "%s (%s)" % (d.get("source", {}).get("path"),
                                 " ".join(flags))
            if validate(v, d, where):
                contract(d, where)
        counts["corpus outputs"] = counts.get("corpus outputs", 0) + len(docs)
        if flags == ["--explain"] and docs:
            check_strictness(v, docs[0])

    # 4. spec outputs
    if a.spec_runner and a.spec:
        with tempfile.TemporaryDirectory() as tmp:
            p = subprocess.run([a.spec_runner, "--rules", a.rules, "--dump",
                                tmp] + a.spec, capture_output=True)
            if p.returncode not in (0, 1):  # 1: a case failed, reported
                fail("spec_runner", "exit code %d: %s" % (
                    p.returncode, p.stderr.decode(errors="replace")[:300]))
            files = sorted(glob.glob(os.path.join(tmp, "*.json")))
            for path in files:
                with open(path, encoding="utf-8") as f:
                    d = json.load(f)
                where = "spec " + os.path.basename(path)
                if validate(v, d, where):
                    contract(d, where)
            counts["spec outputs"] = len(files)
            if not files:
                fail("spec_runner", "no outputs dumped")

    # 5. every item kind
    if a.sample_bin:
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "sample.json")
            p = subprocess.run([a.sample_bin, "--write-sample", out])
            if p.returncode != 0:
                fail("sample", "exit code %d" % p.returncode)
            else:
                with open(out, encoding="utf-8") as f:
                    d = json.load(f)
                validate(v, d, "sample with every item kind")
                kinds = [k for k in ("items", "assignments", "deadlines",
                                     "targets", "quantities")
                         if any(s[k] for s in d["sections"])]
                if len(kinds) != 5:
                    fail("sample", "only %s present" % kinds)
                counts["item sample"] = 1

    # 6. the README example
    if a.readme_bin:
        p = subprocess.run([a.readme_bin, a.rules, a.readme_input],
                           capture_output=True)
        if p.returncode != 0 or p.stderr:
            fail("readme example", "exit code %d, stderr %r" % (
                p.returncode, p.stderr[:300]))
        else:
            try:
                d = json.loads(p.stdout)
                if validate(v, d, "readme example"):
                    contract(d, "readme example")
                counts["readme example"] = 1
            except ValueError as e:
                fail("readme example", "output is not one JSON object: %s"
                     % e)

    for p in problems[:200]:
        print("FAIL " + p)
    if len(problems) > 200:
        print("… and %d more" % (len(problems) - 200))
    print("validated: %s; %d problem(s)" % (
        ", ".join("%d %s" % (n, k) for k, n in counts.items()),
        len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
