/*
 * anchor.c - where a rule can match at all.
 *
 * Running each of some eighty rules over every byte of a notice was two
 * thirds of the time, and nearly all of it was spent where the rule could
 * not match: a deadline rule cannot match without 年 or 月 nearby, a
 * percentage without %.  So a rule may name anchors (rules/README.md):
 *
 *   anchor: 季度|半年
 *   reach: 10
 *
 * literals in folded form, one of which every match has within `reach`
 * characters after its start (blanks not counted) - or right before its
 * start, for rules whose anchor sits in a lookbehind (达到 before a
 * figure).  The fold notes where the anchors' first characters are as it
 * copies the text (zc_fold.mark), and the literals are confirmed there;
 * each rule then searches only the windows its anchors open, with
 * the whole text as subject (lookarounds see what they always saw) and
 * PCRE2's offset limit keeping a search from starting past its window.
 * So the matches are the ones a full scan finds, as long as the anchors
 * tell the truth: rule examples are checked against them at load time,
 * and tests/anchors compares windowed and full scans over the corpus.
 */
#include "internal.h"

#include <string.h>

/* Most first characters are common (政 of 政府, 建 of 建设: a fifth of
 * a notice's characters begin some literal) and most are not followed
 * by a second character that continues one.  So the (first, second)
 * pairs of the literals longer than a character are kept, hashed into a
 * bitmap, and a first character is looked at only if its pair is there
 * or it is a literal by itself. */
#define PAIR_BITS (1u << 15)

static inline uint32_t pair_hash(uint32_t first, uint32_t second)
{
    return (first * 40503u + second) & (PAIR_BITS - 1);
}

/* The literals are numbered in the order they were first named.  To find
 * them, a bitmap over code points (the BMP) says which characters begin
 * one; the literals beginning with the same character are chained, and
 * the chains' heads are numbered by the rank of their character in the
 * bitmap (rank[w]: the bits set before word w), so finding a chain is a
 * popcount, not a hash probe. */
struct zc_anchors {
    const zc_mem *mem;
    char **lit;
    uint16_t *len;
    /* the up to 8 bytes after a literal's first character, as one word
     * to compare with a load (and the mask of the bytes it has) */
    uint64_t *word, *wmask;
    int32_t *next;   /* next literal with the same first character */
    size_t n, cap;
    uint64_t first[65536 / 64];
    uint64_t alone[65536 / 64];   /* first characters that are literals */
    uint64_t pair[PAIR_BITS / 64]; /* first + second, hashed             */
    uint16_t rank[65536 / 64];
    int32_t *head;   /* by rank; as many as characters in `first`  */
    size_t nhead;
};

zc_anchors *zc_anchors_new(const zc_mem *mem)
{
    mem = mem ? mem : &zc_default_mem;
    zc_anchors *a = zc_malloc(mem, sizeof *a);
    if (!a)
        return NULL;
    memset(a, 0, sizeof *a);
    a->mem = mem;
    return a;
}

void zc_anchors_free(zc_anchors *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++)
        zc_free(a->mem, a->lit[i]);
    zc_free(a->mem, a->lit);
    zc_free(a->mem, a->len);
    zc_free(a->mem, a->next);
    zc_free(a->mem, a->word);
    zc_free(a->mem, a->wmask);
    zc_free(a->mem, a->head);
    zc_free(a->mem, a);
}

size_t zc_anchors_count(const zc_anchors *a)
{
    return a ? a->n : 0;
}

/* Bits set in x (baseline x86-64 has no popcnt instruction: without it
 * __builtin_popcountll is a call into libgcc) */
static inline unsigned bits_set(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555u);
    x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Fu;
    return (unsigned)((x * 0x0101010101010101u) >> 56);
}

static size_t rank_of(const zc_anchors *a, uint32_t cp)
{
    uint64_t below = a->first[cp / 64] & (((uint64_t)1 << (cp % 64)) - 1);
    return a->rank[cp / 64] + bits_set(below);
}

/* A new first character: its chain's head goes in at its rank. */
static bool add_head(zc_anchors *a, uint32_t cp, int32_t id)
{
    int32_t *head = zc_realloc(a->mem, a->head, (a->nhead + 1) * sizeof *head);
    if (!head)
        return false;
    a->head = head;
    a->first[cp / 64] |= (uint64_t)1 << (cp % 64);
    size_t r = rank_of(a, cp);
    memmove(a->head + r + 1, a->head + r, (a->nhead - r) * sizeof *head);
    a->head[r] = id;
    a->nhead++;
    for (size_t w = cp / 64 + 1; w < 65536 / 64; w++)
        a->rank[w]++;
    return true;
}

