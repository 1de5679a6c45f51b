/*
 * fuzz_rules.c - zc_rules_load_buffer() on arbitrary rule files, then the
 * rules that load over a fixed notice (tests/fuzz/notice.txt: markers,
 * unit clauses, deadlines, percentages, full-width digits, a run of 'a's
 * for backtracking patterns).
 *
 * Checked:
 *   - loading returns ZC_OK or ZC_ERR_RULE, nothing else; on ZC_ERR_RULE
 *     *out is NULL and the zc_error names the buffer, a line >= 1 and a
 *     column >= 1, with a NUL-terminated message;
 *   - rules that load run over the notice (match limit 100,000: a user's
 *     catastrophic pattern costs a warning, never a hang) and the JSON
 *     output passes fz_check_document(), "rule" members included.
 */
#include "extract.h"
#include "extract_json.h"
#include "fuzz_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *notice;
static size_t notice_len;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *path = getenv("ZC_FUZZ_NOTICE");
    if (!path)
        path = ZC_FUZZ_NOTICE;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "fuzz_rules: cannot open %s\n", path);
        abort();
    }
    fz_buf b = {NULL, 0, 0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fz_buf_add(&b, chunk, n);
    fclose(f);
    notice = b.ptr;
    notice_len = b.len;
    return 0;
}

typedef struct run {
    zc_callbacks writer;
    fz_buf text;
} run;

static int on_text(const char *buf, size_t len, size_t offset, void *ud)
{
    run *r = ud;
    FZ_CHECK(offset == r->text.len, "text offset %zu after %zu", offset,
             r->text.len);
    fz_buf_add(&r->text, buf, len);
    return 0;
}

static int on_document(const zc_document *d, void *ud)
{
    run *r = ud;
    return r->writer.document(d, r->writer.ud);
}

static int on_section(const zc_section *s, void *ud)
{
    run *r = ud;
    return r->writer.section(s, r->writer.ud);
}

static int on_warning(const zc_warning *w, void *ud)
{
    run *r = ud;
    return r->writer.warning(w, r->writer.ud);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    zc_rules *rules = (zc_rules *)1; /* must come back NULL on failure */
    zc_error err;
    memset(&err, 0x55, sizeof err);
    zc_status st = zc_rules_load_buffer("fuzz.rules", (const char *)data,
                                        size, NULL, &rules, &err);
    if (st != ZC_OK) {
        FZ_CHECK(st == ZC_ERR_RULE, "loading returned %s: %.256s",
                 zc_strerror(st), err.msg);
        FZ_CHECK(rules == NULL, "*out not NULL after a failed load");
        FZ_CHECK(err.code == st, "zc_error.code %d for status %d",
                 (int)err.code, (int)st);
        FZ_CHECK(memchr(err.msg, '\0', sizeof err.msg) != NULL,
                 "error message not NUL-terminated");
        FZ_CHECK(memchr(err.file, '\0', sizeof err.file) != NULL &&
                     !strcmp(err.file, "fuzz.rules"),
                 "error names the file \"%.256s\"", err.file);
        FZ_CHECK(err.line >= 1 && err.column >= 1,
                 "error at line %u column %u", err.line, err.column);
        return 0;
    }
    FZ_CHECK(rules != NULL, "ZC_OK without rules");

    zc_options opt;
    zc_options_init(&opt);
    opt.match_limit = 100000;
    run r;
    memset(&r, 0, sizeof r);
    char *json = NULL;
    size_t json_len = 0;
    FILE *out = open_memstream(&json, &json_len);
    FZ_CHECK(out != NULL, "open_memstream");
    zc_json_writer *jw = zc_json_writer_new(out, ZC_JSON_EXPLAIN);
    FZ_CHECK(jw != NULL, "zc_json_writer_new");
    zc_json_writer_callbacks(jw, &r.writer);
    zc_callbacks cb = {on_document, on_section, on_warning, on_text, &r};
    zc_parser *p = zc_parser_new(rules, &opt, &cb);
    FZ_CHECK(p != NULL, "zc_parser_new");
    FZ_CHECK(zc_json_writer_begin(jw, "notice.txt", NULL) == ZC_OK,
             "zc_json_writer_begin");
    st = zc_parser_feed(p, notice, notice_len);
    if (st == ZC_OK)
        st = zc_parser_finish(p);
    FZ_CHECK(st == ZC_OK || st == ZC_ERR_LIMIT, "parse failed: %s (%s)",
             zc_strerror(st), zc_parser_error(p)->msg);
    FZ_CHECK(zc_json_writer_end(jw, p, st == ZC_OK ? NULL : zc_strerror(st))
                 == ZC_OK,
             "zc_json_writer_end");
    zc_json_writer_free(jw);
    FZ_CHECK(fclose(out) == 0, "fclose");
    fz_check_text(r.text.ptr, r.text.len);
    cJSON_Delete(fz_check_document(json, json_len, false, r.text.ptr,
                                   r.text.len));
    zc_parser_free(p);
    zc_rules_free(rules);
    free(json);
    fz_buf_free(&r.text);
    return 0;
}
