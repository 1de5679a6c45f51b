#!/usr/bin/env python3
"""review_test.py - `zhengce review` pages checked in headless Chromium.

For every corpus notice (corpus/*.txt), the page is rendered with
`chromium --dump-dom` and the rendered DOM must show:
  - exactly one highlight element ([data-id]) per extracted item, per kind,
    as many as `zhengce --explain` reports in its JSON, each covering
    exactly its item's text (continuation pieces [data-of] included);
  - every section in the outline, in order, and an anchor for each;
  - the decoded text unchanged, as the text of the page (each section's
    text at its byte span);
  - the page's own script having run (html[data-ready]).
A screenshot of each page must not be blank (PNG decoded here with zlib).

A hostile notice (hostile.txt, and an expectation full of markup) must run
no script: no element, attribute or title that an injected script or
markup would create, with and without the page's Content-Security-Policy.

Review mode: a corpus expectation is altered (one matched item deleted, a
fake one added); the page must show exactly the deleted item as extra and
the fake one as missing, on top of what the unaltered expectation shows.

Exit 0 on success, 1 on failure, 77 (ctest SKIP) when chromium is absent.
Standard library only.
"""
import argparse
import collections
import concurrent.futures
import copy
import html.parser
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SKIP = 77
FAILURES = []

# Each extracted kind: the output array and how the item's text is found.
UNIT_ROLES = ("lead", "responsible", "cooperating")
PLAIN = (("deadlines", "deadline"), ("targets", "target"),
         ("quantities", "quantity"))

# The keys `zhengce eval` compares (extract/tool_eval.c), to find in an
# expectation the entry that matched a produced item.
EVAL_KEYS = {
    "assignments": ("lead", "responsible", "cooperating", "text"),
    "deadlines": ("text", "kind", "date"),
    "targets": ("text", "value", "value_max", "unit", "op", "kind", "metric"),
    "quantities": ("text", "value", "unit", "op"),
}


def fail(what):
    FAILURES.append(what)
    print("FAIL: " + what, flush=True)


