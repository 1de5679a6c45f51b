/*
 * parser.c - zc_parser: decode -> segment -> (metadata, rules) -> callbacks.
 *
 * This file only wires the stages together and keeps the error and call
 * state (sticky errors, no re-entry from callbacks), as expat does.
 *
 * The front end is three steps, each streaming with bounded memory:
 * decode.c (bytes -> UTF-8), html.c (a web page -> its text; other input
 * passes) and clean.c (furniture lines and pinyin glosses out).  What
 * leaves clean.c is the decoded text: the text callback gets it, the
 * segmenter reads it, every offset points into it.  feed() cuts its
 * input into FEED_SLICE pieces, so one huge feed() (zc_extract_buffer of
 * a whole file) costs no more memory than many small ones.
 */
#include "internal.h"
#include "sha256.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define FEED_SLICE ((size_t)64 << 10)

struct zc_parser {
    const zc_mem *mem;
    zc_options opt;
    zc_callbacks cb;
    const zc_rules *rules;

    zc_decoder *decoder;
    zc_html *html;
    zc_clean *clean;
    zc_format format;   /* from zc_options.format                    */
    zc_segmenter *seg;
    zc_meta *meta;
    zc_matcher *matcher;
    zc_buf decoded;     /* output of one decoder call */
    zc_buf paged;       /* ... through html.c                          */
    zc_buf cleaned;     /* ... through clean.c: the decoded text       */
    zc_sha256 sha;

    bool in_callback, finished, doc_sent, fed;
    zc_status status;
    zc_error err;
    zc_stats stats;

    /* scratch for one group */
    zc_item *items;
    size_t cap_items;
    zc_extraction *ext;
    size_t cap_ext;
};

void zc_options_init(zc_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->max_section_bytes = (size_t)1 << 20;
    opt->max_depth = 8;
    opt->match_limit = 1000000;
    opt->heap_limit_kib = 20000;
    opt->max_warnings = 100;
    opt->default_year = 0;
    opt->year_before = ZC_YEAR_BEFORE_EXCLUSIVE;
    opt->encoding = NULL;
    opt->format = NULL;
    opt->keep_debris = 0;
    opt->mem = NULL;
}

/* ---- warnings ------------------------------------------------------------ */

static void warn(zc_parser *p, const char *code, size_t offset,
                 const char *msg)
{
    p->stats.warnings++;
    if (p->stats.warnings > p->opt.max_warnings || !p->cb.warning)
        return;
    zc_warning w = {code, offset, msg};
    p->in_callback = true;
    int rc = p->cb.warning(&w, p->cb.ud);
    p->in_callback = false;
    if (rc && p->status == ZC_OK)
        p->status = ZC_ERR_ABORTED;
}

static void decode_warn(void *ud, const char *code, size_t offset,
                        const char *msg)
{
    warn(ud, code, offset, msg);
}

/* html.c knows no decoded-text offsets: give the current end of the
 * decoded text. */
static void html_warn(void *ud, const char *code, size_t offset,
                      const char *msg)
{
    zc_parser *p = ud;
    (void)offset;
    warn(p, code, p->stats.decoded_bytes, msg);
}

static bool parse_format(const char *name, zc_format *f)
{
    if (!name || !*name || !strcasecmp(name, "auto"))
        *f = ZC_FORMAT_AUTO;
    else if (!strcasecmp(name, "text"))
        *f = ZC_FORMAT_TEXT;
    else if (!strcasecmp(name, "html"))
        *f = ZC_FORMAT_HTML;
    else
        return false;
    return true;
}

/* ---- groups to sections ------------------------------------------------------- */

