/*
 * emit_json.c - the JSON renderer.  The only file that includes cJSON.
 *
 * One code path writes the structure: a small streaming writer that
 * escapes straight into a buffer and flushes it to the FILE* every 64 KiB,
 * so a 16 MiB section text is never copied into a tree (cJSON would hold
 * it twice: as a string and again as printed).  --pretty and the cJSON
 * entry points (zc_section_to_json) reparse that output with cJSON, which
 * is fine for the sizes people pretty-print.
 *
 * Key order in a document object: schema, document, sections, source,
 * warnings, stats.  "source" comes last because its size and sha256 are
 * known only at the end of a streamed document.
 */
#include "extract_json.h"
#include "utf8_block.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* ---- a streaming JSON writer ------------------------------------------- */

typedef struct jw {
    FILE *out;  /* flushed to when `buf` fills; NULL: keep everything */
    char *buf;
    size_t len, cap;
    size_t room; /* n bytes go straight in when len + n <= room:
                    see jw_set_room()                                  */
    bool oom;
    bool comma; /* a value was written at this nesting level           */
    bool parsed_text; /* the zc_str values written are text a parser
                         delivered: valid UTF-8, see jw_text()         */
} jw;

#define JW_FLUSH (64 * 1024)

/* After a change of out, buf, cap or oom: the buffer is flushed before
 * it reaches JW_FLUSH when streaming, and nothing is written after a
 * failure.  One bound makes the test of the many small writes one
 * comparison. */
static void jw_set_room(jw *w)
{
    if (w->oom)
        w->room = 0;
    else if (w->out && w->cap >= JW_FLUSH)
        w->room = JW_FLUSH - 1;
    else
        w->room = w->cap;
}

static void jw_flush(jw *w)
{
    if (w->out && w->len) {
        if (fwrite(w->buf, 1, w->len, w->out) != w->len)
            w->oom = true;
        w->len = 0;
        jw_set_room(w);
    }
}

/* Room for n more bytes at w->buf + w->len, the buffer flushed (when
 * streaming) or grown to make it; NULL after a failure. */
static char *jw_make_room(jw *w, size_t n)
{
    if (w->oom)
        return NULL;
    if (w->out && w->len + n >= JW_FLUSH)
        jw_flush(w);
    if (!w->oom && w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (cap < w->len + n)
            cap *= 2;
        char *b = realloc(w->buf, cap);
        if (b) {
            w->buf = b;
            w->cap = cap;
        } else {
            w->oom = true;
        }
    }
    jw_set_room(w);
    return w->oom ? NULL : w->buf + w->len;
}

static void jw_raw_grow(jw *w, const char *s, size_t n)
{
    char *p = jw_make_room(w, n);
    if (p) {
        memcpy(p, s, n);
        w->len += n;
    }
}

/* Most writes are a few bytes into room the buffer has: inline that. */
static inline void jw_raw(jw *w, const char *s, size_t n)
{
    if (w->len + n <= w->room) {
        memcpy(w->buf + w->len, s, n);
        w->len += n;
        return;
    }
    jw_raw_grow(w, s, n);
}

static void jw_lit(jw *w, const char *s)
{
    jw_raw(w, s, strlen(s));
}

/* A separator before the next value of an object or array. */
static void jw_sep(jw *w)
{
    if (w->comma)
        jw_raw(w, ",", 1);
    w->comma = true;
}

static void jw_open(jw *w, char c)
{
    jw_sep(w);
    jw_raw(w, &c, 1);
    w->comma = false;
}

static void jw_close(jw *w, char c)
{
    jw_raw(w, &c, 1);
    w->comma = true;
}

/* Empty a jw; its buffer stays for the next document (`release`: freed),
 * so a run over thousands of files does not grow one from 4 KiB each
 * time. */
static void jw_clear(jw *j, bool release)
{
    if (release) {
        free(j->buf);
        memset(j, 0, sizeof *j);
        return;
    }
    j->out = NULL;
    j->len = 0;
    j->oom = false;
    j->comma = false;
    jw_set_room(j);
}

/* Length of the valid UTF-8 sequence at s[0..n) (s[0] >= 0x80), 0 if it
 * is not one (RFC 3629: no overlong forms, surrogates, or code points
 * above U+10FFFF). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0], cp, min;
    size_t k;
    if (c >= 0xC2 && c <= 0xDF)
        k = 1, min = 0x80, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        k = 2, min = 0x800, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        k = 3, min = 0x10000, cp = c & 0x07;
    else
        return 0;
    if (n <= k)
        return 0;
    for (size_t j = 1; j <= k; j++) {
        if ((s[j] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[j] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return k + 1;
}

/* zc_plain_block(s, false, '"', '\\', NULL), the block test of
 * jw_escape(), in fewer steps: the bytes that need nothing are ASCII 20-7F
 * but '"' and '\\', continuation bytes 80-BF, and lead bytes E1-EF but ED,
 * each lead followed by exactly two continuation bytes and no other
 * continuation byte.  Returns 14, 15 or 16 (up to the last whole character
 * of the block), 0 when the block holds anything else; the byte loop of
 * jw_escape() is its scalar twin (checked against a byte-at-a-time
 * reference in tests/unit/test_json.c).  Without SSE2: 0. */
