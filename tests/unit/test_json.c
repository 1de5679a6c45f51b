/*
 * test_json.c - the JSON writer (emit_json.c, extract_json.h).
 *
 * The output must be well-formed JSON whatever the text holds (control
 * characters, quotes, backslashes, U+FFFD, sections bigger than the
 * writer's 64 KiB flush buffer), in the documented key order, one object
 * per line unless pretty-printed, and every extraction item rendered with
 * the fields the schema documents.
 *
 *   test_json                      run the tests
 *   test_json --write-sample FILE  write a document whose sections carry
 *                                  every kind of extraction item (with
 *                                  --explain), for the schema test
 */
#include "testutil.h"

#include "extract_json.h"

#include <stdbool.h>

/* ---- helpers ------------------------------------------------------------- */

typedef struct {
    char *buf;
    size_t len;
    FILE *f;
} memout;

static void mo_open(memout *m)
{
    m->buf = NULL;
    m->len = 0;
    m->f = open_memstream(&m->buf, &m->len);
    assert_non_null(m->f);
}

static void mo_close(memout *m)
{
    fclose(m->f);
    m->f = NULL;
}

/* Convert `in` with the writer; returns the output (caller frees). */
static char *convert(const char *in, size_t len, unsigned flags, size_t chunk,
                     const char *error, size_t *out_len)
{
    memout m;
    mo_open(&m);
    zc_json_writer *w = zc_json_writer_new(m.f, flags);
    assert_non_null(w);
    zc_callbacks cb;
    zc_json_writer_callbacks(w, &cb);
    zc_parser *p = zc_parser_new(NULL, NULL, &cb);
    assert_non_null(p);
    assert_int_equal(zc_json_writer_begin(w, "dir/notice.txt", "text"),
                     ZC_OK);
    if (!chunk)
        chunk = len ? len : 1;
    for (size_t i = 0; i < len; i += chunk)
        assert_int_equal(
            zc_parser_feed(p, in + i, len - i < chunk ? len - i : chunk),
            ZC_OK);
    assert_int_equal(zc_parser_finish(p), ZC_OK);
    assert_int_equal(zc_json_writer_end(w, p, error), ZC_OK);
    zc_json_writer_free(w);
    zc_parser_free(p);
    mo_close(&m);
    *out_len = m.len;
    return m.buf;
}

static cJSON *parse_one(const char *s, size_t n)
{
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(s, n, &end, false);
    if (!j)
        fail_msg("not JSON near byte %zu: \"%.40s\"",
                 end ? (size_t)(end - s) : 0, end ? end : "");
    return j;
}

static const cJSON *get(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!v)
        fail_msg("missing key \"%s\"", k);
    return v;
}

/* ---- tests --------------------------------------------------------------- */

static void document_shape_and_key_order(void **state)
{
    (void)state;
    size_t len, n;
    char *in = tu_read("parser/crlf_bom.txt", &len);
    char *out = convert(in, len, 0, 7, NULL, &n);
    /* one line: JSON Lines */
    assert_true(n > 2);
    assert_int_equal(out[n - 1], '\n');
    assert_null(memchr(out, '\n', n - 1));
    cJSON *j = parse_one(out, n);
    static const char *const keys[] = {"schema",   "document", "sections",
                                       "source",   "warnings", "stats"};
    const cJSON *k = j->child;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++, k = k->next) {
        assert_non_null(k);
        assert_string_equal(k->string, keys[i]);
    }
    assert_null(k); /* no "error" */
    assert_string_equal(get(j, "schema")->valuestring, "zhengce/1");
    const cJSON *src = get(j, "source");
    assert_string_equal(get(src, "path")->valuestring, "dir/notice.txt");
    assert_int_equal(get(src, "bytes")->valueint, (int)len);
    assert_string_equal(get(src, "encoding")->valuestring, "utf-8");
    assert_string_equal(get(src, "format")->valuestring, "text");
    assert_int_equal(strlen(get(src, "sha256")->valuestring), 64);
    const cJSON *secs = get(j, "sections");
    assert_int_equal(cJSON_GetArraySize(secs), 6);
    const cJSON *root = cJSON_GetArrayItem(secs, 0);
    assert_string_equal(get(root, "id")->valuestring, "0");
    assert_true(cJSON_IsNull(get(root, "heading")));
    assert_null(cJSON_GetObjectItemCaseSensitive(root, "parent"));
    assert_null(cJSON_GetObjectItemCaseSensitive(root, "marker"));
    const cJSON *s11 = cJSON_GetArrayItem(secs, 2);
    assert_string_equal(get(s11, "id")->valuestring, "1.1");
    assert_string_equal(get(s11, "parent")->valuestring, "1");
    assert_string_equal(get(s11, "marker")->valuestring, "（一）");
    assert_string_equal(get(s11, "style")->valuestring, "zh_paren");
    assert_string_equal(get(s11, "heading")->valuestring, "指导思想");
    assert_int_equal(get(s11, "level")->valueint, 2);
    assert_int_equal(get(s11, "number")->valueint, 1);
    static const char *const skeys[] = {
        "id",   "parent", "level",       "number",    "marker",  "style",
        "heading", "span", "text",       "items",     "assignments",
        "deadlines", "targets", "quantities"};
    k = s11->child;
    for (size_t i = 0; i < sizeof skeys / sizeof skeys[0]; i++, k = k->next) {
        assert_non_null(k);
        assert_string_equal(k->string, skeys[i]);
    }
    /* the text is the decoded text of the span */
    const cJSON *span = get(s11, "span");
    int a = cJSON_GetArrayItem(span, 0)->valueint;
    int b = cJSON_GetArrayItem(span, 1)->valueint;
    const char *text = get(s11, "text")->valuestring;
    assert_int_equal((int)strlen(text), b - a);
    assert_memory_equal(text, "（一）指导思想。", 24);
    const cJSON *doc = get(j, "document");
    assert_string_equal(get(doc, "title")->valuestring,
                        "某县2023年政务公开工作要点");
    assert_true(cJSON_IsArray(get(doc, "recipients")));
    assert_int_equal(get(doc, "year")->valueint, 2023);
    cJSON_Delete(j);
    free(out);
    free(in);
}

