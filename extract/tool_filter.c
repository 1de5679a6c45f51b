/*
 * tool_filter.c - zhengce --filter: JSON Lines in, JSON Lines out.
 *
 * The contract Hadoop Streaming and Spark's RDD.pipe() rely on: exactly one
 * output line per input line, in order, flushed per record.  A record is
 * an object with an id, an optional url, and the notice in "text" (plain
 * text) or "html" (a saved page); the field names can be changed.  A
 * record that cannot be read gives {"id":…,"error":"…"} on its line, and
 * the filter goes on.
 */
#include "tool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Records above this size are refused rather than read into memory. */
#define MAX_RECORD ((size_t)256 << 20)

/* Write JSON text that cJSON printed, with every byte that does not start
 * a valid UTF-8 sequence written as U+FFFD.  A record's id or url can
 * hold such bytes (cJSON reads strings as bytes and prints them back as
 * they are); outside strings cJSON prints only ASCII, so the result is
 * the same JSON in valid UTF-8. */
static void put_utf8(const char *str, size_t n, FILE *out)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t run = 0, i = 0;
    while (i < n) {
        unsigned c = s[i], cp = 0, min = 0;
        size_t k = 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            k = 1, min = 0x80, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            k = 2, min = 0x800, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            k = 3, min = 0x10000, cp = c & 0x07;
        bool ok = k && n - i > k;
        for (size_t j = 1; ok && j <= k; j++) {
            ok = (s[i + j] & 0xC0) == 0x80;
            cp = cp << 6 | (s[i + j] & 0x3F);
        }
        if (ok && cp >= min && cp <= 0x10FFFF &&
            !(cp >= 0xD800 && cp <= 0xDFFF)) {
            i += k + 1;
            continue;
        }
        fwrite(s + run, 1, i - run, out);
        fputs("\xEF\xBF\xBD", out);
        run = ++i;
    }
    fwrite(s + run, 1, n - run, out);
}

static void put_error(FILE *out, const cJSON *id, const char *msg)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "id", id ? cJSON_Duplicate(id, 1)
                                      : cJSON_CreateNull());
    cJSON_AddStringToObject(o, "error", msg);
    char *s = cJSON_PrintUnformatted(o);
    if (s) {
        put_utf8(s, strlen(s), out);
        free(s);
    } else {
        fputs("{\"id\":null,\"error\":\"out of memory\"}", out);
    }
    fputc('\n', out);
    cJSON_Delete(o);
}

/* One record: convert and write {"id":…,"url":…, …the document…}. */
static void one_record(const tool_opts *o, tool_worker *w, const char *line,
                       size_t len, FILE *dst)
{
    cJSON *rec = cJSON_ParseWithLength(line, len);
    if (!rec || !cJSON_IsObject(rec)) {
        put_error(dst, NULL, "not a JSON object");
        cJSON_Delete(rec);
        return;
    }
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(rec, o->id_field);
    const cJSON *url = cJSON_GetObjectItemCaseSensitive(rec, o->url_field);
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(rec, o->text_field);
    const cJSON *html = cJSON_GetObjectItemCaseSensitive(rec, o->html_field);
    const cJSON *body = cJSON_IsString(text) ? text : html;
    if (!cJSON_IsString(body)) {
        char msg[160];
        snprintf(msg, sizeof msg, "no string field \"%s\" or \"%s\"",
                 o->text_field, o->html_field);
        put_error(dst, id, msg);
        cJSON_Delete(rec);
        return;
    }
    const char *src = body->valuestring;
    FILE *in = fmemopen((void *)src, strlen(src) ? strlen(src) : 1, "rb");
    char *out = NULL;
    size_t out_len = 0;
    FILE *mem = open_memstream(&out, &out_len);
    if (!in || !mem) {
        put_error(dst, id, "out of memory");
        if (in)
            fclose(in);
        if (mem)
            fclose(mem);
        free(out);
        cJSON_Delete(rec);
        return;
    }
    if (!strlen(src))
        fgetc(in); /* fmemopen needs a size > 0: consume the one byte */
    tool_summary sum;
    char err[256];
    const char *name = cJSON_IsString(url) ? url->valuestring
                       : cJSON_IsString(id) ? id->valuestring
                                            : NULL;
    /* an "html" record is a page, whatever its first KiB looks like
     * (unless --format forces one) */
    const char *fmt = o->opt.format;
    if (body == html && (!fmt || !strcmp(fmt, "auto")))
        tool_worker_hint_format(w, "html");
    tool_worker_convert(w, in, name, mem, &sum, err, sizeof err);
    fclose(in);
    fclose(mem);
    /* splice the record's id and url in front of the document's members */
    cJSON *head = cJSON_CreateObject();
    cJSON_AddItemToObject(head, "id", id ? cJSON_Duplicate(id, 1)
                                         : cJSON_CreateNull());
    if (url)
        cJSON_AddItemToObject(head, "url", cJSON_Duplicate(url, 1));
    char *h = cJSON_PrintUnformatted(head);
    if (h && out && out_len > 2 && out[0] == '{') {
        put_utf8(h, strlen(h) - 1, dst); /* without its '}' */
        fputc(',', dst);
        /* the document object, without its '{' and its newline */
        size_t n = out_len - 1;
        while (n > 1 && (out[n - 1] == '\n'))
            n--;
        fwrite(out + 1, 1, n - 1, dst);
        fputc('\n', dst);
    } else {
        put_error(dst, id, "conversion failed");
    }
    free(h);
    cJSON_Delete(head);
    free(out);
    cJSON_Delete(rec);
}

