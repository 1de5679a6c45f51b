/*
 * tool_review.c - zhengce review [--expected FILE] NOTICE: one HTML page on
 * which a person checks a notice's extraction by eye.
 *
 * The notice is converted as `zhengce --explain --no-text` would be, with
 * the same JSON writer, so the page shows exactly what the JSON says.
 * Beside the writer, the text callback collects the decoded text every
 * span points into, and the section callback keeps each unit's own span
 * (the JSON names the units but gives no spans for them).
 *
 * Every extracted thing then becomes one "item": a mark over the text
 * (tool_html.c nests overlapping marks), with its values in a title for
 * hover and in the JSON the page's script shows on click.  Section starts
 * and warnings are marks too, empty ones, so that links can jump to them.
 *
 * With --expected, the output and the expectation are reduced to eval's
 * keys (tool_eval_collect, so the page and `zhengce eval` never disagree)
 * and matched as multisets: a produced item without a partner is "extra",
 * an expected one without a partner is "missing" and is drawn as a dashed
 * mark over its own span.
 *
 * Safety: every string that comes from the notice or an expectation goes
 * out through html_escape() or html_script_json().  The page's
 * Content-Security-Policy allows nothing but its own inline style and
 * script, named by a fresh nonce: should an escape ever be missed, an
 * injected script still would not run.
 *
 * Layout: ---- conversion ----, ---- review ----, ---- items ----,
 * ---- writing the page ----, then tool_review() at the end.
 */
#include "review_assets.h"
#include "tool.h"
#include "tool_html.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- what is highlighted ------------------------------------------------- */

typedef enum rv_kind {
    K_CLAUSE, K_LEAD, K_RESPONSIBLE, K_COOPERATING, K_DEADLINE, K_TARGET,
    K_QUANTITY, K_ITEM,
    K_COUNT,              /* the kinds above are extracted items           */
    K_SECTION = K_COUNT,  /* anchors: where a section starts               */
    K_WARNING             /*          where a warning points               */
} rv_kind;

static const struct kind_info {
    const char *name;  /* data-kind, and the CSS class k-NAME           */
    const char *field; /* the output array it comes from: data-field    */
    const char *label; /* legend and details                             */
    int rank;          /* at equal ranges, lower ranks nest outside     */
} kinds[K_COUNT] = {
    [K_CLAUSE] = {"clause", "assignments", "assignment clause", 1},
    [K_LEAD] = {"lead", "assignments", "lead unit", 4},
    [K_RESPONSIBLE] = {"responsible", "assignments", "responsible unit", 4},
    [K_COOPERATING] = {"cooperating", "assignments", "cooperating unit", 4},
    [K_DEADLINE] = {"deadline", "deadlines", "deadline", 3},
    [K_TARGET] = {"target", "targets", "target", 3},
    [K_QUANTITY] = {"quantity", "quantities", "quantity", 3},
    [K_ITEM] = {"item", "items", "run-in item", 0},
};

/* Expected-but-missing marks nest between a clause and what is inside. */
enum { RANK_MISSING = 2 };

typedef struct rv_item {
    rv_kind kind;
    const cJSON *json;    /* the item, a unit's name, a section, a warning */
    const cJSON *section; /* the section it belongs to                     */
    size_t clause;        /* units: their clause's item index               */
    const char *status;   /* NULL without --expected; ok, extra, missing    */
    size_t start, end;    /* in the decoded text                            */
    bool unplaced;        /* a unit whose name was not found in its clause  */
    bool brk;             /* a section that starts in mid-line              */
} rv_item;

/* Review status of one produced thing, found by its JSON node. */
typedef struct rv_status {
    const cJSON *node;
    const char *status;
} rv_status;

typedef struct rv_page {
    const char *path; /* as given; "-" is standard input */
    cJSON *doc;       /* the output, as --explain --no-text */
    cJSON *expected;  /* --expected, or NULL */
    char *text;       /* the decoded text (NUL-terminated for convenience) */
    size_t len, cap_text;
    zc_span *units; /* every unit's span, in output order */
    size_t n_units, cap_units;
    rv_item *items;
    size_t n_items, cap_items;
    rv_status *status;
    size_t n_status, cap_status;
    cJSON *missing_meta;          /* review: expected metadata keys unmatched */
    size_t tally[TOOL_F_COUNT][3]; /* review: matched, extra, missing        */
    size_t count[K_COUNT];         /* produced items per kind               */
    char nonce[33];
} rv_page;

enum { MATCHED, EXTRA, MISSING };

/* Room for one more element of `size` bytes in the array `v` holding n;
 * returns the (possibly moved) array, or NULL when memory runs out. */
static void *grow(void *v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return v;
    size_t c = *cap ? *cap * 2 : 32;
    if (c > SIZE_MAX / size)
        return NULL;
    void *nv = realloc(v, c * size);
    if (nv)
        *cap = c;
    return nv;
}

/* ---- conversion ---------------------------------------------------------- */

typedef struct rv_conv {
    rv_page *pg;
    zc_callbacks writer; /* the JSON writer's own callbacks */
    bool oom;
} rv_conv;

static int conv_document(const zc_document *d, void *ud)
{
    rv_conv *c = ud;
    return c->writer.document(d, c->writer.ud);
}

static int conv_warning(const zc_warning *w, void *ud)
{
    rv_conv *c = ud;
    return c->writer.warning(w, c->writer.ud);
}

static bool keep_units(rv_page *pg, const zc_unit *u, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        zc_span *v = grow(pg->units, &pg->cap_units, pg->n_units, sizeof *v);
        if (!v)
            return false;
        pg->units = v;
        pg->units[pg->n_units++] = u[i].span;
    }
    return true;
}

