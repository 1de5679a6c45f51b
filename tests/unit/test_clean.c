/*
 * test_clean.c - page furniture lines and pinyin glosses (clean.c), the
 * last step of the front end.
 *
 * The filter is checked on its own (every chunk size 1..7 and one piece,
 * so a gloss or a furniture word is split every way) and through the
 * parser, where it decides what is a heading: a traditional-character
 * notice with glosses (一(yī)、) must have its sections, and 牽頭單位 must
 * reach the rules in one piece.
 */
#include "fe_util.h"

#include "internal.h"

/* Clean `in` fed `chunk` bytes at a time (0: in one piece). */
static char *clean(const char *in, size_t len, size_t chunk, bool enabled,
                   size_t *lines, size_t *glosses)
{
    zc_clean *c = zc_clean_new(&zc_default_mem, enabled);
    assert_non_null(c);
    zc_buf out;
    zc_buf_init(&out, &zc_default_mem);
    if (!chunk)
        chunk = len ? len : 1;
    for (size_t i = 0; i < len; i += chunk)
        assert_int_equal(zc_clean_feed(c, in + i,
                                       len - i < chunk ? len - i : chunk,
                                       false, &out),
                         ZC_OK);
    assert_int_equal(zc_clean_feed(c, "", 0, true, &out), ZC_OK);
    if (lines)
        *lines = zc_clean_lines_removed(c);
    if (glosses)
        *glosses = zc_clean_glosses_removed(c);
    zc_clean_free(c);
    char *s = malloc(out.len + 1);
    assert_non_null(s);
    if (out.len)
        memcpy(s, out.data, out.len);
    s[out.len] = '\0';
    zc_buf_free(&out);
    return s;
}

static void check_file(const char *name, const char *expected,
                       size_t want_lines, size_t want_glosses)
{
    size_t len, elen;
    char *in = tu_read(name, &len);
    char *want = tu_read(expected, &elen);
    for (size_t chunk = 0; chunk <= 7; chunk++) {
        size_t lines, glosses;
        char *out = clean(in, len, chunk, true, &lines, &glosses);
        fe_same(name, want, out);
        assert_int_equal(lines, want_lines);
        assert_int_equal(glosses, want_glosses);
        free(out);
    }
    /* disabled: untouched */
    char *out = clean(in, len, 3, false, NULL, NULL);
    assert_string_equal(out, in);
    free(out);
    free(in);
    free(want);
}

static void furniture_lines_are_removed(void **state)
{
    (void)state;
    check_file("clean/furniture.txt", "clean/furniture.expected.txt", 20, 0);
}

static void pinyin_glosses_are_removed(void **state)
{
    (void)state;
    check_file("clean/glosses.txt", "clean/glosses.expected.txt", 0, 12);
}

/* One-liners: what must stay. */
static void what_stays(void **state)
{
    (void)state;
    static const char *const keep[] = {
        "(a)(b)(c)",
        "第(一)项",                /* no letters */
        "增长(2015—2020年)",
        "印發(fa)",                 /* no tone mark */
        "印發 (fā)",                /* not right after the character */
        "1(yī)",                   /* after a digit */
        "打印机",                  /* a word that starts like 打印 */
        "分享经济",
        "首页 设计方案",           /* no arrow: not a breadcrumb */
        "当前位置：首页 > 政务公开。本段正文。", /* sentence: kept */
        "大 中 小",                /* filler alone */
        "发布日期：2021-04-20 打印本页 关闭窗口", /* carries a value */
    };
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        size_t len = strlen(keep[i]);
        char *out = clean(keep[i], len, 0, true, NULL, NULL);
        assert_string_equal(out, keep[i]);
        free(out);
    }
}

/* clean.c looks for "(" and "（" (EF BC 88) 16 bytes at a time: a gloss
 * and near-misses (，is EF BC 8C; （ after a non-Han character) at every
 * offset around a block edge must come out as the byte loop decides. */
