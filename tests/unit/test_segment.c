/*
 * test_segment.c - the streaming segmenter (segment.c): numbering logic,
 * groups, limits, chunk independence.
 *
 * Inputs are decoded text in tests/data/segment/.  A document's structure
 * is summarised as "id:marker id:marker ..." (the root as "0"), so each
 * expectation reads like the outline it checks.  Every document is also
 * fed at every chunk size from 1 to 64 bytes and in one piece, and must
 * give the same nodes with the same spans each time.
 */
#include "testutil.h"

#include "internal.h"

#include <stdbool.h>

#define OUTLINE_MAX 8192

typedef struct {
    char outline[OUTLINE_MAX]; /* "0 1:一、 1.1:（一） ..."              */
    char detail[OUTLINE_MAX];  /* "id[level,parent,start,end,t] ..."    */
    char items[OUTLINE_MAX];   /* "1.1:一是@49-76 ..."                  */
    size_t groups;
    size_t max_group_len;      /* largest text a group was handed with */
    size_t abort_after;        /* return non-zero at this group (1-based) */
} collect;

static void append(char *dst, const char *fmt, ...)
{
    size_t l = strlen(dst);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst + l, OUTLINE_MAX - l, fmt, ap);
    va_end(ap);
}

static int on_group(const zc_group *g, void *ud)
{
    collect *c = ud;
    c->groups++;
    if (g->len > c->max_group_len)
        c->max_group_len = g->len;
    for (size_t i = 0; i < g->n_nodes; i++) {
        const zc_node *n = &g->nodes[i];
        /* every node lies in the text the group was handed */
        assert_true(n->start >= g->base);
        assert_true(n->end <= g->base + g->len);
        assert_true(n->start <= n->end);
        assert_true(n->marker_len <= n->end - n->start);
        const char *m = g->text + (n->start - g->base);
        if (n->level == 0)
            append(c->outline, "%s0", c->outline[0] ? " " : "");
        else
            append(c->outline, "%s%s:%.*s", c->outline[0] ? " " : "", n->id,
                   (int)n->marker_len, m);
        append(c->detail, "%s%s[%u,%s,%zu,%zu%s]", c->detail[0] ? " " : "",
               n->id, n->level, n->parent_id, n->start, n->end,
               n->truncated ? ",t" : "");
        for (size_t k = 0; k < n->n_items; k++) {
            const zc_group_item *it = &g->items[n->first_item + k];
            append(c->items, "%s%s:%.*s@%zu-%zu", c->items[0] ? " " : "",
                   n->id, (int)it->marker_len,
                   g->text + (it->marker_start - g->base), it->marker_start,
                   it->end);
        }
    }
    return c->abort_after && c->groups >= c->abort_after;
}

/* Segment `text` fed `chunk` bytes at a time (0: in one piece). */
static zc_status segment(const char *text, size_t len, size_t chunk,
                         size_t max_bytes, unsigned max_depth, collect *c)
{
    size_t abort_after = c->abort_after;
    memset(c, 0, sizeof *c);
    c->abort_after = abort_after;
    zc_segmenter *s = zc_segmenter_new(&zc_default_mem, max_bytes, max_depth,
                                       on_group, c);
    assert_non_null(s);
    zc_status st = ZC_OK;
    if (!chunk)
        chunk = len ? len : 1;
    for (size_t i = 0; i < len && st == ZC_OK; i += chunk)
        st = zc_segmenter_feed(s, text + i, len - i < chunk ? len - i : chunk);
    if (st == ZC_OK)
        st = zc_segmenter_finish(s);
    zc_segmenter_free(s);
    return st;
}

/* Segment a data file and compare its outline; then require the same
 * nodes, spans and items at every chunk size 1..64. */
static void check_outline(const char *name, const char *expect)
{
    size_t len;
    char *text = tu_read(name, &len);
    static collect ref, c;
    assert_int_equal(segment(text, len, 0, 0, 0, &ref), ZC_OK);
    if (strcmp(ref.outline, expect) != 0)
        fail_msg("%s:\n  expected %s\n  got      %s", name, expect,
                 ref.outline);
    for (size_t chunk = 1; chunk <= 64; chunk++) {
        assert_int_equal(segment(text, len, chunk, 0, 0, &c), ZC_OK);
        if (strcmp(c.detail, ref.detail) != 0 ||
            strcmp(c.items, ref.items) != 0)
            fail_msg("%s at chunk size %zu:\n  expected %s | %s\n  got      "
                     "%s | %s",
                     name, chunk, ref.detail, ref.items, c.detail, c.items);
    }
    free(text);
}

