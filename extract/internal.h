/*
 * internal.h - private declarations shared by the library's stages.
 * Never installed; nothing here is part of the API.
 */
#ifndef ZHENGCE_INTERNAL_H
#define ZHENGCE_INTERNAL_H

#include "extract.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- mem.c ------------------------------------------------------------ */

extern const zc_mem zc_default_mem;

void *zc_malloc(const zc_mem *m, size_t n);
void *zc_realloc(const zc_mem *m, void *p, size_t n);
void zc_free(const zc_mem *m, void *p);
char *zc_strndup(const zc_mem *m, const char *s, size_t n);

/* Grow a typed array `*arr` of `*cap` elements to hold `need`.  Returns
 * false when out of memory (the array is left as it was). */
bool zc_grow(const zc_mem *m, void **arr, size_t *cap, size_t need,
             size_t elem);
#define ZC_GROW(m, arr, cap, need)                                             \
    zc_grow((m), (void **)&(arr), &(cap), (need), sizeof *(arr))

/* ---- buf.c: growable byte buffer -------------------------------------- */

typedef struct zc_buf {
    char *data;
    size_t len, cap;
    const zc_mem *mem;
} zc_buf;

void zc_buf_init(zc_buf *b, const zc_mem *mem);
bool zc_buf_reserve(zc_buf *b, size_t extra);
bool zc_buf_append_grow(zc_buf *b, const void *data, size_t len);

/* Append, keeping a NUL after the data.  Inline when there is room: the
 * stages append a character or a run at a time. */
static inline bool zc_buf_append(zc_buf *b, const void *data, size_t len)
{
    if (len && b->data && len < b->cap - b->len) {
        memcpy(b->data + b->len, data, len);
        b->len += len;
        b->data[b->len] = '\0';
        return true;
    }
    return zc_buf_append_grow(b, data, len);
}

static inline bool zc_buf_putc(zc_buf *b, char c)
{
    return zc_buf_append(b, &c, 1);
}

/* Drop the first n bytes. */
void zc_buf_consume(zc_buf *b, size_t n);
void zc_buf_free(zc_buf *b);

/* ---- utf8.c: characters ----------------------------------------------- */

/* The helpers below run once or more per character in every stage, so
 * they are inline: a call each was a tenth of a --no-rules run. */

/* Length of the UTF-8 character starting with byte c (1 for stray bytes). */
static inline int zc_utf8_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c >= 0xF0)
        return 4;
    if (c >= 0xE0)
        return 3;
    if (c >= 0xC0)
        return 2;
    return 1;
}

/* Decode one code point from valid UTF-8 at s (n bytes available).  Returns
 * its length (1-4) and stores it in *cp; returns 0, with *cp = 0, if more
 * bytes are needed (the decoder guarantees validity). */
static inline int zc_utf8_decode(const char *str, size_t n, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    *cp = 0;
    if (n == 0)
        return 0;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    int len = zc_utf8_len(s[0]);
    if ((size_t)len > n)
        return 0;
    switch (len) {
    case 1:
        *cp = s[0];
        break;
    case 2:
        *cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
        break;
    case 3:
        *cp = ((uint32_t)(s[0] & 0x0F) << 12) |
              ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        break;
    default:
        *cp = ((uint32_t)(s[0] & 0x07) << 18) |
              ((uint32_t)(s[1] & 0x3F) << 12) |
              ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
        break;
    }
    return len;
}

/* Start of the character that ends just before s[i] (s[0..i) valid). */
static inline size_t zc_utf8_prev(const char *s, size_t i)
{
    if (i == 0)
        return 0;
    size_t j = i - 1;
    while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80 && i - j < 4)
        j--;
    return j;
}
/* Length of the longest valid UTF-8 prefix of s[0..n) (no overlongs,
 * surrogates or code points past U+10FFFF). */
size_t zc_utf8_valid_prefix(const char *s, size_t n);
int zc_utf8_encode(uint32_t cp, char out[4]);