int tool_filter_record(const tool_opts *o, tool_worker *w, const char *line,
                       size_t len, FILE *out)
{
    if (len > MAX_RECORD) {
        put_error(out, NULL, "record too large");
        return EXIT_INPUT;
    }
    if (len == 0) {
        put_error(out, NULL, "empty record");
        return EXIT_INPUT;
    }
    one_record(o, w, line, len, out);
    return EXIT_OK;
}

/* Read one line of `in` into *buf (its LF not stored).  At most
 * MAX_RECORD + 1 bytes are kept: the rest of a longer line is read and
 * thrown away, so a hostile stream without line breaks costs bounded
 * memory (getline() would keep all of it).  Returns the number of bytes
 * kept, -1 at the end of input, -2 when memory runs out. */
static ssize_t read_record(FILE *in, char **buf, size_t *cap)
{
    size_t len = 0;
    int c;
    bool any = false;
    while ((c = getc_unlocked(in)) != EOF) {
        any = true;
        if (c == '\n')
            break;
        if (len > MAX_RECORD)
            continue; /* too large already: reported as such */
        if (len + 1 >= *cap) {
            size_t ncap = *cap ? *cap * 2 : 4096;
            if (ncap > MAX_RECORD + 2)
                ncap = MAX_RECORD + 2;
            char *nb = realloc(*buf, ncap);
            if (!nb)
                return -2;
            *buf = nb;
            *cap = ncap;
        }
        (*buf)[len++] = (char)c;
    }
    if (!any)
        return -1;
    return (ssize_t)len;
}

int tool_filter(const tool_opts *o, const zc_rules *rules)
{
    tool_opts fo = *o;
    fo.json_flags &= ~(unsigned)ZC_JSON_PRETTY; /* one line per record */
    tool_worker *w = tool_worker_new(&fo, rules);
    if (!w) {
        fprintf(stderr, "zhengce: out of memory\n");
        return EXIT_INPUT;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = EXIT_OK;
    size_t lineno = 0;
    while (!tool_interrupted && (n = read_record(stdin, &line, &cap)) >= 0) {
        lineno++;
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (tool_filter_record(&fo, w, line, len, stdout) != EXIT_OK)
            rc = EXIT_INPUT;
        if (fflush(stdout) != 0) {
            fprintf(stderr, "zhengce: cannot write output: %s\n",
                    strerror(errno));
            rc = EXIT_INPUT;
            break;
        }
    }
    if (n == -2) {
        fprintf(stderr, "zhengce: out of memory\n");
        rc = EXIT_INPUT;
    }
    free(line);
    tool_worker_free(w);
    return tool_interrupted ? EXIT_INTERRUPTED : rc;
}
