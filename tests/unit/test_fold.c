/*
 * test_fold.c - the fold's fast path (fold.c same_run: two 3-byte
 * characters at a time, one class table) against the fold as specified,
 * character by character, on random mixes of every kind of character:
 * ideographs at any place around the two-at-a-time steps, traditional
 * ones, U+3400-4DFF, 2- and 4-byte characters, full-width forms, odd and
 * zero-width spaces, pinyin glosses, marks at the very end of the text,
 * texts longer than the stretch the fast path works on at a time.  The
 * marks are checked against the sift as specified: a character's follow
 * and the group of the folded character after it.
 */
#include "testutil.h"

#include "internal.h"

/* A source piece, what it folds to, and whether its (last) character is
 * Han.  A gloss is dropped after a Han character and kept otherwise;
 * a dropped piece leaves the character before it as the one before. */
typedef struct piece {
    const char *src, *folded;
    bool han, gloss, dropped;
} piece;

static const piece pieces[] = {
    {"政", "政", true, false, false},   {"府", "府", true, false, false},
    {"建", "建", true, false, false},   {"设", "设", true, false, false},
    {"牽", "牵", true, false, false},   {"頭", "头", true, false, false},
    {"䀀", "䀀", true, false, false},   {"㐀", "㐀", true, false, false},
    {"鿿", "鿿", true, false, false},   {"。", "。", false, false, false},
    {"，", ",", false, false, false},   {"（", "(", false, false, false},
    {"(", "(", false, false, false},    {")", ")", false, false, false},
    {"a", "a", false, false, false},    {"%", "%", false, false, false},
    {"９", "9", false, false, false},   {" ", " ", false, false, false},
    {"\u3000", " ", false, false, false},
    {"\u2002", " ", false, false, false},
    {"\u200b", "", false, false, true}, {"𠀀", "𠀀", true, false, false},
    {"ß", "ß", false, false, false},    {"①", "①", false, false, false},
    {"《", "《", false, false, false},  {"—", "—", false, false, false},
    {"(fā)", "(fā)", false, true, false},
    {"（fā）", "(fā)", false, true, false},
};
#define NPIECES (sizeof pieces / sizeof pieces[0])

/* Anchors beginning with 政 建 牵 (noted folded, so 牽 too) 䀀 , ( %:
 * literals of one character, and with a second character of each kind
 * (3-byte, ASCII, 2- and 4-byte, folded from full width or traditional),
 * more of them than there are groups. */
static const char *const literals[] = {
    "政府", "建设", "牵头", "䀀", "%", ",", "(a", "政(", "政𠀀", "建ß",
    "府。", "牵《", "建,", "(政", "䀀—",
};
#define NLIT (sizeof literals / sizeof literals[0])

static zc_anchors *test_anchors(void)
{
    zc_anchors *a = zc_anchors_new(NULL);
    assert_non_null(a);
    for (size_t k = 0; k < NLIT; k++)
        assert_true(zc_anchors_add(a, literals[k], strlen(literals[k])) >= 0);
    return a;
}

/* The sift's bits of cp: its follow, and its group (ZC_SIFT_OTHER when
 * the anchors do not give it one). */
static unsigned sift_bits(const zc_sift_class *sc, size_t n, uint32_t cp,
                          bool follow)
{
    for (size_t k = 0; k < n; k++)
        if (sc[k].cp == cp)
            return follow ? sc[k].follow
                          : sc[k].group ? sc[k].group : ZC_SIFT_OTHER;
    return follow ? 0 : ZC_SIFT_OTHER;
}