#ifdef __SSE2__
static inline size_t json_block(const unsigned char *s)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
    /* as signed bytes: 20-7F are above 0x1F, 80-BF below -64, E1-EF
     * between -32 and -16 */
    __m128i ascii = _mm_cmpgt_epi8(x, _mm_set1_epi8(0x1F));
    __m128i cont = _mm_cmplt_epi8(x, _mm_set1_epi8(-64));
    __m128i lead = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(-32)),
                                 _mm_cmplt_epi8(x, _mm_set1_epi8(-16)));
    __m128i bad = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                               _mm_cmpeq_epi8(x, _mm_set1_epi8('\\')));
    bad = _mm_or_si128(bad, _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xED)));
    __m128i good =
        _mm_andnot_si128(bad, _mm_or_si128(ascii, _mm_or_si128(cont, lead)));
    if (_mm_movemask_epi8(good) != 0xFFFF)
        return 0;
    unsigned l = (unsigned)_mm_movemask_epi8(lead);
    unsigned c = (unsigned)_mm_movemask_epi8(cont);
    /* a lead in the last two places continues in the next block */
    if (c != (((l << 1) | (l << 2)) & 0xFFFF))
        return 0;
    return l & 0x8000 ? 15 : l & 0x4000 ? 14 : 16;
}
#else
static inline size_t json_block(const unsigned char *s)
{
    (void)s;
    return 0;
}
#endif

/* A run of bytes jw_escape() copies as they are, maybe none: the text
 * cache's buffer may not exist yet, and memcpy() to NULL is undefined even
 * for 0 bytes. */
static inline void jw_run(jw *w, const char *s, size_t n)
{
    if (n)
        jw_raw(w, s, n);
}

/* Where a text's escaped form differs from the text: the source offset
 * of each escaped byte and the bytes the escapes have added up to and
 * including it (a text cache's map, see below).  `ok` goes false when the
 * map cannot describe the text: too many escapes, or no memory. */
typedef struct escmap {
    size_t *at, *extra;
    size_t n, cap, limit;
    bool ok;
} escmap;

static void escmap_add(escmap *m, size_t at, size_t added)
{
    if (!m->ok)
        return;
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 256;
        if (m->n >= m->limit) {
            m->ok = false;
            return;
        }
        size_t *a = realloc(m->at, cap * sizeof *a);
        if (a)
            m->at = a;
        size_t *e = a ? realloc(m->extra, cap * sizeof *e) : NULL;
        if (!e) {
            m->ok = false;
            return;
        }
        m->extra = e;
        m->cap = cap;
    }
    m->at[m->n] = at;
    m->extra[m->n] = (m->n ? m->extra[m->n - 1] : 0) + added;
    m->n++;
}

/* The escape of a byte JSON must escape (a quote, a backslash, a control
 * character); returns its length. */
static size_t json_escape_byte(unsigned char c, char esc[6])
{
    static const char hex[] = "0123456789abcdef";
    esc[0] = '\\';
    switch (c) {
    case '"': esc[1] = '"'; return 2;
    case '\\': esc[1] = '\\'; return 2;
    case '\n': esc[1] = 'n'; return 2;
    case '\r': esc[1] = 'r'; return 2;
    case '\t': esc[1] = 't'; return 2;
    case '\b': esc[1] = 'b'; return 2;
    case '\f': esc[1] = 'f'; return 2;
    default:
        memcpy(esc + 1, "u00", 3);
        esc[4] = hex[c >> 4];
        esc[5] = hex[c & 15];
        return 6;
    }
}

/* A JSON string's contents: escapes quotes, backslashes and every control
 * character, copied in runs.  For strings that may hold any bytes: a file
 * name (source.path), a --filter record's url, a rule file's name, a
 * section built by a caller of zc_section_to_json().  Each byte that does
 * not start a valid UTF-8 sequence is written as U+FFFD, so the output is
 * always UTF-8 (RFC 8259 section 8.1).  Text a parser delivered goes
 * through jw_text() instead. */
