/*
 * alloc_fail.c - allocation-failure loop, in the manner of expat's
 * alloc_tests.c.
 *
 *   alloc_fail [--rules DIR] [--chunk N] FILE...
 *
 * For each FILE, and for N = 1, 2, 3, ...: parse it with a zc_mem whose
 * Nth call to malloc/realloc fails (and every later one succeeds), until a
 * run needs fewer than N allocations.  Every run must
 *
 *   - return ZC_ERR_NOMEM (from zc_parser_new as NULL, or from feed or
 *     finish) or succeed - no other status, no crash;
 *   - when it succeeds, produce exactly the output of a run without
 *     failures (an allocation failure must never silently lose data);
 *   - leave no block allocated once the parser is freed (the hooks count
 *     live blocks; run it under the sanitizer build too, for the rest).
 *
 * With --rules, the same loop is run over zc_rules_load_dir(DIR) first:
 * it must return ZC_ERR_NOMEM with *out NULL, or succeed, and leak
 * nothing.  --rules-only stops there.
 */
#include "extract.h"
#include "extract_json.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_N 1000000L

typedef struct {
    long calls;   /* malloc + realloc calls so far        */
    long fail_at; /* the call that fails (1-based), 0: none */
    long live;    /* blocks allocated and not freed       */
    long failed;  /* failures injected                    */
} counter;

static bool should_fail(counter *c)
{
    c->calls++;
    if (c->fail_at && c->calls == c->fail_at) {
        c->failed++;
        return true;
    }
    return false;
}

static void *t_malloc(size_t n, void *ud)
{
    counter *c = ud;
    if (should_fail(c))
        return NULL;
    void *p = malloc(n);
    if (p)
        c->live++;
    return p;
}

static void *t_realloc(void *p, size_t n, void *ud)
{
    counter *c = ud;
    if (should_fail(c))
        return NULL;
    void *q = realloc(p, n);
    if (q && !p)
        c->live++;
    return q;
}

static void t_free(void *p, void *ud)
{
    counter *c = ud;
    if (p)
        c->live--;
    free(p);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    for (;;) {
        if (n == cap)
            b = realloc(b, cap *= 2);
        size_t got = fread(b + n, 1, cap - n, f);
        if (!got)
            break;
        n += got;
    }
    fclose(f);
    *len = n;
    return b;
}

/* One run; returns the status and, on success, the JSON output. */
static zc_status parse(const zc_rules *rules, const zc_mem *mem,
                       const char *in, size_t len, size_t chunk, char **out)
{
    size_t out_len = 0;
    *out = NULL;
    FILE *f = open_memstream(out, &out_len);
    zc_json_writer *w = zc_json_writer_new(f, ZC_JSON_NO_TEXT);
    zc_callbacks cb;
    zc_json_writer_callbacks(w, &cb);
    zc_options opt;
    zc_options_init(&opt);
    opt.mem = mem;
    zc_status st = ZC_OK;
    zc_parser *p = zc_parser_new(rules, &opt, &cb);
    if (!p) {
        st = ZC_ERR_NOMEM;
    } else {
        zc_json_writer_begin(w, "alloc", "text");
        for (size_t i = 0; i < len && st == ZC_OK; i += chunk)
            st = zc_parser_feed(p, in + i, len - i < chunk ? len - i : chunk);
        if (st == ZC_OK)
            st = zc_parser_finish(p);
        /* the error record agrees with the status */
        if (st != ZC_OK && zc_parser_error(p)->code != st) {
            fprintf(stderr, "zc_parser_error says %s, the call returned %s\n",
                    zc_strerror(zc_parser_error(p)->code), zc_strerror(st));
            st = ZC_ERR_STATE; /* reported as a failure below */
        }
        zc_json_writer_end(w, p, st == ZC_OK ? NULL : zc_strerror(st));
        zc_parser_free(p);
    }
    zc_json_writer_free(w);
    fclose(f);
    if (st != ZC_OK) {
        free(*out);
        *out = NULL;
    }
    return st;
}