/* ASCII, U+3000, Unicode Zs, NBSP */
static inline bool zc_is_space(uint32_t cp)
{
    if (cp > 0x3000)
        return false; /* most of the text: CJK */
    switch (cp) {
    case ' ': case '\t': case '\n': case '\r': case '\f': case '\v':
    case 0xA0: case 0x3000: case 0x202F: case 0x205F: case 0x1680:
        return true;
    default:
        return cp >= 0x2000 && cp <= 0x200B;
    }
}

/* CJK unified ideographs */
static inline bool zc_is_han(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FA1F);
}

uint32_t zc_fold_cp(uint32_t cp);   /* full-width ASCII -> ASCII         */
/* memmem(3), which C11 lacks. */
const char *zc_memmem(const char *hay, size_t n, const char *needle,
                      size_t m);

/* ---- decode.c: bytes -> decoded UTF-8 text ----------------------------- */

typedef struct zc_decoder zc_decoder;
typedef void (*zc_decode_warn_fn)(void *ud, const char *code, size_t offset,
                                  const char *msg);

zc_decoder *zc_decoder_new(const zc_mem *mem, const char *encoding,
                           zc_decode_warn_fn warn, void *ud);
/* Convert `len` bytes, appending decoded text to `out`.  `final` flushes
 * an incomplete trailing sequence (as U+FFFD). */
zc_status zc_decoder_feed(zc_decoder *d, const char *buf, size_t len,
                          bool final, zc_buf *out);
/* The same, without copying what passes unchanged: the decoded text is
 * out's new bytes followed by (*tail, *ntail), a stretch of buf (NULL, 0
 * when there is none).  For callers that can take it in two pieces. */
zc_status zc_decoder_feed_tail(zc_decoder *d, const char *buf, size_t len,
                               bool final, zc_buf *out, const char **tail,
                               size_t *ntail);
const char *zc_decoder_encoding(const zc_decoder *d);
size_t zc_decoder_replacements(const zc_decoder *d);
void zc_decoder_reset(zc_decoder *d);
void zc_decoder_free(zc_decoder *d);
/* What the binary input looked like ("PNG image", "ZIP archive: …"), or
 * NULL while the input is text.  Binary input is dropped whole, with one
 * "binary-input" warning. */
const char *zc_decoder_binary(const zc_decoder *d);

/* ---- html.c: a saved web page -> text (front end, step 2) -------------- */

typedef enum zc_format {
    ZC_FORMAT_AUTO = 0, /* sniff the first 1 KiB (rule in html.c)       */
    ZC_FORMAT_TEXT,
    ZC_FORMAT_HTML
} zc_format;

/* <meta name=… content=…> values of the government-site CMS convention;
 * NUL-terminated, NULL when the page has none.  Owned by the zc_html. */
typedef struct zc_html_meta {
    const char *title;       /* ArticleTitle                            */
    const char *pub_date;    /* PubDate, as written                     */
    const char *source;      /* ContentSource                           */
    const char *keywords;    /* Keywords                                */
    const char *description; /* Description                             */
    const char *column;      /* ColumnName                              */
    const char *site;        /* SiteName                                */
    const char *author;      /* Author                                  */
} zc_html_meta;

typedef struct zc_html zc_html;

zc_html *zc_html_new(const zc_mem *mem, zc_format format,
                     zc_decode_warn_fn warn, void *ud);
/* Decoded text in (complete UTF-8 characters, any chunking), text out:
 * the page's text when it is HTML, the input itself otherwise. */
zc_status zc_html_feed(zc_html *h, const char *text, size_t len, bool final,
                       zc_buf *out);
/* Force a format for the next document (before its first feed). */
void zc_html_set_format(zc_html *h, zc_format format);
/* ZC_FORMAT_HTML once the input was found to be HTML, else TEXT. */
zc_format zc_html_format(const zc_html *h);
/* Has the input been found (or forced) to be text, which zc_html_feed()
 * passes on as it is?  (Not while it is still being sniffed.) */
