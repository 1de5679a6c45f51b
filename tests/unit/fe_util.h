/*
 * fe_util.h - what the front-end tests (test_encoding.c, test_html.c,
 * test_clean.c, test_variants.c) share: run a document through a parser
 * at a chosen chunk size and record what a user sees of it as plain
 * strings, so that two runs can be compared with strcmp and a difference
 * shown line by line.
 *
 *   text      the decoded text, from the text callback (all spans point
 *             into it)
 *   sections  one line per section: id level number style marker heading,
 *             then one line per extracted item (run-in items, assignments,
 *             deadlines, targets, quantities) with its text and values;
 *             spans only when FE_SPANS is set
 *   warnings  "code@offset " for each warning
 *   doc       the document record, one field per line
 */
#ifndef ZC_FE_UTIL_H
#define ZC_FE_UTIL_H

#include "testutil.h"

#include "extract.h"

#include <stdbool.h>

enum { FE_SPANS = 1 };

typedef struct fe_str {
    char *s;
    size_t len, cap;
} fe_str;

typedef struct fe_run {
    fe_str text, sections, warnings, doc;
    size_t n_sections, n_warnings;
    char format[16], encoding[16];
    zc_status status;
    zc_stats stats;
    unsigned flags;
} fe_run;

static inline void fe_put(fe_str *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->s = realloc(b->s, cap);
        assert_non_null(b->s);
        b->cap = cap;
    }
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static inline void fe_puts(fe_str *b, const char *s)
{
    fe_put(b, s ? s : "(null)", strlen(s ? s : "(null)"));
}

static inline void fe_printf(fe_str *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    fe_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static inline void fe_zs(fe_str *b, zc_str z)
{
    if (z.ptr)
        fe_put(b, z.ptr, z.len);
    else
        fe_puts(b, "-");
}

static inline void fe_span(fe_run *r, zc_span sp)
{
    if (r->flags & FE_SPANS)
        fe_printf(&r->sections, " [%zu,%zu)", sp.start, sp.end);
}

static inline void fe_units(fe_str *b, const zc_unit *u, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fe_puts(b, i ? "," : "");
        fe_put(b, u[i].name.ptr, u[i].name.len);
    }
}

static inline int fe_on_text(const char *buf, size_t len, size_t offset,
                             void *ud)
{
    fe_run *r = ud;
    assert_int_equal(offset, r->text.len); /* in order, no gaps */
    fe_put(&r->text, buf, len);
    return 0;
}

static inline int fe_on_doc(const zc_document *d, void *ud)
{
    fe_run *r = ud;
    fe_str *b = &r->doc;
    fe_printf(b, "title=%s\n", d->title ? d->title : "-");
    fe_printf(b, "wrapper=%s\n", d->wrapper_title ? d->wrapper_title : "-");
    fe_printf(b, "docnum=%s\n", d->doc_number ? d->doc_number : "-");
    fe_printf(b, "index=%s\n", d->index_number ? d->index_number : "-");
    fe_printf(b, "issuer=%s\n", d->issuer ? d->issuer : "-");
    fe_printf(b, "issued=%s\n", d->issue_date ? d->issue_date : "-");
    fe_printf(b, "published=%s\n", d->publish_date ? d->publish_date : "-");
    for (size_t i = 0; i < d->n_recipients; i++)
        fe_printf(b, "to=%s\n", d->recipients[i]);
    fe_printf(b, "year=%d\n", d->year);
    return 0;
}

static inline int fe_on_section(const zc_section *s, void *ud)
{
    fe_run *r = ud;
    fe_str *b = &r->sections;
    r->n_sections++;
    fe_printf(b, "S %s %u %u %s ", s->id, s->level, s->number,
              s->style ? s->style : "-");
    fe_zs(b, s->marker.len ? s->marker : (zc_str){NULL, 0});
    fe_puts(b, " | ");
    fe_zs(b, s->heading);
    fe_span(r, (zc_span){s->start, s->end});
    fe_puts(b, "\n");
    for (size_t i = 0; i < s->n_items; i++) {
        fe_puts(b, "  I ");
        fe_zs(b, s->items[i].marker);
        fe_printf(b, " %u", s->items[i].number);
        fe_span(r, s->items[i].span);
        fe_puts(b, "\n");
    }
    for (size_t i = 0; i < s->n_assignments; i++) {
        const zc_assignment *a = &s->assignments[i];
        fe_puts(b, "  A ");
        fe_zs(b, a->text);
        fe_puts(b, " lead=");
        fe_units(b, a->lead, a->n_lead);
        fe_puts(b, " resp=");
        fe_units(b, a->responsible, a->n_responsible);
        fe_puts(b, " coop=");
        fe_units(b, a->cooperating, a->n_cooperating);
        fe_span(r, a->span);
        fe_puts(b, "\n");
    }
    for (size_t i = 0; i < s->n_deadlines; i++) {
        const zc_deadline *d = &s->deadlines[i];
        fe_puts(b, "  D ");
        fe_zs(b, d->text);
        fe_printf(b, " %s %s %s %g %s", d->kind ? d->kind : "-", d->date,
                  d->date_from, d->amount,
                  d->amount_unit ? d->amount_unit : "-");
        fe_span(r, d->span);
        fe_puts(b, "\n");
    }
    for (size_t i = 0; i < s->n_targets; i++) {
        const zc_target *t = &s->targets[i];
        fe_puts(b, "  T ");
        fe_zs(b, t->text);
        fe_printf(b, " %g %g %s %s %s ", t->value, t->value_max,
                  t->unit ? t->unit : "-", t->op ? t->op : "-",
                  t->kind ? t->kind : "-");
        fe_zs(b, t->metric);
        fe_span(r, t->span);
        fe_puts(b, "\n");
    }
    for (size_t i = 0; i < s->n_quantities; i++) {
        const zc_quantity *q = &s->quantities[i];
        fe_puts(b, "  Q ");
        fe_zs(b, q->text);
        fe_printf(b, " %g %s ", q->value, q->op ? q->op : "-");
        fe_zs(b, q->unit);
        fe_span(r, q->span);
        fe_puts(b, "\n");
    }
    return 0;
}