static int loop_rules(const char *dir)
{
    long n;
    for (n = 1; n < MAX_N; n++) {
        counter c = {0, n, 0, 0};
        zc_mem mem = {t_malloc, t_realloc, t_free, &c};
        zc_rules *rules = NULL;
        zc_error err;
        memset(&err, 0, sizeof err);
        zc_status st = zc_rules_load_dir(dir, &mem, &rules, &err);
        if (st == ZC_OK)
            zc_rules_free(rules);
        if (st != ZC_OK && st != ZC_ERR_NOMEM) {
            fprintf(stderr, "rules: allocation %ld failing gave %s, not "
                            "ZC_ERR_NOMEM (%s:%u:%u: %s)\n",
                    n, zc_strerror(st), err.file, err.line, err.column,
                    err.msg);
            return 1;
        }
        if (st == ZC_ERR_NOMEM && rules != NULL) {
            fprintf(stderr, "rules: allocation %ld failing left *out set\n",
                    n);
            return 1;
        }
        if (st == ZC_OK && c.failed) {
            /* a failure the loader absorbed must not change what it
             * loaded; the count is all we can see from here */
            counter c2 = {0, 0, 0, 0};
            zc_mem m2 = {t_malloc, t_realloc, t_free, &c2};
            zc_rules *r2 = NULL;
            zc_rules *r1 = NULL;
            zc_rules_load_dir(dir, &m2, &r2, &err);
            c.fail_at = 0;
            zc_rules_load_dir(dir, &mem, &r1, &err);
            if (zc_rules_count(r1) != zc_rules_count(r2)) {
                fprintf(stderr, "rules: allocation %ld failing loaded a "
                                "different number of rules\n", n);
                return 1;
            }
            zc_rules_free(r1);
            zc_rules_free(r2);
        }
        if (c.live != 0) {
            fprintf(stderr, "rules: allocation %ld failing leaked %ld "
                            "block(s)\n", n, c.live);
            return 1;
        }
        if (!c.failed)
            break; /* needed fewer than n allocations: done */
    }
    printf("rules %s: %ld allocation failures survived\n", dir, n - 1);
    return 0;
}

static int loop_file(const zc_rules *rules, const char *path, size_t chunk)
{
    size_t len;
    char *in = read_file(path, &len);
    if (!in) {
        perror(path);
        return 2;
    }
    char *ref = NULL;
    counter c0 = {0, 0, 0, 0};
    zc_mem m0 = {t_malloc, t_realloc, t_free, &c0};
    if (parse(rules, &m0, in, len, chunk, &ref) != ZC_OK || c0.live) {
        fprintf(stderr, "%s: does not parse cleanly without failures\n",
                path);
        free(in);
        return 1;
    }
    int rc = 0;
    long n, nomem = 0;
    for (n = 1; n < MAX_N && rc == 0; n++) {
        counter c = {0, n, 0, 0};
        zc_mem mem = {t_malloc, t_realloc, t_free, &c};
        char *out = NULL;
        zc_status st = parse(rules, &mem, in, len, chunk, &out);
        if (st == ZC_ERR_NOMEM) {
            nomem++;
        } else if (st != ZC_OK) {
            fprintf(stderr, "%s: allocation %ld failing gave %s, not "
                            "ZC_ERR_NOMEM\n", path, n, zc_strerror(st));
            rc = 1;
        } else if (strcmp(out, ref) != 0) {
            fprintf(stderr, "%s: allocation %ld failed, yet parsing "
                            "succeeded with different output:\n  "
                            "expected %.300s\n  got      %.300s\n",
                    path, n, ref, out);
            rc = 1;
        }
        free(out);
        if (c.live != 0) {
            fprintf(stderr, "%s: allocation %ld failing leaked %ld "
                            "block(s)\n", path, n, c.live);
            rc = 1;
        }
        if (!c.failed)
            break;
    }
    if (rc == 0)
        printf("%s (chunk %zu): %ld allocations, each failure gave "
               "ZC_ERR_NOMEM (%ld) or the same output\n",
               path, chunk, n - 1, nomem);
    free(ref);
    free(in);
    return rc;
}

int main(int argc, char **argv)
{
    const char *rules_dir = NULL;
    bool rules_only = false;
    size_t chunk = 4096;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--rules") && i + 1 < argc)
            rules_dir = argv[++i];
        else if (!strcmp(argv[i], "--chunk") && i + 1 < argc)
            chunk = (size_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--rules-only"))
            rules_only = true;
        else
            break;
    }
    if (rules_only && rules_dir)
        return loop_rules(rules_dir);
    if (i >= argc || chunk == 0) {
        fprintf(stderr, "usage: alloc_fail [--rules DIR [--rules-only]] "
                        "[--chunk N] FILE...\n");
        return 2;
    }
    int rc = 0;
    zc_rules *rules = NULL;
    if (rules_dir) {
        zc_error err;
        if (zc_rules_load_dir(rules_dir, NULL, &rules, &err) != ZC_OK) {
            fprintf(stderr, "cannot load rules from %s: %s\n", rules_dir,
                    err.msg);
            return 2;
        }
    }
    for (; i < argc; i++) {
        int r = loop_file(rules, argv[i], chunk);
        if (r > rc)
            rc = r;
    }
    zc_rules_free(rules);
    return rc;
}
