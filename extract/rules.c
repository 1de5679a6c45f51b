/*
 * rules.c - rule files: reading, compiling, checking their examples.
 *
 * The format is documented in rules/README.md; in short, line-oriented:
 *
 *   # comment
 *   field: deadlines              (optional; else from the file name)
 *   define YEAR = \d{4}           (a fragment, used as {{YEAR}})
 *   rule year_end
 *   pattern: (?<value>(?<y>{{YEAR}})年(?<end>底|末)前?)
 *   kind: by
 *   match: 2023年底前完成 => 2023年底前
 *   nomatch: 截至2020年底
 *
 * Everything is compiled once, before any input is read (as pcre2grep
 * does), JIT-compiled where the platform allows and silently interpreted
 * where it does not.  A rule's inline examples are run at load time: a
 * rule that does not do what its own examples say is a load error, with
 * the file and line of the example, so a user adding a region's variant
 * finds out at once.  Errors in patterns are reported at the file, line
 * and column (in characters) of the offending character, like
 * "rules/deadline.rules:12:7: missing closing parenthesis".
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "internal.h"

#include <pcre2.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DUP 4 /* same group name used in several alternatives */

struct zc_rules {
    const zc_mem *mem;
    pcre2_general_context *gctx;
    zc_rule *rules;
    size_t n, cap;
    uint32_t max_captures;
    zc_anchors *anchors; /* every rule's anchor literals (anchor.c) */
};

size_t zc_rules_count(const zc_rules *r)
{
    return r ? r->n : 0;
}

size_t zc_rules_n(const zc_rules *r)
{
    return r ? r->n : 0;
}

const zc_rule *zc_rules_at(const zc_rules *r, size_t i)
{
    return &r->rules[i];
}

uint32_t zc_rules_max_captures(const zc_rules *r)
{
    return r->max_captures;
}

const zc_anchors *zc_rules_anchors(const zc_rules *r)
{
    return r ? r->anchors : NULL;
}

/* ---- PCRE2 memory through zc_mem ------------------------------------- */

static void *pcre_malloc(PCRE2_SIZE n, void *ud)
{
    const zc_mem *m = ud;
    return m->malloc(n ? n : 1, m->ud);
}

static void pcre_free(void *p, void *ud)
{
    const zc_mem *m = ud;
    if (p)
        m->free(p, m->ud);
}

void *zc_pcre2_gctx(const zc_mem *mem)
{
    return pcre2_general_context_create(pcre_malloc, pcre_free,
                                        (void *)mem);
}

/* ---- names ------------------------------------------------------------ */

static const char *const gname[ZC_G_COUNT] = {
    "value", "body", "list", "lead", "resp", "coop", "scope",
    "y", "m", "d", "y2", "m2", "d2", "q", "q2", "h", "end", "pre",
    "n", "u", "fyp", "num", "num2", "unit"};

static const char *const field_name[ZC_FIELD_COUNT] = {
    "assignments", "deadlines", "targets", "quantities", "mask"};

static const struct {
    const char *name;
    zc_rtype type;
    unsigned fields; /* bit per zc_field where the type is allowed */
} type_names[] = {
    {"item", ZC_RT_ITEM, 0x1F},
    {"label", ZC_RT_LABEL, 1u << ZC_FIELD_ASSIGNMENTS},
    {"tail", ZC_RT_TAIL, 1u << ZC_FIELD_ASSIGNMENTS},
    {"unitname", ZC_RT_UNITNAME, 1u << ZC_FIELD_ASSIGNMENTS},
    {"joiner", ZC_RT_JOINER, 1u << ZC_FIELD_ASSIGNMENTS},
    {"leadmark", ZC_RT_LEADMARK, 1u << ZC_FIELD_ASSIGNMENTS},
    {"shared-head", ZC_RT_SHAREDHEAD, 1u << ZC_FIELD_ASSIGNMENTS},
    {"convention", ZC_RT_CONVENTION, 1u << ZC_FIELD_ASSIGNMENTS},
    {"header", ZC_RT_HEADER, 1u << ZC_FIELD_ASSIGNMENTS},
    {"column", ZC_RT_COLUMN, 1u << ZC_FIELD_ASSIGNMENTS},
    {"op", ZC_RT_OP, (1u << ZC_FIELD_TARGETS) | (1u << ZC_FIELD_QUANTITIES)},
    {"change", ZC_RT_CHANGE, 1u << ZC_FIELD_TARGETS},
    {"achieved", ZC_RT_ACHIEVED, 1u << ZC_FIELD_TARGETS},
    {"planned", ZC_RT_PLANNED, 1u << ZC_FIELD_TARGETS},
    {"review-heading", ZC_RT_REVIEW, 1u << ZC_FIELD_TARGETS},
    {"metric-cut", ZC_RT_METRIC_CUT, 1u << ZC_FIELD_TARGETS},
    {"metric-trim", ZC_RT_METRIC_TRIM, 1u << ZC_FIELD_TARGETS},
};

/* Attribute values are kept as static strings, so the emitter and the
 * matcher can hand them out without copies. */
static const char *const kinds_deadline[] = {"by", "within", "recurring",
                                             "period", "from", NULL};
static const char *const kinds_target[] = {"target", "achieved", "change",
                                           NULL};
static const char *const ops[] = {">=", "<=", "=", "~", ">", "<", NULL};
static const char *const target_units[] = {"%", "pp", NULL};
static const char *const duration_units[] = {
    "day", "workday", "month", "year", "hour", "week", "quarter", NULL};

static const char *pick(const char *const *set, const char *v)
{
    for (size_t i = 0; set[i]; i++)
        if (!strcmp(set[i], v))
            return set[i];
    return NULL;
}

/* ---- errors ----------------------------------------------------------- */

typedef struct loader {
    zc_rules *r;
    const char *path;      /* as given, for messages  */
    const char *base;      /* file name, for "where"   */
    zc_error *err;
    zc_field field;
    bool field_set;
    /* defines of the current file */
    struct define {
        char *name, *text;
    } *defs;
    size_t n_defs, cap_defs;
    /* the rule being read */
    zc_rule *cur;
    unsigned cur_line;
    char *pat;             /* expanded pattern                       */
    size_t pat_len, pat_cap;
    /* where each piece of the expanded pattern came from */
    struct seg {
        size_t off, len;   /* in the expanded pattern                */
        unsigned line;
        const char *src;   /* the source line                        */
        size_t src_off;    /* byte offset of the piece in that line  */
        bool expansion;    /* a {{NAME}}: errors point at the name   */
    } *segs;
    size_t n_segs, cap_segs;
    char **lines;          /* the file's lines, kept for columns     */
    size_t n_lines;
} loader;