# ---- a small DOM from the serialised page ---------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children = []

    def text(self):
        return "".join(c if isinstance(c, str) else c.text()
                       for c in self.children)

    def walk(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.walk()


class TreeBuilder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is not self.root:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse_dom(markup):
    b = TreeBuilder()
    b.feed(markup)
    b.close()
    return b.root


def by_id(root, ident):
    return next((n for n in root.walk() if n.attrs.get("id") == ident), None)


# ---- tools -----------------------------------------------------------------

class Env:
    def __init__(self, args, chromium):
        self.zhengce = args.zhengce
        self.rules = args.rules
        self.chromium = chromium
        self.work = args.workdir

    def run(self, *argv):
        """zhengce [review] [--rules DIR] ARGS..."""
        cmd = [self.zhengce]
        if argv and argv[0] == "review":
            cmd.append(argv[0])
            argv = argv[1:]
        if self.rules:
            cmd += ["--rules", self.rules]
        return subprocess.run(cmd + list(argv), capture_output=True,
                              timeout=120)

    def browser(self, *args):
        with tempfile.TemporaryDirectory() as profile:
            cmd = [self.chromium, "--headless", "--no-sandbox",
                   "--disable-gpu", "--disable-quic", "--no-first-run",
                   "--disable-background-networking",
                   "--disable-component-update", "--disable-sync",
                   "--hide-scrollbars", "--user-data-dir=" + profile, *args]
            return subprocess.run(cmd, capture_output=True, timeout=180)

    def dump_dom(self, page):
        r = self.browser("--dump-dom", "file://" + os.path.abspath(page))
        if r.returncode != 0 or not r.stdout:
            raise RuntimeError("chromium --dump-dom %s failed: %s"
                               % (page, r.stderr.decode(errors="replace")))
        return parse_dom(r.stdout.decode("utf-8"))

    def screenshot(self, page, png):
        r = self.browser("--screenshot=" + png, "--window-size=1280,900",
                         "file://" + os.path.abspath(page))
        if r.returncode != 0 or not os.path.exists(png):
            raise RuntimeError("chromium --screenshot %s failed: %s"
                               % (page, r.stderr.decode(errors="replace")))


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


# ---- PNG: is the screenshot blank? ----------------------------------------

def png_rows(data):
    """Decode an 8-bit RGB/RGBA, non-interlaced PNG into rows of bytes."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + n
    width, height, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("unsupported PNG format %r" % (hdr,))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        unfilter(f, line, prev, bpp)
        rows.append(line)
        prev = line
    return width, height, bpp, rows


def unfilter(f, line, prev, bpp):
    if f == 0:
        return
    if f == 2:
        for i in range(len(line)):
            line[i] = (line[i] + prev[i]) & 255
        return
    for i in range(len(line)):
        a = line[i - bpp] if i >= bpp else 0
        if f == 1:
            line[i] = (line[i] + a) & 255
        elif f == 3:
            line[i] = (line[i] + ((a + prev[i]) >> 1)) & 255
        elif f == 4:
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc
                                  else b if pb <= pc else c)) & 255
        else:
            raise ValueError("bad PNG filter %d" % f)


def ink(png, columns):
    """Share of dark pixels (text) in each (x0, x1) band of columns."""
    with open(png, "rb") as fh:
        width, height, bpp, rows = png_rows(fh.read())
    shares = []
    for x0, x1 in columns:
        x1 = min(x1, width)
        dark = total = 0
        for row in rows:
            for x in range(x0, x1, 2):  # every other column is plenty
                px = row[x * bpp:x * bpp + 3]
                dark += min(px) < 160
                total += 1
        shares.append(dark / max(total, 1))
    return shares


# ---- one corpus notice ----------------------------------------------------

def expected_items(doc):
    """kind -> list of the texts each highlight must cover."""
    want = collections.defaultdict(list)
    for sec in doc["sections"]:
        for a in sec.get("assignments", []):
            want["clause"].append(a["text"])
            for role in UNIT_ROLES:
                want[role].extend(a.get(role, []))
        for field, kind in PLAIN:
            want[kind].extend(it["text"] for it in sec.get(field, []))
        want["item"].extend(it["marker"] for it in sec.get("items", []))
    return want


def highlights(root):
    """kind -> list of the texts the page highlights (pieces joined)."""
    first, pieces = {}, collections.defaultdict(list)
    for n in root.walk():
        if "data-id" in n.attrs:
            if n.attrs["data-id"] in first:
                fail("two elements with data-id " + n.attrs["data-id"])
            first[n.attrs["data-id"]] = n
        elif "data-of" in n.attrs:
            pieces[n.attrs["data-of"]].append(n.text())
    got = collections.defaultdict(list)
    for ident, n in first.items():
        if n.attrs.get("data-status") == "missing":
            continue
        got[n.attrs.get("data-kind")].append(
            n.text() + "".join(pieces.get(ident, [])))
    return got


def decoded_text(path):
    """The decoded text, when it is simply the file (clean UTF-8, LF)."""
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\r" in text or "\0" in text or text.startswith("\ufeff"):
        return None
    return text


def check_items(name, doc, root):
    want, got = expected_items(doc), highlights(root)
    for kind in sorted(set(want) | set(got)):
        w, g = want.get(kind, []), got.get(kind, [])
        if len(w) != len(g):
            fail("%s: %d %s highlights, the JSON has %d"
                 % (name, len(g), kind, len(w)))
        elif kind == "item":
            if sorted(w) != sorted(m for m in w
                                   if any(t.startswith(m) for t in g)):
                fail("%s: a run-in item does not start with its marker"
                     % name)
        elif sorted(w) != sorted(g):
            bad = collections.Counter(g) - collections.Counter(w)
            fail("%s: %s highlights cover other text than the JSON's: %r"
                 % (name, kind, list(bad)[:3]))
    return sum(len(v) for v in want.values())


def check_outline(name, doc, root):
    ids = [s["id"] for s in doc["sections"]]
    nav = by_id(root, "outline")
    listed = [n.attrs["data-sec"] for n in nav.walk()
              if n.tag == "a" and "data-sec" in n.attrs] if nav else []
    if listed != ids:
        fail("%s: outline lists %d sections, the JSON has %d (%r...)"
             % (name, len(listed), len(ids), listed[:5]))
    for n in nav.walk() if nav else []:
        if n.tag == "a" and n.attrs.get("href") != "#s-" + n.attrs.get(
                "data-sec", "?"):
            fail("%s: outline link %r" % (name, n.attrs))
            break
    anchors = {n.attrs.get("id") for n in root.walk()
               if "sec" in n.attrs.get("class", "").split()}
    missing = [i for i in ids if "s-" + i not in anchors]
    if missing:
        fail("%s: no anchor in the text for sections %r" % (name, missing))


def check_page_basics(name, root, markup):
    html_el = next(n for n in root.walk() if n.tag == "html")
    if html_el.attrs.get("data-ready") != "1":
        fail("%s: the page's script did not run" % name)
    if re.search(r"<link|@import|url\(|(src|href)=\"(https?:)?//", markup):
        fail("%s: the page refers to something outside itself" % name)
    csp = [n for n in root.walk() if n.tag == "meta" and
           n.attrs.get("http-equiv") == "Content-Security-Policy"]
    if not csp or "default-src 'none'" not in csp[0].attrs.get("content"):
        fail("%s: no Content-Security-Policy forbidding loads" % name)


def check_text(name, doc, main):
    """The page shows the decoded text: every section's text sits at its
    byte span in it (so spans were sliced as bytes, not characters)."""
    page = main.text().encode("utf-8") if main is not None else b""
    for sec in doc["sections"]:
        a, b = sec["span"]
        if not sec.get("truncated") and page[a:b] != sec["text"].encode():
            fail("%s: section %s is not at its span in the page's text"
                 % (name, sec["id"]))
            return


def check_notice(env, txt):
    name = os.path.basename(txt)
    base = os.path.join(env.work, name[:-4])
    r = env.run("--explain", txt)
    if r.returncode != 0:
        fail("%s: zhengce exited %d" % (name, r.returncode))
        return 0
    doc = json.loads(r.stdout)
    r = env.run("review", txt)
    if r.returncode != 0:
        fail("%s: zhengce review exited %d: %s"
             % (name, r.returncode, r.stderr.decode(errors="replace")))
        return 0
    page = base + ".html"
    with open(page, "wb") as fh:
        fh.write(r.stdout)
    markup = r.stdout.decode("utf-8")
    root = env.dump_dom(page)
    check_page_basics(name, root, markup)
    n = check_items(name, doc, root)
    check_outline(name, doc, root)
    check_text(name, doc, by_id(root, "text"))
    png = base + ".png"
    env.screenshot(page, png)
    # outline column, then the text column: both must show writing
    outline, text = ink(png, [(0, 250), (270, 960)])
    if outline < 0.005 or text < 0.01:
        fail("%s: the screenshot looks blank" % name)
    return n


# ---- hostile input ----------------------------------------------------------

PWN = "data-pwned"


def check_no_script_ran(what, root):
    html_el = next(n for n in root.walk() if n.tag == "html")
    if PWN in html_el.attrs:
        fail("%s: an injected script ran (%s)" % (what, html_el.attrs[PWN]))
    if html_el.attrs.get("data-ready") != "1":
        fail("%s: the page's own script did not run" % what)
    scripts = [n for n in root.walk() if n.tag == "script"]
    if len(scripts) != 2:
        fail("%s: %d <script> elements, expected the page's 2"
             % (what, len(scripts)))
    for n in root.walk():
        if n.tag in ("img", "svg", "textarea", "b", "iframe", "object") or \
                (n.tag == "a" and n.attrs.get("href", "").startswith("java")):
            fail("%s: markup from the notice became a <%s> element"
                 % (what, n.tag))
        if n.tag == "style" and n.parent.tag != "head":
            fail("%s: a <style> element outside the head" % what)
        for a in n.attrs:
            if a.startswith("on"):
                fail("%s: event handler attribute %s on <%s>"
                     % (what, a, n.tag))


def strip_csp(page, out):
    with open(page, encoding="utf-8") as fh:
        markup = fh.read()
    markup, n = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>',
                        "", markup)
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(markup)
    return n == 1


def hostile_expectation(path):
    evil = "</script><script>document.documentElement.setAttribute(" \
           "'data-pwned','expected')</script>\"><img src=x onerror=" \
           "\"document.documentElement.setAttribute('data-pwned','e-img')\">"
    exp = {"document": {"title": evil, "issuer": evil},
           "sections": [{"id": "1", "level": 1, "marker": evil,
                         "heading": evil, "span": [0, 40],
                         "deadlines": [{"text": evil, "kind": evil,
                                        "date": evil, "span": [3, 30]}],
                         "items": [{"marker": evil, "span": [0, 5]}]}],
           "warnings": []}
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(exp, fh, ensure_ascii=False)


def check_hostile(env, hostile):
    """hostile.txt read as text (the auto-detection would read its tags as
    a web page's), and hostile.html, a page whose *text* is markup."""
    exp = os.path.join(env.work, "hostile.expected.json")
    hostile_expectation(exp)
    page_html = os.path.join(os.path.dirname(hostile), "hostile.html")
    as_text = ("--format", "text")
    for args, tag in (((*as_text, hostile), "hostile"),
                      ((*as_text, "--expected", exp, hostile),
                       "hostile-expected"),
                      ((page_html,), "hostile-html")):
        r = env.run("review", *args)
        if r.returncode != 0:
            fail("%s: zhengce review exited %d" % (tag, r.returncode))
            continue
        page = os.path.join(env.work, tag + ".html")
        with open(page, "wb") as fh:
            fh.write(r.stdout)
        markup = r.stdout.decode("utf-8")
        if markup.count("<script") != 2:
            fail("%s: the page's markup has %d <script tags"
                 % (tag, markup.count("<script")))
        check_no_script_ran(tag, env.dump_dom(page))
        # escaping alone must hold, without the CSP's second line
        bare = os.path.join(env.work, tag + "-nocsp.html")
        if not strip_csp(page, bare):
            fail("%s: no CSP meta to strip" % tag)
        root = env.dump_dom(bare)
        check_no_script_ran(tag + " without CSP", root)
        text = by_id(root, "text")
        if tag == "hostile" and (text is None or
                                 text.text() != decoded_text(hostile)):
            fail("hostile: the notice's markup is not shown as text")
        if tag == "hostile-html" and (text is None or
                                      "<script>" not in text.text()):
            fail("hostile-html: the page's escaped markup is not shown as "
                 "text")


# ---- review mode ------------------------------------------------------------

def eval_key(field, item):
    if field == "items":
        return (item.get("marker"), (item.get("span") or [None])[0])
    return tuple(json.dumps(item.get(k), sort_keys=True)
                 for k in EVAL_KEYS[field])


def page_review(root):
    """(ok ids, extra ids, missing items as (field, section, item json))."""
    data = json.loads(by_id(root, "zc-data").text())
    items = {d["id"]: d for d in data["items"]}
    ok, extra, missing = set(), set(), []
    for n in root.walk():
        st, ident = n.attrs.get("data-status"), n.attrs.get("data-id")
        if not ident or n.tag != "span":
            continue
        if st == "ok":
            ok.add(ident)
        elif st == "extra":
            extra.add(ident)
        elif st == "missing":
            d = items[ident]
            missing.append((d["field"], d["section"],
                            json.dumps(d["item"], sort_keys=True)))
    tally = {}
    table = by_id(root, "review")
    for tr in table.walk() if table else []:
        if tr.tag == "tr" and "data-field" in tr.attrs:
            cells = [c.text() for c in tr.walk() if c.tag == "td"]
            tally[tr.attrs["data-field"]] = tuple(int(c) for c in cells[1:])
    return ok, extra, sorted(missing), tally, items


def pick_matched(root_ok, items, expected):
    """A produced item that matched, and where it sits in the expectation."""
    for ident in sorted(root_ok, key=lambda i: int(i[1:])):
        d = items[ident]
        field = d["field"]
        if field not in EVAL_KEYS and field != "items":
            continue
        key = eval_key(field, d["item"])
        for sec in expected["sections"]:
            if sec.get("id") != d["section"]:
                continue
            for k, it in enumerate(sec.get(field, [])):
                if eval_key(field, it) == key:
                    return ident, field, sec, k
    return None


def fake_item(field, like):
    fake = copy.deepcopy(like)
    if field == "items":
        fake["marker"] = "虚构<i>是</i>"
    else:
        fake["text"] = "虚构条目<b>审查</b>"
    return fake


def check_review(env, corpus):
    for txt in sorted(f for f in os.listdir(corpus) if f.endswith(".txt")):
        exp_path = os.path.join(corpus, txt[:-4] + ".expected.json")
        if not os.path.exists(exp_path):
            continue
        notice = os.path.join(corpus, txt)
        base = os.path.join(env.work, "review-" + txt[:-4])
        r = env.run("review", "--expected", exp_path, notice)
        if r.returncode != 0:
            fail("%s: zhengce review --expected exited %d"
                 % (txt, r.returncode))
            return
        with open(base + ".html", "wb") as fh:
            fh.write(r.stdout)
        ok, extra, missing, tally, items = page_review(
            env.dump_dom(base + ".html"))
        expected = json.load(open(exp_path, encoding="utf-8"))
        pick = pick_matched(ok, items, expected)
        if not pick:
            continue
        ident, field, sec, k = pick
        like = sec[field].pop(k)
        fake = fake_item(field, like)
        sec[field].append(fake)
        altered = base + ".altered.json"
        with open(altered, "w", encoding="utf-8") as fh:
            json.dump(expected, fh, ensure_ascii=False)
        r = env.run("review", "--expected", altered, notice)
        with open(base + ".altered.html", "wb") as fh:
            fh.write(r.stdout)
        ok2, extra2, missing2, tally2, _ = page_review(
            env.dump_dom(base + ".altered.html"))
        want_missing = sorted(missing + [(field, sec["id"], json.dumps(
            fake, sort_keys=True))])
        if extra2 != extra | {ident} or ok2 != ok - {ident}:
            fail("review %s: extra %r, expected %r"
                 % (txt, sorted(extra2), sorted(extra | {ident})))
        if missing2 != want_missing:
            fail("review %s: missing %r, expected %r"
                 % (txt, missing2, want_missing))
        m, e, s = tally[field]
        if tally2.get(field) != (m - 1, e + 1, s + 1):
            fail("review %s: %s counts %r, expected %r"
                 % (txt, field, tally2.get(field), (m - 1, e + 1, s + 1)))
        print("review: %s, %s item %s deleted and a fake added: shown "
              "exactly" % (txt, field, ident), flush=True)
        return
    fail("review: no corpus expectation has a matched item to alter")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--zhengce", required=True)
    ap.add_argument("--rules")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--hostile", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--chromium", default=os.environ.get("CHROMIUM"))
    ap.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    args = ap.parse_args()
    chromium = args.chromium or find_chromium()
    if not chromium:
        print("SKIP: chromium is not installed (tests/setup-debian.sh "
              "installs it)")
        return SKIP
    os.makedirs(args.workdir, exist_ok=True)
    env = Env(args, chromium)

    notices = sorted(os.path.join(args.corpus, f)
                     for f in os.listdir(args.corpus) if f.endswith(".txt"))
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        counts = list(pool.map(lambda t: check_notice(env, t), notices))
    print("%d notices rendered, %d highlights checked"
          % (len(notices), sum(counts)), flush=True)
    check_hostile(env, args.hostile)
    check_review(env, args.corpus)
    if FAILURES:
        print("%d failures" % len(FAILURES))
        return 1
    print("all review page checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
