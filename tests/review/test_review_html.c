/*
 * test_review_html.c - the review page's escaping and mark nesting
 * (extract/tool_html.c), without a browser.
 *
 * The browser test (review_test.py) shows that a hostile notice runs
 * nothing on a real page; this one pins down the exact bytes: every
 * character that could end an attribute or start a tag is replaced, JSON
 * cannot close its <script> element, and overlapping marks always give
 * properly nested elements, one first element per mark.
 */
#include "../unit/testutil.h"

#include "tool_html.h"

#include <cjson/cJSON.h>

/* Run `write` into a string; the caller frees. */
typedef struct sink {
    FILE *f;
    char *buf;
    size_t len;
} sink;

static void sink_open(sink *s)
{
    s->buf = NULL;
    s->len = 0;
    s->f = open_memstream(&s->buf, &s->len);
    assert_non_null(s->f);
}

static char *sink_close(sink *s)
{
    assert_int_equal(fclose(s->f), 0);
    return s->buf;
}

static void check_escape(const char *in, const char *want)
{
    sink s;
    sink_open(&s);
    html_escape(s.f, in, strlen(in));
    char *got = sink_close(&s);
    assert_string_equal(got, want);
    free(got);
}

static void escapes_markup_characters(void **state)
{
    (void)state;
    check_escape("", "");
    check_escape("plain 文字", "plain 文字");
    check_escape("&<>\"'", "&amp;&lt;&gt;&quot;&#39;");
    check_escape("<script>alert(1)</script>",
                 "&lt;script&gt;alert(1)&lt;/script&gt;");
    check_escape("\"><img src=x onerror=alert(1)>",
                 "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    check_escape("x' onmouseover='y", "x&#39; onmouseover=&#39;y");
    /* an entity in the text is text too */
    check_escape("到年底&amp;", "到年底&amp;amp;");
}

static void escape_len_and_null(void **state)
{
    (void)state;
    sink s;
    sink_open(&s);
    html_escape(s.f, "a<b<c", 2); /* only what len says */
    html_escape_str(s.f, NULL);   /* nothing */
    html_escape_str(s.f, "'");
    char *got = sink_close(&s);
    assert_string_equal(got, "a&lt;&#39;");
    free(got);
}

static char *script_json(const char *json)
{
    sink s;
    sink_open(&s);
    html_script_json(s.f, json);
    return sink_close(&s);
}

static void json_cannot_close_its_script(void **state)
{
    (void)state;
    char *got = script_json("{\"t\":\"</script><script>alert(1)</script>\"}");
    assert_null(strchr(got, '<'));
    assert_null(strchr(got, '>'));
    assert_string_equal(got, "{\"t\":\"\\u003c/script\\u003e\\u003cscript"
                             "\\u003ealert(1)\\u003c/script\\u003e\"}");
    free(got);
    got = script_json("[\"<!--\",\"a&b\"]");
    assert_string_equal(got, "[\"\\u003c!--\",\"a\\u0026b\"]");
    free(got);
}

static void json_line_separators(void **state)
{
    (void)state;
    /* U+2028 and U+2029 escaped; other three-byte characters kept */
    char *got = script_json("[\"a\xE2\x80\xA8" "b\xE2\x80\xA9" "c\xE2\x80\x94"
                            "中\"]");
    assert_string_equal(got, "[\"a\\u2028b\\u2029c\xE2\x80\x94中\"]");
    free(got);
}

/* What is escaped still means the same JSON. */
static void json_round_trip(void **state)
{
    (void)state;
    const char *in = "{\"text\":\"<b>&\\\"x\\\"</b>\xE2\x80\xA8 第一条\","
                     "\"n\":[1,2.5]}";
    char *got = script_json(in);
    cJSON *a = cJSON_Parse(in), *b = cJSON_Parse(got);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(cJSON_Compare(a, b, 1));
    cJSON_Delete(a);
    cJSON_Delete(b);
    free(got);
}

/* ---- marks --------------------------------------------------------------- */

/* Openers that name the mark: <t0> first element, <c0> continuation. */
static void open_tag(FILE *out, size_t tag, bool cont, void *ud)
{
    (void)ud;
    fprintf(out, "<%c%zu>", cont ? 'c' : 't', tag);
}

typedef struct mark_case {
    size_t start, end;
    int rank;
} mark_case;

static void check_marks(const char *text, const mark_case *c, size_t n,
                        const char *want)
{
    html_marks m = {NULL, 0, 0};
    for (size_t i = 0; i < n; i++)
        assert_true(html_marks_add(&m, c[i].start, c[i].end, c[i].rank, i));
    sink s;
    sink_open(&s);
    assert_true(html_write_marked(s.f, text, strlen(text), &m, open_tag,
                                  NULL));
    char *got = sink_close(&s);
    assert_string_equal(got, want);
    free(got);
    html_marks_free(&m);
}

static void marks_nest(void **state)
{
    (void)state;
    check_marks("abcdef", NULL, 0, "abcdef");
    const mark_case nested[] = {{1, 4, 0}, {2, 3, 0}};
    check_marks("abcdef", nested, 2, "a<t0>b<t1>c</span>d</span>ef");
    /* added inner first: still opened outer first */
    const mark_case reversed[] = {{2, 3, 0}, {1, 4, 0}};
    check_marks("abcdef", reversed, 2, "a<t1>b<t0>c</span>d</span>ef");
    const mark_case whole[] = {{0, 6, 0}, {0, 2, 0}, {4, 6, 0}};
    check_marks("abcdef", whole, 3,
                "<t0><t1>ab</span>cd<t2>ef</span></span>");
}

static void marks_cross(void **state)
{
    (void)state;
    const mark_case two[] = {{0, 3, 0}, {2, 5, 0}};
    check_marks("abcdef", two, 2,
                "<t0>ab<t1>c</span></span><c1>de</span>f");
    const mark_case three[] = {{0, 4, 0}, {1, 6, 0}, {2, 8, 0}};
    check_marks("abcdefgh", three, 3,
                "<t0>a<t1>b<t2>cd</span></span></span><c1><c2>ef</span>"
                "</span><c2>gh</span>");
}

static void marks_equal_ranges_by_rank(void **state)
{
    (void)state;
    const mark_case same[] = {{1, 3, 3}, {1, 3, 1}, {1, 3, 3}};
    check_marks("abcd", same, 3, "a<t1><t0><t2>bc</span></span></span>d");
}

static void marks_empty(void **state)
{
    (void)state;
    /* an anchor between a mark that ends and one that starts is in
     * neither; an anchor where a mark starts comes before it */
    const mark_case m[] = {{0, 1, 0}, {1, 3, 0}, {1, 1, 5}, {3, 3, 0}};
    check_marks("abc", m, 4,
                "<t0>a</span><t2></span><t1>bc</span><t3></span>");
}

static void marks_clamped(void **state)
{
    (void)state;
    const mark_case past[] = {{2, 100, 0}, {50, 60, 0}, {3, 1, 0}};
    check_marks("ab", past, 3, "ab<t0></span><t1></span><t2></span>");
    /* inside a character: widened to the whole character */
    const mark_case mid[] = {{1, 4, 0}};
    check_marks("中文x", mid, 1, "<t0>中文</span>x");
}

static void marks_escape_text(void **state)
{
    (void)state;
    const mark_case m[] = {{1, 2, 0}};
    check_marks("<a&b>", m, 1, "&lt;<t0>a</span>&amp;b&gt;");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_markup_characters),
        cmocka_unit_test(escape_len_and_null),
        cmocka_unit_test(json_cannot_close_its_script),
        cmocka_unit_test(json_line_separators),
        cmocka_unit_test(json_round_trip),
        cmocka_unit_test(marks_nest),
        cmocka_unit_test(marks_cross),
        cmocka_unit_test(marks_equal_ranges_by_rank),
        cmocka_unit_test(marks_empty),
        cmocka_unit_test(marks_clamped),
        cmocka_unit_test(marks_escape_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
