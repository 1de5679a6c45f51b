/*
 * test_rules.c - rule files: the project's rules load (and so every inline
 * example in them passes), and broken rules are reported where they are
 * broken (file:line:column), as rules/README.md promises.
 */
#include "testutil.h"

#include "internal.h"

#ifndef ZC_RULES_DIR
#error "ZC_RULES_DIR must name the rules directory"
#endif

static char data_path[1024];

static const char *rules_file(const char *name)
{
    snprintf(data_path, sizeof data_path, "%s/rules/%s", ZC_TEST_DATA, name);
    return data_path;
}

/* Every rule file of rules/ loads: patterns compile and every match: /
 * nomatch: example holds.  This is the "rules" check. */
static void project_rules_load(void **state)
{
    (void)state;
    zc_rules *r = NULL;
    zc_error err;
    memset(&err, 0, sizeof err);
    zc_status st = zc_rules_load_dir(ZC_RULES_DIR, NULL, &r, &err);
    if (st != ZC_OK)
        fail_msg("%s:%u:%u: %s", err.file, err.line, err.column, err.msg);
    assert_non_null(r);
    assert_true(zc_rules_count(r) > 50);
    /* every field has item rules */
    unsigned seen = 0;
    for (size_t i = 0; i < zc_rules_n(r); i++) {
        const zc_rule *ru = zc_rules_at(r, i);
        if (ru->type == ZC_RT_ITEM)
            seen |= 1u << ru->field;
        assert_non_null(ru->where);
        assert_non_null(strstr(ru->where, ".rules:"));
    }
    assert_int_equal(seen, (1u << ZC_FIELD_COUNT) - 1);
    zc_rules_free(r);
}

static void expect_error(const char *name, unsigned line, unsigned col,
                         const char *msg_part)
{
    zc_rules *r = (zc_rules *)1;
    zc_error err;
    memset(&err, 0, sizeof err);
    zc_status st = zc_rules_load_file(rules_file(name), NULL, &r, &err);
    assert_int_equal(st, ZC_ERR_RULE);
    assert_null(r);
    assert_int_equal(err.code, ZC_ERR_RULE);
    assert_non_null(strstr(err.file, name));
    if (err.line != line || (col && err.column != col) ||
        !strstr(err.msg, msg_part))
        fail_msg("%s: got %u:%u: %s; expected %u:%u: ...%s...", name,
                 err.line, err.column, err.msg, line, col, msg_part);
}

/* pcre2grep style: the line and the character column of the bad spot */
static void missing_paren(void **state)
{
    (void)state;
    /* "pattern: (?<value>到(?<y>[0-9]{4})年": PCRE2 reports the end, one
     * past the last character (column 35) */
    expect_error("bad_paren.rules", 5, 35, "missing closing parenthesis");
}

static void failing_example(void **state)
{
    (void)state;
    expect_error("bad_example.rules", 7, 1, "example does not match: 到2023年底");
}

static void failing_nomatch(void **state)
{
    (void)state;
    expect_error("bad_nomatch.rules", 6, 1, "nomatch example matches");
}

static void unknown_group(void **state)
{
    (void)state;
    expect_error("bad_group.rules", 3, 1, "unknown group name 'year'");
}

static void unknown_define(void **state)
{
    (void)state;
    /* the column of NUMBER inside {{NUMBER}} */
    expect_error("bad_define.rules", 5, 28, "unknown define 'NUMBER'");
}

static void bad_attribute(void **state)
{
    (void)state;
    expect_error("bad_attr.rules", 5, 7, "bad value 'soon'");
}

static void no_field(void **state)
{
    (void)state;
    expect_error("no_field.rules", 1, 1, "field");
}

static void defines_and_continuations(void **state)
{
    (void)state;
    zc_rules *r = NULL;
    zc_error err;
    zc_status st =
        zc_rules_load_file(rules_file("defines.rules"), NULL, &r, &err);
    if (st != ZC_OK)
        fail_msg("%s:%u:%u: %s", err.file, err.line, err.column, err.msg);
    assert_int_equal(zc_rules_count(r), 1);
    const zc_rule *ru = zc_rules_at(r, 0);
    assert_int_equal(ru->field, ZC_FIELD_TARGETS);
    assert_true(ru->grp[ZC_G_NUM] != 0);
    assert_string_equal(ru->where, "defines.rules:7");
    zc_rules_free(r);
}

