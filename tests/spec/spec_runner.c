/*
 * spec_runner.c - runs the spec files (tests/spec/NAME.txt) through the public
 * API, as jq's --run-tests does for its own.
 *
 *   spec_runner [--rules DIR] [--dump DIR] [--filter TEXT] [-v] FILE...
 *
 * FORMAT (cmark/md4c style), one case per block:
 *
 *   ## title
 *   input text (one or more lines; each line gets its LF back)
 *   .
 *   {"field":"sections","expect":[{"id":"1","marker":"一、"}]}
 *   .
 *   flags line (optional, may be empty)
 *
 * Lines outside blocks are prose and ignored.  The expectation is one
 * JSON object (it may span several lines) with:
 *
 *   "field"   sections | document | assignments | deadlines | targets |
 *             quantities | items | warnings
 *   "expect"  for "document", an object: only the keys given are compared.
 *             For the others, an array compared with ALL the actual
 *             entries of that field across all sections, in document
 *             order: same count, and each expected object's keys (only
 *             those) equal in the actual entry at the same position.
 *             "expect": [] means none.  For "sections", the root section
 *             "0" is left out unless the first expected object has
 *             "id": "0".  "warnings" is the document's warnings array.
 *
 * FLAGS: --year N (zc_options.default_year), --year-before
 * inclusive|exclusive, --encoding ENC, --format text|html|auto,
 * --keep-debris, --max-section-bytes N,
 * --max-depth N, --max-warnings N, --no-rules, --explain (items carry
 * "rule"), and --xfail: a KNOWN BUG.  An --xfail case that fails is
 * reported as "known bug" and does not fail the run; one that passes
 * fails the run ("XPASS: remove --xfail"), so a fixed bug cannot hide.
 *
 * Every case is run with the input fed whole and in chunks of 1, 2, 3, 5,
 * 7, 64 and 4096 bytes; the outputs must be byte-identical (STYLE.md 3).
 * The front end holds text back while it detects the encoding and the
 * format and while it looks for page-furniture lines, so the chunked
 * runs are repeated with --encoding utf-8 --format text --keep-debris
 * (unless the case sets one of them), where every chunk edge reaches the
 * segmenter; those runs must agree with each other.
 * With --dump DIR, each case's output is written to
 * DIR/<file>-<line>.json for the schema test.
 *
 * Exit status: 0 all passed, 1 a case failed, 2 usage or I/O trouble.
 */
#include "extract.h"
#include "extract_json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small utilities ------------------------------------------------------ */

typedef struct {
    char *data;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) {
            fprintf(stderr, "spec_runner: out of memory\n");
            exit(2);
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        sb_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    sbuf b = {0};
    char tmp[65536];
    size_t n;
    do {
        n = fread(tmp, 1, sizeof tmp, f);
        sb_add(&b, tmp, n);
    } while (n == sizeof tmp);
    fclose(f);
    if (!b.data)
        sb_add(&b, "", 0);
    *len = b.len;
    return b.data;
}

static char *json_print(const cJSON *j)
{
    char *s = cJSON_PrintUnformatted(j);
    return s ? s : strdup("(unprintable)");
}

/* ---- cases --------------------------------------------------------------- */

typedef struct {
    const char *file;
    unsigned line; /* of the "## " line */
    const char *title;
    sbuf input;
    sbuf expect;
    const char *flags;
} spec_case;

typedef struct {
    zc_options opt;
    unsigned json_flags;
    bool no_rules, xfail;
    char encoding[64]; /* opt.encoding points here */
    char format[16];   /* opt.format points here   */
} case_opts;