/* Column (1-based, in characters) of byte `byte_off` of `line`.  Counts
 * lead bytes one at a time, so a line cut inside a character can never
 * make it step over the terminating NUL. */
static unsigned char_col(const char *line, size_t byte_off)
{
    unsigned col = 1;
    for (size_t i = 0; i < byte_off && line[i]; i++)
        if (((unsigned char)line[i] & 0xC0) != 0x80)
            col++;
    return col;
}

static zc_status fail_at(loader *L, zc_status code, unsigned line,
                         unsigned col, const char *fmt, ...)
{
    if (L->err) {
        memset(L->err, 0, sizeof *L->err);
        L->err->code = code;
        snprintf(L->err->file, sizeof L->err->file, "%s", L->path);
        L->err->line = line;
        L->err->column = col;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(L->err->msg, sizeof L->err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

static zc_status nomem(loader *L)
{
    return fail_at(L, ZC_ERR_NOMEM, 0, 0, "out of memory");
}

/* ---- rule list ---------------------------------------------------------- */

static void rule_free(const zc_mem *mem, zc_rule *ru)
{
    zc_free(mem, ru->name);
    zc_free(mem, ru->where);
    if (ru->code)
        pcre2_code_free(ru->code);
    for (size_t i = 0; i < ru->n_examples; i++) {
        zc_free(mem, ru->examples[i].input);
        zc_free(mem, ru->examples[i].expect);
    }
    zc_free(mem, ru->examples);
    zc_free(mem, ru->anchors);
    memset(ru, 0, sizeof *ru);
}

void zc_rules_free(zc_rules *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        rule_free(r->mem, &r->rules[i]);
    zc_free(r->mem, r->rules);
    zc_anchors_free(r->anchors);
    if (r->gctx)
        pcre2_general_context_free(r->gctx);
    zc_free(r->mem, r);
}

static zc_rules *rules_new(const zc_mem *mem)
{
    mem = mem ? mem : &zc_default_mem;
    zc_rules *r = zc_malloc(mem, sizeof *r);
    if (!r)
        return NULL;
    memset(r, 0, sizeof *r);
    r->mem = mem;
    r->gctx = zc_pcre2_gctx(mem);
    r->anchors = zc_anchors_new(mem);
    if (!r->gctx || !r->anchors) {
        zc_rules_free(r);
        return NULL;
    }
    return r;
}

/* ---- pattern assembly --------------------------------------------------- */

static bool pat_put(loader *L, const char *s, size_t n, unsigned line,
                    const char *src, size_t src_off, bool expansion)
{
    const zc_mem *mem = L->r->mem;
    if (!ZC_GROW(mem, L->pat, L->pat_cap, L->pat_len + n + 1) ||
        !ZC_GROW(mem, L->segs, L->cap_segs, L->n_segs + 1))
        return false;
    struct seg *g = &L->segs[L->n_segs++];
    g->off = L->pat_len;
    g->len = n;
    g->line = line;
    g->src = src;
    g->src_off = src_off;
    g->expansion = expansion;
    memcpy(L->pat + L->pat_len, s, n);
    L->pat_len += n;
    L->pat[L->pat_len] = '\0';
    return true;
}

static const struct define *find_define(const loader *L, const char *name,
                                        size_t n)
{
    for (size_t i = 0; i < L->n_defs; i++)
        if (strlen(L->defs[i].name) == n && !memcmp(L->defs[i].name, name, n))
            return &L->defs[i];
    return NULL;
}

/* Append the pattern text `s` (from source line `line`, starting at byte
 * `src_off` of `src`), expanding {{NAME}} references. */
static zc_status pat_add(loader *L, const char *s, unsigned line,
                         const char *src, size_t src_off)
{
    size_t i = 0, lit = 0, n = strlen(s);
    while (i < n) {
        if (s[i] == '\\' && i + 1 < n) { /* never expand after a backslash */
            i += 2;
            continue;
        }
        if (s[i] == '{' && i + 1 < n && s[i + 1] == '{') {
            size_t j = i + 2;
            while (j < n && (s[j] == '_' || (s[j] >= 'A' && s[j] <= 'Z') ||
                             (s[j] >= 'a' && s[j] <= 'z') ||
                             (s[j] >= '0' && s[j] <= '9')))
                j++;
            if (j + 1 < n && s[j] == '}' && s[j + 1] == '}' && j > i + 2) {
                const struct define *d = find_define(L, s + i + 2, j - i - 2);
                if (!d)
                    return fail_at(L, ZC_ERR_RULE, line,
                                   char_col(src, src_off + i + 2),
                                   "unknown define '%.*s'", (int)(j - i - 2),
                                   s + i + 2);
                if (!pat_put(L, s + lit, i - lit, line, src, src_off + lit,
                             false) ||
                    !pat_put(L, "(?:", 3, line, src, src_off + i, true) ||
                    !pat_put(L, d->text, strlen(d->text), line, src,
                             src_off + i, true) ||
                    !pat_put(L, ")", 1, line, src, src_off + i, true))
                    return nomem(L);
                i = lit = j + 2;
                continue;
            }
        }
        i++;
    }
    if (!pat_put(L, s + lit, n - lit, line, src, src_off + lit, false))
        return nomem(L);
    return ZC_OK;
}

/* Compile the assembled pattern; on error, report where it came from. */
static pcre2_code *compile(loader *L, uint32_t options, zc_status *st)
{
    int ec;
    PCRE2_SIZE eo;
    pcre2_compile_context *cc = pcre2_compile_context_create(L->r->gctx);
    if (!cc) {
        *st = nomem(L);
        return NULL;
    }
    pcre2_code *code =
        pcre2_compile((PCRE2_SPTR)L->pat, L->pat_len,
                      PCRE2_UTF | PCRE2_DUPNAMES | options, &ec, &eo, cc);
    pcre2_compile_context_free(cc);
    if (code) {
        *st = ZC_OK;
        return code;
    }
    if (ec == PCRE2_ERROR_HEAP_FAILED) {
        *st = nomem(L);
        return NULL;
    }
    char msg[200];
    pcre2_get_error_message(ec, (PCRE2_UCHAR *)msg, sizeof msg);
    unsigned line = L->cur_line, col = 1;
    for (size_t k = 0; k < L->n_segs; k++) {
        const struct seg *g = &L->segs[k];
        bool last = k + 1 == L->n_segs;
        if (eo >= g->off && (eo < g->off + g->len || last)) {
            line = g->line;
            size_t inside = g->expansion ? 0 : eo - g->off;
            col = char_col(g->src, g->src_off + inside);
            break;
        }
    }
    *st = fail_at(L, ZC_ERR_RULE, line, col, "%s", msg);
    return NULL;
}

/* ---- examples ----------------------------------------------------------- */

/* Run `ru` over the folded `input`; with `expect`, succeed (1) when some
 * match's value (mapped back to the input as written) equals it; without,
 * succeed when nothing matches.  `got` receives the first value found.
 * Returns 0 on a mismatch, -1 when memory ran out, -2 when the example hit
 * the match limits the parser uses by default (zc_options_init): a
 * catastrophic pattern such as (a+)+$ must not pass its nomatch: example
 * because the search gave up; -3 when the expected match does not start
 * in a window of the rule's anchors (anchor.c). */
static int run_example(const zc_rules *r, const zc_rule *ru,
                        const char *input, const char *expect, char *got,
                        size_t gotsz)
{
    got[0] = '\0';
    zc_fold f;
    zc_fold_init(&f, r->mem);
    if (!zc_fold_text(&f, input, strlen(input))) {
        zc_fold_free(&f);
        return -1;
    }
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(ru->code,
                                                                r->gctx);
    pcre2_match_context *mc = pcre2_match_context_create(r->gctx);
    if (!md || !mc) {
        pcre2_match_data_free(md);
        pcre2_match_context_free(mc);
        zc_fold_free(&f);
        return -1;
    }
    pcre2_set_match_limit(mc, 1000000);
    pcre2_set_depth_limit(mc, 1000000);
    pcre2_set_heap_limit(mc, 20000);
    bool oom = false, limit = false;
    bool found = false, any = false, uncovered = false;
    size_t off = 0;
    while (off <= f.len) {
        int rc = pcre2_match(ru->code, (PCRE2_SPTR)f.text, f.len, off,
                             PCRE2_NO_UTF_CHECK, md, mc);
        if (rc == PCRE2_ERROR_NOMEMORY)
            oom = true;
        if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
            rc == PCRE2_ERROR_HEAPLIMIT)
            limit = true;
        if (rc < 0)
            break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        size_t s = ov[0], e = ov[1];
        for (int k = 0; k < MAX_DUP && ru->grp[ZC_G_VALUE]; k++) {
            unsigned g = (ru->grp[ZC_G_VALUE] >> (8 * k)) & 0xFF;
            if (g && ov[2 * g] != PCRE2_UNSET) {
                s = ov[2 * g];
                e = ov[2 * g + 1];
                break;
            }
        }
        size_t a = zc_fold_src_start(&f, s), b = zc_fold_src_end(&f, e);
        if (b < a)
            b = a;
        if (!any)
            snprintf(got, gotsz, "%.*s", (int)(b - a), input + a);
        any = true;
        if (expect && strlen(expect) == b - a && !memcmp(expect, input + a,
                                                         b - a)) {
            found = true;
            uncovered = ru->n_anchors &&
                        !zc_anchor_covers(ru, r->anchors, f.text, f.len,
                                          ov[0]);
            break;
        }
        if (ov[1] > off)
            off = ov[1];
        else { /* empty match: step one character */
            off += off < f.len ? (size_t)zc_utf8_len(
                                     (unsigned char)f.text[off])
                               : 1;
        }
    }
    pcre2_match_data_free(md);
    pcre2_match_context_free(mc);
    zc_fold_free(&f);
    if (oom)
        return -1;
    if (limit && !found)
        return -2;
    if (uncovered)
        return -3;
    return expect ? found : !any;
}

/* ---- reading a file ----------------------------------------------------- */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static zc_field field_from_name(const char *base, bool *ok)
{
    static const struct {
        const char *prefix;
        zc_field f;
    } map[] = {{"unit", ZC_FIELD_ASSIGNMENTS},
               {"assignment", ZC_FIELD_ASSIGNMENTS},
               {"deadline", ZC_FIELD_DEADLINES},
               {"target", ZC_FIELD_TARGETS},
               {"quantit", ZC_FIELD_QUANTITIES},
               {"mask", ZC_FIELD_MASK}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strncmp(base, map[i].prefix, strlen(map[i].prefix))) {
            *ok = true;
            return map[i].f;
        }
    *ok = false;
    return ZC_FIELD_ASSIGNMENTS;
}

static zc_status finish_inner(loader *L, zc_rule *ru);

/* Before trying a start position PCRE2 looks for the pattern's last
 * required code unit (the % of 按…的5%), and that search runs on to the
 * end of the subject: for a rule run over anchor windows, the whole
 * section.  Where the unit is an ASCII character that does not end every
 * anchor (% for a rule anchored on 按), each window may read on for pages
 * (a required byte of a CJK character is found within a few characters
 * anyway; and a pattern that starts with an ASCII character is not tried
 * at all in a window without one).  Such a rule does better without
 * start optimizations, which save little in a window. */
static bool far_required_unit(const loader *L, const zc_rule *ru,
                              pcre2_code *code)
{
    bool windowed = ru->type == ZC_RT_ITEM || ru->type == ZC_RT_CONVENTION ||
                    ru->type == ZC_RT_HEADER;
    uint32_t type = 0, unit = 0;
    if (!windowed || !ru->n_anchors ||
        pcre2_pattern_info(code, PCRE2_INFO_LASTCODETYPE, &type) != 0 ||
        type == 0 ||
        pcre2_pattern_info(code, PCRE2_INFO_LASTCODEUNIT, &unit) != 0 ||
        unit >= 0x80)
        return false;
    uint32_t first_type = 0, first = 0x80;
    if (pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODETYPE, &first_type) ==
            0 &&
        first_type == 1 &&
        pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODEUNIT, &first) == 0 &&
        first < 0x80)
        return false;
    const zc_anchors *a = L->r->anchors;
    for (size_t k = 0; k < ru->n_anchors; k++) {
        const char *lit = zc_anchors_literal(a, ru->anchors[k]);
        if ((unsigned char)lit[strlen(lit) - 1] != unit)
            return true;
    }
    return false;
}

