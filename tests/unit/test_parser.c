/*
 * test_parser.c - the public parser API (extract.h): callback order and
 * content, offsets into the decoded text, the call-state rules (sticky
 * errors, ZC_ERR_STATE after finish and from inside callbacks,
 * ZC_ERR_ABORTED), stats, limits, reset and the one-shot entry point.
 *
 * Uses extract.h only, as a user would.
 */
#include "testutil.h"

#include "extract.h"

#include <stdbool.h>

/* ---- a recorder for everything the parser reports -------------------- */

typedef struct rec {
    zc_parser *p;        /* for the re-entry tests                       */
    char *text;          /* the decoded text, from the text callback     */
    size_t text_len;
    char log[16384];     /* "D S:id ... W:code@off" in callback order    */
    size_t n_sections, n_docs, n_warnings, n_text_calls;
    char title[256];
    int year;
    /* behaviour */
    int abort_in;        /* 'D', 'S', 'W', 'T': return 1 there           */
    size_t abort_at;     /* ... on this call (1-based)                   */
    bool reenter;        /* call feed/finish from inside every callback  */
    zc_status reenter_feed, reenter_finish;
    size_t reentered;
    /* checks on sections, against the text seen so far */
    bool check_spans;
    size_t last_start;
    /* which call the callbacks ran in: run() sets 'F' (feed), 'E' (finish) */
    int phase;
    size_t during_feed; /* callbacks that ran inside feed()              */
} rec;

static void logf_(rec *r, const char *fmt, ...)
{
    size_t l = strlen(r->log);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->log + l, sizeof r->log - l, fmt, ap);
    va_end(ap);
}

static void reenter(rec *r)
{
    if (r->phase == 'F')
        r->during_feed++;
    if (!r->reenter)
        return;
    r->reentered++;
    r->reenter_feed = zc_parser_feed(r->p, "一、", 6);
    r->reenter_finish = zc_parser_finish(r->p);
    if (r->reenter_feed != ZC_ERR_STATE || r->reenter_finish != ZC_ERR_STATE)
        fail_msg("re-entry from a callback: feed gave %s, finish gave %s",
                 zc_strerror(r->reenter_feed),
                 zc_strerror(r->reenter_finish));
}

static int on_doc(const zc_document *d, void *ud)
{
    rec *r = ud;
    r->n_docs++;
    /* the document comes once, before any section */
    assert_int_equal(r->n_sections, 0);
    snprintf(r->title, sizeof r->title, "%s", d->title ? d->title : "");
    r->year = d->year;
    logf_(r, "D ");
    reenter(r);
    return r->abort_in == 'D' && r->n_docs == r->abort_at;
}

static int on_section(const zc_section *s, void *ud)
{
    rec *r = ud;
    r->n_sections++;
    logf_(r, "S:%s:%.*s ", s->id, (int)s->marker.len,
          s->marker.ptr ? s->marker.ptr : "");
    if (r->check_spans) {
        /* text is decoded[start, end), the marker opens it, the heading
         * lies inside it, sections come in document order */
        assert_true(s->start <= s->end);
        assert_true(s->end <= r->text_len);
        assert_int_equal(s->text.len, s->end - s->start);
        assert_memory_equal(s->text.ptr, r->text + s->start, s->text.len);
        assert_true(s->marker.len <= s->text.len);
        if (s->marker.len)
            assert_ptr_equal(s->marker.ptr, s->text.ptr);
        if (s->heading.ptr) {
            assert_true(s->heading.ptr >= s->text.ptr);
            assert_true(s->heading.ptr + s->heading.len <=
                        s->text.ptr + s->text.len);
        }
        assert_true(s->start >= r->last_start);
        r->last_start = s->start;
        for (size_t i = 0; i < s->n_items; i++) {
            assert_true(s->items[i].span.start >= s->start);
            assert_true(s->items[i].span.end <= s->end);
            assert_memory_equal(s->items[i].marker.ptr,
                                r->text + s->items[i].span.start,
                                s->items[i].marker.len);
        }
    }
    if (s->level == 0) {
        assert_string_equal(s->id, "0");
        assert_null(s->parent);
        assert_null(s->style);
        assert_int_equal(s->marker.len, 0);
    } else {
        assert_non_null(s->parent);
        assert_non_null(s->style);
    }
    reenter(r);
    return r->abort_in == 'S' && r->n_sections == r->abort_at;
}

