/*
 * decode.c - input bytes to decoded UTF-8: the first step of the front end
 * (decode -> html -> clean, see parser.c).
 *
 * Two steps.  Bytes in another encoding (GB18030, UTF-16) go through
 * iconv to UTF-8.  Then the UTF-8 is cleaned the way cmark cleans its
 * input: the BOM is dropped, CR LF and lone CR become LF (also when the CR
 * ends one chunk and the LF starts the next), and every invalid sequence
 * or NUL becomes U+FFFD with a warning giving its input offset.  An
 * incomplete sequence at the end of a chunk is carried into the next one,
 * for UTF-8 here and for the other encodings in `hold`, so the output does
 * not depend on how the input was cut.
 *
 * Invalid UTF-8 is replaced the way WHATWG and Unicode (§3.9, "maximal
 * subpart") recommend: one U+FFFD for the longest prefix of a valid
 * sequence (E4 B8 followed by "A" is one U+FFFD, then "A"), one per byte
 * otherwise.  A sequence cut by the end of the input is one U+FFFD.
 *
 * DETECTION (encoding "auto")
 *
 *   The first 4 KiB (or the whole input, if shorter) are held back and
 *   looked at once (with a forced encoding, only as long as they could be
 *   the start of a binary signature, so text streams out at once):
 *     1. a known binary signature (PNG, ZIP/.docx, PDF, OLE/.doc, GIF,
 *        JPEG, gzip, 7z, RAR, ELF, TIFF, WebP) -> binary input: a warning
 *        "binary-input" and no text at all (also with a forced encoding);
 *     2. a byte-order mark: EF BB BF UTF-8, FF FE UTF-16LE, FE FF UTF-16BE,
 *        84 31 95 33 GB18030;
 *     3. no BOM, but NUL bytes at odd offsets only (or mostly): UTF-16LE;
 *        at even offsets: UTF-16BE (ASCII-heavy UTF-16 saved without BOM);
 *     4. more than 1 byte in 8 neither text in UTF-8 nor in GB18030
 *        (control bytes, invalid sequences; NUL bytes left out, so
 *        NUL-padded text stays text) -> binary input;
 *     5. only ASCII so far: UTF-8 and GB18030 agree on it, so it is
 *        passed on, and the choice waits for the first byte >= 0x80 and
 *        the 4 KiB that follow it (a saved page often has a long ASCII
 *        <head> before a GBK body);
 *     6. otherwise the sample is scored: the encoding with fewer invalid
 *        bytes wins, UTF-8 on a tie; text valid in both is GB18030 only
 *        when its UTF-8 reading is mostly 2-byte sequences (Latin, Greek,
 *        Cyrillic ... rather than CJK, which is 3 bytes in UTF-8, or the
 *        Latin letters of pinyin): short GBK strings such as 通知
 *        (CD A8 D6 AA) are also valid UTF-8.
 *
 * MEMORY
 *
 *   Bounded by SNIFF_BYTES, CONV_CAP and the size of one feed() (which
 *   parser.c cuts into 64 KiB slices): output for a feed is at most three
 *   times its input (one U+FFFD per invalid byte).
 */
#include "internal.h"
#include "utf8_block.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SNIFF_BYTES 4096
#define CONV_CAP 16384 /* iconv output, flushed through the UTF-8 step */

typedef enum { ENC_AUTO, ENC_UTF8, ENC_GB18030, ENC_UTF16LE, ENC_UTF16BE } enc;

typedef enum {
    ST_START,   /* holding the first bytes                          */
    ST_ASCII,   /* ASCII so far: UTF-8 or GB18030 still open        */
    ST_DECIDED, /* encoding chosen                                  */
    ST_BINARY   /* not text: everything is dropped                  */
} dstate;

struct zc_decoder {
    const zc_mem *mem;
    enc forced, used;
    dstate st;
    /* ST_START: the first bytes; ST_ASCII: the sample from the first
     * non-ASCII byte; ST_DECIDED with iconv: an incomplete character */
    zc_buf hold;
    iconv_t cd;
    zc_buf conv;              /* iconv output awaiting the UTF-8 step  */
    unsigned char carry[8];   /* incomplete UTF-8 sequence             */
    size_t n_carry;
    size_t carry_offset;      /* input offset of carry[0]              */
    size_t in_offset;         /* input offset of the next byte a step
                                 takes (hold[0] when hold is pending)  */
    size_t data_start;        /* input offset after a UTF-16 BOM       */
    bool at_start, last_cr;
    size_t replacements;
    const char *binary;       /* what the binary input looked like     */
    zc_decode_warn_fn warn;
    void *ud;
};