bool zc_html_passes(const zc_html *h);
const zc_html_meta *zc_html_meta_get(zc_html *h);
/* The detection rule alone, on the first KiB of decoded text. */
bool zc_looks_like_html(const char *s, size_t n);
void zc_html_reset(zc_html *h);
void zc_html_free(zc_html *h);

/* ---- clean.c: furniture lines and pinyin glosses (front end, step 3) --- */

typedef struct zc_clean zc_clean;

/* `enabled` false: text passes untouched. */
zc_clean *zc_clean_new(const zc_mem *mem, bool enabled);
/* Text in (any chunking), cleaned text out: the decoded text. */
zc_status zc_clean_feed(zc_clean *c, const char *text, size_t len,
                        bool final, zc_buf *out);
size_t zc_clean_lines_removed(const zc_clean *c);
size_t zc_clean_glosses_removed(const zc_clean *c);
void zc_clean_reset(zc_clean *c);
void zc_clean_free(zc_clean *c);

/* ---- numeral.c -------------------------------------------------------- */

/* Parse a Chinese numeral (一 … 九十九 … 一百零五, 〇/零/两) at s[0..n).
 * Returns the number of bytes consumed (0 if none) and the value in *v.
 * Values over `max` are rejected. */
size_t zc_parse_zh_number(const char *s, size_t n, unsigned long max,
                          unsigned long *v);
/* ASCII or full-width digits; same contract. */
size_t zc_parse_digits(const char *s, size_t n, unsigned max_digits,
                       unsigned long *v);

/* ---- scan.c: numbering markers ---------------------------------------- */

typedef enum zc_style {
    ZC_STYLE_NONE = 0,
    ZC_STYLE_PART,     /* 第一部分     */
    ZC_STYLE_CHAPTER,  /* 第一章       */
    ZC_STYLE_SECTION,  /* 第一节       */
    ZC_STYLE_ARTICLE,  /* 第一条       */
    ZC_STYLE_ZH_DUN,   /* 一、         */
    ZC_STYLE_ZH_PAREN, /* (一) （一）  */
    ZC_STYLE_NUM_DOT,  /* 1. 1、 1．   */
    ZC_STYLE_NUM_PAREN,/* (1) （1）    */
    ZC_STYLE_NUM_HALF, /* 1) 1）      */
    ZC_STYLE_CIRCLED,  /* ①            */
    ZC_STYLE_COUNT
} zc_style;

const char *zc_style_name(zc_style s);

typedef enum zc_scan_result {
    ZC_SCAN_NO = 0,   /* no marker here                      */
    ZC_SCAN_YES,      /* a marker; see zc_marker             */
    ZC_SCAN_MORE      /* cannot tell without more bytes      */
} zc_scan_result;

typedef struct zc_marker {
    zc_style style;
    unsigned long number;
    size_t len;         /* bytes of the marker as written */
} zc_marker;

/* Longest look-ahead the recognisers need, in bytes. */
#define ZC_SCAN_LOOKAHEAD 48

/* Is there a numbering marker at s[0..n)?  `final` says no more bytes
 * will come.  Pure: knows nothing of the numbering state. */
zc_scan_result zc_scan_marker(const char *s, size_t n, bool final,
                              zc_marker *m);

/* Run-in enumeration word at s: 一是 二是 … 十是, 首先 其次 再次 最后. */
zc_scan_result zc_scan_item(const char *s, size_t n, bool final,
                            zc_marker *m);

/* May a section marker follow the character cp? */
bool zc_marker_boundary(uint32_t cp);

/* ---- segment.c: streaming section tree -------------------------------- */

typedef struct zc_node {
    size_t start, end;       /* absolute offsets in the decoded text    */
    size_t marker_len;
    zc_style style;
    unsigned number;
    unsigned level;
    int parent;              /* index in the group, -1: outside it        */
    char id[64];
    char parent_id[64];
    bool truncated;
    size_t first_item, n_items; /* into the group's item array          */
} zc_node;

typedef struct zc_group_item {
    size_t marker_start, marker_len, end;
    unsigned number;
} zc_group_item;

/* A finished top-level section and its descendants, in document order,
 * with the decoded text they lie in: text[0] is offset `base`. */
