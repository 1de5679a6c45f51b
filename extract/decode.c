/*
 * decode.c - input bytes to the decoded text every offset refers to.
 *
 * Two steps.  First, bytes in another encoding (GB18030, UTF-16) go
 * through iconv to UTF-8.  Then the UTF-8 is cleaned the way cmark cleans
 * its input: the BOM is dropped, CR LF and lone CR become LF (also when the
 * CR ends one chunk and the LF starts the next), and every invalid byte or
 * NUL becomes U+FFFD with a warning giving its input offset.  An incomplete
 * sequence at the end of a chunk is carried into the next one.
 *
 * With encoding "auto" the first bytes decide: a BOM names the encoding;
 * otherwise the first 4 KiB are sniffed: valid UTF-8 stays UTF-8, else
 * text that GB18030 decodes cleanly is GB18030, else it is read as UTF-8
 * with replacements (a binary file gives warnings, not a crash).
 */
#include "internal.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SNIFF_BYTES 4096

typedef enum { ENC_AUTO, ENC_UTF8, ENC_GB18030, ENC_UTF16LE, ENC_UTF16BE } enc;

struct zc_decoder {
    const zc_mem *mem;
    enc forced, used;
    bool decided;
    zc_buf sniff;          /* bytes held back while sniffing           */
    iconv_t cd;
    zc_buf conv;           /* iconv output awaiting the UTF-8 step     */
    char carry[8];         /* incomplete sequence from the last chunk  */
    size_t n_carry;
    size_t carry_offset;   /* input offset of carry[0]                 */
    size_t in_offset;      /* input bytes consumed so far              */
    size_t utf8_offset;    /* bytes through the UTF-8 step (its input) */
    bool at_start, last_cr;
    size_t replacements;
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
    zc_buf_init(&d->sniff, mem);
    zc_buf_init(&d->conv, mem);
    zc_decoder_reset(d);
    return d;
}

void zc_decoder_reset(zc_decoder *d)
{
    if (d->cd != (iconv_t)-1)
        iconv_close(d->cd);
    d->cd = (iconv_t)-1;
    d->used = d->forced == ENC_AUTO ? ENC_UTF8 : d->forced;
    d->decided = d->forced != ENC_AUTO;
    d->sniff.len = 0;
    d->conv.len = 0;
    d->n_carry = 0;
    d->carry_offset = d->in_offset = d->utf8_offset = 0;
    d->at_start = true;
    d->last_cr = false;
    d->replacements = 0;
}

void zc_decoder_free(zc_decoder *d)
{
    if (!d)
        return;
    if (d->cd != (iconv_t)-1)
        iconv_close(d->cd);
    zc_buf_free(&d->sniff);
    zc_buf_free(&d->conv);
    zc_free(d->mem, d);
}

const char *zc_decoder_encoding(const zc_decoder *d)
{
    return enc_name(d->used);
}

size_t zc_decoder_replacements(const zc_decoder *d)
{
    return d->replacements;
}

/* ---- the UTF-8 step ---------------------------------------------------- */

static const char REPLACEMENT[] = "\xEF\xBF\xBD";

static bool replace(zc_decoder *d, zc_buf *out, size_t offset,
                    const char *code, const char *what)
{
    d->replacements++;
    if (d->warn) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s at byte %zu replaced by U+FFFD", what,
                 offset);
        d->warn(d->ud, code, offset, msg);
    }
    return zc_buf_append(out, REPLACEMENT, 3);
}

/* Length of a valid UTF-8 sequence at s (n bytes), 0 if invalid, or -1 if
 * it is a valid prefix that needs more bytes. */
static int valid_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    int len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80)
        return 1;
    if (c < 0xC2)
        return 0;
    if (c < 0xE0)
        len = 2;
    else if (c < 0xF0) {
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
    } else
        return 0;
    for (int i = 1; i < len; i++) {
        if ((size_t)i >= n)
            return -1;
        unsigned char lim_lo = i == 1 ? lo : 0x80, lim_hi = i == 1 ? hi : 0xBF;
        if (s[i] < lim_lo || s[i] > lim_hi)
            return 0;
    }
    return len;
}

/* Run `len` bytes of (supposed) UTF-8 through the cleaning step.  `base`
 * is the input offset of s[0] for warnings, or SIZE_MAX when the bytes
 * came out of iconv and no input offset is known per byte. */