static const char *enc_name(enc e)
{
    switch (e) {
    case ENC_GB18030: return "gb18030";
    case ENC_UTF16LE: return "utf-16le";
    case ENC_UTF16BE: return "utf-16be";
    default: return "utf-8";
    }
}

static enc parse_encoding(const char *name, bool *ok)
{
    *ok = true;
    if (!name || !*name || !strcasecmp(name, "auto"))
        return ENC_AUTO;
    if (!strcasecmp(name, "utf-8") || !strcasecmp(name, "utf8"))
        return ENC_UTF8;
    if (!strcasecmp(name, "gb18030") || !strcasecmp(name, "gbk") ||
        !strcasecmp(name, "gb2312") || !strcasecmp(name, "cp936"))
        return ENC_GB18030;
    if (!strcasecmp(name, "utf-16le") || !strcasecmp(name, "utf16le"))
        return ENC_UTF16LE;
    if (!strcasecmp(name, "utf-16be") || !strcasecmp(name, "utf16be"))
        return ENC_UTF16BE;
    *ok = false;
    return ENC_AUTO;
}

zc_decoder *zc_decoder_new(const zc_mem *mem, const char *encoding,
                           zc_decode_warn_fn warn, void *ud)
{
    bool ok;
    enc e = parse_encoding(encoding, &ok);
    if (!ok)
        return NULL;
    zc_decoder *d = zc_malloc(mem, sizeof *d);
    if (!d)
        return NULL;
    memset(d, 0, sizeof *d);
    d->mem = mem;
    d->forced = e;
    d->cd = (iconv_t)-1;
    d->warn = warn;
    d->ud = ud;
    zc_buf_init(&d->hold, mem);
    zc_buf_init(&d->conv, mem);
    if (!zc_buf_reserve(&d->hold, SNIFF_BYTES) ||
        !zc_buf_reserve(&d->conv, CONV_CAP)) {
        zc_decoder_free(d);
        return NULL;
    }
    zc_decoder_reset(d);
    return d;
}

void zc_decoder_reset(zc_decoder *d)
{
    if (d->cd != (iconv_t)-1)
        iconv_close(d->cd);
    d->cd = (iconv_t)-1;
    d->used = d->forced == ENC_AUTO ? ENC_UTF8 : d->forced;
    d->st = ST_START;
    d->hold.len = 0;
    d->conv.len = 0;
    d->n_carry = 0;
    d->carry_offset = d->in_offset = d->data_start = 0;
    d->at_start = true;
    d->last_cr = false;
    d->replacements = 0;
    d->binary = NULL;
}

void zc_decoder_free(zc_decoder *d)
{
    if (!d)
        return;
    if (d->cd != (iconv_t)-1)
        iconv_close(d->cd);
    zc_buf_free(&d->hold);
    zc_buf_free(&d->conv);
    zc_free(d->mem, d);
}

const char *zc_decoder_encoding(const zc_decoder *d)
{
    return enc_name(d->used);
}

const char *zc_decoder_binary(const zc_decoder *d)
{
    return d->binary;
}

size_t zc_decoder_replacements(const zc_decoder *d)
{
    return d->replacements;
}

/* ---- the UTF-8 step ----------------------------------------------------- */

static const char REPLACEMENT[] = "\xEF\xBF\xBD";

static bool replace(zc_decoder *d, zc_buf *out, size_t offset,
                    const char *code, const char *what)
{
    d->replacements++;
    if (d->warn) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s at byte %zu replaced by U+FFFD", what,
                 offset);
        d->warn(d->ud, code, offset, msg);
    }
    return zc_buf_append(out, REPLACEMENT, 3);
}

/* The sequence at s (n bytes available): returns its length (1-4) when
 * valid; 0 when invalid, with *bad = the length of the maximal subpart to
 * replace (>= 1); -1 when it is a valid prefix cut by the end of s. */
static int check_seq(const unsigned char *s, size_t n, size_t *bad)
{
    unsigned char c = s[0];
    int len;
    unsigned char lo = 0x80, hi = 0xBF;
    *bad = 1;
    if (c < 0x80)
        return 1;
    if (c < 0xC2)
        return 0;
    if (c < 0xE0) {
        len = 2;
    } else if (c < 0xF0) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c < 0xF5) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    for (int i = 1; i < len; i++) {
        if ((size_t)i >= n)
            return -1;
        unsigned char l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xBF;
        if (s[i] < l || s[i] > h) {
            *bad = (size_t)i;
            return 0;
        }
    }
    return len;
}

