/*
 * test_anchor.c - finding the anchor literals (anchor.c) against the
 * plainest search there is: at every character, every literal compared
 * byte by byte, in the order they were added.  Both ways of finding
 * them - a full scan, and the marks a fold notes, sifted by the
 * character that follows - on random texts full of near misses:
 * literals of one character, of more than 8 bytes after the first, with
 * an ASCII or a 4-byte character second, sharing first characters or
 * sift groups, cut off by the end of the text.
 */
#include "testutil.h"

#include "internal.h"

static const char *const literals[] = {
    "建设", "建成", "和", "%", "政府", "牵头单位", "牵头", "牵头责任单位",
    "年底", "不得超过", "不", "不低于", "达", "达到", "月", "—", "第1",
    "政𠀀", "号,", "x",
};
#define NLIT (sizeof literals / sizeof literals[0])

/* pieces of text: the literals' characters and their neighbours */
static const char *const pieces[] = {
    "建", "设", "成", "和", "%", "政", "府", "牵", "头", "单", "位", "责",
    "任", "年", "底", "不", "得", "超", "过", "低", "于", "达", "到", "月",
    "—", "第", "1", "𠀀", "号", ",", "x", " ", "。", "ā",
};
#define NPIECES (sizeof pieces / sizeof pieces[0])

static size_t naive_find(const char *t, size_t len, zc_anchor_hit *out)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        for (size_t id = 0; id < NLIT; id++) {
            size_t ln = strlen(literals[id]);
            if (ln <= len - i && !memcmp(t + i, literals[id], ln))
                out[n++] = (zc_anchor_hit){(uint32_t)i, (uint32_t)(i + ln),
                                           (uint16_t)id};
        }
        i += (size_t)zc_utf8_len((unsigned char)t[i]);
    }
    return n;
}

static void expect_hits(const zc_anchor_hit *got, size_t n,
                        const zc_anchor_hit *want, size_t nw, const char *how,
                        int round)
{
    if (n != nw)
        fail_msg("round %d, %s: %zu hits, want %zu", round, how, n, nw);
    for (size_t k = 0; k < n; k++)
        if (got[k].pos != want[k].pos || got[k].end != want[k].end ||
            got[k].id != want[k].id)
            fail_msg("round %d, %s: hit %zu is %u-%u #%u, want %u-%u #%u",
                     round, how, k, got[k].pos, got[k].end, got[k].id,
                     want[k].pos, want[k].end, want[k].id);
}

static void anchors_agree_with_naive_search(void **state)
{
    (void)state;
    zc_anchors *a = zc_anchors_new(NULL);
    assert_non_null(a);
    for (size_t k = 0; k < NLIT; k++)
        assert_int_equal(zc_anchors_add(a, literals[k], strlen(literals[k])),
                         (int)k);
    static char t[4096];
    static zc_anchor_hit want[4096];
    unsigned seed = 77;
    for (int round = 0; round < 2000; round++) {
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        size_t target = (seed >> 16) % 300;
        while (len < target) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) % 100;
            /* whole literals now and then, else their characters */
            const char *p = r < 15 ? literals[r % NLIT] : pieces[r % NPIECES];
            memcpy(t + len, p, strlen(p));
            len += strlen(p);
        }
        size_t nw = naive_find(t, len, want);
        zc_anchor_hit *hits = NULL;
        size_t n = 0, cap = 0;
        assert_true(zc_anchors_find(a, t, len, NULL, 0, &hits, &n, &cap,
                                    &zc_default_mem));
        expect_hits(hits, n, want, nw, "full scan", round);
        zc_fold f;
        zc_fold_init(&f, NULL);
        f.anchors = a;
        assert_true(zc_fold_text(&f, t, len));
        assert_int_equal(f.len, len); /* (nothing here folds) */
        assert_true(zc_anchors_find(a, f.text, f.len, f.marks, f.nmarks,
                                    &hits, &n, &cap, &zc_default_mem));
        expect_hits(hits, n, want, nw, "sifted marks", round);
        zc_fold_free(&f);
        zc_free(&zc_default_mem, hits);
    }
    zc_anchors_free(a);
}

/* The sift keeps a mark only where a literal may begin: of 建议建设, the
 * first 建 goes, the second stays; 和 (a literal by itself) stays. */
static void sift_drops_what_cannot_begin(void **state)
{
    (void)state;
    zc_anchors *a = zc_anchors_new(NULL);
    assert_non_null(a);
    assert_true(zc_anchors_add(a, "建设", 6) >= 0);
    assert_true(zc_anchors_add(a, "和", 3) >= 0);
    static const char t[] = "建议建设和建议建议建议";
    zc_fold f;
    zc_fold_init(&f, NULL);
    f.anchors = a;
    assert_true(zc_fold_text(&f, t, sizeof t - 1));
    assert_int_equal(f.nmarks, 2);
    assert_int_equal(f.marks[0], 6);
    assert_int_equal(f.marks[1], 12);
    zc_fold_free(&f);
    zc_anchors_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(anchors_agree_with_naive_search),
        cmocka_unit_test(sift_drops_what_cannot_begin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
