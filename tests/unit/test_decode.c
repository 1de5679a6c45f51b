/*
 * test_decode.c - the decoder (decode.c): raw bytes in, the decoded text
 * every offset points into out.
 *
 * The contract (extract.h, OFFSETS): UTF-8, byte-order mark dropped, CR LF
 * and lone CR turned into LF, every invalid byte and NUL replaced by
 * U+FFFD with a warning carrying its offset in the *input*.  Chunk edges
 * are where decoders break (STYLE.md 3), so every case here is decoded
 * at every chunk size from 1 to the input's length and must give the same
 * text and the same warnings each time; the parser's way of ending
 * (feed ..., then an empty final feed) is what is checked.
 */
#include "testutil.h"

#include "internal.h"

#include <stdbool.h>

#define RFC "\xEF\xBF\xBD" /* U+FFFD */

#define MAX_WARN 16

typedef struct {
    char code[32];
    size_t offset;
} warn_rec;

typedef struct {
    warn_rec w[MAX_WARN];
    size_t n;
} warn_log;

static void on_warn(void *ud, const char *code, size_t offset,
                    const char *msg)
{
    warn_log *log = ud;
    assert_non_null(msg);
    assert_true(strlen(msg) > 0);
    if (log->n < MAX_WARN) {
        snprintf(log->w[log->n].code, sizeof log->w[log->n].code, "%s", code);
        log->w[log->n].offset = offset;
    }
    log->n++;
}

/* One feed; with `tail`, through zc_decoder_feed_tail() (what parser.c
 * calls), whose uncopied tail is appended here: both must give the same
 * text. */
static void feed(zc_decoder *d, const char *in, size_t n, bool final,
                 zc_buf *out, bool tail)
{
    if (!tail) {
        assert_int_equal(zc_decoder_feed(d, in, n, final, out), ZC_OK);
        return;
    }
    const char *t;
    size_t nt;
    assert_int_equal(zc_decoder_feed_tail(d, in, n, final, out, &t, &nt),
                     ZC_OK);
    if (nt) {
        assert_true(t >= in && t + nt <= in + n);
        assert_true(zc_buf_append(out, t, nt));
    }
}

/* Decode `in` fed `chunk` bytes at a time, then an empty final feed
 * (odd chunk sizes through zc_decoder_feed(), even ones through
 * zc_decoder_feed_tail()).
 * Returns the decoded text (caller frees) and its length in *out_len. */
static char *decode(const char *enc, const char *in, size_t len, size_t chunk,
                    warn_log *log, size_t *out_len, char *used_enc,
                    size_t used_cap)
{
    memset(log, 0, sizeof *log);
    zc_decoder *d = zc_decoder_new(&zc_default_mem, enc, on_warn, log);
    assert_non_null(d);
    zc_buf out;
    zc_buf_init(&out, &zc_default_mem);
    bool tail = chunk % 2 == 0;
    for (size_t i = 0; i < len; i += chunk) {
        size_t n = len - i < chunk ? len - i : chunk;
        feed(d, in + i, n, false, &out, tail);
    }
    feed(d, "", 0, true, &out, tail);
    if (used_enc)
        snprintf(used_enc, used_cap, "%s", zc_decoder_encoding(d));
    assert_int_equal(zc_decoder_replacements(d), log->n);
    zc_decoder_free(d);
    char *s = malloc(out.len + 1);
    assert_non_null(s);
    if (out.len)
        memcpy(s, out.data, out.len);
    s[out.len] = '\0';
    *out_len = out.len;
    zc_buf_free(&out);
    return s;
}

static void print_bytes(const char *label, const char *s, size_t n)
{
    fprintf(stderr, "%s (%zu bytes):", label, n);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, " %02X", (unsigned char)s[i]);
    fprintf(stderr, "\n");
}

/* Decode at every chunk size 1..len (and in one piece) and compare with
 * the expectation.  `warns` is "code@offset code@offset ..." or "". */