/* Is s[0, n) (n >= 3) a 3-byte sequence that is always valid: lead byte
 * E1-EC or EE-EF (E0 could be overlong, ED a surrogate) and two
 * continuation bytes?  Most CJK text is nothing else. */
static inline bool plain3(const unsigned char *s)
{
    return s[0] >= 0xE1 && s[0] <= 0xEF && s[0] != 0xED &&
           (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80;
}

#ifdef __SSE2__
/* How far from s the text passes unchanged, as the byte loop in
 * utf8_run() would pass it, judged 32 bytes at a time over s[0, n):
 * ASCII other than CR and NUL, and 3-byte sequences with a lead byte
 * E1-EC or EE-EF and two continuation bytes.  Returns a character
 * boundary; the byte loop decides whatever follows.
 *
 * The blocks lie at fixed steps, not at character boundaries: a lead in
 * a block's last two bytes owes continuation bytes to the next (`owed`),
 * and the answer steps back over such a character when the next block
 * fails.  So no load waits for the test of the block before it. */
static size_t plain_blocks(const unsigned char *s, size_t n)
{
    /* as signed bytes: 80-BF are below -64, E1-EF are -31 to -17 */
    const __m128i m64 = _mm_set1_epi8(-64), m32 = _mm_set1_epi8(-32),
                  m16 = _mm_set1_epi8(-16), cr = _mm_set1_epi8('\r'),
                  nul = _mm_setzero_si128(), ed = _mm_set1_epi8((char)0xED);
    size_t i = 0, back = 0;
    uint32_t owed = 0;
    for (; n - i >= 32; i += 32) {
        const __m128i *p = (const __m128i *)(const void *)(s + i);
        __m128i x0 = _mm_loadu_si128(p), x1 = _mm_loadu_si128(p + 1);
        __m128i c0 = _mm_cmpgt_epi8(m64, x0), c1 = _mm_cmpgt_epi8(m64, x1);
        __m128i l0 = _mm_and_si128(_mm_cmpgt_epi8(x0, m32),
                                   _mm_cmpgt_epi8(m16, x0));
        __m128i l1 = _mm_and_si128(_mm_cmpgt_epi8(x1, m32),
                                   _mm_cmpgt_epi8(m16, x1));
        __m128i bad = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(x0, cr), _mm_cmpeq_epi8(x0, nul)),
            _mm_or_si128(_mm_cmpeq_epi8(x1, cr), _mm_cmpeq_epi8(x1, nul)));
        bad = _mm_or_si128(bad, _mm_or_si128(_mm_cmpeq_epi8(x0, ed),
                                             _mm_cmpeq_epi8(x1, ed)));
        uint32_t h = (uint32_t)_mm_movemask_epi8(x0) |
                     (uint32_t)_mm_movemask_epi8(x1) << 16;
        uint32_t l = (uint32_t)_mm_movemask_epi8(l0) |
                     (uint32_t)_mm_movemask_epi8(l1) << 16;
        uint32_t c = (uint32_t)_mm_movemask_epi8(c0) |
                     (uint32_t)_mm_movemask_epi8(c1) << 16;
        /* every byte above 7F a lead or a continuation (not E0, C0-DF,
         * F0-FF), every continuation byte one that a lead asks for */
        if (_mm_movemask_epi8(bad) || h != (l | c) ||
            c != ((l << 1) | (l << 2) | owed))
            break;
        owed = l >> 30 | l >> 31;
        back = l >> 31 ? 1 : l >> 30 ? 2 : 0;
    }
    return i - back;
}
#endif

/* Clean s[0, n): characters starting before `stop` are taken (one that
 * starts before it may end after it).  `off` is the input offset of s[0],
 * for warnings.  A valid prefix cut by the end of s goes into the carry
 * unless `final`.  *reached is where it stopped.
 *
 * `tail` NULL: everything goes to `out`.  Otherwise the last run of
 * unchanged bytes (usually nearly all of s) is not copied: it is
 * (*tail, *ntail), a stretch of s that follows what is in `out`. */
