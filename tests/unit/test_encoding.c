/*
 * test_encoding.c - input encodings and bad bytes, through the whole
 * parser (decode.c unit cases are in test_decode.c).
 *
 * Every behaviour here is what a user sees: source.encoding and
 * source.format (zc_parser_encoding/zc_parser_format), the decoded text
 * every span points into, the sections, and the warnings with their input
 * offsets.  Chunk edges are where decoders break, so the multi-byte cases
 * run at every chunk size 1..7 (a GB18030 four-byte sequence and a UTF-16
 * surrogate pair are then split every possible way) and must give the
 * same text and sections as the UTF-8 original.
 */
#include "fe_util.h"

#include "internal.h"

#include <time.h>

#define RFC "\xEF\xBF\xBD" /* U+FFFD */

/* Parse `name` (under tests/data) at chunk sizes 1..7 and in one piece;
 * the text must equal tests/data/`twin` and the encoding `enc`. */
static void same_as_twin(const char *name, const char *twin, const char *enc,
                         const char *force)
{
    size_t len, tlen;
    char *in = tu_read(name, &len);
    char *want = tu_read(twin, &tlen);
    zc_options opt;
    zc_options_init(&opt);
    opt.encoding = force;
    fe_run ref = {0};
    fe_parse(NULL, NULL, NULL, want, tlen, 0, FE_SPANS, &ref);
    for (size_t chunk = 0; chunk <= 7; chunk++) {
        fe_run r = {0};
        fe_parse(NULL, &opt, NULL, in, len, chunk, FE_SPANS, &r);
        assert_int_equal(r.status, ZC_OK);
        if (strcmp(r.text.s, want))
            fail_msg("%s at chunk size %zu: expected \"%s\", got \"%s\"", name,
                     chunk, want, r.text.s);
        assert_string_equal(r.encoding, enc);
        assert_string_equal(r.format, "text");
        fe_same("sections", ref.sections.s, r.sections.s);
        if (r.n_warnings)
            fail_msg("%s: unexpected warnings %s", name, r.warnings.s);
        fe_free(&r);
    }
    fe_free(&ref);
    free(in);
    free(want);
}

static void utf16_surrogate_pairs_split_at_every_chunk_size(void **state)
{
    (void)state;
    /* 𠀀 and 𪚥 are surrogate pairs in UTF-16 */
    same_as_twin("encoding/mixed_utf16le_bom.txt", "encoding/mixed.utf8.txt",
                 "utf-16le", NULL);
    same_as_twin("encoding/mixed_utf16be_bom.txt", "encoding/mixed.utf8.txt",
                 "utf-16be", NULL);
    /* forced, BOM or not: the BOM is still not text */
    same_as_twin("encoding/mixed_utf16le_bom.txt", "encoding/mixed.utf8.txt",
                 "utf-16le", "utf-16le");
}

static void gb18030_four_byte_sequences_split_at_every_chunk_size(void **state)
{
    (void)state;
    /* 𠀀 is 95 32 82 36 in GB18030, 𪚥 98 35 EE 37 */
    same_as_twin("encoding/mixed_gb18030.txt", "encoding/mixed.utf8.txt",
                 "gb18030", NULL);
    same_as_twin("encoding/mixed_gb18030.txt", "encoding/mixed.utf8.txt",
                 "gb18030", "gbk");
    same_as_twin("encoding/mixed.utf8.txt", "encoding/mixed.utf8.txt",
                 "utf-8", NULL);
}

static void utf16_without_bom_when_ascii_heavy(void **state)
{
    (void)state;
    same_as_twin("encoding/ascii_utf16le_nobom.txt", "encoding/ascii.utf8.txt",
                 "utf-16le", NULL);
    same_as_twin("encoding/ascii_utf16be_nobom.txt", "encoding/ascii.utf8.txt",
                 "utf-16be", NULL);
}

/* Run a literal through the parser in one piece. */
static void run_lit(const char *enc, const char *in, size_t len, fe_run *r)
{
    zc_options opt;
    zc_options_init(&opt);
    opt.encoding = enc;
    fe_parse(NULL, &opt, NULL, in, len, 0, 0, r);
    assert_int_equal(r->status, ZC_OK);
}

