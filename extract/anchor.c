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
 * figure).  The fold notes where the anchors may begin as it copies the
 * text (zc_fold.anchors), and the literals are confirmed there;
 * each rule then searches only the windows its anchors open, with
 * the whole text as subject (lookarounds see what they always saw) and
 * PCRE2's offset limit keeping a search from starting past its window.
 * So the matches are the ones a full scan finds, as long as the anchors
 * tell the truth: rule examples are checked against them at load time,
 * and tests/anchors compares windowed and full scans over the corpus.
 */
#include "internal.h"

#include <string.h>

/* The 8 bytes at u, little-endian whatever the machine (one load on
 * x86). */
static inline uint64_t load_le64(const unsigned char *u)
{
    return (uint64_t)u[0] | (uint64_t)u[1] << 8 | (uint64_t)u[2] << 16 |
           (uint64_t)u[3] << 24 | (uint64_t)u[4] << 32 |
           (uint64_t)u[5] << 40 | (uint64_t)u[6] << 48 |
           (uint64_t)u[7] << 56;
}

/* What find compares of a literal: the up to 8 bytes after its first
 * character as one word, with the mask of the bytes it has; the next
 * literal with the same first character, -1 at the end. */
typedef struct lit_key {
    uint64_t word, wmask;
    int32_t next;
    uint16_t len;
} lit_key;

#define NO_LITERAL 0xFFFF
_Static_assert(ZC_MAX_ANCHORS < NO_LITERAL, "literal ids fit in head[]");

/* The literals are numbered in the order they were first named.  Those
 * beginning with the same character are chained, in that order, from
 * head[] of the character: one load tells whether a literal begins with
 * it and which. */
struct zc_anchors {
    const zc_mem *mem;
    char **lit;
    lit_key *key;
    size_t n, cap;
    unsigned longest_chain; /* most literals with one first character */
    uint16_t head[65536];
};

zc_anchors *zc_anchors_new(const zc_mem *mem)
{
    mem = mem ? mem : &zc_default_mem;
    zc_anchors *a = zc_malloc(mem, sizeof *a);
    if (!a)
        return NULL;
    memset(a, 0, sizeof *a);
    memset(a->head, 0xFF, sizeof a->head); /* NO_LITERAL */
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
    zc_free(a->mem, a->key);
    zc_free(a->mem, a);
}

size_t zc_anchors_count(const zc_anchors *a)
{
    return a ? a->n : 0;
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
        if (a->key[i].len == n && !memcmp(a->lit[i], s, n))
            return (int)i;
    if (a->n >= ZC_MAX_ANCHORS)
        return -1;
    if (!ZC_GROW(a->mem, a->lit, a->cap, a->n + 1))
        return -2;
    char *copy = NULL; /* key follows lit's capacity */
    if (!resize(a->mem, (void **)&a->key, a->cap * sizeof *a->key) ||
        !(copy = zc_strndup(a->mem, s, n))) {
        zc_free(a->mem, copy);
        return -2;
    }
    size_t id = a->n;
    lit_key *k = &a->key[id];
    k->next = -1;
    k->len = (uint16_t)n;
    unsigned chain = 1;
    if (a->head[cp] == NO_LITERAL) {
        a->head[cp] = (uint16_t)id;
    } else {
        /* chain in order of addition: occurrences come out in that order */
        int32_t *link = &a->key[a->head[cp]].next;
        for (; *link >= 0; chain++)
            link = &a->key[*link].next;
        *link = (int32_t)id;
        chain++;
    }
    if (chain > a->longest_chain)
        a->longest_chain = chain;
    unsigned char after[8] = {0}, mask[8] = {0};
    for (size_t i = 0; i < 8 && (size_t)l0 + i < n; i++) {
        after[i] = (unsigned char)s[l0 + i];
        mask[i] = 0xFF;
    }
    memcpy(&k->word, after, 8);
    memcpy(&k->wmask, mask, 8);
    a->n++;
    a->lit[id] = copy;
    return (int)id;
}

/* The literals starting at t + i, whose first character is l bytes and
 * begins the chain from id, into hits[n...] (room for a whole chain);
 * returns the new count.  Where 8 bytes can be read after the first
 * character, one masked compare decides a literal of up to 8 more bytes
 * (CJK words of up to three more characters); the rest of a longer one,
 * or any literal near the end of the text, is compared byte by byte (a
 * memcmp() call here made the caller keep its loop's values on the stack
 * around it, which every mark paid for).  Inlined always: for most marks
 * zc_anchors_find() knows l and the room, and the compiler folds them. */