static void hostile_text_is_escaped(void **state)
{
    (void)state;
    size_t len, n;
    char *in = tu_read("json/escapes.txt", &len);
    char *out = convert(in, len, 0, 0, NULL, &n);
    /* no raw control character anywhere but the final newline */
    for (size_t i = 0; i + 1 < n; i++)
        if ((unsigned char)out[i] < 0x20)
            fail_msg("raw control byte 0x%02x at %zu", out[i], i);
    cJSON *j = parse_one(out, n);
    /* and the text reads back exactly: the root holds the whole input,
     * with the NUL as U+FFFD */
    const cJSON *secs = get(j, "sections");
    const cJSON *root = cJSON_GetArrayItem(secs, 0);
    const char *t = get(root, "text")->valuestring;
    const char *nul = memchr(in, 0, len);
    assert_non_null(nul);
    size_t pre = (size_t)(nul - in);
    assert_memory_equal(t, in, pre);
    assert_memory_equal(t + pre, "\xEF\xBF\xBD", 3);
    /* (the root's span ends before the final line break) */
    assert_int_equal(strlen(t + pre + 3), len - pre - 1 - 1);
    assert_memory_equal(t + pre + 3, nul + 1, len - pre - 2);
    assert_int_equal(cJSON_GetArraySize(get(j, "warnings")), 1);
    cJSON_Delete(j);
    free(out);
    free(in);
}

static void pretty_equals_compact(void **state)
{
    (void)state;
    size_t len, n1, n2;
    char *in = tu_read("segment/runon.txt", &len);
    char *a = convert(in, len, 0, 0, NULL, &n1);
    char *b = convert(in, len, ZC_JSON_PRETTY, 0, NULL, &n2);
    assert_true(memchr(b, '\n', n2 - 1) != NULL); /* indented */
    cJSON *ja = parse_one(a, n1), *jb = parse_one(b, n2);
    assert_true(cJSON_Compare(ja, jb, true));
    cJSON_Delete(ja);
    cJSON_Delete(jb);
    free(a);
    free(b);
    free(in);
}

static void no_text_and_error(void **state)
{
    (void)state;
    size_t len, n;
    char *in = tu_read("segment/nested.txt", &len);
    char *out = convert(in, len, ZC_JSON_NO_TEXT, 0, "cannot read: boom", &n);
    cJSON *j = parse_one(out, n);
    const cJSON *s;
    cJSON_ArrayForEach(s, get(j, "sections"))
        assert_null(cJSON_GetObjectItemCaseSensitive(s, "text"));
    assert_string_equal(get(j, "error")->valuestring, "cannot read: boom");
    cJSON_Delete(j);
    free(out);
    free(in);
}

static void json_lines_for_several_documents(void **state)
{
    (void)state;
    memout m;
    mo_open(&m);
    zc_json_writer *w = zc_json_writer_new(m.f, 0);
    zc_callbacks cb;
    zc_json_writer_callbacks(w, &cb);
    zc_parser *p = zc_parser_new(NULL, NULL, &cb);
    static const char *const docs[] = {"一、第一篇\n", "", "一、第三篇\n二、完\n"};
    for (size_t i = 0; i < 3; i++) {
        zc_parser_reset(p);
        assert_int_equal(zc_json_writer_begin(w, NULL, NULL), ZC_OK);
        assert_int_equal(zc_parser_feed(p, docs[i], strlen(docs[i])), ZC_OK);
        assert_int_equal(zc_parser_finish(p), ZC_OK);
        assert_int_equal(zc_json_writer_end(w, p, NULL), ZC_OK);
    }
    zc_json_writer_free(w);
    zc_parser_free(p);
    mo_close(&m);
    /* three lines, each one object; stdin has a null path */
    const char *line = m.buf;
    int secs[3] = {2, 1, 3};
    for (int i = 0; i < 3; i++) {
        const char *nl = strchr(line, '\n');
        assert_non_null(nl);
        cJSON *j = parse_one(line, (size_t)(nl - line));
        assert_int_equal(cJSON_GetArraySize(get(j, "sections")), secs[i]);
        assert_true(cJSON_IsNull(get(get(j, "source"), "path")));
        cJSON_Delete(j);
        line = nl + 1;
    }
    assert_int_equal(*line, '\0');
    free(m.buf);
}