/* Finish the rule being read: compile, look up its groups, check it.  A
 * rule that fails is released here. */
static zc_status finish_rule(loader *L)
{
    zc_rule *ru = L->cur;
    if (!ru)
        return ZC_OK;
    L->cur = NULL;
    zc_status st = finish_inner(L, ru);
    if (st != ZC_OK)
        rule_free(L->r->mem, ru);
    return st;
}

static zc_status finish_inner(loader *L, zc_rule *ru)
{
    if (!L->pat_len)
        return fail_at(L, ZC_ERR_RULE, L->cur_line, 1,
                       "rule '%s' has no pattern", ru->name);
    if ((ru->reach || ru->anchor_behind || ru->numeral) && !ru->n_anchors)
        return fail_at(L, ZC_ERR_RULE, L->cur_line, 1,
                       "rule '%s': '%s:' without 'anchor:'", ru->name,
                       ru->reach           ? "reach"
                       : ru->anchor_behind ? "anchor-behind"
                                           : "numeral");
    zc_status st;
    /* the matcher bounds where a match may start with an offset limit
     * (anchor windows, anchored word-class lookups: PCRE2_ANCHORED at
     * match time would send the JIT back to the interpreter), which the
     * JIT must know of at compile time */
    pcre2_code *code = compile(L, PCRE2_USE_OFFSET_LIMIT, &st);
    /* (?m)^ first (FIRSTCODETYPE 2, pcre2_pattern_info(3)): only at the
     * text's start or after a LF (where LF is the newline: the text's
     * only one, decode.c makes CR LF and CR one).
     * Read before a recompile without start optimisations, which no
     * longer reports it. */
    uint32_t first_type = 0, newline = 0;
    ru->line_start =
        code &&
        pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODETYPE, &first_type) ==
            0 &&
        first_type == 2 &&
        pcre2_pattern_info(code, PCRE2_INFO_NEWLINE, &newline) == 0 &&
        newline == PCRE2_NEWLINE_LF;
    if (code && far_required_unit(L, ru, code)) {
        pcre2_code_free(code);
        code = compile(L, PCRE2_USE_OFFSET_LIMIT | PCRE2_NO_START_OPTIMIZE,
                       &st);
    }
    if (!code)
        return st;
    ru->code = code;
    /* without JIT here (or for this pattern) the interpreter will do */
    ru->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &ru->captures);
    if (ru->captures > 254)
        return fail_at(L, ZC_ERR_RULE, L->cur_line, 1,
                       "rule '%s' has more than 254 groups", ru->name);
    if (ru->captures > L->r->max_captures)
        L->r->max_captures = ru->captures;
    /* named groups: known names only, up to MAX_DUP uses of each */
    uint32_t count, esize;
    PCRE2_SPTR table;
    pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &esize);
    pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
    for (uint32_t i = 0; i < count; i++) {
        PCRE2_SPTR e = table + (size_t)i * esize;
        int num = (e[0] << 8) | e[1];
        const char *nm = (const char *)e + 2;
        int k = 0;
        while (k < ZC_G_COUNT && strcmp(gname[k], nm))
            k++;
        if (k == ZC_G_COUNT)
            return fail_at(L, ZC_ERR_RULE, L->cur_line, 1,
                           "rule '%s': unknown group name '%s' (known: "
                           "value, body, list, lead, resp, coop, scope, y, "
                           "m, d, y2, m2, d2, q, q2, h, end, pre, n, u, fyp, "
                           "num, num2, unit)",
                           ru->name, nm);
        int slot = 0;
        while (slot < MAX_DUP && ((ru->grp[k] >> (8 * slot)) & 0xFF))
            slot++;
        if (slot == MAX_DUP)
            return fail_at(L, ZC_ERR_RULE, L->cur_line, 1,
                           "rule '%s': group '%s' used more than %d times",
                           ru->name, nm, MAX_DUP);
        ru->grp[k] |= (uint32_t)num << (8 * slot);
    }
    /* per field: what an item rule must provide */
    if (ru->type == ZC_RT_ITEM) {
        if (ru->field == ZC_FIELD_DEADLINES && !ru->kind)
            return fail_at(L, ZC_ERR_RULE, L->cur_line, 1,
                           "rule '%s': a deadline rule needs 'kind:'",
                           ru->name);
        if (ru->field == ZC_FIELD_TARGETS && !ru->grp[ZC_G_NUM])
            return fail_at(L, ZC_ERR_RULE, L->cur_line, 1,
                           "rule '%s': a target rule needs a (?<num>…) "
                           "group",
                           ru->name);
        if (ru->field == ZC_FIELD_QUANTITIES &&
            (!ru->grp[ZC_G_NUM] || !ru->grp[ZC_G_UNIT]))
            return fail_at(L, ZC_ERR_RULE, L->cur_line, 1,
                           "rule '%s': a quantity rule needs (?<num>…) and "
                           "(?<unit>…) groups",
                           ru->name);
        if (ru->field == ZC_FIELD_ASSIGNMENTS && !ru->grp[ZC_G_BODY] &&
            !ru->grp[ZC_G_LIST] && !ru->grp[ZC_G_LEAD] &&
            !ru->grp[ZC_G_RESP] && !ru->grp[ZC_G_COOP])
            return fail_at(L, ZC_ERR_RULE, L->cur_line, 1,
                           "rule '%s': an assignment rule needs a body, "
                           "list, lead, resp or coop group",
                           ru->name);
    }
    if ((ru->type == ZC_RT_LABEL) && ru->role == ZC_ROLE_NONE)
        return fail_at(L, ZC_ERR_RULE, L->cur_line, 1,
                       "rule '%s': a label needs 'role:'", ru->name);
    if (ru->type == ZC_RT_CONVENTION && ru->convention == ZC_CONV_NONE)
        return fail_at(L, ZC_ERR_RULE, L->cur_line, 1,
                       "rule '%s': a convention needs 'convention:'",
                       ru->name);
    if (ru->type == ZC_RT_OP && !ru->op)
        return fail_at(L, ZC_ERR_RULE, L->cur_line, 1,
                       "rule '%s': an op rule needs 'op:'", ru->name);
    L->r->n++; /* the rule is complete: keep it */
    return ZC_OK;
}