static int on_warning(const zc_warning *w, void *ud)
{
    rec *r = ud;
    r->n_warnings++;
    assert_non_null(w->code);
    assert_non_null(w->message);
    logf_(r, "W:%s@%zu ", w->code, w->offset);
    reenter(r);
    return r->abort_in == 'W' && r->n_warnings == r->abort_at;
}

static int on_text(const char *buf, size_t len, size_t offset, void *ud)
{
    rec *r = ud;
    r->n_text_calls++;
    /* pieces arrive in order, back to back */
    assert_int_equal(offset, r->text_len);
    r->text = realloc(r->text, r->text_len + len + 1);
    assert_non_null(r->text);
    memcpy(r->text + r->text_len, buf, len);
    r->text_len += len;
    r->text[r->text_len] = '\0';
    reenter(r);
    return r->abort_in == 'T' && r->n_text_calls == r->abort_at;
}

static zc_parser *new_parser(rec *r, const zc_options *opt)
{
    zc_callbacks cb = {on_doc, on_section, on_warning, on_text, r};
    r->p = zc_parser_new(NULL, opt, &cb);
    assert_non_null(r->p);
    return r->p;
}

/* Forget what was recorded, keep the parser and the behaviour flags. */
static void rec_restart(rec *r)
{
    free(r->text);
    r->text = NULL;
    r->text_len = 0;
    r->log[0] = '\0';
    r->n_sections = r->n_docs = r->n_warnings = r->n_text_calls = 0;
    r->last_start = 0;
}

static void rec_free(rec *r)
{
    zc_parser_free(r->p);
    free(r->text);
    memset(r, 0, sizeof *r);
}

static rec *running; /* the recorder of the parse in progress, if any */

/* Feed `buf` in chunks of `chunk` (0: whole), then finish.  Returns the
 * first non-OK status. */
static zc_status run(zc_parser *p, const char *buf, size_t len, size_t chunk)
{
    if (!chunk)
        chunk = len ? len : 1;
    for (size_t i = 0; i < len; i += chunk) {
        if (running)
            running->phase = 'F';
        zc_status st =
            zc_parser_feed(p, buf + i, len - i < chunk ? len - i : chunk);
        if (st != ZC_OK)
            return st;
    }
    if (running)
        running->phase = 'E';
    return zc_parser_finish(p);
}

/* ---- tests --------------------------------------------------------------- */

static void callbacks_in_order_with_consistent_offsets(void **state)
{
    (void)state;
    size_t len;
    char *in = tu_read("parser/crlf_bom.txt", &len);
    static rec r;
    r.check_spans = true;
    new_parser(&r, NULL);
    assert_int_equal(run(r.p, in, len, 5), ZC_OK);
    /* document first, then the sections in order, parents first */
    assert_string_equal(r.log, "D S:0: S:1:一、 S:1.1:（一） S:1.2:（二） "
                               "S:2:二、 S:2.1:1. ");
    assert_int_equal(r.n_docs, 1);
    /* the decoded text: BOM dropped, CR LF -> LF */
    assert_null(strchr(r.text, '\r'));
    assert_true(r.text_len == len - 3 - 6); /* BOM + six CRs */
    assert_memory_equal(r.text, in + 3, 6);
    assert_string_equal(r.title, "某县2023年政务公开工作要点");
    zc_stats st;
    zc_parser_stats(r.p, &st);
    assert_int_equal(st.input_bytes, len);
    assert_int_equal(st.decoded_bytes, r.text_len);
    assert_int_equal(st.sections, 6);
    assert_int_equal(st.replacements, 0);
    assert_int_equal(st.warnings, 0);
    assert_string_equal(zc_parser_encoding(r.p), "utf-8");
    rec_free(&r);
    free(in);
}