static void section_larger_than_the_flush_buffer(void **state)
{
    (void)state;
    /* 200 KiB of text in one section, with quotes to escape */
    const char *unit = "推进\"依法行政\"工作，";
    size_t ul = strlen(unit), reps = 200 * 1024 / ul;
    const char *head = "一、总体要求\n";
    size_t hl = strlen(head);
    size_t len = hl + reps * ul;
    char *in = malloc(len + 1);
    assert_non_null(in);
    memcpy(in, head, hl);
    for (size_t i = 0; i < reps; i++)
        memcpy(in + hl + i * ul, unit, ul);
    in[len] = '\0';
    size_t n;
    char *out = convert(in, len, 0, 4096, NULL, &n);
    cJSON *j = parse_one(out, n);
    const cJSON *s1 = cJSON_GetArrayItem(get(j, "sections"), 1);
    assert_string_equal(get(s1, "text")->valuestring, in);
    cJSON_Delete(j);
    free(out);
    free(in);
}

/* ---- section text from the writer's cache -------------------------------- */

/* The writer escapes a section's text once and writes a sub-section's
 * text as a slice of that.  Its document callback empties the cache, so a
 * second writer that is sent the document again before every section
 * escapes every text afresh: the two outputs must be the same bytes. */
typedef struct {
    zc_callbacks cached, fresh;
    const zc_document *doc;
    char text[4][1024]; /* each document's decoded text */
    size_t doc_no;
} pair;

static int pair_text(const char *buf, size_t len, size_t offset, void *ud)
{
    pair *x = ud;
    assert_true(offset + len <= sizeof x->text[0]);
    memcpy(x->text[x->doc_no] + offset, buf, len);
    return 0;
}

/* Every section "text" in the JSON Lines `out` is its span of the decoded
 * text: what the writer's cache must never get wrong. */
static void texts_are_spans(const pair *x, const char *out)
{
    const char *line = out;
    for (size_t d = 0; d < 4; d++) {
        const char *nl = strchr(line, '\n');
        assert_non_null(nl);
        cJSON *j = parse_one(line, (size_t)(nl - line));
        const cJSON *sec;
        cJSON_ArrayForEach(sec, get(j, "sections"))
        {
            const cJSON *span = get(sec, "span");
            size_t a = (size_t)cJSON_GetArrayItem(span, 0)->valuedouble;
            size_t b = (size_t)cJSON_GetArrayItem(span, 1)->valuedouble;
            const char *t = get(sec, "text")->valuestring;
            assert_int_equal(strlen(t), b - a);
            assert_memory_equal(t, x->text[d] + a, b - a);
        }
        cJSON_Delete(j);
        line = nl + 1;
    }
}

static int pair_document(const zc_document *d, void *ud)
{
    pair *x = ud;
    x->doc = d;
    return x->cached.document(d, x->cached.ud) ||
           x->fresh.document(d, x->fresh.ud);
}

static int pair_section(const zc_section *s, void *ud)
{
    pair *x = ud;
    return x->cached.section(s, x->cached.ud) ||
           x->fresh.document(x->doc, x->fresh.ud) ||
           x->fresh.section(s, x->fresh.ud);
}

static int pair_warning(const zc_warning *wn, void *ud)
{
    pair *x = ud;
    return x->cached.warning(wn, x->cached.ud) ||
           x->fresh.warning(wn, x->fresh.ud);
}

/* Two writers into memory, the one with the cache (wc) and the one made
 * to escape afresh (wf), their callbacks in x. */
static void open_pair(memout *mc, memout *mf, zc_json_writer **wc,
                      zc_json_writer **wf, pair *x)
{
    mo_open(mc);
    mo_open(mf);
    *wc = zc_json_writer_new(mc->f, 0);
    *wf = zc_json_writer_new(mf->f, 0);
    zc_json_writer_callbacks(*wc, &x->cached);
    zc_json_writer_callbacks(*wf, &x->fresh);
}

/* The writer with the cache (wc) and the one made to escape afresh (wf)
 * freed with their parser, and what they wrote: byte for byte the same. */
static void close_and_compare(zc_json_writer *wc, zc_json_writer *wf,
                              zc_parser *p, memout *mc, memout *mf)
{
    zc_json_writer_free(wc);
    zc_json_writer_free(wf);
    zc_parser_free(p);
    mo_close(mc);
    mo_close(mf);
    assert_int_equal(mc->len, mf->len);
    assert_memory_equal(mc->buf, mf->buf, mc->len);
}

/* Hand-made sections: a parent, then every slice of it as a child.  The
 * parents hold escapes at both ends and characters of every length; the
 * slices start and end inside characters and escapes (no parser cuts
 * there, but the cache must notice and leave the slice to be escaped
 * afresh). */