static zc_status check_examples(loader *L, size_t first)
{
    for (size_t i = first; i < L->r->n; i++) {
        const zc_rule *ru = &L->r->rules[i];
        for (size_t k = 0; k < ru->n_examples; k++) {
            const zc_rule_example *ex = &ru->examples[k];
            char got[256];
            int ok = run_example(L->r, ru, ex->input, ex->expect, got,
                                 sizeof got);
            if (ok == -1)
                return nomem(L);
            if (ok == -2)
                return fail_at(L, ZC_ERR_RULE, ex->line, 1,
                               "rule '%s': example hits the match limit "
                               "(catastrophic backtracking?)",
                               ru->name);
            if (ok == -3)
                return fail_at(L, ZC_ERR_RULE, ex->line, 1,
                               "rule '%s': the match '%s' does not start "
                               "within 'reach: %u' characters of an anchor%s",
                               ru->name, ex->expect, ru->reach,
                               ru->numeral ? " with a numeral as near as "
                                             "'numeral:' says"
                                           : "");
            if (ok == 1)
                continue;
            if (ex->expect && got[0])
                return fail_at(L, ZC_ERR_RULE, ex->line, 1,
                               "rule '%s': example gives '%s', expected '%s'",
                               ru->name, got, ex->expect);
            if (ex->expect)
                return fail_at(L, ZC_ERR_RULE, ex->line, 1,
                               "rule '%s': example does not match: %s",
                               ru->name, ex->input);
            return fail_at(L, ZC_ERR_RULE, ex->line, 1,
                           "rule '%s': nomatch example matches '%s'",
                           ru->name, got);
        }
    }
    return ZC_OK;
}