static zc_status utf8_run(zc_decoder *d, const unsigned char *s, size_t n,
                          size_t stop, bool final, zc_buf *out, size_t off,
                          size_t *reached, const unsigned char **tail,
                          size_t *ntail)
{
    size_t i = 0, run = 0, bad;
    int v;
#define FLUSH()                                                                \
    do {                                                                       \
        if (i > run && !zc_buf_append(out, s + run, i - run))                  \
            return ZC_ERR_NOMEM;                                               \
    } while (0)
    while (i < n && i < stop) {
        if (!d->at_start && !d->last_cr) {
            /* fast path: text that passes unchanged (printable ASCII,
             * tab, LF, other controls but CR and NUL, common 3-byte
             * sequences); the code below decides the rest */
            size_t lim = n < stop ? n : stop;
#ifdef __SSE2__
            i += plain_blocks(s + i, lim - i);
#endif
            while (lim - i >= ZC_BLOCK) {
                size_t step = zc_plain_block(s + i, true, '\r', 0, NULL);
                if (!step)
                    break;
                i += step;
            }
            while (i < lim) {
                unsigned char b = s[i];
                if (b < 0x80 && b != '\r' && b != 0)
                    i++;
                else if (n - i >= 3 && plain3(s + i))
                    i += 3;
                else
                    break;
            }
            if (i >= lim)
                break;
        }
        unsigned char c = s[i];
        if (d->at_start || d->last_cr) {
            if (d->last_cr) {
                d->last_cr = false;
                if (c == '\n') { /* CR LF: the CR already gave the LF */
                    FLUSH();
                    run = ++i;
                    continue;
                }
            }
            if (d->at_start) {
                if (c == 0xEF) {
                    v = check_seq(s + i, n - i, &bad);
                    if (v < 0 && !final)
                        goto incomplete; /* decide once it is whole */
                    if (v == 3 && s[i + 1] == 0xBB && s[i + 2] == 0xBF) {
                        /* U+FEFF before any text: a byte-order mark */
                        d->at_start = false;
                        FLUSH();
                        run = i += 3;
                        continue;
                    }
                }
                d->at_start = false;
            }
        }
        if (c >= 0x20 && c < 0x80) {
            i++;
            continue;
        }
        if (c < 0x20) {
            if (c == '\r' || c == 0) {
                FLUSH();
                if (c == '\r') {
                    if (!zc_buf_putc(out, '\n'))
                        return ZC_ERR_NOMEM;
                    d->last_cr = true;
                } else if (!replace(d, out, off + i, "nul-byte", "NUL byte")) {
                    return ZC_ERR_NOMEM;
                }
                run = ++i;
                continue;
            }
            i++; /* tab, LF and other controls are text */
            continue;
        }
        v = check_seq(s + i, n - i, &bad);
        if (v > 0) {
            i += (size_t)v;
            continue;
        }
        if (v < 0 && !final)
            goto incomplete;
        FLUSH();
        if (v < 0) {
            if (!replace(d, out, off + i, "truncated-utf8",
                         "incomplete UTF-8 sequence at the end of the input"))
                return ZC_ERR_NOMEM;
            run = i = n;
            break;
        }
        if (!replace(d, out, off + i, "invalid-utf8", "invalid UTF-8"))
            return ZC_ERR_NOMEM;
        run = i += bad;
    }
    if (tail && i > run) {
        *tail = s + run;
        *ntail = i - run;
    } else {
        FLUSH();
    }
    *reached = i;
    return ZC_OK;
incomplete:
    if (tail && i > run) {
        *tail = s + run;
        *ntail = i - run;
    } else {
        FLUSH();
    }
    memcpy(d->carry, s + i, n - i);
    d->n_carry = n - i;
    d->carry_offset = off + i;
    *reached = n;
    return ZC_OK;
#undef FLUSH
}

/* Run `n` bytes of (supposed) UTF-8 at input offset `off` through the
 * cleaning step, completing the carried sequence first.  `tail`: as for
 * utf8_run(), for str[0, n) only (never for the carry's copy). */
static zc_status utf8_step(zc_decoder *d, const char *str, size_t n,
                           bool final, zc_buf *out, size_t off,
                           const char **tail, size_t *ntail)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    zc_status st;
    if (d->n_carry) {
        /* a sequence is at most 4 bytes: 4 more complete or refute it */
        unsigned char tmp[12];
        size_t nc = d->n_carry, k = n < 4 ? n : 4, reached;
        memcpy(tmp, d->carry, nc);
        memcpy(tmp + nc, s, k);
        d->n_carry = 0;
        st = utf8_run(d, tmp, nc + k, nc, final && k == n, out,
                      d->carry_offset, &reached, NULL, NULL);
        if (st != ZC_OK)
            return st;
        i = reached - nc; /* <= k; all of it when carried again */
    }
    size_t reached;
    const unsigned char *t = NULL;
    size_t nt = 0;
    st = utf8_run(d, s + i, n - i, n - i, final, out, off + i, &reached,
                  tail ? &t : NULL, &nt);
    if (tail) {
        *tail = (const char *)t;
        *ntail = nt;
    }
    if (st == ZC_OK && final && d->n_carry) {
        /* only reachable when n == 0 (so there is no tail) */
        d->n_carry = 0;
        if (!replace(d, out, d->carry_offset, "truncated-utf8",
                     "incomplete UTF-8 sequence at the end of the input"))
            return ZC_ERR_NOMEM;
    }
    return st;
}