static zc_status utf8_step(zc_decoder *d, const char *str, size_t len,
                           bool final, zc_buf *out)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    /* Complete a sequence carried over from the last chunk: at most 3
     * bytes, so a small scratch copy is enough. */
    while (d->n_carry) {
        unsigned char tmp[8];
        size_t take = len - i < 4 ? len - i : 4;
        memcpy(tmp, d->carry, d->n_carry);
        memcpy(tmp + d->n_carry, s + i, take);
        int v = valid_seq(tmp, d->n_carry + take);
        if (v < 0) {
            if (!final) { /* still incomplete: keep collecting */
                memcpy(d->carry + d->n_carry, s + i, take);
                d->n_carry += take;
                i += take;
                break;
            }
            v = 0;
        }
        if (v > 0) {
            bool bom = d->at_start && v == 3 && tmp[0] == 0xEF &&
                       tmp[1] == 0xBB && tmp[2] == 0xBF;
            d->at_start = false;
            if (!bom && !zc_buf_append(out, tmp, (size_t)v))
                return ZC_ERR_NOMEM;
            i += (size_t)v - d->n_carry;
            d->n_carry = 0;
        } else {
            if (!replace(d, out, d->carry_offset, "invalid-utf8",
                         "invalid UTF-8 byte"))
                return ZC_ERR_NOMEM;
            /* the bytes after the bad one are read again */
            memmove(d->carry, d->carry + 1, --d->n_carry);
            d->carry_offset++;
            if (d->n_carry && valid_seq((unsigned char *)d->carry,
                                        d->n_carry) == 0)
                continue;
            if (d->n_carry) {
                /* a new lead byte: let the loop above decide it */
                continue;
            }
        }
    }
    size_t run = i; /* start of a run of plain bytes to copy */
    while (i < len) {
        unsigned char c = s[i];
        if (d->at_start) {
            /* U+FEFF before any text is a byte-order mark, not text */
            if (c == 0xEF && valid_seq(s + i, len - i) == 3 &&
                (unsigned char)s[i + 1] == 0xBB &&
                (unsigned char)s[i + 2] == 0xBF) {
                run = i += 3;
                d->at_start = false;
                continue;
            }
            if (c != 0xEF || len - i >= 3)
                d->at_start = false;
        }
        if (c >= 0x20 && c < 0x80) {
            i++;
            continue;
        }
        if (c == '\n' && d->last_cr) {
            /* CR LF: the CR already produced the LF */
            if (!zc_buf_append(out, s + run, i - run))
                return ZC_ERR_NOMEM;
            d->last_cr = false;
            run = ++i;
            continue;
        }
        d->last_cr = false;
        if (c < 0x80) {
            if (c == '\r' || c == 0) {
                if (!zc_buf_append(out, s + run, i - run))
                    return ZC_ERR_NOMEM;
                if (c == '\r') {
                    if (!zc_buf_putc(out, '\n'))
                        return ZC_ERR_NOMEM;
                    d->last_cr = true;
                } else if (!replace(d, out, d->utf8_offset + i, "nul-byte",
                                    "NUL byte")) {
                    return ZC_ERR_NOMEM;
                }
                run = ++i;
                continue;
            }
            i++;
            continue;
        }
        int v = valid_seq(s + i, len - i);
        if (v > 0) {
            i += (size_t)v;
            continue;
        }
        if (!zc_buf_append(out, s + run, i - run))
            return ZC_ERR_NOMEM;
        if (v < 0 && !final) {
            memcpy(d->carry, s + i, len - i);
            d->n_carry = len - i;
            d->carry_offset = d->utf8_offset + i;
            i = run = len;
            break;
        }
        if (!replace(d, out, d->utf8_offset + i, "invalid-utf8",
                     "invalid UTF-8 byte"))
            return ZC_ERR_NOMEM;
        run = ++i;
    }
    if (!zc_buf_append(out, s + run, i - run))
        return ZC_ERR_NOMEM;
    d->utf8_offset += len;
    if (final && d->n_carry) {
        if (!replace(d, out, d->carry_offset, "truncated-utf8",
                     "incomplete UTF-8 sequence at end of input"))
            return ZC_ERR_NOMEM;
        d->n_carry = 0;
    }
    return ZC_OK;
}

/* ---- the iconv step ---------------------------------------------------- */

/* Bytes in another encoding: iconv into d->conv, then the UTF-8 step.
 * An incomplete character at the end of a chunk stays in d->sniff (reused
 * as the pending-input buffer) until the next chunk completes it. */