static zc_status add_example(loader *L, unsigned line, const char *v,
                             bool positive)
{
    zc_rule *ru = L->cur;
    const zc_mem *mem = L->r->mem;
    size_t cap = ru->n_examples; /* grow one at a time: examples are few */
    zc_rule_example *ex = zc_realloc(mem, ru->examples,
                                     (cap + 1) * sizeof *ex);
    if (!ex)
        return nomem(L);
    ru->examples = ex;
    zc_rule_example *e = &ex[ru->n_examples];
    memset(e, 0, sizeof *e);
    e->line = line;
    const char *arrow = positive ? strstr(v, " => ") : NULL;
    size_t in_len = arrow ? (size_t)(arrow - v) : strlen(v);
    e->input = zc_strndup(mem, v, in_len);
    if (positive)
        e->expect = arrow ? zc_strndup(mem, arrow + 4, strlen(arrow + 4))
                          : zc_strndup(mem, v, in_len);
    if (!e->input || (positive && !e->expect)) {
        zc_free(mem, e->input);
        zc_free(mem, e->expect);
        return nomem(L);
    }
    ru->n_examples++;
    return ZC_OK;
}

/* numeral: before 6 | after 13 unbroken | before 3 after 1 */
static bool set_numeral(zc_rule *ru, const char *v)
{
    unsigned *side = NULL;
    ru->numeral = true;
    ru->numeral_unbroken = false;
    ru->numeral_before = ru->numeral_after = 0;
    for (const char *p = v; *p;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        if (!strcmp(p, "unbroken") && side) {
            ru->numeral_unbroken = true;
            break;
        }
        if (!strncmp(p, "before ", 7) && !ru->numeral_before) {
            side = &ru->numeral_before;
            p += 7;
        } else if (!strncmp(p, "after ", 6) && !ru->numeral_after) {
            side = &ru->numeral_after;
            p += 6;
        } else {
            return false;
        }
        char *end;
        long n = strtol(p, &end, 10);
        if (end == p || n < 1 || n > 64)
            return false;
        *side = (unsigned)n;
        p = end;
    }
    return side != NULL;
}

/* anchor: 季度|半年 - literals as the rules see text (folded: % not ％,
 * simplified characters), numbered in the rules' zc_anchors. */
static zc_status set_anchors(loader *L, unsigned line, const char *v,
                             size_t vcol)
{
    zc_rule *ru = L->cur;
    const zc_mem *mem = L->r->mem;
    const char *p = v;
    for (;;) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        unsigned col = (unsigned)vcol + char_col(v, (size_t)(p - v)) - 1;
        zc_fold f;
        zc_fold_init(&f, mem);
        if (!zc_fold_text(&f, p, n)) {
            zc_fold_free(&f);
            return nomem(L);
        }
        bool folded = f.len == n && !memcmp(f.text, p, n);
        zc_fold_free(&f);
        if (n == 0 || zc_utf8_valid_prefix(p, n) != n)
            return fail_at(L, ZC_ERR_RULE, line, col,
                           "empty or broken anchor literal");
        if (!folded)
            return fail_at(L, ZC_ERR_RULE, line, col,
                           "anchor '%.*s' is not written as rules see "
                           "text (half-width ASCII, simplified characters: "
                           "rules/README.md)",
                           (int)n, p);
        int id = zc_anchors_add(L->r->anchors, p, n);
        if (id == -2)
            return nomem(L);
        if (id < 0)
            return fail_at(L, ZC_ERR_RULE, line, col,
                           "anchor '%.*s': not usable (outside the BMP, "
                           "longer than %d bytes, or more than %d anchors "
                           "in all)",
                           (int)n, p, ZC_MAX_ANCHOR_LEN, ZC_MAX_ANCHORS);
        size_t cap = ru->n_anchors; /* a few per rule: grow one by one */
        uint16_t *ids = zc_realloc(mem, ru->anchors,
                                   (cap + 1) * sizeof *ids);
        if (!ids)
            return nomem(L);
        ru->anchors = ids;
        ru->anchors[ru->n_anchors++] = (uint16_t)id;
        ru->anchor_bits[id / 64] |= (uint64_t)1 << (id % 64);
        if (!bar)
            return ZC_OK;
        p = bar + 1;
    }
}