/* ---- the iconv step ----------------------------------------------------- */

static zc_status flush_conv(zc_decoder *d, zc_buf *out)
{
    zc_status st = ZC_OK;
    if (d->conv.len)
        st = utf8_step(d, d->conv.data, d->conv.len, false, out,
                       d->in_offset, NULL, NULL);
    d->conv.len = 0;
    return st;
}

/* Convert in[0, n) with iconv; no NUL character inside.  Returns the
 * bytes consumed in *used: all of them, or all but an incomplete
 * character at the end when !final. */
static zc_status iconv_span(zc_decoder *d, const char *in, size_t n,
                            bool final, zc_buf *out, size_t *used)
{
    size_t pos = 0;
    zc_status st;
    while (pos < n) {
        char *ip = (char *)in + pos;
        size_t il = n - pos;
        char *op = d->conv.data + d->conv.len;
        size_t ol = CONV_CAP - d->conv.len;
        size_t r = iconv(d->cd, &ip, &il, &op, &ol);
        int err = r == (size_t)-1 ? errno : 0;
        size_t took = (size_t)(ip - (in + pos));
        pos += took;
        d->in_offset += took;
        d->conv.len = (size_t)(op - d->conv.data);
        if (err == 0)
            break;
        if (err == E2BIG) {
            if ((st = flush_conv(d, out)) != ZC_OK)
                return st;
            continue;
        }
        if (err == EINVAL && !final)
            break; /* an incomplete character: wait for more bytes */
        if (err != EINVAL && err != EILSEQ)
            return ZC_ERR_IO;
        iconv(d->cd, NULL, NULL, NULL, NULL);
        if ((st = flush_conv(d, out)) != ZC_OK)
            return st;
        bool gb = d->used == ENC_GB18030;
        size_t skip = err == EINVAL ? n - pos : gb ? 1 : 2;
        if (skip > n - pos)
            skip = n - pos;
        if (!replace(d, out, d->in_offset,
                     err == EINVAL ? "truncated-encoding" : "invalid-encoding",
                     err == EINVAL ? "incomplete character"
                     : gb          ? "invalid GB18030 sequence"
                                   : "invalid UTF-16 code unit"))
            return ZC_ERR_NOMEM;
        pos += skip;
        d->in_offset += skip;
    }
    *used = pos;
    return flush_conv(d, out);
}

/* Offset in[0, n) of the first NUL character, n if none.  In GB18030 a
 * 0x00 byte is always a character of its own (no trail byte is 0x00); in
 * UTF-16 it is an aligned 00 00 unit. */
static size_t find_nul(const zc_decoder *d, const char *in, size_t n)
{
    if (d->used == ENC_GB18030) {
        const char *z = memchr(in, 0, n);
        return z ? (size_t)(z - in) : n;
    }
    size_t i = (d->in_offset - d->data_start) & 1; /* to a unit boundary */
    for (; i + 1 < n; i += 2)
        if (in[i] == 0 && in[i + 1] == 0)
            return i;
    return n;
}

/* Convert in[0, n), NUL characters replaced with their exact offset. */
static zc_status convert(zc_decoder *d, const char *in, size_t n, bool final,
                         zc_buf *out, size_t *consumed)
{
    size_t pos = 0;
    while (pos < n) {
        size_t end = pos + find_nul(d, in + pos, n - pos), used;
        /* a NUL ends whatever character was before it */
        zc_status st =
            iconv_span(d, in + pos, end - pos, final || end < n, out, &used);
        if (st != ZC_OK)
            return st;
        pos += used;
        if (pos < end)
            break; /* incomplete, not final */
        if (end < n) {
            size_t w = d->used == ENC_GB18030 ? 1 : 2;
            if (!replace(d, out, d->in_offset, "nul-byte", "NUL character"))
                return ZC_ERR_NOMEM;
            pos += w;
            d->in_offset += w;
        }
    }
    *consumed = pos;
    return ZC_OK;
}

/* Bytes in another encoding.  An incomplete character at the end of a
 * chunk waits in d->hold (at most 3 bytes) for the next one. */
