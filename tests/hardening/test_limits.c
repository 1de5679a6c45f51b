/*
 * test_limits.c - hostile input and hostile rules in bounded time and
 * bounded memory, each with a clear message (issue 7, STYLE.md 7).
 *
 * Memory is measured through the zc_mem hooks, which see every byte the
 * library allocates, PCRE2's included: the peak of live bytes.  Time is
 * CPU time, with generous bounds (the point is "not exponential, not
 * quadratic", also under ASan+UBSan on a loaded machine).
 *
 * Related tests elsewhere: test_encoding.c ten_million_digits (the time
 * bound with the project's rules), tests/frontend/bad_input.sh (peak RSS of
 * the command on 1 GiB and 200 MB inputs), alloc_fail.c (every allocation
 * failing in turn), test_parser.c max_warnings_caps_the_reports_not_the_count.
 */
#include "extract.h"
#include "extract_json.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

/* ---- an allocator that measures (and can refuse) -------------------------- */

typedef struct meter {
    size_t live, peak, cap; /* bytes; cap 0: no cap           */
    long blocks;            /* live blocks                    */
    long refused;
} meter;

typedef union hdr {
    size_t size;
    max_align_t align;
} hdr;

static void *m_malloc(size_t n, void *ud)
{
    meter *m = ud;
    if (m->cap && m->live + n > m->cap) {
        m->refused++;
        return NULL;
    }
    hdr *h = malloc(sizeof *h + n);
    if (!h)
        return NULL;
    h->size = n;
    m->live += n;
    m->blocks++;
    if (m->live > m->peak)
        m->peak = m->live;
    return h + 1;
}

static void m_free(void *p, void *ud)
{
    meter *m = ud;
    if (!p)
        return;
    hdr *h = (hdr *)p - 1;
    m->live -= h->size;
    m->blocks--;
    free(h);
}

static void *m_realloc(void *p, size_t n, void *ud)
{
    meter *m = ud;
    if (!p)
        return m_malloc(n, ud);
    hdr *h = (hdr *)p - 1;
    size_t old = h->size;
    if (m->cap && n > old && m->live + (n - old) > m->cap) {
        m->refused++;
        return NULL;
    }
    hdr *q = realloc(h, sizeof *q + n);
    if (!q)
        return NULL;
    q->size = n;
    m->live = m->live - old + n;
    if (m->live > m->peak)
        m->peak = m->live;
    return q + 1;
}

static double cpu_seconds(void)
{
    return (double)clock() / CLOCKS_PER_SEC;
}

#define MIB ((size_t)1 << 20)

/* ---- what a run reports ----------------------------------------------------- */

typedef struct seen {
    size_t sections, truncated, max_level;
    size_t warnings;
    char codes[4096]; /* "code:message\n" per warning, cut */
    size_t codes_len;
} seen;

static int on_section(const zc_section *s, void *ud)
{
    seen *r = ud;
    r->sections++;
    if (s->truncated)
        r->truncated++;
    if (s->level > r->max_level)
        r->max_level = s->level;
    return 0;
}

static int on_warning(const zc_warning *w, void *ud)
{
    seen *r = ud;
    r->warnings++;
    int k = snprintf(r->codes + r->codes_len,
                     sizeof r->codes - r->codes_len, "%s:%s\n", w->code,
                     w->message);
    if (k > 0 && r->codes_len + (size_t)k < sizeof r->codes)
        r->codes_len += (size_t)k;
    return 0;
}

/* Parse `in` with `rules` and `opt` (mem set to `m`) in 64 KiB feeds. */
static zc_status run(const zc_rules *rules, zc_options *opt, meter *m,
                     const char *in, size_t len, seen *r, double *secs)
{
    zc_mem mem = {m_malloc, m_realloc, m_free, m};
    opt->mem = &mem;
    memset(r, 0, sizeof *r);
    zc_callbacks cb = {NULL, on_section, on_warning, NULL, r};
    double t0 = cpu_seconds();
    zc_parser *p = zc_parser_new(rules, opt, &cb);
    if (!p)
        return ZC_ERR_NOMEM;
    zc_status st = ZC_OK;
    for (size_t off = 0; off < len && st == ZC_OK; off += 65536)
        st = zc_parser_feed(p, in + off, len - off < 65536 ? len - off
                                                          : 65536);
    if (st == ZC_OK)
        st = zc_parser_finish(p);
    zc_parser_free(p);
    *secs = cpu_seconds() - t0;
    opt->mem = NULL;
    return st;
}