static inline __attribute__((always_inline)) size_t
hits_at(const zc_anchors *a, const char *t, size_t len, size_t i, size_t l,
        int32_t id, zc_anchor_hit *hits, size_t n)
{
    const lit_key *key = a->key;
    const char *after = t + i + l;
    size_t room = len - i - l;
    uint64_t word = room >= 8 ? load_le64((const unsigned char *)after) : 0;
    for (; id >= 0; id = key[id].next) {
        const lit_key *k = &key[id];
        size_t b = 0, end = k->len - l;
        if (room >= 8) {
            if ((word & k->wmask) != k->word)
                continue;
            b = 8;
        }
        if (end > b) {
            if (end > room)
                continue;
            const char *lit = a->lit[id] + l;
            while (b < end && after[b] == lit[b])
                b++;
            if (b < end)
                continue;
        }
        hits[n++] = (zc_anchor_hit){(uint32_t)i, (uint32_t)(i + k->len),
                                    (uint16_t)id};
    }
    return n;
}

/* The sift's groups: the characters that come second in literals take
 * them in turn, in the order the literals were named.  (Six groups keep
 * about as few marks as knowing each second character would: most
 * first characters continue with one or two.) */
#define SIFT_GROUPS 6
_Static_assert((((1u << SIFT_GROUPS) - 1) | ZC_SIFT_OTHER) == ZC_SIFT_ANY,
               "the groups and OTHER make up ANY");

/* The entry of cp in out[0..*n), added if new. */
static zc_sift_class *sift_entry(zc_sift_class *out, size_t *n, uint32_t cp)
{
    for (size_t k = 0; k < *n; k++)
        if (out[k].cp == cp)
            return &out[k];
    out[*n] = (zc_sift_class){cp, 0, 0};
    return &out[(*n)++];
}

size_t zc_anchors_sift_classes(const zc_anchors *a, zc_sift_class *out)
{
    size_t n = 0;
    unsigned turn = 0;
    for (size_t id = 0; a && id < a->n; id++) {
        const char *s = a->lit[id];
        size_t len = a->key[id].len;
        uint32_t cp, cp2;
        int l0 = zc_utf8_decode(s, len, &cp); /* (a BMP character: add) */
        uint8_t follow = ZC_SIFT_ANY;
        if ((size_t)l0 < len && zc_utf8_decode(s + l0, len - l0, &cp2) &&
            cp2 <= 0xFFFF) {
            zc_sift_class *second = sift_entry(out, &n, cp2);
            if (!second->group)
                second->group = (uint8_t)(1u << (turn++ % SIFT_GROUPS));
            follow = second->group;
        }
        sift_entry(out, &n, cp)->follow |= follow;
    }
    return n;
}