/* realloc that leaves *p as it was when it fails */
static bool resize(const zc_mem *mem, void **p, size_t bytes)
{
    void *q = zc_realloc(mem, *p, bytes);
    if (q)
        *p = q;
    return q != NULL;
}

int zc_anchors_add(zc_anchors *a, const char *s, size_t n)
{
    uint32_t cp;
    int l0;
    if (n == 0 || n > ZC_MAX_ANCHOR_LEN ||
        (l0 = zc_utf8_decode(s, n, &cp)) == 0 || cp == 0 || cp > 0xFFFF)
        return -1;
    for (size_t i = 0; i < a->n; i++)
        if (a->len[i] == n && !memcmp(a->lit[i], s, n))
            return (int)i;
    if (a->n >= ZC_MAX_ANCHORS)
        return -1;
    if (!ZC_GROW(a->mem, a->lit, a->cap, a->n + 1))
        return -2;
    size_t cap = a->cap; /* the parallel arrays follow lit's capacity */
    char *copy = NULL;
    if (!resize(a->mem, (void **)&a->len, cap * sizeof *a->len) ||
        !resize(a->mem, (void **)&a->next, cap * sizeof *a->next) ||
        !resize(a->mem, (void **)&a->word, cap * sizeof *a->word) ||
        !resize(a->mem, (void **)&a->wmask, cap * sizeof *a->wmask) ||
        !(copy = zc_strndup(a->mem, s, n))) {
        zc_free(a->mem, copy);
        return -2;
    }
    size_t id = a->n;
    a->next[id] = -1;
    if ((a->first[cp / 64] >> (cp % 64)) & 1) {
        /* chain in order of addition: occurrences come out in that order */
        int32_t *link = &a->head[rank_of(a, cp)];
        while (*link >= 0)
            link = &a->next[*link];
        *link = (int32_t)id;
    } else if (!add_head(a, cp, (int32_t)id)) {
        zc_free(a->mem, copy);
        return -2;
    }
    uint32_t cp2;
    if ((size_t)l0 == n || !zc_utf8_decode(s + l0, n - l0, &cp2))
        a->alone[cp / 64] |= (uint64_t)1 << (cp % 64);
    else {
        uint32_t h = pair_hash(cp, cp2);
        a->pair[h / 64] |= (uint64_t)1 << (h % 64);
    }
    unsigned char after[8] = {0}, mask[8] = {0};
    for (size_t b = 0; b < 8 && (size_t)l0 + b < n; b++) {
        after[b] = (unsigned char)s[l0 + b];
        mask[b] = 0xFF;
    }
    memcpy(&a->word[id], after, 8);
    memcpy(&a->wmask[id], mask, 8);
    a->n++;
    a->lit[id] = copy;
    a->len[id] = (uint16_t)n;
    return (int)id;
}

/* The literals starting at t + i, whose first character cp is l bytes.
 * Where 8 bytes can be read after the first character, one masked
 * compare decides a literal of up to 8 more bytes (CJK words of up to
 * three more characters); the rest of a longer one, or any literal near
 * the end of the text, is compared byte by byte. */
static bool hits_at(const zc_anchors *a, const char *t, size_t len, size_t i,
                    uint32_t cp, int l, zc_anchor_hit **hits, size_t *n,
                    size_t *cap, const zc_mem *mem)
{
    size_t room = len - i - (size_t)l;
    uint64_t after = 0;
    if (room >= 8)
        memcpy(&after, t + i + l, 8);
    for (int32_t id = a->head[rank_of(a, cp)]; id >= 0; id = a->next[id]) {
        size_t rest = (size_t)a->len[id] - (size_t)l; /* after the first */
        if (rest > room)
            continue;
        if (room >= 8) {
            if ((after & a->wmask[id]) != a->word[id] ||
                (rest > 8 &&
                 memcmp(t + i + l + 8, a->lit[id] + l + 8, rest - 8)))
                continue;
        } else if (memcmp(t + i + l, a->lit[id] + l, rest)) {
            continue;
        }
        if (*n == *cap && !ZC_GROW(mem, *hits, *cap, *n + 1))
            return false;
        (*hits)[*n].pos = (uint32_t)i;
        (*hits)[*n].end = (uint32_t)(i + (size_t)l + rest);
        (*hits)[*n].id = (uint16_t)id;
        (*n)++;
    }
    return true;
}