static bool parse_flags(const char *flags, case_opts *o, sbuf *why)
{
    zc_options_init(&o->opt);
    o->json_flags = 0;
    o->no_rules = o->xfail = false;
    char *copy = strdup(flags ? flags : "");
    char *save = NULL;
    bool ok = true;
    for (char *t = strtok_r(copy, " \t", &save); t && ok;
         t = strtok_r(NULL, " \t", &save)) {
        if (!strcmp(t, "--no-rules")) {
            o->no_rules = true;
            continue;
        }
        if (!strcmp(t, "--xfail")) {
            o->xfail = true;
            continue;
        }
        if (!strcmp(t, "--explain")) {
            o->json_flags |= ZC_JSON_EXPLAIN;
            continue;
        }
        if (!strcmp(t, "--keep-debris")) {
            o->opt.keep_debris = 1;
            continue;
        }
        char *v = strtok_r(NULL, " \t", &save);
        if (!v) {
            sb_printf(why, "  flag %s needs a value", t);
            ok = false;
            break;
        }
        char *end;
        unsigned long n = strtoul(v, &end, 10);
        bool num = *v && !*end;
        if (!strcmp(t, "--year") && num)
            o->opt.default_year = (int)n;
        else if (!strcmp(t, "--year-before") && !strcmp(v, "inclusive"))
            o->opt.year_before = ZC_YEAR_BEFORE_INCLUSIVE;
        else if (!strcmp(t, "--year-before") && !strcmp(v, "exclusive"))
            o->opt.year_before = ZC_YEAR_BEFORE_EXCLUSIVE;
        else if (!strcmp(t, "--encoding")) {
            snprintf(o->encoding, sizeof o->encoding, "%s", v);
            o->opt.encoding = o->encoding;
        } else if (!strcmp(t, "--format")) {
            snprintf(o->format, sizeof o->format, "%s", v);
            o->opt.format = o->format;
        } else if (!strcmp(t, "--max-section-bytes") && num)
            o->opt.max_section_bytes = n;
        else if (!strcmp(t, "--max-depth") && num)
            o->opt.max_depth = (unsigned)n;
        else if (!strcmp(t, "--max-warnings") && num)
            o->opt.max_warnings = (unsigned)n;
        else {
            sb_printf(why, "  unknown flag or bad value: %s %s", t, v);
            ok = false;
        }
    }
    free(copy);
    return ok;
}

/* ---- running one case ---------------------------------------------------- */

static const size_t chunk_sizes[] = {0, 1, 2, 3, 5, 7, 64, 4096};

/* Convert `in` fed in chunks of `chunk` (0: whole); returns the JSON
 * text (caller frees) or NULL with a reason in *why. */
static char *convert(const zc_rules *rules, const case_opts *o,
                     const char *in, size_t len, size_t chunk, sbuf *why)
{
    char *out = NULL;
    size_t out_len = 0;
    FILE *f = open_memstream(&out, &out_len);
    if (!f) {
        sb_printf(why, "open_memstream: %s", strerror(errno));
        return NULL;
    }
    zc_json_writer *w = zc_json_writer_new(f, o->json_flags);
    zc_callbacks cb;
    zc_json_writer_callbacks(w, &cb);
    zc_parser *p = zc_parser_new(o->no_rules ? NULL : rules, &o->opt, &cb);
    if (!p) {
        sb_str(why, "  zc_parser_new failed (bad option?)");
        zc_json_writer_free(w);
        fclose(f);
        free(out);
        return NULL;
    }
    zc_json_writer_begin(w, "spec", "text");
    zc_status st = ZC_OK;
    if (!chunk)
        chunk = len ? len : 1;
    for (size_t i = 0; i < len && st == ZC_OK; i += chunk)
        st = zc_parser_feed(p, in + i, len - i < chunk ? len - i : chunk);
    if (st == ZC_OK)
        st = zc_parser_finish(p);
    zc_json_writer_end(w, p, st == ZC_OK ? NULL : zc_strerror(st));
    zc_parser_free(p);
    zc_json_writer_free(w);
    fclose(f);
    return out;
}

/* The actual entries of `field`, as a new array (caller deletes). */
static cJSON *collect(const cJSON *doc, const char *field, bool with_root)
{
    cJSON *all = cJSON_CreateArray();
    const cJSON *secs = cJSON_GetObjectItemCaseSensitive(doc, "sections");
    if (!strcmp(field, "warnings")) {
        const cJSON *w;
        cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(doc, "warnings"))
            cJSON_AddItemToArray(all, cJSON_Duplicate(w, true));
        return all;
    }
    const cJSON *s;
    cJSON_ArrayForEach(s, secs)
    {
        if (!strcmp(field, "sections")) {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(s, "id");
            if (with_root || !cJSON_IsString(id) ||
                strcmp(id->valuestring, "0") != 0)
                cJSON_AddItemToArray(all, cJSON_Duplicate(s, true));
            continue;
        }
        const cJSON *x;
        cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(s, field))
            cJSON_AddItemToArray(all, cJSON_Duplicate(x, true));
    }
    return all;
}

/* `actual` reduced to the keys of `model` (or, with no model, to a few
 * that identify it), for printing. */