bool zc_anchors_find(const zc_anchors *a, const char *t, size_t len,
                     const uint32_t *at, size_t nat, zc_anchor_hit **hits,
                     size_t *n, size_t *cap, const zc_mem *mem)
{
    *n = 0;
    if (!a || !a->n)
        return true;
    const unsigned char *u = (const unsigned char *)t;
    zc_anchor_hit *found = *hits;
    size_t nfound = 0, room = *cap;
    size_t k = 0, i = 0;
    while (at ? k < nat : i < len) {
        if (at)
            i = at[k++];
        if (i >= len)
            break;
        if (room - nfound < a->longest_chain) {
            if (!ZC_GROW(mem, *hits, *cap, nfound + a->longest_chain)) {
                *n = nfound;
                return false;
            }
            found = *hits;
            room = *cap;
        }
        unsigned c = u[i];
        size_t l = 3;
        if ((c & 0xF0) == 0xE0 && len - i >= 3 + 8) {
            /* (most marks) a 3-byte character with 8 bytes after it */
            uint32_t cp = (c & 0x0F) << 12 | (u[i + 1] & 0x3Fu) << 6 |
                          (u[i + 2] & 0x3Fu);
            if (a->head[cp] != NO_LITERAL)
                nfound = hits_at(a, t, len, i, 3, a->head[cp], found, nfound);
        } else {
            uint32_t cp = c;
            l = 1;
            if (c >= 0x80) {
                int dl = zc_utf8_decode(t + i, len - i, &cp);
                l = dl ? (size_t)dl : 1;
                if (dl == 0 || cp > 0xFFFF) /* no literal begins with it */
                    cp = 0;
            }
            uint16_t id = a->head[cp]; /* (none begins with NUL) */
            if (id != NO_LITERAL)
                nfound = hits_at(a, t, len, i, l, id, found, nfound);
        }
        if (!at)
            i += l;
    }
    *n = nfound;
    return true;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

#ifdef __SSE2__
#include <emmintrin.h>

/* Bits set in a byte, and in 16 bits: two loads where a software
 * popcount (baseline x86-64 has no popcnt instruction) is a dozen
 * operations. */
#define POP2(n) n, n + 1, n + 1, n + 2
#define POP4(n) POP2(n), POP2(n + 1), POP2(n + 1), POP2(n + 2)
#define POP6(n) POP4(n), POP4(n + 1), POP4(n + 1), POP4(n + 2)
static const uint8_t bits_in_byte[256] = {POP6(0), POP6(1), POP6(1),
                                          POP6(2)};

static inline unsigned bits_set16(unsigned x)
{
    return (unsigned)bits_in_byte[x & 0xFF] + bits_in_byte[x >> 8];
}

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
        unsigned have = bits_set16(chars), need = reach - *counted;
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
    if (reach == 0) { /* (most calls) only the blanks right before pos */
        while (i > floor && blank(t[i - 1]))
            i--;
        return i;
    }
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
        size_t ln = a->key[ru->anchors[k]].len;
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

#define BIT(cp) ((uint64_t)1 << ((cp) % 64))
const uint64_t zc_numeral_bits[65536 / 64] = {
    [0] = (uint64_t)0x3FF << '0',                               /* 0-9  */
    [0x3007 / 64] = BIT(0x3007),                                /* 〇   */
    [0x4E00 / 64] = BIT(0x4E00) | BIT(0x4E03) | BIT(0x4E09) |   /* 一七三 */
                    BIT(0x4E24),                                /* 两   */
    [0x4E5D / 64] = BIT(0x4E5D),                                /* 九   */
    [0x4E8C / 64] = BIT(0x4E8C) | BIT(0x4E94),                  /* 二五 */
    [0x516B / 64] = BIT(0x516B) | BIT(0x516D),                  /* 八六 */
    [0x5341 / 64] = BIT(0x5341) | BIT(0x5343),                  /* 十千 */
    [0x56DB / 64] = BIT(0x56DB),                                /* 四   */
    [0x767E / 64] = BIT(0x767E),                                /* 百   */
    [0x96F6 / 64] = BIT(0x96F6),                                /* 零   */
};
#undef BIT

/* What a numeral look sees in a character: a break is one of the
 * characters an `unbroken` rule's stretch will not cross (and blanks). */
enum { NC_OTHER, NC_NUMERAL, NC_BLANK, NC_BREAK };

/* The class of the character of n bytes at u.  A 3-byte character is
 * read from its bytes: most of what is looked at. */
static inline int numeral_class(const unsigned char *u, size_t n)
{
    uint32_t cp = u[0];
    if (n == 3) {
        cp = (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 |
             (u[2] & 0x3F);
        return zc_is_numeral(cp)         ? NC_NUMERAL
               : cp - 0x3001 < 2u        ? NC_BREAK /* 、 。 */
                                         : NC_OTHER;
    }
    if (n == 1)
        return zc_is_numeral(cp) ? NC_NUMERAL
               : blank((char)cp) ? NC_BLANK
               : cp == ',' || cp == ';' || cp == ':' || cp == '|' ? NC_BREAK
                                                                   : NC_OTHER;
    if (!zc_utf8_decode((const char *)u, n, &cp))
        return NC_OTHER;
    return zc_is_numeral(cp) ? NC_NUMERAL : NC_OTHER;
}

/* One more character of a look, of class k: false where the look ends.
 * *n counts the characters (not blanks); *found gets the count at a
 * numeral. */
static inline bool look_on(int k, bool stop_at_break, bool *broken,
                           unsigned *n, unsigned *found)
{
    if (k >= NC_BLANK) {
        if (stop_at_break)
            return false;
        *broken = true;
        if (k == NC_BLANK)
            return true;
    }
    ++*n;
    if (k == NC_NUMERAL) {
        *found = *n;
        return false;
    }
    return true;
}

void zc_numerals_around(const char *t, size_t len, size_t pos, size_t end,
                        unsigned max_before, unsigned max_after,
                        bool stop_at_break, zc_numeral_look *look)
{
    const unsigned char *u = (const unsigned char *)t;
    *look = (zc_numeral_look){0};
    unsigned n = 0;
    for (size_t i = pos; i > 0 && n < max_before;) {
        size_t j = i >= 3 && (u[i - 3] & 0xF0) == 0xE0 && u[i - 1] >= 0x80
                       ? i - 3
                       : zc_utf8_prev(t, i);
        int k = numeral_class(u + j, i - j);
        i = j;
        if (!look_on(k, stop_at_break, &look->before_broken, &n,
                     &look->before))
            break;
    }
    n = 0;
    for (size_t i = end; i < len && n < max_after;) {
        int l = (u[i] & 0xF0) == 0xE0 ? 3 : zc_utf8_len(u[i]);
        if (l <= 0 || (size_t)l > len - i)
            break; /* (folded text is valid UTF-8) */
        int k = numeral_class(u + i, (size_t)l);
        i += (size_t)l;
        if (!look_on(k, stop_at_break, &look->after_broken, &n,
                     &look->after))
            break;
    }
}

bool zc_anchor_numeral_ok(const zc_rule *ru, const char *t, size_t len,
                          size_t pos, size_t end)
{
    if (!ru->numeral)
        return true;
    zc_numeral_look k;
    zc_numerals_around(t, len, pos, end, ru->numeral_before,
                       ru->numeral_after, ru->numeral_unbroken, &k);
    return zc_numeral_near(&k, ru->numeral_before, ru->numeral_after,
                           ru->numeral_unbroken);
}