/* Can a literal begin with cp, given the text after it, t[0..n)? */
static inline bool may_begin(const zc_anchors *a, uint32_t cp, const char *t,
                             size_t n)
{
    if ((a->alone[cp / 64] >> (cp % 64)) & 1)
        return true;
    const unsigned char *u = (const unsigned char *)t;
    uint32_t cp2;
    if (n >= 3 && (u[0] & 0xF0) == 0xE0) /* (the common case, inline) */
        cp2 = (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 |
              (u[2] & 0x3F);
    else if (!zc_utf8_decode(t, n, &cp2))
        return false;
    uint32_t h = pair_hash(cp, cp2);
    return (a->pair[h / 64] >> (h % 64)) & 1;
}

size_t zc_anchors_sift(const zc_anchors *a, const char *t, size_t len,
                       uint32_t *at, size_t nat)
{
    /* may_begin() for the common shape - a 3-byte character after a
     * 3-byte character - without a branch: which marks pass is no more
     * predictable than which characters begin a literal.  Any other
     * shape passes, and zc_anchors_find() decides. */
    const unsigned char *u = (const unsigned char *)t;
    size_t kept = 0;
    for (size_t k = 0; k < nat; k++) {
        size_t i = at[k];
        at[kept] = (uint32_t)i;
        if (i + 6 > len) {
            kept++;
            continue;
        }
        const unsigned char *p = u + i;
        uint32_t cp = (uint32_t)(p[0] & 0x0F) << 12 |
                      (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
        uint32_t cp2 = (uint32_t)(p[3] & 0x0F) << 12 |
                       (uint32_t)(p[4] & 0x3F) << 6 | (p[5] & 0x3F);
        uint32_t h = pair_hash(cp, cp2);
        unsigned other = ((p[0] & 0xF0) != 0xE0) | ((p[3] & 0xF0) != 0xE0);
        unsigned alone = (unsigned)(a->alone[cp / 64] >> (cp % 64)) & 1;
        unsigned pair = (unsigned)(a->pair[h / 64] >> (h % 64)) & 1;
        kept += other | alone | pair;
    }
    return kept;
}

const uint64_t *zc_anchors_first(const zc_anchors *a)
{
    return a->first;
}



bool zc_anchors_find(const zc_anchors *a, const char *t, size_t len,
                     const uint32_t *at, size_t nat, zc_anchor_hit **hits,
                     size_t *n, size_t *cap, const zc_mem *mem)
{
    *n = 0;
    if (!a || !a->n)
        return true;
    size_t k = 0, i = 0;
    while (at ? k < nat : i < len) {
        if (at)
            i = at[k++];
        if (i >= len)
            break;
        unsigned char c = (unsigned char)t[i];
        uint32_t cp = c;
        int l = 1;
        if (c >= 0x80) { /* (3-byte characters, the common case, inline) */
            if ((c & 0xF0) == 0xE0 && len - i >= 3) {
                cp = (uint32_t)(c & 0x0F) << 12 |
                     (uint32_t)((unsigned char)t[i + 1] & 0x3F) << 6 |
                     ((unsigned char)t[i + 2] & 0x3F);
                l = 3;
            } else if (!(l = zc_utf8_decode(t + i, len - i, &cp))) {
                l = 1; /* not a character: no anchor starts here */
                cp = 0;
            }
        }
        /* (marks were sifted: zc_anchors_sift) */
        if (cp && cp <= 0xFFFF && (a->first[cp / 64] >> (cp % 64)) & 1 &&
            (at || may_begin(a, cp, t + i + l, len - i - (size_t)l)) &&
            !hits_at(a, t, len, i, cp, l, hits, n, cap, mem))
            return false;
        if (!at)
            i += (size_t)l;
    }
    return true;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

#ifdef __SSE2__
#include <emmintrin.h>

/* The window walk 16 bytes at a time, while it is that far from floor:
 * the characters counted are the bytes that start one (not 80-BF) and
 * are not blank.  Takes i back to the start of the (reach - *counted)-th
 * such character, or as far as whole blocks go.  (On text that is not
 * valid UTF-8 it counts no more characters than the loop below, so its
 * window is never narrower.) */
static size_t walk_blocks(const unsigned char *u, size_t i, unsigned reach,
                          size_t floor, unsigned *counted)
{
    while (*counted < reach && i - floor >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(u + i - 16));
        __m128i cont = _mm_cmplt_epi8(x, _mm_set1_epi8(-64)); /* 80-BF */
        __m128i blank = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')),
                         _mm_cmpeq_epi8(x, _mm_set1_epi8('\t'))),
            _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')),
                         _mm_cmpeq_epi8(x, _mm_set1_epi8('\r'))));
        unsigned chars =
            ~(unsigned)_mm_movemask_epi8(_mm_or_si128(cont, blank)) & 0xFFFF;
        unsigned have = bits_set(chars), need = reach - *counted;
        if (have < need) {
            *counted += have;
            i -= 16;
            continue;
        }
        /* the need-th character from the block's end */
        for (unsigned k = 1; k < need; k++)
            chars &= ~(1u << (31 - __builtin_clz(chars)));
        *counted = reach;
        return i - 16 + (31 - (unsigned)__builtin_clz(chars));
    }
    return i;
}
#endif