static void fold_agrees_with_reference(void **state)
{
    (void)state;
    zc_anchors *anchors = test_anchors();
    zc_sift_class sc[2 * NLIT];
    size_t nsc = zc_anchors_sift_classes(anchors, sc);
    enum { CAP = 12000 };
    static char src[CAP], want[CAP];
    static size_t want_src[CAP]; /* per folded byte: its character's start */
    unsigned seed = 2024;
    for (int round = 0; round < 400; round++) {
        /* mostly ideographs (as notices are), at lengths around the
         * fast path's stretch of 4096 bytes now and then */
        seed = seed * 1103515245u + 12345u;
        size_t target = round % 20 == 0 ? 4000 + (seed >> 16) % 5000
                                        : (seed >> 16) % 200;
        size_t n = 0, w = 0;
        bool prev_han = false;
        while (n < target) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) % 100;
            const piece *p = r < 70 ? &pieces[r % 9] : &pieces[r % NPIECES];
            bool drop = p->dropped || (p->gloss && prev_han);
            size_t ls = strlen(p->src);
            if (!drop) {
                /* a gloss kept folds character by character, the
                 * others are one character */
                for (size_t a = 0, b = 0; a < ls;) {
                    size_t la = p->gloss ? (size_t)zc_utf8_len(
                                               (unsigned char)p->src[a])
                                         : ls;
                    size_t lb = p->gloss ? (size_t)zc_utf8_len(
                                               (unsigned char)p->folded[b])
                                         : strlen(p->folded);
                    memcpy(want + w, p->folded + b, lb);
                    for (size_t e = 0; e < lb; e++)
                        want_src[w + e] = n + a;
                    w += lb;
                    a += la;
                    b += lb;
                }
                prev_han = p->han;
            }
            memcpy(src + n, p->src, ls);
            n += ls;
        }
        zc_fold f;
        zc_fold_init(&f, NULL);
        f.anchors = anchors;
        assert_true(zc_fold_text(&f, src, n));
        assert_int_equal(f.len, w);
        assert_memory_equal(f.text, want, w);
        size_t k = 0;
        for (size_t o = 0; o < w;) {
            uint32_t cp;
            int l = zc_utf8_decode(want + o, w - o, &cp);
            assert_true(l > 0);
            if (zc_fold_src_start(&f, o) != want_src[o])
                fail_msg("round %d: folded %zu from %zu, want %zu", round,
                         o, zc_fold_src_start(&f, o), want_src[o]);
            /* kept by the folded character after it; the end and
             * characters past the BMP follow anything */
            uint32_t next = 0x10000;
            if (o + (size_t)l < w)
                assert_true(zc_utf8_decode(want + o + l, w - o - l, &next));
            unsigned group = next > 0xFFFF ? ZC_SIFT_ANY
                                           : sift_bits(sc, nsc, next, false);
            if (sift_bits(sc, nsc, cp, true) & group) {
                if (k >= f.nmarks || f.marks[k] != o)
                    fail_msg("round %d: mark %zu at %zu, want %zu", round,
                             k, k < f.nmarks ? (size_t)f.marks[k] : 0, o);
                k++;
            }
            o += (size_t)l;
        }
        assert_int_equal(f.nmarks, k);
        assert_int_equal(zc_fold_src_start(&f, w), n);
        /* back from the source: the first folded byte whose character
         * starts at or after it (past the end too) */
        for (size_t so = 0, fo = 0; so <= n + 1; so++) {
            while (fo < w && zc_fold_src_start(&f, fo) < so)
                fo++;
            if (zc_fold_from_src(&f, so) != fo)
                fail_msg("round %d: source %zu to folded %zu, want %zu",
                         round, so, zc_fold_from_src(&f, so), fo);
        }
        zc_fold_free(&f);
    }
    zc_anchors_free(anchors);
}

/* A mark in the text's last character, at every length around the
 * two-at-a-time steps (which stop 8 bytes short of the end). */
static void fold_marks_at_the_end(void **state)
{
    (void)state;
    zc_anchors *a = zc_anchors_new(NULL);
    assert_non_null(a);
    assert_true(zc_anchors_add(a, "政", 3) >= 0);
    assert_true(zc_anchors_add(a, "%", 1) >= 0);
    for (size_t len = 0; len < 12; len++)
        for (int last = 0; last < 2; last++) {
            char s[64] = "";
            for (size_t k = 0; k < len; k++)
                strcat(s, "府");
            strcat(s, last ? "%" : "政");
            zc_fold f;
            zc_fold_init(&f, NULL);
            f.anchors = a;
            assert_true(zc_fold_text(&f, s, strlen(s)));
            assert_string_equal(f.text, s);
            assert_int_equal(f.nmarks, 1);
            assert_int_equal(f.marks[0], 3 * len);
            zc_fold_free(&f);
        }
    zc_anchors_free(a);
}

/* The class table follows f->anchors to other literals. */
static void fold_follows_new_anchors(void **state)
{
    (void)state;
    zc_anchors *a = zc_anchors_new(NULL), *b = zc_anchors_new(NULL);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(zc_anchors_add(a, "政", 3) >= 0);
    assert_true(zc_anchors_add(b, "府", 3) >= 0);
    static const char s[] = "政府政府政府";
    zc_fold f;
    zc_fold_init(&f, NULL);
    f.anchors = a;
    assert_true(zc_fold_text(&f, s, sizeof s - 1));
    assert_int_equal(f.nmarks, 3);
    assert_int_equal(f.marks[0], 0);
    f.anchors = b;
    assert_true(zc_fold_text(&f, s, sizeof s - 1));
    assert_int_equal(f.nmarks, 3);
    assert_int_equal(f.marks[0], 3);
    f.anchors = NULL;
    assert_true(zc_fold_text(&f, s, sizeof s - 1));
    assert_int_equal(f.nmarks, 0);
    zc_fold_free(&f);
    zc_anchors_free(a);
    zc_anchors_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fold_agrees_with_reference),
        cmocka_unit_test(fold_marks_at_the_end),
        cmocka_unit_test(fold_follows_new_anchors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