static void same_result_at_every_chunk_size(void **state)
{
    (void)state;
    /* as detected, and forced to UTF-8 plain text with the furniture
     * cleaner off: then nothing is held back and every chunk edge reaches
     * the segmenter (each variant against its own one-piece reference) */
    static const char *const files[] = {"segment/runon.txt",
                                        "segment/one_line.txt",
                                        "parser/crlf_bom.txt",
                                        "parser/long.txt"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        size_t len;
        char *in = tu_read(files[f], &len);
        for (int forced = 0; forced < 2; forced++) {
            zc_options opt;
            zc_options_init(&opt);
            if (forced) {
                opt.encoding = "utf-8";
                opt.format = "text";
                opt.keep_debris = 1;
            }
            static rec ref, r;
            ref.check_spans = true;
            new_parser(&ref, &opt);
            assert_int_equal(run(ref.p, in, len, 0), ZC_OK);
            for (size_t chunk = 1; chunk <= 70; chunk++) {
                r.check_spans = true;
                new_parser(&r, &opt);
                assert_int_equal(run(r.p, in, len, chunk), ZC_OK);
                if (strcmp(r.log, ref.log) != 0 ||
                    r.text_len != ref.text_len || r.year != ref.year ||
                    strcmp(r.title, ref.title) != 0)
                    fail_msg("%s%s, chunk size %zu:\n  expected %s\n  got "
                             "     %s",
                             files[f], forced ? " (forced)" : "", chunk,
                             ref.log, r.log);
                rec_free(&r);
            }
            rec_free(&ref);
        }
        free(in);
    }
}

static void feed_after_finish_is_a_state_error(void **state)
{
    (void)state;
    static rec r;
    new_parser(&r, NULL);
    assert_int_equal(zc_parser_feed(r.p, "一、总则\n", 13), ZC_OK);
    assert_int_equal(zc_parser_finish(r.p), ZC_OK);
    assert_int_equal(zc_parser_feed(r.p, "二、附则\n", 13), ZC_ERR_STATE);
    assert_int_equal(zc_parser_feed(r.p, "", 0), ZC_ERR_STATE);
    assert_int_equal(zc_parser_finish(r.p), ZC_ERR_STATE);
    /* nothing more was reported */
    assert_string_equal(r.log, "D S:0: S:1:一、 ");
    /* reset makes it usable again */
    zc_parser_reset(r.p);
    rec_restart(&r);
    assert_int_equal(run(r.p, "一、附则\n", 13, 0), ZC_OK);
    assert_string_equal(r.log, "D S:0: S:1:一、 ");
    rec_free(&r);
}

static void feed_from_inside_a_callback_is_a_state_error(void **state)
{
    (void)state;
    /* a long document, so that callbacks run inside feed() and not only
     * inside finish() (a short one is held back until the end) */
    static const char *const files[] = {"parser/long.txt",
                                        "parser/invalid.txt"};
    for (size_t f = 0; f < 2; f++) {
        size_t len;
        char *in = tu_read(files[f], &len);
        static rec r, ref;
        new_parser(&ref, NULL);
        assert_int_equal(run(ref.p, in, len, 0), ZC_OK);
        /* every callback kind tries feed() and finish(): both refused,
         * and the outer parse goes on undisturbed */
        r.reenter = true;
        new_parser(&r, NULL);
        running = &r;
        assert_int_equal(run(r.p, in, len, f ? 3 : 1000), ZC_OK);
        running = NULL;
        assert_true(r.reentered >= 4);
        if (f == 0)
            assert_true(r.during_feed > 10); /* really from inside feed */
        else
            assert_true(r.n_warnings >= 1 && r.n_text_calls >= 1);
        assert_int_equal(r.n_docs, 1);
        assert_string_equal(r.log, ref.log);
        assert_int_equal(zc_parser_error(r.p)->code, ZC_OK);
        rec_free(&r);
        rec_free(&ref);
        free(in);
    }
}

/* A callback that aborts inside feed(): feed returns ZC_ERR_ABORTED and
 * nothing more is reported, ever. */