/* Units in the order the writer puts their names out: lead, responsible,
 * cooperating, clause after clause. */
static int conv_section(const zc_section *s, void *ud)
{
    rv_conv *c = ud;
    for (size_t i = 0; i < s->n_assignments; i++) {
        const zc_assignment *a = &s->assignments[i];
        if (!keep_units(c->pg, a->lead, a->n_lead) ||
            !keep_units(c->pg, a->responsible, a->n_responsible) ||
            !keep_units(c->pg, a->cooperating, a->n_cooperating)) {
            c->oom = true;
            return 1;
        }
    }
    return c->writer.section(s, c->writer.ud);
}

static int conv_text(const char *buf, size_t len, size_t offset, void *ud)
{
    rv_conv *c = ud;
    rv_page *pg = c->pg;
    /* The pieces arrive in order; a gap would shift every span after it. */
    if (offset != pg->len)
        return 1;
    if (len >= SIZE_MAX - pg->len) {
        c->oom = true;
        return 1;
    }
    if (pg->len + len + 1 > pg->cap_text) {
        size_t cap = pg->cap_text ? pg->cap_text : 65536;
        while (cap < pg->len + len + 1)
            cap = cap > SIZE_MAX / 2 ? pg->len + len + 1 : cap * 2;
        char *t = realloc(pg->text, cap);
        if (!t) {
            c->oom = true;
            return 1;
        }
        pg->text = t;
        pg->cap_text = cap;
    }
    memcpy(pg->text + pg->len, buf, len);
    pg->len += len;
    pg->text[pg->len] = '\0';
    return 0;
}

/* Feed the whole stream; returns an exit code, with a reason in err. */
static int feed_all(zc_parser *p, FILE *in, size_t chunk, const rv_conv *c,
                    char *err, size_t errlen)
{
    char *buf = malloc(chunk);
    if (!buf) {
        snprintf(err, errlen, "out of memory");
        return EXIT_INPUT;
    }
    zc_status st = ZC_OK;
    size_t n;
    do {
        n = fread(buf, 1, chunk, in);
        if (n)
            st = zc_parser_feed(p, buf, n);
    } while (st == ZC_OK && n == chunk);
    free(buf);
    if (st == ZC_OK && ferror(in)) {
        snprintf(err, errlen, "cannot read: %s", strerror(errno));
        return EXIT_INPUT;
    }
    if (st == ZC_OK)
        st = zc_parser_finish(p);
    if (st == ZC_OK)
        return EXIT_OK;
    snprintf(err, errlen, "%s",
             c->oom ? "out of memory" : zc_strerror(st));
    return st == ZC_ERR_LIMIT ? EXIT_LIMIT : EXIT_INPUT;
}

/* Convert `in` into pg->doc and pg->text.  A conversion that fails
 * part-way still leaves a document (with its "error") to show. */
static int convert(const tool_opts *o, const zc_rules *rules, FILE *in,
                   rv_page *pg, char *err, size_t errlen)
{
    bool std_in = !strcmp(pg->path, "-");
    char *json = NULL;
    size_t jlen = 0;
    FILE *mem = open_memstream(&json, &jlen);
    zc_json_writer *jw =
        mem ? zc_json_writer_new(mem, ZC_JSON_EXPLAIN | ZC_JSON_NO_TEXT)
            : NULL;
    rv_conv c = {pg, {0}, false};
    zc_callbacks cb = {conv_document, conv_section, conv_warning, conv_text,
                       &c};
    zc_parser *p = NULL;
    if (jw) {
        zc_json_writer_callbacks(jw, &c.writer);
        p = zc_parser_new(rules, &o->opt, &cb);
    }
    /* a .html name is read as HTML, as zhengce FILE reads it */
    const char *fmt = o->opt.format;
    if (p && (!fmt || !strcmp(fmt, "auto")) && tool_html_name(pg->path))
        zc_parser_set_format(p, "html");
    int rc = EXIT_INPUT;
    snprintf(err, errlen, "out of memory");
    if (p && zc_json_writer_begin(jw, std_in ? NULL : pg->path, NULL) ==
                 ZC_OK) {
        err[0] = '\0';
        rc = feed_all(p, in, o->chunk, &c, err, errlen);
        if (zc_json_writer_end(jw, p, rc ? err : NULL) != ZC_OK && !rc) {
            snprintf(err, errlen, "out of memory");
            rc = EXIT_INPUT;
        }
    }
    zc_parser_free(p);
    zc_json_writer_free(jw);
    if (mem && fclose(mem) == 0 && json)
        pg->doc = cJSON_ParseWithLength(json, jlen);
    free(json);
    if (!pg->doc && rc == EXIT_OK) {
        snprintf(err, errlen, "out of memory");
        rc = EXIT_INPUT;
    }
    return rc;
}

static cJSON *read_json_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    char chunk[65536];
    size_t n;
    bool ok = mem != NULL;
    while (ok && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ok = fwrite(chunk, 1, n, mem) == n;
    ok = ok && !ferror(f);
    fclose(f);
    if (mem && fclose(mem) != 0)
        ok = false;
    cJSON *j = ok && buf ? cJSON_ParseWithLength(buf, len) : NULL;
    free(buf);
    if (!j)
        snprintf(err, errlen, "%s: %s", path,
                 ok ? "not valid JSON" : "cannot read");
    return j;
}

/* ---- review -------------------------------------------------------------- */