static zc_status iconv_feed(zc_decoder *d, const char *s, size_t n,
                            bool final, zc_buf *out)
{
    size_t used;
    zc_status st;
    zc_buf *pend = &d->hold;
    if (pend->len) {
        /* complete the pending character: 8 more bytes always do */
        size_t old = pend->len, k = n < 8 ? n : 8;
        if (!zc_buf_append(pend, s, k))
            return ZC_ERR_NOMEM;
        st = convert(d, pend->data, pend->len, final && k == n, out, &used);
        if (st != ZC_OK)
            return st;
        if (k == n) {
            zc_buf_consume(pend, used);
            return ZC_OK;
        }
        pend->len = 0;
        s += used - old; /* used > old: see above */
        n -= used - old;
    }
    st = convert(d, s, n, final, out, &used);
    if (st != ZC_OK)
        return st;
    return zc_buf_append(pend, s + used, n - used) ? ZC_OK : ZC_ERR_NOMEM;
}

static zc_status step(zc_decoder *d, const char *s, size_t n, bool final,
                      zc_buf *out)
{
    if (d->used == ENC_UTF8) {
        size_t off = d->in_offset;
        d->in_offset += n;
        return utf8_step(d, s, n, final, out, off, NULL, NULL);
    }
    return iconv_feed(d, s, n, final, out);
}

/* ---- detection ---------------------------------------------------------- */

typedef struct {
    const char *magic;
    size_t len;
    const char *what;
} signature;

static const signature signatures[] = {
    {"\x89PNG\r\n\x1a\n", 8, "PNG image"},
    {"PK\x03\x04", 4, "ZIP archive: .docx, .xlsx, .odt or .zip"},
    {"PK\x05\x06", 4, "empty ZIP archive"},
    {"%PDF-", 5, "PDF document"},
    {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, "OLE file: .doc, .xls or .wps"},
    {"GIF87a", 6, "GIF image"},
    {"GIF89a", 6, "GIF image"},
    {"\xFF\xD8\xFF", 3, "JPEG image"},
    {"\x1F\x8B", 2, "gzip archive"},
    {"7z\xBC\xAF\x27\x1C", 6, "7z archive"},
    {"Rar!\x1A\x07", 6, "RAR archive"},
    {"\x7F" "ELF", 4, "ELF executable"},
    {"II*\0", 4, "TIFF image"},
    {"MM\0*", 4, "TIFF image"},
};

#define SIG_MAX 12

/* Could s[0, n) still grow into a signature?  (A forced encoding holds
 * back only that long, so text streams out at once.) */
static bool signature_prefix(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < sizeof signatures / sizeof signatures[0]; i++)
        if (n < signatures[i].len && !memcmp(s, signatures[i].magic, n))
            return true;
    if (n < 12 && !memcmp(s, "RIFF", n < 4 ? n : 4) &&
        (n <= 8 || !memcmp(s + 8, "WEBP", n - 8)))
        return true;
    return false;
}

static const char *binary_signature(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < sizeof signatures / sizeof signatures[0]; i++)
        if (n >= signatures[i].len &&
            !memcmp(s, signatures[i].magic, signatures[i].len))
            return signatures[i].what;
    if (n >= 12 && !memcmp(s, "RIFF", 4) && !memcmp(s + 8, "WEBP", 4))
        return "WebP image";
    return NULL;
}

/* Invalid UTF-8 bytes in s, and valid sequences: 2-byte ones for
 * U+0080-U+027F (Latin, IPA: pinyin's ā é ǚ), other 2-byte ones (Greek,
 * Cyrillic, Hebrew, Arabic ...), longer ones (CJK).  An incomplete
 * sequence at the end counts only when `final`. */
static size_t utf8_errors(const unsigned char *s, size_t n, bool final,
                          size_t *two, size_t *latin, size_t *longer)
{
    size_t i = 0, bad = 0, b;
    *two = *latin = *longer = 0;
    while (i < n) {
        size_t k3 = 0;
        size_t step = n - i >= ZC_BLOCK
                          ? zc_plain_block(s + i, true, 0, 0, &k3)
                          : 0;
        if (step) {
            *longer += k3;
            i += step;
            continue;
        }
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        if (n - i >= 3 && plain3(s + i)) {
            (*longer)++;
            i += 3;
            continue;
        }
        int v = check_seq(s + i, n - i, &b);
        if (v < 0) {
            bad += final;
            break;
        }
        if (v == 0) {
            bad++;
            i += b;
            continue;
        }
        if (v == 2 && s[i] <= 0xC9)
            (*latin)++;
        else if (v == 2)
            (*two)++;
        else
            (*longer)++;
        i += (size_t)v;
    }
    return bad;
}