static void jw_escape(jw *w, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        /* whole blocks of CJK text need no escape */
        while (n - i >= ZC_BLOCK) {
            size_t step = json_block(u + i);
            if (!step)
                break;
            i += step;
        }
        if (i >= n)
            break;
        unsigned char c = u[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\')
            continue;
        if (c >= 0x80) {
            /* most section text is CJK: a lead byte E1-EC or EE-EF and
             * two continuation bytes is always a valid 3-byte sequence
             * (E0 could be overlong, ED a surrogate: utf8_seq decides) */
            if (c >= 0xE1 && c != 0xED && c <= 0xEF && n - i > 2 &&
                (u[i + 1] & 0xC0) == 0x80 && (u[i + 2] & 0xC0) == 0x80) {
                i += 2;
                continue;
            }
            size_t k = utf8_seq(u + i, n - i);
            if (k) {
                i += k - 1;
                continue;
            }
            jw_run(w, s + run, i - run);
            run = i + 1;
            jw_raw(w, "\xEF\xBF\xBD", 3);
            continue;
        }
        jw_run(w, s + run, i - run);
        run = i + 1;
        char esc[6];
        jw_raw(w, esc, json_escape_byte(c, esc));
    }
    jw_run(w, s + run, n - run);
}

/* Does JSON escape c: a quote, a backslash, a control character? */
static inline bool json_special(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

#if defined(__SSE2__) && defined(__GNUC__)
/* The bytes of s[0, 16) that json_special() holds for, as a vector. */
static inline __m128i json_special16(const unsigned char *s)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
    /* min(x, 1F) == x: x is at most 1F, unsigned */
    return _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                     _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
        _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1F)), x));
}
#endif

/* The offset of the first byte of s[0, n) that json_special() holds for,
 * n if none: 32 bytes a step with SSE2, the rest of a text of 16 bytes or
 * more in blocks (the last one ends at n, its bytes already passed
 * shifted out of the mask), shorter texts by the byte loop, which is the
 * scalar twin.  In UTF-8 such a byte is always a character of its own, so
 * the bytes between need no decoding. */
static size_t json_plain_span(const unsigned char *s, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__) && defined(__GNUC__)
    if (n >= ZC_BLOCK) {
        for (; n - i >= 2 * ZC_BLOCK; i += 2 * ZC_BLOCK) {
            __m128i a = json_special16(s + i);
            __m128i b = json_special16(s + i + ZC_BLOCK);
            if (_mm_movemask_epi8(_mm_or_si128(a, b))) {
                unsigned m = (unsigned)_mm_movemask_epi8(a) |
                             (unsigned)_mm_movemask_epi8(b) << ZC_BLOCK;
                return i + (size_t)__builtin_ctz(m);
            }
        }
        while (i < n) {
            size_t at = n - i >= ZC_BLOCK ? i : n - ZC_BLOCK;
            unsigned m =
                (unsigned)_mm_movemask_epi8(json_special16(s + at)) >> (i - at);
            if (m)
                return i + (size_t)__builtin_ctz(m);
            i = at + ZC_BLOCK;
        }
        return n;
    }
#endif
    while (i < n && !json_special(s[i]))
        i++;
    return i;
}

/* jw_escape() for text a parser delivered (section text, heading and
 * marker, every item's text: zc_str values): valid UTF-8, guaranteed by
 * decode.c and kept so by every later step, which cuts only at character
 * boundaries (extract.h: strings handed out are UTF-8).  It needs no
 * check, only its quotes, backslashes and control characters escaped,
 * which is a fraction of the work.  `m`, if not NULL, is told where the
 * escapes are. */
static void jw_text(jw *w, const char *s, size_t n, escmap *m)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    for (;;) {
        size_t k = json_plain_span(u + i, n - i);
        jw_run(w, s + i, k);
        i += k;
        if (i >= n)
            return;
        char esc[6];
        size_t len = json_escape_byte(u[i], esc);
        jw_raw(w, esc, len);
        if (m)
            escmap_add(m, i, len - 1);
        i++;
    }
}

/* "s", for s[0, n) that needs no escape: one write. */
static void jw_quoted(jw *w, const char *s, size_t n)
{
    char *p = w->len + n + 2 <= w->room ? w->buf + w->len
                                        : jw_make_room(w, n + 2);
    if (!p)
        return;
    p[0] = '"';
    if (n)
        memcpy(p + 1, s, n);
    p[n + 1] = '"';
    w->len += n + 2;
}

static void jw_strn(jw *w, const char *s, size_t n)
{
    /* most are short ASCII names (ids, styles, kinds, dates) that need
     * no escape */
    size_t k = 0;
    while (k < n) {
        unsigned char c = (unsigned char)s[k];
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
            break;
        k++;
    }
    if (k == n) {
        jw_quoted(w, s, n);
        return;
    }
    jw_raw(w, "\"", 1);
    jw_escape(w, s, n);
    jw_raw(w, "\"", 1);
}

/* A key, given with its comma, quoted and with its colon (",\"id\":"):
 * the keys are ASCII literals, and escaping each one was most of the
 * writer's calls.  The comma is left out after an opening brace. */
static inline void jw_qkey(jw *w, const char *quoted, size_t n)
{
    size_t skip = !w->comma;
    jw_raw(w, quoted + skip, n - skip);
    w->comma = false;
}
#define jw_key(w, k) jw_qkey((w), ",\"" k "\":", sizeof ",\"" k "\":" - 1)