static void check_decode(const char *enc, const char *in, size_t len,
                         const char *expect, size_t expect_len,
                         const char *warns)
{
    size_t max_chunk = len ? len : 1;
    for (size_t chunk = 1; chunk <= max_chunk; chunk++) {
        warn_log log;
        size_t n;
        char *out = decode(enc, in, len, chunk, &log, &n, NULL, 0);
        if (n != expect_len || memcmp(out, expect, n) != 0) {
            print_bytes("input", in, len);
            print_bytes("expected", expect, expect_len);
            print_bytes("got", out, n);
            fail_msg("chunk size %zu: wrong decoded text", chunk);
        }
        char got[512] = "";
        size_t gl = 0;
        for (size_t i = 0; i < log.n && i < MAX_WARN; i++)
            gl += (size_t)snprintf(got + gl, sizeof got - gl, "%s%s@%zu",
                                   i ? " " : "", log.w[i].code,
                                   log.w[i].offset);
        if (strcmp(got, warns) != 0) {
            print_bytes("input", in, len);
            fail_msg("chunk size %zu: expected warnings \"%s\", got \"%s\"",
                     chunk, warns, got);
        }
        free(out);
    }
}

/* With auto-detection the decoder holds the first 4 KiB back to sniff,
 * so short inputs never reach its chunk-edge code that way: a case given
 * for NULL (auto) is also run with the encoding forced to UTF-8. */
#define CHECK(enc, in, expect, warns)                                          \
    do {                                                                       \
        check_decode((enc), (in), sizeof(in) - 1, (expect),                    \
                     sizeof(expect) - 1, (warns));                             \
        if (!(enc))                                                            \
            check_decode("utf-8", (in), sizeof(in) - 1, (expect),              \
                         sizeof(expect) - 1, (warns));                         \
    } while (0)

static void clean_utf8_is_unchanged(void **state)
{
    (void)state;
    CHECK(NULL, "一、总体要求\n（一）指导思想", "一、总体要求\n（一）指导思想",
          "");
    CHECK("utf-8", "plain ASCII\n", "plain ASCII\n", "");
    CHECK(NULL, "", "", "");
}

/* utf8_run() passes plain text over 32 and 16 bytes at a time: a byte
 * that is not plain (CR, NUL, a 2- or 4-byte character, the E0 and ED
 * leads, a stray continuation byte, an invalid or a cut sequence), and
 * plain ones at the edges of what passes (E1 and EF leads, controls
 * other than CR and NUL), at every offset around those
 * blocks, after ASCII or after CJK text, must be decided as the byte
 * loop decides it. */
