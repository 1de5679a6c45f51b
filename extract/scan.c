/*
 * scan.c - recognisers for numbering markers and run-in enumerations.
 *
 * Pure functions: they say what a marker at a position would be, never
 * whether it starts a section.  That depends on the numbering state and is
 * decided in segment.c.
 */
#include "internal.h"

#include <string.h>

const char *zc_style_name(zc_style s)
{
    static const char *const names[ZC_STYLE_COUNT] = {
        NULL,      "part",   "chapter",  "section",   "article",
        "zh_dun",  "zh_paren", "num_dot", "num_paren", "num_half",
        "circled"};
    return (unsigned)s < ZC_STYLE_COUNT ? names[s] : NULL;
}

static bool is_open_paren(uint32_t cp)
{
    return cp == '(' || cp == 0xFF08;
}

static bool is_close_paren(uint32_t cp)
{
    return cp == ')' || cp == 0xFF09;
}

static bool is_ascii_digit_or_fw(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

/* Marker numbers stay small; a bigger one is a year or a count. */
#define MAX_MARKER_NUMBER 199

bool zc_marker_boundary(uint32_t cp)
{
    if (zc_is_space(cp))
        return true;
    switch (cp) {
    case 0x3002: /* 。 */
    case 0xFF1B: case ';':  /* ； */
    case 0xFF1A: case ':':  /* ： */
    case 0xFF01: case '!':
    case 0xFF1F: case '?':
    case ')': case 0xFF09:  /* closing a clause */
    case 0x3015: case ']': case 0xFF3D: case 0x3011: /* 〕 ］ 】 */
    case '|':
    case 0xFEFF:
        return true;
    default:
        return false;
    }
}

/* Bytes of at most two blanks (space or U+3000) at s. */
static size_t skip_blanks(const char *s, size_t n)
{
    size_t i = 0;
    for (int k = 0; k < 2; k++) {
        if (i < n && s[i] == ' ')
            i++;
        else if (n - i >= 3 && !memcmp(s + i, "\xE3\x80\x80", 3))
            i += 3;
        else
            break;
    }
    return i;
}

zc_scan_result zc_scan_marker(const char *s, size_t n, bool final,
                              zc_marker *m)
{
    (void)final;
    uint32_t cp;
    int len = zc_utf8_decode(s, n, &cp);
    unsigned long v;
    size_t k;
    if (len == 0)
        return ZC_SCAN_NO;
    memset(m, 0, sizeof *m);
    /* the scanner asks after every boundary, mostly at a line break, a
     * space or a letter: of ASCII, only ( and digits start a marker */
    if (cp < 0x80 && cp != '(' && !(cp >= '0' && cp <= '9'))
        return ZC_SCAN_NO;

    if (is_open_paren(cp)) {
        size_t i = (size_t)len;
        zc_style st = ZC_STYLE_ZH_PAREN;
        i += skip_blanks(s + i, n - i); /* （ 一 ） */
        k = zc_parse_zh_number(s + i, n - i, MAX_MARKER_NUMBER, &v);
        if (!k) {
            st = ZC_STYLE_NUM_PAREN;
            k = zc_parse_digits(s + i, n - i, 3, &v);
        }
        if (!k || v == 0)
            return ZC_SCAN_NO;
        i += k;
        i += skip_blanks(s + i, n - i);
        len = zc_utf8_decode(s + i, n - i, &cp);
        if (!len || !is_close_paren(cp))
            return ZC_SCAN_NO;
        m->style = st;
        m->number = v;
        m->len = i + (size_t)len;
        return ZC_SCAN_YES;
    }
    if (cp >= 0x2460 && cp <= 0x2473) { /* ① … ⑳ */
        m->style = ZC_STYLE_CIRCLED;
        m->number = cp - 0x245F;
        m->len = (size_t)len;
        return ZC_SCAN_YES;
    }
    if (cp >= 0x2474 && cp <= 0x2487) { /* ⑴ … ⒇ */
        m->style = ZC_STYLE_NUM_PAREN;
        m->number = cp - 0x2473;
        m->len = (size_t)len;
        return ZC_SCAN_YES;
    }
    if (is_ascii_digit_or_fw(cp)) {
        k = zc_parse_digits(s, n, 3, &v);
        if (!k || v == 0 || v > MAX_MARKER_NUMBER)
            return ZC_SCAN_NO;
        len = zc_utf8_decode(s + k, n - k, &cp);
        if (len && is_close_paren(cp)) { /* 1) 1） */
            m->style = ZC_STYLE_NUM_HALF;
            m->number = v;
            m->len = k + (size_t)len;
            return ZC_SCAN_YES;
        }
        if (!len || !(cp == '.' || cp == 0xFF0E || cp == 0x3001))
            return ZC_SCAN_NO;
        size_t end = k + (size_t)len;
        uint32_t next;
        int nl = zc_utf8_decode(s + end, n - end, &next);
        /* 3.0实行, 1.5亿元: a decimal, not a marker; a marker is followed
         * by its text, not by the end of the line */
        if (nl && (is_ascii_digit_or_fw(next) || next == '\n' ||
                   next == '%' || next == 0xFF05))
            return ZC_SCAN_NO;
        if (!nl)
            return ZC_SCAN_NO;
        m->style = ZC_STYLE_NUM_DOT;
        m->number = v;
        m->len = end;
        return ZC_SCAN_YES;
    }
    if (cp == 0x7B2C) { /* 第 */
        size_t i = (size_t)len;
        k = zc_parse_zh_number(s + i, n - i, 999, &v);
        if (!k)
            k = zc_parse_digits(s + i, n - i, 3, &v);
        if (!k || v == 0)
            return ZC_SCAN_NO;
        i += k;
        len = zc_utf8_decode(s + i, n - i, &cp);
        if (!len)
            return ZC_SCAN_NO;
        zc_style st;
        switch (cp) {
        case 0x7AE0: st = ZC_STYLE_CHAPTER; break; /* 章 */
        case 0x8282: case 0x7BC0: st = ZC_STYLE_SECTION; break; /* 节 節 */
        case 0x6761: case 0x689D: st = ZC_STYLE_ARTICLE; break; /* 条 條 */
        case 0x90E8: /* 部分 */
            if (n - i >= 6 && memcmp(s + i, "\xE9\x83\xA8\xE5\x88\x86", 6) == 0) {
                len = 6;
                st = ZC_STYLE_PART;
                break;
            }
            return ZC_SCAN_NO;
        default:
            return ZC_SCAN_NO;
        }
        m->style = st;
        m->number = v;
        m->len = i + (size_t)len;
        return ZC_SCAN_YES;
    }
    k = zc_parse_zh_number(s, n, MAX_MARKER_NUMBER, &v);
    if (k && v > 0) {
        len = zc_utf8_decode(s + k, n - k, &cp);
        uint32_t next = 0;
        if (len)
            zc_utf8_decode(s + k + (size_t)len, n - k - (size_t)len, &next);
        /* 一、 and, in some documents, 一. or 一． (not 一.5) */
        if (len && (cp == 0x3001 ||
                    ((cp == '.' || cp == 0xFF0E) && next &&
                     !is_ascii_digit_or_fw(next) && next != '\n'))) {
            m->style = ZC_STYLE_ZH_DUN;
            m->number = v;
            m->len = k + (size_t)len;
            return ZC_SCAN_YES;
        }
    }
    return ZC_SCAN_NO;
}

zc_scan_result zc_scan_item(const char *s, size_t n, bool final, zc_marker *m)
{
    (void)final;
    static const struct {
        const char *word;
        unsigned number;
    } words[] = {
        {"\xE9\xA6\x96\xE5\x85\x88", 1}, /* 首先 */
        {"\xE5\x85\xB6\xE6\xAC\xA1", 2}, /* 其次 */
        {"\xE5\x86\x8D\xE6\xAC\xA1", 3}, /* 再次 */
        {"\xE6\x9C\x80\xE5\x90\x8E", 0}, /* 最后: closes any run */
    };
    memset(m, 0, sizeof *m);
    /* every word and every Chinese numeral (〇 is E3 80 87, ○ E2 97 8B)
     * starts with a lead byte E2 or above */
    if (n == 0 || (unsigned char)s[0] < 0xE2)
        return ZC_SCAN_NO;
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        size_t l = strlen(words[w].word);
        if (n >= l && memcmp(s, words[w].word, l) == 0) {
            m->style = ZC_STYLE_NONE;
            m->number = words[w].number;
            m->len = l;
            return ZC_SCAN_YES;
        }
    }
    unsigned long v;
    size_t k = zc_parse_zh_number(s, n, 30, &v);
    if (k && v > 0 && n - k >= 3 && memcmp(s + k, "\xE6\x98\xAF", 3) == 0) {
        m->number = v; /* 一是 二是 … */
        m->len = k + 3;
        return ZC_SCAN_YES;
    }
    return ZC_SCAN_NO;
}
