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
bool zc_buf_append(zc_buf *b, const void *data, size_t len);
bool zc_buf_putc(zc_buf *b, char c);
/* Drop the first n bytes. */
void zc_buf_consume(zc_buf *b, size_t n);
void zc_buf_free(zc_buf *b);

/* ---- utf8.c: characters ----------------------------------------------- */

/* Decode one code point from valid UTF-8 at s (n bytes available).  Returns
 * its length (1-4) and stores it in *cp; returns 0 if more bytes are needed
 * or the sequence is invalid (the decoder guarantees validity). */
int zc_utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Length of the UTF-8 character starting with byte c (1 for stray bytes). */
int zc_utf8_len(unsigned char c);
/* Start of the character that ends just before s[i] (s[0..i) valid). */
size_t zc_utf8_prev(const char *s, size_t i);
int zc_utf8_encode(uint32_t cp, char out[4]);

bool zc_is_space(uint32_t cp);      /* ASCII, U+3000, Unicode Zs, NBSP   */
bool zc_is_han(uint32_t cp);        /* CJK unified ideographs            */
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
 * the preamble names none. */
bool zc_meta_read(zc_meta *m, const char *text, size_t len, const char *rest,
                  size_t rest_len);
const zc_document *zc_meta_document(const zc_meta *m);
void zc_meta_reset(zc_meta *m);
void zc_meta_free(zc_meta *m);
/* Fill what the text left NULL (title, publish_date, issuer, year) from
 * a page's <meta> tags (html.c).  Call after zc_meta_read(). */
void zc_meta_fill_html(zc_meta *m, const zc_html_meta *hm);

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
