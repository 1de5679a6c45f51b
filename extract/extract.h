/*
 * extract.h - the zhengce library: Chinese policy notices in, structure out.
 *
 * This header is the manual.  Read it top to bottom once.
 *
 * WHAT IT DOES
 *
 *   A notice (工作要点, 实施方案, 任务分工, 年度报告 ...) is fed to a parser as
 *   raw bytes, in chunks of any size.  The parser decodes it to UTF-8,
 *   finds its numbered sections (一、 (一) 1. (1) ① 第X章/节/条), reads the
 *   document's metadata from the text before the first section, applies the
 *   regex rules loaded from rules/ to every section, and hands each finished
 *   section to a callback, in document order.
 *
 *   The library never builds the whole document in memory: it keeps the
 *   top-level section being read (一、 ... up to the next 二、) and nothing
 *   older.  Memory is bounded by the largest top-level section, and by
 *   zc_options.max_section_bytes.
 *
 * OFFSETS
 *
 *   Every offset the library reports (zc_section.start/end, zc_span) is a
 *   byte offset into the document's *decoded text*: the text the front end
 *   makes of the input, which the text callback delivers whole.  The front
 *   end has three steps, and the decoded text is what comes out of the
 *   last one:
 *
 *   1. decode: the input converted to UTF-8 (from GB18030 or UTF-16 when
 *      it is in one of those), the byte-order mark removed, CR LF and lone
 *      CR turned into LF, every invalid sequence and NUL replaced by
 *      U+FFFD.  Binary input (an image, a .docx) gives no text at all.
 *   2. html (only for a web page, see zc_options.format): the page's text
 *      instead of its markup; tags, comments, scripts, styles and page
 *      chrome removed, entities decoded, block boundaries and table rows
 *      as LF, cells joined by " | ", runs of spaces collapsed.  Offsets
 *      then point into this text, not into the HTML source.
 *   3. clean (unless zc_options.keep_debris): whole lines of page
 *      furniture removed with their LF (字体【大 中 小】, 打印本页 关闭窗口,
 *      分享到, 扫一扫在手机打开当前页, 浏览次数：12, breadcrumbs such as
 *      当前位置：首页 > 政务公开), and inline pinyin glosses removed
 *      (印發(fā) -> 印發, 一(yī)、 -> 一、).  Metadata lines with values
 *      (索引号, 发布日期, 来源 …) are kept.
 *
 *   For clean UTF-8 plain text with LF line ends and no furniture or
 *   glosses, the decoded text is the input itself.  Offsets are
 *   half-open, [start, end), and always fall on character boundaries.
 *   Warnings about the bytes themselves (zc_warning) carry input offsets
 *   instead; see there.

 * OWNERSHIP
 *
 *   - Objects returned by zc_*_new() / zc_*_load_*() belong to the caller and
 *     are released with the matching zc_*_free().
 *   - Everything passed to a callback (sections, strings, arrays, the
 *     document record) is borrowed: valid only until the callback returns.
 *     Copy what you want to keep.
 *   - Strings handed out by the library are UTF-8 and NOT NUL-terminated
 *     unless stated; each comes with its length.
 *
 * THREADS
 *
 *   A zc_rules is immutable once loaded and may be shared by any number of
 *   parsers in any number of threads.  A zc_parser is used by one thread at
 *   a time.  There is no global state.
 *
 * ERRORS
 *
 *   Functions return a zc_status.  Parser errors are sticky: once feed() or
 *   finish() failed, every later call returns the same status, and
 *   zc_parser_error() describes it.  Problems in the *input* are not errors:
 *   the parser repairs what it can and reports a warning with the byte
 *   offset (see zc_warning).
 */
#ifndef ZHENGCE_EXTRACT_H
#define ZHENGCE_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Status codes
 */