static cJSON *project(const cJSON *actual, const cJSON *model,
                      const char *field)
{
    cJSON *o = cJSON_CreateObject();
    if (model && cJSON_IsObject(model) && model->child) {
        const cJSON *k;
        cJSON_ArrayForEach(k, model)
        {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(actual, k->string);
            cJSON_AddItemToObject(o, k->string,
                                  v ? cJSON_Duplicate(v, true)
                                    : cJSON_CreateString("(absent)"));
        }
        return o;
    }
    static const char *const sec_keys[] = {"id", "marker", "heading", NULL};
    static const char *const item_keys[] = {"text", "marker", "code", NULL};
    const char *const *keys = !strcmp(field, "sections") ? sec_keys
                                                         : item_keys;
    for (size_t i = 0; keys[i]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(actual, keys[i]);
        if (v)
            cJSON_AddItemToObject(o, keys[i], cJSON_Duplicate(v, true));
    }
    return o;
}

/* Compare; on a difference describe it in *why. */
static bool compare(const cJSON *doc, const cJSON *spec, sbuf *why)
{
    const cJSON *field = cJSON_GetObjectItemCaseSensitive(spec, "field");
    const cJSON *expect = cJSON_GetObjectItemCaseSensitive(spec, "expect");
    static const char *const fields[] = {
        "sections",   "document", "assignments", "deadlines", "targets",
        "quantities", "items",    "warnings",    NULL};
    bool known = false;
    for (size_t i = 0; cJSON_IsString(field) && fields[i]; i++)
        known = known || !strcmp(field->valuestring, fields[i]);
    if (!known || !expect) {
        sb_str(why, "  bad expectation: needs \"field\" (sections, document, "
                    "assignments, deadlines, targets, quantities, items, "
                    "warnings) and \"expect\"");
        return false;
    }
    const char *f = field->valuestring;
    if (!strcmp(f, "document")) {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(doc, "document");
        if (!cJSON_IsObject(expect)) {
            sb_str(why, "  bad expectation: \"expect\" for document is an "
                        "object");
            return false;
        }
        const cJSON *k;
        bool ok = true;
        cJSON_ArrayForEach(k, expect)
        {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(d, k->string);
            if (!v || !cJSON_Compare(v, k, true)) {
                char *e = json_print(k);
                char *a = v ? json_print(v) : strdup("(absent)");
                sb_printf(why, "  document.%s: expected %s, got %s\n",
                          k->string, e, a);
                free(e);
                free(a);
                ok = false;
            }
        }
        if (!ok) {
            cJSON *pr = project(d, expect, f);
            char *e = json_print(expect), *a = json_print(pr);
            sb_printf(why, "  expected: %s\n  actual:   %s\n", e, a);
            free(e);
            free(a);
            cJSON_Delete(pr);
        }
        return ok;
    }
    if (!cJSON_IsArray(expect)) {
        sb_printf(why, "  bad expectation: \"expect\" for %s is an array", f);
        return false;
    }
    const cJSON *first = cJSON_GetArrayItem(expect, 0);
    const cJSON *fid = first ? cJSON_GetObjectItemCaseSensitive(first, "id")
                             : NULL;
    bool with_root = cJSON_IsString(fid) && !strcmp(fid->valuestring, "0");
    cJSON *actual = collect(doc, f, with_root);
    int ne = cJSON_GetArraySize(expect), na = cJSON_GetArraySize(actual);
    bool ok = ne == na;
    sbuf detail = {0};
    if (!ok)
        sb_printf(&detail, "  %s: expected %d, got %d\n", f, ne, na);
    for (int i = 0; i < ne && i < na; i++) {
        const cJSON *e = cJSON_GetArrayItem(expect, i);
        const cJSON *a = cJSON_GetArrayItem(actual, i);
        const cJSON *k;
        cJSON_ArrayForEach(k, e)
        {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, k->string);
            if (!v || !cJSON_Compare(v, k, true)) {
                char *es = json_print(k);
                char *as = v ? json_print(v) : strdup("(absent)");
                sb_printf(&detail, "  %s[%d].%s: expected %s, got %s\n", f,
                          i, k->string, es, as);
                free(es);
                free(as);
                ok = false;
            }
        }
    }
    if (!ok) {
        sb_add(why, detail.data, detail.len);
        cJSON *pr = cJSON_CreateArray();
        for (int i = 0; i < na; i++)
            cJSON_AddItemToArray(
                pr, project(cJSON_GetArrayItem(actual, i),
                            cJSON_GetArrayItem(expect, i < ne ? i : 0), f));
        char *e = json_print(expect), *a = json_print(pr);
        sb_printf(why, "  expected: %s\n  actual:   %s\n", e, a);
        free(e);
        free(a);
        cJSON_Delete(pr);
    }
    free(detail.data);
    cJSON_Delete(actual);
    return ok;
}