static void glosses_found_at_every_offset(void **state)
{
    (void)state;
    static const char *const gloss[] = {"發（fā）", "發(fā)"};
    char in[256], want[256];
    for (size_t g = 0; g < 2; g++) {
        for (size_t pad = 0; pad < 40; pad++) {
            size_t k = 0, w = 0;
            for (size_t i = 0; i < pad; i++)
                in[k++] = 'a';
            k += (size_t)sprintf(in + k, "，%s文，x（y）%s", gloss[g],
                                 pad & 1 ? "" : "中文中文中文");
            w += (size_t)sprintf(want, "%.*s，發文，x（y）%s", (int)pad, in,
                                 pad & 1 ? "" : "中文中文中文");
            for (size_t chunk = 0; chunk <= 64; chunk += 64) {
                size_t glosses;
                char *out = clean(in, k, chunk, true, NULL, &glosses);
                assert_int_equal(strlen(out), w);
                assert_string_equal(out, want);
                assert_int_equal(glosses, 1);
                free(out);
            }
        }
    }
}

/* Random texts of the pieces that decide the filters: Han characters
 * (丈 ends in 88, 伈 in BC 88, the last bytes of "（"), parentheses of
 * both widths, pinyin letters with and without tone marks, furniture and
 * label lines, line breaks.  In one piece, clean.c finds parentheses 32
 * bytes at a time, decides a gloss where it lies and judges whole lines
 * where they lie; a byte at a time, it reads one character at a time and
 * gathers glosses and lines.  Every way must give the same text. */
static void one_piece_equals_byte_at_a_time(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "中", "文", "丈", "伈", "發", "(", "（", ")", "）", "fā", "yī", "a",
        "ǚ", "de", "，", "\n", "打印本页", "分享到", "索引号", " ", "1",
        "ɡ", "X", "(fā)", "（yī）", "(tǐ)", "(de)", "(ā", "（fāyīfā）",
        "(fāyīfāy)", "(lǚ)", "(a)"};
    size_t np = sizeof pieces / sizeof pieces[0];
    uint32_t x = 11;
    size_t found = 0;
    char in[4000];
    for (int it = 0; it < 3000; it++) {
        size_t k = 0;
        x = x * 1103515245u + 12345u;
        size_t count = (x >> 16) % 200;
        for (size_t j = 0; j < count; j++) {
            x = x * 1103515245u + 12345u;
            unsigned r = (x >> 16) % 100;
            const char *pc = r < 40 ? "中" : pieces[r % np];
            size_t l = strlen(pc);
            memcpy(in + k, pc, l);
            k += l;
        }
        size_t lines0, glosses0;
        char *whole = clean(in, k, 0, true, &lines0, &glosses0);
        found += glosses0;
        x = x * 1103515245u + 12345u;
        size_t chunks[] = {1, 2 + (x >> 16) % 40};
        for (size_t c = 0; c < 2; c++) {
            size_t lines, glosses;
            char *out = clean(in, k, chunks[c], true, &lines, &glosses);
            if (strcmp(out, whole))
                fail_msg("text %d, chunk %zu: \"%s\" in one piece, \"%s\"",
                         it, chunks[c], whole, out);
            assert_int_equal(lines, lines0);
            assert_int_equal(glosses, glosses0);
            free(out);
        }
        free(whole);
    }
    assert_true(found > 1000);
}

/* A furniture word in a line longer than a page toolbar is text. */
static void long_lines_stream_through(void **state)
{
    (void)state;
    size_t n = 3000;
    char *in = malloc(n * 3 + 32);
    assert_non_null(in);
    size_t k = 0;
    memcpy(in, "打印本页", 12);
    k = 12;
    for (size_t i = 0; i < n; i++, k += 1)
        in[k] = ' ';
    memcpy(in + k, "\n分享\n", 8);
    k += 8;
    char *out = clean(in, k, 5, true, NULL, NULL);
    assert_int_equal(strlen(out), k - 7); /* only the short 分享 line went */
    assert_memory_equal(out, in, k - 8);
    free(out);
    free(in);
}

/* Through the parser: glosses gone, so 一、 is a marker again; the
 * decoded text (text callback) is the cleaned text; keep_debris keeps
 * everything. */
