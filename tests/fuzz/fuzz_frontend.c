/*
 * fuzz_frontend.c - the front end: encoding detection and decoding, the
 * HTML push parser and page cleaning (furniture lines, pinyin glosses),
 * through a parser without rules.
 *
 *   byte 0  chunk size: 1 2 3 5 7 13 64 512 4096 or all
 *   byte 1  bits 0-2 encoding (auto, utf-8, gb18030, utf-16le, utf-16be),
 *           bits 3-4 format (auto, text, html), bit 5 keep_debris,
 *           bit 6 zc_parser_set_format("html") (the .html-name hint)
 *
 * The input is decoded twice with one parser, in chunks and then in one
 * feed after zc_parser_reset().  Checked: the decoded text is UTF-8 with
 * no NUL, the text callback's offsets are contiguous and stats agree
 * with it, both runs give the same text, encoding and format; and valid
 * UTF-8 read as plain text with debris kept (no CR, no BOM, no NUL, not
 * binary) comes out byte for byte as it went in.
 */
#include "extract.h"
#include "fuzz_util.h"

#include <stdlib.h>
#include <string.h>

#define FZ_CONFIG 2

/* ZC_FUZZ_CHUNK_DIFF=0: skip the comparison of the two runs (see
 * fuzz_extract.c) */
static bool chunk_diff = true;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *cd = getenv("ZC_FUZZ_CHUNK_DIFF");
    chunk_diff = !cd || strcmp(cd, "0") != 0;
    return 0;
}

/* where the text callback writes: the buffer of the current pass */
typedef struct sink {
    fz_buf *cur;
} sink;

static int on_text(const char *buf, size_t len, size_t offset, void *ud)
{
    fz_buf *t = ((sink *)ud)->cur;
    FZ_CHECK(offset == t->len, "text offset %zu after %zu bytes", offset,
             t->len);
    fz_buf_add(t, buf, len);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < FZ_CONFIG)
        return 0;
    static const size_t chunks[] = {1, 2, 3, 5, 7, 13, 64, 512, 4096, 0};
    static const char *const encodings[] = {NULL, "utf-8", "gb18030",
                                            "utf-16le", "utf-16be", "auto",
                                            "cp936", NULL};
    static const char *const formats[] = {NULL, "text", "html", "auto"};
    unsigned b0 = data[0], b1 = data[1];
    const char *in = (const char *)data + FZ_CONFIG;
    size_t len = size - FZ_CONFIG;
    size_t chunk = chunks[b0 % (sizeof chunks / sizeof chunks[0])];
    if (!chunk || chunk > len)
        chunk = len ? len : 1;

    zc_options opt;
    zc_options_init(&opt);
    opt.encoding = encodings[b1 & 7];
    opt.format = formats[(b1 >> 3) & 3];
    opt.keep_debris = (b1 >> 5) & 1;
    bool hint = (b1 >> 6) & 1;

    fz_buf text[2];
    memset(text, 0, sizeof text);
    sink sk = {&text[0]};
    zc_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.text = on_text;
    cb.ud = &sk;
    zc_parser *p = zc_parser_new(NULL, &opt, &cb);
    FZ_CHECK(p != NULL, "zc_parser_new");
    const char *enc[2], *fmt[2];
    for (int pass = 0; pass < 2; pass++) {
        size_t step = pass == 0 ? chunk : (len ? len : 1);
        if (pass)
            zc_parser_reset(p);
        sk.cur = &text[pass];
        if (hint)
            FZ_CHECK(zc_parser_set_format(p, "html") == ZC_OK,
                     "set_format before the first feed");
        zc_status st = ZC_OK;
        for (size_t off = 0; off < len && st == ZC_OK; off += step)
            st = zc_parser_feed(p, in + off,
                                len - off < step ? len - off : step);
        if (st == ZC_OK)
            st = zc_parser_finish(p);
        FZ_CHECK(st == ZC_OK || st == ZC_ERR_LIMIT, "parse failed: %s (%s)",
                 zc_strerror(st), zc_parser_error(p)->msg);
        enc[pass] = zc_parser_encoding(p);
        fmt[pass] = zc_parser_format(p);
        fz_buf *t = &text[pass];
        fz_check_text(t->ptr, t->len);
        zc_stats stats;
        zc_parser_stats(p, &stats);
        FZ_CHECK(stats.decoded_bytes == t->len,
                 "stats say %zu decoded bytes, the text callback gave %zu",
                 stats.decoded_bytes, t->len);
        FZ_CHECK(stats.input_bytes == len, "stats say %zu input bytes of %zu",
                 stats.input_bytes, len);
    }
    /* text[0]: the chunked run, text[1]: the one-feed run */
    FZ_CHECK(!chunk_diff || (text[0].len == text[1].len &&
                 (!text[0].len ||
                  !memcmp(text[0].ptr, text[1].ptr, text[0].len))),
             "decoded text differs between chunk size %zu (%zu bytes) and "
             "one feed (%zu bytes)",
             chunk, text[0].len, text[1].len);
    FZ_CHECK(!chunk_diff ||
                 (!strcmp(enc[0], enc[1]) && !strcmp(fmt[0], fmt[1])),
             "chunk size %zu read %s/%s, one feed %s/%s", chunk, enc[0],
             fmt[0], enc[1], fmt[1]);
    if (opt.encoding && !strcmp(opt.encoding, "utf-8") && opt.format &&
        !strcmp(opt.format, "text") && !hint && opt.keep_debris &&
        strcmp(fmt[1], "binary") && fz_utf8_valid(in, len, NULL) &&
        !memchr(in, '\r', len) && !memchr(in, '\0', len) &&
        !(len >= 3 && !memcmp(in, "\xEF\xBB\xBF", 3)))
        FZ_CHECK(text[1].len == len && (!len || !memcmp(text[1].ptr, in, len)),
                 "clean UTF-8 text did not come out as it went in");
    zc_parser_free(p);
    fz_buf_free(&text[0]);
    fz_buf_free(&text[1]);
    return 0;
}