typedef struct {
    const zc_rules *rules;
    const char *dump_dir;
    bool verbose;
    unsigned passed, failed, xfailed;
} runner;

static bool run_case(runner *r, spec_case *c, sbuf *why)
{
    case_opts o;
    if (!parse_flags(c->flags, &o, why))
        return false;
    cJSON *spec = cJSON_ParseWithLength(c->expect.data ? c->expect.data : "",
                                        c->expect.len);
    if (!spec) {
        sb_printf(why, "  the expectation is not JSON: %s",
                  c->expect.data ? c->expect.data : "");
        return false;
    }
    const char *in = c->input.data ? c->input.data : "";
    char *ref = NULL;
    bool ok = true;
    case_opts forced = o;
    bool force = !o.opt.encoding && !o.opt.format && !o.opt.keep_debris;
    forced.opt.encoding = "utf-8";
    forced.opt.format = "text";
    forced.opt.keep_debris = 1;
    size_t n_chunks = sizeof chunk_sizes / sizeof chunk_sizes[0];
    char *forced_ref = NULL;
    for (size_t i = 0; i < (force ? 2 * n_chunks : n_chunks); i++) {
        size_t chunk = chunk_sizes[i % n_chunks];
        bool fv = i >= n_chunks;
        char *out = convert(r->rules, fv ? &forced : &o, in, c->input.len,
                            chunk, why);
        if (!out) {
            ok = false;
            break;
        }
        char **base = fv ? &forced_ref : &ref;
        if (!*base) {
            *base = out;
            continue;
        }
        if (strcmp(out, *base) != 0) {
            sb_printf(why, "  output at chunk size %zu%s differs from the "
                           "output of the whole input:\n    whole: %s    "
                           "chunk: %s",
                      chunk,
                      fv ? " (utf-8, text, --keep-debris forced)" : "",
                      *base, out);
            ok = false;
        }
        free(out);
        if (!ok)
            break;
    }
    free(forced_ref);
    if (ok) {
        cJSON *doc = cJSON_Parse(ref);
        if (!doc) {
            sb_printf(why, "  output is not JSON: %s", ref);
            ok = false;
        } else {
            const cJSON *err = cJSON_GetObjectItemCaseSensitive(doc, "error");
            if (err) {
                sb_printf(why, "  parsing failed: %s\n",
                          cJSON_IsString(err) ? err->valuestring : "?");
                ok = false;
            }
            ok = compare(doc, spec, why) && ok;
            cJSON_Delete(doc);
        }
    }
    if (ref && r->dump_dir) {
        const char *base = strrchr(c->file, '/');
        base = base ? base + 1 : c->file;
        char path[4096];
        snprintf(path, sizeof path, "%s/%.*s-%u.json", r->dump_dir,
                 (int)(strcspn(base, ".")), base, c->line);
        FILE *f = fopen(path, "w");
        if (!f || fputs(ref, f) == EOF || fclose(f) != 0) {
            fprintf(stderr, "spec_runner: cannot write %s\n", path);
            exit(2);
        }
    }
    free(ref);
    cJSON_Delete(spec);
    if (o.xfail) {
        if (ok) {
            sbuf tmp = {0};
            sb_str(&tmp, "  XPASS: this known-bug case now passes; remove "
                         "--xfail from its flags line\n");
            sb_add(why, tmp.data, tmp.len);
            free(tmp.data);
            return false;
        }
        r->xfailed++;
        printf("known bug %s:%u: %s\n", c->file, c->line, c->title);
        if (r->verbose)
            fputs(why->data ? why->data : "", stdout);
        return true;
    }
    return ok;
}

/* ---- reading a spec file -------------------------------------------------- */