typedef enum zc_status {
    ZC_OK = 0,
    ZC_ERR_NOMEM,   /* an allocation failed; the parser is unusable       */
    ZC_ERR_ARG,     /* a NULL handle or an impossible option              */
    ZC_ERR_IO,      /* a file could not be read                           */
    ZC_ERR_RULE,    /* a rule file is malformed; see zc_error for where   */
    ZC_ERR_LIMIT,   /* a hard limit was exceeded (see zc_options)         */
    ZC_ERR_ABORTED, /* a callback returned non-zero                       */
    ZC_ERR_STATE    /* call out of order: feed() after finish(), or from
                       inside a callback                                   */
} zc_status;

/* A static English description of a status, never NULL. */
const char *zc_strerror(zc_status code);

/* Where an error happened.  For rule errors `file`, `line` and `column`
 * locate the bad pattern (1-based line and column, column counted in
 * characters); for parser errors `offset` is the decoded-text offset. */
typedef struct zc_error {
    zc_status code;
    char file[256];
    unsigned line;
    unsigned column;
    size_t offset;
    char msg[256];
} zc_error;

/* ------------------------------------------------------------------------
 * Memory
 *
 * Optional allocator hooks, used for everything the library allocates,
 * PCRE2's memory included.  Pass NULL wherever a `const zc_mem *` is asked
 * for to use malloc/realloc/free.  The struct must outlive every object
 * created with it.
 */
typedef struct zc_mem {
    void *(*malloc)(size_t size, void *ud);
    void *(*realloc)(void *ptr, size_t size, void *ud);
    void (*free)(void *ptr, void *ud);
    void *ud;
} zc_mem;

/* ------------------------------------------------------------------------
 * Rules
 *
 * The regex rules of rules/ (*.rules files; format in rules/README.md).
 * Loading compiles every pattern once, JIT-compiled where the platform
 * allows, and checks each rule's inline examples.  A zc_rules is read-only
 * afterwards and may be shared between parsers and threads.
 */
typedef struct zc_rules zc_rules;

/* Load every *.rules file in `dir`, in name order.  On failure returns
 * ZC_ERR_RULE (or ZC_ERR_IO / ZC_ERR_NOMEM), leaves *out NULL and fills
 * *err (may be NULL) with the file, line and column of the first problem. */
zc_status zc_rules_load_dir(const char *dir, const zc_mem *mem, zc_rules **out,
                            zc_error *err);

/* Load one rule file. */
zc_status zc_rules_load_file(const char *path, const zc_mem *mem,
                             zc_rules **out, zc_error *err);

/* Load rules from memory; `name` is used in error messages only. */
zc_status zc_rules_load_buffer(const char *name, const char *buf, size_t len,
                               const zc_mem *mem, zc_rules **out,
                               zc_error *err);

/* Number of rules loaded. */
size_t zc_rules_count(const zc_rules *rules);

/* Release rules.  Every parser using them must have been freed first. */
void zc_rules_free(zc_rules *rules);

/* ------------------------------------------------------------------------
 * What the parser reports
 */

/* A half-open range of the decoded text. */
typedef struct zc_span {
    size_t start, end;
} zc_span;

/* A borrowed string: `ptr` is not NUL-terminated. */
typedef struct zc_str {
    const char *ptr;
    size_t len;
} zc_str;

/* A run-in enumeration inside a section: 一是…二是…, 首先…其次….  These
 * are not sections; they are listed in the section that contains them. */
typedef struct zc_item {
    zc_str marker; /* as written: "一是", "其次" */
    unsigned number;
    zc_span span; /* from the marker to the next item or the paragraph end */
} zc_item;

/* One unit named in an assignment clause, as written (tails such as
 * 按职责分工落实 or 等 removed). */
typedef struct zc_unit {
    zc_str name;
    zc_span span;
} zc_unit;

/* A responsibility clause: (牵头单位:…;责任单位:…), 由X牵头, X牵头，Y配合 … */
typedef struct zc_assignment {
    const zc_unit *lead;
    size_t n_lead;
    const zc_unit *responsible;
    size_t n_responsible;
    const zc_unit *cooperating;
    size_t n_cooperating;
    zc_str text;    /* the clause as written                               */
    zc_span span;   /* of `text`                                           */
    zc_span covers; /* the text the clause applies to                      */
    const char *rule; /* "file:line" of the rule that matched, NUL-terminated */
} zc_assignment;