static bool set_status(rv_page *pg, const cJSON *node, const char *status)
{
    rv_status *v = grow(pg->status, &pg->cap_status, pg->n_status, sizeof *v);
    if (!v)
        return false;
    pg->status = v;
    pg->status[pg->n_status++] = (rv_status){node, status};
    return true;
}

static int status_cmp(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const rv_status *)a)->node;
    uintptr_t y = (uintptr_t)((const rv_status *)b)->node;
    return x < y ? -1 : x > y;
}

/* NULL without --expected (or for things eval does not compare). */
static const char *status_of(const rv_page *pg, const cJSON *node)
{
    rv_status key = {node, NULL};
    const rv_status *s = pg->n_status
                             ? bsearch(&key, pg->status, pg->n_status,
                                       sizeof key, status_cmp)
                             : NULL;
    return s ? s->status : NULL;
}

static size_t json_size(const cJSON *v)
{
    return cJSON_IsNumber(v) && v->valuedouble >= 0 &&
                   v->valuedouble < 9e15
               ? (size_t)v->valuedouble
               : 0;
}

/* [start, end) from "span" (or any two-number member); false if absent. */
static bool json_span(const cJSON *o, const char *key, size_t *a, size_t *b)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, key);
    if (cJSON_GetArraySize(s) != 2)
        return false;
    *a = json_size(cJSON_GetArrayItem(s, 0));
    *b = json_size(cJSON_GetArrayItem(s, 1));
    return true;
}

static bool push_item(rv_page *pg, const rv_item *it)
{
    rv_item *v = grow(pg->items, &pg->cap_items, pg->n_items, sizeof *v);
    if (!v)
        return false;
    pg->items = v;
    pg->items[pg->n_items++] = *it;
    return true;
}

static const rv_kind field_kind[TOOL_F_COUNT] = {
    [TOOL_F_SECTIONS] = K_SECTION,    [TOOL_F_ITEMS] = K_ITEM,
    [TOOL_F_METADATA] = K_COUNT,      [TOOL_F_ASSIGNMENTS] = K_CLAUSE,
    [TOOL_F_DEADLINES] = K_DEADLINE,  [TOOL_F_TARGETS] = K_TARGET,
    [TOOL_F_QUANTITIES] = K_QUANTITY};

/* An expected thing the output lacks: a dashed mark at its own span (a
 * section: an anchor where it should start), or, for metadata, a line in
 * the header (kept as eval's key: [name, value]). */
static bool add_missing(rv_page *pg, int field, const tool_key *k)
{
    if (field == TOOL_F_METADATA) {
        cJSON *key = cJSON_Parse(k->key);
        if (!key)
            return false;
        cJSON_AddItemToArray(pg->missing_meta, key);
        return true;
    }
    rv_item it = {field_kind[field], k->item, k->section, 0, "missing",
                  0, 0, false, false};
    if (!json_span(k->item, "span", &it.start, &it.end))
        json_span(k->section, "span", &it.start, &it.end);
    if (field == TOOL_F_SECTIONS)
        it.end = it.start;
    return push_item(pg, &it);
}

/* Match one field's keys as a multiset, the way eval scores them. */
static bool review_field(rv_page *pg, int f, tool_keys *got, tool_keys *want)
{
    tool_keys_sort(got);
    tool_keys_sort(want);
    size_t i = 0, j = 0;
    bool ok = true;
    while (ok && (i < got->n || j < want->n)) {
        int c = i >= got->n    ? 1
                : j >= want->n ? -1
                               : strcmp(got->k[i].key, want->k[j].key);
        if (c == 0) {
            ok = set_status(pg, got->k[i++].item, "ok");
            j++;
            pg->tally[f][MATCHED]++;
        } else if (c < 0) {
            ok = set_status(pg, got->k[i++].item, "extra");
            pg->tally[f][EXTRA]++;
        } else {
            ok = add_missing(pg, f, &want->k[j++]);
            pg->tally[f][MISSING]++;
        }
    }
    return ok;
}

/* Statuses for the produced items (build_items() has run), and the
 * missing ones appended after them. */
static bool review(rv_page *pg)
{
    size_t n_produced = pg->n_items;
    tool_keys got[TOOL_F_COUNT], want[TOOL_F_COUNT];
    memset(got, 0, sizeof got);
    memset(want, 0, sizeof want);
    pg->missing_meta = cJSON_CreateArray();
    tool_eval_collect(pg->doc, got);
    tool_eval_collect(pg->expected, want);
    bool ok = pg->missing_meta != NULL;
    for (int f = 0; f < TOOL_F_COUNT; f++) {
        ok = ok && review_field(pg, f, &got[f], &want[f]);
        tool_keys_free(&got[f]);
        tool_keys_free(&want[f]);
    }
    if (pg->n_status)
        qsort(pg->status, pg->n_status, sizeof *pg->status, status_cmp);
    for (size_t i = 0; i < n_produced; i++)
        pg->items[i].status = status_of(pg, pg->items[i].json);
    return ok;
}

/* ---- items --------------------------------------------------------------- */