/* Invalid GB18030 byte positions in s (resynchronising after each). */
static size_t gb18030_errors(const unsigned char *s, size_t n, bool final)
{
    size_t i = 0, bad = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c == 0x80 || c == 0xFF) {
            bad++;
            i++;
            continue;
        }
        if (i + 1 >= n) {
            bad += final;
            break;
        }
        unsigned char c2 = s[i + 1];
        if (c2 >= 0x30 && c2 <= 0x39) {
            if (i + 3 >= n) {
                bad += final;
                break;
            }
            if (s[i + 2] >= 0x81 && s[i + 2] <= 0xFE && s[i + 3] >= 0x30 &&
                s[i + 3] <= 0x39) {
                i += 4;
                continue;
            }
        } else if (c2 >= 0x40 && c2 <= 0xFE && c2 != 0x7F) {
            i += 2;
            continue;
        }
        bad++;
        i++;
    }
    return bad;
}

/* UTF-8 or GB18030 for a sample with bytes >= 0x80; *bad gets the
 * invalid bytes of the winner. */
static enc choose_text(const unsigned char *s, size_t n, bool final,
                       size_t *bad)
{
    size_t two, latin, longer;
    size_t u = utf8_errors(s, n, final, &two, &latin, &longer);
    if (u == 0 && two <= latin + longer) {
        *bad = 0; /* what the rules below give whatever GB18030 scores */
        return ENC_UTF8;
    }
    size_t g = gb18030_errors(s, n, final);
    if (u == 0 && g == 0 && two > latin + longer) {
        *bad = 0;
        return ENC_GB18030;
    }
    if (g < u) {
        *bad = g;
        return ENC_GB18030;
    }
    *bad = u;
    return ENC_UTF8;
}

static zc_status open_iconv(zc_decoder *d)
{
    const char *from = d->used == ENC_GB18030   ? "GB18030"
                       : d->used == ENC_UTF16LE ? "UTF-16LE"
                                                : "UTF-16BE";
    d->cd = iconv_open("UTF-8", from);
    return d->cd == (iconv_t)-1 ? ZC_ERR_IO : ZC_OK;
}

static void set_binary(zc_decoder *d, const char *what)
{
    d->st = ST_BINARY;
    d->binary = what;
    if (d->warn) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "binary input (%s), not a text or HTML notice: no text "
                 "extracted",
                 what);
        d->warn(d->ud, "binary-input", 0, msg);
    }
}

/* Look at the first bytes (d->hold) and choose.  Returns the number of
 * BOM bytes to skip. */
static size_t decide_start(zc_decoder *d, bool final)
{
    const unsigned char *s = (const unsigned char *)d->hold.data;
    size_t n = d->hold.len, skip = 0;
    const char *what = binary_signature(s, n);
    if (what) {
        set_binary(d, what);
        return 0;
    }
    d->st = ST_DECIDED;
    if (n >= 2 && s[0] == 0xFF && s[1] == 0xFE && d->forced == ENC_AUTO) {
        d->used = ENC_UTF16LE;
        skip = 2;
    } else if (n >= 2 && s[0] == 0xFE && s[1] == 0xFF &&
               d->forced == ENC_AUTO) {
        d->used = ENC_UTF16BE;
        skip = 2;
    } else if (d->forced != ENC_AUTO) {
        d->used = d->forced;
    } else if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        d->used = ENC_UTF8; /* the UTF-8 step drops the BOM */
    } else if (n >= 4 && !memcmp(s, "\x84\x31\x95\x33", 4)) {
        d->used = ENC_GB18030; /* iconv gives U+FEFF, dropped likewise */
    } else {
        size_t z_even = 0, z_odd = 0, nul = 0, ctrl = 0, high = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = s[i];
            if (c == 0) {
                nul++;
                if (i & 1)
                    z_odd++;
                else
                    z_even++;
            } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' &&
                       c != '\f' && c != '\v' && c != 0x1A && c != 0x1B) {
                ctrl++;
            } else if (c >= 0x80) {
                high++;
            }
        }
        size_t units = n / 2;
        if (n >= 8 && z_odd >= 2 && z_odd * 16 >= units &&
            z_odd >= 4 * z_even) {
            d->used = ENC_UTF16LE;
        } else if (n >= 8 && z_even >= 2 && z_even * 16 >= units &&
                   z_even >= 4 * z_odd) {
            d->used = ENC_UTF16BE;
        } else {
            size_t bad = 0;
            enc e = high ? choose_text(s, n, final, &bad) : ENC_UTF8;
            size_t text = n - nul;
            if (n > 0 && (text == 0 ? n >= 8 : (ctrl + bad) * 8 > text &&
                                                   text >= 8)) {
                set_binary(d, text == 0 ? "only NUL bytes"
                                        : "control bytes and invalid "
                                          "sequences");
                return 0;
            }
            d->used = e;
            if (!high && !final)
                d->st = ST_ASCII;
        }
    }
    if (d->used == ENC_UTF16LE || d->used == ENC_UTF16BE)
        d->data_start = skip;
    return skip;
}