size_t zc_anchor_window_start(const char *t, size_t pos, unsigned reach,
                              size_t floor)
{
    const unsigned char *u = (const unsigned char *)t;
    size_t i = pos;
    unsigned counted = 0;
#ifdef __SSE2__
    if (pos > floor)
        i = walk_blocks(u, pos, reach, floor, &counted);
#endif
    while (i > floor) {
        size_t j;
        if (i >= 3 && (u[i - 3] & 0xF0) == 0xE0 && (u[i - 2] & 0xC0) == 0x80 &&
            (u[i - 1] & 0xC0) == 0x80) {
            j = i - 3; /* a CJK character, never blank: the common case */
        } else {
            j = i - 1; /* back to the start of the character */
            while (j > 0 && (u[j] & 0xC0) == 0x80 && i - j < 4)
                j--;
            if (blank(t[j])) {
                i = j;
                continue;
            }
        }
        if (counted == reach)
            break;
        counted++;
        i = j;
    }
    return i < floor ? floor : i;
}

size_t zc_anchor_window_end(const char *t, size_t len, size_t end)
{
    while (end < len && blank(t[end]))
        end++;
    return end;
}

bool zc_anchor_covers(const zc_rule *ru, const zc_anchors *a, const char *t,
                      size_t len, size_t start)
{
    for (size_t k = 0; k < ru->n_anchors; k++) {
        const char *lit = a->lit[ru->anchors[k]];
        size_t ln = a->len[ru->anchors[k]];
        for (size_t p = 0; p + ln <= len; p++) {
            if (memcmp(t + p, lit, ln))
                continue;
            size_t end = ru->anchor_behind
                             ? zc_anchor_window_end(t, len, p + ln)
                             : p;
            if (zc_anchor_window_start(t, p, ru->reach, 0) <= start &&
                start <= end && zc_anchor_numeral_ok(ru, t, len, p, p + ln))
                return true;
        }
    }
    return false;
}

const char *zc_anchors_literal(const zc_anchors *a, size_t id)
{
    return a->lit[id];
}

/* ---- numerals near an anchor (rules' `numeral:`) --------------------------- */

/* Is the character of n bytes at u a numeral (and not a blank)?  1 for
 * a numeral, 0 for another character, -1 for a blank (not counted).  A
 * 3-byte character is read from its bytes: most of what is looked at. */
static inline int numeral_at(const unsigned char *u, size_t n)
{
    if (n == 1)
        return (unsigned)(u[0] - '0') < 10u ? 1 : blank((char)u[0]) ? -1 : 0;
    uint32_t cp;
    if (n == 3)
        cp = (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 |
             (u[2] & 0x3F);
    else if (!zc_utf8_decode((const char *)u, n, &cp))
        return 0;
    return zc_is_numeral(cp);
}

void zc_numerals_around(const char *t, size_t len, size_t pos, size_t end,
                        unsigned max_before, unsigned max_after,
                        unsigned *before, unsigned *after)
{
    const unsigned char *u = (const unsigned char *)t;
    unsigned n = 0;
    *before = *after = 0;
    for (size_t i = pos; i > 0 && n < max_before;) {
        size_t j = i >= 3 && (u[i - 3] & 0xF0) == 0xE0 && u[i - 1] >= 0x80
                       ? i - 3
                       : zc_utf8_prev(t, i);
        int v = numeral_at(u + j, i - j);
        i = j;
        if (v < 0)
            continue;
        n++;
        if (v) {
            *before = n;
            break;
        }
    }
    n = 0;
    for (size_t i = end; i < len && n < max_after;) {
        int l = zc_utf8_len(u[i]);
        if (l <= 0 || (size_t)l > len - i)
            break; /* (folded text is valid UTF-8) */
        int v = numeral_at(u + i, (size_t)l);
        i += (size_t)l;
        if (v < 0)
            continue;
        n++;
        if (v) {
            *after = n;
            break;
        }
    }
}

bool zc_anchor_numeral_ok(const zc_rule *ru, const char *t, size_t len,
                          size_t pos, size_t end)
{
    if (!ru->numeral)
        return true;
    unsigned b, a;
    zc_numerals_around(t, len, pos, end, ru->numeral_before,
                       ru->numeral_after, &b, &a);
    return b || a;
}
