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
    unsigned char class_ascii[128]; /* char_class(), U+0000-U+007F     */
    unsigned char class_2000[64];   /* U+2000-U+203F: “ ” and spaces   */
    unsigned char class_3000[64];   /* U+3000-U+303F: 、。《》〔〕       */
    unsigned char class_ff00[64];   /* U+FF00-U+FF3F: full-width ，：） */
    uint64_t starter[(0xA000 - 0x4000) / 64]; /* han_starters[], from U+4000 */
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
    /* field by field (the ids are strings): a memset of the whole node
     * was a rep stos, a third of accept_marker's time */
    n->start = n->end = start;
    n->marker_len = marker_len;
    n->style = style;
    n->number = number;
    n->level = level;
    n->parent = parent;
    n->truncated = false;
    n->first_item = n->n_items = 0;
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
        o->style = m->style;
        o->number = (unsigned)m->number;
        o->item_next = 1;
        o->item_kind = 0;
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
#define MAX_HEADING_GLUE 90

static bool in_heading(const zc_segmenter *s, size_t at)
{
    if (s->depth == 0)
        return false;
    const open_section *o = &s->stack[s->depth - 1];
    if (o->node < 0)
        return false;
    const zc_node *n = &s->nodes[o->node];
    size_t from = n->start + n->marker_len;
    if (at < from || at - from > MAX_HEADING_GLUE || from < s->base)
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

/* An offset from which on, as long as no section opens or closes,
 * in_heading() is false: for skip_quiet(), which knows ( and （ need no
 * look there unless after a boundary. */
static size_t in_heading_until(const zc_segmenter *s)
{
    if (s->depth == 0)
        return 0;
    const open_section *o = &s->stack[s->depth - 1];
    if (o->node < 0)
        return 0;
    const zc_node *n = &s->nodes[o->node];
    size_t from = n->start + n->marker_len;
    return from < s->base ? 0 : from + MAX_HEADING_GLUE + 1;
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

/* Is cp, a Han character (U+4E00-U+9FFF), one of han_starters[]?  The
 * bitmap has a word for every 64 code points from U+4000 on, which is
 * what a lead byte E4-E9 and the next byte say; see han_at_may_start(). */
static inline bool han_starter(const zc_segmenter *s, uint32_t cp)
{
    uint32_t i = cp - 0x4000;
    return s->starter[i >> 6] >> (i & 63) & 1;
}

/* Is cp a Han character no marker or item starts with? */
static inline bool quiet_han(const zc_segmenter *s, uint32_t cp)
{
    return cp >= 0x4E00 && cp <= 0x9FFF && !han_starter(s, cp);
}

/* May zc_scan_marker() or zc_scan_item() (scan.c) say yes at a character
 * cp?  Only if it is ( or （, a digit (ASCII or full-width), ①-⒇ or
 * ⑴-⒇, 〇 or ○ (numeral.c), or one of han_starters[].  For any other,
 * both say no whatever follows; test_segment_fast.c checks that. */
static bool may_start(const zc_segmenter *s, uint32_t cp)
{
    if (cp >= 0x4E00 && cp <= 0x9FFF)
        return han_starter(s, cp);
    return cp == '(' || cp == 0xFF08 || (cp >= '0' && cp <= '9') ||
           (cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0x2460 && cp <= 0x2487) ||
           cp == 0x3007 || cp == 0x25CB;
}

/* What scan() needs to know of a character, as bits. */
enum {
    CC_BOUNDARY = 1, /* an item_boundary(): what follows is looked at   */
    CC_START = 2,    /* may_start(): a marker or item may start here    */
    CC_ANYWHERE = 4, /* 第: a marker may start here after anything     */
    CC_PAREN = 8,    /* ( （: and after anything in a heading          */
    CC_UNUSUAL = 16, /* class_at(): not in its tables                 */
};

static unsigned char_class_slow(const zc_segmenter *s, uint32_t cp)
{
    return (plain(cp) ? 0 : CC_BOUNDARY) | (may_start(s, cp) ? CC_START : 0) |
           (cp == 0x7B2C ? CC_ANYWHERE : 0) |
           (cp == '(' || cp == 0xFF08 ? CC_PAREN : 0);
}

/* char_class_slow() from the tables for the punctuation most text has. */
static inline unsigned char_class(const zc_segmenter *s, uint32_t cp)
{
    if (cp < 0x80)
        return s->class_ascii[cp];
    switch (cp >> 6) {
    case 0x2000 >> 6:
        return s->class_2000[cp & 63];
    case 0x3000 >> 6:
        return s->class_3000[cp & 63];
    case 0xFF00 >> 6:
        return s->class_ff00[cp & 63];
    default: /* mostly Han, which is plain */
        return quiet_han(s, cp) ? 0 : char_class_slow(s, cp);
    }
}

/* Filled once per segmenter from han_starters[] and char_class_slow(), so
 * the tables cannot disagree with them. */
static void fill_quiet_tables(zc_segmenter *s)
{
    memset(s->starter, 0, sizeof s->starter);
    for (size_t k = 0; k < sizeof han_starters / sizeof han_starters[0];
         k++) {
        uint32_t i = han_starters[k] - 0x4000u;
        s->starter[i >> 6] |= (uint64_t)1 << (i & 63);
    }
    for (uint32_t c = 0; c < 128; c++)
        s->class_ascii[c] = (unsigned char)char_class_slow(s, c);
    for (uint32_t c = 0; c < 64; c++) {
        s->class_2000[c] = (unsigned char)char_class_slow(s, 0x2000 + c);
        s->class_3000[c] = (unsigned char)char_class_slow(s, 0x3000 + c);
        s->class_ff00[c] = (unsigned char)char_class_slow(s, 0xFF00 + c);
    }
}

/* ---- the scanner's fast path ---------------------------------------------- */

/*
 * scan()'s per-character path does something at a character c only if
 *
 *   (a) c is 第, which may start a marker after any character (第四章
 *       glued to a sentence), or ( or （ in_heading() (a （一） glued to
 *       a heading); or
 *   (b) the character before c is an item_boundary() and c may_start()
 *       a marker or a run-in item.
 *
 * Otherwise: no boundary before c, so neither zc_scan_marker nor
 * zc_scan_item is asked, or both are and say no.  skip_quiet() steps
 * over such characters, which is most of the text, leaving `prev` as that
 * path would, and stops where (a) or (b) holds, at an incomplete
 * character, or at `stop`, the first position the look-ahead rule does
 * not let scan() look at yet.
 */

/* Where SSE2 is there (every x86-64), 64 bytes at a time: mark_block()
 * finds in one go what in a block needs a look, so skip_block() walks
 * only those positions (one in six characters in government text, where
 * a ， or 、 comes every few words) with table lookups, and never reloads
 * the block.  For the characters that start in the 64 bytes at q (a
 * character start, QUIET_BLOCK_READ bytes readable):
 *
 *   look  bit i: the character at q[i] has a lead byte other than E4-EE,
 *         or starts with E7 AC.  The others (U+4000-U+EFFF but for
 *         U+7B00-U+7B3F, 3 bytes, most of the text) are never a boundary
 *         or a marker that may start anywhere; only after a boundary
 *         does one of them matter.  E7 AC starts 第 (E7 AC AC), and a
 *         few others (符 笔) that cost a look but change nothing.
 *   next  offset of the first character that starts at or after q[64]
 *         (64-66).
 *
 * Like the rest of the segmenter it relies on the text being valid UTF-8,
 * which decode.c guarantees.  mark_block_scalar() is its twin;
 * tests/unit/test_segment_fast.c checks they agree. */
#define QUIET_BLOCK 64
#define QUIET_BLOCK_READ 80

typedef struct block_marks {
    uint64_t look;
    unsigned next;
} block_marks;

static inline bool is_cont(unsigned char b)
{
    return (b & 0xC0) == 0x80;
}

/* (unused where SSE2 is, but for the test: clang would warn) */
__attribute__((unused)) static inline block_marks
mark_block_scalar(const char *q)
{
    const unsigned char *u = (const unsigned char *)q;
    block_marks m = {0, QUIET_BLOCK};
    for (unsigned i = 0; i < QUIET_BLOCK; i++) {
        if (!is_cont(u[i]) &&
            (u[i] < 0xE4 || u[i] > 0xEE || (u[i] == 0xE7 && u[i + 1] == 0xAC)))
            m.look |= (uint64_t)1 << i;
    }
    while (is_cont(u[m.next]))
        m.next++;
    return m;
}

#ifdef __SSE2__
#include <emmintrin.h>

static inline __m128i load16(const char *p)
{
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/* look for the 16 bytes at q (17 readable) */
static inline uint64_t mark_16(const char *q)
{
    __m128i x = load16(q), x1 = load16(q + 1);
    /* as signed bytes 80-BF are below -64; E4-EE, moved down by 0x64,
     * are -128 to -118 */
    __m128i cont = _mm_cmplt_epi8(x, _mm_set1_epi8(-64));
    __m128i lead = _mm_cmplt_epi8(_mm_sub_epi8(x, _mm_set1_epi8(0x64)),
                                  _mm_set1_epi8(-117));
    __m128i e7ac =
        _mm_and_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xE7)),
                      _mm_cmpeq_epi8(x1, _mm_set1_epi8((char)0xAC)));
    __m128i quiet = _mm_andnot_si128(e7ac, _mm_or_si128(cont, lead));
    return ~(uint32_t)_mm_movemask_epi8(quiet) & 0xFFFF;
}