/* A deadline or period.  `kind` is one of "by" (a last day), "within"
 * (a duration: 20个工作日内), "recurring" (每季度), "period" (2021—2025年),
 * "from" (自2008年5月1日起).  `date` is the last allowed day as "YYYY-MM-DD"
 * (NUL-terminated), or empty when the expression has none; `date_from` is
 * the first day of a period, or empty. */
typedef struct zc_deadline {
    zc_str text;
    zc_span span;
    const char *kind;
    char date[11];
    char date_from[11];
    double amount;    /* for "within": the number of `amount_unit`s       */
    const char *amount_unit; /* "day", "workday", "month", "year" or NULL */
    const char *rule;
} zc_deadline;

/* A percentage target or figure.  `unit` is "%" or "pp" (个百分点);
 * `op` one of ">=", "<=", "=", "~" (左右); `value_max` is set for ranges
 * (80%—90%) and equals `value` otherwise.  `kind` is "target" (a plan sets
 * it), "achieved" (a report states it) or "change" (精简10%, 提高5个百分点).
 * `metric` is the thing measured, as written, possibly empty. */
typedef struct zc_target {
    zc_str text;
    zc_span span;
    double value, value_max;
    const char *unit;
    const char *op;
    const char *kind;
    zc_str metric;
    const char *rule;
} zc_target;

/* Any other quantitative requirement: 不少于60学时, 每年至少举办2次. */
typedef struct zc_quantity {
    zc_str text;
    zc_span span;
    double value;
    zc_str unit; /* as written: "学时", "次", "项", "名" */
    const char *op;
    const char *rule;
} zc_quantity;

/* One section of the document.  Section "0" (level 0) is the text before
 * the first heading; it is always reported, possibly empty, and is the
 * root of the tree.  Sections arrive in document order, a parent before
 * its children. */
typedef struct zc_section {
    const char *id;     /* dotted path of numbers: "2.6"; NUL-terminated   */
    const char *parent; /* id of the parent, NULL for "0"                  */
    unsigned level;     /* 0 for the root, 1 for the outermost headings    */
    unsigned number;    /* the number as written: (六) is 6; 0 for root    */
    const char *style;  /* marker family: "zh_dun" (一、), "zh_paren" ((一)),
                           "num_dot" (1. 1、 1．), "num_paren" ((1)),
                           "circled" (①), "chapter", "section", "article",
                           "part"; NULL for the root                       */
    zc_str marker;      /* as written, e.g. "（一）"; empty for root        */
    zc_str heading;     /* the heading as written; ptr NULL when none      */
    zc_str text;        /* the whole section, children included            */
    size_t start, end;  /* span of `text` in the decoded document          */
    int truncated;      /* text cut at zc_options.max_section_bytes        */

    const zc_item *items;
    size_t n_items;
    const zc_assignment *assignments;
    size_t n_assignments;
    const zc_deadline *deadlines;
    size_t n_deadlines;
    const zc_target *targets;
    size_t n_targets;
    const zc_quantity *quantities;
    size_t n_quantities;
} zc_section;

/* What the document says about itself, read from the text before the
 * first section (and any web-page header there).  Strings are
 * NUL-terminated, NULL when not found. */
typedef struct zc_document {
    const char *title;         /* the document's own title                */
    const char *wrapper_title; /* the cover notice: 关于印发…的通知         */
    const char *doc_number;    /* 发文字号: 杭政办函〔2019〕68号           */
    const char *index_number;  /* 索引号 of a government-site page        */
    const char *issuer;        /* 发文机关                                 */
    const char *issue_date;    /* ISO "YYYY-MM-DD"                         */
    const char *publish_date;  /* 发布日期 of a web page, ISO              */
    const char *const *recipients; /* 主送机关, in order                    */
    size_t n_recipients;
    int year; /* the year the document is about, 0 if unknown            */
} zc_document;