static void abort_during_feed(void **state)
{
    (void)state;
    size_t len;
    char *in = tu_read("parser/long.txt", &len);
    static const int where[] = {'S', 'D', 'T'};
    for (size_t w = 0; w < 3; w++) {
        static rec r;
        r.abort_in = where[w];
        r.abort_at = where[w] == 'S' ? 5 : 1;
        new_parser(&r, NULL);
        zc_status st = ZC_OK;
        size_t i = 0;
        for (; i < len && st == ZC_OK; i += 512)
            st = zc_parser_feed(r.p, in + i, len - i < 512 ? len - i : 512);
        if (st != ZC_ERR_ABORTED || i >= len)
            fail_msg("abort in '%c' inside feed: got %s after %zu of %zu "
                     "bytes", where[w], zc_strerror(st), i, len);
        size_t n = r.n_sections, t = r.n_text_calls;
        assert_int_equal(zc_parser_feed(r.p, in + i, 10), ZC_ERR_ABORTED);
        assert_int_equal(zc_parser_finish(r.p), ZC_ERR_ABORTED);
        assert_int_equal(r.n_sections, n);
        assert_int_equal(r.n_text_calls, t);
        assert_int_equal(zc_parser_error(r.p)->code, ZC_ERR_ABORTED);
        rec_free(&r);
    }
    free(in);
}

static void abort_from_each_callback(void **state)
{
    (void)state;
    size_t len;
    char *in = tu_read("parser/invalid.txt", &len);
    static const struct {
        int where;
        size_t at;
    } c[] = {{'S', 1}, {'S', 3}, {'D', 1}, {'W', 1}, {'T', 1}};
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        for (size_t chunk = 0; chunk <= 8; chunk += 4) {
            static rec r;
            r.abort_in = c[i].where;
            r.abort_at = c[i].at;
            new_parser(&r, NULL);
            zc_status st = run(r.p, in, len, chunk);
            if (st != ZC_ERR_ABORTED)
                fail_msg("abort in '%c' #%zu (chunk %zu): got %s", c[i].where,
                         c[i].at, chunk, zc_strerror(st));
            /* no callback after the one that aborted */
            if (c[i].where == 'S')
                assert_int_equal(r.n_sections, c[i].at);
            if (c[i].where == 'D')
                assert_int_equal(r.n_sections, 0);
            /* sticky, with the detail record */
            assert_int_equal(zc_parser_feed(r.p, "x", 1), ZC_ERR_ABORTED);
            assert_int_equal(zc_parser_finish(r.p), ZC_ERR_ABORTED);
            assert_int_equal(zc_parser_feed(r.p, "x", 1), ZC_ERR_ABORTED);
            assert_int_equal(zc_parser_error(r.p)->code, ZC_ERR_ABORTED);
            size_t n = r.n_sections;
            assert_int_equal(zc_parser_finish(r.p), ZC_ERR_ABORTED);
            assert_int_equal(r.n_sections, n);
            rec_free(&r);
        }
    }
    free(in);
}

static void invalid_input_gives_warnings_not_errors(void **state)
{
    (void)state;
    size_t len;
    char *in = tu_read("parser/invalid.txt", &len);
    static rec r;
    r.check_spans = true;
    new_parser(&r, NULL);
    assert_int_equal(run(r.p, in, len, 1), ZC_OK);
    /* one invalid byte and one NUL in the file, at these input offsets */
    const char *ff = memchr(in, 0xFF, len);
    const char *nul = memchr(in, 0, len);
    assert_non_null(ff);
    assert_non_null(nul);
    char want[128];
    snprintf(want, sizeof want, "W:invalid-utf8@%zu ", (size_t)(ff - in));
    assert_non_null(strstr(r.log, want));
    snprintf(want, sizeof want, "W:nul-byte@%zu ", (size_t)(nul - in));
    assert_non_null(strstr(r.log, want));
    zc_stats st;
    zc_parser_stats(r.p, &st);
    assert_int_equal(st.replacements, 2);
    assert_int_equal(st.warnings, 2);
    assert_int_equal(st.decoded_bytes, len + 2 * 2); /* 1 byte -> 3 bytes */
    assert_non_null(strstr(r.log, "S:1.1:（一）"));
    rec_free(&r);
    free(in);
}