static const char *json_str(const cJSON *o, const char *key)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static const cJSON *json_get(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

static bool add_item(rv_page *pg, rv_kind k, const cJSON *item,
                     const cJSON *sec)
{
    rv_item it = {k, item, sec, 0, NULL, 0, 0, false, false};
    json_span(item, "span", &it.start, &it.end);
    pg->count[k]++;
    return push_item(pg, &it);
}

/* Where `name` occurs in text[from, to), or SIZE_MAX. */
static size_t find(const char *text, size_t from, size_t to,
                   const char *name, size_t n)
{
    for (size_t i = from; n && i + n <= to; i++)
        if (!memcmp(text + i, name, n))
            return i;
    return SIZE_MAX;
}

/* A unit highlighted at its span from the library, when that span holds
 * its name; otherwise found by name inside its clause (after the previous
 * unit, so a name given twice is found twice); failing that, an empty
 * mark at the clause's start flagged "unplaced". */
static bool add_unit(rv_page *pg, rv_kind k, const cJSON *name, size_t clause,
                     const zc_span *sp, size_t *from)
{
    const rv_item *c = &pg->items[clause];
    rv_item it = {k, name, c->section, clause, NULL, c->start, c->start,
                  false, false};
    const char *s = cJSON_GetStringValue(name);
    size_t n = s ? strlen(s) : 0;
    size_t at = SIZE_MAX;
    if (sp && sp->end <= pg->len && sp->end - sp->start == n && n &&
        !memcmp(pg->text + sp->start, s, n))
        at = sp->start;
    if (at == SIZE_MAX && c->end <= pg->len)
        at = find(pg->text, *from, c->end, s, n);
    if (at == SIZE_MAX && c->end <= pg->len)
        at = find(pg->text, c->start, c->end, s, n);
    if (at == SIZE_MAX) {
        it.unplaced = true;
    } else {
        it.start = at;
        it.end = at + n;
        *from = it.end;
    }
    pg->count[k]++;
    return push_item(pg, &it);
}

static bool add_assignment(rv_page *pg, const cJSON *a, const cJSON *sec,
                           size_t *unit)
{
    static const struct {
        const char *key;
        rv_kind kind;
    } roles[] = {{"lead", K_LEAD},
                 {"responsible", K_RESPONSIBLE},
                 {"cooperating", K_COOPERATING}};
    size_t clause = pg->n_items;
    if (!add_item(pg, K_CLAUSE, a, sec))
        return false;
    size_t from = pg->items[clause].start;
    for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
        const cJSON *name;
        cJSON_ArrayForEach(name, json_get(a, roles[r].key))
        {
            const zc_span *sp = *unit < pg->n_units ? &pg->units[*unit] : NULL;
            (*unit)++;
            if (!add_unit(pg, roles[r].kind, name, clause, sp, &from))
                return false;
        }
    }
    return true;
}

static bool add_section(rv_page *pg, const cJSON *sec, size_t *unit)
{
    rv_item anchor = {K_SECTION, sec, sec, 0, NULL, 0, 0, false, false};
    json_span(sec, "span", &anchor.start, &anchor.end);
    anchor.end = anchor.start;
    anchor.brk = anchor.start > 0 && anchor.start <= pg->len &&
                 pg->text[anchor.start - 1] != '\n';
    if (!push_item(pg, &anchor))
        return false;
    static const struct {
        const char *key;
        rv_kind kind;
    } plain[] = {{"items", K_ITEM},
                 {"deadlines", K_DEADLINE},
                 {"targets", K_TARGET},
                 {"quantities", K_QUANTITY}};
    const cJSON *a;
    cJSON_ArrayForEach(a, json_get(sec, "assignments"))
    {
        if (!add_assignment(pg, a, sec, unit))
            return false;
    }
    for (size_t f = 0; f < sizeof plain / sizeof plain[0]; f++) {
        const cJSON *it;
        cJSON_ArrayForEach(it, json_get(sec, plain[f].key))
        {
            if (!add_item(pg, plain[f].kind, it, sec))
                return false;
        }
    }
    return true;
}

static bool build_items(rv_page *pg)
{
    size_t unit = 0;
    const cJSON *sec;
    cJSON_ArrayForEach(sec, json_get(pg->doc, "sections"))
    {
        if (!add_section(pg, sec, &unit))
            return false;
    }
    const cJSON *w;
    cJSON_ArrayForEach(w, json_get(pg->doc, "warnings"))
    {
        size_t at = json_size(json_get(w, "offset"));
        rv_item it = {K_WARNING, w, NULL, 0, NULL, at, at, false, false};
        if (!push_item(pg, &it))
            return false;
    }
    return true;
}

static bool is_extracted(const rv_item *it)
{
    return it->kind < K_COUNT;
}

/* ---- writing the page ---------------------------------------------------- */

static void put_lines(FILE *out, const char *const *lines)
{
    for (size_t i = 0; lines[i]; i++)
        fputs(lines[i], out);
}

/* A JSON value as plain text: arrays of names joined with 、 as in the
 * notices themselves, numbers without trailing zeros. */