static void cached_text_equals_fresh_escape_by_hand(void **state)
{
    (void)state;
    static const char *const parents[] = {
        "\"中\\a\n文\t\x01\"b\r\037字\"",
        "中文\n字符\n",
        "中\\文\n\"\x7f",        /* escapes, DEL                  */
        "中文\"\xf0\x9f\x98\x80", /* 4 bytes at the end            */
        "\xe0\xa0\x80\xed\x9f\xbf\xf0\x90\x80\x80\xc2\x80\n\"", /* 2-4 bytes */
        "",
    };
    zc_document doc;
    memset(&doc, 0, sizeof doc);
    for (size_t k = 0; k < sizeof parents / sizeof parents[0]; k++) {
        const char *t = parents[k];
        size_t n = strlen(t);
        memout mc, mf;
        zc_json_writer *wc, *wf;
        pair x;
        open_pair(&mc, &mf, &wc, &wf, &x);
        zc_parser *p = zc_parser_new(NULL, NULL, NULL);
        assert_int_equal(zc_json_writer_begin(wc, NULL, NULL), ZC_OK);
        assert_int_equal(zc_json_writer_begin(wf, NULL, NULL), ZC_OK);
        assert_int_equal(pair_document(&doc, &x), 0);
        zc_section s;
        memset(&s, 0, sizeof s);
        s.id = "1";
        s.level = 1;
        s.style = "zh_dun";
        s.start = 100;
        s.end = 100 + n;
        s.text.ptr = t;
        s.text.len = n;
        char copy[64];
        assert_true(n < sizeof copy);
        for (size_t a = 0; a <= n; a++) {
            for (size_t b = a; b <= n; b++) {
                s.id = "1";
                s.level = 1;
                s.start = 100;
                s.end = 100 + n;
                s.text.ptr = t;
                s.text.len = n;
                assert_int_equal(pair_section(&s, &x), 0);
                s.id = "1.1";
                s.level = 2;
                s.start = 100 + a;
                s.end = 100 + b;
                s.text.ptr = t + a;
                s.text.len = b - a;
                assert_int_equal(pair_section(&s, &x), 0);
                /* the same span, but the text elsewhere (and different):
                 * the writer must not take it from the cache */
                memcpy(copy, t + a, b - a);
                for (size_t i = 0; i < b - a; i++)
                    copy[i] = copy[i] == 'a' ? 'b' : copy[i] == '\n' ? 'n' : copy[i];
                s.text.ptr = copy;
                assert_int_equal(pair_section(&s, &x), 0);
            }
        }
        assert_int_equal(zc_json_writer_end(wc, p, NULL), ZC_OK);
        assert_int_equal(zc_json_writer_end(wf, p, NULL), ZC_OK);
        close_and_compare(wc, wf, p, &mc, &mf);
        cJSON_Delete(parse_one(mc.buf, mc.len));
        free(mc.buf);
        free(mf.buf);
    }
}

/* Through the parser: nested sections with text to escape, in chunks,
 * with top-level sections cut at max_section_bytes (the rest of a cut
 * section comes in a later group, in a buffer the segmenter reuses), two
 * documents through the same writers. */
static void cached_text_equals_fresh_escape_through_the_parser(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "关于印发\"方案\"的通知\n各单位：\n"
        "一、总体要求\n（一）指导思想。坚持\"以人为本\"，路径C:\\dir\\a。\n"
        "1. 第一条，内容\t制表，\"引号\"。\n2. 第二条\"引号\"，还有更多的文字"
        "用来填满这一节，让它比最小的上限更长一些。\n（二）基本原则\n"
        "二、主要任务\n（一）任务一\n1. 细则\\反斜杠\n2. 细则二\n"
        "（二）任务二\n三、保障措施\n",
        /* the next document's preamble lies inside this one's, at the
         * same place in the segmenter's buffer: not the same text */
        "没有编号的一段文字，\"引号\"和反斜杠\\，没有编号的一段文字。\n",
        "其他文字\n一、总则\n",
        "一、总则\n（一）\"目的\"\n1. 第一\n（二）范围\n二、附则\n",
    };
    static const size_t caps[] = {0, 192, 256, 400};
    static const size_t chunks[] = {1, 3, 7, 4096};
    for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
        for (size_t h = 0; h < sizeof chunks / sizeof chunks[0]; h++) {
            memout mc, mf;
            zc_json_writer *wc, *wf;
            pair x;
            open_pair(&mc, &mf, &wc, &wf, &x);
            zc_callbacks cb = {pair_document, pair_section, pair_warning,
                               pair_text, &x};
            zc_options opt;
            zc_options_init(&opt);
            if (caps[c])
                opt.max_section_bytes = caps[c];
            zc_parser *p = zc_parser_new(NULL, &opt, &cb);
            assert_non_null(p);
            for (size_t d = 0; d < sizeof docs / sizeof docs[0]; d++) {
                x.doc_no = d;
                zc_parser_reset(p);
                assert_int_equal(zc_json_writer_begin(wc, NULL, NULL), ZC_OK);
                assert_int_equal(zc_json_writer_begin(wf, NULL, NULL), ZC_OK);
                size_t len = strlen(docs[d]);
                for (size_t i = 0; i < len; i += chunks[h])
                    assert_int_equal(
                        zc_parser_feed(p, docs[d] + i,
                                       len - i < chunks[h] ? len - i
                                                           : chunks[h]),
                        ZC_OK);
                assert_int_equal(zc_parser_finish(p), ZC_OK);
                assert_int_equal(zc_json_writer_end(wc, p, NULL), ZC_OK);
                assert_int_equal(zc_json_writer_end(wf, p, NULL), ZC_OK);
            }
            close_and_compare(wc, wf, p, &mc, &mf);
            if (caps[c] == 192)
                assert_non_null(strstr(mc.buf, "\"truncated\":true"));
            texts_are_spans(&x, mc.buf);
            free(mc.buf);
            free(mf.buf);
        }
    }
}

/* ---- escaping, against a byte-at-a-time reference ----------------------- */