static void max_warnings_caps_the_reports_not_the_count(void **state)
{
    (void)state;
    /* 300 invalid bytes in text (300 bytes of nothing but 0xFF would be
     * binary input: one warning, no text) */
    char in[300 * 16];
    for (size_t i = 0; i < sizeof in; i += 16)
        memcpy(in + i, "\xFF" "abcdefghijklmn\n", 16);
    static rec r;
    zc_options opt;
    zc_options_init(&opt);
    opt.max_warnings = 10;
    new_parser(&r, &opt);
    assert_int_equal(run(r.p, in, sizeof in, 0), ZC_OK);
    assert_int_equal(r.n_warnings, 10);
    zc_stats st;
    zc_parser_stats(r.p, &st);
    assert_int_equal(st.warnings, 300);
    assert_int_equal(st.replacements, 300);
    rec_free(&r);
}

static void oversized_section_is_truncated_with_a_warning(void **state)
{
    (void)state;
    size_t len;
    char *in = tu_read("segment/runon.txt", &len);
    static rec r;
    zc_options opt;
    zc_options_init(&opt);
    opt.max_section_bytes = 300;
    r.check_spans = true;
    new_parser(&r, &opt);
    assert_int_equal(run(r.p, in, len, 64), ZC_OK);
    assert_non_null(strstr(r.log, "W:truncated-section@"));
    /* the sections before the long one are all there */
    assert_non_null(strstr(r.log, "S:2.6:（六）"));
    rec_free(&r);
    free(in);
}

static void bad_arguments(void **state)
{
    (void)state;
    assert_int_equal(zc_parser_feed(NULL, "x", 1), ZC_ERR_ARG);
    assert_int_equal(zc_parser_finish(NULL), ZC_ERR_ARG);
    static rec r;
    new_parser(&r, NULL);
    assert_int_equal(zc_parser_feed(r.p, NULL, 1), ZC_ERR_ARG);
    /* the ARG error is not sticky: nothing was consumed */
    assert_int_equal(zc_parser_feed(r.p, "", 0), ZC_OK);
    assert_int_equal(zc_parser_finish(r.p), ZC_OK);
    assert_string_equal(r.log, "D S:0: W:empty-input@0 ");
    rec_free(&r);
    zc_parser_free(NULL); /* allowed, like free(NULL) */
    zc_options opt;
    zc_options_init(&opt);
    opt.encoding = "ebcdic";
    zc_callbacks cb = {0};
    assert_null(zc_parser_new(NULL, &opt, &cb));
}

/* feed(p, NULL, 0) is allowed (extract.h: "0 allowed"); it once handed
 * NULL to memcpy in sha256.c, which UBSan aborts on (fixed in dd682d4). */
static void feed_null_with_zero_length(void **state)
{
    (void)state;
    static rec r;
    new_parser(&r, NULL);
    assert_int_equal(zc_parser_feed(r.p, "一、", 6), ZC_OK);
    assert_int_equal(zc_parser_feed(r.p, NULL, 0), ZC_OK);
    assert_int_equal(zc_parser_feed(r.p, "总则\n", 7), ZC_OK);
    assert_int_equal(zc_parser_finish(r.p), ZC_OK);
    assert_string_equal(r.log, "D S:0: S:1:一、 ");
    rec_free(&r);
}

