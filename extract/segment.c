/*
 * segment.c - the streaming section tree.
 *
 * Decoded text comes in by feed(); the scanner walks it one character at a
 * time, and where a numbering marker could start (after a line break, a
 * space or the end of a sentence or clause) asks scan.c what marker it is.
 * Whether that marker opens a section is decided by the numbering state,
 * never by a line break alone:
 *
 *   - a marker of a family already open at depth k is a sibling there only
 *     if it carries the next number (二、 after 一、);
 *   - a marker of a family not open is a child of the innermost section
 *     only if its family ranks below that section's (1. inside (一)) and it
 *     is number 1, or the number after the last one that family used
 *     (seed 001 numbers （一）…（二十二） straight through its 一、二、…).
 *
 * So 3.0实行 (a decimal), (2015—2020年) (a year), 小(一)型 (mid-word) and
 * a （一） quoted in a sentence (no boundary, or the wrong number) are all
 * left in the text, whether the document has one line or a thousand.
 *
 * Memory: only the current top-level section (and its descendants) is
 * kept.  When the next top-level marker arrives the whole group is handed
 * to the callback and its text dropped.  A group larger than max_bytes is
 * cut: what was read is reported with `truncated` set and reading goes on.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#define MAX_STACK 16

/* Family ranks: a child must rank strictly below its parent. */
static const unsigned style_rank[ZC_STYLE_COUNT] = {
    [ZC_STYLE_NONE] = 0,     [ZC_STYLE_PART] = 1,     [ZC_STYLE_CHAPTER] = 2,
    [ZC_STYLE_SECTION] = 3,  [ZC_STYLE_ARTICLE] = 4,  [ZC_STYLE_ZH_DUN] = 5,
    [ZC_STYLE_ZH_PAREN] = 6, [ZC_STYLE_NUM_DOT] = 7,  [ZC_STYLE_NUM_PAREN] = 8,
    [ZC_STYLE_NUM_HALF] = 9, [ZC_STYLE_CIRCLED] = 10,
};

typedef struct open_section {
    zc_style style;
    unsigned number;
    int node;          /* index in the current group, -1 once emitted */
    char id[64];
    unsigned item_next; /* next run-in item number expected         */
    int item_kind;      /* 0 none yet, 1 一是-style, 2 首先-style     */
} open_section;

struct zc_segmenter {
    const zc_mem *mem;
    size_t max_bytes;
    unsigned max_depth;
    zc_group_fn fn;
    void *ud;

    zc_buf text;    /* decoded text from `base` on                    */
    size_t base;    /* absolute offset of text.data[0]                */
    size_t pos;     /* absolute offset of the next character to scan  */
    uint32_t prev;  /* the character before pos                       */

    open_section stack[MAX_STACK];
    unsigned depth; /* entries in stack; 0: still in the preamble     */
    open_section root;

    zc_node *nodes;
    size_t n_nodes, cap_nodes;
    zc_group_item *items;
    size_t n_items, cap_items;
    int *item_owner; /* node index of each item                      */
    size_t cap_owner;

    unsigned long last_number[ZC_STYLE_COUNT];
    size_t truncations;
    zc_status status;

    /* skip_quiet()'s lookup tables; see fill_quiet_tables() */
    unsigned char plain_ascii[128]; /* plain(cp), U+0000-U+007F        */
    unsigned char plain_2000[64];   /* U+2000-U+203F: “ ” and spaces   */
    unsigned char plain_3000[64];   /* U+3000-U+303F: 、。《》〔〕       */
    unsigned char plain_ff00[64];   /* U+FF00-U+FF3F: full-width ，：） */
    unsigned char starter[(0x9FFF - 0x4E00) / 8 + 1]; /* han_starters[] */
};

static void fill_quiet_tables(zc_segmenter *s);

/* ---- lifecycle ---------------------------------------------------------- */