static void jw_str(jw *w, const char *s)
{
    jw_sep(w);
    if (s)
        jw_strn(w, s, strlen(s));
    else
        jw_lit(w, "null");
}

/* A zc_str: text of the document, checked only when it may not come
 * from a parser (zc_section_to_json()). */
static void jw_zstr(jw *w, zc_str s)
{
    jw_sep(w);
    if (!s.ptr) {
        jw_lit(w, "null");
    } else if (!w->parsed_text) {
        jw_strn(w, s.ptr, s.len);
    } else if (json_plain_span((const unsigned char *)s.ptr, s.len) ==
               s.len) {
        jw_quoted(w, s.ptr, s.len);
    } else {
        jw_raw(w, "\"", 1);
        jw_text(w, s.ptr, s.len, NULL);
        jw_raw(w, "\"", 1);
    }
}

/* A long run of bytes that needs no escaping: straight to the stream
 * rather than through the buffer (which would otherwise grow to hold it). */
static void jw_bulk(jw *w, const char *s, size_t n)
{
    if (!n)
        return; /* s may be NULL: the cache of an empty text */
    if (w->oom || !w->out || n < JW_FLUSH) {
        jw_raw(w, s, n);
        return;
    }
    jw_flush(w);
    if (!w->oom && fwrite(s, 1, n, w->out) != n) {
        w->oom = true;
        jw_set_room(w);
    }
}

/* ---- section text, escaped once ------------------------------------------ *
 *
 * A section's text holds its sub-sections' texts, so a deeply numbered
 * notice has each byte in several sections (the 96 MB bench notice gives
 * 428 MB of JSON).  Sections come parent first, so the writer keeps the
 * escaped form of the last text it escaped, with a map of where escaping
 * changed the length, and writes a text that lies inside it as a copy of
 * the matching slice.
 *
 * Why the slice is the text: a section's text is the decoded document's
 * bytes [start, end) (extract.h), so within one document two spans that
 * overlap hold the same bytes there, whatever buffer they were delivered
 * in.  The cache is emptied when a new document starts (writer begin/end,
 * and the document callback, which comes before the sections of every
 * document, also after zc_parser_reset()).  Its text pointer is compared
 * too, as a check that costs nothing.
 *
 * Why the slice is the escaped text: only the writer has a cache, and
 * its texts come from a parser, so they are valid UTF-8 (jw_text()); the
 * cache is used only when the slice starts and ends on character
 * boundaries.  Then the slice is whole characters, each escaped on its
 * own (a control character, quote or backslash into an escape, anything
 * else copied), exactly as escaping the slice alone would. */
typedef struct textcache {
    bool valid;
    size_t start, end; /* decoded-text span of the cached text          */
    const char *ptr;   /* where it was delivered                        */
    jw esc;            /* its escaped form, without quotes              */
    escmap map;        /* where escaping changed the length             */
} textcache;

static void tc_clear(textcache *tc, bool release)
{
    tc->valid = false;
    if (release) {
        free(tc->esc.buf);
        free(tc->map.at);
        free(tc->map.extra);
        memset(tc, 0, sizeof *tc);
    }
}

/* Offset in the escaped text of source offset `x` (relative to the
 * cached text's start). */
static size_t tc_offset(const textcache *tc, size_t x)
{
    /* the number of escapes before x, by bisection without branches (the
     * comparisons are unpredictable): it is in [base, base + n] */
    const size_t *at = tc->map.at, *base = at;
    size_t n = tc->map.n;
    if (!n)
        return x;
    while (n > 1) {
        size_t half = n / 2;
        base = base[half] < x ? base + half : base;
        n -= half;
    }
    size_t k = (size_t)(base - at) + (*base < x);
    return x + (k ? tc->map.extra[k - 1] : 0);
}

/* Is escaped offset `e` the start of a character (or the end)? */
static bool tc_boundary(const textcache *tc, size_t e)
{
    /* an escape starts with '\\'; other bytes are the text's own */
    return e == tc->esc.len ||
           ((unsigned char)tc->esc.buf[e] & 0xC0) != 0x80;
}

/* Write a section's text from the cache, if it lies inside the cached
 * text; false if it does not. */
static bool tc_write(jw *w, const textcache *tc, const zc_section *s)
{
    if (!tc->valid || s->start < tc->start || s->end > tc->end ||
        s->end < s->start ||
        s->end - s->start != s->text.len ||
        s->text.ptr != tc->ptr + (s->start - tc->start))
        return false;
    size_t a = tc_offset(tc, s->start - tc->start);
    size_t b = tc_offset(tc, s->end - tc->start);
    if (!tc_boundary(tc, a) || !tc_boundary(tc, b))
        return false;
    jw_raw(w, "\"", 1);
    jw_bulk(w, tc->esc.buf + a, b - a);
    jw_raw(w, "\"", 1);
    return true;
}