static void missing_file_and_dir(void **state)
{
    (void)state;
    zc_rules *r = NULL;
    zc_error err;
    assert_int_equal(zc_rules_load_file(rules_file("nonexistent.rules"), NULL,
                                        &r, &err),
                     ZC_ERR_IO);
    assert_null(r);
    assert_int_equal(zc_rules_load_dir("/nonexistent/rules", NULL, &r, &err),
                     ZC_ERR_IO);
    assert_null(r);
}

/* Rules from the text txt ("mem"), which must load. */
static zc_rules *buffer_ok(const char *txt)
{
    zc_rules *r = NULL;
    zc_error err;
    assert_int_equal(zc_rules_load_buffer("mem", txt, strlen(txt), NULL, &r,
                                          &err),
                     ZC_OK);
    assert_non_null(r);
    return r;
}

static void from_buffer(void **state)
{
    (void)state;
    zc_rules *r = buffer_ok("field: deadlines\nrule r\n"
                            "pattern: (?<value>年底前)\nkind: by\n");
    assert_int_equal(zc_rules_count(r), 1);
    assert_string_equal(zc_rules_at(r, 0)->where, "mem:2");
    zc_rules_free(r);
}

static void buffer_error(const char *txt, unsigned line, const char *part)
{
    zc_rules *r = NULL;
    zc_error err;
    memset(&err, 0, sizeof err);
    zc_status st = zc_rules_load_buffer("mem", txt, strlen(txt), NULL, &r,
                                        &err);
    assert_int_equal(st, ZC_ERR_RULE);
    assert_null(r);
    if (err.line != line || !strstr(err.msg, part))
        fail_msg("got %u: %s; expected %u: ...%s...", err.line, err.msg,
                 line, part);
}

/* Anchors (rules/README.md): folded literals, a reach the examples keep
 * to, only on rules that scan the text. */
static void anchors(void **state)
{
    (void)state;
    zc_rules *r = buffer_ok("field: targets\nrule p\n"
                            "pattern: (?<value>(?<num>[0-9]+)\\s*%)\n"
                            "anchor: %|百分\nreach: 3\n"
                            "match: 达到 90 %以上 => 90 %\n");
    const zc_rule *ru = zc_rules_at(r, 0);
    assert_int_equal(ru->n_anchors, 2);
    assert_int_equal(ru->reach, 3);
    assert_string_equal(zc_anchors_literal(zc_rules_anchors(r),
                                           ru->anchors[1]),
                        "百分");
    zc_rules_free(r);

    /* 123 % starts four characters before its anchor: not in reach 3 */
    buffer_error("field: targets\nrule p\n"
                 "pattern: (?<value>(?<num>[0-9]+)\\s*%)\n"
                 "anchor: %\nreach: 3\nmatch: 1234 %\n",
                 6, "does not start within 'reach: 3'");
    buffer_error("field: targets\nrule p\n"
                 "pattern: (?<value>(?<num>[0-9]+)％)\nanchor: ％\n",
                 4, "not written as rules see text");
    buffer_error("field: targets\nrule p\n"
                 "pattern: (?<value>(?<num>[0-9]+)%)\nanchor: %||x\n",
                 4, "empty or broken anchor");
    buffer_error("field: targets\nrule p\n"
                 "pattern: (?<value>(?<num>[0-9]+)%)\nreach: 4\n"
                 "rule q\npattern: x\n",
                 2, "'reach:' without 'anchor:'");
    buffer_error("field: targets\nrule p\n"
                 "pattern: (?<value>(?<num>[0-9]+)%)\nanchor: "
                 "%|一二三四五六七八九十一二三四五六七八九十一二三\n",
                 4, "longer than 64 bytes");
    buffer_error("field: targets\nrule p\n"
                 "pattern: (?<value>(?<num>[0-9]+)%)\nanchor: %\n"
                 "reach: -1\n",
                 5, "bad value '-1' for 'reach'");
}

/* numeral: (rules/README.md): a numeral as near the anchor as the rule
 * says; the examples must keep to it. */