typedef struct zc_group {
    const zc_node *nodes;
    size_t n_nodes;
    const zc_group_item *items;
    const char *text;
    size_t base, len;
} zc_group;

typedef int (*zc_group_fn)(const zc_group *g, void *ud);

typedef struct zc_segmenter zc_segmenter;

zc_segmenter *zc_segmenter_new(const zc_mem *mem, size_t max_bytes,
                               unsigned max_depth, zc_group_fn fn, void *ud);
/* Append decoded text; groups that are complete are handed to fn.  Returns
 * ZC_ERR_ABORTED if fn returned non-zero. */
zc_status zc_segmenter_feed(zc_segmenter *s, const char *text, size_t len);
zc_status zc_segmenter_finish(zc_segmenter *s);
/* True once a top-level section was cut at max_bytes (cleared on reset). */
size_t zc_segmenter_truncations(const zc_segmenter *s);
void zc_segmenter_reset(zc_segmenter *s);
void zc_segmenter_free(zc_segmenter *s);

/* Heading of a section: where it starts and how long it is, given the
 * section's text after the marker. */
void zc_section_heading(zc_style style, const char *s, size_t n,
                        size_t *hstart, size_t *hlen);

/* ---- meta.c: document metadata ---------------------------------------- */

typedef struct zc_meta zc_meta;

zc_meta *zc_meta_new(const zc_mem *mem);
/* Read the metadata from the preamble (section 0's text).  `rest` is the
 * text that follows it (the first section), read only for the year when
 * the preamble names none.  Returns false when memory ran out (the record
 * is then incomplete and must not be reported as the document's). */
bool zc_meta_read(zc_meta *m, const char *text, size_t len, const char *rest,
                  size_t rest_len);
const zc_document *zc_meta_document(const zc_meta *m);
void zc_meta_reset(zc_meta *m);
void zc_meta_free(zc_meta *m);
/* Fill what the text left NULL (title, publish_date, issuer, year) from
 * a page's <meta> tags (html.c).  Call after zc_meta_read().  False when
 * memory ran out. */
bool zc_meta_fill_html(zc_meta *m, const zc_html_meta *hm);

/* ---- fold.c: the matching form of a text ------------------------------ */

/* Rules never see the decoded text itself but a folded scratch copy in
 * which each character has one form: full-width ASCII (（：；，１０％) is
 * half-width, U+3000/NBSP/EN SPACE are spaces, traditional characters
 * common in notices are simplified (牽頭單位 -> 牵头单位), and the inline
 * pinyin that some reposting sites leave after a character ("印發(fā)") is
 * dropped.  ① and 〔〕 are left alone: they carry meaning.  The fold keeps,
 * for every folded byte, where its character starts and ends in the
 * source, so a match in the folded text maps back to the text as written.
 * Buffers are reused between calls. */
/* Where folded bytes come from, kept sparse: most characters fold to
 * themselves or to one of the same length (牽 -> 牵), so runs of folded
 * text map to the source byte for byte; only a character that shrank
 * (，-> , ３ -> 3) needs a piece of its own.  A piece runs from its `fo`
 * to the next piece's. */
typedef struct zc_fold_piece {
    uint32_t fo, src;   /* folded and source offset where it starts     */
    uint32_t src_len;   /* 0: a run, byte for byte; else one character of
                           src_len source bytes folded shorter           */
} zc_fold_piece;

typedef struct zc_fold {
    const zc_mem *mem;
    char *text;         /* folded text, NUL-terminated                  */
    size_t len, cap;
    zc_fold_piece *piece;
    size_t npiece, cap_piece;
    /* optional, set by the caller: anchor literals whose possible starts
     * to note in marks[], as folded offsets, so anchor.c need not read
     * the text again: where a character begins some literal and the next
     * may continue one (sifted by zc_anchors_sift_classes()) */
    const struct zc_anchors *anchors;
    uint32_t *marks;
    size_t nmarks, cap_marks;
    /* fold.c's table of characters, with the sift of classes_anchors
     * (made again when anchors points elsewhere: the literals must not
     * change behind the same pointer) */
    uint8_t *classes;
    const struct zc_anchors *classes_anchors;
} zc_fold;