static void report(runner *r, spec_case *c, const char *filter)
{
    if (filter && !strstr(c->title, filter))
        return;
    sbuf why = {0};
    if (run_case(r, c, &why)) {
        r->passed++;
        if (r->verbose && why.len == 0)
            printf("ok %s:%u: %s\n", c->file, c->line, c->title);
    } else {
        r->failed++;
        printf("FAIL %s:%u: %s\n%s", c->file, c->line, c->title,
               why.data ? why.data : "");
        if (why.len && why.data[why.len - 1] != '\n')
            putchar('\n');
    }
    free(why.data);
}

static int run_file(runner *r, const char *path, const char *filter)
{
    size_t len;
    char *text = read_file(path, &len);
    if (!text) {
        fprintf(stderr, "spec_runner: cannot open %s: %s\n", path,
                strerror(errno));
        return 2;
    }
    /* split into NUL-terminated lines */
    size_t n_lines = 0, cap = 0;
    char **lines = NULL;
    for (char *p = text; p < text + len || (p == text && len == 0);) {
        if (n_lines == cap) {
            cap = cap ? cap * 2 : 256;
            lines = realloc(lines, cap * sizeof *lines);
            if (!lines)
                exit(2);
        }
        char *nl = memchr(p, '\n', (size_t)(text + len - p));
        lines[n_lines++] = p;
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    unsigned start_passed = r->passed, start_failed = r->failed,
             start_x = r->xfailed, found = 0;
    bool bad_format = false;
    size_t i = 0;
    while (i < n_lines) {
        if (strncmp(lines[i], "## ", 3) != 0) {
            i++; /* prose */
            continue;
        }
        spec_case c;
        memset(&c, 0, sizeof c);
        c.file = path;
        c.line = (unsigned)i + 1;
        c.title = lines[i] + 3;
        found++;
        size_t k = i + 1;
        int dots = 0;
        for (; k < n_lines && dots < 2; k++) {
            if (!strncmp(lines[k], "## ", 3))
                break;
            if (!strcmp(lines[k], ".")) {
                dots++;
                continue;
            }
            sbuf *into = dots == 0 ? &c.input : &c.expect;
            sb_str(into, lines[k]);
            sb_str(into, "\n");
        }
        if (dots < 2) {
            fprintf(stderr, "%s:%u: case \"%s\" needs an input, \".\", an "
                            "expectation and \".\"\n",
                    path, c.line, c.title);
            bad_format = true;
        } else {
            c.flags = "";
            if (k < n_lines && strncmp(lines[k], "## ", 3) != 0)
                c.flags = lines[k++];
            report(r, &c, filter);
        }
        free(c.input.data);
        free(c.expect.data);
        i = k;
    }
    unsigned np = r->passed - start_passed, nf = r->failed - start_failed,
             nx = r->xfailed - start_x;
    printf("%s: %u passed, %u failed, %u known bugs\n", path, np - nx, nf,
           nx);
    if (!found) {
        fprintf(stderr, "%s: no cases found\n", path);
        bad_format = true;
    }
    free(lines);
    free(text);
    return bad_format ? 2 : 0;
}

int main(int argc, char **argv)
{
    runner r;
    memset(&r, 0, sizeof r);
    const char *rules_dir = NULL, *filter = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--rules") && i + 1 < argc)
            rules_dir = argv[++i];
        else if (!strcmp(argv[i], "--dump") && i + 1 < argc)
            r.dump_dir = argv[++i];
        else if (!strcmp(argv[i], "--filter") && i + 1 < argc)
            filter = argv[++i];
        else if (!strcmp(argv[i], "-v"))
            r.verbose = true;
        else {
            fprintf(stderr, "usage: spec_runner [--rules DIR] [--dump DIR] "
                            "[--filter TEXT] [-v] FILE...\n");
            return 2;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "spec_runner: no spec file given\n");
        return 2;
    }
    zc_rules *rules = NULL;
    if (rules_dir) {
        zc_error err;
        memset(&err, 0, sizeof err);
        zc_status st = zc_rules_load_dir(rules_dir, NULL, &rules, &err);
        if (st != ZC_OK) {
            fprintf(stderr, "spec_runner: %s:%u:%u: %s (%s)\n",
                    err.file[0] ? err.file : rules_dir, err.line, err.column,
                    err.msg, zc_strerror(st));
            return 2;
        }
    }
    r.rules = rules;
    int trouble = 0;
    for (; i < argc; i++) {
        int rc = run_file(&r, argv[i], filter);
        if (rc > trouble)
            trouble = rc;
    }
    zc_rules_free(rules);
    if (trouble)
        return trouble;
    return r.failed ? 1 : 0;
}