static void write_value(FILE *out, const cJSON *v)
{
    if (cJSON_IsString(v)) {
        html_escape_str(out, v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        fprintf(out, "%.15g", v->valuedouble);
    } else if (cJSON_IsBool(v)) {
        fputs(cJSON_IsTrue(v) ? "true" : "false", out);
    } else if (cJSON_IsArray(v) && cJSON_GetArraySize(v) > 0) {
        const cJSON *e;
        bool first = true;
        cJSON_ArrayForEach(e, v)
        {
            if (!first)
                fputs(cJSON_IsNumber(e) ? ", " : "\xE3\x80\x81", out);
            write_value(out, e);
            first = false;
        }
    } else {
        fputs("\xE2\x80\x94", out); /* — */
    }
}

static const char *item_label(const rv_item *it)
{
    if (it->kind == K_SECTION)
        return "section";
    if (it->kind == K_WARNING)
        return "warning";
    return kinds[it->kind].label;
}

/* The hover text: what it is, then one "key: value" line per value (the
 * spans are left to the details panel). */
static void write_title(FILE *out, const rv_page *pg, const rv_item *it)
{
    fputs(item_label(it), out);
    if (it->status)
        fprintf(out, " (%s)", it->status);
    if (it->kind == K_LEAD || it->kind == K_RESPONSIBLE ||
        it->kind == K_COOPERATING) {
        fputs(": ", out);
        write_value(out, it->json);
        const rv_item *c = &pg->items[it->clause];
        fputs("&#10;clause rule: ", out);
        write_value(out, json_get(c->json, "rule"));
        return;
    }
    const cJSON *m;
    cJSON_ArrayForEach(m, it->json)
    {
        if (!m->string || !strcmp(m->string, "span") ||
            !strcmp(m->string, "covers"))
            continue;
        fputs("&#10;", out);
        html_escape_str(out, m->string);
        fputs(": ", out);
        write_value(out, m);
    }
}

static void write_anchor(FILE *out, const rv_page *pg, size_t tag)
{
    const rv_item *it = &pg->items[tag];
    if (it->kind == K_WARNING) {
        fprintf(out, "<span class=\"warn\" id=\"w-%zu\" title=\"", tag);
        write_value(out, json_get(it->json, "code"));
        fputs(": ", out);
        write_value(out, json_get(it->json, "message"));
        fputs("\">", out);
        return;
    }
    const char *id = json_str(it->json, "id");
    bool missing = it->status && !strcmp(it->status, "missing");
    fprintf(out, "<span class=\"sec%s%s\" id=\"", it->brk ? " brk" : "",
            missing ? " missing" : "");
    if (missing)
        fprintf(out, "ms-%zu", tag);
    else {
        fputs("s-", out);
        html_escape_str(out, id);
    }
    fputs("\" data-sec=\"", out);
    html_escape_str(out, id);
    fputs("\">", out);
}

/* The opening tag of item `tag`: the first element of an item carries
 * id and data-id (one per item: what the browser test counts), a
 * continuation after a crossing only data-of. */
static void open_mark(FILE *out, size_t tag, bool cont, void *ud)
{
    const rv_page *pg = ud;
    const rv_item *it = &pg->items[tag];
    if (!is_extracted(it)) {
        write_anchor(out, pg, tag);
        return;
    }
    const struct kind_info *k = &kinds[it->kind];
    fprintf(out, "<span class=\"hl k-%s%s\" ", k->name,
            it->unplaced ? " unplaced" : "");
    if (cont)
        fprintf(out, "data-of=\"i%zu\"", tag);
    else
        fprintf(out, "id=\"i%zu\" data-id=\"i%zu\"", tag, tag);
    fprintf(out, " data-kind=\"%s\" data-field=\"%s\" data-section=\"",
            k->name, k->field);
    html_escape_str(out, json_str(it->section, "id"));
    fputs("\"", out);
    if (it->status)
        fprintf(out, " data-status=\"%s\"", it->status);
    fputs(" title=\"", out);
    write_title(out, pg, it);
    fputs("\">", out);
}

static bool write_text(FILE *out, rv_page *pg)
{
    html_marks marks = {NULL, 0, 0};
    bool ok = true;
    for (size_t i = 0; ok && i < pg->n_items; i++) {
        const rv_item *it = &pg->items[i];
        int rank = 0; /* anchors: empty marks, placed before all others */
        if (is_extracted(it))
            rank = it->status && !strcmp(it->status, "missing")
                       ? RANK_MISSING
                       : kinds[it->kind].rank;
        ok = html_marks_add(&marks, it->start, it->end, rank, i);
    }
    fputs("<main id=\"text\">", out);
    /* no text callback at all for empty or binary input */
    const char *text = pg->text ? pg->text : "";
    ok = ok && html_write_marked(out, text, pg->len, &marks, open_mark, pg);
    fputs("</main>\n", out);
    html_marks_free(&marks);
    return ok;
}

static void write_head(FILE *out, const rv_page *pg)
{
    const cJSON *d = json_get(pg->doc, "document");
    const char *title = json_str(d, "title");
    fputs("<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n"
          "<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\""
          "default-src 'none'; ",
          out);
    fprintf(out,
            "script-src 'nonce-%s'; style-src 'nonce-%s'; img-src data:; "
            "base-uri 'none'; form-action 'none'\">\n",
            pg->nonce, pg->nonce);
    fputs("<meta name=\"viewport\" content=\"width=device-width\">\n"
          "<title>review: ",
          out);
    html_escape_str(out, title ? title : pg->path);
    fprintf(out, "</title>\n<style nonce=\"%s\">\n", pg->nonce);
    put_lines(out, review_css);
    fputs("</style>\n</head>\n", out);
}

/* One metadata entry; in review, each value is marked if it is extra. */
static void write_meta_entry(FILE *out, const rv_page *pg, const cJSON *m)
{
    bool extra = false;
    const cJSON *e;
    if (cJSON_IsArray(m)) {
        cJSON_ArrayForEach(e, m) extra |= status_of(pg, e) &&
                                          !strcmp(status_of(pg, e), "extra");
    } else {
        extra = status_of(pg, m) && !strcmp(status_of(pg, m), "extra");
    }
    fprintf(out, "<div%s><dt>", extra ? " class=\"extra\"" : "");
    html_escape_str(out, m->string);
    fputs("</dt><dd>", out);
    write_value(out, m);
    fputs("</dd></div>", out);
}

static void write_metadata(FILE *out, const rv_page *pg)
{
    const cJSON *d = json_get(pg->doc, "document");
    const char *title = json_str(d, "title");
    fputs("<header>\n<h1>", out);
    html_escape_str(out, title ? title : pg->path);
    fputs("</h1>\n<dl class=\"meta\">", out);
    const cJSON *m;
    cJSON_ArrayForEach(m, d)
    {
        if (!cJSON_IsNull(m) && strcmp(m->string, "title"))
            write_meta_entry(out, pg, m);
    }
    cJSON_ArrayForEach(m, pg->missing_meta)
    {
        fputs("<div class=\"missing\"><dt>expected ", out);
        write_value(out, cJSON_GetArrayItem(m, 0));
        fputs("</dt><dd>", out);
        write_value(out, cJSON_GetArrayItem(m, 1));
        fputs("</dd></div>", out);
    }
    const cJSON *src = json_get(pg->doc, "source");
    static const char *const keys[] = {"path", "bytes", "encoding",
                                       "sha256"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const cJSON *v = json_get(src, keys[i]);
        if (!v || cJSON_IsNull(v))
            continue;
        fprintf(out, "<div><dt>%s</dt><dd>", keys[i]);
        write_value(out, v);
        fputs("</dd></div>", out);
    }
    fputs("</dl>\n", out);
}

static const rv_kind legend_order[K_COUNT] = {
    K_CLAUSE, K_LEAD, K_RESPONSIBLE, K_COOPERATING,
    K_DEADLINE, K_TARGET, K_QUANTITY, K_ITEM};

static void write_legend(FILE *out, const rv_page *pg)
{
    fputs("<div class=\"bar legend\">", out);
    for (size_t i = 0; i < K_COUNT; i++) {
        rv_kind k = legend_order[i];
        fprintf(out,
                "<label><input type=\"checkbox\" checked data-toggle=\"%s\">"
                "<span class=\"swatch k-%s\" data-count=\"%s\">%zu</span>"
                "%s</label>",
                kinds[k].name, kinds[k].name, kinds[k].name, pg->count[k],
                kinds[k].label);
    }
    const char *error = json_str(pg->doc, "error");
    if (error) {
        fputs("<span class=\"error\">conversion stopped: ", out);
        html_escape_str(out, error);
        fputs("</span>", out);
    }
    fputs("</div>\n", out);
}

/* "（一）深化推进改革" or, without a heading, the first words of the
 * section, cut at a line end or ~24 characters. */
static void write_section_name(FILE *out, const rv_page *pg,
                               const cJSON *sec)
{
    const char *heading = json_str(sec, "heading");
    const char *marker = json_str(sec, "marker");
    html_escape_str(out, marker);
    if (heading) {
        html_escape_str(out, heading);
        return;
    }
    size_t a, b;
    if (!json_span(sec, "span", &a, &b) || b > pg->len || a >= b)
        return;
    size_t at = a + (marker ? strlen(marker) : 0);
    while (at < b && (pg->text[at] == ' ' || pg->text[at] == '\n'))
        at++;
    size_t end = at, chars = 0;
    while (end < b && pg->text[end] != '\n' && chars < 24) {
        end++;
        while (end < b && ((unsigned char)pg->text[end] & 0xC0) == 0x80)
            end++;
        chars++;
    }
    if (at < end)
        html_escape(out, pg->text + at, end - at);
    if (end < b)
        fputs("\xE2\x80\xA6", out); /* … */
}

/* Whether item i belongs in the list of `status` differences: extracted
 * items, and sections (eval scores them too). */
static bool is_listed(const rv_item *it, const char *status)
{
    return it->status && !strcmp(it->status, status) &&
           (is_extracted(it) || it->kind == K_SECTION);
}

/* "deadline in 1.2: 到年底", "section 2.3 (三)加强…" */
static void write_item_line(FILE *out, const rv_page *pg, size_t i)
{
    const rv_item *it = &pg->items[i];
    if (it->kind == K_SECTION) {
        if (!strcmp(it->status, "missing"))
            fprintf(out, "<li><a href=\"#ms-%zu\">section ", i);
        else {
            fputs("<li><a href=\"#s-", out);
            html_escape_str(out, json_str(it->json, "id"));
            fputs("\">section ", out);
        }
        write_value(out, json_get(it->json, "id"));
        fputs(" ", out);
        write_section_name(out, pg, it->json);
        fputs("</a></li>", out);
        return;
    }
    const char *text = json_str(it->json, "text");
    fprintf(out, "<li><a href=\"#i%zu\">%s in ", i, kinds[it->kind].label);
    html_escape_str(out, json_str(it->section, "id"));
    fputs(": ", out);
    if (text)
        html_escape_str(out, text);
    else
        write_value(out, json_get(it->json, "marker"));
    fputs("</a></li>", out);
}

static void write_differences(FILE *out, const rv_page *pg,
                              const char *status)
{
    size_t n = 0;
    for (size_t i = 0; i < pg->n_items; i++)
        n += is_listed(&pg->items[i], status);
    fprintf(out, "<details data-list=\"%s\"><summary>%zu %s</summary><ul>",
            status, n, status);
    for (size_t i = 0; i < pg->n_items; i++)
        if (is_listed(&pg->items[i], status))
            write_item_line(out, pg, i);
    fputs("</ul></details>\n", out);
}

/* The per-field table: matched, extra, missing, as eval counts them. */
static void write_review(FILE *out, const rv_page *pg, const char *exp_path)
{
    fputs("<div class=\"bar\"><table class=\"review\" id=\"review\">"
          "<tr><th>against ",
          out);
    html_escape_str(out, exp_path);
    fputs("</th><th>matched</th><th>extra</th><th>missing</th></tr>", out);
    for (int f = 0; f < TOOL_F_COUNT; f++) {
        const size_t *t = pg->tally[f];
        fprintf(out,
                "<tr data-field=\"%s\"><td>%s</td><td>%zu</td>"
                "<td%s>%zu</td><td%s>%zu</td></tr>",
                tool_field_name[f], tool_field_name[f], t[MATCHED],
                t[EXTRA] ? " class=\"bad\"" : "", t[EXTRA],
                t[MISSING] ? " class=\"bad\"" : "", t[MISSING]);
    }
    fputs("</table><div>", out);
    write_differences(out, pg, "missing");
    write_differences(out, pg, "extra");
    fputs("<p class=\"hint\">n / p: next / previous difference</p>"
          "</div></div>\n",
          out);
}

static void write_warnings(FILE *out, const rv_page *pg)
{
    size_t n = 0;
    for (size_t i = 0; i < pg->n_items; i++)
        n += pg->items[i].kind == K_WARNING;
    const cJSON *stats = json_get(pg->doc, "stats");
    size_t raised = json_size(json_get(stats, "warnings"));
    if (!n && !raised)
        return;
    fprintf(out, "<details id=\"warnings\"><summary>warnings: %zu", raised);
    if (raised > n)
        fprintf(out, " (%zu listed)", n);
    fputs("</summary><ul>", out);
    for (size_t i = 0; i < pg->n_items; i++) {
        const rv_item *it = &pg->items[i];
        if (it->kind != K_WARNING)
            continue;
        fprintf(out, "<li><a href=\"#w-%zu\">at %zu</a> ", i, it->start);
        write_value(out, json_get(it->json, "code"));
        fputs(": ", out);
        write_value(out, json_get(it->json, "message"));
        fputs("</li>", out);
    }
    fputs("</ul></details>\n", out);
}

static void write_outline_link(FILE *out, const rv_page *pg, const cJSON *sec,
                               size_t n_things)
{
    const char *id = json_str(sec, "id");
    const char *status = status_of(pg, sec);
    fputs("<a href=\"#s-", out);
    html_escape_str(out, id);
    fputs("\" data-sec=\"", out);
    html_escape_str(out, id);
    fputs("\"", out);
    if (status)
        fprintf(out, " data-status=\"%s\"", status);
    fputs(" title=\"", out);
    write_section_name(out, pg, sec);
    fprintf(out, "\"><span class=\"n\">%zu</span><span class=\"sid\">",
            n_things);
    html_escape_str(out, id);
    fputs("</span>", out);
    write_section_name(out, pg, sec);
    fputs("</a>", out);
}

/* Extracted things in each section, units aside (they are inside their
 * clause): the number beside each outline entry. */
static size_t things_in(const rv_page *pg, const cJSON *sec, size_t *from)
{
    size_t n = 0, i;
    for (i = *from; i < pg->n_items && pg->items[i].section == sec; i++)
        n += is_extracted(&pg->items[i]) && pg->items[i].kind != K_LEAD &&
             pg->items[i].kind != K_RESPONSIBLE &&
             pg->items[i].kind != K_COOPERATING;
    *from = i;
    return n;
}

/* The section tree as nested lists.  Sections come parent first, in
 * document order, so a stack of the open entries is enough.  The root
 * (level 0, the text before the first heading) is listed as the first
 * entry, its children beside it rather than under it. */
static bool write_outline(FILE *out, const rv_page *pg)
{
    const cJSON *secs = json_get(pg->doc, "sections");
    size_t n = (size_t)cJSON_GetArraySize(secs);
    const char **open = calloc(n + 1, sizeof *open);
    bool *has_list = calloc(n + 1, sizeof *has_list);
    if (!open || !has_list) {
        free(open);
        free(has_list);
        return false;
    }
    size_t depth = 0, from = 0;
    fputs("<nav id=\"outline\"><ul>", out);
    const cJSON *sec;
    cJSON_ArrayForEach(sec, secs)
    {
        const char *parent = json_str(sec, "parent");
        while (depth > 0 && (!parent || strcmp(open[depth - 1], parent))) {
            depth--;
            fputs(has_list[depth] ? "</ul></li>" : "</li>", out);
        }
        if (depth > 0 && !has_list[depth - 1]) {
            fputs("<ul>", out);
            has_list[depth - 1] = true;
        }
        fputs("<li>", out);
        write_outline_link(out, pg, sec, things_in(pg, sec, &from));
        const char *id = json_str(sec, "id");
        bool root = json_size(json_get(sec, "level")) == 0;
        if (root) {
            fputs("</li>", out);
        } else {
            open[depth] = id ? id : "";
            has_list[depth++] = false;
        }
    }
    while (depth > 0) {
        depth--;
        fputs(has_list[depth] ? "</ul></li>" : "</li>", out);
    }
    fputs("</ul></nav>\n", out);
    free(open);
    free(has_list);
    return true;
}

/* The JSON the page's script reads: one entry per extracted item, keyed
 * by the same id as its element. */
static cJSON *item_data(const rv_page *pg, size_t i)
{
    const rv_item *it = &pg->items[i];
    cJSON *o = cJSON_CreateObject();
    char id[32];
    snprintf(id, sizeof id, "i%zu", i);
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddStringToObject(o, "label", kinds[it->kind].label);
    cJSON_AddStringToObject(o, "kind", kinds[it->kind].name);
    cJSON_AddStringToObject(o, "field", kinds[it->kind].field);
    cJSON_AddItemToObject(o, "section",
                          cJSON_Duplicate(json_get(it->section, "id"), 1));
    if (it->status)
        cJSON_AddStringToObject(o, "status", it->status);
    if (it->kind == K_LEAD || it->kind == K_RESPONSIBLE ||
        it->kind == K_COOPERATING) {
        cJSON *u = cJSON_AddObjectToObject(o, "item");
        cJSON_AddItemToObject(u, "name", cJSON_Duplicate(it->json, 1));
        cJSON_AddStringToObject(u, "role", kinds[it->kind].name);
        cJSON *span = cJSON_AddArrayToObject(u, "span");
        cJSON_AddItemToArray(span, cJSON_CreateNumber((double)it->start));
        cJSON_AddItemToArray(span, cJSON_CreateNumber((double)it->end));
        if (it->unplaced)
            cJSON_AddStringToObject(u, "note", "not found in the clause");
        snprintf(id, sizeof id, "i%zu", it->clause);
        cJSON_AddStringToObject(o, "clause", id);
    } else {
        cJSON_AddItemToObject(o, "item", cJSON_Duplicate(it->json, 1));
    }
    return o;
}

static bool write_data(FILE *out, const rv_page *pg)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "items");
    for (size_t i = 0; arr && i < pg->n_items; i++)
        if (is_extracted(&pg->items[i]))
            cJSON_AddItemToArray(arr, item_data(pg, i));
    /* cJSON's adders ignore NULL items: count to catch a failed one */
    size_t n = 0;
    for (size_t i = 0; i < pg->n_items; i++)
        n += is_extracted(&pg->items[i]);
    char *s = arr && (size_t)cJSON_GetArraySize(arr) == n
                  ? cJSON_PrintUnformatted(root)
                  : NULL;
    cJSON_Delete(root);
    if (!s)
        return false;
    fputs("<script type=\"application/json\" id=\"zc-data\">", out);
    html_script_json(out, s);
    fputs("</script>\n", out);
    free(s);
    return true;
}