static zc_status iconv_step(zc_decoder *d, const char *buf, size_t len,
                            bool final, zc_buf *out)
{
    zc_buf *pend = &d->sniff;
    if (!zc_buf_append(pend, buf, len))
        return ZC_ERR_NOMEM;
    size_t pos = 0;
    d->conv.len = 0;
    while (pos < pend->len) {
        char *in = pend->data + pos;
        size_t in_left = pend->len - pos;
        if (!zc_buf_reserve(&d->conv, in_left * 2 + 16))
            return ZC_ERR_NOMEM;
        char *o = d->conv.data + d->conv.len;
        size_t o_left = d->conv.cap - d->conv.len - 1;
        size_t r = iconv(d->cd, &in, &in_left, &o, &o_left);
        int err = r == (size_t)-1 ? errno : 0;
        d->conv.len = (size_t)(o - d->conv.data);
        size_t used = (size_t)(in - (pend->data + pos));
        pos += used;
        d->in_offset += used;
        if (err == 0 || err == E2BIG)
            continue;
        if (err == EINVAL && !final)
            break; /* incomplete character: wait for more bytes */
        if (err != EINVAL && err != EILSEQ)
            return ZC_ERR_IO;
        zc_status st = utf8_step(d, d->conv.data, d->conv.len, false, out);
        if (st != ZC_OK)
            return st;
        d->conv.len = 0;
        if (!replace(d, out, d->in_offset,
                     err == EINVAL ? "truncated-encoding" : "invalid-encoding",
                     err == EINVAL ? "incomplete character"
                     : d->used == ENC_GB18030 ? "invalid GB18030 byte"
                                              : "invalid UTF-16 unit"))
            return ZC_ERR_NOMEM;
        size_t skip = d->used == ENC_GB18030 ? 1 : 2;
        if (skip > pend->len - pos)
            skip = pend->len - pos;
        pos += skip;
        d->in_offset += skip;
    }
    zc_buf_consume(pend, pos);
    zc_status st = utf8_step(d, d->conv.data, d->conv.len, final, out);
    d->conv.len = 0;
    return st;
}

/* ---- detection ---------------------------------------------------------- */

static bool valid_utf8_prefix(const unsigned char *s, size_t n, bool final)
{
    size_t i = 0;
    while (i < n) {
        int v = valid_seq(s + i, n - i);
        if (v < 0)
            return !final;
        if (v == 0)
            return false;
        i += (size_t)v;
    }
    return true;
}

static bool valid_gb18030(const unsigned char *s, size_t n, bool final)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c == 0x80 || c == 0xFF)
            return false;
        if (i + 1 >= n)
            return !final;
        unsigned char c2 = s[i + 1];
        if (c2 >= 0x30 && c2 <= 0x39) {
            if (i + 3 >= n)
                return !final;
            if (s[i + 2] < 0x81 || s[i + 2] > 0xFE || s[i + 3] < 0x30 ||
                s[i + 3] > 0x39)
                return false;
            i += 4;
        } else if (c2 >= 0x40 && c2 <= 0xFE && c2 != 0x7F) {
            i += 2;
        } else {
            return false;
        }
    }
    return true;
}

static zc_status open_iconv(zc_decoder *d)
{
    const char *from = d->used == ENC_GB18030   ? "GB18030"
                       : d->used == ENC_UTF16LE ? "UTF-16LE"
                                                : "UTF-16BE";
    d->cd = iconv_open("UTF-8", from);
    return d->cd == (iconv_t)-1 ? ZC_ERR_IO : ZC_OK;
}

static zc_status decide(zc_decoder *d, bool final)
{
    const unsigned char *s = (const unsigned char *)d->sniff.data;
    size_t n = d->sniff.len;
    size_t skip = 0;
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        d->used = ENC_UTF8;
    } else if (n >= 2 && s[0] == 0xFF && s[1] == 0xFE) {
        d->used = ENC_UTF16LE;
        skip = 2;
    } else if (n >= 2 && s[0] == 0xFE && s[1] == 0xFF) {
        d->used = ENC_UTF16BE;
        skip = 2;
    } else if (valid_utf8_prefix(s, n, final)) {
        d->used = ENC_UTF8;
    } else if (valid_gb18030(s, n, final)) {
        d->used = ENC_GB18030;
    } else {
        d->used = ENC_UTF8;
    }
    d->decided = true;
    if (d->used != ENC_UTF8 && open_iconv(d) != ZC_OK)
        return ZC_ERR_IO;
    d->in_offset = skip;
    d->utf8_offset = skip;
    zc_buf_consume(&d->sniff, skip);
    return ZC_OK;
}

zc_status zc_decoder_feed(zc_decoder *d, const char *buf, size_t len,
                          bool final, zc_buf *out)
{
    if (!d->decided) {
        if (!zc_buf_append(&d->sniff, buf, len))
            return ZC_ERR_NOMEM;
        if (d->sniff.len < SNIFF_BYTES && !final)
            return ZC_OK;
        zc_status st = decide(d, final);
        if (st != ZC_OK)
            return st;
        /* feed what was held back */
        if (d->used != ENC_UTF8)
            return iconv_step(d, "", 0, final, out);
        zc_status st2 = utf8_step(d, d->sniff.data, d->sniff.len, final, out);
        d->sniff.len = 0;
        return st2;
    }
    if (d->used != ENC_UTF8 && d->cd == (iconv_t)-1) {
        /* a forced encoding: open iconv on first use */
        if (open_iconv(d) != ZC_OK)
            return ZC_ERR_IO;
    }
    if (d->used == ENC_UTF8)
        return utf8_step(d, buf, len, final, out);
    return iconv_step(d, buf, len, final, out);
}