/* Length of the valid UTF-8 sequence at s[0..n) (RFC 3629), 0 if none. */
static size_t ref_utf8(const unsigned char *s, size_t n)
{
    unsigned c = s[0], cp, min;
    size_t k;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        k = 2, min = 0x80, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        k = 3, min = 0x800, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        k = 4, min = 0x10000, cp = c & 0x07;
    else
        return 0;
    if (n < k)
        return 0;
    for (size_t j = 1; j < k; j++) {
        if ((s[j] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[j] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return k;
}

/* "key":"<s escaped>" as the writer must write it. */
static size_t ref_string(const unsigned char *s, size_t n, char *out,
                         const char *key)
{
    size_t o = 0;
    o += (size_t)sprintf(out, "\"%s\":\"", key);
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t k = ref_utf8(s + i, n - i);
        if (!k) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        } else if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
            i++;
        } else if (c < 0x20) {
            const char *e = c == '\n' ? "\\n" : c == '\r' ? "\\r"
                            : c == '\t' ? "\\t" : c == '\b' ? "\\b"
                            : c == '\f' ? "\\f" : NULL;
            if (e)
                o += (size_t)sprintf(out + o, "%s", e);
            else
                o += (size_t)sprintf(out + o, "\\u%04x", c);
            i++;
        } else {
            memcpy(out + o, s + i, k);
            o += k;
            i += k;
        }
    }
    out[o++] = '"';
    out[o] = '\0';
    return o;
}

/* The writer escapes in two ways: strings that may hold any bytes (the
 * path, rule names, zc_section_to_json()) are checked as UTF-8, each
 * invalid byte becoming U+FFFD; text a parser delivered (section text,
 * heading, marker, items) is valid UTF-8 and only has its quotes,
 * backslashes and control characters escaped, 32 or 16 bytes a step. */

/* One document with `t` as the path (checked) and, when `valid`, as a
 * section's text, heading and marker (trusted), then a slice [a, b) of it
 * as a sub-section's text (from the cache) and heading: each must be
 * written as the reference writes it. */
static void check_escapes(zc_json_writer *w, const zc_callbacks *cb,
                          zc_parser *p, memout *m, const unsigned char *t,
                          size_t n, size_t a, size_t b, bool valid,
                          const char *what)
{
    static char path[512], want[512 * 6 + 32];
    zc_document doc;
    memset(&doc, 0, sizeof doc);
    assert_true(n < sizeof path);
    memcpy(path, t, n);
    path[n] = '\0';
    size_t before = m->len;
    assert_int_equal(zc_json_writer_begin(w, path, NULL), ZC_OK);
    assert_int_equal(cb->document(&doc, cb->ud), 0);
    if (valid) {
        zc_section s;
        memset(&s, 0, sizeof s);
        s.id = "1";
        s.level = 1;
        s.style = "zh_dun";
        s.start = 1000;
        s.end = 1000 + n;
        s.marker.ptr = s.heading.ptr = s.text.ptr = (const char *)t;
        s.marker.len = s.heading.len = s.text.len = n;
        assert_int_equal(cb->section(&s, cb->ud), 0);
        s.id = "1.1";
        s.level = 2;
        s.start = 1000 + a;
        s.end = 1000 + b;
        s.heading.ptr = s.text.ptr = (const char *)t + a;
        s.heading.len = s.text.len = b - a;
        assert_int_equal(cb->section(&s, cb->ud), 0);
    }
    assert_int_equal(zc_json_writer_end(w, p, NULL), ZC_OK);
    const char *out = m->buf + before;
    size_t k = ref_string(t, n, want, "path");
    if (!strstr(out, want))
        fail_msg("%s: path of %zu bytes escaped wrongly: %s", what, n, out);
    if (!valid)
        return;
    static const char *const fields[] = {"marker", "heading", "text"};
    for (size_t f = 0; f < 3; f++) {
        ref_string(t, n, want, fields[f]);
        if (!strstr(out, want))
            fail_msg("%s: %s of %zu bytes not as the path's \"%.*s\": %s",
                     what, fields[f], n, (int)k, want, out);
    }
    const char *sub = strstr(out, "\"id\":\"1.1\"");
    assert_non_null(sub);
    for (size_t f = 1; f < 3; f++) {
        ref_string(t + a, b - a, want, fields[f]);
        if (!strstr(sub, want))
            fail_msg("%s: %s of slice [%zu, %zu) escaped wrongly: %s", what,
                     fields[f], a, b, sub);
    }
}

/* Random texts built from the pieces that decide escaping (ASCII, the
 * escaped bytes, CJK, 3-byte sequences with every kind of lead byte, 2-
 * and 4-byte sequences, invalid and cut sequences), at every alignment to
 * the writer's 16- and 32-byte blocks: as the path against the
 * reference; when valid UTF-8, also as the text, heading and marker of a
 * section and as a slice of it (the cache), which must come out as the
 * path does. */