/* Largest n' <= n that ends on a character boundary of s. */
static size_t utf8_floor(const char *s, size_t n)
{
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* Does the title name a report (its percentages are achieved figures)?
 * A cited title does not count: 2023年《政府工作报告》主要目标任务分解清单
 * is a plan that distributes a report's targets, so words inside 《》 are
 * skipped, and a title naming a plan form (分解, 方案, 清单 …) is a plan. */
static bool is_report(const zc_document *d)
{
    const char *t = d->title ? d->title : d->wrapper_title;
    if (!t)
        return false;
    char buf[512];
    size_t n = 0;
    int depth = 0;
    for (const char *p = t; *p && n + 1 < sizeof buf; p++) {
        if (!strncmp(p, "《", 3))
            depth++;
        else if (!strncmp(p, "》", 3) && depth > 0) {
            depth--;
            p += 2;
            continue;
        }
        if (!depth)
            buf[n++] = *p;
    }
    buf[n] = '\0';
    static const char *const plan[] = {"分解", "方案", "清单", "要点",
                                       "计划", "安排", "任务", "意见"};
    for (size_t i = 0; i < sizeof plan / sizeof plan[0]; i++)
        if (strstr(buf, plan[i]))
            return false;
    return strstr(buf, "报告") || strstr(buf, "報告") || strstr(buf, "总结") ||
           strstr(buf, "總結") || strstr(buf, "年报") || strstr(buf, "回顾");
}

static int on_group(const zc_group *g, void *ud)
{
    zc_parser *p = ud;
    if (g->n_nodes && g->nodes[0].level == 0 && !p->doc_sent) {
        const zc_node *root = &g->nodes[0];
        /* a cover notice and page header fit in far less than this; a
         * preamble that does not is read from its start only */
        size_t max_meta = (size_t)256 << 10;
        size_t plen = root->end - root->start, rest = root->end - g->base;
        /* the text after the preamble is the group's own (the first
         * section), never what else the segmenter has buffered beyond it:
         * that depends on where the chunks ended (found by
         * tests/fuzz/fuzz_extract.c: the year of a document came and went
         * with the chunk size) */
        size_t gend = root->end;
        for (size_t i = 0; i < g->n_nodes; i++)
            if (g->nodes[i].end > gend)
                gend = g->nodes[i].end;
        size_t glen = gend - g->base < g->len ? gend - g->base : g->len;
        bool ok = zc_meta_read(p->meta, g->text + (root->start - g->base),
                     plen < max_meta ? plen : utf8_floor(g->text + (root->start - g->base), max_meta),
                     g->text + rest, glen > rest ? glen - rest : 0);
        if (!ok) {
            p->status = ZC_ERR_NOMEM;
            return 1;
        }
        if (zc_html_format(p->html) == ZC_FORMAT_HTML &&
            !zc_meta_fill_html(p->meta, zc_html_meta_get(p->html))) {
            p->status = ZC_ERR_NOMEM;
            return 1;
        }
        p->doc_sent = true;
        if (p->cb.document) {
            p->in_callback = true;
            int rc = p->cb.document(zc_meta_document(p->meta), p->cb.ud);
            p->in_callback = false;
            if (rc)
                return rc;
        }
    }
    /* run-in items, per node */
    size_t total_items = 0;
    for (size_t i = 0; i < g->n_nodes; i++)
        total_items += g->nodes[i].n_items;
    if (!ZC_GROW(p->mem, p->items, p->cap_items, total_items + 1) ||
        !ZC_GROW(p->mem, p->ext, p->cap_ext, g->n_nodes + 1)) {
        p->status = ZC_ERR_NOMEM;
        return 1;
    }
    memset(p->ext, 0, g->n_nodes * sizeof *p->ext);
    if (p->matcher) {
        const zc_document *d = zc_meta_document(p->meta);
        zc_match_ctx ctx = {d->year ? d->year : p->opt.default_year,
                            is_report(d), p->opt.year_before, decode_warn, p};
        zc_status st = zc_matcher_run(p->matcher, &ctx, g, p->ext);
        if (st != ZC_OK) {
            p->status = st;
            return 1;
        }
    }
    for (size_t i = 0; i < g->n_nodes; i++) {
        const zc_node *n = &g->nodes[i];
        zc_section s;
        memset(&s, 0, sizeof s);
        s.id = n->id;
        s.parent = n->level == 0 ? NULL : n->parent_id;
        s.level = n->level;
        s.number = n->number;
        s.style = zc_style_name(n->style);
        const char *t = g->text + (n->start - g->base);
        size_t len = n->end - n->start;
        s.marker.ptr = t;
        s.marker.len = n->marker_len;
        s.text.ptr = t;
        s.text.len = len;
        s.start = n->start;
        s.end = n->end;
        s.truncated = n->truncated;
        size_t own = len;
        if (i + 1 < g->n_nodes && g->nodes[i + 1].parent == (int)i)
            own = g->nodes[i + 1].start - n->start;
        size_t hs, hl;
        zc_section_heading(n->style, t + n->marker_len, own - n->marker_len,
                           &hs, &hl);
        if (hl) {
            s.heading.ptr = t + n->marker_len + hs;
            s.heading.len = hl;
        }
        for (size_t k = 0; k < n->n_items; k++) {
            const zc_group_item *gi = &g->items[n->first_item + k];
            zc_item *it = &p->items[k];
            it->marker.ptr = g->text + (gi->marker_start - g->base);
            it->marker.len = gi->marker_len;
            it->number = gi->number;
            it->span.start = gi->marker_start;
            it->span.end = gi->end;
        }
        s.items = p->items;
        s.n_items = n->n_items;
        const zc_extraction *x = &p->ext[i];
        s.assignments = x->assignments;
        s.n_assignments = x->n_assignments;
        s.deadlines = x->deadlines;
        s.n_deadlines = x->n_deadlines;
        s.targets = x->targets;
        s.n_targets = x->n_targets;
        s.quantities = x->quantities;
        s.n_quantities = x->n_quantities;
        if (n->truncated) {
            char msg[256];
            snprintf(msg, sizeof msg,
                     "section %s is longer than max_section_bytes (%zu): its "
                     "text is cut here and the rest, up to the next section, "
                     "is not reported",
                     n->id, p->opt.max_section_bytes);
            warn(p, "truncated-section", n->end, msg);
        }
        p->stats.sections++;
        if (p->cb.section) {
            p->in_callback = true;
            int rc = p->cb.section(&s, p->cb.ud);
            p->in_callback = false;
            if (rc)
                return rc;
        }
    }
    return p->status != ZC_OK;
}

/* ---- lifecycle ------------------------------------------------------------------ */

zc_parser *zc_parser_new(const zc_rules *rules, const zc_options *opt,
                         const zc_callbacks *cb)
{
    zc_options defaults;
    if (!opt) {
        zc_options_init(&defaults);
        opt = &defaults;
    }
    const zc_mem *mem = opt->mem ? opt->mem : &zc_default_mem;
    zc_parser *p = zc_malloc(mem, sizeof *p);
    if (!p)
        return NULL;
    memset(p, 0, sizeof *p);
    p->mem = mem;
    p->opt = *opt;
    p->opt.mem = mem;
    if (cb)
        p->cb = *cb;
    p->rules = rules;
    zc_buf_init(&p->decoded, mem);
    zc_buf_init(&p->paged, mem);
    zc_buf_init(&p->cleaned, mem);
    if (!parse_format(opt->format, &p->format)) {
        zc_free(mem, p);
        return NULL;
    }
    p->decoder = zc_decoder_new(mem, opt->encoding, decode_warn, p);
    p->html = zc_html_new(mem, p->format, html_warn, p);
    p->clean = zc_clean_new(mem, !opt->keep_debris);
    p->seg = zc_segmenter_new(mem, opt->max_section_bytes, opt->max_depth,
                              on_group, p);
    p->meta = zc_meta_new(mem);
    if (rules)
        p->matcher = zc_matcher_new(rules, &p->opt);
    if (!p->decoder || !p->html || !p->clean || !p->seg || !p->meta ||
        (rules && !p->matcher)) {
        zc_parser_free(p);
        return NULL;
    }
    zc_sha256_init(&p->sha);
    return p;
}

void zc_parser_free(zc_parser *p)
{
    if (!p)
        return;
    zc_decoder_free(p->decoder);
    zc_html_free(p->html);
    zc_clean_free(p->clean);
    zc_segmenter_free(p->seg);
    zc_meta_free(p->meta);
    zc_matcher_free(p->matcher);
    zc_buf_free(&p->decoded);
    zc_buf_free(&p->paged);
    zc_buf_free(&p->cleaned);
    zc_free(p->mem, p->items);
    zc_free(p->mem, p->ext);
    zc_free(p->mem, p);
}

void zc_parser_reset(zc_parser *p)
{
    if (!p)
        return;
    zc_decoder_reset(p->decoder);
    zc_html_set_format(p->html, p->format);
    zc_html_reset(p->html);
    zc_clean_reset(p->clean);
    zc_segmenter_reset(p->seg);
    zc_meta_reset(p->meta);
    if (p->matcher)
        zc_matcher_reset(p->matcher);
    p->decoded.len = p->paged.len = p->cleaned.len = 0;
    zc_sha256_init(&p->sha);
    p->in_callback = p->finished = p->doc_sent = p->fed = false;
    p->status = ZC_OK;
    memset(&p->err, 0, sizeof p->err);
    memset(&p->stats, 0, sizeof p->stats);
}

static zc_status fail(zc_parser *p, zc_status st)
{
    if (p->status == ZC_OK)
        p->status = st;
    if (p->err.code == ZC_OK) {
        p->err.code = p->status;
        p->err.offset = p->stats.decoded_bytes;
        snprintf(p->err.msg, sizeof p->err.msg, "%s",
                 zc_strerror(p->status));
    }
    return p->status;
}

/* Decoded text through html.c and clean.c, appended to p->cleaned. */
static zc_status page_and_clean(zc_parser *p, const char *s, size_t n,
                                bool final)
{
    if (zc_html_passes(p->html)) /* html.c would only copy it */
        return zc_clean_feed(p->clean, n ? s : "", n, final, &p->cleaned);
    p->paged.len = 0;
    zc_status st = zc_html_feed(p->html, n ? s : "", n, final, &p->paged);
    if (st == ZC_OK)
        st = zc_clean_feed(p->clean, p->paged.len ? p->paged.data : "",
                           p->paged.len, final, &p->cleaned);
    return st;
}

/* Bytes through the front end (decode, html, clean) into the segmenter.
 * What the decoder passes unchanged stays in buf (`tail`) instead of
 * being copied; html.c and clean.c take any chunking, so they get the
 * decoded text in its two pieces. */
static zc_status push(zc_parser *p, const char *buf, size_t len, bool final)
{
    const char *tail;
    size_t ntail;
    p->decoded.len = p->cleaned.len = 0;
    zc_status st = zc_decoder_feed_tail(p->decoder, buf, len, final,
                                        &p->decoded, &tail, &ntail);
    if (st == ZC_OK && (p->decoded.len || !ntail))
        st = page_and_clean(p, p->decoded.data, p->decoded.len,
                            final && !ntail);
    if (st == ZC_OK && ntail)
        st = page_and_clean(p, tail, ntail, final);
    if (st != ZC_OK)
        return fail(p, p->status != ZC_OK ? p->status : st);
    const char *text = p->cleaned.len ? p->cleaned.data : "";
    size_t n = p->cleaned.len;
    if (p->cb.text && n) {
        p->in_callback = true;
        int rc = p->cb.text(text, n, p->stats.decoded_bytes, p->cb.ud);
        p->in_callback = false;
        if (rc)
            return fail(p, ZC_ERR_ABORTED);
    }
    p->stats.decoded_bytes += n;
    st = zc_segmenter_feed(p->seg, text, n);
    if (st == ZC_OK && final)
        st = zc_segmenter_finish(p->seg);
    if (st != ZC_OK)
        return fail(p, p->status != ZC_OK ? p->status : st);
    if (p->status != ZC_OK)
        return fail(p, p->status);
    return ZC_OK;
}

zc_status zc_parser_feed(zc_parser *p, const char *buf, size_t len)
{
    if (!p || (!buf && len))
        return ZC_ERR_ARG;
    if (p->status != ZC_OK)
        return p->status;
    if (p->in_callback || p->finished)
        return ZC_ERR_STATE;
    if (len == 0)
        return ZC_OK; /* buf may be NULL: nothing to hash or decode */
    p->stats.input_bytes += len;
    zc_sha256_update(&p->sha, buf, len);
    while (len) {
        size_t k = len < FEED_SLICE ? len : FEED_SLICE;
        p->fed = true;
        zc_status st = push(p, buf, k, false);
        if (st != ZC_OK)
            return st;
        buf += k;
        len -= k;
    }
    return ZC_OK;
}

zc_status zc_parser_finish(zc_parser *p)
{
    if (!p)
        return ZC_ERR_ARG;
    if (p->status != ZC_OK)
        return p->status;
    if (p->in_callback || p->finished)
        return ZC_ERR_STATE;
    p->finished = true;
    zc_status st = push(p, "", 0, true);
    if (st != ZC_OK)
        return st;
    /* say why a document came out empty */
    if (p->stats.input_bytes == 0)
        warn(p, "empty-input", 0, "the input is empty");
    else if (p->stats.decoded_bytes == 0 && !zc_decoder_binary(p->decoder))
        warn(p, "no-text", 0,
             zc_html_format(p->html) == ZC_FORMAT_HTML
                 ? "the page has no text outside markup and page chrome"
                 : "the input has no text");
    return p->status != ZC_OK ? fail(p, p->status) : ZC_OK;
}

const zc_error *zc_parser_error(const zc_parser *p)
{
    return &p->err;
}

const char *zc_parser_encoding(const zc_parser *p)
{
    return zc_decoder_encoding(p->decoder);
}

const char *zc_parser_format(const zc_parser *p)
{
    if (zc_decoder_binary(p->decoder))
        return "binary";
    return zc_html_format(p->html) == ZC_FORMAT_HTML ? "html" : "text";
}

zc_status zc_parser_set_format(zc_parser *p, const char *format)
{
    zc_format f;
    if (!p)
        return ZC_ERR_ARG;
    if (p->fed || p->finished || p->in_callback)
        return ZC_ERR_STATE;
    if (!parse_format(format, &f))
        return ZC_ERR_ARG;
    zc_html_set_format(p->html, f);
    return ZC_OK;
}

void zc_parser_sha256(const zc_parser *p, char out[65])
{
    zc_sha256_hex(&p->sha, out);
}

void zc_parser_stats(const zc_parser *p, zc_stats *out)
{
    *out = p->stats;
    out->replacements = zc_decoder_replacements(p->decoder);
}

zc_status zc_extract_buffer(const zc_rules *rules, const zc_options *opt,
                            const char *buf, size_t len,
                            const zc_callbacks *cb, zc_error *err)
{
    zc_parser *p = zc_parser_new(rules, opt, cb);
    if (!p) {
        if (err) {
            memset(err, 0, sizeof *err);
            err->code = ZC_ERR_NOMEM;
        }
        return ZC_ERR_NOMEM;
    }
    zc_status st = zc_parser_feed(p, buf, len);
    if (st == ZC_OK)
        st = zc_parser_finish(p);
    if (err)
        *err = p->err;
    zc_parser_free(p);
    return st;
}
