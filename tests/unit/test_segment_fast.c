/*
 * test_segment_fast.c - segment.c's fast path (skip_quiet, skip_block,
 * mark_block) against segment.c without it.
 *
 * The fast path steps over the characters where the scanner's
 * per-character path would do nothing; it must decide exactly as that
 * path does, wherever a 64-byte block, a chunk or the look-ahead limit
 * ends.  So segment.c is compiled a second time here, with
 * ZC_SEGMENT_REFERENCE (every character through the per-character path)
 * and its functions renamed ref_*, and both segment the same random
 * documents: built from Han runs of every length (so each marker, 第,
 * parenthesis and punctuation mark lands at every offset in a block),
 * markers, run-in items, boundaries of every kind, and 1-, 2- and 4-byte
 * characters.  Each document is fed in one piece and in chunks of 1, 3
 * and 17 bytes, with the default and a small max_bytes.  The groups
 * must be the same, and so must the scan position and the character
 * before it after every feed.
 */
#include "testutil.h"

#include "internal.h"

/* the reference: the same source under other names */
#define ZC_SEGMENT_REFERENCE
#define zc_segmenter_new ref_segmenter_new
#define zc_segmenter_reset ref_segmenter_reset
#define zc_segmenter_free ref_segmenter_free
#define zc_segmenter_truncations ref_segmenter_truncations
#define zc_section_heading ref_section_heading
#define zc_segmenter_feed ref_segmenter_feed
#define zc_segmenter_finish ref_segmenter_finish
/* segment.c calls it before defining it; internal.h declared it under
 * its own name */
void zc_segmenter_reset(zc_segmenter *s);
#include "segment.c"
#undef zc_segmenter_new
#undef zc_segmenter_reset
#undef zc_segmenter_free
#undef zc_segmenter_truncations
#undef zc_section_heading
#undef zc_segmenter_feed
#undef zc_segmenter_finish

#define OUT_MAX 65536

typedef struct {
    char out[OUT_MAX];
    size_t len;
} record;

static void put(record *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(r->out + r->len, OUT_MAX - r->len, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < OUT_MAX - r->len);
    r->len += (size_t)n;
}

static int on_group(const zc_group *g, void *ud)
{
    record *r = ud;
    put(r, "G");
    for (size_t i = 0; i < g->n_nodes; i++) {
        const zc_node *n = &g->nodes[i];
        put(r, " %s[%u,%s,%zu,%zu,%zu%s]", n->id, n->level, n->parent_id,
            n->start, n->end, n->marker_len, n->truncated ? ",t" : "");
        for (size_t k = 0; k < n->n_items; k++) {
            const zc_group_item *it = &g->items[n->first_item + k];
            put(r, " i%u@%zu+%zu-%zu", it->number, it->marker_start,
                it->marker_len, it->end);
        }
    }
    put(r, "\n");
    return 0;
}

/* Feed `text` to the segmenter and to the reference, `chunk` bytes at a
 * time (0: in one piece), comparing their scan state after each feed. */
