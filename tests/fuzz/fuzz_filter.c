/*
 * fuzz_filter.c - zhengce --filter, one record at a time, through
 * tool_filter_record() (extract/tool_filter.c, the loop body of the
 * filter) with the project's rules.
 *
 *   byte 0  bit 0 --explain, bit 1 --no-text, bit 2 --format html,
 *           bit 3 chunk size 7 instead of 65536, bit 4 id field "doc"
 *   the rest: one input line (what getline() gives, line break removed)
 *
 * Checked: exactly one line out, valid UTF-8 and JSON, an object with
 * "id" and either "error" or a whole document ("schema", "sections",
 * "source" ...), whose spans lie inside its text: the decoded text is
 * not at hand here, so spans are checked against the record's body
 * decoded again through a parser of our own.
 */
#include "extract.h"
#include "extract_json.h"
#include "fuzz_util.h"
#include "tool.h"

#include <stdlib.h>
#include <string.h>

static zc_rules *rules;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    zc_error err;
    const char *dir = getenv("ZC_FUZZ_RULES");
    if (!dir)
        dir = ZC_RULES_DIR;
    if (zc_rules_load_dir(dir, NULL, &rules, &err) != ZC_OK) {
        fprintf(stderr, "fuzz_filter: %s:%u:%u: %s\n", err.file, err.line,
                err.column, err.msg);
        abort();
    }
    return 0;
}

static int on_text(const char *buf, size_t len, size_t offset, void *ud)
{
    (void)offset;
    fz_buf_add(ud, buf, len);
    return 0;
}

/* The decoded text of `body` read as the filter read it. */
static void decode(const tool_opts *o, const char *body, const char *fmt,
                   fz_buf *text)
{
    zc_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.text = on_text;
    cb.ud = text;
    zc_parser *p = zc_parser_new(NULL, &o->opt, &cb);
    FZ_CHECK(p != NULL, "zc_parser_new");
    if (fmt)
        zc_parser_set_format(p, fmt);
    zc_parser_feed(p, body, strlen(body));
    zc_parser_finish(p);
    zc_parser_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned b0 = data[0];
    tool_opts o;
    memset(&o, 0, sizeof o);
    zc_options_init(&o.opt);
    o.chunk = (b0 & 8) ? 7 : 65536;
    o.jobs = 1;
    o.quiet = true;
    o.id_field = (b0 & 16) ? "doc" : "id";
    o.url_field = "url";
    o.text_field = "text";
    o.html_field = "html";
    if (b0 & 1)
        o.json_flags |= ZC_JSON_EXPLAIN;
    if (b0 & 2)
        o.json_flags |= ZC_JSON_NO_TEXT;
    if (b0 & 4)
        o.opt.format = "html";
    tool_worker *w = tool_worker_new(&o, rules);
    FZ_CHECK(w != NULL, "tool_worker_new");

    const char *line = (const char *)data + 1;
    size_t len = size - 1;
    char *json = NULL;
    size_t json_len = 0;
    FILE *out = open_memstream(&json, &json_len);
    FZ_CHECK(out != NULL, "open_memstream");
    int rc = tool_filter_record(&o, w, line, len, out);
    FZ_CHECK(fclose(out) == 0, "fclose");
    FZ_CHECK(rc == EXIT_OK || rc == EXIT_INPUT, "exit code %d", rc);

    size_t bad = 0;
    FZ_CHECK(fz_utf8_valid(json, json_len, &bad),
             "output is not UTF-8 at byte %zu of %zu", bad, json_len);
    FZ_CHECK(json_len > 0 && json[json_len - 1] == '\n' &&
                 memchr(json, '\n', json_len) == json + json_len - 1,
             "not exactly one line out (%zu bytes)", json_len);
    cJSON *res = cJSON_ParseWithLength(json, json_len);
    FZ_CHECK(cJSON_IsObject(res), "output is not a JSON object: %.300s",
             json);
    FZ_CHECK(cJSON_HasObjectItem(res, "id"), "output without \"id\"");
    if (!cJSON_HasObjectItem(res, "error") ||
        cJSON_HasObjectItem(res, "schema")) {
        /* a document: check it whole, spans against the body's text */
        cJSON *rec = cJSON_ParseWithLength(line, len);
        FZ_CHECK(cJSON_IsObject(rec), "a document from a non-object");
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(rec, "text");
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(rec, "html");
        const cJSON *body = cJSON_IsString(t) ? t : h;
        FZ_CHECK(cJSON_IsString(body), "a document without a body");
        fz_buf text = {NULL, 0, 0};
        decode(&o, body->valuestring,
               body == h && !o.opt.format ? "html" : NULL, &text);
        cJSON_Delete(fz_check_document(json, json_len, false, text.ptr,
                                       text.len));
        fz_buf_free(&text);
        cJSON_Delete(rec);
    }
    cJSON_Delete(res);
    free(json);
    tool_worker_free(w);
    return 0;
}
