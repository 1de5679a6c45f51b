/*
 * test_scan.c - the marker recognisers of scan.c.
 *
 * zc_scan_marker says what a marker at a position would be (family,
 * number, length in bytes); it knows nothing of the numbering state.
 * Every form of DESIGN.md's list is here, and the look-alikes that are
 * not markers at all (3.0实行, 2.0平台, (2015—2020年), 1.5亿元, 10%).
 * Whether a well-formed marker starts a section is test_segment.c's job.
 */
#include "testutil.h"

#include "internal.h"

typedef struct {
    const char *text;
    zc_style style;
    unsigned long number;
    size_t len; /* bytes of the marker as written */
} marker_case;

static void check_markers(const marker_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        zc_marker m;
        memset(&m, 0xAB, sizeof m);
        zc_scan_result r =
            zc_scan_marker(c[i].text, strlen(c[i].text), true, &m);
        if (r != ZC_SCAN_YES)
            fail_msg("\"%s\": not recognised as a marker", c[i].text);
        if (m.style != c[i].style || m.number != c[i].number ||
            m.len != c[i].len)
            fail_msg("\"%s\": expected %s %lu (%zu bytes), got %s %lu "
                     "(%zu bytes)",
                     c[i].text, zc_style_name(c[i].style), c[i].number,
                     c[i].len, zc_style_name(m.style), m.number, m.len);
    }
}

static void check_not_markers(const char *const *texts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        zc_marker m;
        zc_scan_result r = zc_scan_marker(texts[i], strlen(texts[i]), true, &m);
        if (r == ZC_SCAN_YES)
            fail_msg("\"%s\": read as a %s marker number %lu (%zu bytes)",
                     texts[i], zc_style_name(m.style), m.number, m.len);
    }
}

static void chinese_dun(void **state)
{
    (void)state;
    static const marker_case c[] = {
        {"一、总体要求", ZC_STYLE_ZH_DUN, 1, 6},
        {"二、主要任务", ZC_STYLE_ZH_DUN, 2, 6},
        {"十、其他", ZC_STYLE_ZH_DUN, 10, 6},
        {"十二、加强", ZC_STYLE_ZH_DUN, 12, 9},
        {"二十二、附则", ZC_STYLE_ZH_DUN, 22, 12},
        {"九十九、末项", ZC_STYLE_ZH_DUN, 99, 12},
        {"一．工作目标", ZC_STYLE_ZH_DUN, 1, 6}, /* 一． full-width dot */
        {"三.保障措施", ZC_STYLE_ZH_DUN, 3, 4},
    };
    check_markers(c, sizeof c / sizeof c[0]);
}

static void chinese_in_brackets_any_width(void **state)
{
    (void)state;
    static const marker_case c[] = {
        {"（一）指导思想", ZC_STYLE_ZH_PAREN, 1, 9},
        {"(一)指导思想", ZC_STYLE_ZH_PAREN, 1, 5},
        {"（一)混合", ZC_STYLE_ZH_PAREN, 1, 7},   /* mixed widths */
        {"(一）混合", ZC_STYLE_ZH_PAREN, 1, 7},
        {"（十二）", ZC_STYLE_ZH_PAREN, 12, 12},
        {"（二十二）深化", ZC_STYLE_ZH_PAREN, 22, 15},
        {"(九十九)", ZC_STYLE_ZH_PAREN, 99, 11},
    };
    check_markers(c, sizeof c / sizeof c[0]);
}

static void arabic_forms(void **state)
{
    (void)state;
    static const marker_case c[] = {
        {"1.深化改革", ZC_STYLE_NUM_DOT, 1, 2},
        {"1. 深化改革", ZC_STYLE_NUM_DOT, 1, 2},
        {"1、深化改革", ZC_STYLE_NUM_DOT, 1, 4},
        {"1．深化改革", ZC_STYLE_NUM_DOT, 1, 4}, /* U+FF0E */
        {"１．深化改革", ZC_STYLE_NUM_DOT, 1, 6}, /* full-width digit */
        {"12.完善", ZC_STYLE_NUM_DOT, 12, 3},
        {"（1）加强", ZC_STYLE_NUM_PAREN, 1, 7},
        {"(1)加强", ZC_STYLE_NUM_PAREN, 1, 3},
        {"（1)加强", ZC_STYLE_NUM_PAREN, 1, 5},
        {"(12)加强", ZC_STYLE_NUM_PAREN, 12, 4},
        {"（１２）加强", ZC_STYLE_NUM_PAREN, 12, 12},
        {"⑴加强", ZC_STYLE_NUM_PAREN, 1, 3},
        {"1)加强", ZC_STYLE_NUM_HALF, 1, 2},
        {"1）加强", ZC_STYLE_NUM_HALF, 1, 4},
    };
    check_markers(c, sizeof c / sizeof c[0]);
}