static void odd_bytes_at_every_block_offset(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out, *warn;
        size_t n_warn; /* `warn` at consecutive offsets */
    } odd[] = {
        {"\r", "\n", "", 0},
        {"\r\n", "\n", "", 0},
        {"\0", RFC, "nul-byte", 1},
        {"\xC2\xB7", "\xC2\xB7", "", 0},
        {"\xE0\xA0\x80", "\xE0\xA0\x80", "", 0},
        {"\xED\x9F\xBF", "\xED\x9F\xBF", "", 0},
        {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80", "", 0},
        {"\xFF", RFC, "invalid-utf8", 1},
        {"\xE4\xB8", RFC, "invalid-utf8", 1},
        {"\x80", RFC, "invalid-utf8", 1},
        {"\xC0", RFC, "invalid-utf8", 1},
        {"\xF5", RFC, "invalid-utf8", 1},
        {"\xE1\x80\x80", "\xE1\x80\x80", "", 0},
        {"\xEF\xBF\xBF", "\xEF\xBF\xBF", "", 0},
        {"\x01\t\n\x7F", "\x01\t\n\x7F", "", 0},
        {"\xE0\x80\x80", RFC RFC RFC, "invalid-utf8", 3}, /* overlong */
        {"\xED\xA0\x80", RFC RFC RFC, "invalid-utf8", 3}, /* surrogate */
        {"\xE4\xC0\x80", RFC RFC RFC, "invalid-utf8", 3},
    };
    char in[256], out[256], warns[128];
    for (size_t o = 0; o < 2 * (sizeof odd / sizeof odd[0]); o++) {
        const char *odd_in = odd[o / 2].in, *odd_out = odd[o / 2].out;
        bool cjk = o % 2; /* what comes before it */
        for (size_t at = 0; at < 70; at++) {
            /* `at` bytes before the odd one: ASCII, or CJK and ASCII */
            size_t k = 0;
            for (; cjk && k + 3 <= at; k += 3)
                memcpy(in + k, "文", 3);
            for (; k < at; k++)
                in[k] = 'x';
            memcpy(out, in, k);
            size_t ki = k, ko = k;
            k = strlen(odd_in) + (odd_in[0] ? 0 : 1); /* NUL */
            memcpy(in + ki, odd_in, k);
            ki += k;
            memcpy(out + ko, odd_out, strlen(odd_out));
            ko += strlen(odd_out);
            static const char rest[] = "a一二三四五六七八九十一二三四五六七八九十b";
            memcpy(in + ki, rest, sizeof rest - 1);
            memcpy(out + ko, rest, sizeof rest - 1);
            ki += sizeof rest - 1;
            ko += sizeof rest - 1;
            warns[0] = '\0';
            for (size_t w = 0, nw = 0; w < odd[o / 2].n_warn; w++)
                nw += (size_t)snprintf(warns + nw, sizeof warns - nw,
                                       "%s%s@%zu", w ? " " : "",
                                       odd[o / 2].warn, at + w);
            check_decode("utf-8", in, ki, out, ko, warns);
        }
    }
}

static void bom_is_dropped(void **state)
{
    (void)state;
    CHECK(NULL, "\xEF\xBB\xBF一、总则", "一、总则", "");
    CHECK("utf-8", "\xEF\xBB\xBF一、总则", "一、总则", "");
    CHECK(NULL, "\xEF\xBB\xBF", "", "");
    /* only at the start: U+FEFF later is text, kept as written */
    CHECK(NULL, "a\xEF\xBB\xBF" "b", "a\xEF\xBB\xBF" "b", "");
    /* a second BOM right after the first is text too */
    CHECK(NULL, "\xEF\xBB\xBF\xEF\xBB\xBFx", "\xEF\xBB\xBFx", "");
}

static void line_ends_become_lf(void **state)
{
    (void)state;
    CHECK(NULL, "a\r\nb", "a\nb", "");
    CHECK(NULL, "a\rb", "a\nb", "");
    CHECK(NULL, "a\r\r\nb", "a\n\nb", "");
    CHECK(NULL, "a\n\rb", "a\n\nb", "");
    CHECK(NULL, "a\r\n\r\nb\r", "a\n\nb\n", "");
    CHECK(NULL, "\r\n", "\n", "");
    /* every chunk size includes the split CR | LF (chunk 2 on "a\r\nb") */
    CHECK(NULL, "一\r\n二\r\n", "一\n二\n", "");
}

static void invalid_bytes_become_fffd_with_input_offsets(void **state)
{
    (void)state;
    CHECK("utf-8", "a\xFF" "b", "a" RFC "b", "invalid-utf8@1");
    CHECK(NULL, "a\xFF" "b", "a" RFC "b", "invalid-utf8@1");
    CHECK("utf-8", "\x80\x80", RFC RFC, "invalid-utf8@0 invalid-utf8@1");
    /* overlong and surrogate forms are invalid, byte by byte */
    CHECK("utf-8", "\xC0\xAF", RFC RFC, "invalid-utf8@0 invalid-utf8@1");
    CHECK("utf-8", "\xED\xA0\x80", RFC RFC RFC,
          "invalid-utf8@0 invalid-utf8@1 invalid-utf8@2");
    /* a lead byte whose sequence is broken by ASCII: the ASCII survives;
     * the valid prefix E4 B8 is one U+FFFD (Unicode's "maximal subpart",
     * as WHATWG decoders do) */
    CHECK("utf-8", "\xE4\xB8" "A", RFC "A", "invalid-utf8@0");
    CHECK("utf-8", "\xF0\x9F\x98" "A", RFC "A", "invalid-utf8@0");
    /* beyond U+10FFFF */
    CHECK("utf-8", "\xF4\x90\x80\x80", RFC RFC RFC RFC,
          "invalid-utf8@0 invalid-utf8@1 invalid-utf8@2 invalid-utf8@3");
    /* offsets count the BOM: they are input offsets */
    CHECK("utf-8", "\xEF\xBB\xBF" "ab\xFE", "ab" RFC, "invalid-utf8@5");
    /* and the bytes of a CR LF */
    CHECK("utf-8", "a\r\n\xFF", "a\n" RFC, "invalid-utf8@3");
    /* after a multi-byte character */
    CHECK("utf-8", "中\xFF文", "中" RFC "文", "invalid-utf8@3");
}