/* Escape a section's text into the cache and write it from there. */
static void tc_fill(jw *w, textcache *tc, const zc_section *s)
{
    jw_clear(&tc->esc, false);
    tc->map.n = 0;
    tc->map.ok = s->end - s->start == s->text.len;
    /* a text that is mostly escapes is not worth a map */
    tc->map.limit = s->text.len / 16 + 256;
    jw_text(&tc->esc, s->text.ptr, s->text.len, &tc->map);
    tc->valid = tc->map.ok && !tc->esc.oom;
    tc->start = s->start;
    tc->end = s->end;
    tc->ptr = s->text.ptr;
    jw_raw(w, "\"", 1);
    if (tc->esc.oom)
        jw_text(w, s->text.ptr, s->text.len, NULL);
    else
        jw_bulk(w, tc->esc.buf, tc->esc.len);
    jw_raw(w, "\"", 1);
}

/* A section's "text" value; `tc` NULL: no cache (only the writer has one,
 * for the sections a parser delivers). */
static void section_text(jw *w, const zc_section *s, textcache *tc)
{
    if (!tc || !s->text.ptr) {
        jw_zstr(w, s->text);
        return;
    }
    jw_sep(w);
    if (!tc_write(w, tc, s))
        tc_fill(w, tc, s);
}

/* The decimal digits of `a`, ending at `end`; returns where they start.
 * Two digits a step: spans and numbers are most of the values. */
static char *u64_digits(char *end, unsigned long long a)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    char *q = end;
    while (a >= 100) {
        unsigned r = (unsigned)(a % 100);
        a /= 100;
        q -= 2;
        memcpy(q, pairs + 2 * r, 2);
    }
    if (a >= 10) {
        q -= 2;
        memcpy(q, pairs + 2 * a, 2);
    } else {
        *--q = (char)('0' + a);
    }
    return q;
}

/* Below this an integer is written as its digits, as jw_num() writes the
 * double it converts to (exactly: it is below 2^53). */
#define JW_INT_MAX 1000000000000000ULL /* 1e15 */

/* A value that is not an integer (6.2, 0.5, 79.81) as jw_num() writes it,
 * without snprintf and strtod, when it is a decimal of at most six
 * fraction digits between 0.001 and 1e9; 0 (nothing written) otherwise.
 *
 * Why it is what "%.15g" writes: if M / 10^k (M an integer below 1e15, k
 * <= 6, both exact doubles) divides to exactly |d| (a division is
 * correctly rounded), then |d| is the double nearest to the decimal
 * x = M / 10^k, so |d - x| <= 2^-53 |d|.  x has at most 15 significant
 * digits and the 15-digit decimals around it are 10^-14 |x| or more apart,
 * so rounding |d| to 15 digits gives x, which reads back as d (so %.17g
 * is not needed) and, as 0.001 <= x < 1e15, "%g" writes in fixed
 * notation with the trailing zeros dropped. */
static size_t short_decimal(double d, char *out)
{
#if FLT_EVAL_METHOD == 0 /* no extra precision to compare in */
    static const double p10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6};
    static const unsigned long long u10[] = {1,      10,      100,    1000,
                                             10000,  100000,  1000000};
    double a = fabs(d);
    if (!(a >= 1e-3 && a < 1e9))
        return 0;
    for (int k = 1; k <= 6; k++) {
        /* any integer near a * 10^k will do: the division decides */
        unsigned long long v = (unsigned long long)(a * p10[k] + 0.5);
        if ((double)v / p10[k] != a)
            continue;
        unsigned long long frac = v % u10[k];
        char buf[40], *e = buf + sizeof buf, *q = e;
        /* the fraction, k digits with its leading zeros, less its
         * trailing ones (the first k that divides back leaves none, or
         * k - 1 would have: dropping them is insurance) */
        int digits = k;
        while (frac % 10 == 0 && digits > 0) {
            frac /= 10;
            digits--;
        }
        for (int j = 0; j < digits; j++, frac /= 10)
            *--q = (char)('0' + frac % 10);
        if (digits)
            *--q = '.';
        q = u64_digits(q, v / u10[k]);
        if (d < 0)
            *--q = '-';
        size_t n = (size_t)(e - q);
        memcpy(out, q, n);
        return n;
    }
#else
    (void)d, (void)out;
#endif
    return 0;
}

/* Shortest of %.15g / %.17g that reads back exactly (as cJSON does), so
 * 79.81 prints as 79.81. */
static void jw_num(jw *w, double d)
{
    char b[32];
    jw_sep(w);
    if (!isfinite(d)) {
        jw_lit(w, "null");
        return;
    }
    /* the range test first: converting a double beyond long long's range
     * is undefined behaviour (a rule with scale: 1e30, UBSan) */
    if (fabs(d) < 1e15 && d == (double)(long long)d) {
        /* "%lld" by hand: snprintf was a tenth of the writer's time */
        long long v = (long long)d;
        char *e = b + sizeof b;
        char *q = u64_digits(e, v < 0 ? 0 - (unsigned long long)v
                                      : (unsigned long long)v);
        if (v < 0)
            *--q = '-';
        jw_raw(w, q, (size_t)(e - q));
        return;
    }
    size_t n = short_decimal(d, b);
    if (n) {
        jw_raw(w, b, n);
        return;
    }
    snprintf(b, sizeof b, "%.15g", d);
    if (strtod(b, NULL) != d)
        snprintf(b, sizeof b, "%.17g", d);
    jw_lit(w, b);
}