static void circled(void **state)
{
    (void)state;
    static const marker_case c[] = {
        {"①加强", ZC_STYLE_CIRCLED, 1, 3},
        {"②完善", ZC_STYLE_CIRCLED, 2, 3},
        {"⑩推进", ZC_STYLE_CIRCLED, 10, 3},
        {"⑳推进", ZC_STYLE_CIRCLED, 20, 3},
    };
    check_markers(c, sizeof c / sizeof c[0]);
}

static void chapter_section_article_part(void **state)
{
    (void)state;
    static const marker_case c[] = {
        {"第一章 总则", ZC_STYLE_CHAPTER, 1, 9},
        {"第十二章 附则", ZC_STYLE_CHAPTER, 12, 12},
        {"第二节 职责", ZC_STYLE_SECTION, 2, 9},
        {"第一条 为了", ZC_STYLE_ARTICLE, 1, 9},
        {"第二十条 本办法", ZC_STYLE_ARTICLE, 20, 12},
        {"第一百零五条 附则", ZC_STYLE_ARTICLE, 105, 18},
        {"第12条 数字", ZC_STYLE_ARTICLE, 12, 8},
        {"第三部分 保障", ZC_STYLE_PART, 3, 12},
        {"第二條 繁體", ZC_STYLE_ARTICLE, 2, 9},
        {"第一節 繁體", ZC_STYLE_SECTION, 1, 9},
    };
    check_markers(c, sizeof c / sizeof c[0]);
}

static void look_alikes_are_not_markers(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "3.0实行",        /* a version number, seed 002 */
        "2.0平台",
        "1.5亿元",
        "3．5万",
        "(2015—2020年)",  /* a year range in brackets */
        "（2015—2020年）",
        "(2019)",         /* too many digits */
        "（0）",
        "(〇)",
        "0.",             /* no section 0 */
        "10%以上",
        "1.\n",           /* a marker is followed by its text */
        "1.",             /* ... not by the end of the input */
        "一.5",
        "(一",            /* unclosed */
        "（一",
        "(1",
        "一是",           /* a run-in item, not a section */
        "第一",           /* no 章/节/条 */
        "第一次会议",
        "第几条",
        "两会",
        "二〇二〇年",
        "二百、",         /* over the marker maximum */
        "",
        "总体要求",
    };
    check_not_markers(texts, sizeof texts / sizeof texts[0]);
}

static void marker_length_stops_at_its_end(void **state)
{
    (void)state;
    /* the segmenter takes the byte after the marker as the start of the
     * heading: the length must not swallow it */
    zc_marker m;
    const char *s = "（三）（四）";
    assert_int_equal(zc_scan_marker(s, strlen(s), true, &m), ZC_SCAN_YES);
    assert_int_equal(m.len, 9);
    assert_int_equal(m.number, 3);
}

static void run_in_items(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        unsigned long number;
        size_t len;
    } c[] = {
        {"一是加强", 1, 6},   {"二是完善", 2, 6}, {"十是推进", 10, 6},
        {"十一是推进", 11, 9}, {"首先要", 1, 6},   {"其次要", 2, 6},
        {"再次要", 3, 6},     {"最后要", 0, 6}, /* 最后 closes a run */
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        zc_marker m;
        if (zc_scan_item(c[i].text, strlen(c[i].text), true, &m) !=
            ZC_SCAN_YES)
            fail_msg("\"%s\": not a run-in item", c[i].text);
        if (m.number != c[i].number || m.len != c[i].len)
            fail_msg("\"%s\": expected %lu (%zu bytes), got %lu (%zu bytes)",
                     c[i].text, c[i].number, c[i].len, m.number, m.len);
    }
    static const char *const not_items[] = {"是否", "一直", "于是", "其他",
                                            "最好", "一、", ""};
    for (size_t i = 0; i < sizeof not_items / sizeof not_items[0]; i++) {
        zc_marker m;
        if (zc_scan_item(not_items[i], strlen(not_items[i]), true, &m) ==
            ZC_SCAN_YES)
            fail_msg("\"%s\": read as a run-in item", not_items[i]);
    }
}