zc_segmenter *zc_segmenter_new(const zc_mem *mem, size_t max_bytes,
                               unsigned max_depth, zc_group_fn fn, void *ud)
{
    zc_segmenter *s = zc_malloc(mem, sizeof *s);
    if (!s)
        return NULL;
    memset(s, 0, sizeof *s);
    s->mem = mem;
    s->max_bytes = max_bytes ? max_bytes : (size_t)1 << 20;
    /* a cap must leave room for the scanner's look-ahead, or where a
     * section is cut would depend on how the input was chunked */
    if (s->max_bytes < 4 * ZC_SCAN_LOOKAHEAD)
        s->max_bytes = 4 * ZC_SCAN_LOOKAHEAD;
    s->max_depth = max_depth && max_depth < MAX_STACK ? max_depth
                                                      : MAX_STACK - 1;
    s->fn = fn;
    s->ud = ud;
    fill_quiet_tables(s);
    zc_buf_init(&s->text, mem);
    zc_segmenter_reset(s);
    return s;
}

_Static_assert(sizeof ((zc_node *)0)->id == 64 &&
                   sizeof ((zc_node *)0)->parent_id == 64 &&
                   sizeof ((open_section *)0)->id == 64,
               "copy_id and make_id write ids of 64 bytes");

/* snprintf(dst, 64, "%s", src): ids are copied for every section, and
 * snprintf was a visible share of the segmenter's time (issue 6). */