static void detection_cases(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t len;
        const char *enc, *text;
    } c[] = {
        /* UTF-8 with and without BOM */
        {"一、总则\n", 13, "utf-8", "一、总则\n"},
        {"\xEF\xBB\xBF一、总则\n", 16, "utf-8", "一、总则\n"},
        /* GB18030's own BOM (84 31 95 33) is dropped too */
        {"\x84\x31\x95\x33\xD2\xBB\xA1\xA2", 8, "gb18030", "一、"},
        /* short GBK that is also valid UTF-8 (CD A8 D6 AA would be two
         * Greek/Armenian letters): read as GBK */
        {"\xCD\xA8\xD6\xAA", 4, "gb18030", "通知"},
        /* pinyin letters in UTF-8 are 2-byte too: still UTF-8 */
        {"y\xC4\xAB \xC3\xA8r", 7, "utf-8", "yī èr"},
        {"\xC3\xA9\xC3\xA9", 4, "utf-8", "éé"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        fe_run r = {0};
        run_lit(NULL, c[i].in, c[i].len, &r);
        assert_string_equal(r.encoding, c[i].enc);
        assert_string_equal(r.text.s, c[i].text);
        fe_free(&r);
    }
}

/* A UTF-8 file with one stray byte must stay UTF-8 (the old decoder took
 * "not valid UTF-8" for "GB18030" and turned the whole text to
 * nonsense), with one U+FFFD where the byte was. */
static void one_bad_byte_does_not_make_utf8_gbk(void **state)
{
    (void)state;
    size_t len;
    char *base = tu_read("encoding/mixed.utf8.txt", &len);
    char in[512];
    assert_true(len + 1 < sizeof in);
    /* after "一、总体要求\n": a Latin-1 ± between two lines */
    memcpy(in, base, 19);
    in[19] = (char)0xB1;
    memcpy(in + 20, base + 19, len - 19);
    fe_run r = {0};
    run_lit(NULL, in, len + 1, &r);
    assert_string_equal(r.encoding, "utf-8");
    assert_non_null(strstr(r.text.s, RFC));
    assert_non_null(strstr(r.text.s, "二、主要任务"));
    assert_string_equal(r.warnings.s, "invalid-utf8@19 ");
    fe_free(&r);
    free(base);
}

/* A saved GBK page with a long ASCII <head>: the choice must wait for
 * the first byte >= 0x80, not give up after 4 KiB of ASCII. */
static void gbk_after_a_long_ascii_head(void **state)
{
    (void)state;
    size_t glen, ulen;
    char *gbk = tu_read("encoding/mixed_gb18030.txt", &glen);
    char *utf8 = tu_read("encoding/mixed.utf8.txt", &ulen);
    size_t head = 9000;
    char *in = malloc(head + glen);
    char *want = malloc(head + ulen + 1);
    assert_non_null(in);
    assert_non_null(want);
    for (size_t i = 0; i < head; i++)
        in[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 26);
    memcpy(in + head, gbk, glen);
    memcpy(want, in, head);
    memcpy(want + head, utf8, ulen);
    want[head + ulen] = '\0';
    for (size_t chunk = 0; chunk <= 7; chunk += 7) {
        fe_run r = {0};
        zc_options opt;
        zc_options_init(&opt);
        opt.keep_debris = 1;
        fe_parse(NULL, &opt, NULL, in, head + glen, chunk, 0, &r);
        assert_string_equal(r.encoding, "gb18030");
        assert_int_equal(r.text.len, head + ulen);
        assert_memory_equal(r.text.s, want, head + ulen);
        assert_int_equal(r.n_warnings, 0);
        fe_free(&r);
    }
    free(in);
    free(want);
    free(gbk);
    free(utf8);
}

static void forced_encodings(void **state)
{
    (void)state;
    size_t len;
    char *gbk = tu_read("encoding/mixed_gb18030.txt", &len);
    /* GBK forced to UTF-8: replacements, not a failure */
    fe_run r = {0};
    run_lit("utf-8", gbk, len, &r);
    assert_string_equal(r.encoding, "utf-8");
    assert_true(r.stats.replacements > 0);
    assert_non_null(strstr(r.warnings.s, "invalid-utf8@"));
    fe_free(&r);
    run_lit("gb2312", gbk, len, &r);
    assert_string_equal(r.encoding, "gb18030");
    assert_int_equal(r.stats.replacements, 0);
    fe_free(&r);
    free(gbk);
    /* an unknown name is refused at creation */
    zc_options opt;
    zc_options_init(&opt);
    opt.encoding = "latin-9";
    assert_null(zc_parser_new(NULL, &opt, NULL));
}