static inline int fe_on_warning(const zc_warning *w, void *ud)
{
    fe_run *r = ud;
    assert_non_null(w->message);
    assert_true(strlen(w->message) > 0);
    r->n_warnings++;
    fe_printf(&r->warnings, "%s@%zu ", w->code, w->offset);
    return 0;
}

/* Parse in[0, len) fed `chunk` bytes at a time (0: all at once), with
 * `opt` (NULL: defaults) and `format_hint` (NULL: none). */
static inline void fe_parse(const zc_rules *rules, const zc_options *opt,
                            const char *format_hint, const char *in,
                            size_t len, size_t chunk, unsigned flags,
                            fe_run *r)
{
    memset(r, 0, sizeof *r);
    r->flags = flags;
    fe_put(&r->text, "", 0);
    fe_put(&r->sections, "", 0);
    fe_put(&r->warnings, "", 0);
    fe_put(&r->doc, "", 0);
    zc_callbacks cb = {fe_on_doc, fe_on_section, fe_on_warning, fe_on_text,
                       r};
    zc_parser *p = zc_parser_new(rules, opt, &cb);
    assert_non_null(p);
    if (format_hint)
        assert_int_equal(zc_parser_set_format(p, format_hint), ZC_OK);
    zc_status st = ZC_OK;
    if (!chunk)
        chunk = len ? len : 1;
    for (size_t i = 0; i < len && st == ZC_OK; i += chunk)
        st = zc_parser_feed(p, in + i, len - i < chunk ? len - i : chunk);
    if (st == ZC_OK)
        st = zc_parser_finish(p);
    r->status = st;
    snprintf(r->format, sizeof r->format, "%s", zc_parser_format(p));
    snprintf(r->encoding, sizeof r->encoding, "%s", zc_parser_encoding(p));
    zc_parser_stats(p, &r->stats);
    zc_parser_free(p);
}

static inline void fe_free(fe_run *r)
{
    free(r->text.s);
    free(r->sections.s);
    free(r->warnings.s);
    free(r->doc.s);
    memset(r, 0, sizeof *r);
}

/* Fail with the first differing line of two multi-line strings. */
static inline void fe_same(const char *what, const char *a, const char *b)
{
    if (!strcmp(a, b))
        return;
    size_t line = 1;
    const char *x = a, *y = b;
    while (*x && *x == *y) {
        if (*x == '\n')
            line++;
        x++;
        y++;
    }
    while (x > a && x[-1] != '\n') {
        x--;
        y--;
    }
    const char *xe = strchr(x, '\n'), *ye = strchr(y, '\n');
    int xn = xe ? (int)(xe - x) : (int)strlen(x);
    int yn = ye ? (int)(ye - y) : (int)strlen(y);
    fail_msg("%s differ at line %zu:\n  expected: %.*s\n  got:      %.*s",
             what, line, xn > 300 ? 300 : xn, x, yn > 300 ? 300 : yn, y);
}

/* Read any file (not only under tests/data). */
static inline char *fe_read_path(const char *path, size_t *len)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    size_t got = fread(buf, 1, (size_t)n, f);
    fclose(f);
    buf[got] = '\0';
    *len = got;
    return buf;
}

/* The corpus directory (beside tests/). */
#define FE_CORPUS ZC_TEST_DATA "/../../corpus"

/* Does s[0, n) hold markup: "<" then a letter, "/", "!", "%" or "?", or an
 * entity such as &nbsp; left undecoded? */
static inline bool fe_has_markup(const char *s, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] == '<') {
            char c = s[i + 1];
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' ||
                c == '!' || c == '%' || c == '?')
                return true;
        }
        if (s[i] == '&' && i + 2 < n) {
            size_t k = i + 1;
            while (k < n && k < i + 10 &&
                   ((s[k] >= 'a' && s[k] <= 'z') || s[k] == '#' ||
                    (s[k] >= '0' && s[k] <= '9')))
                k++;
            if (k > i + 1 && k < n && s[k] == ';')
                return true;
        }
    }
    return false;
}

#endif