static void compare(const char *text, size_t len, size_t chunk,
                    size_t max_bytes)
{
    static record fast, ref;
    fast.len = ref.len = 0;
    zc_segmenter *a =
        zc_segmenter_new(&zc_default_mem, max_bytes, 0, on_group, &fast);
    zc_segmenter *b =
        ref_segmenter_new(&zc_default_mem, max_bytes, 0, on_group, &ref);
    assert_non_null(a);
    assert_non_null(b);
    if (!chunk)
        chunk = len ? len : 1;
    for (size_t i = 0; i < len; i += chunk) {
        size_t n = len - i < chunk ? len - i : chunk;
        assert_int_equal(zc_segmenter_feed(a, text + i, n), ZC_OK);
        assert_int_equal(ref_segmenter_feed(b, text + i, n), ZC_OK);
        if (a->pos != b->pos || a->prev != b->prev)
            fail_msg("after %zu bytes (chunk %zu): pos %zu prev U+%04X, "
                     "reference pos %zu prev U+%04X\n  %.*s",
                     i + n, chunk, a->pos, (unsigned)a->prev, b->pos,
                     (unsigned)b->prev, (int)len, text);
    }
    assert_int_equal(zc_segmenter_finish(a), ZC_OK);
    assert_int_equal(ref_segmenter_finish(b), ZC_OK);
    assert_int_equal(a->pos, b->pos);
    assert_int_equal(a->prev, b->prev);
    fast.out[fast.len] = ref.out[ref.len] = '\0';
    if (strcmp(fast.out, ref.out) != 0)
        fail_msg("chunk %zu, max_bytes %zu:\n  %.*s\nfast:\n%s\nreference:\n%s",
                 chunk, max_bytes, (int)len, text, fast.out, ref.out);
    zc_segmenter_free(a);
    ref_segmenter_free(b);
}

/* What documents are made of.  Han runs come from `han` below. */
static const char *const pieces[] = {
    /* markers */
    "一、", "二、", "三、", "十二、", "一.", "二．", "（一）", "（二）",
    "(三)", "（ 四 ）", "(1)", "（2）", "1.", "2.", "3．", "1、", "2)",
    "3）", "①", "②", "⑴", "⑵", "第一章", "第二章", "第一节", "第二节",
    "第一条", "第二条", "第三条", "第一部分", "第二部分", "第十条规定",
    "第(一)项",
    /* run-in items and characters markers start with */
    "一是", "二是", "三是", "首先", "其次", "再次", "最后", "一", "二", "十",
    "百", "千", "零", "两", "第", "首", "其", "再", "最",
    /* boundaries and other punctuation */
    "，", ",", "、", "。", "：", ":", "；", ";", "！", "!", "？", "?", "）",
    ")", "（", "(", "〕", "〔", "】", "【", "]", "[", "］", "|", "“", "”",
    "《", "》", "．", ".", "%", "％", "\n", "\n\n", " ", "  ", "\t", "　",
    "\xC2\xA0", "\xE2\x80\x83", "\xE2\x80\x8B", "\xE2\x80\xAF",
    "\xEF\xBB\xBF", "\r",
    /* digits, Latin, other lengths of UTF-8 */
    "2019", "3.0", "10%", "1.5", "abc", "Z", "é", "\xF0\x9F\x98\x80",
    "\xE3\x80\x80", "附件：", "附件", "总则",
};

/* Han characters no marker starts with, 3 bytes each, lead bytes E4-E9
 * and one above U+9FFF (U+E000-EFFF, private use) */
static const char *const han[] = {
    "政", "府", "工", "作", "加", "强", "的", "法", "治", "建", "设",
    "\xEE\x80\x80",
};

static uint32_t rng_state;

static uint32_t rng(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state >> 8;
}

static size_t make_document(char *buf, size_t cap)
{
    size_t len = 0, n = rng() % 60;
    for (size_t i = 0; i < n; i++) {
        const char *p;
        char run[200];
        if (rng() % 2) {
            /* a Han run of 0-40 characters */
            size_t k = rng() % 41, r = 0;
            for (size_t j = 0; j < k; j++) {
                memcpy(run + r, han[rng() % (sizeof han / sizeof han[0])], 3);
                r += 3;
            }
            run[r] = '\0';
            p = run;
        } else {
            p = pieces[rng() % (sizeof pieces / sizeof pieces[0])];
        }
        size_t l = strlen(p);
        if (len + l >= cap)
            break;
        memcpy(buf + len, p, l);
        len += l;
    }
    return len;
}

static void random_documents(void **state)
{
    (void)state;
    static char doc[4096];
    rng_state = 6;
    for (int d = 0; d < 3000; d++) {
        size_t len = make_document(doc, sizeof doc);
        static const size_t chunks[] = {0, 1, 3, 17};
        for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
            compare(doc, len, chunks[c], 0);
            if (c == 0 || c == 3)
                compare(doc, len, chunks[c], 200); /* cut groups */
        }
    }
}