static void numeral_near_anchor(void **state)
{
    (void)state;
    zc_rules *r = buffer_ok("field: deadlines\nrule w\nkind: within\n"
                            "pattern: (?<value>(?<n>[0-9]+)\\s*天\\s*以?内)\n"
                            "anchor: 内\nreach: 8\n"
                            "numeral: before 3 after 1\n"
                            "match: 在30天 以内完成 => 30天 以内\n");
    const zc_rule *ru = zc_rules_at(r, 0);
    assert_true(ru->numeral);
    assert_int_equal(ru->numeral_before, 3);
    assert_int_equal(ru->numeral_after, 1);
    assert_false(ru->numeral_unbroken);
    zc_rules_free(r);

    /* unbroken: the example's 30 lies across a blank from 内 */
    buffer_error("field: deadlines\nrule w\nkind: within\n"
                 "pattern: (?<value>(?<n>[0-9]+)\\s*天\\s*以?内)\n"
                 "anchor: 内\nreach: 8\nnumeral: before 3 unbroken\n"
                 "match: 在30天 以内完成 => 30天 以内\n",
                 8, "with a numeral as near as 'numeral:' says");
    r = buffer_ok("field: deadlines\nrule w\nkind: within\n"
                  "pattern: (?<value>(?<n>[0-9]+)\\s*天\\s*以?内)\n"
                  "anchor: 内\nreach: 8\nnumeral: before 3 unbroken\n"
                  "match: 在30天以内完成 => 30天以内\n");
    assert_true(zc_rules_at(r, 0)->numeral_unbroken);
    zc_rules_free(r);

    /* 0 天以 内: the 0 is the third character before 内 */
    buffer_error("field: deadlines\nrule w\nkind: within\n"
                 "pattern: (?<value>(?<n>[0-9]+)\\s*天\\s*以?内)\n"
                 "anchor: 内\nreach: 8\nnumeral: before 2\n"
                 "match: 在30天 以内完成 => 30天 以内\n",
                 8, "with a numeral as near as 'numeral:' says");
    buffer_error("field: deadlines\nrule w\nkind: within\n"
                 "pattern: (?<value>(?<n>[0-9]+)天内)\nnumeral: before 2\n",
                 2, "'numeral:' without 'anchor:'");
    static const char *const bad[] = {
        "3",      "before 0", "before 65",    "before 2 before 3", "near 2",
        "before", "after 1x", "", "unbroken", "after 2 unbroken before 1",
        "after 2 unbroke"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char txt[200];
        snprintf(txt, sizeof txt,
                 "field: deadlines\nrule w\nkind: within\n"
                 "pattern: (?<value>(?<n>[0-9]+)天内)\nanchor: 内\n"
                 "numeral: %s\n",
                 bad[i]);
        buffer_error(txt, 6, "for 'numeral'");
    }
}

/* How far the nearest numerals are: blanks not counted, digits and the
 * Chinese numerals, nothing past the limits. */