/* Bytes valid in neither encoding: U+FFFD and a warning with the input
 * offset of each, in whichever encoding was chosen. */
static void invalid_bytes_get_input_offsets(void **state)
{
    (void)state;
    fe_run r = {0};
    /* GB18030: 0xFF is never valid; offsets count input bytes */
    run_lit("gb18030", "\xD2\xBB\xFF\xA1\xA2", 5, &r);
    assert_string_equal(r.text.s, "一" RFC "、");
    assert_string_equal(r.warnings.s, "invalid-encoding@2 ");
    fe_free(&r);
    /* a NUL character in GB18030 and in UTF-16, at its input offset */
    run_lit("gb18030", "\xD2\xBB\0\xA1\xA2", 5, &r);
    assert_string_equal(r.text.s, "一" RFC "、");
    assert_string_equal(r.warnings.s, "nul-byte@2 ");
    fe_free(&r);
    run_lit(NULL, "\xFF\xFE\x00\x4E\x00\x00\x01\x30", 8, &r);
    assert_string_equal(r.encoding, "utf-16le");
    assert_string_equal(r.text.s, "一" RFC "、");
    assert_string_equal(r.warnings.s, "nul-byte@4 ");
    fe_free(&r);
    /* a lone high surrogate in UTF-16 */
    run_lit(NULL, "\xFF\xFE\x00\x4E\x3D\xD8\x01\x30", 8, &r);
    assert_string_equal(r.text.s, "一" RFC "、");
    assert_string_equal(r.warnings.s, "invalid-encoding@4 ");
    fe_free(&r);
    /* an odd byte at the end of UTF-16: incomplete */
    run_lit(NULL, "\xFF\xFE\x00\x4E\x01", 5, &r);
    assert_string_equal(r.text.s, "一" RFC);
    assert_string_equal(r.warnings.s, "truncated-encoding@4 ");
    fe_free(&r);
    /* UTF-8: a cut character at the end is one U+FFFD */
    run_lit(NULL, "一、总则\n中\xE6\x96", 18, &r);
    assert_string_equal(r.text.s, "一、总则\n中" RFC);
    assert_string_equal(r.warnings.s, "truncated-utf8@16 ");
    fe_free(&r);
}

/* Binary input: recognised, one warning, no text, a well-formed result
 * (the root section only), source.format "binary". */
static void binary_input_is_refused_with_a_warning(void **state)
{
    (void)state;
    static const char *const files[] = {"encoding/image.png.txt",
                                        "encoding/notice.docx.txt"};
    for (size_t i = 0; i < 2; i++) {
        size_t len;
        char *in = tu_read(files[i], &len);
        for (size_t chunk = 0; chunk <= 7; chunk++) {
            fe_run r = {0};
            /* forcing an encoding does not make a PNG text */
            zc_options opt;
            zc_options_init(&opt);
            opt.encoding = chunk == 3 ? "gb18030" : NULL;
            fe_parse(NULL, &opt, NULL, in, len, chunk, 0, &r);
            assert_int_equal(r.status, ZC_OK);
            assert_string_equal(r.format, "binary");
            assert_string_equal(r.warnings.s, "binary-input@0 ");
            assert_int_equal(r.text.len, 0);
            assert_int_equal(r.n_sections, 1);
            assert_int_equal(r.stats.input_bytes, len);
            fe_free(&r);
        }
        free(in);
    }
    /* random bytes without a signature */
    char noise[4096];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof noise; i++) {
        x = x * 1103515245u + 12345u;
        noise[i] = (char)(x >> 16);
    }
    fe_run r = {0};
    run_lit(NULL, noise, sizeof noise, &r);
    assert_string_equal(r.format, "binary");
    assert_string_equal(r.warnings.s, "binary-input@0 ");
    fe_free(&r);
    /* nothing but NUL bytes */
    char zeros[100] = {0};
    run_lit(NULL, zeros, sizeof zeros, &r);
    assert_string_equal(r.format, "binary");
    fe_free(&r);
    /* text padded with NULs (a cut download) is still text */
    char padded[2000];
    memset(padded, 0, sizeof padded);
    static const char head[] = "一、总则\n（一）目的。\n";
    memcpy(padded, head, sizeof head - 1);
    run_lit(NULL, padded, sizeof padded, &r);
    assert_string_equal(r.format, "text");
    assert_int_equal(r.stats.replacements, sizeof padded - (sizeof head - 1));
    assert_true(r.n_sections >= 3);
    fe_free(&r);
}