static zc_status set_attr(loader *L, unsigned line, const char *key,
                          const char *v, size_t vcol)
{
    zc_rule *ru = L->cur;
    const char *ok = NULL;
    if (!strcmp(key, "type")) {
        for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
            if (!strcmp(type_names[i].name, v) &&
                (type_names[i].fields & (1u << ru->field))) {
                ru->type = type_names[i].type;
                return ZC_OK;
            }
        return fail_at(L, ZC_ERR_RULE, line, (unsigned)vcol,
                       "type '%s' is not known for %s rules", v,
                       field_name[ru->field]);
    }
    if (!strcmp(key, "kind")) {
        if (ru->field == ZC_FIELD_DEADLINES)
            ok = ru->kind = pick(kinds_deadline, v);
        else if (ru->field == ZC_FIELD_TARGETS)
            ok = ru->kind = pick(kinds_target, v);
    } else if (!strcmp(key, "op")) {
        ok = ru->op = pick(ops, v);
    } else if (!strcmp(key, "unit")) {
        if (ru->field == ZC_FIELD_TARGETS)
            ok = ru->unit = pick(target_units, v);
        else if (ru->field == ZC_FIELD_DEADLINES)
            ok = ru->amount_unit = pick(duration_units, v);
    } else if (!strcmp(key, "role")) {
        ru->role = !strcmp(v, "lead")          ? ZC_ROLE_LEAD
                   : !strcmp(v, "responsible") ? ZC_ROLE_RESP
                   : !strcmp(v, "cooperating") ? ZC_ROLE_COOP
                                               : ZC_ROLE_NONE;
        ok = ru->role != ZC_ROLE_NONE ? v : NULL;
    } else if (!strcmp(key, "convention")) {
        ru->convention = !strcmp(v, "first-is-lead") ? ZC_CONV_FIRST_IS_LEAD
                         : !strcmp(v, "responsible-is-lead")
                             ? ZC_CONV_RESP_IS_LEAD
                             : ZC_CONV_NONE;
        ok = ru->convention != ZC_CONV_NONE ? v : NULL;
    } else if (!strcmp(key, "fields")) {
        char buf[128];
        snprintf(buf, sizeof buf, "%s", v);
        ru->mask_fields = 0;
        for (char *t = strtok(buf, " ,"); t; t = strtok(NULL, " ,")) {
            int f = 0;
            while (f < ZC_FIELD_MASK && strcmp(field_name[f], t))
                f++;
            if (f == ZC_FIELD_MASK)
                return fail_at(L, ZC_ERR_RULE, line, (unsigned)vcol,
                               "unknown field '%s'", t);
            ru->mask_fields |= 1u << f;
        }
        ok = v;
    } else if (!strcmp(key, "scale")) {
        char *end;
        ru->scale = strtod(v, &end);
        ok = *end == '\0' && ru->scale > 0 ? v : NULL;
    } else if (!strcmp(key, "priority")) {
        char *end;
        ru->priority = (int)strtol(v, &end, 10);
        ok = *end == '\0' ? v : NULL;
    } else if (!strcmp(key, "in-report")) {
        ru->report_skip = !strcmp(v, "skip");
        ok = ru->report_skip || !strcmp(v, "keep") ? v : NULL;
    } else if (!strcmp(key, "validate")) {
        ru->validate_units = !strcmp(v, "units");
        ok = ru->validate_units ? v : NULL;
    } else if (!strcmp(key, "anchor")) {
        return set_anchors(L, line, v, vcol);
    } else if (!strcmp(key, "reach")) {
        char *end;
        long n = strtol(v, &end, 10);
        ru->reach = n >= 0 && n <= 4096 ? (unsigned)n : 0;
        ok = end != v && *end == '\0' && n >= 0 && n <= 4096 ? v : NULL;
    } else if (!strcmp(key, "numeral")) {
        if (!set_numeral(ru, v))
            return fail_at(L, ZC_ERR_RULE, line, (unsigned)vcol,
                           "bad value '%s' for 'numeral': write 'before N', "
                           "'after N' or both, N from 1 to 64, then "
                           "optionally 'unbroken'",
                           v);
        ok = v;
    } else if (!strcmp(key, "anchor-behind")) {
        ru->anchor_behind = !strcmp(v, "yes");
        ok = ru->anchor_behind ? v : NULL;
    } else if (!strcmp(key, "when")) {
        ru->table_only = !strcmp(v, "table");
        ok = ru->table_only ? v : NULL;
    } else {
        return fail_at(L, ZC_ERR_RULE, line, 1, "unknown attribute '%s'",
                       key);
    }
    if (!ok)
        return fail_at(L, ZC_ERR_RULE, line, (unsigned)vcol,
                       "bad value '%s' for '%s' in a %s rule", v, key,
                       field_name[ru->field]);
    return ZC_OK;
}

static zc_status start_rule(loader *L, unsigned line, const char *name)
{
    zc_rules *r = L->r;
    if (!ZC_GROW(r->mem, r->rules, r->cap, r->n + 1))
        return nomem(L);
    zc_rule *ru = &r->rules[r->n];
    memset(ru, 0, sizeof *ru);
    ru->field = L->field;
    ru->scale = 1;
    char where[300];
    snprintf(where, sizeof where, "%s:%u", L->base, line);
    ru->name = zc_strndup(r->mem, name, strlen(name));
    ru->where = zc_strndup(r->mem, where, strlen(where));
    if (!ru->name || !ru->where) {
        rule_free(r->mem, ru);
        return nomem(L);
    }
    L->cur = ru;
    L->cur_line = line;
    L->pat_len = 0;
    L->n_segs = 0;
    return ZC_OK;
}

static void loader_clear(loader *L)
{
    const zc_mem *mem = L->r->mem;
    for (size_t i = 0; i < L->n_defs; i++) {
        zc_free(mem, L->defs[i].name);
        zc_free(mem, L->defs[i].text);
    }
    zc_free(mem, L->defs);
    zc_free(mem, L->pat);
    zc_free(mem, L->segs);
    for (size_t i = 0; i < L->n_lines; i++)
        zc_free(mem, L->lines[i]);
    zc_free(mem, L->lines);
    if (L->cur) /* an unfinished rule sits past r->n: release it */
        rule_free(mem, L->cur);
}