void zc_fold_init(zc_fold *f, const zc_mem *mem);
/* Fold s[0..n).  Source offsets are relative to s.  Returns false when
 * out of memory or when n exceeds UINT32_MAX. */
bool zc_fold_text(zc_fold *f, const char *s, size_t n);
/* Source offset where a match starting at folded offset `fo` starts, and
 * where one ending at `fo` ends. */
size_t zc_fold_src_start(const zc_fold *f, size_t fo);
size_t zc_fold_src_end(const zc_fold *f, size_t fo);
/* The first folded offset whose character starts at or after source
 * offset `so`. */
size_t zc_fold_from_src(const zc_fold *f, size_t so);
void zc_fold_free(zc_fold *f);
/* The simplified form of a traditional character, or cp itself. */
uint32_t zc_fold_t2s(uint32_t cp);

/* ---- rules.c: compiled rules (format in rules/README.md) -------------- */

/* What a rule file feeds.  The field comes from a `field:` line or from the
 * file name (units -> assignments, deadline -> deadlines, ...); "mask"
 * rules only mark text the other fields must leave alone (文号, 《titles》). */
typedef enum zc_field {
    ZC_FIELD_ASSIGNMENTS = 0,
    ZC_FIELD_DEADLINES,
    ZC_FIELD_TARGETS,
    ZC_FIELD_QUANTITIES,
    ZC_FIELD_MASK,
    ZC_FIELD_COUNT
} zc_field;

/* A rule either produces items of its field (ZC_RT_ITEM) or supplies a
 * word class the field's code consults (labels, tails, operators ...). */
typedef enum zc_rtype {
    ZC_RT_ITEM = 0,
    ZC_RT_LABEL,      /* assignments: 牵头单位 -> role                     */
    ZC_RT_TAIL,       /* assignments: 按职责分工落实 at a unit's end        */
    ZC_RT_UNITNAME,   /* assignments: what a unit name ends with          */
    ZC_RT_JOINER,     /* assignments: 和/及 between two units             */
    ZC_RT_LEADMARK,   /* assignments: ▲ before the lead unit               */
    ZC_RT_SHAREDHEAD, /* assignments: 各区、县(市)政府 - one unit whose
                         parts share the head (政府), not two           */
    ZC_RT_CONVENTION, /* assignments: 列第一位的为牵头单位，下同           */
    ZC_RT_HEADER,     /* assignments: a 责任单位 column header             */
    ZC_RT_COLUMN,     /* assignments: a header cell of a one-row-per-line
                         table (牵头单位 | 配合单位) -> the column's role */
    ZC_RT_OP,         /* targets/quantities: 以上 -> ">="                  */
    ZC_RT_CHANGE,     /* targets: 精简, 提高 -> kind "change"              */
    ZC_RT_ACHIEVED,   /* targets: 同比 -> kind "achieved"                  */
    ZC_RT_PLANNED,    /* targets: 力争 -> kind "target" even in a report   */
    ZC_RT_REVIEW,     /* targets: a heading (工作回顾) making figures
                         below it achieved ones                          */
    ZC_RT_METRIC_CUT, /* targets: where the metric ends (达到, 增长)       */
    ZC_RT_METRIC_TRIM,/* targets: words trimmed off a metric's start      */
    ZC_RT_COUNT
} zc_rtype;