/* An unsigned integer, as jw_num((double)v) writes it. */
static void jw_uint(jw *w, unsigned long long v)
{
    if (v >= JW_INT_MAX) {
        jw_num(w, (double)v);
        return;
    }
    char b[24], *e = b + sizeof b, *q = u64_digits(e, v);
    jw_sep(w);
    jw_raw(w, q, (size_t)(e - q));
}

/* [a,b], in one write */
static void jw_span(jw *w, size_t a, size_t b)
{
    if (a >= JW_INT_MAX || b >= JW_INT_MAX) {
        jw_open(w, '[');
        jw_uint(w, a);
        jw_uint(w, b);
        jw_close(w, ']');
        return;
    }
    char buf[48], *e = buf + sizeof buf;
    char *q = e;
    *--q = ']';
    q = u64_digits(q, b);
    *--q = ',';
    q = u64_digits(q, a);
    *--q = '[';
    jw_sep(w);
    jw_raw(w, q, (size_t)(e - q));
}

/* ---- records ------------------------------------------------------------- */

static void rule(jw *w, const char *r, unsigned flags)
{
    if ((flags & ZC_JSON_EXPLAIN) && r) {
        jw_key(w, "rule");
        jw_str(w, r);
    }
}

static void units(jw *w, const zc_unit *u, size_t n)
{
    jw_open(w, '[');
    for (size_t i = 0; i < n; i++)
        jw_zstr(w, u[i].name);
    jw_close(w, ']');
}

static void assignment(jw *w, const zc_assignment *a, unsigned flags)
{
    jw_open(w, '{');
    jw_key(w, "lead");
    units(w, a->lead, a->n_lead);
    jw_key(w, "responsible");
    units(w, a->responsible, a->n_responsible);
    jw_key(w, "cooperating");
    units(w, a->cooperating, a->n_cooperating);
    jw_key(w, "text");
    jw_zstr(w, a->text);
    jw_key(w, "span");
    jw_span(w, a->span.start, a->span.end);
    jw_key(w, "covers");
    jw_span(w, a->covers.start, a->covers.end);
    rule(w, a->rule, flags);
    jw_close(w, '}');
}

static void deadline(jw *w, const zc_deadline *d, unsigned flags)
{
    jw_open(w, '{');
    jw_key(w, "text");
    jw_zstr(w, d->text);
    jw_key(w, "date");
    jw_str(w, d->date[0] ? d->date : NULL);
    if (d->date_from[0]) {
        jw_key(w, "date_from");
        jw_str(w, d->date_from);
    }
    jw_key(w, "kind");
    jw_str(w, d->kind);
    if (d->amount_unit) {
        jw_key(w, "amount");
        jw_num(w, d->amount);
        jw_key(w, "amount_unit");
        jw_str(w, d->amount_unit);
    }
    jw_key(w, "span");
    jw_span(w, d->span.start, d->span.end);
    rule(w, d->rule, flags);
    jw_close(w, '}');
}

static void target(jw *w, const zc_target *t, unsigned flags)
{
    jw_open(w, '{');
    jw_key(w, "text");
    jw_zstr(w, t->text);
    jw_key(w, "value");
    jw_num(w, t->value);
    if (t->value_max != t->value) {
        jw_key(w, "value_max");
        jw_num(w, t->value_max);
    }
    jw_key(w, "unit");
    jw_str(w, t->unit);
    jw_key(w, "op");
    jw_str(w, t->op);
    jw_key(w, "metric");
    if (t->metric.ptr)
        jw_zstr(w, t->metric);
    else
        jw_str(w, "");
    jw_key(w, "kind");
    jw_str(w, t->kind);
    jw_key(w, "span");
    jw_span(w, t->span.start, t->span.end);
    rule(w, t->rule, flags);
    jw_close(w, '}');
}

static void quantity(jw *w, const zc_quantity *q, unsigned flags)
{
    jw_open(w, '{');
    jw_key(w, "text");
    jw_zstr(w, q->text);
    jw_key(w, "value");
    jw_num(w, q->value);
    jw_key(w, "unit");
    jw_zstr(w, q->unit);
    jw_key(w, "op");
    jw_str(w, q->op);
    jw_key(w, "span");
    jw_span(w, q->span.start, q->span.end);
    rule(w, q->rule, flags);
    jw_close(w, '}');
}

/* What section() writes for five empty arrays (a key, as jw_qkey() takes
 * it). */