static void escaping_matches_a_byte_at_a_time_reference(void **state)
{
    (void)state;
    static const char *const valid[] = {
        "a", "Z", " ", "\x7F", "\"", "\\", "\n", "\t", "\r", "\b", "\f",
        "\x01", "\x1F", "中", "，", "\xEF\xBF\xBD", "\xE0\xA0\x80",
        "\xED\x9F\xBF", "\xEF\xBF\xBF", "\xE1\x80\x80", "\xC2\x80",
        "\xDF\xBF", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF", "é"};
    static const char *const invalid[] = {
        "\xE0\x80\x80", "\xED\xA0\x80", "\xC0\x80", "\xF4\x90\x80\x80",
        "\x80", "\xBF", "\xE4\xB8", "\xE4", "\xF0\x90", "\xFF", "\xF5"};
    size_t nv = sizeof valid / sizeof valid[0];
    size_t ni = sizeof invalid / sizeof invalid[0];
    memout m;
    mo_open(&m);
    zc_json_writer *w = zc_json_writer_new(m.f, 0);
    zc_callbacks cb;
    zc_json_writer_callbacks(w, &cb);
    zc_parser *p = zc_parser_new(NULL, NULL, NULL);
    uint32_t x = 7;
    unsigned char t[400];
    for (int it = 0; it < 20000; it++) {
        size_t n = 0;
        x = x * 1103515245u + 12345u;
        bool ok = (x >> 12) % 4 != 0;
        size_t len = (x >> 16) % 100, lead = (x >> 8) % 16;
        for (; n < lead; n++)
            t[n] = 'a';
        while (n < lead + len) {
            x = x * 1103515245u + 12345u;
            unsigned r = (x >> 16) % 100;
            const char *pc = r < 50   ? "中"
                             : r < 65 ? "a"
                             : !ok && r < 72 ? invalid[r % ni]
                                             : valid[r % nv];
            size_t l = strlen(pc);
            memcpy(t + n, pc, l);
            n += l;
        }
        /* a slice on character boundaries */
        x = x * 1103515245u + 12345u;
        size_t a = (x >> 16) % (n + 1);
        x = x * 1103515245u + 12345u;
        size_t b = a + (x >> 16) % (n - a + 1);
        while (a < n && (t[a] & 0xC0) == 0x80)
            a++;
        while (b < n && (t[b] & 0xC0) == 0x80)
            b++;
        if (b < a)
            b = a;
        char what[32];
        snprintf(what, sizeof what, "text %d", it);
        check_escapes(w, &cb, p, &m, t, n, a, b, ok, what);
    }
    zc_json_writer_free(w);
    zc_parser_free(p);
    mo_close(&m);
    free(m.buf);
}

/* One byte to escape at every place of texts of every length up to past
 * two 32-byte steps, in ASCII and in CJK (the trusted path's blocks, its
 * last block that overlaps the one before, its byte loop under 16). */
static void one_escape_at_every_place(void **state)
{
    (void)state;
    static const char *const specials[] = {"\"", "\\", "\n", "\x1F", "\x01"};
    memout m;
    mo_open(&m);
    zc_json_writer *w = zc_json_writer_new(m.f, 0);
    zc_callbacks cb;
    zc_json_writer_callbacks(w, &cb);
    zc_parser *p = zc_parser_new(NULL, NULL, NULL);
    unsigned char t[128];
    for (size_t n = 0; n <= 70; n++) {
        for (size_t at = 0; at <= n; at++) {
            for (size_t k = 0; k < 5; k++) {
                /* "a" or 中 up to `at`, the special byte, then more */
                size_t len = 0;
                while (len < n) {
                    bool cjk = (k & 1) && len + 3 <= n && len != at &&
                               !(len < at && at < len + 3);
                    if (len == at)
                        t[len++] = (unsigned char)specials[k][0];
                    else if (cjk) {
                        memcpy(t + len, "中", 3);
                        len += 3;
                    } else
                        t[len++] = 'a';
                }
                char what[48];
                snprintf(what, sizeof what, "n %zu, escape at %zu", n, at);
                check_escapes(w, &cb, p, &m, t, len, at < len ? at : 0, len,
                              true, what);
            }
        }
    }
    zc_json_writer_free(w);
    zc_parser_free(p);
    mo_close(&m);
    free(m.buf);
}

/* ---- extraction items, built by hand ------------------------------------- */

#define ZS(lit) {lit, sizeof(lit) - 1}

static const zc_unit lead[] = {{ZS("市跑改办"), {10, 22}},
                               {ZS("市审管办"), {25, 37}}};
static const zc_unit resp[] = {{ZS("各区、县(市)政府"), {40, 63}}};
static const zc_assignment assignment = {
    lead, 2, resp, 1, NULL, 0,
    ZS("(牵头单位:市跑改办、市审管办;责任单位:各区、县(市)政府)"),
    {0, 80}, {0, 0}, "rules/units.rules:3"};
static const zc_deadline deadlines[] = {
    {ZS("到年底"), {100, 109}, "by", "2019-12-31", "", 0, NULL,
     "rules/deadlines.rules:7"},
    {ZS("2021—2025年"), {110, 124}, "period", "2025-12-31", "2021-01-01",
     0, NULL, "rules/deadlines.rules:9"},
    {ZS("20个工作日内"), {130, 147}, "within", "", "", 20, "workday",
     "rules/deadlines.rules:12"},
};
static const zc_target targets[] = {
    {ZS("90%以上"), {150, 159}, 90, 90, "%", ">=", "target",
     ZS("网办率"), "rules/targets.rules:2"},
    {ZS("80%—90%"), {160, 171}, 80, 90, "%", "=", "target", {NULL, 0},
     "rules/targets.rules:4"},
    {ZS("79.81%"), {172, 178}, 79.81, 79.81, "%", "=", "achieved",
     ZS("网办率"), "rules/targets.rules:5"},
};
static const zc_quantity quantities[] = {
    {ZS("不少于60学时"), {180, 196}, 60, ZS("学时"), ">=",
     "rules/quantities.rules:1"},
    {ZS("2次"), {200, 204}, 2, {NULL, 0}, NULL, "rules/quantities.rules:2"},
};
static const zc_item items[] = {{ZS("一是"), 1, {300, 320}},
                                {ZS("二是"), 2, {320, 340}}};

static zc_section sample_section(void)
{
    zc_section s;
    memset(&s, 0, sizeof s);
    s.id = "1.1";
    s.parent = "1";
    s.level = 2;
    s.number = 1;
    s.style = "zh_paren";
    s.marker = (zc_str)ZS("(一)");
    s.heading = (zc_str)ZS("深化推进“最多跑一次”改革");
    s.text = (zc_str)ZS("(一)深化推进");
    s.start = 0;
    s.end = 400;
    s.items = items;
    s.n_items = 2;
    s.assignments = &assignment;
    s.n_assignments = 1;
    s.deadlines = deadlines;
    s.n_deadlines = 3;
    s.targets = targets;
    s.n_targets = 3;
    s.quantities = quantities;
    s.n_quantities = 2;
    return s;
}

/* A number that is not an integer is written as the shortest of %.15g and
 * %.17g that reads back exactly; the writer has a shortcut for short
 * decimals (6.2, 0.5, 79.81), which must give the same text. */
static void numbers_as_printf_writes_them(void **state)
{
    (void)state;
    memout m;
    mo_open(&m);
    zc_json_writer *w = zc_json_writer_new(m.f, 0);
    zc_callbacks cb;
    zc_json_writer_callbacks(w, &cb);
    zc_parser *p = zc_parser_new(NULL, NULL, NULL);
    zc_document doc;
    memset(&doc, 0, sizeof doc);
    zc_target t = targets[2];
    zc_section s;
    memset(&s, 0, sizeof s);
    s.id = "1";
    s.targets = &t;
    s.n_targets = 1;
    static const double edges[] = {
        6.2, 0.5, 79.81, 0.1, 0.3, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 0.001,
        0.0009999999999999998, 0.0010000000000000002, 0.0001, 0.00015,
        999999999.999999, 999999999.9999999, 999999999.5, 1e9 + 0.5,
        123456789.123456, 12345678.1234567, 0.999999, 0.9999995, 9.9999995,
        1e-7, 5e-324, 1e300 + 0.5, 4503599627370495.5, 1e15 + 0.5, 0.000999,
        3.14159265358979, 2.718281828459045, 1.005, 1.015, 1.025, 0.145};
    uint32_t x = 99;
    char want[64], field[80];
    for (int it = 0; it < 200000; it++) {
        double d;
        int e = it % 3;
        x = x * 1103515245u + 12345u;
        if (it < (int)(sizeof edges / sizeof edges[0]))
            d = edges[it];
        else if (e == 0) {
            /* a short decimal: M / 10^k */
            unsigned long long M = ((unsigned long long)x << 16) ^ (x >> 3);
            x = x * 1103515245u + 12345u;
            M %= (unsigned long long)1e12 >> (x % 30);
            static const double p10[] = {1,   1e1, 1e2, 1e3, 1e4,
                                         1e5, 1e6, 1e7, 1e8};
            d = (double)M / p10[(x >> 8) % 9];
        } else if (e == 1) {
            /* any double of a magnitude near the shortcut's range */
            uint64_t bits = (uint64_t)x << 32;
            x = x * 1103515245u + 12345u;
            bits |= x;
            /* exponent 2^-14 .. 2^33, any mantissa */
            bits = (bits & 0xFFFFFFFFFFFFFull) |
                   (uint64_t)(1023 - 14 + x % 48) << 52;
            memcpy(&d, &bits, sizeof d);
        } else {
            /* near a decimal: one ulp either side */
            d = (double)(x % 100000 + 1) / 1000;
            uint64_t bits;
            memcpy(&bits, &d, sizeof d);
            bits += (x >> 20) & 1 ? 1 : (uint64_t)-1;
            memcpy(&d, &bits, sizeof d);
        }
        if (x & (1u << 22))
            d = -d;
        if ((d < 0 ? -d : d) < 1e15 && d == (double)(long long)d)
            continue; /* integers: not the shortcut's */
        snprintf(want, sizeof want, "%.15g", d);
        if (strtod(want, NULL) != d)
            snprintf(want, sizeof want, "%.17g", d);
        snprintf(field, sizeof field, "\"value\":%s,\"unit\"", want);
        t.value = t.value_max = d;
        size_t before = m.len;
        assert_int_equal(zc_json_writer_begin(w, NULL, NULL), ZC_OK);
        assert_int_equal(cb.document(&doc, cb.ud), 0);
        assert_int_equal(cb.section(&s, cb.ud), 0);
        assert_int_equal(zc_json_writer_end(w, p, NULL), ZC_OK);
        if (!strstr(m.buf + before, field))
            fail_msg("%.17g: want %s in %s", d, field, m.buf + before);
    }
    zc_json_writer_free(w);
    zc_parser_free(p);
    mo_close(&m);
    free(m.buf);
}

static void section_to_json_renders_every_item(void **state)
{
    (void)state;
    zc_section s = sample_section();
    cJSON *j = zc_section_to_json(&s, 0);
    assert_non_null(j);
    const cJSON *a = cJSON_GetArrayItem(get(j, "assignments"), 0);
    assert_int_equal(cJSON_GetArraySize(get(a, "lead")), 2);
    assert_string_equal(cJSON_GetArrayItem(get(a, "lead"), 1)->valuestring,
                        "市审管办");
    assert_string_equal(
        cJSON_GetArrayItem(get(a, "responsible"), 0)->valuestring,
        "各区、县(市)政府");
    assert_int_equal(cJSON_GetArraySize(get(a, "cooperating")), 0);
    assert_null(cJSON_GetObjectItemCaseSensitive(a, "rule"));
    const cJSON *d = get(j, "deadlines");
    assert_string_equal(get(cJSON_GetArrayItem(d, 0), "date")->valuestring,
                        "2019-12-31");
    assert_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(d, 0),
                                                 "date_from"));
    assert_string_equal(
        get(cJSON_GetArrayItem(d, 1), "date_from")->valuestring, "2021-01-01");
    const cJSON *within = cJSON_GetArrayItem(d, 2);
    assert_true(cJSON_IsNull(get(within, "date")));
    assert_int_equal(get(within, "amount")->valueint, 20);
    assert_string_equal(get(within, "amount_unit")->valuestring, "workday");
    const cJSON *t = get(j, "targets");
    assert_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(t, 0),
                                                 "value_max"));
    assert_int_equal(get(cJSON_GetArrayItem(t, 1), "value_max")->valueint,
                     90);
    assert_string_equal(get(cJSON_GetArrayItem(t, 1), "metric")->valuestring,
                        "");
    assert_true(get(cJSON_GetArrayItem(t, 2), "value")->valuedouble == 79.81);
    const cJSON *q = get(j, "quantities");
    assert_string_equal(get(cJSON_GetArrayItem(q, 0), "unit")->valuestring,
                        "学时");
    assert_true(cJSON_IsNull(get(cJSON_GetArrayItem(q, 1), "unit")));
    assert_true(cJSON_IsNull(get(cJSON_GetArrayItem(q, 1), "op")));
    assert_int_equal(cJSON_GetArraySize(get(j, "items")), 2);
    cJSON_Delete(j);

    /* 79.81 is printed as 79.81, not 79.810000000000002 */
    memout m;
    mo_open(&m);
    zc_json_writer *w = zc_json_writer_new(m.f, 0);
    zc_callbacks cb;
    zc_json_writer_callbacks(w, &cb);
    assert_int_equal(zc_json_writer_begin(w, "x", NULL), ZC_OK);
    assert_int_equal(cb.section(&s, cb.ud), 0);
    zc_parser *p = zc_parser_new(NULL, NULL, NULL);
    assert_int_equal(zc_json_writer_end(w, p, NULL), ZC_OK);
    zc_parser_free(p);
    zc_json_writer_free(w);
    mo_close(&m);
    assert_non_null(strstr(m.buf, "\"value\":79.81,"));
    free(m.buf);

    /* --explain adds the rule to every item */
    j = zc_section_to_json(&s, ZC_JSON_EXPLAIN | ZC_JSON_NO_TEXT);
    assert_null(cJSON_GetObjectItemCaseSensitive(j, "text"));
    assert_string_equal(
        get(cJSON_GetArrayItem(get(j, "assignments"), 0), "rule")->valuestring,
        "rules/units.rules:3");
    assert_string_equal(
        get(cJSON_GetArrayItem(get(j, "quantities"), 1), "rule")->valuestring,
        "rules/quantities.rules:2");
    cJSON_Delete(j);
}