/* Named groups a pattern may use; any other name is a load error. */
typedef enum zc_gname {
    ZC_G_VALUE = 0, /* the item's text                                   */
    ZC_G_BODY,      /* assignments: "牵头单位:…;责任单位:…"               */
    ZC_G_LIST,      /* assignments: units whose tails give their roles   */
    ZC_G_LEAD, ZC_G_RESP, ZC_G_COOP, /* assignments: lists with a role  */
    ZC_G_SCOPE,     /* conventions: 下同 (applies to later clauses too)   */
    ZC_G_Y, ZC_G_M, ZC_G_D, ZC_G_Y2, ZC_G_M2, ZC_G_D2,
    ZC_G_Q, ZC_G_Q2, /* quarter                                          */
    ZC_G_H,          /* half year: 上 / 下                               */
    ZC_G_END,        /* 底 / 末: the end of the year or month            */
    ZC_G_PRE,        /* 前 after a bare year (2025年前)                  */
    ZC_G_N, ZC_G_U,  /* amount and time unit of a duration               */
    ZC_G_FYP,        /* five-year plan number: 十四五                    */
    ZC_G_NUM, ZC_G_NUM2, /* figures                                      */
    ZC_G_UNIT,       /* quantities: the measure word as written          */
    ZC_G_COUNT
} zc_gname;

typedef enum zc_role {
    ZC_ROLE_NONE = 0, ZC_ROLE_LEAD, ZC_ROLE_RESP, ZC_ROLE_COOP
} zc_role;

typedef enum zc_convention {
    ZC_CONV_NONE = 0,
    ZC_CONV_FIRST_IS_LEAD,  /* 列第一位的为牵头单位                       */
    ZC_CONV_RESP_IS_LEAD    /* 无牵头单位的，责任单位即为牵头单位         */
} zc_convention;

typedef struct zc_rule_example {
    char *input, *expect; /* expect NULL: a `nomatch:` example          */
    unsigned line;
} zc_rule_example;

#define ZC_MAX_ANCHORS 1024 /* distinct anchor literals (anchor.c)     */
#define ZC_MAX_ANCHOR_LEN 64 /* bytes in one                            */

typedef struct zc_rule {
    char *name;
    char *where;          /* "deadline.rules:12", reported by --explain  */
    zc_field field;
    zc_rtype type;
    void *code;           /* pcre2_code_8 *                              */
    bool jit;             /* JIT-compiled: run with pcre2_jit_match()    */
    bool line_start;      /* matches start only where a line does ((?m)^) */
    uint32_t captures;    /* capture count                               */
    /* group numbers per zc_gname, 8 bits each: a name may be used in up
     * to four alternatives (PCRE2_DUPNAMES); 0 when absent */
    uint32_t grp[ZC_G_COUNT];
    /* attributes (static strings or NULL) */
    const char *kind, *op, *unit, *amount_unit;
    zc_role role;
    zc_convention convention;
    unsigned mask_fields; /* bit per zc_field                            */
    double scale;         /* figures: multiply (九成 = 9 x 10)           */
    int priority;
    bool report_skip;     /* not in reports (quantities, 到年底)         */
    bool validate_units;  /* every unit must look like one               */
    bool table_only;      /* only after a 责任单位 table header          */
    zc_rule_example *examples;
    size_t n_examples;
    /* anchor.c: the literals (ids in the rules' zc_anchors) one of which
     * every match has within `reach` characters of its start; none: the
     * rule scans the whole text */
    uint16_t *anchors;
    size_t n_anchors;
    unsigned reach;
    /* the anchor may lie before the match, in a look-behind: windows run
     * on to the anchor's end (else they end where the anchor starts) */
    bool anchor_behind;
    /* `numeral:` every match has a numeral within numeral_before
     * characters before the anchor of its window, or numeral_after after
     * it (0: not on that side); anchors with none open no window.  With
     * `unbroken`, no break (zc_numerals_around) lies between. */
    bool numeral, numeral_unbroken;
    unsigned numeral_before, numeral_after;
    uint64_t anchor_bits[ZC_MAX_ANCHORS / 64]; /* the same, as a set */
} zc_rule;

/* Read access for the matcher.  zc_rules itself is defined in rules.c. */
size_t zc_rules_n(const zc_rules *r);
const zc_rule *zc_rules_at(const zc_rules *r, size_t i);
uint32_t zc_rules_max_captures(const zc_rules *r);
const struct zc_anchors *zc_rules_anchors(const zc_rules *r);
/* A pcre2_general_context (as void *) allocating through `mem`. */
void *zc_pcre2_gctx(const zc_mem *mem);

