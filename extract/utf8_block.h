/*
 * utf8_block.h - the common case of UTF-8 text, 16 bytes at a time
 * (private).
 *
 * Notices are CJK: 3-byte sequences and some ASCII.  decode.c (which
 * validates the input) and emit_json.c (which escapes strings) both spend
 * most of their time confirming that a stretch of text is just that, one
 * byte or one character at a time.  zc_plain_block() confirms 16 bytes at
 * once with SSE2 (part of every x86-64); elsewhere it says "no" and the
 * callers' byte loops do all the work, as they did before.
 */
#ifndef ZHENGCE_UTF8_BLOCK_H
#define ZHENGCE_UTF8_BLOCK_H

#include <stdbool.h>
#include <stddef.h>

#define ZC_BLOCK 16

#ifdef __SSE2__
#include <emmintrin.h>

/* The bytes at s (16 readable) that are, up to the last whole character
 * of the block:
 *   - ASCII other than `stop1` and `stop2`, and other than the control
 *     bytes below 0x20 unless `controls` is true;
 *   - 3-byte sequences with a lead byte E1-EC or EE-EF and two
 *     continuation bytes (always valid UTF-8: E0 could be overlong and
 *     ED a surrogate).
 * Returns 14, 15 or 16 (how far the whole characters reach), or 0 when
 * the block holds anything else.  *n3, if not NULL, gets the number of
 * 3-byte characters in the part returned. */
static inline size_t zc_plain_block(const unsigned char *s, bool controls,
                                    char stop1, char stop2, size_t *n3)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
    __m128i ascii = _mm_cmpgt_epi8(x, _mm_set1_epi8(-1));
    /* as signed bytes: 80-BF are below -64, E0-EF are -32 to -17 */
    __m128i cont = _mm_cmplt_epi8(x, _mm_set1_epi8(-64));
    __m128i lead = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(-33)),
                                 _mm_cmplt_epi8(x, _mm_set1_epi8(-16)));
    __m128i bad = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(stop1)),
                               _mm_cmpeq_epi8(x, _mm_set1_epi8(stop2)));
    bad = _mm_or_si128(bad, _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xE0)));
    bad = _mm_or_si128(bad, _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xED)));
    if (!controls)
        bad = _mm_or_si128(
            bad, _mm_and_si128(ascii, _mm_cmpgt_epi8(_mm_set1_epi8(0x20), x)));
    /* C0-DF, F0-FF: neither ASCII, a continuation nor a 3-byte lead */
    __m128i known = _mm_or_si128(ascii, _mm_or_si128(cont, lead));
    if (_mm_movemask_epi8(bad) || _mm_movemask_epi8(known) != 0xFFFF)
        return 0;
    unsigned l = (unsigned)_mm_movemask_epi8(lead);
    unsigned c = (unsigned)_mm_movemask_epi8(cont);
    /* every lead followed by exactly two continuation bytes, no other
     * continuation byte (a lead in the last two places continues in the
     * next block) */
    if (c != (((l << 1) | (l << 2)) & 0xFFFF))
        return 0;
    size_t end = l & 0x8000 ? 15 : l & 0x4000 ? 14 : 16;
    if (n3) {
        unsigned whole = l & ((1u << end) - 1);
        size_t k = 0;
        for (; whole; whole &= whole - 1)
            k++;
        *n3 = k;
    }
    return end;
}
#else
static inline size_t zc_plain_block(const unsigned char *s, bool controls,
                                    char stop1, char stop2, size_t *n3)
{
    (void)s, (void)controls, (void)stop1, (void)stop2, (void)n3;
    return 0;
}
#endif

#endif