static inline block_marks mark_block(const char *q)
{
    block_marks m;
    m.look = mark_16(q) | mark_16(q + 16) << 16 | mark_16(q + 32) << 32 |
             mark_16(q + 48) << 48;
    /* the continuation bytes of a character that runs past the block */
    uint32_t cont = (uint32_t)_mm_movemask_epi8(
        _mm_cmplt_epi8(load16(q + QUIET_BLOCK), _mm_set1_epi8(-64)));
    m.next = QUIET_BLOCK + (unsigned)__builtin_ctz(~cont);
    return m;
}
#else
static inline block_marks mark_block(const char *q)
{
    return mark_block_scalar(q);
}
#endif

/* May a marker or item start with the character at p, whose lead byte is
 * E4-EE? */
static inline bool han_at_may_start(const zc_segmenter *s, const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    /* U+4000-U+9FFF have lead bytes E4-E9; with the next byte that
     * picks the word of 64 code points, and the last byte the bit */
    unsigned row = (unsigned)(u[0] - 0xE4) << 6 | (u[1] & 63);
    return u[0] <= 0xE9 && s->starter[row] >> (u[2] & 63) & 1;
}

/* char_class() of the character at p, a look position of a block, and
 * its length, straight from the tables; CC_UNUSUAL for characters they
 * do not cover (第, é, ①, 😀), which skip_quiet() looks at one by one. */