/* A marker, 第 or a boundary at every offset of a 64-byte block, after
 * and before Han runs that end at every offset too. */
static void every_offset(void **state)
{
    (void)state;
    static const char *const probes[] = {
        "。一、", "（一）", "第二章", "，一是", "、二是", "\n1.", "：首先",
        "。第一条", ")(二)", " 其次", "。\xEE\x80\x80", "|最后", "，，、。",
        "（", "，（", "a,b", "\xF0\x9F\x98\x80，", "。\xE4\x80\x80",
        "，\xF0\x9F\x98\x80", "第", "，第", "\n\n\n",
    };
    char doc[1024];
    for (size_t p = 0; p < sizeof probes / sizeof probes[0]; p++) {
        for (size_t k = 0; k < 64 * 4; k++) {
            /* k % 64 one-byte characters, then k / 64 Han ones */
            size_t len = k % 64;
            memset(doc, 'x', len);
            for (size_t j = 0; j < k / 64; j++) {
                memcpy(doc + len, "政", 3);
                len += 3;
            }
            size_t l = strlen(probes[p]);
            memcpy(doc + len, probes[p], l);
            len += l;
            for (size_t j = 0; j < 40; j++) {
                memcpy(doc + len, j % 7 ? "府" : "，", 3);
                len += 3;
            }
            for (size_t chunk = 0; chunk <= 5; chunk++)
                compare(doc, len, chunk, 0);
        }
    }
}

/* （一） glued to a heading (一、总体要求（一）指导思想) at every
 * distance from the marker around in_heading()'s limit, with the block
 * at every alignment: skip_quiet() must stop at those in_heading() may
 * take, and may step over the others. */
static void glued_headings(void **state)
{
    (void)state;
    char doc[1024];
    for (size_t align = 0; align < 64; align += 5) {
        for (size_t d = 60; d < 110; d++) {
            size_t len = 0;
            for (size_t j = 0; j < align; j++)
                doc[len++] = 'y';
            memcpy(doc + len, "\n一、", 7);
            len += 7;
            for (size_t j = 0; j < d; j++)
                doc[len++] = 'x';
            for (size_t j = 0; j < 2; j++) {
                memcpy(doc + len, j ? "(二)" : "（一）", j ? 5 : 9);
                len += j ? 5 : 9;
                for (size_t k = 0; k < 30; k++) {
                    memcpy(doc + len, "府", 3);
                    len += 3;
                }
            }
            for (size_t chunk = 0; chunk <= 7; chunk += 7)
                compare(doc, len, chunk, 0);
        }
    }
}

/* Characters of every kind skip_block() tells apart, and markers made of
 * them, so dense that boundaries, punctuation runs, 第 and parentheses
 * fall on block edges and documents end at every offset of a block. */
static const char *const mixed_chars[] = {
    "政", "府", "政", "府", "第", "\xE7\xAC\xA6" /* 符: E7 AC A6 */,
    "\xE6\xAC\xAC", "一", "二", "首", "(", "（", ")", "）", "，", ",", "、",
    "。", "：", "；", "“", "”", "《", "\n", " ", "　", "a", "7", "%", "é",
    "\xF0\x9F\x98\x80", "\xE4\x80\x80" /* U+4000: lead E4, not quiet */,
    "\xE9\xBF\xBF" /* U+9FFF */, "\xEA\xB0\x80" /* U+AC00 */,
    "\xEE\xBF\xBF", "\xE3\x80\x85", "\xEF\xBC\x8E", "\xE2\x80\x83",
    "〇", "○", "①", "⑴", "０", "1.", "2.", "一、", "二、", "（一）", "（二）",
    "第一章", "第二章", "一是", "二是", "首先", "其次",
};