static void boundaries(void **state)
{
    (void)state;
    /* where a marker may start: after white space (ASCII and U+3000) and
     * the end of a sentence or clause; never after a letter or digit */
    static const uint32_t yes[] = {' ',    '\n',   '\t',   0x3000, 0x3002,
                                   0xFF1B, ';',    0xFF1A, ':',    0xFF01,
                                   0xFF1F, ')',    0xFF09, '|'};
    static const uint32_t no[] = {0x5C0F /* 小 */, 'a', '5', 0xFF0C /* ， */,
                                  0x201C /* “ */, 0x300A /* 《 */};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (!zc_marker_boundary(yes[i]))
            fail_msg("U+%04X should allow a marker after it", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (zc_marker_boundary(no[i]))
            fail_msg("U+%04X should not allow a marker after it", no[i]);
}

static void style_names(void **state)
{
    (void)state;
    /* these names are part of the JSON contract ("style") */
    assert_null(zc_style_name(ZC_STYLE_NONE));
    assert_string_equal(zc_style_name(ZC_STYLE_ZH_DUN), "zh_dun");
    assert_string_equal(zc_style_name(ZC_STYLE_ZH_PAREN), "zh_paren");
    assert_string_equal(zc_style_name(ZC_STYLE_NUM_DOT), "num_dot");
    assert_string_equal(zc_style_name(ZC_STYLE_NUM_PAREN), "num_paren");
    assert_string_equal(zc_style_name(ZC_STYLE_NUM_HALF), "num_half");
    assert_string_equal(zc_style_name(ZC_STYLE_CIRCLED), "circled");
    assert_string_equal(zc_style_name(ZC_STYLE_CHAPTER), "chapter");
    assert_string_equal(zc_style_name(ZC_STYLE_SECTION), "section");
    assert_string_equal(zc_style_name(ZC_STYLE_ARTICLE), "article");
    assert_string_equal(zc_style_name(ZC_STYLE_PART), "part");
    assert_null(zc_style_name(ZC_STYLE_COUNT));
}

/* segment.c skips the recognisers for a Han character outside this list
 * (han_starter): no marker or run-in item may start with any other. */
static void han_starters(void **state)
{
    (void)state;
    static const uint32_t starters[] = {
        0x4E00, 0x4E8C, 0x4E24, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03,
        0x516B, 0x4E5D, 0x96F6, 0x5341, 0x767E, 0x5343, 0x7B2C, 0x9996,
        0x5176, 0x518D, 0x6700};
    /* what could follow a first character in a marker or an item */
    static const char *const tails[] = {
        "、", "是", "先", "次", "后", "一条", "一章", "十、", "一、",
        "十是", "百零五、", "．", "."};
    for (uint32_t cp = 0x4E00; cp <= 0x9FFF; cp++) {
        bool listed = false;
        for (size_t i = 0; i < sizeof starters / sizeof starters[0]; i++)
            listed |= starters[i] == cp;
        if (listed)
            continue;
        for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
            char buf[64];
            int l = zc_utf8_encode(cp, buf);
            size_t n = (size_t)l + strlen(tails[t]);
            memcpy(buf + l, tails[t], strlen(tails[t]));
            memcpy(buf + n, "的工作", 10);
            n += 9;
            zc_marker m;
            if (zc_scan_marker(buf, n, true, &m) != ZC_SCAN_NO ||
                zc_scan_item(buf, n, true, &m) != ZC_SCAN_NO)
                fail_msg("U+%04X%s starts a marker or an item", (unsigned)cp,
                         tails[t]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chinese_dun),
        cmocka_unit_test(chinese_in_brackets_any_width),
        cmocka_unit_test(arabic_forms),
        cmocka_unit_test(circled),
        cmocka_unit_test(chapter_section_article_part),
        cmocka_unit_test(look_alikes_are_not_markers),
        cmocka_unit_test(marker_length_stops_at_its_end),
        cmocka_unit_test(run_in_items),
        cmocka_unit_test(boundaries),
        cmocka_unit_test(style_names),
        cmocka_unit_test(han_starters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