#define EMPTY_ARRAYS                                                       \
    ",\"items\":[],\"assignments\":[],\"deadlines\":[],\"targets\":[],"     \
    "\"quantities\":[]"

static void section(jw *w, const zc_section *s, unsigned flags,
                    textcache *tc)
{
    jw_open(w, '{');
    jw_key(w, "id");
    jw_str(w, s->id);
    if (s->parent) {
        jw_key(w, "parent");
        jw_str(w, s->parent);
    }
    jw_key(w, "level");
    jw_uint(w, s->level);
    if (s->level) {
        jw_key(w, "number");
        jw_uint(w, s->number);
        jw_key(w, "marker");
        jw_zstr(w, s->marker);
        jw_key(w, "style");
        jw_str(w, s->style);
    }
    jw_key(w, "heading");
    jw_zstr(w, s->heading);
    jw_key(w, "span");
    jw_span(w, s->start, s->end);
    if (!(flags & ZC_JSON_NO_TEXT)) {
        jw_key(w, "text");
        section_text(w, s, tc);
    }
    if (s->truncated) {
        jw_key(w, "truncated");
        jw_sep(w);
        jw_lit(w, "true");
    }
    /* most sections have nothing in their arrays */
    if (!s->n_items && !s->n_assignments && !s->n_deadlines &&
        !s->n_targets && !s->n_quantities) {
        jw_qkey(w, EMPTY_ARRAYS, sizeof EMPTY_ARRAYS - 1);
        w->comma = true;
        jw_close(w, '}');
        return;
    }
    jw_key(w, "items");
    jw_open(w, '[');
    for (size_t i = 0; i < s->n_items; i++) {
        jw_open(w, '{');
        jw_key(w, "marker");
        jw_zstr(w, s->items[i].marker);
        jw_key(w, "number");
        jw_uint(w, s->items[i].number);
        jw_key(w, "span");
        jw_span(w, s->items[i].span.start, s->items[i].span.end);
        jw_close(w, '}');
    }
    jw_close(w, ']');
    jw_key(w, "assignments");
    jw_open(w, '[');
    for (size_t i = 0; i < s->n_assignments; i++)
        assignment(w, &s->assignments[i], flags);
    jw_close(w, ']');
    jw_key(w, "deadlines");
    jw_open(w, '[');
    for (size_t i = 0; i < s->n_deadlines; i++)
        deadline(w, &s->deadlines[i], flags);
    jw_close(w, ']');
    jw_key(w, "targets");
    jw_open(w, '[');
    for (size_t i = 0; i < s->n_targets; i++)
        target(w, &s->targets[i], flags);
    jw_close(w, ']');
    jw_key(w, "quantities");
    jw_open(w, '[');
    for (size_t i = 0; i < s->n_quantities; i++)
        quantity(w, &s->quantities[i], flags);
    jw_close(w, ']');
    jw_close(w, '}');
}

static void document(jw *w, const zc_document *d)
{
    jw_open(w, '{');
    jw_key(w, "title");
    jw_str(w, d->title);
    jw_key(w, "wrapper_title");
    jw_str(w, d->wrapper_title);
    jw_key(w, "doc_number");
    jw_str(w, d->doc_number);
    jw_key(w, "index_number");
    jw_str(w, d->index_number);
    jw_key(w, "issuer");
    jw_str(w, d->issuer);
    jw_key(w, "issue_date");
    jw_str(w, d->issue_date);
    jw_key(w, "publish_date");
    jw_str(w, d->publish_date);
    jw_key(w, "recipients");
    jw_open(w, '[');
    for (size_t i = 0; i < d->n_recipients; i++)
        jw_str(w, d->recipients[i]);
    jw_close(w, ']');
    jw_key(w, "year");
    if (d->year)
        jw_num(w, d->year);
    else
        jw_str(w, NULL);
    jw_close(w, '}');
}

/* Render into memory and parse: the cJSON entry points. */
static cJSON *reparse(jw *w)
{
    cJSON *j = w->oom ? NULL : cJSON_ParseWithLength(w->buf, w->len);
    free(w->buf);
    return j;
}

cJSON *zc_section_to_json(const zc_section *s, unsigned flags)
{
    jw w = {0};
    section(&w, s, flags, NULL);
    return reparse(&w);
}

cJSON *zc_document_to_json(const zc_document *d)
{
    jw w = {0};
    document(&w, d);
    return reparse(&w);
}

/* ---- the writer ------------------------------------------------------------ */

struct zc_json_writer {
    FILE *out;
    unsigned flags;
    char *path, *format;
    jw w;             /* compact output, streamed to `out` (or, with
                         ZC_JSON_PRETTY, kept whole for reformatting) */
    bool head_written;
    bool doc_seen;
    jw warnings;      /* the "warnings" array, kept until the end     */
    textcache text;   /* the last section text escaped                */
};

zc_json_writer *zc_json_writer_new(FILE *out, unsigned flags)
{
    zc_json_writer *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->out = out;
    w->flags = flags;
    return w;
}