static void sha256_and_stats(void **state)
{
    (void)state;
    static rec r;
    new_parser(&r, NULL);
    assert_int_equal(run(r.p, "abc", 3, 1), ZC_OK);
    char hex[65];
    zc_parser_sha256(r.p, hex);
    assert_string_equal(
        hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    zc_parser_reset(r.p);
    rec_restart(&r);
    zc_stats st;
    zc_parser_stats(r.p, &st);
    assert_int_equal(st.input_bytes, 0);
    assert_int_equal(st.sections, 0);
    assert_int_equal(run(r.p, "", 0, 0), ZC_OK);
    zc_parser_sha256(r.p, hex);
    assert_string_equal(
        hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    rec_free(&r);
}

static void gbk_input(void **state)
{
    (void)state;
    size_t len, ulen;
    char *in = tu_read("decode/gbk.txt", &len);
    char *utf8 = tu_read("decode/gbk.utf8.txt", &ulen);
    static rec r;
    r.check_spans = true;
    new_parser(&r, NULL);
    assert_int_equal(run(r.p, in, len, 3), ZC_OK);
    assert_string_equal(zc_parser_encoding(r.p), "gb18030");
    /* spans are into the decoded UTF-8, not into the GBK bytes */
    assert_int_equal(r.text_len, ulen);
    assert_memory_equal(r.text, utf8, ulen);
    assert_non_null(strstr(r.log, "S:1.1:（一）"));
    rec_free(&r);
    free(in);
    free(utf8);
}

static void one_shot_equals_streaming(void **state)
{
    (void)state;
    size_t len;
    char *in = tu_read("parser/crlf_bom.txt", &len);
    static rec a, b;
    new_parser(&a, NULL);
    assert_int_equal(run(a.p, in, len, 1), ZC_OK);
    zc_callbacks cb = {on_doc, on_section, on_warning, on_text, &b};
    zc_error err;
    memset(&err, 0x55, sizeof err);
    assert_int_equal(zc_extract_buffer(NULL, NULL, in, len, &cb, &err), ZC_OK);
    assert_int_equal(err.code, ZC_OK);
    assert_string_equal(a.log, b.log);
    /* and an abort comes back through it with the detail record */
    static rec c;
    c.abort_in = 'S';
    c.abort_at = 2;
    cb.ud = &c;
    assert_int_equal(zc_extract_buffer(NULL, NULL, in, len, &cb, &err),
                     ZC_ERR_ABORTED);
    assert_int_equal(err.code, ZC_ERR_ABORTED);
    assert_true(strlen(err.msg) > 0);
    rec_restart(&c);
    assert_int_equal(zc_extract_buffer(NULL, NULL, in, len, &cb, NULL),
                     ZC_ERR_ABORTED);
    assert_int_equal(c.n_sections, 2);
    rec_free(&a);
    free(b.text);
    free(c.text);
    free(in);
}

static void strerror_and_version(void **state)
{
    (void)state;
    const char *seen[16];
    for (int s = ZC_OK; s <= ZC_ERR_STATE; s++) {
        const char *m = zc_strerror((zc_status)s);
        assert_non_null(m);
        assert_true(strlen(m) > 0);
        for (int k = 0; k < s; k++)
            assert_string_not_equal(m, seen[k]);
        seen[s] = m;
    }
    assert_non_null(zc_strerror((zc_status)99));
    const char *v = zc_version();
    unsigned a, b, c;
    char end;
    assert_int_equal(sscanf(v, "%u.%u.%u%c", &a, &b, &c, &end), 3);
}

static void option_defaults(void **state)
{
    (void)state;
    zc_options o;
    memset(&o, 0x5A, sizeof o);
    zc_options_init(&o);
    assert_int_equal(o.max_section_bytes, (size_t)1 << 20); /* 1 MiB */
    assert_int_equal(o.max_depth, 8);
    assert_int_equal(o.match_limit, 1000000);
    assert_int_equal(o.heap_limit_kib, 20000);
    assert_int_equal(o.max_warnings, 100);
    assert_int_equal(o.default_year, 0);
    assert_int_equal(o.year_before, ZC_YEAR_BEFORE_EXCLUSIVE);
    assert_null(o.encoding);
    assert_null(o.mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(callbacks_in_order_with_consistent_offsets),
        cmocka_unit_test(same_result_at_every_chunk_size),
        cmocka_unit_test(feed_after_finish_is_a_state_error),
        cmocka_unit_test(feed_from_inside_a_callback_is_a_state_error),
        cmocka_unit_test(abort_from_each_callback),
        cmocka_unit_test(abort_during_feed),
        cmocka_unit_test(invalid_input_gives_warnings_not_errors),
        cmocka_unit_test(max_warnings_caps_the_reports_not_the_count),
        cmocka_unit_test(oversized_section_is_truncated_with_a_warning),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(feed_null_with_zero_length),
        cmocka_unit_test(sha256_and_stats),
        cmocka_unit_test(gbk_input),
        cmocka_unit_test(one_shot_equals_streaming),
        cmocka_unit_test(strerror_and_version),
        cmocka_unit_test(option_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