/* The warning says what the binary input looked like. */
static int keep_message(const zc_warning *w, void *ud)
{
    snprintf(ud, 256, "%s", w->message);
    return 0;
}

static void binary_warning_names_the_kind(void **state)
{
    (void)state;
    size_t len;
    char *in = tu_read("encoding/notice.docx.txt", &len);
    char msg[256] = "";
    zc_callbacks cb = {NULL, NULL, keep_message, NULL, msg};
    assert_int_equal(zc_extract_buffer(NULL, NULL, in, len, &cb, NULL), ZC_OK);
    assert_non_null(strstr(msg, "binary input"));
    assert_non_null(strstr(msg, ".docx"));
    free(in);
}

static void empty_and_nul_input(void **state)
{
    (void)state;
    fe_run r = {0};
    run_lit(NULL, "", 0, &r);
    assert_string_equal(r.warnings.s, "empty-input@0 ");
    assert_int_equal(r.n_sections, 1);
    assert_string_equal(r.format, "text");
    fe_free(&r);
    /* NUL bytes inside a notice: replaced, the structure survives */
    static const char nul[] = "一、总则\0\n（一）目的\0。\n二、附则\n";
    run_lit(NULL, nul, sizeof nul - 1, &r);
    assert_int_equal(r.stats.replacements, 2);
    assert_string_equal(r.warnings.s, "nul-byte@12 nul-byte@29 ");
    assert_int_equal(r.n_sections, 4);
    fe_free(&r);
    /* a notice cut in the middle of a clause */
    static const char cut[] = "一、总体要求\n（一）推进改革（牵头单位：市发";
    run_lit(NULL, cut, sizeof cut - 1, &r);
    assert_int_equal(r.n_warnings, 0);
    assert_int_equal(r.n_sections, 3);
    fe_free(&r);
}

/* A line of ten million digits: bounded time, one truncated section, the
 * whole line counted. */
static void ten_million_digits(void **state)
{
    (void)state;
    size_t n = 10 * 1000 * 1000;
    char *in = malloc(n + 32);
    assert_non_null(in);
    memcpy(in, "一、总则\n", 13);
    memset(in + 13, '7', n);
    memcpy(in + 13 + n, "\n二、附则\n", 14);
    clock_t t0 = clock();
    zc_rules *rules = NULL;
    zc_rules_load_dir(ZC_RULES_DIR, NULL, &rules, NULL);
    fe_run r = {0};
    fe_parse(rules, NULL, NULL, in, 27 + n, 65536, 0, &r);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_int_equal(r.status, ZC_OK);
    assert_int_equal(r.stats.decoded_bytes, 27 + n);
    assert_non_null(strstr(r.sections.s, "S 2 1 2 zh_dun 二、"));
    /* generous: the point is "not quadratic", even under sanitizers */
    if (secs > 120)
        fail_msg("10 million digits took %.1f s", secs);
    fe_free(&r);
    zc_rules_free(rules);
    free(in);
}

/* One feed() of a large buffer costs no more than many small ones: the
 * parser slices it (zc_extract_buffer on a whole file). */
static void one_big_feed(void **state)
{
    (void)state;
    size_t n = 24u << 20;
    char *in = malloc(n);
    assert_non_null(in);
    for (size_t i = 0; i < n; i += 3)
        memcpy(in + i, "中", 3);
    fe_run r = {0};
    fe_parse(NULL, NULL, NULL, in, n, 0, 0, &r);
    assert_int_equal(r.status, ZC_OK);
    assert_int_equal(r.stats.decoded_bytes, n);
    assert_int_equal(r.text.len, n);
    fe_free(&r);
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf16_surrogate_pairs_split_at_every_chunk_size),
        cmocka_unit_test(gb18030_four_byte_sequences_split_at_every_chunk_size),
        cmocka_unit_test(utf16_without_bom_when_ascii_heavy),
        cmocka_unit_test(detection_cases),
        cmocka_unit_test(one_bad_byte_does_not_make_utf8_gbk),
        cmocka_unit_test(gbk_after_a_long_ascii_head),
        cmocka_unit_test(forced_encodings),
        cmocka_unit_test(invalid_bytes_get_input_offsets),
        cmocka_unit_test(binary_input_is_refused_with_a_warning),
        cmocka_unit_test(binary_warning_names_the_kind),
        cmocka_unit_test(empty_and_nul_input),
        cmocka_unit_test(ten_million_digits),
        cmocka_unit_test(one_big_feed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