static void numerals_around_anchor(void **state)
{
    (void)state;
    static const char t[] = "第十二 个工作日以内, 共 3 项";
    size_t len = sizeof t - 1;
    size_t nei = (size_t)(strstr(t, "内") - t);
    zc_numeral_look k;
    /* back from 内: 以 日 作 工 个 (blank) 二 */
    zc_numerals_around(t, len, nei, nei + 3, 8, 8, false, &k);
    assert_int_equal(k.before, 6);
    assert_true(k.before_broken); /* the blank */
    assert_int_equal(k.after, 3); /* , (blank) 共 (blank) 3 */
    assert_true(k.after_broken);
    assert_true(zc_numeral_near(&k, 6, 0, false));
    assert_false(zc_numeral_near(&k, 6, 2, true)); /* broken both ways */
    assert_false(zc_numeral_near(&k, 5, 2, false));
    zc_numerals_around(t, len, nei, nei + 3, 5, 2, false, &k);
    assert_int_equal(k.before, 0);
    assert_int_equal(k.after, 0);
    zc_numerals_around(t, len, 0, 0, 4, 0, false, &k); /* nothing before */
    assert_int_equal(k.before, 0);
    zc_numerals_around(t, len, len, len, 0, 4, false, &k); /* or after */
    assert_int_equal(k.after, 0);
    /* a look that may stop at the first break: before the blank, before
     * the , */
    zc_numerals_around(t, len, nei, nei + 3, 8, 8, true, &k);
    assert_int_equal(k.before, 0);
    assert_int_equal(k.after, 0);
    /* unbroken: , ; : | 。 、 and blanks break, other punctuation not */
    static const char *const breaks[] = {"建设, 5个", "建设 5个", "建设;5个",
                                         "建设:5个", "建设|5个", "建设。5个",
                                         "建设、5个", "建设\n5个"};
    for (size_t i = 0; i < sizeof breaks / sizeof breaks[0]; i++) {
        const char *s = breaks[i];
        zc_numerals_around(s, strlen(s), 0, 6, 0, 4, false, &k);
        assert_true(k.after > 0 && k.after_broken);
        zc_numerals_around(s, strlen(s), 0, 6, 0, 4, true, &k);
        assert_int_equal(k.after, 0);
    }
    static const char whole[] = "新建“智慧”工厂5个";
    zc_numerals_around(whole, sizeof whole - 1, 0, 6, 0, 13, true, &k);
    assert_int_equal(k.after, 7); /* “智慧”工厂5 */
    assert_false(k.after_broken);
    assert_true(zc_numeral_near(&k, 0, 7, true));
    assert_false(zc_numeral_near(&k, 0, 6, true));
    static const uint32_t yes[] = {'0', '9', 0x3007, 0x96F6, 0x4E00,
                                   0x4E24, 0x5343, 0x767E, 0x5341};
    static const uint32_t no[] = {'/', ':', 0xFF10, 0x4E07, 0x4EBF,
                                  0x4E01, 0x2460, 0x7B2C};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        assert_true(zc_is_numeral(yes[i]));
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_false(zc_is_numeral(no[i]));
    /* the bitmap holds the 25 numerals and nothing else */
    static const char all[] = "0123456789〇零一二三四五六七八九十百千两";
    unsigned listed = 0, found = 0;
    for (size_t i = 0; all[i]; listed++) {
        uint32_t cp;
        int l = zc_utf8_decode(all + i, sizeof all - 1 - i, &cp);
        assert_true(l > 0 && zc_is_numeral(cp));
        i += (size_t)l;
    }
    for (uint32_t cp = 0; cp < 0x110000; cp++)
        found += zc_is_numeral(cp);
    assert_int_equal(listed, 25);
    assert_int_equal(found, listed);
}

/* ---- allocation failure: NOMEM or success, never a crash or leak ---- */

typedef struct {
    long left; /* allocations still allowed; <0: unlimited */
    long live;
} failing;

static void *f_malloc(size_t n, void *ud)
{
    failing *f = ud;
    if (f->left == 0)
        return NULL;
    if (f->left > 0)
        f->left--;
    void *p = malloc(n);
    if (p)
        f->live++;
    return p;
}

static void *f_realloc(void *p, size_t n, void *ud)
{
    failing *f = ud;
    if (f->left == 0)
        return NULL;
    if (f->left > 0)
        f->left--;
    void *q = realloc(p, n);
    if (q && !p)
        f->live++;
    return q;
}

static void f_free(void *p, void *ud)
{
    failing *f = ud;
    if (p)
        f->live--;
    free(p);
}

static void allocation_failures(void **state)
{
    (void)state;
    size_t len;
    char *buf = tu_read("rules/defines.rules", &len);
    bool succeeded = false;
    for (long n = 0; n < 5000 && !succeeded; n++) {
        failing f = {n, 0};
        zc_mem mem = {f_malloc, f_realloc, f_free, &f};
        zc_rules *r = NULL;
        zc_error err;
        zc_status st = zc_rules_load_buffer("defines.rules", buf, len, &mem,
                                            &r, &err);
        if (st == ZC_OK) {
            succeeded = true;
            zc_rules_free(r);
        } else {
            assert_int_equal(st, ZC_ERR_NOMEM);
            assert_null(r);
        }
        if (f.live != 0)
            fail_msg("allocation %ld failed: %ld blocks leaked", n, f.live);
    }
    assert_true(succeeded);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(project_rules_load),
        cmocka_unit_test(missing_paren),
        cmocka_unit_test(failing_example),
        cmocka_unit_test(failing_nomatch),
        cmocka_unit_test(unknown_group),
        cmocka_unit_test(unknown_define),
        cmocka_unit_test(bad_attribute),
        cmocka_unit_test(no_field),
        cmocka_unit_test(defines_and_continuations),
        cmocka_unit_test(missing_file_and_dir),
        cmocka_unit_test(from_buffer),
        cmocka_unit_test(anchors),
        cmocka_unit_test(numeral_near_anchor),
        cmocka_unit_test(numerals_around_anchor),
        cmocka_unit_test(allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