/* ---- anchor.c: where a rule can match at all -------------------------- */

/* The anchor literals of all rules, numbered; and where they occur in a
 * folded text.  A match of a rule with anchors starts in a window that
 * runs from `reach` characters (blanks not counted) before one of its
 * anchors to the end of that anchor (and the blanks after it). */
typedef struct zc_anchors zc_anchors;
typedef struct zc_anchor_hit {
    uint32_t pos, end; /* folded offsets of the literal               */
    uint16_t id;
} zc_anchor_hit;

zc_anchors *zc_anchors_new(const zc_mem *mem);
void zc_anchors_free(zc_anchors *a);
size_t zc_anchors_count(const zc_anchors *a);
/* The id of literal s[0..n), added if new: -1 when it cannot be one
 * (empty, too many, outside the BMP), -2 when memory ran out. */
int zc_anchors_add(zc_anchors *a, const char *s, size_t n);
const char *zc_anchors_literal(const zc_anchors *a, size_t id);
/* Every occurrence of every literal in t[0..len), in text order, into
 * *hits (grown as needed).  False when memory ran out.  With `at`, only
 * at the nat offsets listed there (in order): the marks a fold with
 * these anchors noted. */
bool zc_anchors_find(const zc_anchors *a, const char *t, size_t len,
                     const uint32_t *at, size_t nat, zc_anchor_hit **hits,
                     size_t *n, size_t *cap, const zc_mem *mem);
/* How the fold sifts its marks (zc_fold.anchors): the characters that
 * come second in literals are put in groups (a bit each), and a mark is
 * kept where the `follow` of its character and the `group` of the next
 * share a bit.  A character second in none is ZC_SIFT_OTHER, and one that
 * may begin a literal whatever follows (a literal of one character)
 * follows ZC_SIFT_ANY; text's end and characters past the BMP count as
 * ZC_SIFT_ANY too.  A shortcut only: a shared bit need not mean a literal,
 * zc_anchors_find() decides. */
#define ZC_SIFT_OTHER 0x40u
#define ZC_SIFT_ANY 0x7Fu
typedef struct zc_sift_class {
    uint32_t cp;           /* a BMP character                          */
    uint8_t follow, group; /* 0: begins no literal, is second in none  */
} zc_sift_class;
/* The characters that begin literals or come second in them, each once,
 * into out (room for 2 * zc_anchors_count(a)); returns how many. */
size_t zc_anchors_sift_classes(const zc_anchors *a, zc_sift_class *out);
/* Where a window ending at an anchor found at `pos` begins (no earlier
 * than `floor`: callers that need no more save the walk back); where it
 * ends for an anchor ending at `end` (of a rule with anchor_behind; the
 * others' windows end at the anchor's start). */
size_t zc_anchor_window_start(const char *t, size_t pos, unsigned reach,
                              size_t floor);
size_t zc_anchor_window_end(const char *t, size_t len, size_t end);
/* Is cp a numeral: 0-9 or one of 〇零一二三四五六七八九十百千两?  A bit
 * per code point below U+10000 (anchor.c): one load where a switch was a
 * chain of branches no predictor learns. */
extern const uint64_t zc_numeral_bits[65536 / 64];
static inline bool zc_is_numeral(uint32_t cp)
{
    return cp < 65536 && (zc_numeral_bits[cp / 64] >> (cp % 64) & 1);
}
/* The numerals around an anchor at folded t[pos, end): how many
 * characters (blanks not counted) back from pos and on from `end` the
 * nearest is, 1 for the character right there, 0 for none within
 * max_before / max_after; and whether a break - a blank or one of
 * , ; : | 。 、 - lies between.  With `stop_at_break` a side's look ends at
 * its first break (for anchors whose rules are all `unbroken`). */
typedef struct zc_numeral_look {
    unsigned before, after;
    bool before_broken, after_broken;
} zc_numeral_look;
void zc_numerals_around(const char *t, size_t len, size_t pos, size_t end,
                        unsigned max_before, unsigned max_after,
                        bool stop_at_break, zc_numeral_look *look);