static void one_line_document(void **state)
{
    (void)state;
    /* no line break at all; markers after spaces, a stray | at the end */
    check_outline("segment/one_line.txt",
                  "0 1:一、 1.1:（一） 1.2:（二） 2:二、 2.1:(一) 2.2:(二) "
                  "3:三、 3.1:(一) 3.2:(二)");
}

static void numbering_runs_on_across_top_level_sections(void **state)
{
    (void)state;
    /* （一）…（二十二） straight through 一、二、三、: ids use the number
     * as written under the current top-level section */
    check_outline("segment/runon.txt",
                  "0 1:一、 1.1:（一） 1.2:（二） 1.3:（三） 2:二、 "
                  "2.4:（四） 2.5:（五） 2.6:（六） 3:三、 3.7:（七） "
                  "3.8:（八） 3.9:（九） 3.10:（十） 3.11:（十一） "
                  "3.12:（十二） 3.13:（十三） 3.14:（十四） 3.15:（十五） "
                  "3.16:（十六） 3.17:（十七） 3.18:（十八） 3.19:（十九） "
                  "3.20:（二十） 3.21:（二十一） 3.22:（二十二）");
}

static void look_alikes_stay_in_the_text(void **state)
{
    (void)state;
    /* 3.0实行, 2.0平台, (2015—2020年), 本方案（一）中, 小(一)型, a （一）
     * after a sentence that is not the next number, 1.5亿元, and the list
     * after 附件： are all text */
    check_outline("segment/traps.txt",
                  "0 1:一、 1.1:（一） 1.2:（二） 1.3:（三） 1.3.1:1. "
                  "1.3.2:2. 2:二、");
}

static void references_in_a_table(void **state)
{
    (void)state;
    /* 第二十条第(一)项, 第十二条、第十三条, 第三十条规定, 第(二)项 and
     * row numbers "1|" are not headings */
    check_outline("segment/table.txt", "0");
}

static void five_levels(void **state)
{
    (void)state;
    /* 一、 (一) 1. (1) ①; 二、 then 四、 at a line start (one number
     * skipped by the author) */
    check_outline("segment/nested.txt",
                  "0 1:一、 1.1:（一） 1.1.1:1. 1.1.1.1:（1） "
                  "1.1.1.1.1:① 1.1.1.1.2:② 1.1.1.2:（2） 1.1.2:2. "
                  "1.2:（二） 2:二、 4:四、");
}

static void chapters_and_articles(void **state)
{
    (void)state;
    /* articles number straight through the chapters; 第二条规定,
     * 第十条第(一)项 and 第三条的 are references */
    check_outline("segment/law.txt",
                  "0 1:第一章 1.1:第一条 1.2:第二条 2:第二章 2.3:第三条 "
                  "2.4:第四条");
}

static void levels_parents_and_spans(void **state)
{
    (void)state;
    size_t len;
    char *text = tu_read("segment/nested.txt", &len);
    static collect c;
    assert_int_equal(segment(text, len, 0, 0, 0, &c), ZC_OK);
    /* root: the preamble up to the first marker (trailing LF trimmed);
     * a section runs to the next one at its level or higher, trailing
     * white space trimmed; parents and levels follow the ids */
    const char *first = strstr(text, "一、");
    const char *second = strstr(text, "二、");
    char want[256];
    snprintf(want, sizeof want, "0[0,,0,%zu] 1[1,0,%zu,%zu]",
             (size_t)(first - text) - 1, (size_t)(first - text),
             (size_t)(second - text) - 1);
    if (strncmp(c.detail, want, strlen(want)) != 0)
        fail_msg("expected %s..., got %s", want, c.detail);
    assert_non_null(strstr(c.detail, " 1.1.1.1.1[5,1.1.1.1,"));
    assert_non_null(strstr(c.detail, " 4[1,0,"));
    free(text);
}