static zc_status add_define(loader *L, unsigned line, char *src, char *rest)
{
    char *eq = strchr(rest, '=');
    if (!eq)
        return fail_at(L, ZC_ERR_RULE, line, 1,
                       "define needs 'NAME = pattern'");
    *eq = '\0';
    char *name = trim(rest);
    char *text = eq + 1;
    while (*text == ' ' || *text == '\t')
        text++;
    for (char *c = name; *c; c++)
        if (!(*c == '_' || (*c >= 'A' && *c <= 'Z') ||
              (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')))
            return fail_at(L, ZC_ERR_RULE, line, 1,
                           "define name '%s' must be letters, digits or _",
                           name);
    if (!*name)
        return fail_at(L, ZC_ERR_RULE, line, 1, "define needs a name");
    /* expand and compile on its own, so an error points at this line */
    L->pat_len = 0;
    L->n_segs = 0;
    unsigned saved = L->cur_line;
    L->cur_line = line;
    zc_status st = pat_add(L, text, line, src, (size_t)(text - src));
    if (st != ZC_OK)
        return st;
    pcre2_code *code = compile(L, 0, &st);
    L->cur_line = saved;
    if (!code)
        return st;
    pcre2_code_free(code);
    const zc_mem *mem = L->r->mem;
    if (!ZC_GROW(mem, L->defs, L->cap_defs, L->n_defs + 1))
        return nomem(L);
    struct define *d = &L->defs[L->n_defs];
    d->name = zc_strndup(mem, name, strlen(name));
    d->text = zc_strndup(mem, L->pat, L->pat_len);
    if (!d->name || !d->text) {
        zc_free(mem, d->name);
        zc_free(mem, d->text);
        return nomem(L);
    }
    L->n_defs++;
    L->pat_len = 0;
    L->n_segs = 0;
    return ZC_OK;
}

/* Split the buffer into lines we own (patterns keep pointers into them
 * for column reporting until the file is done). */
static zc_status split_lines(loader *L, const char *buf, size_t len)
{
    const zc_mem *mem = L->r->mem;
    size_t cap = 0;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && buf[j] != '\n')
            j++;
        if (!ZC_GROW(mem, L->lines, cap, L->n_lines + 1))
            return nomem(L);
        char *ln = zc_strndup(mem, buf + i, j - i);
        if (!ln)
            return nomem(L);
        L->lines[L->n_lines++] = ln;
        i = j + 1;
    }
    return ZC_OK;
}

static zc_status parse_buffer(loader *L, const char *buf, size_t len)
{
    /* the text must be UTF-8: patterns are compiled with PCRE2_UTF */
    if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
        buf += 3;
        len -= 3;
    }
    for (size_t i = 0; i < len; i++)
        if (buf[i] == '\0')
            return fail_at(L, ZC_ERR_RULE, 1, 1, "NUL byte in rule file");
    /* ... and it is checked here: examples are matched with
     * PCRE2_NO_UTF_CHECK, and invalid bytes there are undefined behaviour
     * in PCRE2 (found by tests/fuzz/fuzz_rules.c) */
    size_t good = zc_utf8_valid_prefix(buf, len);
    if (good < len) {
        unsigned line = 1;
        size_t bol = 0;
        for (size_t i = 0; i < good; i++)
            if (buf[i] == '\n') {
                line++;
                bol = i + 1;
            }
        unsigned col = 1;
        for (size_t i = bol; i < good; i++)
            if (((unsigned char)buf[i] & 0xC0) != 0x80)
                col++;
        return fail_at(L, ZC_ERR_RULE, line, col,
                       "invalid UTF-8 (byte 0x%02X): rule files are UTF-8",
                       (unsigned char)buf[good]);
    }
    zc_status st = split_lines(L, buf, len);
    if (st != ZC_OK)
        return st;
    bool ok;
    L->field = field_from_name(L->base, &ok);
    L->field_set = ok;
    size_t first = L->r->n;
    bool in_pattern = false;
    for (size_t li = 0; li < L->n_lines; li++) {
        unsigned line = (unsigned)li + 1;
        char *src = L->lines[li];
        /* pattern continuation: an indented line right after pattern: */
        if (in_pattern && (src[0] == ' ' || src[0] == '\t')) {
            char *t = trim(src);
            if (*t && *t != '#') {
                st = pat_add(L, t, line, src, (size_t)(t - src));
                if (st != ZC_OK)
                    return st;
                continue;
            }
        }
        in_pattern = false;
        /* a copy to cut up; `src` stays intact for columns */
        char tmp[4096];
        if (strlen(src) >= sizeof tmp)
            return fail_at(L, ZC_ERR_RULE, line, 1, "line too long");
        strcpy(tmp, src);
        char *t = trim(tmp);
        if (!*t || *t == '#')
            continue;
        if (!strncmp(t, "rule ", 5) || !strcmp(t, "rule")) {
            st = finish_rule(L);
            if (st != ZC_OK)
                return st;
            if (!L->field_set)
                return fail_at(L, ZC_ERR_RULE, line, 1,
                               "no 'field:' line before the first rule and "
                               "the file name names no field");
            char *name = trim(t + 4);
            if (!*name)
                return fail_at(L, ZC_ERR_RULE, line, 1, "rule needs a name");
            st = start_rule(L, line, name);
            if (st != ZC_OK)
                return st;
            continue;
        }
        if (!strncmp(t, "define ", 7)) {
            st = finish_rule(L);
            if (st != ZC_OK)
                return st;
            st = add_define(L, line, src, t + 7);
            if (st != ZC_OK)
                return st;
            continue;
        }
        char *colon = strchr(t, ':');
        if (!colon)
            return fail_at(L, ZC_ERR_RULE, line, 1,
                           "expected 'rule NAME', 'define', or 'key: value'");
        *colon = '\0';
        char *key = trim(t);
        char *val = colon + 1;
        if (*val == ' ')
            val++; /* one space after the colon is the separator */
        size_t voff = (size_t)(val - tmp);
        if (!strcmp(key, "field")) {
            if (L->cur || L->r->n > first)
                return fail_at(L, ZC_ERR_RULE, line, 1,
                               "'field:' must come before the first rule");
            char *v = trim(val);
            int f = 0;
            while (f < ZC_FIELD_COUNT && strcmp(field_name[f], v))
                f++;
            if (f == ZC_FIELD_COUNT)
                return fail_at(L, ZC_ERR_RULE, line,
                               char_col(src, voff),
                               "unknown field '%s' (assignments, deadlines, "
                               "targets, quantities, mask)",
                               v);
            L->field = (zc_field)f;
            L->field_set = true;
            continue;
        }
        if (!L->cur)
            return fail_at(L, ZC_ERR_RULE, line, 1,
                           "'%s:' outside a rule", key);
        if (!strcmp(key, "pattern")) {
            if (L->pat_len)
                return fail_at(L, ZC_ERR_RULE, line, 1,
                               "rule '%s' has two patterns", L->cur->name);
            /* the pattern is taken as written, trailing blanks aside */
            char *p = src + voff;
            size_t pl = strlen(p);
            while (pl && (p[pl - 1] == ' ' || p[pl - 1] == '\t' ||
                          p[pl - 1] == '\r'))
                pl--;
            char save = p[pl];
            p[pl] = '\0';
            st = pat_add(L, p, line, src, voff);
            p[pl] = save;
            if (st != ZC_OK)
                return st;
            in_pattern = true;
            continue;
        }
        if (!strcmp(key, "match") || !strcmp(key, "nomatch")) {
            st = add_example(L, line, src + voff, !strcmp(key, "match"));
            if (st != ZC_OK)
                return st;
            continue;
        }
        st = set_attr(L, line, key, trim(val), char_col(src, voff));
        if (st != ZC_OK)
            return st;
    }
    st = finish_rule(L);
    if (st != ZC_OK)
        return st;
    return check_examples(L, first);
}

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