/* Does what zc_numerals_around() saw pass a `numeral:` of these limits
 * (0: that side not asked)? */
static inline bool zc_numeral_near(const zc_numeral_look *k, unsigned before,
                                   unsigned after, bool unbroken)
{
    return (k->before && k->before <= before &&
            !(unbroken && k->before_broken)) ||
           (k->after && k->after <= after && !(unbroken && k->after_broken));
}
/* Does the anchor at t[pos, end) pass ru's `numeral:` test?  (True for a
 * rule without one.) */
bool zc_anchor_numeral_ok(const zc_rule *ru, const char *t, size_t len,
                          size_t pos, size_t end);
/* Does some window of ru's anchors in t contain `start` (an anchor that
 * passes the numeral test, if ru has one)?  (Load-time check of a rule's
 * examples; linear in len per anchor.) */
bool zc_anchor_covers(const zc_rule *ru, const zc_anchors *a, const char *t,
                      size_t len, size_t start);

/* ---- resolve.c: the one date resolver behind every deadline rule ------ */

/* The parts a deadline rule captured, already read as numbers.  -1 means
 * "not given".  Years may be relative (ZC_YREL_*), resolved against the
 * document's year. */
enum { ZC_YREL_THIS = -1000, ZC_YREL_NEXT = -1001, ZC_YREL_PREV = -1002 };
typedef struct zc_date_parts {
    int y, m, d, y2, m2, d2, q, q2, h;
    bool end;      /* 底/末                                              */
    bool pre;      /* 前 right after a bare year                         */
    int fyp;       /* five-year plan number, 0 when none                 */
    double n;      /* duration amount                                    */
    const char *u; /* duration unit: "day", "workday", "month", ...      */
} zc_date_parts;

void zc_date_parts_init(zc_date_parts *p);
/* Fill d->date / d->date_from (and amount) for a deadline of kind
 * d->kind.  `year` is the document's year (0: unknown, relative dates
 * stay empty).  Returns false when the parts make no date (2023年2月30日),
 * in which case the item is dropped. */
bool zc_resolve_date(const zc_date_parts *p, int year, zc_year_before yb,
                     zc_deadline *d);
/* Read a number written in digits (79.81, 1,000) or Chinese (九十, 十一,
 * 二〇二〇, 百分之九十 without the 百分之); false if s holds none. */
bool zc_read_number(const char *s, size_t n, double *v);
/* Map a duration unit as written (天, 日, 个工作日, 个月, 年, 小时, 周)
 * to its name, NULL if unknown. */
const char *zc_duration_unit(const char *s, size_t n);

/* ---- match.c: rules applied to a section ------------------------------ */

typedef struct zc_matcher zc_matcher;

typedef struct zc_extraction {
    zc_assignment *assignments;
    size_t n_assignments;
    zc_deadline *deadlines;
    size_t n_deadlines;
    zc_target *targets;
    size_t n_targets;
    zc_quantity *quantities;
    size_t n_quantities;
} zc_extraction;

/* Per-document context the rules need. */
typedef struct zc_match_ctx {
    int year;              /* the document's year, 0 if unknown        */
    bool is_report;        /* percentages are "achieved"               */
    zc_year_before year_before;
    void (*warn)(void *ud, const char *code, size_t offset, const char *msg);
    void *warn_ud;
} zc_match_ctx;

zc_matcher *zc_matcher_new(const zc_rules *rules, const zc_options *opt);
/* Extract from a finished group.  `out` has g->n_nodes entries, one per
 * node; each item goes to the deepest node containing it (or to the
 * parent, for a clause that closes a run of sub-items).  Document-wide
 * conventions (列第一位的为牵头单位，下同) carry over between calls until
 * zc_matcher_reset().  Results stay valid until the next call. */
zc_status zc_matcher_run(zc_matcher *m, const zc_match_ctx *ctx,
                         const zc_group *g, zc_extraction *out);
void zc_matcher_reset(zc_matcher *m); /* new document */
void zc_matcher_free(zc_matcher *m);

#endif