static void document_to_json(void **state)
{
    (void)state;
    static const char *const rcpt[] = {"各区、县(市)人民政府", "市政府各部门"};
    zc_document d;
    memset(&d, 0, sizeof d);
    d.title = "杭州市2019年法治政府建设工作要点";
    d.doc_number = "杭政办函〔2019〕68号";
    d.issue_date = "2019-08-01";
    d.recipients = rcpt;
    d.n_recipients = 2;
    cJSON *j = zc_document_to_json(&d);
    assert_non_null(j);
    assert_string_equal(get(j, "doc_number")->valuestring,
                        "杭政办函〔2019〕68号");
    assert_true(cJSON_IsNull(get(j, "issuer")));
    assert_true(cJSON_IsNull(get(j, "wrapper_title")));
    assert_true(cJSON_IsNull(get(j, "year"))); /* 0: unknown */
    assert_int_equal(cJSON_GetArraySize(get(j, "recipients")), 2);
    cJSON_Delete(j);
}

/* ---- the sample for the schema test -------------------------------------- */

static int write_sample(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return 1;
    }
    zc_json_writer *w = zc_json_writer_new(f, ZC_JSON_EXPLAIN);
    zc_callbacks cb;
    zc_json_writer_callbacks(w, &cb);
    /* a real parser over a tiny document gives the root, the document
     * and the source; the hand-built section goes in between */
    zc_section s = sample_section();
    zc_json_writer_begin(w, "sample.txt", "text");
    zc_parser *p = zc_parser_new(NULL, NULL, &cb);
    zc_parser_feed(p, "一、总体要求\n", strlen("一、总体要求\n"));
    zc_parser_finish(p);
    cb.section(&s, cb.ud);
    zc_status st = zc_json_writer_end(w, p, NULL);
    zc_parser_free(p);
    zc_json_writer_free(w);
    return fclose(f) != 0 || st != ZC_OK;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--write-sample"))
        return write_sample(argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(document_shape_and_key_order),
        cmocka_unit_test(hostile_text_is_escaped),
        cmocka_unit_test(pretty_equals_compact),
        cmocka_unit_test(no_text_and_error),
        cmocka_unit_test(json_lines_for_several_documents),
        cmocka_unit_test(section_larger_than_the_flush_buffer),
        cmocka_unit_test(escaping_matches_a_byte_at_a_time_reference),
        cmocka_unit_test(one_escape_at_every_place),
        cmocka_unit_test(cached_text_equals_fresh_escape_by_hand),
        cmocka_unit_test(cached_text_equals_fresh_escape_through_the_parser),
        cmocka_unit_test(section_to_json_renders_every_item),
        cmocka_unit_test(numbers_as_printf_writes_them),
        cmocka_unit_test(document_to_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