static bool write_page(FILE *out, rv_page *pg, const char *exp_path)
{
    write_head(out, pg);
    fputs("<body>\n", out);
    write_metadata(out, pg);
    write_legend(out, pg);
    if (pg->expected)
        write_review(out, pg, exp_path);
    write_warnings(out, pg);
    fputs("</header>\n<div id=\"layout\">\n", out);
    bool ok = write_outline(out, pg) && write_text(out, pg);
    fputs("<aside id=\"detail\"><div id=\"detail-body\">"
          "<p class=\"hint\">Hover over a highlight for its values; click "
          "it for all of them and the rule behind it.</p></div></aside>\n"
          "</div>\n",
          out);
    ok = ok && write_data(out, pg);
    fprintf(out, "<script nonce=\"%s\">\n", pg->nonce);
    put_lines(out, review_js);
    fputs("</script>\n</body>\n</html>\n", out);
    return ok;
}

/* A fresh nonce per page for the CSP. */
static void make_nonce(char out[33])
{
    unsigned char b[16];
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got = f ? fread(b, 1, sizeof b, f) : 0;
    if (f)
        fclose(f);
    if (got != sizeof b) {
        /* No /dev/urandom (a bare chroot): unique per run though
         * guessable.  The nonce is the second line of defence; the
         * escaping is the first. */
        uint64_t x = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^
                     (uint64_t)(uintptr_t)out;
        for (size_t i = 0; i < sizeof b; i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            b[i] = (unsigned char)(x >> 56);
        }
    }
    for (size_t i = 0; i < sizeof b; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void free_page(rv_page *pg)
{
    cJSON_Delete(pg->doc);
    cJSON_Delete(pg->expected);
    cJSON_Delete(pg->missing_meta);
    free(pg->text);
    free(pg->units);
    free(pg->items);
    free(pg->status);
}

int tool_review(const tool_opts *o, const zc_rules *rules,
                const char *expected, char **files, size_t n_files)
{
    if (n_files != 1) {
        fprintf(stderr, "zhengce: usage: zhengce review [--expected "
                        "FILE.expected.json] NOTICE > review.html\n");
        return EXIT_USAGE;
    }
    rv_page pg;
    memset(&pg, 0, sizeof pg);
    pg.path = files[0];
    char err[512] = "";
    if (expected) {
        pg.expected = read_json_file(expected, err, sizeof err);
        if (!pg.expected) {
            fprintf(stderr, "zhengce: %s\n", err);
            return EXIT_INPUT;
        }
    }
    bool std_in = !strcmp(pg.path, "-");
    FILE *in = std_in ? stdin : fopen(pg.path, "rb");
    if (!in) {
        fprintf(stderr, "zhengce: cannot open %s: %s\n", pg.path,
                strerror(errno));
        free_page(&pg);
        return EXIT_INPUT;
    }
    int rc = convert(o, rules, in, &pg, err, sizeof err);
    if (!std_in)
        fclose(in);
    if (!pg.doc) {
        fprintf(stderr, "zhengce: %s: %s\n", pg.path, err);
        free_page(&pg);
        return rc ? rc : EXIT_INPUT;
    }
    if (rc)
        fprintf(stderr, "zhengce: %s: %s (the page shows what was read)\n",
                pg.path, err);
    make_nonce(pg.nonce);
    bool ok = build_items(&pg) && (!pg.expected || review(&pg));
    ok = ok && write_page(stdout, &pg, expected);
    if (!ok) {
        fprintf(stderr, "zhengce: %s: out of memory\n", pg.path);
        rc = EXIT_INPUT;
    } else if (fflush(stdout) == EOF || ferror(stdout)) {
        fprintf(stderr, "zhengce: cannot write output: %s\n",
                strerror(errno));
        rc = EXIT_INPUT;
    }
    free_page(&pg);
    return rc;
}