/* A rules directory made at test time: DIR/NAME.rules with `text`. */
static char *rules_dir(const char *name, const char *text)
{
    char *dir = strdup("/tmp/zc-limits-XXXXXX");
    assert_non_null(dir);
    assert_non_null(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof path, "%s/%s.rules", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return dir;
}

static void rules_dir_remove(char *dir)
{
    char cmd[600];
    /* only files this test wrote */
    snprintf(cmd, sizeof cmd, "%s/catastrophic.rules", dir);
    unlink(cmd);
    rmdir(dir);
    free(dir);
}

/* ---- a catastrophic user rule --------------------------------------------- */

static const char catastrophic[] =
    "# (a+)+$ backtracks exponentially on a run of a's that ends in !\n"
    "field: targets\n"
    "\n"
    "rule catastrophic\n"
    "pattern: (?<value>(?<num>[0-9]*)(a+)+$)\n";

static void catastrophic_rule_fails_with_a_warning(void **state)
{
    (void)state;
    char *dir = rules_dir("catastrophic", catastrophic);
    zc_rules *rules = NULL;
    zc_error err;
    assert_int_equal(zc_rules_load_dir(dir, NULL, &rules, &err), ZC_OK);
    /* 100,000 a's, then "!" - in two sections, and a clean one after */
    size_t n = 100000;
    char *in = malloc(n + 256);
    assert_non_null(in);
    size_t k = (size_t)sprintf(in, "一、总则\n（一）");
    memset(in + k, 'a', n);
    k += n;
    k += (size_t)sprintf(in + k, "!\n（二）aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                                 "aaaaaaaaaaaaaaaaaaaa!\n二、附则\n3aaa\n");
    meter m = {0};
    zc_options opt;
    zc_options_init(&opt);
    seen r;
    double secs;
    assert_int_equal(run(rules, &opt, &m, in, k, &r, &secs), ZC_OK);
    /* the rule is skipped where it hit the limit, with a clear warning
     * naming it and its file:line ... */
    if (!strstr(r.codes, "match-limit:rule catastrophic "
                         "(catastrophic.rules:4) hit the match limit"))
        fail_msg("no match-limit warning naming the rule: %s", r.codes);
    /* ... and still runs on the sections it can finish: 3aaa at the end */
    assert_int_equal(r.sections, 5);
    if (secs > 30)
        fail_msg("catastrophic rule: %.1f s of CPU", secs);
    if (m.peak > 64 * MIB)
        fail_msg("catastrophic rule: peak %zu bytes", m.peak);
    assert_int_equal(m.blocks, 0);
    printf("catastrophic rule over 100,000 a's: %.2f s CPU, peak %.1f MB\n",
           secs, (double)m.peak / (double)MIB);
    zc_rules_free(rules);
    free(in);
    rules_dir_remove(dir);
}

/* The same pattern with a nomatch: example that only a give-up would
 * pass: a load error at the example's line, not a silent pass. */
static void catastrophic_example_is_a_load_error(void **state)
{
    (void)state;
    char text[sizeof catastrophic + 128];
    snprintf(text, sizeof text, "%snomatch: %s!\n", catastrophic,
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    char *dir = rules_dir("catastrophic", text);
    zc_rules *rules = NULL;
    zc_error err;
    double t0 = cpu_seconds();
    assert_int_equal(zc_rules_load_dir(dir, NULL, &rules, &err), ZC_ERR_RULE);
    double secs = cpu_seconds() - t0;
    assert_null(rules);
    assert_int_equal(err.line, 6);
    assert_non_null(strstr(err.file, "catastrophic.rules"));
    assert_non_null(strstr(err.msg, "match limit"));
    if (secs > 30)
        fail_msg("loading took %.1f s of CPU", secs);
    rules_dir_remove(dir);
}

/* ---- nesting ------------------------------------------------------------------ */

/* 100 markers, each the first of its family at the point it appears, so
 * every one asks for a level deeper than the last (一、 （一） 1. （1） ① ...
 * and round again): the depth never passes max_depth, deeper markers stay
 * in the text, in bounded time. */
static void hundred_deep_nesting(void **state)
{
    (void)state;
    static const char *const fam[] = {"第一章 ", "第一节 ", "第一条 ",
                                      "一、",     "（一）",   "1.",
                                      "（1）",    "①"};
    char *in = malloc(100 * 64);
    assert_non_null(in);
    size_t k = 0;
    for (int i = 0; i < 100; i++)
        k += (size_t)sprintf(in + k, "%s第%d层的内容。\n",
                             fam[i % (int)(sizeof fam / sizeof fam[0])], i);
    static const unsigned depths[] = {1, 3, 8, 100};
    for (size_t d = 0; d < sizeof depths / sizeof depths[0]; d++) {
        meter m = {0};
        zc_options opt;
        zc_options_init(&opt);
        opt.max_depth = depths[d];
        seen r;
        double secs;
        assert_int_equal(run(NULL, &opt, &m, in, k, &r, &secs), ZC_OK);
        if (r.max_level > depths[d])
            fail_msg("max_depth %u: a section at level %zu", depths[d],
                     r.max_level);
        assert_true(r.sections >= 2);
        if (secs > 10)
            fail_msg("100-deep nesting: %.1f s", secs);
        assert_int_equal(m.blocks, 0);
    }
    free(in);
}

/* ---- big inputs ---------------------------------------------------------------- */

/* 10 MB on one line, no marker anywhere: one root section, cut at
 * max_section_bytes with a truncated-section warning; memory stays near
 * the cap, not the input. */
static void ten_mb_line_without_a_marker(void **state)
{
    (void)state;
    zc_rules *rules = NULL;
    assert_int_equal(zc_rules_load_dir(ZC_RULES_DIR, NULL, &rules, NULL),
                     ZC_OK);
    static const char unit[] = "各地区各部门要认真贯彻落实政务公开工作，"
                               "到2025年底前完成90%以上。";
    size_t n = 10 * 1000 * 1000;
    char *in = malloc(n + sizeof unit);
    assert_non_null(in);
    size_t k = 0;
    while (k < n) {
        memcpy(in + k, unit, sizeof unit - 1);
        k += sizeof unit - 1;
    }
    meter m = {0};
    zc_options opt;
    zc_options_init(&opt);
    seen r;
    double secs;
    assert_int_equal(run(rules, &opt, &m, in, k, &r, &secs), ZC_OK);
    assert_int_equal(r.sections, 1);
    assert_int_equal(r.truncated, 1);
    assert_non_null(strstr(r.codes, "truncated-section:section 0 is longer "
                                    "than max_section_bytes"));
    printf("10 MB line: %.2f s CPU, peak %.1f MB (max_section_bytes %.1f MB)\n",
           secs, (double)m.peak / (double)MIB,
           (double)opt.max_section_bytes / (double)MIB);
    /* the rules' working memory on a cut section is some 30 times its
     * size (commit e6881de): 64 MB as bad_input.sh allows the command */
    if (m.peak > 64 * MIB)
        fail_msg("10 MB line: peak %zu bytes", m.peak);
    if (secs > 60)
        fail_msg("10 MB line: %.1f s", secs);
    assert_int_equal(m.blocks, 0);
    zc_rules_free(rules);
    free(in);
}

/* 一 ... 九十九, 一百 */
static const char *zh_num(unsigned n, char *buf)
{
    static const char *const d[] = {"", "一", "二", "三", "四",
                                    "五", "六", "七", "八", "九"};
    if (n == 100)
        return "一百";
    snprintf(buf, 32, "%s%s%s", n >= 20 ? d[n / 10] : "",
             n >= 10 ? "十" : "", d[n % 10]);
    return buf;
}

/* 100,000 markers: 100 top-level sections 一、 ... 一百、, each with 999
 * sub-sections （1） ... （999）: every one reported, memory bounded by
 * one top-level section, linear time. */
static void hundred_thousand_markers(void **state)
{
    (void)state;
    zc_rules *rules = NULL;
    assert_int_equal(zc_rules_load_dir(ZC_RULES_DIR, NULL, &rules, NULL),
                     ZC_OK);
    size_t n = 100000;
    char *in = malloc(n * 64);
    assert_non_null(in);
    size_t k = (size_t)sprintf(in, "关于印发工作要点的通知\n");
    char zh[32];
    for (unsigned top = 1; top <= 100; top++) {
        k += (size_t)sprintf(in + k, "%s、重点任务\n", zh_num(top, zh));
        for (unsigned i = 1; i <= 999; i++)
            k += (size_t)sprintf(in + k, "（%u）落实任务，年底前完成。\n", i);
    }
    meter m = {0};
    zc_options opt;
    zc_options_init(&opt);
    seen r;
    double secs;
    assert_int_equal(run(rules, &opt, &m, in, k, &r, &secs), ZC_OK);
    assert_int_equal(r.sections, n + 1);
    printf("100,000 markers (%.1f MB): %.2f s CPU, peak %.1f MB\n",
           (double)k / 1e6, secs, (double)m.peak / (double)MIB);
    if (m.peak > 32 * MIB)
        fail_msg("100,000 markers: peak %zu bytes", m.peak);
    if (secs > 120)
        fail_msg("100,000 markers: %.1f s", secs);
    assert_int_equal(m.blocks, 0);
    zc_rules_free(rules);
    free(in);
}

/* A line of ten million digits (test_encoding.c checks the time): memory
 * bounded by the section cap, the digits after it not kept. */
static void ten_million_digits_in_bounded_memory(void **state)
{
    (void)state;
    zc_rules *rules = NULL;
    assert_int_equal(zc_rules_load_dir(ZC_RULES_DIR, NULL, &rules, NULL),
                     ZC_OK);
    size_t n = 10 * 1000 * 1000;
    char *in = malloc(n + 64);
    assert_non_null(in);
    size_t k = (size_t)sprintf(in, "一、总则\n");
    memset(in + k, '7', n);
    k += n;
    k += (size_t)sprintf(in + k, "%%\n二、附则\n");
    meter m = {0};
    zc_options opt;
    zc_options_init(&opt);
    seen r;
    double secs;
    assert_int_equal(run(rules, &opt, &m, in, k, &r, &secs), ZC_OK);
    assert_int_equal(r.sections, 3);
    printf("10 million digits: %.2f s CPU, peak %.1f MB\n", secs,
           (double)m.peak / (double)MIB);
    if (m.peak > 64 * MIB)
        fail_msg("10 million digits: peak %zu bytes", m.peak);
    assert_int_equal(m.blocks, 0);
    zc_rules_free(rules);
    free(in);
}

/* ---- a failing allocator ------------------------------------------------------ */

/* The allocator refuses once the library holds 2 MB (a heap cap), on a
 * 10 MB notice: ZC_ERR_NOMEM with "out of memory", sticky, nothing
 * leaked, and the JSON writer still closes the object with an "error". */
static void allocator_that_runs_dry(void **state)
{
    (void)state;
    size_t n = 10 * 1000 * 1000;
    char *in = malloc(n + 16);
    assert_non_null(in);
    memcpy(in, "一、总则\n", 13);
    memset(in + 13, 'x', n);
    meter m = {0};
    m.cap = 2 * MIB;
    zc_mem mem = {m_malloc, m_realloc, m_free, &m};
    zc_options opt;
    zc_options_init(&opt);
    opt.mem = &mem;
    char *json = NULL;
    size_t json_len = 0;
    FILE *out = open_memstream(&json, &json_len);
    assert_non_null(out);
    zc_json_writer *jw = zc_json_writer_new(out, 0);
    assert_non_null(jw);
    zc_callbacks cb;
    zc_json_writer_callbacks(jw, &cb);
    zc_parser *p = zc_parser_new(NULL, &opt, &cb);
    assert_non_null(p);
    assert_int_equal(zc_json_writer_begin(jw, "dry.txt", NULL), ZC_OK);
    zc_status st = ZC_OK;
    double t0 = cpu_seconds();
    for (size_t off = 0; off < n + 13 && st == ZC_OK; off += 65536)
        st = zc_parser_feed(p, in + off,
                            n + 13 - off < 65536 ? n + 13 - off : 65536);
    if (st == ZC_OK)
        st = zc_parser_finish(p);
    double secs = cpu_seconds() - t0;
    assert_int_equal(st, ZC_ERR_NOMEM);
    assert_true(m.refused > 0);
    assert_int_equal(zc_parser_error(p)->code, ZC_ERR_NOMEM);
    assert_string_equal(zc_strerror(ZC_ERR_NOMEM), zc_strerror(st));
    assert_true(strlen(zc_parser_error(p)->msg) > 0);
    /* sticky */
    assert_int_equal(zc_parser_feed(p, "x", 1), ZC_ERR_NOMEM);
    assert_int_equal(zc_parser_finish(p), ZC_ERR_NOMEM);
    zc_json_writer_end(jw, p, zc_strerror(st));
    zc_json_writer_free(jw);
    fclose(out);
    assert_non_null(strstr(json, "\"error\":\""));
    cJSON *doc = cJSON_ParseWithLength(json, json_len);
    assert_non_null(doc);
    cJSON_Delete(doc);
    zc_parser_free(p);
    assert_int_equal(m.blocks, 0);
    assert_int_equal(m.live, 0);
    if (secs > 30)
        fail_msg("running dry took %.1f s", secs);
    printf("allocator capped at 2 MB: \"%s\" after %ld refusals\n",
           zc_strerror(st), m.refused);
    free(json);
    free(in);
}

/* ---- warnings ------------------------------------------------------------------ */

/* 5,000 invalid bytes with max_warnings 7: 7 reported, the rest counted,
 * and the JSON says both (warnings: 7 members; stats.warnings: 5000). */
static void warnings_are_capped_and_counted(void **state)
{
    (void)state;
    size_t n = 5000;
    /* one bad byte a line of text: flawed text, not binary input */
    static const char line[] = "\xFF" "政务公开工作要点abcdefg\n";
    char *in = malloc(n * sizeof line);
    assert_non_null(in);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(in + k, line, sizeof line - 1);
        k += sizeof line - 1;
    }
    zc_options opt;
    zc_options_init(&opt);
    opt.max_warnings = 7;
    char *json = NULL;
    size_t json_len = 0;
    FILE *out = open_memstream(&json, &json_len);
    assert_non_null(out);
    zc_json_writer *jw = zc_json_writer_new(out, ZC_JSON_NO_TEXT);
    zc_callbacks cb;
    zc_json_writer_callbacks(jw, &cb);
    zc_parser *p = zc_parser_new(NULL, &opt, &cb);
    assert_non_null(p);
    zc_json_writer_begin(jw, "w.txt", NULL);
    assert_int_equal(zc_parser_feed(p, in, k), ZC_OK);
    assert_int_equal(zc_parser_finish(p), ZC_OK);
    zc_json_writer_end(jw, p, NULL);
    zc_json_writer_free(jw);
    fclose(out);
    cJSON *doc = cJSON_ParseWithLength(json, json_len);
    assert_non_null(doc);
    assert_int_equal(cJSON_GetArraySize(
                         cJSON_GetObjectItemCaseSensitive(doc, "warnings")),
                     7);
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(doc, "stats");
    assert_int_equal(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
                         st, "warnings")),
                     (double)n);
    cJSON_Delete(doc);
    zc_parser_free(p);
    free(json);
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(catastrophic_rule_fails_with_a_warning),
        cmocka_unit_test(catastrophic_example_is_a_load_error),
        cmocka_unit_test(hundred_deep_nesting),
        cmocka_unit_test(ten_mb_line_without_a_marker),
        cmocka_unit_test(hundred_thousand_markers),
        cmocka_unit_test(ten_million_digits_in_bounded_memory),
        cmocka_unit_test(allocator_that_runs_dry),
        cmocka_unit_test(warnings_are_capped_and_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