static inline unsigned class_at(const zc_segmenter *s, const char *p,
                                unsigned *len)
{
    const unsigned char *u = (const unsigned char *)p;
    *len = 3;
    if (u[0] < 0x80) {
        *len = 1;
        return s->class_ascii[u[0]];
    }
    /* U+3000-U+303F, U+FF00-U+FF3F and U+2000-U+203F: E3 80, EF BC and
     * E2 80, then 80-BF */
    if (u[0] == 0xE3 && u[1] == 0x80)
        return s->class_3000[u[2] & 63];
    if (u[0] == 0xEF && u[1] == 0xBC)
        return s->class_ff00[u[2] & 63];
    if (u[0] == 0xE2 && u[1] == 0x80)
        return s->class_2000[u[2] & 63];
    return CC_UNUSUAL;
}

/* How skip_block() ended. */
enum block_end {
    BLOCK_DONE,    /* all of it stepped over                            */
    BLOCK_HALT,    /* at a character where (a) or (b) holds             */
    BLOCK_UNUSUAL, /* at a CC_UNUSUAL character, for the one-by-one path */
};

/* Does (b) hold at b[i], the character after a boundary (BLOCK_HALT), or
 * is it one for the one-by-one path (BLOCK_UNUSUAL)? */
static inline enum block_end after_boundary_at(const zc_segmenter *s,
                                               const char *b, unsigned i,
                                               uint64_t look)
{
    if (!(look >> i & 1))
        return han_at_may_start(s, b + i) ? BLOCK_HALT : BLOCK_DONE;
    unsigned len;
    unsigned cls = class_at(s, b + i, &len);
    return cls & CC_UNUSUAL ? BLOCK_UNUSUAL
           : cls & CC_START ? BLOCK_HALT
                            : BLOCK_DONE;
}

