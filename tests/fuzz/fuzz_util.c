/*
 * fuzz_util.c - the output checks of fuzz_util.h.
 */
#include "fuzz_util.h"

#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fz_fail(const char *file, int line, const char *cond, const char *fmt,
             ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: check failed: %s\n  ", file, line, cond);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

bool fz_utf8_valid(const char *str, size_t n, size_t *bad)
{
    size_t good = zc_utf8_valid_prefix(str, n);
    if (good == n)
        return true;
    if (bad)
        *bad = good;
    return false;
}

void fz_buf_add(fz_buf *b, const char *s, size_t n)
{
    if (n == 0)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        char *p = realloc(b->ptr, cap);
        if (!p) {
            fprintf(stderr, "fuzz harness: out of memory\n");
            abort();
        }
        b->ptr = p;
        b->cap = cap;
    }
    memcpy(b->ptr + b->len, s, n);
    b->len += n;
}

void fz_buf_free(fz_buf *b)
{
    free(b->ptr);
    memset(b, 0, sizeof *b);
}

void fz_check_text(const char *text, size_t len)
{
    size_t bad = 0;
    if (!len)
        return;
    FZ_CHECK(fz_utf8_valid(text, len, &bad),
             "decoded text is not UTF-8 at byte %zu of %zu", bad, len);
    FZ_CHECK(!len || !memchr(text, '\0', len), "NUL byte in the decoded text");
}

/* ---- the document --------------------------------------------------------- */

typedef struct ctx {
    const char *text;
    size_t len;
} ctx;

static bool on_boundary(const ctx *c, size_t off)
{
    return off == c->len || ((unsigned char)c->text[off] & 0xC0) != 0x80;
}

/* [a, b) from a two-number array, checked; returns false when absent. */
static bool span_of(const ctx *c, const cJSON *o, const char *key, size_t *a,
                    size_t *b)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!s)
        return false;
    FZ_CHECK(cJSON_IsArray(s) && cJSON_GetArraySize(s) == 2,
             "\"%s\" is not a pair", key);
    const cJSON *x = cJSON_GetArrayItem(s, 0), *y = cJSON_GetArrayItem(s, 1);
    FZ_CHECK(cJSON_IsNumber(x) && cJSON_IsNumber(y), "\"%s\" not numbers",
             key);
    double da = x->valuedouble, db = y->valuedouble;
    FZ_CHECK(da >= 0 && da <= db && db <= (double)c->len,
             "\"%s\" [%.0f, %.0f) outside the decoded text of %zu bytes", key,
             da, db, c->len);
    *a = (size_t)da;
    *b = (size_t)db;
    FZ_CHECK((double)*a == da && (double)*b == db, "\"%s\" not integers",
             key);
    FZ_CHECK(on_boundary(c, *a) && on_boundary(c, *b),
             "\"%s\" [%zu, %zu) not on character boundaries", key, *a, *b);
    return true;
}

/* text[a, b) must be the string member `key` of o, when o has one. */
static void same_text(const ctx *c, const cJSON *o, const char *key,
                      size_t a, size_t b, const char *what)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsString(t))
        return;
    size_t n = strlen(t->valuestring);
    FZ_CHECK(n == b - a && (!n || !memcmp(t->valuestring, c->text + a, n)),
             "%s \"%s\" is not the text at its span [%zu, %zu): \"%.*s\"",
             what, t->valuestring, a, b, (int)(b - a > 200 ? 200 : b - a),
             b > a ? c->text + a : "");
}

static void check_items(const ctx *c, const cJSON *sec, const char *key,
                        size_t sa, size_t sb)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(sec, key);
    if (!arr)
        return;
    FZ_CHECK(cJSON_IsArray(arr), "\"%s\" is not an array", key);
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        FZ_CHECK(cJSON_IsObject(it), "a member of \"%s\" is no object", key);
        size_t a, b;
        if (span_of(c, it, "span", &a, &b)) {
            same_text(c, it, "text", a, b, key);
            (void)sa;
            (void)sb;
        }
        size_t ca, cb;
        span_of(c, it, "covers", &ca, &cb);
        if (!strcmp(key, "items")) {
            /* a run-in item starts with its marker */
            const cJSON *m = cJSON_GetObjectItemCaseSensitive(it, "marker");
            if (cJSON_IsString(m)) {
                size_t n = strlen(m->valuestring);
                FZ_CHECK(n <= b - a &&
                             (!n || !memcmp(m->valuestring, c->text + a, n)),
                         "item marker \"%s\" is not at its span start",
                         m->valuestring);
            }
        }
    }
}

cJSON *fz_check_document(const char *json, size_t len, bool pretty,
                         const char *text, size_t text_len)
{
    size_t bad = 0;
    FZ_CHECK(fz_utf8_valid(json, len, &bad),
             "output is not UTF-8 at byte %zu: ...%.*s", bad,
             (int)(len - bad > 40 ? 40 : len - bad), json + bad);
    FZ_CHECK(len > 0 && json[len - 1] == '\n', "output does not end in LF");
    if (!pretty)
        FZ_CHECK(memchr(json, '\n', len) == json + len - 1,
                 "a JSON line holds a raw line break");
    for (size_t i = 0; !pretty && i < len - 1; i++)
        FZ_CHECK((unsigned char)json[i] >= 0x20,
                 "raw control character 0x%02x at byte %zu",
                 (unsigned char)json[i], i);
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithLengthOpts(json, len, &end, 0);
    FZ_CHECK(doc != NULL, "output is not JSON near byte %zu",
             (size_t)(cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() - json : 0));
    while (end < json + len && (*end == '\n' || *end == ' '))
        end++;
    FZ_CHECK(end == json + len, "something after the JSON object");
    FZ_CHECK(cJSON_IsObject(doc), "output is not an object");
    const char *schema = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(doc, "schema"));
    FZ_CHECK(schema && !strcmp(schema, "zhengce/1"),
             "no \"schema\": \"zhengce/1\"");

    ctx c = {text, text_len};
    const cJSON *secs = cJSON_GetObjectItemCaseSensitive(doc, "sections");
    FZ_CHECK(cJSON_IsArray(secs), "\"sections\" is not an array");
    const cJSON *sec;
    int i = 0;
    cJSON_ArrayForEach(sec, secs)
    {
        const char *id = cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(sec, "id"));
        FZ_CHECK(id != NULL, "section without an id");
        if (i++ == 0)
            FZ_CHECK(!strcmp(id, "0"), "first section is \"%s\"", id);
        size_t a = 0, b = 0;
        FZ_CHECK(span_of(&c, sec, "span", &a, &b), "section %s: no span",
                 id);
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sec, "truncated")))
            same_text(&c, sec, "text", a, b, "section text");
        static const char *const keys[] = {"items", "assignments",
                                           "deadlines", "targets",
                                           "quantities"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            check_items(&c, sec, keys[k], a, b);
    }
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(doc, "stats");
    const cJSON *db = cJSON_GetObjectItemCaseSensitive(st, "decoded_bytes");
    FZ_CHECK(cJSON_IsNumber(db) && db->valuedouble == (double)text_len,
             "stats.decoded_bytes %.0f, the text callback gave %zu bytes",
             cJSON_IsNumber(db) ? db->valuedouble : -1.0, text_len);
    return doc;
}