static void traditional_notice_with_glosses_has_sections(void **state)
{
    (void)state;
    size_t len = 0;
    char *in = fe_read_path(
        FE_CORPUS "/n10_qingdao_xinjiudongneng_renwu_2023_trad.txt", &len);
    assert_non_null(in);
    for (size_t chunk = 0; chunk <= 7; chunk++) {
        fe_run r = {0};
        fe_parse(NULL, NULL, NULL, in, len, chunk, 0, &r);
        assert_non_null(strstr(r.sections.s, "S 1 1 1 zh_dun 一、 | "));
        assert_non_null(strstr(r.sections.s, "S 1.2 2 2 "));
        assert_non_null(strstr(r.text.s, "(牽頭單位:市科技局"));
        assert_non_null(strstr(r.text.s, "青島藍谷管理局"));
        assert_null(strstr(r.text.s, "(yī)"));
        assert_null(strstr(r.text.s, "(kāi)"));
        assert_int_equal(r.stats.decoded_bytes, r.text.len);
        fe_free(&r);
    }
    zc_options opt;
    zc_options_init(&opt);
    opt.keep_debris = 1;
    fe_run r = {0};
    fe_parse(NULL, &opt, NULL, in, len, 0, 0, &r);
    assert_non_null(strstr(r.text.s, "一(yī)、"));
    assert_int_equal(r.text.len, len);
    fe_free(&r);
    free(in);
}

static void glosses_gone_in_all_traditional_notices(void **state)
{
    (void)state;
    static const char *const files[] = {
        "n09_wuhan_gzbg_fenjie_2023_trad.txt",
        "n10_qingdao_xinjiudongneng_renwu_2023_trad.txt",
        "n24_changji_shequfuwu_fangan_2023_trad.txt"};
    for (size_t i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", FE_CORPUS, files[i]);
        size_t len = 0;
        char *in = fe_read_path(path, &len);
        assert_non_null(in);
        fe_run r = {0};
        fe_parse(NULL, NULL, NULL, in, len, 0, 0, &r);
        /* no "(" + pinyin with a tone mark + ")" is left after a Han
         * character: look for the commonest tone-marked vowels */
        static const char *const tones[] = {"ā)", "á)", "ǎ)", "à)", "ī)",
                                            "í)", "ǐ)", "ì)", "ū)", "ù)",
                                            "ō)", "ò)", "ē)", "è)", "ǚ)"};
        for (size_t t = 0; t < sizeof tones / sizeof tones[0]; t++)
            if (strstr(r.text.s, tones[t]))
                fail_msg("%s: a gloss ending in %s is left", files[i],
                         tones[t]);
        fe_free(&r);
        free(in);
    }
    /* the lead rule of n09 reads as written */
    size_t len = 0;
    char *in =
        fe_read_path(FE_CORPUS "/n09_wuhan_gzbg_fenjie_2023_trad.txt", &len);
    assert_non_null(in);
    fe_run r = {0};
    fe_parse(NULL, NULL, NULL, in, len, 0, 0, &r);
    assert_non_null(strstr(r.text.s, "牽頭單位(無牽頭單位的,責任單位即為牽頭單位"));
    assert_non_null(strstr(r.text.s, "印發"));
    fe_free(&r);
    free(in);
}

/* Furniture in the preamble is out of section 0's text and the headings;
 * furniture after the last section is out of its text. */
static void furniture_is_out_of_sections(void **state)
{
    (void)state;
    static const char in[] =
        "首页 > 政务公开 > 文件\n字体：【大 中 小】\n"
        "关于印发工作要点的通知\n一、总体要求\n内容。\n"
        "【打印本页】【关闭窗口】\n";
    fe_run r = {0};
    fe_parse(NULL, NULL, NULL, in, sizeof in - 1, 0, 0, &r);
    assert_string_equal(r.text.s,
                        "关于印发工作要点的通知\n一、总体要求\n内容。\n");
    assert_non_null(strstr(r.sections.s, "S 1 1 1 zh_dun 一、 | 总体要求"));
    fe_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(furniture_lines_are_removed),
        cmocka_unit_test(pinyin_glosses_are_removed),
        cmocka_unit_test(what_stays),
        cmocka_unit_test(glosses_found_at_every_offset),
        cmocka_unit_test(one_piece_equals_byte_at_a_time),
        cmocka_unit_test(long_lines_stream_through),
        cmocka_unit_test(traditional_notice_with_glosses_has_sections),
        cmocka_unit_test(glosses_gone_in_all_traditional_notices),
        cmocka_unit_test(furniture_is_out_of_sections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