/* Step over the characters that start in the block at *q, as the loop in
 * skip_quiet() would, *after_boundary saying whether the character before
 * *q is a boundary.  Leaves *q at the first character after the block, or
 * at the character the returned block_end names, and *after_boundary
 * saying whether the character before *q is a boundary. */
static inline enum block_end skip_block(const zc_segmenter *s,
                                        const char **q, bool *after_boundary,
                                        const char *heading_end)
{
    const char *b = *q;
    block_marks m = mark_block(b);
    if (*after_boundary) {
        enum block_end e = after_boundary_at(s, b, 0, m.look);
        if (e != BLOCK_DONE)
            return e;
        *after_boundary = false;
    }
    for (uint64_t look = m.look; look; look &= look - 1) {
        unsigned i = (unsigned)__builtin_ctzll(look), len;
        unsigned cls = class_at(s, b + i, &len);
        if (cls & (CC_PAREN | CC_UNUSUAL) &&
            (cls & CC_UNUSUAL || b + i < heading_end)) {
            /* (a) at ( or （ in a heading; 第 is one of the unusual */
            *q = b + i;
            return cls & CC_UNUSUAL ? BLOCK_UNUSUAL : BLOCK_HALT;
        }
        if (!(cls & CC_BOUNDARY))
            continue;
        unsigned next = i + len;
        *q = b + next;
        *after_boundary = true;
        if (next >= QUIET_BLOCK)
            return BLOCK_DONE;
        enum block_end e = after_boundary_at(s, b, next, m.look);
        if (e != BLOCK_DONE)
            return e;
        *after_boundary = false;
    }
    *q = b + m.next;
    return BLOCK_DONE;
}

/* Move s->pos (and s->prev) over the characters from s->pos on, up to
 * absolute offset `stop_at`, where scan()'s per-character path would do
 * nothing; see above. */
static void skip_quiet(zc_segmenter *s, size_t stop_at)
{
    const char *t = s->text.data;
    const char *from = t + (s->pos - s->base);
    const char *q = from;
    const char *stop = t + (stop_at - s->base);
    const char *end = t + s->text.len;
    /* where blocks may start: a whole block before stop, and all it
     * reads before end */
    const char *blocks_end = q;
    if (stop - q >= QUIET_BLOCK && end - q >= QUIET_BLOCK_READ) {
        blocks_end = stop - QUIET_BLOCK + 1;
        if (end - QUIET_BLOCK_READ + 1 < blocks_end)
            blocks_end = end - QUIET_BLOCK_READ + 1;
    }
    /* in_heading() is false from here on */
    size_t glue = in_heading_until(s);
    glue = glue > s->base ? glue - s->base : 0;
    const char *heading_end = t + (glue < s->text.len ? glue : s->text.len);
    bool after_boundary = char_class(s, s->prev) & CC_BOUNDARY;
    while (q < stop) {
        if (q < blocks_end) {
            /* a loop of its own, without calls, so the constants of
             * mark_block() stay in registers */
            enum block_end e;
            do
                e = skip_block(s, &q, &after_boundary, heading_end);
            while (e == BLOCK_DONE && q < blocks_end);
            if (e == BLOCK_HALT)
                break;
            if (e == BLOCK_DONE)
                continue;
        }
        uint32_t cp;
        int len = zc_utf8_decode(q, (size_t)(end - q), &cp);
        if (len <= 0)
            break;
        unsigned cls = char_class(s, cp);
        if (cls & CC_ANYWHERE || (cls & CC_PAREN && q < heading_end) ||
            (after_boundary && cls & CC_START))
            break; /* (a) or (b) */
        after_boundary = cls & CC_BOUNDARY;
        q += len;
    }
    if (q != from) {
        size_t last = zc_utf8_prev(t, (size_t)(q - t));
        zc_utf8_decode(t + last, (size_t)(q - t) - last, &s->prev);
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
        if (char_class(s, s->prev) & CC_BOUNDARY)
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