/* A problem in the input that the parser repaired or worked around. */
typedef struct zc_warning {
    const char *code;    /* stable identifier: "invalid-utf8", "nul-byte",
                            "truncated-section", "match-limit", …          */
    size_t offset;       /* byte offset in the *input* for decoding
                            problems ("invalid-utf8", "truncated-utf8",
                            "invalid-encoding", "truncated-encoding",
                            "nul-byte", "binary-input"), in the decoded
                            text otherwise ("html-limit": how much text
                            there was when the page was given up;
                            "empty-input", "no-text": 0)                   */
    const char *message; /* English, NUL-terminated                        */
} zc_warning;

/* Callbacks.  Each returns 0 to go on, non-zero to abort parsing (the
 * pending feed()/finish() then returns ZC_ERR_ABORTED).  Any may be NULL.
 * `document` is called once, before the first section. */
typedef struct zc_callbacks {
    int (*document)(const zc_document *doc, void *ud);
    int (*section)(const zc_section *section, void *ud);
    int (*warning)(const zc_warning *warning, void *ud);
    /* The decoded text itself, in order, as it is produced: `offset` is the
     * decoded-text offset of buf[0].  Concatenated, the calls give exactly
     * the text every span points into (a review page needs it whole).  May
     * be NULL; most users leave it so. */
    int (*text)(const char *buf, size_t len, size_t offset, void *ud);
    void *ud;
} zc_callbacks;

/* ------------------------------------------------------------------------
 * Options
 */

/* How "2025年前" is read: as "before 2025" (last day 2024-12-31, the
 * default, the literal meaning of 前) or as "by the end of 2025". */
typedef enum zc_year_before {
    ZC_YEAR_BEFORE_EXCLUSIVE = 0,
    ZC_YEAR_BEFORE_INCLUSIVE = 1
} zc_year_before;

typedef struct zc_options {
    /* Largest top-level section kept in memory, in bytes.  Beyond it the
     * section's text is cut, the section is flagged `truncated`, a warning
     * is given, and the text up to the next section is not reported
     * (sections after it are).  Real top-level sections are well under a
     * megabyte, and the rules need about 30 bytes of working memory per
     * byte of a section.  Default 1 MiB; values under 192 bytes count as
     * 192 (the scanner's look-ahead must fit). */
    size_t max_section_bytes;
    /* Deepest section nesting; deeper markers are left in the text.
     * Default 8. */
    unsigned max_depth;
    /* PCRE2 match limit per rule application (see pcre2_set_match_limit);
     * a rule that hits it is skipped for that section with a warning.
     * Default 1,000,000. */
    uint32_t match_limit;
    /* PCRE2 heap limit in KiB.  Default 20,000. */
    uint32_t heap_limit_kib;
    /* Most warnings reported per document; later ones are counted only.
     * Default 100. */
    unsigned max_warnings;
    /* Year used for relative deadlines when the document names none;
     * 0 (default) leaves such deadlines without a date. */
    int default_year;
    zc_year_before year_before;
    /* Input encoding: NULL or "auto" (default) detects UTF-8 (with or
     * without BOM), UTF-16 with BOM (or, when ASCII-heavy, without) and
     * GB18030/GBK; "utf-8", "gb18030" (also "gbk", "gb2312", "cp936"),
     * "utf-16le", "utf-16be" force one.  Binary input (PNG, ZIP/.docx,
     * PDF, …) is recognised either way: a "binary-input" warning, no
     * sections but the empty root, and zc_parser_format() "binary". */
    const char *encoding;
    /* Input format: NULL or "auto" (default) reads the input as HTML when
     * its first KiB is plainly HTML (<!DOCTYPE html, <html or <body, or
     * three common tags such as <p> <div> <br>; a <%@ JSP page), as plain
     * text otherwise; "text" and "html" force one.  See also
     * zc_parser_set_format() for a per-document hint (a .html name). */
    const char *format;
    /* Non-zero: keep page-furniture lines and pinyin glosses in the text
     * (step 3 of OFFSETS is skipped).  Default 0. */
    int keep_debris;
    /* Non-zero: run every rule over the whole text, ignoring the anchors
     * that tell where it can match (rules/README.md).  Same output, only
     * slower: for checking a rule file's anchors.  Default 0. */
    int scan_all;
    const zc_mem *mem; /* NULL: malloc/realloc/free */
} zc_options;