static zc_status load_into(zc_rules *r, const char *path, const char *buf,
                           size_t len, zc_error *err)
{
    loader L;
    memset(&L, 0, sizeof L);
    L.r = r;
    L.path = path;
    L.base = base_name(path);
    L.err = err;
    zc_status st = parse_buffer(&L, buf, len);
    loader_clear(&L);
    return st;
}

static zc_status read_file(const zc_mem *mem, const char *path, char **out,
                           size_t *len, zc_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        if (err) {
            memset(err, 0, sizeof *err);
            err->code = ZC_ERR_IO;
            snprintf(err->msg, sizeof err->msg, "cannot open %s: %s", path,
                     strerror(errno));
        }
        return ZC_ERR_IO;
    }
    size_t cap = 0, n = 0;
    char *buf = NULL;
    for (;;) {
        if (!ZC_GROW(mem, buf, cap, n + 4096 + 1)) {
            zc_free(mem, buf);
            fclose(fp);
            return ZC_ERR_NOMEM;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (got == 0)
            break;
    }
    bool bad = ferror(fp);
    fclose(fp);
    if (bad) {
        zc_free(mem, buf);
        if (err) {
            memset(err, 0, sizeof *err);
            err->code = ZC_ERR_IO;
            snprintf(err->msg, sizeof err->msg, "cannot read %s", path);
        }
        return ZC_ERR_IO;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return ZC_OK;
}

static zc_status load_file_into(zc_rules *r, const char *path, zc_error *err)
{
    char *buf;
    size_t len;
    zc_status st = read_file(r->mem, path, &buf, &len, err);
    if (st != ZC_OK)
        return st;
    st = load_into(r, path, buf, len, err);
    zc_free(r->mem, buf);
    return st;
}

static zc_status done(zc_rules *r, zc_status st, zc_rules **out)
{
    if (st != ZC_OK) {
        zc_rules_free(r);
        *out = NULL;
        return st;
    }
    *out = r;
    return ZC_OK;
}

zc_status zc_rules_load_file(const char *path, const zc_mem *mem,
                             zc_rules **out, zc_error *err)
{
    if (!out || !path)
        return ZC_ERR_ARG;
    *out = NULL;
    zc_rules *r = rules_new(mem);
    if (!r)
        return ZC_ERR_NOMEM;
    return done(r, load_file_into(r, path, err), out);
}

zc_status zc_rules_load_buffer(const char *name, const char *buf, size_t len,
                               const zc_mem *mem, zc_rules **out,
                               zc_error *err)
{
    if (!out || (!buf && len))
        return ZC_ERR_ARG;
    *out = NULL;
    zc_rules *r = rules_new(mem);
    if (!r)
        return ZC_ERR_NOMEM;
    return done(r, load_into(r, name ? name : "(buffer)", buf ? buf : "",
                             len, err),
                out);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

zc_status zc_rules_load_dir(const char *dir, const zc_mem *mem,
                            zc_rules **out, zc_error *err)
{
    if (!out || !dir)
        return ZC_ERR_ARG;
    *out = NULL;
    mem = mem ? mem : &zc_default_mem;
    DIR *d = opendir(dir);
    if (!d) {
        if (err) {
            memset(err, 0, sizeof *err);
            err->code = ZC_ERR_IO;
            snprintf(err->msg, sizeof err->msg, "cannot open %s: %s", dir,
                     strerror(errno));
        }
        return ZC_ERR_IO;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    zc_status st = ZC_OK;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l <= 6 || strcmp(de->d_name + l - 6, ".rules") ||
            de->d_name[0] == '.')
            continue;
        if (!ZC_GROW(mem, names, cap, n + 1)) {
            st = ZC_ERR_NOMEM;
            break;
        }
        size_t pl = strlen(dir) + 1 + l;
        names[n] = zc_malloc(mem, pl + 1);
        if (!names[n]) {
            st = ZC_ERR_NOMEM;
            break;
        }
        snprintf(names[n], pl + 1, "%s/%s", dir, de->d_name);
        n++;
    }
    closedir(d);
    zc_rules *r = NULL;
    if (st == ZC_OK) {
        qsort(names, n, sizeof *names, cmp_names);
        r = rules_new(mem);
        if (!r)
            st = ZC_ERR_NOMEM;
        for (size_t i = 0; st == ZC_OK && i < n; i++)
            st = load_file_into(r, names[i], err);
    }
    for (size_t i = 0; i < n; i++)
        zc_free(mem, names[i]);
    zc_free(mem, names);
    if (!r) {
        if (err && st == ZC_ERR_NOMEM) {
            memset(err, 0, sizeof *err);
            err->code = st;
            snprintf(err->msg, sizeof err->msg, "out of memory");
        }
        return st;
    }
    return done(r, st, out);
}
