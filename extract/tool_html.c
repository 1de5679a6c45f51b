/*
 * tool_html.c - escaping, JSON in <script>, and nested marks over a text.
 * See tool_html.h for the contract; this file explains the how.
 */
#include "tool_html.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- escaping ------------------------------------------------------------ */

static const char *html_entity(unsigned char c)
{
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&#39;";
    default: return NULL;
    }
}

void html_escape(FILE *out, const char *s, size_t len)
{
    /* Copy runs of harmless bytes in one fwrite: the text is mostly CJK
     * characters and this keeps a 10 MB notice fast. */
    if (len == 0)
        return; /* s may be NULL then: fwrite must not see it */
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        const char *e = html_entity((unsigned char)s[i]);
        if (!e)
            continue;
        fwrite(s + run, 1, i - run, out);
        fputs(e, out);
        run = i + 1;
    }
    fwrite(s + run, 1, len - run, out);
}

void html_escape_str(FILE *out, const char *s)
{
    if (s)
        html_escape(out, s, strlen(s));
}

/* U+2028 or U+2029 (E2 80 A8 / A9): the NUL ending the string stops the
 * comparison before it could read past the end. */
static bool is_line_separator(const unsigned char *p)
{
    return p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9);
}

void html_script_json(FILE *out, const char *json)
{
    for (const unsigned char *p = (const unsigned char *)json; *p; p++) {
        if (*p == '<')
            fputs("\\u003c", out);
        else if (*p == '>')
            fputs("\\u003e", out);
        else if (*p == '&')
            fputs("\\u0026", out);
        else if (is_line_separator(p)) {
            fputs(p[2] == 0xA8 ? "\\u2028" : "\\u2029", out);
            p += 2;
        } else
            fputc(*p, out);
    }
}

/* ---- marks --------------------------------------------------------------- */

bool html_marks_add(html_marks *m, size_t start, size_t end, int rank,
                    size_t tag)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        if (cap > SIZE_MAX / sizeof *m->v)
            return false;
        html_mark *v = realloc(m->v, cap * sizeof *v);
        if (!v)
            return false;
        m->v = v;
        m->cap = cap;
    }
    m->v[m->n] = (html_mark){start, end, rank, tag, m->n};
    m->n++;
    return true;
}

void html_marks_free(html_marks *m)
{
    free(m->v);
    memset(m, 0, sizeof *m);
}

static bool is_continuation(const char *text, size_t i)
{
    return ((unsigned char)text[i] & 0xC0) == 0x80;
}

/* Clamp to the text and widen to whole characters, so that no element
 * boundary ever splits a UTF-8 sequence (an expectation written by hand
 * may carry any numbers). */
static void clamp(html_mark *k, const char *text, size_t len)
{
    if (k->start > len)
        k->start = len;
    if (k->end > len)
        k->end = len;
    if (k->end < k->start)
        k->end = k->start;
    while (k->start > 0 && k->start < len && is_continuation(text, k->start))
        k->start--;
    while (k->end < len && is_continuation(text, k->end))
        k->end++;
}

static int mark_cmp(const void *a, const void *b)
{
    const html_mark *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    bool xe = x->end == x->start, ye = y->end == y->start;
    if (xe != ye)
        return xe ? -1 : 1;
    if (x->end != y->end)
        return x->end > y->end ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

typedef struct render {
    FILE *out;
    const html_mark *v;
    size_t *stack, depth;
    size_t *reopen;
    html_open_fn open;
    void *ud;
} render;

/* Close every open element that ends at or before `at`.  The lowest such
 * element on the stack forces everything above it to close too; the ones
 * among those that go on past `at` are reopened as continuations, in the
 * same order, so the markup stays properly nested. */
static void close_until(render *r, size_t at)
{
    size_t low = 0;
    while (low < r->depth && r->v[r->stack[low]].end > at)
        low++;
    if (low == r->depth)
        return;
    size_t n_reopen = 0;
    for (size_t k = low; k < r->depth; k++) {
        fputs("</span>", r->out);
        if (r->v[r->stack[k]].end > at)
            r->reopen[n_reopen++] = r->stack[k];
    }
    r->depth = low;
    for (size_t k = 0; k < n_reopen; k++) {
        r->open(r->out, r->v[r->reopen[k]].tag, true, r->ud);
        r->stack[r->depth++] = r->reopen[k];
    }
}

static size_t nearest_end(const render *r)
{
    size_t e = SIZE_MAX;
    for (size_t k = 0; k < r->depth; k++)
        if (r->v[r->stack[k]].end < e)
            e = r->v[r->stack[k]].end;
    return e;
}

bool html_write_marked(FILE *out, const char *text, size_t len,
                       html_marks *m, html_open_fn open, void *ud)
{
    for (size_t i = 0; i < m->n; i++)
        clamp(&m->v[i], text, len);
    if (m->n > 1) /* v is NULL when there are none */
        qsort(m->v, m->n, sizeof *m->v, mark_cmp);
    render r = {out, m->v, NULL, 0, NULL, open, ud};
    size_t cap = m->n ? m->n : 1;
    r.stack = malloc(cap * sizeof *r.stack);
    r.reopen = malloc(cap * sizeof *r.reopen);
    if (!r.stack || !r.reopen) {
        free(r.stack);
        free(r.reopen);
        return false;
    }
    size_t pos = 0, next = 0;
    for (;;) {
        size_t start = next < m->n ? m->v[next].start : len;
        size_t end = nearest_end(&r);
        size_t at = start < end ? start : end;
        html_escape(out, text + pos, at - pos);
        pos = at;
        if (next == m->n && r.depth == 0)
            break;
        close_until(&r, at);
        for (; next < m->n && m->v[next].start == at; next++) {
            open(out, m->v[next].tag, false, ud);
            if (m->v[next].end == at)
                fputs("</span>", out);
            else
                r.stack[r.depth++] = next;
        }
    }
    free(r.stack);
    free(r.reopen);
    return true;
}