static void copy_id(char dst[64], const char *src)
{
    size_t n = strlen(src);
    if (n > 63)
        n = 63;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* snprintf(dst, 64, "%u", number), or "%.50s.%u" with a parent id; at
 * most 50 + 1 + 10 bytes, so never cut. */
static void make_id(char dst[64], const char *parent, unsigned number)
{
    size_t n = 0;
    if (parent) {
        while (n < 50 && parent[n]) {
            dst[n] = parent[n];
            n++;
        }
        dst[n++] = '.';
    }
    char digits[10];
    size_t k = 0;
    do {
        digits[k++] = (char)('0' + number % 10);
        number /= 10;
    } while (number);
    while (k)
        dst[n++] = digits[--k];
    dst[n] = '\0';
}

static bool push_node(zc_segmenter *s, size_t start, size_t marker_len,
                      zc_style style, unsigned number, unsigned level,
                      int parent, const char *id, const char *parent_id)
{
    if (!ZC_GROW(s->mem, s->nodes, s->cap_nodes, s->n_nodes + 1))
        return false;
    zc_node *n = &s->nodes[s->n_nodes++];
    memset(n, 0, sizeof *n);
    n->start = n->end = start;
    n->marker_len = marker_len;
    n->style = style;
    n->number = number;
    n->level = level;
    n->parent = parent;
    copy_id(n->id, id);
    copy_id(n->parent_id, parent_id);
    return true;
}

void zc_segmenter_reset(zc_segmenter *s)
{
    s->text.len = 0;
    s->base = s->pos = 0;
    s->prev = '\n';
    s->depth = 0;
    s->n_nodes = s->n_items = 0;
    memset(s->last_number, 0, sizeof s->last_number);
    memset(&s->root, 0, sizeof s->root);
    snprintf(s->root.id, sizeof s->root.id, "0");
    s->root.item_next = 1;
    s->truncations = 0;
    s->status = ZC_OK;
    /* the root, section "0", is node 0 of the first group */
    if (!push_node(s, 0, 0, ZC_STYLE_NONE, 0, 0, -1, "0", ""))
        s->status = ZC_ERR_NOMEM;
    s->root.node = 0;
}

void zc_segmenter_free(zc_segmenter *s)
{
    if (!s)
        return;
    zc_buf_free(&s->text);
    zc_free(s->mem, s->nodes);
    zc_free(s->mem, s->items);
    zc_free(s->mem, s->item_owner);
    zc_free(s->mem, s);
}

size_t zc_segmenter_truncations(const zc_segmenter *s)
{
    return s->truncations;
}

/* ---- headings ----------------------------------------------------------- */

#define MAX_HEADING_CHARS 100

static bool ends_heading(uint32_t cp)
{
    switch (cp) {
    case '\n':
    case 0x3002: /* 。 */
    case 0xFF01: case '!':
    case 0xFF1F: case '?':
    case 0xFF1B: case ';':
    case 0xFF1A: case ':':
    case '|':
        return true;
    default:
        return false;
    }
}

void zc_section_heading(zc_style style, const char *s, size_t n,
                        size_t *hstart, size_t *hlen)
{
    size_t i = 0;
    uint32_t cp;
    int len;
    *hstart = 0;
    *hlen = 0;
    if (style == ZC_STYLE_ARTICLE || style == ZC_STYLE_NONE)
        return; /* 第X条 is a paragraph of law text, not a heading */
    while (i < n && (len = zc_utf8_decode(s + i, n - i, &cp)) > 0 &&
           zc_is_space(cp) && cp != '\n')
        i += (size_t)len;
    size_t start = i, last_end = i;
    unsigned chars = 0, run = 0;
    bool structural = style == ZC_STYLE_PART || style == ZC_STYLE_CHAPTER ||
                      style == ZC_STYLE_SECTION;
    while (i < n) {
        unsigned char b = (unsigned char)s[i];
        if (b >= 0xE4 && b <= 0xE9 && n - i >= 3) {
            /* U+4000-U+9FFF, most of a heading: a word character (what
             * the general case below decides, without its calls) */
            run++;
            last_end = i + 3;
            if (++chars > MAX_HEADING_CHARS)
                return;
            i += 3;
            continue;
        }
        if ((len = zc_utf8_decode(s + i, n - i, &cp)) <= 0)
            break;
        if (ends_heading(cp))
            break;
        if (zc_is_space(cp)) {
            /* "依法全面履行政府职能 （一）…" on one line: a space after a
             * few words ends the heading; "总    则" is one heading */
            if (!structural && run >= 3)
                break;
        } else {
            run++;
            last_end = i + (size_t)len;
        }
        if (++chars > MAX_HEADING_CHARS)
            return;
        i += (size_t)len;
    }
    if (i >= n && !structural && n - start > 0 && chars > 40)
        return; /* ran to the section's end: a paragraph, not a heading */
    *hstart = start;
    *hlen = last_end - start;
}

/* ---- emitting a group ----------------------------------------------------- */

static size_t trim_end(const char *text, size_t base, size_t start,
                       size_t end)
{
    while (end > start) {
        size_t p = zc_utf8_prev(text, end - base) + base;
        uint32_t cp;
        if (!zc_utf8_decode(text + (p - base), end - p, &cp) ||
            !zc_is_space(cp))
            break;
        end = p;
    }
    return end;
}

static size_t line_end(const char *text, size_t base, size_t from, size_t to)
{
    const char *nl = memchr(text + (from - base), '\n', to - from);
    return nl ? (size_t)(nl - text) + base : to;
}

static zc_status emit_group(zc_segmenter *s)
{
    if (s->n_nodes == 0)
        return ZC_OK;
    const char *text = s->text.data ? s->text.data : "";
    /* trim and fill in item ends, per node.  An item belongs to the
     * innermost section open when it was read, and a section is never the
     * innermost again once one inside it opened: so each node's items are
     * one run in s->items, after those of the nodes before it (what
     * first_item and n_items say), and one pass over them does. */
    size_t k = 0;
    for (size_t i = 0; i < s->n_nodes; i++) {
        zc_node *n = &s->nodes[i];
        n->end = trim_end(text, s->base, n->start, n->end);
        size_t own_end = n->end;
        if (i + 1 < s->n_nodes && s->nodes[i + 1].parent == (int)i)
            own_end = s->nodes[i + 1].start;
        n->first_item = 0;
        n->n_items = 0;
        for (; k < s->n_items && s->item_owner[k] == (int)i; k++) {
            zc_group_item *it = &s->items[k];
            if (it->marker_start + it->marker_len > n->end) {
                /* a marker the section's cut (max_bytes) goes through is
                 * not an item: its span could not hold its marker (found
                 * by tests/fuzz/fuzz_extract.c); later ones are past the
                 * cut too */
                s->item_owner[k] = -1;
                continue;
            }
            if (!n->n_items)
                n->first_item = k;
            n->n_items++;
            bool last = k + 1 >= s->n_items || s->item_owner[k + 1] != (int)i;
            size_t end = last ? line_end(text, s->base, it->marker_start,
                                         own_end)
                              : s->items[k + 1].marker_start;
            it->end = trim_end(text, s->base, it->marker_start, end);
        }
    }
    zc_group g = {s->nodes, s->n_nodes, s->items, text, s->base, s->text.len};
    int rc = s->fn ? s->fn(&g, s->ud) : 0;
    s->n_nodes = 0;
    s->n_items = 0;
    return rc ? ZC_ERR_ABORTED : ZC_OK;
}

/* Drop text before absolute offset `to`. */
static void drop_text(zc_segmenter *s, size_t to)
{
    if (to <= s->base)
        return;
    zc_buf_consume(&s->text, to - s->base);
    s->base = to;
}

/* ---- the numbering state --------------------------------------------------- */

static open_section *innermost(zc_segmenter *s)
{
    return s->depth ? &s->stack[s->depth - 1] : &s->root;
}

/* A 第X条 reference rather than a heading: 第十条规定, 第二十条第(一)项. */
static bool is_reference_tail(uint32_t cp)
{
    switch (cp) {
    case 0x7684: /* 的 */ case 0x3001: /* 、 */ case 0x548C: /* 和 */
    case 0x81F3: /* 至 */ case 0x7B2C: /* 第 */ case 0x4E2D: /* 中 */
    case 0x6240: /* 所 */ case 0x4E4B: /* 之 */ case 0x6216: /* 或 */
    case 0x89C4: /* 规 */ case 0x53CA: /* 及 */ case 0x6B3E: /* 款 */
    case 0x9879: /* 项 */ case 0x660E: /* 明 */ case 0x3011: /* 】 */
    case 0x300B: /* 》 */ case '(': case 0xFF08: case ',': case 0xFF0C:
        return true;
    default:
        return false;
    }
}

/* 附件：1．… is a list of attachments, not sections. */
static bool after_attachment_label(zc_segmenter *s, size_t at)
{
    const char *t = s->text.data;
    size_t i = at - s->base;
    while (i > 0) {
        size_t p = zc_utf8_prev(t, i);
        uint32_t cp;
        zc_utf8_decode(t + p, i - p, &cp);
        if (!(zc_is_space(cp) && cp != '\n') && cp != ':' && cp != 0xFF1A)
            break;
        i = p;
    }
    static const char label[] = "\xE9\x99\x84\xE4\xBB\xB6"; /* 附件 */
    return i >= 6 && memcmp(t + i - 6, label, 6) == 0 && i < at - s->base;
}

/* Try to open a section for marker m at absolute offset `at`.  Returns
 * true if it did. */
static bool accept_marker(zc_segmenter *s, size_t at, const zc_marker *m,
                          bool line_start)
{
    /* a family already open: only its next number is a sibling */
    for (unsigned k = s->depth; k-- > 0;) {
        if (s->stack[k].style != m->style)
            continue;
        /* the next number; at the start of a line, where a heading is
         * unmistakable, one number may have been skipped by the author */
        if (m->number != s->stack[k].number + 1 &&
            !(line_start && m->number == s->stack[k].number + 2))
            return false;
        if (after_attachment_label(s, at))
            return false;
        /* close k and everything inside it */
        for (unsigned j = k; j < s->depth; j++)
            if (s->stack[j].node >= 0)
                s->nodes[s->stack[j].node].end = at;
        s->depth = k;
        goto open;
    }
    {
        open_section *top = innermost(s);
        if (s->depth >= s->max_depth)
            return false;
        if (s->depth && style_rank[m->style] <= style_rank[top->style])
            return false;
        if (m->number != 1 && m->number != s->last_number[m->style] + 1)
            return false;
        if (m->number != 1 && s->last_number[m->style] == 0)
            return false;
        if (after_attachment_label(s, at))
            return false;
    }
open:
    if (s->depth == 0) {
        /* a new top-level section: the previous group is complete.  The
         * root travels with the first section, whose text can tell the
         * document's year when the preamble does not. */
        bool root_only = s->n_nodes == 1 && s->nodes[0].level == 0;
        if (root_only)
            s->nodes[0].end = at;
        else {
            if ((s->status = emit_group(s)) != ZC_OK)
                return true;
            drop_text(s, at);
        }
    }
    {
        open_section *parent = innermost(s);
        open_section *o = &s->stack[s->depth];
        memset(o, 0, sizeof *o);
        o->style = m->style;
        o->number = (unsigned)m->number;
        o->item_next = 1;
        make_id(o->id, s->depth ? parent->id : NULL, o->number);
        int pnode = s->depth ? parent->node : -1;
        o->node = (int)s->n_nodes;
        if (!push_node(s, at, m->len, m->style, o->number, s->depth + 1, pnode,
                       o->id, s->depth ? parent->id : "0")) {
            s->status = ZC_ERR_NOMEM;
            return true;
        }
        s->depth++;
        s->last_number[m->style] = m->number;
    }
    return true;
}

static bool item_boundary(uint32_t cp)
{
    return zc_marker_boundary(cp) || cp == 0xFF0C || cp == ',' ||
           cp == 0x3001;
}

static void try_item(zc_segmenter *s, size_t at, const char *p, size_t n,
                     bool final)
{
    zc_marker m;
    if (zc_scan_item(p, n, final, &m) != ZC_SCAN_YES)
        return;
    open_section *o = innermost(s);
    /* 一是-style runs and 首先/其次-style runs do not mix */
    uint32_t c0 = 0;
    zc_utf8_decode(p, n, &c0);
    int kind = (c0 == 0x9996 || c0 == 0x5176 || c0 == 0x518D || c0 == 0x6700)
                   ? 2
                   : 1;
    unsigned number = (unsigned)m.number;
    if (kind == 2 && number == 0) { /* 最后 ends a 首先 run */
        if (o->item_kind != 2 || o->item_next < 3)
            return;
        number = o->item_next;
    }
    if (number != o->item_next || (o->item_kind && o->item_kind != kind))
        return;
    if (o->node < 0)
        return; /* the section was already cut and reported */
    if (!ZC_GROW(s->mem, s->items, s->cap_items, s->n_items + 1) ||
        !ZC_GROW(s->mem, s->item_owner, s->cap_owner, s->n_items + 1)) {
        s->status = ZC_ERR_NOMEM;
        return;
    }
    zc_group_item *it = &s->items[s->n_items];
    it->marker_start = at;
    it->marker_len = m.len;
    it->end = at + m.len;
    it->number = number;
    s->item_owner[s->n_items++] = o->node;
    o->item_kind = kind;
    o->item_next = number + 1;
}

/* Is `at` still inside the heading of the innermost open section: a few
 * words after its marker, no sentence end yet?  Then a （一） there is its
 * first sub-section glued on in a text without line breaks
 * (一、总体要求（一）指导思想。…), not a （一） inside a sentence. */
static bool in_heading(const zc_segmenter *s, size_t at)
{
    if (s->depth == 0)
        return false;
    const open_section *o = &s->stack[s->depth - 1];
    if (o->node < 0)
        return false;
    const zc_node *n = &s->nodes[o->node];
    size_t from = n->start + n->marker_len;
    if (at < from || at - from > 90 || from < s->base)
        return false;
    const char *t = s->text.data + (from - s->base);
    size_t len = at - from, i = 0, chars = 0;
    while (i < len) {
        uint32_t cp;
        int l = zc_utf8_decode(t + i, len - i, &cp);
        if (l <= 0)
            return false;
        switch (cp) {
        case '\n': case 0x3002: case 0xFF1B: case ';': case 0xFF1A:
        case ':': case 0xFF0C: case ',': case '(': case 0xFF08:
        case 0x201C: case 0x300A: /* “ 《: a quotation, not a heading */
            return false;
        default:
            break;
        }
        i += (size_t)l;
        chars++;
    }
    return chars >= 2;
}

/* Not an item_boundary(): after such a character only 第 or an opening
 * parenthesis (glued to a heading) can start a marker.  Han and most
 * other CJK code points answer without the switch. */
static inline bool plain(uint32_t cp)
{
    if (cp >= 0x3016 && cp <= 0xFEFE)
        return true;
    if (cp >= 'A' && cp <= 'z' && cp != '[' && cp != ']' && cp != '|')
        return true;
    return !item_boundary(cp);
}

/* Han characters a marker (第, a Chinese numeral) or a run-in item
 * (一是, 首先 其次 再次 最后) can start with; see scan.c, numeral.c.
 * fill_quiet_tables() makes a bitmap of them for han_starter(). */
static const uint16_t han_starters[] = {
    0x4E00, 0x4E8C, 0x4E24, 0x4E09, 0x56DB, 0x4E94, /* 一 二 两 三 四 五 */
    0x516D, 0x4E03, 0x516B, 0x4E5D, 0x96F6,         /* 六 七 八 九 零    */
    0x5341, 0x767E, 0x5343,                         /* 十 百 千          */
    0x7B2C,                                         /* 第                */
    0x9996, 0x5176, 0x518D, 0x6700,                 /* 首 其 再 最       */
};

/* Is cp, a Han character (U+4E00-U+9FFF), one of han_starters[]? */
static inline bool han_starter(const zc_segmenter *s, uint32_t cp)
{
    uint32_t i = cp - 0x4E00;
    return s->starter[i >> 3] >> (i & 7) & 1;
}

/* Is cp a Han character no marker or item starts with? */
static inline bool quiet_han(const zc_segmenter *s, uint32_t cp)
{
    return cp >= 0x4E00 && cp <= 0x9FFF && !han_starter(s, cp);
}

/* plain(cp) from the tables for the punctuation most text has. */
static inline bool plain_fast(const zc_segmenter *s, uint32_t cp)
{
    if (cp < 0x80)
        return s->plain_ascii[cp];
    switch (cp >> 6) {
    case 0x2000 >> 6:
        return s->plain_2000[cp & 63];
    case 0x3000 >> 6:
        return s->plain_3000[cp & 63];
    case 0xFF00 >> 6:
        return s->plain_ff00[cp & 63];
    default:
        return plain(cp);
    }
}

/* Filled once per segmenter from plain() and han_starters[] themselves,
 * so the tables cannot disagree with them. */
static void fill_quiet_tables(zc_segmenter *s)
{
    for (uint32_t c = 0; c < 128; c++)
        s->plain_ascii[c] = plain(c);
    for (uint32_t c = 0; c < 64; c++) {
        s->plain_2000[c] = plain(0x2000 + c);
        s->plain_3000[c] = plain(0x3000 + c);
        s->plain_ff00[c] = plain(0xFF00 + c);
    }
    memset(s->starter, 0, sizeof s->starter);
    for (size_t k = 0; k < sizeof han_starters / sizeof han_starters[0];
         k++) {
        uint32_t i = han_starters[k] - 0x4E00u;
        s->starter[i >> 3] |= (unsigned char)(1u << (i & 7));
    }
}

/* ---- the scanner's fast path ---------------------------------------------- */

/*
 * scan()'s per-character path does something at a character c only if
 *
 *   (a) c is 第, ( or （, which may start a marker after any character
 *       (第四章 glued to a sentence, a （一） glued to a heading); or
 *   (b) the character before c is an item_boundary() and c is not
 *       quiet_han(): not a Han character (U+4E00-U+9FFF) outside
 *       han_starters[].
 *
 * Otherwise: no boundary before c, so neither zc_scan_marker nor
 * zc_scan_item is asked, or c is a Han character no marker or item starts
 * with, which that path skips first thing.  skip_quiet() steps over such
 * characters, which is most of the text, leaving `prev` as that path
 * would, and stops where (a) or (b) holds, at an incomplete character, or
 * at `stop`, the first position the look-ahead rule does not let scan()
 * look at yet.
 */

/* 16 bytes at a time where SSE2 is there (every x86-64).  han_run(s)
 * says how many bytes from s (a character start, 18 bytes readable) are
 * characters with lead bytes E4-EE (U+4000-U+EFFF: never a boundary)
 * other than 第 (E7 AC AC), counting only such characters that start in
 * the first 16 bytes.  They are all 3 bytes long, so the answer is a
 * multiple of 3: below 16 where a character that needs a look ends the
 * run, 18 when the whole block is such characters (the last ending two
 * bytes past it).  Like the rest of the segmenter it relies on the text
 * being valid UTF-8, which decode.c guarantees.  han_run_scalar() is its
 * twin; tests/unit/test_segment_fast.c checks they agree. */
#define HAN_RUN_NEED 18

/* 第 (dì) at s? */
static inline bool is_di(const char *s)
{
    return (unsigned char)s[0] == 0xE7 && (unsigned char)s[1] == 0xAC &&
           (unsigned char)s[2] == 0xAC;
}

/* (unused where SSE2 is, but for the test: clang would warn) */
__attribute__((unused)) static inline size_t han_run_scalar(const char *s)
{
    size_t i = 0;
    while (i < 16 && (unsigned char)s[i] >= 0xE4 &&
           (unsigned char)s[i] <= 0xEE && !is_di(s + i))
        i += 3;
    return i;
}

#ifdef __SSE2__
#include <emmintrin.h>

static inline size_t han_run(const char *s)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
    __m128i x1 = _mm_loadu_si128((const __m128i *)(const void *)(s + 1));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(const void *)(s + 2));
    /* as signed bytes: E4-EE are -28 to -18, 80-BF below -64 */
    __m128i lead = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(-29)),
                                 _mm_cmplt_epi8(x, _mm_set1_epi8(-17)));
    __m128i cont = _mm_cmplt_epi8(x, _mm_set1_epi8(-64));
    __m128i di = _mm_and_si128(
        _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xE7)),
        _mm_and_si128(_mm_cmpeq_epi8(x1, _mm_set1_epi8((char)0xAC)),
                      _mm_cmpeq_epi8(x2, _mm_set1_epi8((char)0xAC))));
    /* bytes that are neither part of such a character nor 第's lead;
     * the first of them starts a character (it is no continuation
     * byte), so the run ends there */
    unsigned bad = ~(unsigned)_mm_movemask_epi8(_mm_or_si128(lead, cont)) |
                   (unsigned)_mm_movemask_epi8(di);
    bad &= 0xFFFF;
    if (bad)
        return (size_t)__builtin_ctz(bad);
    /* all 16 bytes: the run ends with the last character starting here,
     * up to two bytes past the block */
    unsigned l = (unsigned)_mm_movemask_epi8(lead);
    return (size_t)(31 - __builtin_clz(l)) + 3;
}
#else
static inline size_t han_run(const char *s)
{
    return han_run_scalar(s);
}
#endif