/* ---- feeding ------------------------------------------------------------ */

/* Process held bytes, then the rest of the caller's chunk. */
static zc_status run_held(zc_decoder *d, size_t skip, const char *buf,
                          size_t len, bool final, zc_buf *out)
{
    zc_status st;
    d->in_offset += skip;
    if (d->used != ENC_UTF8 && d->cd == (iconv_t)-1 &&
        (st = open_iconv(d)) != ZC_OK)
        return st;
    /* the held bytes go through step() as a chunk of their own; step()
     * keeps its own pending bytes in d->hold, so move them out first */
    size_t n = d->hold.len - skip;
    if (n) {
        char tmp[SNIFF_BYTES];
        memcpy(tmp, d->hold.data + skip, n);
        d->hold.len = 0;
        if ((st = step(d, tmp, n, final && len == 0, out)) != ZC_OK)
            return st;
    } else {
        d->hold.len = 0;
    }
    if (len || final)
        return step(d, buf, len, final, out);
    return ZC_OK;
}

zc_status zc_decoder_feed(zc_decoder *d, const char *buf, size_t len,
                          bool final, zc_buf *out)
{
    size_t take;
    switch (d->st) {
    case ST_BINARY:
        d->in_offset += len;
        return ZC_OK;
    case ST_START:
        take = (d->forced == ENC_AUTO ? SNIFF_BYTES : SIG_MAX) - d->hold.len;
        if (take > len)
            take = len;
        if (!zc_buf_append(&d->hold, buf, take))
            return ZC_ERR_NOMEM;
        buf += take;
        len -= take;
        if (!final &&
            (d->forced == ENC_AUTO
                 ? d->hold.len < SNIFF_BYTES
                 : signature_prefix((const unsigned char *)d->hold.data,
                                    d->hold.len)))
            return ZC_OK;
        {
            size_t skip = decide_start(d, final && len == 0);
            if (d->st == ST_BINARY) {
                d->in_offset = d->hold.len + len;
                d->hold.len = 0;
                return ZC_OK;
            }
            if (d->st == ST_ASCII) {
                /* pass the ASCII on; the choice waits */
                zc_status st = utf8_step(d, d->hold.data, d->hold.len, false,
                                         out, d->in_offset, NULL, NULL);
                d->in_offset += d->hold.len;
                d->hold.len = 0;
                if (st != ZC_OK)
                    return st;
                return zc_decoder_feed(d, buf, len, final, out);
            }
            return run_held(d, skip, buf, len, final, out);
        }
    case ST_ASCII:
        if (d->hold.len == 0) {
            size_t k = 0;
            const unsigned char *u = (const unsigned char *)buf;
            while (k < len && u[k] < 0x80)
                k++;
            zc_status st = utf8_step(d, buf, k, final && k == len, out,
                                     d->in_offset, NULL, NULL);
            d->in_offset += k;
            if (st != ZC_OK || k == len)
                return st;
            buf += k;
            len -= k;
        }
        take = SNIFF_BYTES - d->hold.len;
        if (take > len)
            take = len;
        if (!zc_buf_append(&d->hold, buf, take))
            return ZC_ERR_NOMEM;
        buf += take;
        len -= take;
        if (d->hold.len < SNIFF_BYTES && !final)
            return ZC_OK;
        {
            size_t bad;
            d->used = choose_text((const unsigned char *)d->hold.data,
                                  d->hold.len, final && len == 0, &bad);
            d->st = ST_DECIDED;
            return run_held(d, 0, buf, len, final, out);
        }
    case ST_DECIDED:
        break;
    }
    return step(d, buf, len, final, out);
}

zc_status zc_decoder_feed_tail(zc_decoder *d, const char *buf, size_t len,
                               bool final, zc_buf *out, const char **tail,
                               size_t *ntail)
{
    *tail = NULL;
    *ntail = 0;
    /* UTF-8 once decided: the one state where the input reaches the
     * output byte for byte, and not through a buffer of ours */
    if (d->st == ST_DECIDED && d->used == ENC_UTF8) {
        size_t off = d->in_offset;
        d->in_offset += len;
        return utf8_step(d, buf, len, final, out, off, tail, ntail);
    }
    return zc_decoder_feed(d, buf, len, final, out);
}