static void clear_doc(zc_json_writer *w, bool release)
{
    free(w->path);
    free(w->format);
    w->path = w->format = NULL;
    jw_clear(&w->w, release);
    jw_clear(&w->warnings, release);
    tc_clear(&w->text, release);
    w->head_written = w->doc_seen = false;
}

void zc_json_writer_free(zc_json_writer *w)
{
    if (!w)
        return;
    clear_doc(w, true);
    free(w);
}

static char *dup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

zc_status zc_json_writer_begin(zc_json_writer *w, const char *path,
                               const char *format)
{
    clear_doc(w, false);
    w->path = dup(path);
    w->format = dup(format ? format : "text");
    w->w.out = (w->flags & ZC_JSON_PRETTY) ? NULL : w->out;
    /* the callbacks take what a parser delivers (extract_json.h) */
    w->w.parsed_text = true;
    jw_set_room(&w->w);
    if ((path && !w->path) || !w->format)
        return ZC_ERR_NOMEM;
    jw_open(&w->warnings, '[');
    return ZC_OK;
}

static void write_head(zc_json_writer *w, const zc_document *d)
{
    if (w->head_written)
        return;
    w->head_written = true;
    jw_open(&w->w, '{');
    jw_key(&w->w, "schema");
    jw_str(&w->w, "zhengce/1");
    jw_key(&w->w, "document");
    if (d)
        document(&w->w, d);
    else
        jw_str(&w->w, NULL);
    jw_key(&w->w, "sections");
    jw_open(&w->w, '[');
}

static int on_document(const zc_document *d, void *ud)
{
    zc_json_writer *w = ud;
    tc_clear(&w->text, false); /* a new document: new text */
    write_head(w, d);
    return w->w.oom;
}

static int on_section(const zc_section *s, void *ud)
{
    zc_json_writer *w = ud;
    write_head(w, NULL);
    section(&w->w, s, w->flags, &w->text);
    return w->w.oom;
}

static int on_warning(const zc_warning *x, void *ud)
{
    zc_json_writer *w = ud;
    jw *a = &w->warnings;
    jw_open(a, '{');
    jw_key(a, "code");
    jw_str(a, x->code);
    jw_key(a, "offset");
    jw_uint(a, x->offset);
    jw_key(a, "message");
    jw_str(a, x->message);
    jw_close(a, '}');
    return a->oom;
}

void zc_json_writer_callbacks(zc_json_writer *w, zc_callbacks *cb)
{
    memset(cb, 0, sizeof *cb);
    cb->document = on_document;
    cb->section = on_section;
    cb->warning = on_warning;
    cb->ud = w;
}

zc_status zc_json_writer_end(zc_json_writer *w, const zc_parser *p,
                             const char *error)
{
    jw *o = &w->w;
    write_head(w, NULL);
    jw_close(o, ']'); /* sections */
    zc_stats st;
    zc_parser_stats(p, &st);
    char sha[65];
    zc_parser_sha256(p, sha);
    jw_key(o, "source");
    jw_open(o, '{');
    jw_key(o, "path");
    jw_str(o, w->path);
    jw_key(o, "bytes");
    jw_uint(o, st.input_bytes);
    jw_key(o, "sha256");
    jw_str(o, sha);
    jw_key(o, "encoding");
    jw_str(o, zc_parser_encoding(p));
    jw_key(o, "format");
    jw_str(o, zc_parser_format(p)); /* known only now: html.c sniffs */
    jw_close(o, '}');
    jw_close(&w->warnings, ']');
    jw_key(o, "warnings");
    jw_sep(o);
    jw_raw(o, w->warnings.buf, w->warnings.len);
    jw_key(o, "stats");
    jw_open(o, '{');
    jw_key(o, "decoded_bytes");
    jw_uint(o, st.decoded_bytes);
    jw_key(o, "replacements");
    jw_uint(o, st.replacements);
    jw_key(o, "sections");
    jw_uint(o, st.sections);
    jw_key(o, "warnings");
    jw_uint(o, st.warnings);
    jw_close(o, '}');
    if (error) {
        jw_key(o, "error");
        jw_str(o, error);
    }
    jw_close(o, '}');
    bool bad = o->oom || w->warnings.oom;
    if (w->flags & ZC_JSON_PRETTY) {
        cJSON *j = bad ? NULL : cJSON_ParseWithLength(o->buf, o->len);
        char *s = j ? cJSON_Print(j) : NULL;
        if (!s || fputs(s, w->out) == EOF || fputc('\n', w->out) == EOF)
            bad = true;
        free(s);
        cJSON_Delete(j);
    } else {
        jw_raw(o, "\n", 1);
        jw_flush(o);
        bad = bad || o->oom;
    }
    clear_doc(w, false);
    if (fflush(w->out) == EOF)
        bad = true;
    return bad ? ZC_ERR_IO : ZC_OK;
}