static void dense_documents(void **state)
{
    (void)state;
    char doc[600];
    rng_state = 7;
    for (int d = 0; d < 4000; d++) {
        size_t len = 0, n = rng() % 200;
        for (size_t i = 0; i < n; i++) {
            /* mostly quiet Han, in runs of varying density */
            size_t w = rng() % (sizeof mixed_chars / sizeof mixed_chars[0] +
                                (size_t)(d % 5) * 8);
            const char *c = w < sizeof mixed_chars / sizeof mixed_chars[0]
                                ? mixed_chars[w]
                                : mixed_chars[w % 2];
            size_t l = strlen(c);
            if (len + l > sizeof doc)
                break;
            memcpy(doc + len, c, l);
            len += l;
        }
        static const size_t chunks[] = {0, 1, 2, 5, 64};
        for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++)
            compare(doc, len, chunks[c], 0);
        compare(doc, len, 0, 200); /* cut groups */
    }
}

/* mark_block() (SSE2) against its scalar twin on random valid UTF-8 made
 * of all of mixed_chars[], at every start. */
static void mark_block_twins(void **state)
{
    (void)state;
    char buf[256 + QUIET_BLOCK_READ];
    rng_state = 42;
    for (int t = 0; t < 20000; t++) {
        size_t len = 0;
        while (len < 256) {
            size_t w = rng() % 16;
            /* mostly Han, so some blocks have nothing to look at */
            const char *c =
                w < 8 ? mixed_chars[w % 4]
                      : mixed_chars[rng() % (sizeof mixed_chars /
                                             sizeof mixed_chars[0])];
            size_t l = strlen(c);
            memcpy(buf + len, c, l);
            len += l;
        }
        memset(buf + len, 0, sizeof buf - len);
        for (size_t i = 0; i + QUIET_BLOCK_READ <= len;) {
            block_marks fast = mark_block(buf + i),
                        slow = mark_block_scalar(buf + i);
            if (fast.look != slow.look || fast.next != slow.next)
                fail_msg("at %zu: look %016llx next %u, scalar look "
                         "%016llx next %u",
                         i, (unsigned long long)fast.look, fast.next,
                         (unsigned long long)slow.look, slow.next);
            i += (size_t)zc_utf8_len((unsigned char)buf[i]);
        }
    }
}

/* skip_quiet() steps over a character after a boundary unless it
 * may_start() a marker or item: for every other code point, whatever
 * follows it, zc_scan_marker and zc_scan_item must say no. */
static void may_start_is_complete(void **state)
{
    (void)state;
    static const char *const tails[] = {
        "", "、", ".", "．", ")", "）", "一、", "1.", "0)", "十二、", "章",
        "节", "条", "部分", "是", "先", "次", "后", "一是", "二〇二〇年",
        "（一）", "1", "１．",
    };
    zc_segmenter *s = ref_segmenter_new(&zc_default_mem, 0, 0, NULL, NULL);
    assert_non_null(s);
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if ((cp >= 0xD800 && cp <= 0xDFFF) || may_start(s, cp))
            continue;
        char buf[64];
        int l = zc_utf8_encode(cp, buf);
        for (size_t k = 0; k < sizeof tails / sizeof tails[0]; k++) {
            size_t n = (size_t)l + strlen(tails[k]);
            memcpy(buf + l, tails[k], strlen(tails[k]));
            zc_marker m;
            if (zc_scan_marker(buf, n, true, &m) != ZC_SCAN_NO ||
                zc_scan_item(buf, n, true, &m) != ZC_SCAN_NO)
                fail_msg("U+%04X%s is a marker or an item", (unsigned)cp,
                         tails[k]);
        }
    }
    ref_segmenter_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mark_block_twins),
        cmocka_unit_test(may_start_is_complete),
        cmocka_unit_test(every_offset),
        cmocka_unit_test(glued_headings),
        cmocka_unit_test(dense_documents),
        cmocka_unit_test(random_documents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