/* Move s->pos (and s->prev) over the characters from s->pos on, up to
 * absolute offset `stop_at`, where scan()'s per-character path would do
 * nothing; see above. */
static void skip_quiet(zc_segmenter *s, size_t stop_at)
{
    const char *t = s->text.data;
    const char *q = t + (s->pos - s->base);
    const char *stop = t + (stop_at - s->base);
    const char *end = t + s->text.len;
    const char *last = NULL; /* the last character stepped over */
    bool after_boundary = !plain_fast(s, s->prev);
    while (q < stop) {
        uint32_t cp;
        int len;
        if (!after_boundary && stop - q >= HAN_RUN_NEED) {
            size_t k = han_run(q);
            if (k) {
                last = q + k - 3;
                q += k;
            }
            if (k == HAN_RUN_NEED)
                continue; /* the whole block; on to the next */
            /* else q is at the character that ended the run, before stop */
        }
        len = zc_utf8_decode(q, (size_t)(end - q), &cp);
        if (len <= 0)
            break;
        if (after_boundary) {
            if (!quiet_han(s, cp)) /* (b) */
                break;
            after_boundary = false;
        } else {
            if (cp == '(' || cp == 0xFF08 || cp == 0x7B2C) /* (a) */
                break;
            after_boundary = !plain_fast(s, cp);
        }
        last = q;
        q += len;
    }
    if (last) {
        zc_utf8_decode(last, (size_t)(q - last), &s->prev);
        s->pos = s->base + (size_t)(q - t);
    }
}