static void nul_becomes_fffd(void **state)
{
    (void)state;
    CHECK(NULL, "a\0b", "a" RFC "b", "nul-byte@1");
    CHECK(NULL, "\0\0", RFC RFC, "nul-byte@0 nul-byte@1");
    CHECK(NULL, "中\0", "中" RFC, "nul-byte@3");
}

/* Decode at every chunk size and require the same text and warnings as
 * the one-piece decoding; return that reference (caller frees). */
static char *check_invariant(const char *enc, const char *in, size_t len,
                             size_t *out_len, warn_log *ref_log)
{
    char *ref = decode(enc, in, len, len ? len : 1, ref_log, out_len, NULL, 0);
    for (size_t chunk = 1; chunk < len; chunk++) {
        warn_log log;
        size_t n;
        char *out = decode(enc, in, len, chunk, &log, &n, NULL, 0);
        if (n != *out_len || memcmp(out, ref, n) != 0 || log.n != ref_log->n)
            fail_msg("chunk size %zu decodes differently from one piece",
                     chunk);
        for (size_t i = 0; i < log.n && i < MAX_WARN; i++) {
            assert_string_equal(log.w[i].code, ref_log->w[i].code);
            assert_int_equal(log.w[i].offset, ref_log->w[i].offset);
        }
        free(out);
    }
    return ref;
}

static void truncated_sequence_at_eof(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t len, good; /* bytes, and how many of them are valid */
    } c[] = {
        {"ab\xE4\xB8", 4, 2},
        {"ab\xF0\x9F\x98", 5, 2},
        {"\xE4", 1, 0},
        {"\xEF\xBB", 2, 0}, /* half a BOM is not a BOM */
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        warn_log log;
        size_t n;
        char *out = check_invariant("utf-8", c[i].in, c[i].len, &n, &log);
        /* the valid text, then nothing but U+FFFD, warned from the first
         * byte of the incomplete character on */
        assert_true(n > c[i].good);
        assert_memory_equal(out, c[i].in, c[i].good);
        assert_int_equal((n - c[i].good) % 3, 0);
        for (size_t k = c[i].good; k < n; k += 3)
            assert_memory_equal(out + k, RFC, 3);
        assert_true(log.n >= 1);
        assert_int_equal(log.n, (n - c[i].good) / 3);
        assert_int_equal(log.w[0].offset, c[i].good);
        free(out);
    }
}

/* An incomplete character at the end of the input is ONE U+FFFD with a
 * "truncated-utf8" warning at its first byte, whatever the chunking. */
static void truncated_sequence_is_one_fffd(void **state)
{
    (void)state;
    warn_log log;
    size_t n;
    char *out = check_invariant("utf-8", "ab\xE4\xB8", 4, &n, &log);
    assert_strn_equal(out, n, "ab" RFC);
    assert_int_equal(log.n, 1);
    assert_string_equal(log.w[0].code, "truncated-utf8");
    assert_int_equal(log.w[0].offset, 2);
    free(out);
}

/* The end of the input must not change the text before it: whether the
 * last bytes come with the final call (zc_extract_buffer of a short
 * document) or before it (the CLI, a long document), an incomplete
 * character at the end is decoded the same way. */