static void run_in_items(void **state)
{
    (void)state;
    size_t len;
    char *text = tu_read("segment/items.txt", &len);
    static collect c;
    assert_int_equal(segment(text, len, 0, 0, 0, &c), ZC_OK);
    /* each item runs to the next one, the last to the end of its line;
     * 二是 that does not follow 一是 is not an item */
    const char *one = strstr(text, "一是"), *two = strstr(text, "二是");
    const char *three = strstr(text, "三是"), *eol = strchr(three, '\n');
    char want[512];
    snprintf(want, sizeof want, "1.1:一是@%zu-%zu 1.1:二是@%zu-%zu "
             "1.1:三是@%zu-%zu ",
             (size_t)(one - text), (size_t)(two - text),
             (size_t)(two - text), (size_t)(three - text),
             (size_t)(three - text), (size_t)(eol - text));
    if (strncmp(c.items, want, strlen(want)) != 0)
        fail_msg("expected %s..., got %s", want, c.items);
    assert_non_null(strstr(c.items, "1.2:首先@"));
    assert_non_null(strstr(c.items, "1.2:其次@"));
    assert_non_null(strstr(c.items, "1.2:再次@"));
    assert_non_null(strstr(c.items, "1.2:最后@"));
    assert_null(strstr(c.items, "1.3:"));
    check_outline("segment/items.txt", "0 1:一、 1.1:（一） 1.2:（二） 1.3:（三）");
    free(text);
}

static void groups_are_handed_over_per_top_level_section(void **state)
{
    (void)state;
    /* memory is bounded by the largest top-level section: each group
     * is handed over with its own text only, never the document */
    size_t len;
    char *text = tu_read("segment/runon.txt", &len);
    static collect c;
    assert_int_equal(segment(text, len, 7, 0, 0, &c), ZC_OK);
    assert_int_equal(c.groups, 3); /* root travels with 一、; 二、; 三、 */
    const char *three = strstr(text, "三、");
    assert_true(c.max_group_len <= len - (size_t)(three - text) + 64);
    free(text);
}

static void max_bytes_cuts_and_flags(void **state)
{
    (void)state;
    size_t len;
    char *text = tu_read("segment/runon.txt", &len);
    static collect c;
    /* 三、 is ~700 bytes: with a 256-byte cap it is cut and flagged,
     * and nothing grows beyond the cap plus one slice */
    assert_int_equal(segment(text, len, 16, 256, 0, &c), ZC_OK);
    assert_non_null(strstr(c.detail, "3[1,0,"));
    const char *three = strstr(c.detail, "3[1,0,");
    assert_non_null(strstr(three, ",t]"));
    assert_null(strstr(c.detail, "1[1,0,48,216,t]")); /* 一、 fits */
    assert_true(c.max_group_len <= 256 + 4096);
    free(text);
}

static void max_depth_keeps_deeper_markers_in_the_text(void **state)
{
    (void)state;
    size_t len;
    char *text = tu_read("segment/nested.txt", &len);
    static collect c;
    assert_int_equal(segment(text, len, 0, 0, 2, &c), ZC_OK);
    if (strcmp(c.outline, "0 1:一、 1.1:（一） 1.2:（二） 2:二、 4:四、") != 0)
        fail_msg("max_depth 2: got %s", c.outline);
    free(text);
}

static void callback_abort(void **state)
{
    (void)state;
    size_t len;
    char *text = tu_read("segment/runon.txt", &len);
    static collect c;
    c.abort_after = 1;
    assert_int_equal(segment(text, len, 0, 0, 0, &c), ZC_ERR_ABORTED);
    assert_int_equal(c.groups, 1);
    /* at every chunk size the first group is the last one seen */
    for (size_t chunk = 1; chunk < 50; chunk += 7) {
        c.abort_after = 1;
        assert_int_equal(segment(text, len, chunk, 0, 0, &c), ZC_ERR_ABORTED);
        assert_int_equal(c.groups, 1);
    }
    c.abort_after = 0;
    free(text);
}