/* tests/unit/test_segment_fast.c compiles this file a second time with
 * ZC_SEGMENT_REFERENCE defined: without skip_quiet(), every character
 * through the path below, as the reference the fast path must match. */
#ifdef ZC_SEGMENT_REFERENCE
#define USE_SKIP_QUIET 0
#else
#define USE_SKIP_QUIET 1
#endif

/* Scan forward as far as the look-ahead allows. */
static void scan(zc_segmenter *s, bool final)
{
    size_t end = s->base + s->text.len;
    while (s->pos < end && s->status == ZC_OK) {
        size_t avail = end - s->pos;
        if (!final && avail < ZC_SCAN_LOOKAHEAD)
            break;
        size_t stop = final ? end : end - ZC_SCAN_LOOKAHEAD + 1;
        if (USE_SKIP_QUIET) {
            skip_quiet(s, stop);
            if (s->pos >= stop)
                break;
        }
        avail = end - s->pos;
        const char *t = s->text.data;
        const char *p = t + (s->pos - s->base);
        uint32_t cp;
        int len = zc_utf8_decode(p, avail, &cp);
        if (len == 0) {
            len = 1;
            cp = 0xFFFD;
        }
        /* after a boundary, mostly a Han character no marker or run-in
         * item starts with: zc_scan_marker and zc_scan_item would say no */
        if (quiet_han(s, cp)) {
            s->prev = cp;
            s->pos += (size_t)len;
            continue;
        }
        zc_marker m;
        bool boundary = zc_marker_boundary(s->prev) || s->prev == '\n';
        bool glued = !boundary && (cp == '(' || cp == 0xFF08) &&
                     in_heading(s, s->pos);
        if ((boundary || glued || cp == 0x7B2C /* 第 */) &&
            zc_scan_marker(p, avail, final, &m) == ZC_SCAN_YES) {
            bool ok = boundary || glued;
            if (m.style == ZC_STYLE_ARTICLE || m.style == ZC_STYLE_CHAPTER ||
                m.style == ZC_STYLE_SECTION || m.style == ZC_STYLE_PART) {
                uint32_t next = 0;
                zc_utf8_decode(p + m.len, avail - m.len, &next);
                if (is_reference_tail(next))
                    ok = false;
                else if (!boundary && zc_is_space(next))
                    ok = true; /* "…抽检。第四章  轮    换第二十二条  " */
            } else if (m.style == ZC_STYLE_NONE) {
                ok = false;
            }
            if (ok && accept_marker(s, s->pos, &m, s->prev == '\n')) {
                if (s->status != ZC_OK)
                    return;
                t = s->text.data; /* drop_text may have moved it */
                /* the marker's last character becomes prev */
                size_t mend = s->pos + m.len;
                size_t lp = zc_utf8_prev(t, mend - s->base);
                zc_utf8_decode(t + lp, mend - s->base - lp, &s->prev);
                s->pos = mend;
                continue;
            }
        }
        if (!plain_fast(s, s->prev)) /* item_boundary(s->prev) */
            try_item(s, s->pos, p, avail, final);
        s->prev = cp;
        s->pos += (size_t)len;
    }
}