static void truncated_sequence_same_with_final_feed(void **state)
{
    (void)state;
    static const char in[] = "ab\xE4\xB8";
    warn_log a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    zc_buf o1, o2;
    zc_buf_init(&o1, &zc_default_mem);
    zc_buf_init(&o2, &zc_default_mem);
    zc_decoder *d1 = zc_decoder_new(&zc_default_mem, "utf-8", on_warn, &a);
    zc_decoder *d2 = zc_decoder_new(&zc_default_mem, "utf-8", on_warn, &b);
    assert_int_equal(zc_decoder_feed(d1, in, 4, false, &o1), ZC_OK);
    assert_int_equal(zc_decoder_feed(d1, "", 0, true, &o1), ZC_OK);
    assert_int_equal(zc_decoder_feed(d2, in, 4, true, &o2), ZC_OK);
    zc_decoder_free(d1);
    zc_decoder_free(d2);
    if (o1.len != o2.len || memcmp(o1.data, o2.data, o1.len) != 0 ||
        a.n != b.n) {
        print_bytes("final feed apart", o1.data, o1.len);
        print_bytes("final with the bytes", o2.data, o2.len);
        fail_msg("an incomplete character at EOF decodes differently when "
                 "the final flag comes with the last bytes (%zu vs %zu "
                 "warnings)",
                 a.n, b.n);
    }
    zc_buf_free(&o1);
    zc_buf_free(&o2);
}

static void multibyte_split_across_feeds(void **state)
{
    (void)state;
    /* every chunk size, so each 3-byte character is split 1+2, 2+1 and
     * 1+1+1 somewhere; the 4-byte one (U+20000) too */
    CHECK(NULL, "中文：（一）", "中文：（一）", "");
    CHECK(NULL, "x\xF0\xA0\x80\x80y", "x\xF0\xA0\x80\x80y", "");
    CHECK(NULL, "\xC3\xA9\xC3\xA9", "\xC3\xA9\xC3\xA9", "");
    /* an invalid byte right after a split character */
    CHECK("utf-8", "中\xFF", "中" RFC, "invalid-utf8@3");
}

static void explicit_feeds(void **state)
{
    (void)state;
    /* the brief's case, spelled out: 中 = E4 B8 AD over three feeds */
    warn_log log;
    memset(&log, 0, sizeof log);
    zc_decoder *d = zc_decoder_new(&zc_default_mem, "utf-8", on_warn, &log);
    zc_buf out;
    zc_buf_init(&out, &zc_default_mem);
    assert_int_equal(zc_decoder_feed(d, "\xE4", 1, false, &out), ZC_OK);
    assert_int_equal(out.len, 0); /* nothing yet: the character is open */
    assert_int_equal(zc_decoder_feed(d, "\xB8", 1, false, &out), ZC_OK);
    assert_int_equal(out.len, 0);
    assert_int_equal(zc_decoder_feed(d, "\xAD", 1, false, &out), ZC_OK);
    assert_strn_equal(out.data, out.len, "中");
    /* CR at the end of one feed, LF at the start of the next: one LF */
    assert_int_equal(zc_decoder_feed(d, "a\r", 2, false, &out), ZC_OK);
    assert_int_equal(zc_decoder_feed(d, "\nb", 2, false, &out), ZC_OK);
    assert_int_equal(zc_decoder_feed(d, "", 0, true, &out), ZC_OK);
    assert_strn_equal(out.data, out.len, "中a\nb");
    assert_int_equal(log.n, 0);
    zc_decoder_free(d);
    zc_buf_free(&out);
}