static void errors_stick(void **state)
{
    (void)state;
    size_t len;
    char *text = tu_read("segment/runon.txt", &len);
    static collect c;
    c.abort_after = 1;
    zc_segmenter *s = zc_segmenter_new(&zc_default_mem, 0, 0, on_group, &c);
    assert_non_null(s);
    assert_int_equal(zc_segmenter_feed(s, text, len), ZC_ERR_ABORTED);
    assert_int_equal(zc_segmenter_feed(s, "一、", 6), ZC_ERR_ABORTED);
    assert_int_equal(zc_segmenter_finish(s), ZC_ERR_ABORTED);
    size_t groups = c.groups;
    /* reset clears the error: the same segmenter reads the next text */
    zc_segmenter_reset(s);
    c.abort_after = 0;
    memset(c.outline, 0, sizeof c.outline);
    assert_int_equal(zc_segmenter_feed(s, text, len), ZC_OK);
    assert_int_equal(zc_segmenter_finish(s), ZC_OK);
    assert_true(c.groups > groups);
    assert_non_null(strstr(c.outline, "3.22:（二十二）"));
    zc_segmenter_free(s);
    free(text);
}

static void empty_and_marker_free_input(void **state)
{
    (void)state;
    static collect c;
    assert_int_equal(segment("", 0, 0, 0, 0, &c), ZC_OK);
    assert_string_equal(c.outline, "0");
    assert_string_equal(c.detail, "0[0,,0,0]");
    assert_int_equal(segment("没有任何编号的文本。\n", 31, 1, 0, 0, &c),
                     ZC_OK);
    assert_string_equal(c.outline, "0");
    assert_string_equal(c.detail, "0[0,,0,30]"); /* trailing LF trimmed */
}

static void marker_at_the_very_end(void **state)
{
    (void)state;
    /* a marker whose look-ahead runs past the end of the input is still
     * found at finish (the scanner's `final`) */
    static collect c;
    const char *t = "一、总则\n二、附则";
    for (size_t chunk = 0; chunk <= 4; chunk++) {
        assert_int_equal(segment(t, strlen(t), chunk, 0, 0, &c), ZC_OK);
        assert_string_equal(c.outline, "0 1:一、 2:二、");
    }
}

static void headings(void **state)
{
    (void)state;
    static const struct {
        zc_style style;
        const char *text; /* after the marker */
        const char *heading;
    } c[] = {
        {ZC_STYLE_ZH_DUN, "总体要求\n坚持", "总体要求"},
        {ZC_STYLE_ZH_DUN, "总体要求 （一）指导思想", "总体要求"},
        {ZC_STYLE_ZH_PAREN, "指导思想。以习近平", "指导思想"},
        {ZC_STYLE_ZH_PAREN, "  工作目标：到年底", "工作目标"},
        {ZC_STYLE_NUM_DOT, "深化改革；推进", "深化改革"},
        {ZC_STYLE_CHAPTER, "  总    则\n第一条", "总    则"},
        {ZC_STYLE_ZH_DUN, "深化推进“最多跑一次”改革|", "深化推进“最多跑一次”改革"},
        {ZC_STYLE_ARTICLE, "为了规范管理，制定本办法。", ""},
        {ZC_STYLE_NONE, "前言", ""},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        size_t hs = 99, hl = 99;
        zc_section_heading(c[i].style, c[i].text, strlen(c[i].text), &hs, &hl);
        if (hl != strlen(c[i].heading) ||
            memcmp(c[i].text + hs, c[i].heading, hl) != 0)
            fail_msg("\"%s\": expected heading \"%s\", got \"%.*s\"",
                     c[i].text, c[i].heading, (int)hl, c[i].text + hs);
    }
    /* a long paragraph running to the end of the section has no heading */
    size_t len;
    char *para = tu_read("segment/paragraph.txt", &len);
    size_t hs, hl;
    zc_section_heading(ZC_STYLE_NUM_DOT, para, len, &hs, &hl);
    assert_int_equal(hl, 0);
    free(para);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_line_document),
        cmocka_unit_test(numbering_runs_on_across_top_level_sections),
        cmocka_unit_test(look_alikes_stay_in_the_text),
        cmocka_unit_test(references_in_a_table),
        cmocka_unit_test(five_levels),
        cmocka_unit_test(chapters_and_articles),
        cmocka_unit_test(levels_parents_and_spans),
        cmocka_unit_test(run_in_items),
        cmocka_unit_test(groups_are_handed_over_per_top_level_section),
        cmocka_unit_test(max_bytes_cuts_and_flags),
        cmocka_unit_test(max_depth_keeps_deeper_markers_in_the_text),
        cmocka_unit_test(callback_abort),
        cmocka_unit_test(errors_stick),
        cmocka_unit_test(empty_and_marker_free_input),
        cmocka_unit_test(marker_at_the_very_end),
        cmocka_unit_test(headings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