/* The group outgrew max_bytes: report what it has, cut. */
static void cut_group(zc_segmenter *s)
{
    for (unsigned k = 0; k < s->depth; k++) {
        if (s->stack[k].node >= 0) {
            s->nodes[s->stack[k].node].end = s->pos;
            s->nodes[s->stack[k].node].truncated = true;
            s->stack[k].node = -1;
        }
    }
    if (s->depth == 0 && s->root.node >= 0) {
        s->nodes[s->root.node].end = s->pos;
        s->nodes[s->root.node].truncated = true;
        s->root.node = -1;
    }
    s->truncations++;
    s->status = emit_group(s);
    drop_text(s, s->pos);
}

zc_status zc_segmenter_feed(zc_segmenter *s, const char *text, size_t len)
{
    if (s->status != ZC_OK)
        return s->status;
    /* append in slices so a huge chunk cannot overshoot the cap by much */
    while (len) {
        size_t room = s->max_bytes > s->text.len ? s->max_bytes - s->text.len
                                                 : 0;
        size_t take = len < room ? len : room;
        if (take == 0)
            take = len < 4096 ? len : 4096;
        if (!zc_buf_append(&s->text, text, take))
            return s->status = ZC_ERR_NOMEM;
        text += take;
        len -= take;
        scan(s, false);
        if (s->status != ZC_OK)
            return s->status;
        if (s->text.len >= s->max_bytes) {
            /* keep the look-ahead tail so a marker is not split */
            cut_group(s);
            if (s->status != ZC_OK)
                return s->status;
        }
    }
    return ZC_OK;
}

zc_status zc_segmenter_finish(zc_segmenter *s)
{
    if (s->status != ZC_OK)
        return s->status;
    scan(s, true);
    if (s->status != ZC_OK)
        return s->status;
    size_t end = s->base + s->text.len;
    for (unsigned k = 0; k < s->depth; k++)
        if (s->stack[k].node >= 0)
            s->nodes[s->stack[k].node].end = end;
    if (s->depth == 0 && s->root.node >= 0 && s->n_nodes)
        s->nodes[0].end = end;
    s->status = emit_group(s);
    return s->status;
}