/* Fill *opt with the defaults above. */
void zc_options_init(zc_options *opt);

/* ------------------------------------------------------------------------
 * The parser
 */
typedef struct zc_parser zc_parser;

/* Create a parser.  `rules` may be NULL: sections and metadata are still
 * found, nothing is extracted.  `opt` may be NULL for defaults.  The rules,
 * the options' allocator and the callbacks must outlive the parser.
 * Returns NULL when memory runs out. */
zc_parser *zc_parser_new(const zc_rules *rules, const zc_options *opt,
                         const zc_callbacks *cb);

/* Feed the next `len` bytes of the document (any chunk size, 0 allowed).
 * Callbacks for sections that are complete may run before it returns.
 * Must not be called from a callback or after zc_parser_finish(). */
zc_status zc_parser_feed(zc_parser *p, const char *buf, size_t len);

/* Signal the end of the document: the remaining sections are reported. */
zc_status zc_parser_finish(zc_parser *p);

/* The last error, or a record with code ZC_OK.  Owned by the parser. */
const zc_error *zc_parser_error(const zc_parser *p);

/* The encoding the parser decoded with, known after the first bytes (or
 * at finish for short documents): "utf-8", "gb18030", "utf-16le",
 * "utf-16be".  Static string. */
const char *zc_parser_encoding(const zc_parser *p);

/* The format the document was read as: "text", "html" (a web page,
 * converted to its text) or "binary" (not a text document: nothing was
 * extracted).  Known after the first KiB, final after finish().  Static
 * string. */
const char *zc_parser_format(const zc_parser *p);

/* Force the format ("auto", "text" or "html"; NULL is "auto") for the
 * current document only: zc_parser_reset() goes back to
 * zc_options.format.  For callers that know more than the bytes, such as
 * a file named .html.  Must be called before the first feed() of the
 * document; returns ZC_ERR_STATE after it, ZC_ERR_ARG for an unknown
 * name. */
zc_status zc_parser_set_format(zc_parser *p, const char *format);

/* SHA-256 of the bytes fed so far, as 64 lowercase hex digits and a NUL:
 * after finish(), the digest of the whole input (source.sha256). */
void zc_parser_sha256(const zc_parser *p, char out[65]);

/* Counters for the document read so far. */
typedef struct zc_stats {
    size_t input_bytes;   /* bytes fed                                   */
    size_t decoded_bytes; /* length of the decoded text                  */
    size_t replacements;  /* invalid bytes and NULs replaced by U+FFFD   */
    size_t sections;      /* sections reported, root included            */
    size_t warnings;      /* warnings raised, reported or not            */
} zc_stats;
void zc_parser_stats(const zc_parser *p, zc_stats *out);

/* Make the parser ready for the next document, keeping its memory. */
void zc_parser_reset(zc_parser *p);

void zc_parser_free(zc_parser *p);

/* One-shot convenience: parse the whole buffer.  Equivalent to new, feed,
 * finish, free.  `err` may be NULL. */
zc_status zc_extract_buffer(const zc_rules *rules, const zc_options *opt,
                            const char *buf, size_t len,
                            const zc_callbacks *cb, zc_error *err);

/* The library version, "MAJOR.MINOR.PATCH". */
const char *zc_version(void);

#ifdef __cplusplus
}
#endif

#endif /* ZHENGCE_EXTRACT_H */
