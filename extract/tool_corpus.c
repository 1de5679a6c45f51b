/*
 * tool_corpus.c - growing the corpus: zhengce corpus add.
 *
 * A notice goes in unchanged as NAME.txt, its provenance goes into
 * SOURCES.tsv, and a draft NAME.expected.json is written from the current
 * output.  The draft is a starting point: the person adding the notice
 * reads it against the text (zhengce review --expected, or the JSON),
 * corrects it, and commits both files; `zhengce eval` then scores it.
 */
#include "tool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

cJSON *tool_expectation(const tool_opts *o, const zc_rules *rules,
                        const char *path, char *err, size_t errlen)
{
    tool_opts eo = *o;
    eo.json_flags = ZC_JSON_NO_TEXT;
    tool_worker *w = tool_worker_new(&eo, rules);
    FILE *in = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    cJSON *keep = NULL;
    if (!w || !in || !mem) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    } else {
        tool_summary sum;
        int rc = tool_worker_convert(w, in, path, mem, &sum, err, errlen);
        fclose(mem);
        mem = NULL;
        cJSON *doc = rc == EXIT_OK ? cJSON_ParseWithLength(buf, len) : NULL;
        if (doc) {
            keep = cJSON_CreateObject();
            static const char *const keys[] = {"document", "sections",
                                               "warnings"};
            for (int i = 0; i < 3; i++)
                cJSON_AddItemToObject(
                    keep, keys[i],
                    cJSON_DetachItemFromObjectCaseSensitive(doc, keys[i]));
            cJSON_Delete(doc);
        } else if (!err[0]) {
            snprintf(err, errlen, "conversion failed");
        }
    }
    if (mem)
        fclose(mem);
    free(buf);
    if (in)
        fclose(in);
    tool_worker_free(w);
    return keep;
}

/* notice-2023 (1).TXT -> notice-2023__1_ : ASCII letters, digits, - _ . */
static void clean_name(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) {
        unsigned char c = (unsigned char)base[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                  (c == '.' && k > 0);
        out[k++] = ok ? (char)c : '_';
    }
    if (k == 0 && cap > 7)
        k = (size_t)snprintf(out, cap, "notice");
    out[k] = '\0';
}

static bool copy_file(const char *from, const char *to, char *err,
                      size_t errlen)
{
    FILE *in = fopen(from, "rb");
    if (!in) {
        snprintf(err, errlen, "cannot open %s: %s", from, strerror(errno));
        return false;
    }
    FILE *out = fopen(to, "wbx"); /* never overwrite a corpus notice */
    if (!out) {
        snprintf(err, errlen, "cannot create %s: %s", to, strerror(errno));
        fclose(in);
        return false;
    }
    char buf[65536];
    size_t n;
    bool ok = true;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            ok = false;
    if (ferror(in))
        ok = false;
    fclose(in);
    if (fclose(out) != 0)
        ok = false;
    if (!ok) {
        snprintf(err, errlen, "cannot copy %s to %s", from, to);
        remove(to);
    }
    return ok;
}

static bool write_json(const char *path, const cJSON *j, char *err,
                       size_t errlen)
{
    char *s = cJSON_Print(j);
    FILE *f = s ? fopen(path, "wb") : NULL;
    bool ok = f && fputs(s, f) >= 0 && fputc('\n', f) != EOF;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok)
        snprintf(err, errlen, "cannot write %.600s: %s", path,
                 strerror(errno));
    free(s);
    return ok;
}

int tool_corpus(const tool_opts *o, const zc_rules *rules, const char *source,
                int argc, char **argv)
{
    const char *dir = getenv("ZHENGCE_CORPUS");
    if (!dir || !*dir)
        dir = "corpus";
    if (!mkdir_if_missing(dir)) {
        fprintf(stderr, "zhengce: cannot create %s: %s\n", dir,
                strerror(errno));
        return EXIT_INPUT;
    }
    int rc = EXIT_OK;
    for (int i = 0; i < argc; i++) {
        char name[200], txt[512], exp[512], tsv[512], err[1200] = "";
        clean_name(argv[i], name, sizeof name);
        snprintf(txt, sizeof txt, "%s/%s.txt", dir, name);
        snprintf(exp, sizeof exp, "%s/%s.expected.json", dir, name);
        snprintf(tsv, sizeof tsv, "%s/SOURCES.tsv", dir);
        if (!copy_file(argv[i], txt, err, sizeof err)) {
            fprintf(stderr, "zhengce: %s\n", err);
            rc = EXIT_INPUT;
            continue;
        }
        cJSON *draft = tool_expectation(o, rules, txt, err, sizeof err);
        if (!draft || !write_json(exp, draft, err, sizeof err)) {
            fprintf(stderr, "zhengce: %s: %s\n", txt, err);
            cJSON_Delete(draft);
            rc = EXIT_INPUT;
            continue;
        }
        cJSON_Delete(draft);
        FILE *f = fopen(tsv, "ab");
        if (!f) {
            fprintf(stderr, "zhengce: cannot write %s: %s\n", tsv,
                    strerror(errno));
            rc = EXIT_INPUT;
            continue;
        }
        /* file, source, full_or_excerpt, region, doc_kind, format_notes */
        /* one TSV line: tabs and line breaks in the source become spaces */
        fprintf(f, "%s.txt\t", name);
        for (const char *c = source ? source : argv[i]; *c; c++)
            fputc(*c == '\t' || *c == '\n' || *c == '\r' ? ' ' : *c, f);
        fprintf(f, "\t\t\t\tadded by zhengce corpus add; expectation is a "
                   "draft until checked\n");
        fclose(f);
        printf("added %s\n  draft %s: read it against the notice, correct "
               "it, then commit both\n",
               txt, exp);
    }
    return rc;
}