static void reset_forgets_the_last_document(void **state)
{
    (void)state;
    warn_log log;
    memset(&log, 0, sizeof log);
    zc_decoder *d = zc_decoder_new(&zc_default_mem, NULL, on_warn, &log);
    zc_buf out;
    zc_buf_init(&out, &zc_default_mem);
    /* ends with a CR and half a character */
    assert_int_equal(zc_decoder_feed(d, "x\r", 2, false, &out), ZC_OK);
    zc_decoder_reset(d);
    out.len = 0;
    log.n = 0;
    /* the next document's LF is its own, its BOM is dropped again */
    assert_int_equal(zc_decoder_feed(d, "\xEF\xBB\xBF\ny", 5, false, &out),
                     ZC_OK);
    assert_int_equal(zc_decoder_feed(d, "", 0, true, &out), ZC_OK);
    assert_strn_equal(out.data, out.len, "\ny");
    assert_int_equal(log.n, 0);
    assert_int_equal(zc_decoder_replacements(d), 0);
    zc_decoder_free(d);
    zc_buf_free(&out);
}

static void unknown_encoding_is_refused(void **state)
{
    (void)state;
    assert_null(zc_decoder_new(&zc_default_mem, "klingon", NULL, NULL));
    zc_decoder *d = zc_decoder_new(&zc_default_mem, "AUTO", NULL, NULL);
    assert_non_null(d);
    zc_decoder_free(d);
}

/* A data file decoded at several chunk sizes must equal its UTF-8 twin. */
static void check_file(const char *enc, const char *name, const char *twin,
                       const char *expect_enc)
{
    size_t len, tlen;
    char *in = tu_read(name, &len);
    char *expect = tu_read(twin, &tlen);
    static const size_t chunks[] = {1, 2, 3, 5, 7, 64, 4096, 65536};
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        warn_log log;
        size_t n;
        char used[32];
        char *out = decode(enc, in, len, chunks[c], &log, &n, used,
                           sizeof used);
        if (n != tlen || memcmp(out, expect, n) != 0)
            fail_msg("%s at chunk size %zu: expected \"%s\", got \"%.*s\"",
                     name, chunks[c], expect, (int)n, out);
        assert_string_equal(used, expect_enc);
        assert_int_equal(log.n, 0);
        free(out);
    }
    free(in);
    free(expect);
}

static void gbk_detected_and_converted(void **state)
{
    (void)state;
    check_file(NULL, "decode/gbk.txt", "decode/gbk.utf8.txt", "gb18030");
    check_file("gbk", "decode/gbk.txt", "decode/gbk.utf8.txt", "gb18030");
    check_file("gb18030", "decode/gb18030_4byte.txt",
               "decode/gb18030_4byte.utf8.txt", "gb18030");
}

static void utf16_with_bom(void **state)
{
    (void)state;
    check_file(NULL, "decode/utf16le.txt", "decode/gbk.utf8.txt", "utf-16le");
    check_file(NULL, "decode/utf16be.txt", "decode/gbk.utf8.txt", "utf-16be");
}

static void invalid_gb18030_byte_reported_at_its_input_offset(void **state)
{
    (void)state;
    /* 中 in GBK is D6 D0; 0xFF is never valid in GB18030 */
    CHECK("gb18030", "\xD6\xD0\xFF" "a", "中" RFC "a", "invalid-encoding@2");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clean_utf8_is_unchanged),
        cmocka_unit_test(odd_bytes_at_every_block_offset),
        cmocka_unit_test(bom_is_dropped),
        cmocka_unit_test(line_ends_become_lf),
        cmocka_unit_test(invalid_bytes_become_fffd_with_input_offsets),
        cmocka_unit_test(nul_becomes_fffd),
        cmocka_unit_test(truncated_sequence_at_eof),
        cmocka_unit_test(truncated_sequence_is_one_fffd),
        cmocka_unit_test(truncated_sequence_same_with_final_feed),
        cmocka_unit_test(multibyte_split_across_feeds),
        cmocka_unit_test(explicit_feeds),
        cmocka_unit_test(reset_forgets_the_last_document),
        cmocka_unit_test(unknown_encoding_is_refused),
        cmocka_unit_test(gbk_detected_and_converted),
        cmocka_unit_test(utf16_with_bom),
        cmocka_unit_test(invalid_gb18030_byte_reported_at_its_input_offset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
