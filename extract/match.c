/*
 * match.c - applies the compiled rules to a finished group of sections.
 *
 * One group (a top-level section and its descendants) at a time:
 *
 *   1. fold the group's text (fold.c): the rules see one form of every
 *      character; a map leads back to the text as written;
 *   2. run every rule over the whole folded group, collecting candidates
 *      (a rule hitting the PCRE2 match/heap/depth limit is dropped for
 *      this group with a "match-limit" warning, never a hang);
 *   3. drop candidates under a mask (文号, 《cited titles》) and, per field,
 *      keep the best of overlapping candidates (higher priority, then
 *      longer, then earlier rule);
 *   4. turn the survivors into items: unit lists are split and given
 *      roles, dates go through the one resolver (resolve.c), figures get
 *      value/op/kind/metric;
 *   5. hand each item to the deepest node that contains it - except a
 *      unit clause standing on its own line after a run of sub-items,
 *      which goes to their parent.
 *
 * Document-wide state (the 列第一位的为牵头单位，下同 convention, a
 * responsibility table's header) lives in the matcher until
 * zc_matcher_reset().  All buffers are reused from group to group.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "internal.h"

#include <pcre2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNSET ((size_t)-1)
#define GUNSET UINT32_MAX /* a group that took no part (folded texts are
                             shorter than UINT32_MAX: zc_matcher_run) */

/* A rule's match, in folded offsets. */
typedef struct cand {
    const zc_rule *rule;
    size_t rule_index;
    size_t s, e;                    /* the value                      */
    uint32_t gs[ZC_G_COUNT], ge[ZC_G_COUNT]; /* GUNSET: not in the match */
} cand;

/* An assignment being built: units are indices into m->units until the
 * group is done (the array may move while it grows). */
typedef struct asg_rec {
    zc_assignment a;
    size_t node;
    size_t lead0, resp0, coop0;
} asg_rec;

typedef struct item_pos {
    size_t node, start, index;
} item_pos;

/* Sort keys: copied next to the index they order, packed into two
 * words (hi sorts first).  `index` last makes every key distinct, so the
 * order is the one and only sorted order (stable, whatever the
 * algorithm). */
typedef struct sort_key {
    uint64_t hi, lo;
    uint32_t index;
} sort_key;

static inline bool key_less(const sort_key *a, const sort_key *b)
{
    if (a->hi != b->hi)
        return a->hi < b->hi;
    if (a->lo != b->lo)
        return a->lo < b->lo;
    return a->index < b->index;
}

/* Sort keys[0..n), with tmp room for n more: runs of 8 by insertion,
 * then merged bottom-up.  The keys mostly come in sorted runs (each
 * rule's candidates in text order), so runs already in order are copied,
 * not merged.  (qsort's comparison callback was most of the time.) */
static void sort_keys(sort_key *keys, sort_key *tmp, size_t n)
{
    for (size_t lo = 0; lo < n; lo += 8) {
        size_t hi = n - lo < 8 ? n : lo + 8;
        for (size_t i = lo + 1; i < hi; i++) {
            sort_key x = keys[i];
            size_t j = i;
            for (; j > lo && key_less(&x, &keys[j - 1]); j--)
                keys[j] = keys[j - 1];
            keys[j] = x;
        }
    }
    sort_key *a = keys, *b = tmp;
    for (size_t w = 8; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = n - lo < w ? n : lo + w;
            size_t hi = n - lo < 2 * w ? n : lo + 2 * w;
            if (mid == hi || !key_less(&a[mid], &a[mid - 1])) {
                memcpy(b + lo, a + lo, (hi - lo) * sizeof *a);
                continue;
            }
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi)
                b[o++] = key_less(&a[j], &a[i]) ? a[j++] : a[i++];
            memcpy(b + o, a + i, (mid - i) * sizeof *a);
            o += mid - i;
            memcpy(b + o, a + j, (hi - j) * sizeof *a);
        }
        sort_key *t = a;
        a = b;
        b = t;
    }
    if (a != keys)
        memcpy(keys, a, n * sizeof *a);
}

/* One rule's share of the anchors found in a group. */
typedef struct rule_hits {
    struct rule_hit {
        uint32_t pos, end; /* as in zc_anchor_hit */
    } *v;
    size_t n, cap;
} rule_hits;

/* A `numeral:` test (rules/README.md): how far to look before and after
 * an anchor (0: not on that side), and whether no break may lie between. */
typedef struct numeral_need {
    unsigned char before, after;
    bool unbroken;
} numeral_need;

/* What a candidate is for: the items of each field (KIND_ITEM + field,
 * masks among them), and the conventions and table headers that
 * do_assignments() applies as it goes. */
enum {
    KIND_ITEM = 0,
    KIND_EVENT = KIND_ITEM + ZC_FIELD_COUNT,
    KIND_COUNT
};

struct zc_matcher {
    const zc_mem *mem;
    const zc_rules *rules;
    pcre2_general_context *gctx;
    pcre2_match_context *mctx;
    pcre2_match_context *mctx_win; /* the same, plus an offset limit   */
    pcre2_jit_stack *jit;
    pcre2_match_data *md;
    PCRE2_SIZE *ov;        /* md's ovector (it never moves)            */
    zc_fold fold;
    bool scan_all;         /* ignore anchors (zc_options.scan_all)     */
    /* the rules of each (type, field), in file order: rules of type t and
     * field f are by_tf[tf_at[t][f] .. tf_at[t][f + 1]) (word-class
     * lookups run per candidate; they should not walk every rule) */
    struct tf_rule {
        const zc_rule *ru;
        uint32_t index;
        bool windowed; /* has anchors, heeded (not scan_all): here, not
                          in *ru, so may_match() need not read the rule */
    } *by_tf;
    uint16_t tf_at[ZC_RT_COUNT][ZC_FIELD_COUNT + 1];
    zc_anchor_hit *hits;   /* anchors in the folded group (anchor.c)   */
    size_t nhits, cap_hits;
    /* the hits of rule i, in text order, filled per group through the
     * rules of each anchor: arule[arule_at[id] .. arule_at[id + 1]) */
    rule_hits *rh;
    uint32_t *arule, *arule_at;
    uint32_t *rcur; /* per rule: where its last may_match() stopped    */
    /* per anchor: how far its rules with `numeral:` look for a numeral
     * before and after it (0, 0: none has one), and whether they are all
     * `unbroken`; per arule entry: its rule's `numeral:` (0, 0: none) */
    numeral_need *anum, *arule_num;

    cand *c;
    size_t nc, capc;
    /* the candidates of each kind (KIND_*), each kind's in text order:
     * by_kind[kind_at[k] .. kind_at[k + 1]) */
    uint32_t *by_kind;
    size_t cap_by_kind, kind_at[KIND_COUNT + 1];
    /* per folded byte, while picking survivors; all zero between picks */
    unsigned char *taken;
    size_t cap_taken;
    size_t *order;
    size_t cap_order;
    sort_key *keys;       /* scratch for the sorts below               */
    size_t cap_keys;
    sort_key *keys_tmp;   /* and room for sort_keys() to merge into    */
    size_t cap_keys_tmp;

    /* results of the current group */
    asg_rec *ar;
    size_t nar, capar;
    zc_unit *units;
    size_t nunits, capunits;
    zc_assignment *asg;
    size_t capasg;
    zc_deadline *dl, *dl_out;
    size_t ndl, capdl, capdl_out;
    zc_target *tg, *tg_out;
    size_t ntg, captg, captg_out;
    zc_quantity *qt, *qt_out;
    size_t nqt, capqt, capqt_out;
    item_pos *pos;
    size_t cappos;
    size_t *last_end; /* per node: end of its last clause, 0 if none */
    size_t cap_last;
    signed char *review; /* per node: under a review heading? -1: ask   */
    size_t cap_review;

    /* document-wide state: conventions in force (the once_* ones for the
     * next clause only), and whether a 责任单位 table header was seen */
    bool first_is_lead, resp_is_lead, table;
    bool once_first, once_resp;

    /* the group being worked on; only its nodes' range [off0, off1) of
     * g->text is folded (the segmenter's buffer may hold more) */
    const zc_group *g;
    size_t off0;
    const zc_match_ctx *ctx;
};

/* ---- set-up ------------------------------------------------------------- */

zc_matcher *zc_matcher_new(const zc_rules *rules, const zc_options *opt)
{
    const zc_mem *mem = opt && opt->mem ? opt->mem : &zc_default_mem;
    zc_matcher *m = zc_malloc(mem, sizeof *m);
    if (!m)
        return NULL;
    memset(m, 0, sizeof *m);
    m->mem = mem;
    m->rules = rules;
    zc_fold_init(&m->fold, mem);
    m->gctx = zc_pcre2_gctx(mem);
    if (!m->gctx)
        goto fail;
    m->mctx = pcre2_match_context_create(m->gctx);
    m->md = pcre2_match_data_create(zc_rules_max_captures(rules) + 1,
                                    m->gctx);
    if (!m->mctx || !m->md)
        goto fail;
    m->ov = pcre2_get_ovector_pointer(m->md);
    uint32_t limit = opt ? opt->match_limit : 1000000;
    uint32_t heap = opt ? opt->heap_limit_kib : 20000;
    pcre2_set_match_limit(m->mctx, limit ? limit : 1000000);
    pcre2_set_depth_limit(m->mctx, limit ? limit : 1000000);
    pcre2_set_heap_limit(m->mctx, heap ? heap : 20000);
    /* JIT code recurses on its own stack; give it room (1 MiB at most)
     * so nested-bracket patterns do not fail on long clauses.  Without
     * JIT support this is NULL and nothing changes. */
    m->jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, m->gctx);
    if (m->jit)
        pcre2_jit_stack_assign(m->mctx, NULL, m->jit);
    m->mctx_win = pcre2_match_context_copy(m->mctx);
    if (!m->mctx_win)
        goto fail;
    m->scan_all = opt && opt->scan_all;
    /* the fold notes where anchors may begin (anchor.c) */
    if (!m->scan_all && zc_anchors_count(zc_rules_anchors(rules)))
        m->fold.anchors = zc_rules_anchors(rules);
    size_t nr = zc_rules_n(rules);
    size_t na = zc_anchors_count(zc_rules_anchors(rules)), nar = 0;
    for (size_t i = 0; i < nr; i++)
        nar += zc_rules_at(rules, i)->n_anchors;
    m->rh = zc_malloc(mem, (nr + 1) * sizeof *m->rh);
    if (m->rh)
        memset(m->rh, 0, (nr + 1) * sizeof *m->rh);
    m->rcur = zc_malloc(mem, (nr + 1) * sizeof *m->rcur);
    m->arule_at = zc_malloc(mem, (na + 1) * sizeof *m->arule_at);
    m->arule = zc_malloc(mem, (nar + 1) * sizeof *m->arule);
    m->anum = zc_malloc(mem, (na + 1) * sizeof *m->anum);
    m->arule_num = zc_malloc(mem, (nar + 1) * sizeof *m->arule_num);
    if (!m->rh || !m->rcur || !m->arule_at || !m->arule || !m->anum ||
        !m->arule_num)
        goto fail;
    nar = 0;
    for (size_t id = 0; id < na; id++) {
        m->arule_at[id] = (uint32_t)nar;
        numeral_need *far = &m->anum[id];
        *far = (numeral_need){0, 0, true};
        for (size_t i = 0; i < nr; i++) {
            const zc_rule *ru = zc_rules_at(rules, i);
            if (!((ru->anchor_bits[id / 64] >> (id % 64)) & 1))
                continue;
            m->arule_num[nar] = (numeral_need){
                (unsigned char)ru->numeral_before,
                (unsigned char)ru->numeral_after, ru->numeral_unbroken};
            m->arule[nar++] = (uint32_t)i;
            if (ru->numeral_before > far->before)
                far->before = (unsigned char)ru->numeral_before;
            if (ru->numeral_after > far->after)
                far->after = (unsigned char)ru->numeral_after;
            if (ru->numeral && !ru->numeral_unbroken)
                far->unbroken = false;
        }
    }
    m->arule_at[na] = (uint32_t)nar;
    if (nr > UINT16_MAX)
        goto fail;
    m->by_tf = zc_malloc(mem, (nr + 1) * sizeof *m->by_tf);
    if (!m->by_tf)
        goto fail;
    size_t k = 0;
    for (int t = 0; t < ZC_RT_COUNT; t++)
        for (int f = 0; f < ZC_FIELD_COUNT; f++) {
            m->tf_at[t][f] = (uint16_t)k;
            for (size_t i = 0; i < nr; i++) {
                const zc_rule *ru = zc_rules_at(rules, i);
                if ((int)ru->type == t && (int)ru->field == f)
                    m->by_tf[k++] = (struct tf_rule){
                        ru, (uint32_t)i, ru->n_anchors && !m->scan_all};
            }
            m->tf_at[t][f + 1] = (uint16_t)k;
        }
    return m;
fail:
    zc_matcher_free(m);
    return NULL;
}

void zc_matcher_reset(zc_matcher *m)
{
    if (!m)
        return;
    m->first_is_lead = m->resp_is_lead = m->table = false;
    m->once_first = m->once_resp = false;
}

void zc_matcher_free(zc_matcher *m)
{
    if (!m)
        return;
    const zc_mem *mem = m->mem;
    if (m->md)
        pcre2_match_data_free(m->md);
    if (m->jit)
        pcre2_jit_stack_free(m->jit);
    if (m->mctx)
        pcre2_match_context_free(m->mctx);
    if (m->mctx_win)
        pcre2_match_context_free(m->mctx_win);
    if (m->gctx)
        pcre2_general_context_free(m->gctx);
    zc_fold_free(&m->fold);
    zc_free(mem, m->c);
    zc_free(mem, m->taken);
    zc_free(mem, m->order);
    zc_free(mem, m->keys);
    zc_free(mem, m->keys_tmp);
    zc_free(mem, m->by_kind);
    zc_free(mem, m->ar);
    zc_free(mem, m->units);
    zc_free(mem, m->asg);
    zc_free(mem, m->dl);
    zc_free(mem, m->dl_out);
    zc_free(mem, m->tg);
    zc_free(mem, m->tg_out);
    zc_free(mem, m->qt);
    zc_free(mem, m->qt_out);
    zc_free(mem, m->pos);
    zc_free(mem, m->last_end);
    zc_free(mem, m->hits);
    zc_free(mem, m->review);
    zc_free(mem, m->by_tf);
    if (m->rh)
        for (size_t i = 0; i < zc_rules_n(m->rules); i++)
            zc_free(mem, m->rh[i].v);
    zc_free(mem, m->rh);
    zc_free(mem, m->rcur);
    zc_free(mem, m->arule);
    zc_free(mem, m->arule_at);
    zc_free(mem, m->anum);
    zc_free(mem, m->arule_num);
    zc_free(mem, m);
}

/* ---- small helpers ------------------------------------------------------ */

static const char *F(const zc_matcher *m)
{
    return m->fold.text;
}

/* Source (absolute) offsets of a folded range. */
static size_t abs_start(const zc_matcher *m, size_t fo)
{
    return m->g->base + m->off0 + zc_fold_src_start(&m->fold, fo);
}

static size_t abs_end(const zc_matcher *m, size_t fo)
{
    return m->g->base + m->off0 + zc_fold_src_end(&m->fold, fo);
}

static zc_str src_str(const zc_matcher *m, size_t fs, size_t fe)
{
    size_t a = zc_fold_src_start(&m->fold, fs);
    size_t b = zc_fold_src_end(&m->fold, fe);
    if (b < a)
        b = a;
    zc_str s = {m->g->text + m->off0 + a, b - a};
    return s;
}

/* src_str() and the absolute span, from one look at the fold's map. */
static zc_str src_span(const zc_matcher *m, size_t fs, size_t fe,
                       zc_span *span)
{
    size_t a = zc_fold_src_start(&m->fold, fs);
    size_t b = zc_fold_src_end(&m->fold, fe);
    span->start = m->g->base + m->off0 + a;
    span->end = m->g->base + m->off0 + b;
    if (b < a)
        b = a;
    zc_str s = {m->g->text + m->off0 + a, b - a};
    return s;
}

static uint32_t cp_at(const zc_matcher *m, size_t i, int *len)
{
    uint32_t cp = 0;
    int l = zc_utf8_decode(F(m) + i, m->fold.len - i, &cp);
    if (l <= 0) {
        l = 1;
        cp = (unsigned char)F(m)[i];
    }
    if (len)
        *len = l;
    return cp;
}

static size_t prev_char(const zc_matcher *m, size_t i)
{
    return zc_utf8_prev(F(m), i);
}

static bool is_ws(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r';
}

/* One search of the folded text [0, len) from off, with the matcher's
 * limits, for a match starting no later than `limit` (PCRE2_UNSET: any;
 * off: anchored there).  Returns the PCRE2 code.  JIT-compiled rules take
 * PCRE2's fast path: the text is valid UTF-8 and the arguments sane. */
static int search(zc_matcher *m, const zc_rule *ru, size_t len, size_t off,
                  size_t limit)
{
    pcre2_match_context *mc = m->mctx;
    if (limit != PCRE2_UNSET) {
        pcre2_set_offset_limit(m->mctx_win, limit);
        mc = m->mctx_win;
    }
    if (ru->jit)
        return pcre2_jit_match(ru->code, (PCRE2_SPTR)F(m), len, off, 0,
                               m->md, mc);
    return pcre2_match(ru->code, (PCRE2_SPTR)F(m), len, off,
                       PCRE2_NO_UTF_CHECK, m->md, mc);
}

/* Group `gn`'s range in the last match (first alternative that took part). */
static bool grp(const zc_matcher *m, const zc_rule *ru, zc_gname gn,
                size_t *s, size_t *e)
{
    const PCRE2_SIZE *ov = m->ov;
    for (int k = 0; k < 4; k++) {
        unsigned g = (ru->grp[gn] >> (8 * k)) & 0xFF;
        if (g && ov[2 * g] != PCRE2_UNSET) {
            *s = ov[2 * g];
            *e = ov[2 * g + 1];
            return true;
        }
    }
    return false;
}

static bool limit_error(int rc)
{
    return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
           rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT;
}

static void warn_limit(zc_matcher *m, const zc_rule *ru, size_t off)
{
    if (!m->ctx->warn)
        return;
    char msg[200];
    snprintf(msg, sizeof msg,
             "rule %s (%s) hit the match limit; skipped for this section",
             ru->name, ru->where);
    m->ctx->warn(m->ctx->warn_ud, "match-limit", abs_start(m, off), msg);
}

/* ---- anchors ---------------------------------------------------------- */

/* The anchors in the folded group, and each rule's share of them: the
 * hits its `numeral:` (rules/README.md) does not rule out. */
static zc_status find_anchors(zc_matcher *m)
{
    size_t nr = zc_rules_n(m->rules);
    m->nhits = 0;
    for (size_t i = 0; i < nr; i++)
        m->rh[i].n = 0;
    memset(m->rcur, 0, nr * sizeof *m->rcur);
    if (m->scan_all)
        return ZC_OK;
    if (!zc_anchors_find(zc_rules_anchors(m->rules), m->fold.text,
                         m->fold.len, m->fold.marks, m->fold.nmarks,
                         &m->hits, &m->nhits, &m->cap_hits, m->mem))
        return ZC_ERR_NOMEM;
    for (size_t k = 0; k < m->nhits; k++) {
        const zc_anchor_hit *x = &m->hits[k];
        const numeral_need *far = &m->anum[x->id];
        zc_numeral_look look = {0};
        if (far->before || far->after)
            zc_numerals_around(m->fold.text, m->fold.len, x->pos, x->end,
                               far->before, far->after, far->unbroken,
                               &look);
        for (uint32_t j = m->arule_at[x->id]; j < m->arule_at[x->id + 1];
             j++) {
            const numeral_need *need = &m->arule_num[j];
            if ((need->before || need->after) &&
                !zc_numeral_near(&look, need->before, need->after,
                                 need->unbroken))
                continue; /* no numeral near enough */
            rule_hits *L = &m->rh[m->arule[j]];
            if (L->n == L->cap && !ZC_GROW(m->mem, L->v, L->cap, L->n + 1))
                return ZC_ERR_NOMEM;
            L->v[L->n].pos = x->pos;
            L->v[L->n].end = x->end;
            L->n++;
        }
    }
    return ZC_OK;
}

/* Where the blanks before folded offset a start. */
static size_t blanks_before(const zc_matcher *m, size_t a)
{
    const char *t = m->fold.text;
    while (a > 0 && (t[a - 1] == ' ' || t[a - 1] == '\t' ||
                     t[a - 1] == '\n' || t[a - 1] == '\r'))
        a--;
    return a;
}

/* Has rule ri a hit in L (its hits, not none) that may end at or after
 * a0 and starts before b?  (may_match) */
static bool hit_near(zc_matcher *m, const rule_hits *L, size_t ri, size_t a0,
                     size_t b)
{
    /* the first hit that may end at or after a0: lookups mostly move
     * forward through a section, so on from the last one's answer */
    size_t lo = m->rcur[ri], hi = L->n;
    if (lo > 0 && L->v[lo - 1].pos + ZC_MAX_ANCHOR_LEN >= a0) {
        hi = lo; /* back: search what lies before */
        lo = 0;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (L->v[mid].pos + ZC_MAX_ANCHOR_LEN < a0)
                lo = mid + 1;
            else
                hi = mid;
        }
    } else {
        while (lo < hi && L->v[lo].pos + ZC_MAX_ANCHOR_LEN < a0)
            lo++;
    }
    m->rcur[ri] = (uint32_t)lo;
    for (size_t k = lo; k < L->n; k++) {
        if (L->v[k].pos >= b)
            return false;
        if (L->v[k].end >= a0)
            return true;
    }
    return false;
}

/* Can rule tr match in folded [a, b), by its anchors?  (True for a rule
 * without anchors.)  A match there starts at or after a, so its anchor
 * starts before b and ends no earlier than a0 = blanks_before(a), which
 * the caller finds once for all the rules it asks about. */
static inline bool may_match(zc_matcher *m, const struct tf_rule *tr,
                             size_t a0, size_t b)
{
    if (!tr->windowed)
        return true;
    const rule_hits *L = &m->rh[tr->index];
    return L->n && hit_near(m, L, tr->index, a0, b);
}

/* Does a vocabulary rule of type `t` match inside folded [a, b)?  With
 * `anchored` the match must start at a; with `at_end` it must end at b.
 * The first such match (by rule order, then position) is returned. */
static const zc_rule *vocab(zc_matcher *m, zc_rtype t, zc_field f, size_t a,
                            size_t b, bool anchored, bool at_end, size_t *ms,
                            size_t *me)
{
    const zc_rule *best = NULL;
    size_t bs = 0, be = 0, a0 = blanks_before(m, a);
    for (size_t k = m->tf_at[t][f]; k < m->tf_at[t][f + 1]; k++) {
        if (!may_match(m, &m->by_tf[k], a0, b))
            continue;
        const zc_rule *ru = m->by_tf[k].ru;
        size_t off = a;
        while (off <= b) {
            int rc = search(m, ru, b, off, anchored ? off : PCRE2_UNSET);
            if (rc < 0)
                break;
            const PCRE2_SIZE *ov = m->ov;
            if (ov[1] > ov[0] && (!at_end || ov[1] == b)) {
                if (!best || ov[0] < bs) {
                    best = ru;
                    bs = ov[0];
                    be = ov[1];
                }
                break;
            }
            if (anchored)
                break;
            size_t next = ov[1] > off ? ov[1] : off + 1;
            if (at_end) /* look for a later start ending at b */
                next = ov[0] + 1;
            while (next < b && ((unsigned char)F(m)[next] & 0xC0) == 0x80)
                next++;
            off = next;
        }
        if (best && !at_end)
            continue; /* an earlier start may come from a later rule */
    }
    if (best) {
        *ms = bs;
        *me = be;
    }
    return best;
}

/* ---- candidates ----------------------------------------------------------- */

/* The next window of ru's anchors that ends at or after `off`, merged
 * with the windows overlapping it: matches may start in [*ws, *we].
 * *h walks the rule's hits (m->rh); false when no window is left. */
typedef struct gap {
    size_t h, ws; /* hit h's window starts at ws (h SIZE_MAX: none known) */
} gap;

static bool next_window(zc_matcher *m, const zc_rule *ru, size_t ri,
                        size_t *h, size_t off, size_t *ws, size_t *we,
                        gap *g)
{
    const char *t = m->fold.text;
    size_t len = m->fold.len;
    bool have = false;
    const rule_hits *L = &m->rh[ri];
    for (; *h < L->n; (*h)++) {
        const struct rule_hit *x = &L->v[*h];
        size_t e = ru->anchor_behind ? zc_anchor_window_end(t, len, x->end)
                                     : x->pos;
        if (e < off)
            continue;
        if (!have) { /* (the search starts at off anyway) */
            /* reach characters are at least reach bytes: a window
             * starting that close to off starts at off */
            if (g->h == *h) /* found where the last window ended */
                *ws = g->ws > off ? g->ws : off;
            else
                *ws = x->pos <= off + ru->reach
                          ? off
                          : zc_anchor_window_start(t, x->pos, ru->reach, off);
            *we = e;
            have = true;
            continue;
        }
        if (x->pos > *we + ru->reach) {
            size_t s = zc_anchor_window_start(t, x->pos, ru->reach, *we);
            if (s > *we) { /* a gap: this one opens the next window */
                g->h = *h;
                g->ws = s;
                break;
            }
        }
        if (e > *we)
            *we = e;
    }
    return have;
}

/* Every match of ru in the folded group, as candidates.  A rule with
 * anchors searches only their windows, from the window's start and with
 * the offset limit at its end; the subject stays the whole text, so each
 * match is the one a full scan finds there (anchor.c). */
static zc_status collect(zc_matcher *m, const zc_rule *ru, size_t ri)
{
    size_t first = m->nc, off = 0, len = m->fold.len;
    bool windowed = ru->n_anchors && !m->scan_all;
    size_t h = 0, ws = 0, we = 0;
    gap g = {SIZE_MAX, 0};
    bool open = false; /* a window is being searched */
    zc_gname used[ZC_G_COUNT]; /* the groups the rule has */
    size_t nused = 0;
    for (int k = 0; k < ZC_G_COUNT; k++)
        if (ru->grp[k])
            used[nused++] = (zc_gname)k;
    while (off <= len) {
        int rc;
        if (windowed) {
            if ((!open || off > we) &&
                !next_window(m, ru, ri, &h, off, &ws, &we, &g))
                break;
            open = true;
            if (off < ws)
                off = ws;
            if (ru->line_start && off > 0) {
                /* a (?m)^ rule: not searched where no line starts */
                const char *nl = memchr(F(m) + off - 1, '\n', we - off + 1);
                if (!nl) {
                    off = we + 1;
                    continue;
                }
                off = (size_t)(nl - F(m)) + 1;
            }
            rc = search(m, ru, len, off, we);
            if (rc == PCRE2_ERROR_NOMATCH) {
                off = we + 1; /* on to the next window */
                continue;
            }
        } else {
            rc = search(m, ru, len, off, PCRE2_UNSET);
        }
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc < 0) {
            if (limit_error(rc))
                warn_limit(m, ru, off);
            else if (rc == PCRE2_ERROR_NOMEMORY)
                return ZC_ERR_NOMEM;
            m->nc = first; /* the rule is skipped for this group */
            break;
        }
        size_t s = m->ov[0], e = m->ov[1];
        if (!ZC_GROW(m->mem, m->c, m->capc, m->nc + 1))
            return ZC_ERR_NOMEM;
        cand *c = &m->c[m->nc];
        c->rule = ru;
        c->rule_index = ri;
        memset(c->gs, 0xFF, sizeof c->gs); /* GUNSET */
        memset(c->ge, 0xFF, sizeof c->ge);
        for (size_t k = 0; k < nused; k++) {
            size_t a, b;
            if (grp(m, ru, used[k], &a, &b)) {
                c->gs[used[k]] = (uint32_t)a;
                c->ge[used[k]] = (uint32_t)b;
            }
        }
        c->s = c->gs[ZC_G_VALUE] != GUNSET ? c->gs[ZC_G_VALUE] : s;
        c->e = c->gs[ZC_G_VALUE] != GUNSET ? c->ge[ZC_G_VALUE] : e;
        /* an item's text never ends in blanks a pattern's \s* took
         * (2023年12月底 | in a table row) */
        while (c->e > c->s && (F(m)[c->e - 1] == ' ' ||
                               F(m)[c->e - 1] == '\t' ||
                               F(m)[c->e - 1] == '\n'))
            c->e--;
        if (c->e > c->s || ru->type != ZC_RT_ITEM)
            m->nc++;
        /* the global-match loop: PCRE2 10.42 has no pcre2_next_match */
        if (e > off) {
            off = e;
        } else {
            if (off >= len)
                break;
            int l;
            cp_at(m, off, &l);
            off += (size_t)l;
        }
    }
    return ZC_OK;
}

/* ---- nodes ------------------------------------------------------------- */

/* The deepest node containing the absolute range [a, b). */
static size_t node_of(const zc_group *g, size_t a, size_t b)
{
    size_t lo = 0, hi = g->n_nodes;
    while (lo < hi) { /* last node starting at or before a */
        size_t mid = (lo + hi) / 2;
        if (g->nodes[mid].start <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t i = lo ? lo - 1 : 0;
    for (;;) {
        const zc_node *n = &g->nodes[i];
        if (n->start <= a && (b <= n->end || (a == b && a < n->end)))
            return i;
        if (n->parent < 0)
            return i;
        i = (size_t)n->parent;
    }
}

/* ---- picking survivors ----------------------------------------------- */

/* Grow a per-byte buffer to `need`, the new bytes zero: such buffers are
 * cleared where they were written, not whole (a group is up to a
 * megabyte; what is marked in it, a few spans). */
static bool grow_zeroed(const zc_mem *mem, unsigned char **p, size_t *cap,
                        size_t need)
{
    size_t old = *cap;
    if (!ZC_GROW(mem, *p, *cap, need))
        return false;
    if (*cap > old)
        memset(*p + old, 0, *cap - old);
    return true;
}

/* Has any byte of p[a..b) one of the bits in `bits`?  Eight at a time:
 * candidates of assignments run to hundreds of bytes. */
static bool any_bits(const unsigned char *p, size_t a, size_t b,
                     unsigned bits)
{
    uint64_t spread = 0x0101010101010101u * (bits & 0xFF);
    for (; b - a >= 8; a += 8) {
        uint64_t w;
        memcpy(&w, p + a, 8);
        if (w & spread)
            return true;
    }
    for (; a < b; a++)
        if (p[a] & bits)
            return true;
    return false;
}

static int kind_of(const cand *c)
{
    const zc_rule *ru = c->rule;
    if (ru->type == ZC_RT_ITEM)
        return KIND_ITEM + (int)ru->field;
    if (ru->field == ZC_FIELD_ASSIGNMENTS &&
        (ru->type == ZC_RT_CONVENTION || ru->type == ZC_RT_HEADER))
        return KIND_EVENT;
    return -1;
}

/* Sort the candidates by kind, each kind's in text order (m->by_kind). */
static zc_status sort_candidates(zc_matcher *m)
{
    if (m->nc > UINT32_MAX)
        return ZC_ERR_LIMIT;
    if (!ZC_GROW(m->mem, m->by_kind, m->cap_by_kind, m->nc + 1) ||
        !ZC_GROW(m->mem, m->keys, m->cap_keys, m->nc + 1) ||
        !ZC_GROW(m->mem, m->keys_tmp, m->cap_keys_tmp, m->nc + 1))
        return ZC_ERR_NOMEM;
    size_t *at = m->kind_at;
    memset(at, 0, sizeof m->kind_at);
    for (size_t i = 0; i < m->nc; i++) {
        int k = kind_of(&m->c[i]);
        if (k >= 0)
            at[k + 1]++;
    }
    for (int k = 0; k < KIND_COUNT; k++)
        at[k + 1] += at[k];
    size_t fill[KIND_COUNT];
    memcpy(fill, at, sizeof fill);
    for (size_t i = 0; i < m->nc; i++) {
        int k = kind_of(&m->c[i]);
        if (k >= 0)
            m->by_kind[fill[k]++] = (uint32_t)i;
    }
    for (int k = 0; k < KIND_COUNT; k++) {
        uint32_t *v = m->by_kind + at[k];
        size_t n = at[k + 1] - at[k];
        for (size_t i = 0; i < n; i++) {
            m->keys[i].hi = m->c[v[i]].s;
            m->keys[i].lo = 0;
            m->keys[i].index = v[i];
        }
        sort_keys(m->keys, m->keys_tmp, n);
        for (size_t i = 0; i < n; i++)
            v[i] = m->keys[i].index;
    }
    return ZC_OK;
}

/* Does c overlap one of the survivors m->keys[0..kept) (settle)? */
static bool overlaps_kept(const zc_matcher *m, const cand *c, size_t kept)
{
    for (size_t j = 0; j < kept; j++) {
        const cand *x = &m->c[m->keys[j].index];
        if (c->s < x->e && x->s < c->e)
            return true;
    }
    return false;
}

/* Keep the best of the cluster m->order[lo..hi) (candidates in text order,
 * each overlapping one before it): by priority (high), length (long),
 * start, rule order; then in text order again.  Returns the end of the
 * kept ones, from lo.  Each key fits 32 bits (folded offsets do:
 * zc_matcher_run; rule indices 16). */
static size_t settle(zc_matcher *m, size_t lo, size_t hi)
{
    if (hi - lo < 2)
        return hi;
    size_t k = hi - lo;
    for (size_t i = 0; i < k; i++) {
        const cand *c = &m->c[m->order[lo + i]];
        sort_key *sk = &m->keys[i];
        uint64_t rank = (uint64_t)((int64_t)INT32_MAX - c->rule->priority);
        sk->hi = rank << 32 | (UINT32_MAX - (uint32_t)(c->e - c->s));
        sk->lo = (uint64_t)c->s << 32 | c->rule_index;
        sk->index = (uint32_t)m->order[lo + i];
    }
    sort_keys(m->keys, m->keys_tmp, k);
    /* a few: each against the survivors so far; many (a long chain of
     * overlaps), against their bytes marked in m->taken */
    bool by_bytes = k > 16;
    size_t kept = 0;
    for (size_t i = 0; i < k; i++) {
        const cand *c = &m->c[m->keys[i].index];
        if (by_bytes ? any_bits(m->taken, c->s, c->e, 0xFF)
                     : overlaps_kept(m, c, kept))
            continue;
        if (by_bytes)
            memset(m->taken + c->s, 1, c->e - c->s);
        m->keys[kept++] = m->keys[i];
    }
    for (size_t i = 0; i < kept; i++) { /* all zero again; text order */
        const cand *c = &m->c[m->keys[i].index];
        if (by_bytes)
            memset(m->taken + c->s, 0, c->e - c->s);
        m->keys[i].hi = c->s;
        m->keys[i].lo = 0;
    }
    sort_keys(m->keys, m->keys_tmp, kept);
    for (size_t i = 0; i < kept; i++)
        m->order[lo + i] = m->keys[i].index;
    return lo + kept;
}

/* Indices of the surviving item candidates of field f, in text order, in
 * m->order[0..*n): none under a mask for f, and of overlapping ones the
 * best (settle()).  Only candidates that overlap compete, so each
 * cluster of them (in text order, each overlapping one before it) is
 * settled on its own. */
static zc_status pick(zc_matcher *m, zc_field f, size_t *n)
{
    const uint32_t *in = m->by_kind + m->kind_at[KIND_ITEM + f];
    size_t nin = m->kind_at[KIND_ITEM + f + 1] - m->kind_at[KIND_ITEM + f];
    const uint32_t *mk = m->by_kind + m->kind_at[KIND_ITEM + ZC_FIELD_MASK];
    size_t nmk = m->kind_at[KIND_ITEM + ZC_FIELD_MASK + 1] -
                 m->kind_at[KIND_ITEM + ZC_FIELD_MASK];
    if (!ZC_GROW(m->mem, m->order, m->cap_order, nin + 1) ||
        !ZC_GROW(m->mem, m->keys, m->cap_keys, nin + 1) ||
        !ZC_GROW(m->mem, m->keys_tmp, m->cap_keys_tmp, nin + 1) ||
        !grow_zeroed(m->mem, &m->taken, &m->cap_taken, m->fold.len + 1))
        return ZC_ERR_NOMEM;
    size_t k = 0, lo = 0, end = 0; /* the cluster: order[lo..k), up to end */
    size_t mi = 0, mend = 0; /* masks before mk[mi] hiding f end by mend */
    for (size_t i = 0; i < nin; i++) {
        const cand *c = &m->c[in[i]];
        if (c->rule->report_skip && m->ctx->is_report)
            continue;
        /* masks come in text order too (文号, 《title》): one starting
         * before c must reach into it, a later one start inside it */
        for (; mi < nmk; mi++) {
            const cand *x = &m->c[mk[mi]];
            if (!((x->rule->mask_fields >> f) & 1))
                continue;
            if (x->s >= c->s)
                break;
            if (x->e > mend)
                mend = x->e;
        }
        if (mend > c->s || (mi < nmk && m->c[mk[mi]].s < c->e))
            continue;
        if (c->s >= end)
            lo = k = settle(m, lo, k);
        m->order[k++] = in[i];
        if (c->e > end)
            end = c->e;
    }
    *n = settle(m, lo, k);
    return ZC_OK;
}

/* ---- unit lists ------------------------------------------------------ */

static bool open_br(uint32_t cp)
{
    return cp == '(' || cp == '[' || cp == 0x3014 /* 〔 */ ||
           cp == 0x3010 /* 【 */ || cp == 0x300A /* 《 */ ||
           cp == 0x3008 /* 〈 */ || cp == 0x201C /* “ */;
}

static bool close_br(uint32_t cp)
{
    return cp == ')' || cp == ']' || cp == 0x3015 || cp == 0x3011 ||
           cp == 0x300B || cp == 0x3009 || cp == 0x201D;
}

static bool list_sep(uint32_t cp)
{
    return cp == 0x3001 /* 、 */ || cp == ',' || cp == ';' ||
           cp == 0xFF64 /* ､ */;
}

/* Trim blanks (and stray separators) at both ends of folded [*a, *b). */
static void trim_range(const zc_matcher *m, size_t *a, size_t *b)
{
    while (*a < *b) {
        int l;
        uint32_t cp = cp_at(m, *a, &l);
        if (!is_ws(cp) && !list_sep(cp) && cp != ':' && cp != '|')
            break;
        *a += (size_t)l;
    }
    while (*b > *a) {
        size_t p = prev_char(m, *b);
        uint32_t cp = cp_at(m, p, NULL);
        if (!is_ws(cp) && !list_sep(cp) && cp != 0x3002 && cp != '|' &&
            cp != '.')
            break;
        *b = p;
    }
}

static bool looks_like_unit(zc_matcher *m, size_t a, size_t b)
{
    size_t s, e;
    if (b <= a)
        return false;
    return vocab(m, ZC_RT_UNITNAME, ZC_FIELD_ASSIGNMENTS, a, b, false, true,
                 &s, &e) != NULL;
}

/* The tail ending at b: a tail with a role first (…等有关部门参加 is a
 * participation, whatever 等 swallows), then any tail; of either kind
 * the one starting first (then the earlier rule), as vocab() picks. */
static const zc_rule *tail_at(zc_matcher *m, size_t a, size_t b, size_t *ms,
                              size_t *me)
{
    const zc_rule *best[2] = {NULL, NULL}; /* [1]: a tail with a role */
    size_t bs[2] = {0, 0}, be[2] = {0, 0};
    size_t a0 = blanks_before(m, a);
    for (size_t k = m->tf_at[ZC_RT_TAIL][ZC_FIELD_ASSIGNMENTS];
         k < m->tf_at[ZC_RT_TAIL][ZC_FIELD_ASSIGNMENTS + 1]; k++) {
        if (!may_match(m, &m->by_tf[k], a0, b))
            continue;
        const zc_rule *ru = m->by_tf[k].ru;
        int r = ru->role != ZC_ROLE_NONE;
        size_t off = a;
        while (off < b) {
            int rc = search(m, ru, b, off, PCRE2_UNSET);
            if (rc < 0)
                break;
            const PCRE2_SIZE *ov = m->ov;
            if (ov[1] == b && ov[1] > ov[0]) {
                if (!best[r] || ov[0] < bs[r]) {
                    best[r] = ru;
                    bs[r] = ov[0];
                    be[r] = ov[1];
                }
                break;
            }
            size_t next = ov[0] + 1;
            while (next < b && ((unsigned char)F(m)[next] & 0xC0) == 0x80)
                next++;
            off = next;
        }
    }
    int r = best[1] != NULL;
    if (best[r]) {
        *ms = bs[r];
        *me = be[r];
    }
    return best[r];
}

typedef struct unit_tmp {
    size_t a, b;
    zc_role role;
} unit_tmp;

typedef struct ulist {
    unit_tmp u[256];
    size_t n;
    bool bad; /* a unit failed validation */
} ulist;

static void push_unit(ulist *L, size_t a, size_t b, zc_role role)
{
    if (L->n < sizeof L->u / sizeof L->u[0] && b > a) {
        L->u[L->n].a = a;
        L->u[L->n].b = b;
        L->u[L->n].role = role;
        L->n++;
    }
}

/* One item of a list (between separators): strip a lead mark and tails,
 * split on joiners between two units, push the units.  Returns the role
 * a tail gave (牵头 -> lead), or NONE. */
static zc_role list_item(zc_matcher *m, ulist *L, size_t a, size_t b,
                         bool *leadmark, bool validate)
{
    size_t s, e;
    trim_range(m, &a, &b);
    *leadmark = false;
    if (vocab(m, ZC_RT_LEADMARK, ZC_FIELD_ASSIGNMENTS, a, b, true, false, &s,
              &e)) {
        *leadmark = true;
        a = e;
        trim_range(m, &a, &b);
    }
    zc_role role = ZC_ROLE_NONE;
    for (int guard = 0; guard < 4 && b > a; guard++) {
        const zc_rule *t = tail_at(m, a, b, &s, &e);
        if (!t)
            break;
        if (role == ZC_ROLE_NONE && t->role != ZC_ROLE_NONE)
            role = t->role;
        b = s;
        trim_range(m, &a, &b);
    }
    if (b <= a)
        return role;
    /* 和/及 between two units: split; inside a name (县教育和体育局) not */
    size_t from = a;
    for (;;) {
        const zc_rule *j = vocab(m, ZC_RT_JOINER, ZC_FIELD_ASSIGNMENTS, from,
                                 b, false, false, &s, &e);
        if (!j)
            break;
        if (looks_like_unit(m, a, s) && looks_like_unit(m, e, b)) {
            push_unit(L, a, s, ZC_ROLE_NONE);
            a = e;
        }
        from = e;
    }
    if (validate && !looks_like_unit(m, a, b))
        L->bad = true;
    push_unit(L, a, b, ZC_ROLE_NONE);
    return role;
}

/* A unit list in folded [a, b): split on 、，,；; at bracket depth 0; a
 * tail's role (县扶贫开发办牵头, …等有关部门参加) goes to the units since
 * the previous role tail; the rest get `role`.  A 。 ends the list: what
 * follows is a note (具体任务…不再做分工，下同). */
static void parse_list(zc_matcher *m, ulist *L, size_t a, size_t b,
                       zc_role role, bool validate)
{
    size_t pending = L->n, item = a, i = a;
    int depth = 0;
    while (i <= b) {
        unsigned char lead = (unsigned char)F(m)[i];
        if (i < b && lead >= 0xE4 && lead <= 0xE9) {
            i += 3; /* a CJK ideograph (most of a list): none of the below */
            continue;
        }
        int l = 1;
        uint32_t cp = i < b ? cp_at(m, i, &l) : 0;
        bool end = i == b || (depth == 0 && cp == 0x3002 /* 。 */);
        if (i < b && open_br(cp))
            depth++;
        else if (i < b && close_br(cp) && depth > 0)
            depth--;
        size_t hs, he;
        if (!end && depth == 0 && list_sep(cp) &&
            vocab(m, ZC_RT_SHAREDHEAD, ZC_FIELD_ASSIGNMENTS, item, b, true,
                  false, &hs, &he) &&
            he > i) {
            i = he; /* 各区、县(市)政府: one unit, the head is shared */
            continue;
        }
        if (end || (depth == 0 && list_sep(cp))) {
            size_t before = L->n;
            bool mark;
            zc_role r = list_item(m, L, item, i, &mark, validate);
            if (mark && L->n > before)
                L->u[before].role = ZC_ROLE_LEAD;
            if (r != ZC_ROLE_NONE) {
                for (size_t k = pending; k < L->n; k++)
                    if (L->u[k].role == ZC_ROLE_NONE)
                        L->u[k].role = r;
                pending = L->n;
            }
            if (end)
                break;
            item = i + (size_t)l;
        }
        i += (size_t)l;
    }
    for (size_t k = pending; k < L->n; k++)
        if (L->u[k].role == ZC_ROLE_NONE)
            L->u[k].role = role;
}

/* A labelled body "牵头单位:…;责任单位:…": labels (from the rules) start
 * the parts; each part's list gets the label's role. */
static void parse_body(zc_matcher *m, ulist *L, size_t a, size_t b)
{
    size_t cur = a;
    zc_role role = ZC_ROLE_RESP;
    size_t list_start = a;
    bool first = true;
    while (cur < b) {
        size_t s, e;
        const zc_rule *lab = vocab(m, ZC_RT_LABEL, ZC_FIELD_ASSIGNMENTS, cur,
                                   b, false, false, &s, &e);
        /* a label counts at the start or after a separator */
        while (lab && s > a) {
            uint32_t pc = cp_at(m, prev_char(m, s), NULL);
            if (list_sep(pc) || is_ws(pc) || pc == 0x3002 || pc == ':' ||
                pc == '(' || pc == 0x3014)
                break;
            size_t next = s + 1;
            while (next < b && ((unsigned char)F(m)[next] & 0xC0) == 0x80)
                next++;
            lab = vocab(m, ZC_RT_LABEL, ZC_FIELD_ASSIGNMENTS, next, b, false,
                        false, &s, &e);
        }
        if (!lab) {
            break;
        }
        if (!first || s > list_start)
            parse_list(m, L, list_start, s, role, false);
        role = lab->role;
        list_start = e;
        cur = e;
        first = false;
    }
    parse_list(m, L, list_start, b, role, false);
}

/* ---- assignments ------------------------------------------------------ */

static bool own_line(const zc_matcher *m, size_t fs, size_t fe)
{
    size_t i = fs;
    while (i > 0) {
        size_t p = prev_char(m, i);
        uint32_t cp = cp_at(m, p, NULL);
        if (cp == '\n')
            break;
        if (!is_ws(cp))
            return false;
        i = p;
    }
    for (size_t k = fe; k < m->fold.len; k++) {
        char c = F(m)[k];
        if (c == '\n')
            break;
        if (c != ' ' && c != '\t' && c != '|' && c != '\r')
            return false;
    }
    return true;
}

/* Only blanks between absolute offsets a and b? */
static bool blank_between(const zc_matcher *m, size_t a, size_t b)
{
    const char *t = m->g->text;
    for (size_t i = a; i < b; i++) {
        char c = t[i - m->g->base];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '|')
            return false;
    }
    return true;
}

static void trim_abs(const zc_matcher *m, size_t *a, size_t *b)
{
    const char *t = m->g->text - m->g->base;
    while (*a < *b) {
        uint32_t cp;
        int l = zc_utf8_decode(t + *a, *b - *a, &cp);
        if (l <= 0 || !zc_is_space(cp))
            break;
        *a += (size_t)l;
    }
    while (*b > *a) {
        size_t p = zc_utf8_prev(t, *b);
        uint32_t cp;
        zc_utf8_decode(t + p, *b - p, &cp);
        if (!zc_is_space(cp))
            break;
        *b = p;
    }
}

static zc_status add_units(zc_matcher *m, const ulist *L, zc_role want,
                           size_t *first, size_t *count)
{
    *first = m->nunits;
    *count = 0;
    for (size_t i = 0; i < L->n; i++) {
        if (L->u[i].role != want)
            continue;
        if (!ZC_GROW(m->mem, m->units, m->capunits, m->nunits + 1))
            return ZC_ERR_NOMEM;
        zc_unit *u = &m->units[m->nunits++];
        u->name = src_span(m, L->u[i].a, L->u[i].b, &u->span);
        (*count)++;
    }
    return ZC_OK;
}

/* Apply a convention found at folded offset `at` (already known to come
 * before the clause being processed). */
static void apply_convention(zc_matcher *m, const cand *c)
{
    bool later = c->gs[ZC_G_SCOPE] != GUNSET;
    if (c->rule->convention == ZC_CONV_FIRST_IS_LEAD) {
        if (later)
            m->first_is_lead = true;
        else
            m->once_first = true;
    } else if (c->rule->convention == ZC_CONV_RESP_IS_LEAD) {
        if (later)
            m->resp_is_lead = true;
        else
            m->once_resp = true;
    }
}

/* A new assignment record for the units in L, its clause at folded
 * [fs, fe); the caller sets node and covers, then counts it (m->nar++). */
static zc_status store_assignment(zc_matcher *m, const ulist *L, size_t fs,
                                  size_t fe, const zc_rule *ru, asg_rec **out)
{
    if (!ZC_GROW(m->mem, m->ar, m->capar, m->nar + 1))
        return ZC_ERR_NOMEM;
    asg_rec *r = &m->ar[m->nar];
    memset(r, 0, sizeof *r);
    size_t cnt;
    zc_status st;
    if ((st = add_units(m, L, ZC_ROLE_LEAD, &r->lead0, &cnt)) != ZC_OK)
        return st;
    r->a.n_lead = cnt;
    if ((st = add_units(m, L, ZC_ROLE_RESP, &r->resp0, &cnt)) != ZC_OK)
        return st;
    r->a.n_responsible = cnt;
    if ((st = add_units(m, L, ZC_ROLE_COOP, &r->coop0, &cnt)) != ZC_OK)
        return st;
    r->a.n_cooperating = cnt;
    r->a.text = src_span(m, fs, fe, &r->a.span);
    r->a.rule = ru->where;
    *out = r;
    return ZC_OK;
}

/* ---- tables flattened one row per line --------------------------------- */

#define MAX_COLS 32

/* Cells of the folded line [a, b), split on '|' and trimmed; returns how
 * many (at most MAX_COLS; a trailing empty cell after the last '|' is
 * dropped). */
static size_t split_cells(const zc_matcher *m, size_t a, size_t b,
                          size_t cs[MAX_COLS], size_t ce[MAX_COLS])
{
    const char *t = F(m);
    size_t n = 0, start = a;
    while (n < MAX_COLS) {
        const char *bar = memchr(t + start, '|', b - start);
        size_t x = start, y = bar ? (size_t)(bar - t) : b;
        trim_range(m, &x, &y);
        cs[n] = x;
        ce[n] = y;
        n++;
        if (!bar)
            break;
        start = (size_t)(bar - t) + 1;
    }
    if (n && cs[n - 1] == ce[n - 1])
        n--;
    return n;
}

/* "序号 | 工作任务 | 牵头单位 | 配合单位 | 完成时限 |" then one row per
 * line: the unit columns (rules of type column) give each row's units
 * their roles; the clause is the row, it covers the cell before the first
 * unit column (the task).  The table ends at a line without cells. */
static zc_status do_table_rows(zc_matcher *m)
{
    const char *t = F(m);
    size_t n = m->fold.len, ls = 0;
    zc_role role[MAX_COLS];
    const zc_rule *col_rule = NULL;
    size_t ncols = 0, first_unit = 0;
    while (ls < n) {
        /* lines without a '|' are no rows: on to the next that has one */
        const char *bar = memchr(t + ls, '|', n - ls);
        if (!bar)
            break;
        size_t lb = (size_t)(bar - t);
        while (lb > ls && t[lb - 1] != '\n')
            lb--;
        if (lb > ls)
            ncols = 0; /* the table, if any, ended */
        ls = lb;
        const char *nl = memchr(t + ls, '\n', n - ls);
        size_t le = nl ? (size_t)(nl - t) : n;
        size_t cs[MAX_COLS], ce[MAX_COLS];
        size_t nc = split_cells(m, ls, le, cs, ce);
        if (nc < 3) {
            ncols = 0; /* not a row: the table, if any, ended */
            ls = le + 1;
            continue;
        }
        /* a header row names at least one unit column */
        zc_role cell_role[MAX_COLS];
        const zc_rule *first = NULL;
        size_t first_k = 0;
        for (size_t k = 0; k < nc; k++) {
            size_t hs, he;
            const zc_rule *ru =
                cs[k] < ce[k] ? vocab(m, ZC_RT_COLUMN, ZC_FIELD_ASSIGNMENTS,
                                      cs[k], ce[k], true, true, &hs, &he)
                              : NULL;
            cell_role[k] = ru ? ru->role : ZC_ROLE_NONE;
            if (ru && !first) {
                first = ru;
                first_k = k;
            }
        }
        if (first) {
            memcpy(role, cell_role, nc * sizeof *role);
            col_rule = first;
            first_unit = first_k;
            ncols = nc;
        } else if (ncols && nc + 1 >= ncols && nc <= ncols + 1) {
            ulist L;
            L.n = 0;
            L.bad = false;
            for (size_t k = 0; k < nc && k < ncols; k++)
                if (role[k] != ZC_ROLE_NONE && cs[k] < ce[k])
                    parse_list(m, &L, cs[k], ce[k], role[k], true);
            if (!L.bad && L.n) {
                asg_rec *r;
                size_t rs = cs[0], re = ce[nc - 1];
                zc_status st = store_assignment(m, &L, rs, re, col_rule, &r);
                if (st != ZC_OK)
                    return st;
                size_t task = first_unit ? first_unit - 1 : 0;
                r->a.covers.start = abs_start(m, cs[task]);
                r->a.covers.end = abs_end(m, ce[task]);
                r->node = node_of(m->g, r->a.span.start, r->a.span.end);
                m->nar++;
            }
        }
        ls = le + 1;
    }
    return ZC_OK;
}

static zc_status do_assignments(zc_matcher *m)
{
    size_t n;
    zc_status st = pick(m, ZC_FIELD_ASSIGNMENTS, &n);
    if (st != ZC_OK)
        return st;
    const zc_group *g = m->g;
    if (!ZC_GROW(m->mem, m->last_end, m->cap_last, g->n_nodes + 1))
        return ZC_ERR_NOMEM;
    memset(m->last_end, 0, (g->n_nodes + 1) * sizeof *m->last_end);
    /* conventions and table headers, applied as clauses pass them */
    const uint32_t *ev = m->by_kind + m->kind_at[KIND_EVENT];
    size_t nev = m->kind_at[KIND_EVENT + 1] - m->kind_at[KIND_EVENT];
    for (size_t oi = 0; oi < n; oi++) {
        const cand *c = &m->c[m->order[oi]];
        const zc_rule *ru = c->rule;
        /* conventions starting before this clause ends (one inside it
         * applies to it), table headers before it */
        for (size_t ek = 0; ek < nev; ek++) {
            cand *e = &m->c[ev[ek]];
            if (e->s >= c->e || e->s == UNSET - 1)
                continue;
            if (e->rule->type == ZC_RT_CONVENTION) {
                apply_convention(m, e);
                e->s = UNSET - 1; /* used */
            } else if (e->rule->type == ZC_RT_HEADER && e->s < c->s) {
                m->table = true;
                e->s = UNSET - 1;
            }
        }
        if (ru->table_only && !m->table)
            continue;
        ulist L;
        L.n = 0;
        L.bad = false;
        if (c->gs[ZC_G_BODY] != GUNSET)
            parse_body(m, &L, c->gs[ZC_G_BODY], c->ge[ZC_G_BODY]);
        static const struct {
            zc_gname g;
            zc_role r;
        } lists[] = {{ZC_G_LEAD, ZC_ROLE_LEAD},
                     {ZC_G_RESP, ZC_ROLE_RESP},
                     {ZC_G_COOP, ZC_ROLE_COOP},
                     {ZC_G_LIST, ZC_ROLE_RESP}};
        for (size_t k = 0; k < 4; k++)
            if (c->gs[lists[k].g] != GUNSET)
                parse_list(m, &L, c->gs[lists[k].g], c->ge[lists[k].g],
                           lists[k].r, ru->validate_units);
        if (L.bad || L.n == 0)
            continue;
        /* conventions: only where the clause names no lead itself */
        bool has_lead = false;
        for (size_t k = 0; k < L.n; k++)
            if (L.u[k].role == ZC_ROLE_LEAD)
                has_lead = true;
        if (!has_lead) {
            if (m->resp_is_lead || m->once_resp) {
                for (size_t k = 0; k < L.n; k++)
                    if (L.u[k].role == ZC_ROLE_RESP)
                        L.u[k].role = ZC_ROLE_LEAD;
            } else if (m->first_is_lead || m->once_first) {
                for (size_t k = 0; k < L.n; k++)
                    if (L.u[k].role == ZC_ROLE_RESP) {
                        L.u[k].role = ZC_ROLE_LEAD;
                        break;
                    }
            }
        }
        m->once_first = m->once_resp = false;

        asg_rec *r;
        if ((st = store_assignment(m, &L, c->s, c->e, ru, &r)) != ZC_OK)
            return st;
        size_t node = node_of(g, r->a.span.start, r->a.span.end);
        const zc_node *nd = &g->nodes[node];
        size_t cov0 = m->last_end[node] ? m->last_end[node] : nd->start;
        /* a clause on its own line closing a run of sub-items (（1）…（4）
         * then 责任单位：…) is the parent's: none of the earlier siblings
         * has a clause, and nothing follows it in its node */
        if (nd->parent >= 0 && !m->last_end[node] &&
            own_line(m, c->s, c->e) &&
            blank_between(m, r->a.span.end, nd->end)) {
            size_t first_sib = node;
            bool sib_clause = false;
            for (size_t k = 0; k < node; k++)
                if (g->nodes[k].parent == nd->parent &&
                    g->nodes[k].level == nd->level) {
                    if (first_sib == node)
                        first_sib = k;
                    if (m->last_end[k])
                        sib_clause = true;
                }
            if (first_sib != node && !sib_clause) {
                node = (size_t)nd->parent;
                cov0 = g->nodes[first_sib].start;
                if (m->last_end[node] > cov0)
                    cov0 = m->last_end[node];
            }
        }
        size_t cov1 = r->a.span.start;
        if (cov0 > cov1)
            cov0 = cov1;
        trim_abs(m, &cov0, &cov1);
        r->a.covers.start = cov0;
        r->a.covers.end = cov1;
        r->node = node;
        m->last_end[node] = r->a.span.end;
        m->nar++;
    }
    /* conventions and headers after the last clause hold for the clauses
     * of later sections */
    for (size_t ek = 0; ek < nev; ek++) {
        cand *e = &m->c[ev[ek]];
        if (e->s == UNSET - 1)
            continue;
        if (e->rule->type == ZC_RT_CONVENTION)
            apply_convention(m, e);
        else if (e->rule->type == ZC_RT_HEADER)
            m->table = true;
    }
    return do_table_rows(m);
}

/* ---- deadlines ---------------------------------------------------------- */

static int read_year(zc_matcher *m, size_t a, size_t b)
{
    static const struct {
        const char *w;
        int y;
    } rel[] = {{"今", ZC_YREL_THIS}, {"本", ZC_YREL_THIS},
               {"当", ZC_YREL_THIS}, {"全", ZC_YREL_THIS},
               {"明", ZC_YREL_NEXT}, {"次", ZC_YREL_NEXT},
               {"来", ZC_YREL_NEXT}, {"下", ZC_YREL_NEXT},
               {"去", ZC_YREL_PREV}, {"上", ZC_YREL_PREV},
               {"前", ZC_YREL_PREV}};
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++)
        if (strlen(rel[i].w) == b - a && !memcmp(F(m) + a, rel[i].w, b - a))
            return rel[i].y;
    unsigned long v;
    if (zc_parse_digits(F(m) + a, b - a, 4, &v) == b - a)
        return (int)v;
    if (zc_parse_zh_number(F(m) + a, b - a, 0, &v) == b - a && v >= 1900)
        return (int)v;
    return -2; /* unreadable */
}

static int read_int(zc_matcher *m, const cand *c, zc_gname gn)
{
    if (c->gs[gn] == GUNSET)
        return -1;
    double v;
    size_t a = c->gs[gn], b = c->ge[gn];
    if (b - a == 3 && !memcmp(F(m) + a, "\xE9\xA6\x96", 3)) /* 首 */
        return 1;
    if (!zc_read_number(F(m) + a, b - a, &v))
        return -2;
    return (int)v;
}

static zc_status do_deadlines(zc_matcher *m)
{
    size_t n;
    zc_status st = pick(m, ZC_FIELD_DEADLINES, &n);
    if (st != ZC_OK)
        return st;
    for (size_t oi = 0; oi < n; oi++) {
        const cand *c = &m->c[m->order[oi]];
        const zc_rule *ru = c->rule;
        zc_date_parts p;
        zc_date_parts_init(&p);
        if (c->gs[ZC_G_Y] != GUNSET)
            p.y = read_year(m, c->gs[ZC_G_Y], c->ge[ZC_G_Y]);
        if (c->gs[ZC_G_Y2] != GUNSET)
            p.y2 = read_year(m, c->gs[ZC_G_Y2], c->ge[ZC_G_Y2]);
        p.m = read_int(m, c, ZC_G_M);
        p.d = read_int(m, c, ZC_G_D);
        p.m2 = read_int(m, c, ZC_G_M2);
        p.d2 = read_int(m, c, ZC_G_D2);
        p.q = read_int(m, c, ZC_G_Q);
        p.q2 = read_int(m, c, ZC_G_Q2);
        if (c->gs[ZC_G_H] != GUNSET)
            p.h = !memcmp(F(m) + c->gs[ZC_G_H], "\xE4\xB8\x8B", 3) ? 2 : 1;
        p.end = c->gs[ZC_G_END] != GUNSET;
        p.pre = c->gs[ZC_G_PRE] != GUNSET;
        if (c->gs[ZC_G_FYP] != GUNSET) {
            int f = read_int(m, c, ZC_G_FYP);
            p.fyp = f > 0 ? f : 0;
        }
        if (c->gs[ZC_G_N] != GUNSET) {
            double v;
            if (zc_read_number(F(m) + c->gs[ZC_G_N],
                               c->ge[ZC_G_N] - c->gs[ZC_G_N], &v))
                p.n = v;
        }
        if (ru->amount_unit)
            p.u = ru->amount_unit;
        else if (c->gs[ZC_G_U] != GUNSET)
            p.u = zc_duration_unit(F(m) + c->gs[ZC_G_U],
                                   c->ge[ZC_G_U] - c->gs[ZC_G_U]);
        if (p.y == -2 || p.y2 == -2 || p.m == -2 || p.d == -2 ||
            p.m2 == -2 || p.d2 == -2 || p.q == -2 || p.q2 == -2)
            continue;
        if (!ZC_GROW(m->mem, m->dl, m->capdl, m->ndl + 1) ||
            !ZC_GROW(m->mem, m->pos, m->cappos, m->ndl + 1))
            return ZC_ERR_NOMEM;
        zc_deadline *d = &m->dl[m->ndl];
        memset(d, 0, sizeof *d);
        d->kind = ru->kind;
        d->text = src_span(m, c->s, c->e, &d->span);
        d->rule = ru->where;
        if (!zc_resolve_date(&p, m->ctx->year, m->ctx->year_before, d))
            continue;
        m->pos[m->ndl].node = node_of(m->g, d->span.start, d->span.end);
        m->pos[m->ndl].start = d->span.start;
        m->pos[m->ndl].index = m->ndl;
        m->ndl++;
    }
    return ZC_OK;
}

/* ---- targets and quantities ------------------------------------------- */

static bool clause_delim(uint32_t cp)
{
    return cp == ',' || cp == ';' || cp == 0x3002 || cp == ':' ||
           cp == '!' || cp == '?' || cp == '\n' || cp == 0x3001 ||
           cp == '|' || cp == '(' || cp == ')' || cp == 0x3014 ||
           cp == 0x3015;
}

/* The clause segment before folded offset `at` (back to a delimiter, at
 * most 60 bytes' worth of characters). */
static size_t seg_start(const zc_matcher *m, size_t at)
{
    const unsigned char *t = (const unsigned char *)F(m);
    size_t i = at;
    int chars = 0;
    while (i > 0 && chars < 40) {
        if (i >= 3 && t[i - 3] >= 0xE4 && t[i - 3] <= 0xE9) {
            i -= 3; /* an ideograph: no delimiter */
            chars++;
            continue;
        }
        size_t p = prev_char(m, i);
        if (clause_delim(cp_at(m, p, NULL)))
            break;
        i = p;
        chars++;
    }
    return i;
}

static size_t seg_end(const zc_matcher *m, size_t at)
{
    const unsigned char *t = (const unsigned char *)F(m);
    size_t i = at;
    int chars = 0;
    while (i < m->fold.len && chars < 40) {
        if (t[i] >= 0xE4 && t[i] <= 0xE9) {
            i += 3; /* an ideograph: no delimiter */
            chars++;
            continue;
        }
        int l;
        if (clause_delim(cp_at(m, i, &l)))
            break;
        i += (size_t)l;
        chars++;
    }
    return i;
}

/* The unit of an amount written after its number: 320亿元, 4.2万人. */
static bool is_amount_unit(uint32_t cp)
{
    switch (cp) {
    case 0x4E07: case 0x4EBF: case 0x5343: case 0x767E: /* 万 亿 千 百 */
    case 0x5143: case 0x4EBA: case 0x6237: case 0x4E2A: /* 元 人 户 个 */
    case 0x5BB6: case 0x9879: case 0x5428: case 0x4EA9: /* 家 项 吨 亩 */
    case 0x6B21: case 0x4EF6: case 0x53F0: case 0x8F86: /* 次 件 台 辆 */
    case 0x7C73: case 0x65B9: case 0x5E73: case 0x7F8E: /* 米 方 平 美 */
        return true;
    default:
        return false;
    }
}

/* The metric: the segment before the figure up to the first cut word
 * (达到, 增长 …), minus leading trim words (推动, 力争 …); if that leaves
 * nothing, the segment after the figure.  As written.  The figure is at
 * folded [vs, ve); its segment starts at seg = seg_start(vs). */
static zc_str metric_of(zc_matcher *m, size_t vs, size_t ve, size_t seg)
{
    size_t s, e;
    for (int pass = 0; pass < 2; pass++) {
        size_t a = pass == 0 ? seg : ve;
        size_t b = pass == 0 ? vs : seg_end(m, ve);
        if (pass == 1) { /* skip an op word right after the figure */
            if (vocab(m, ZC_RT_OP, ZC_FIELD_TARGETS, a, b, true, false, &s,
                      &e))
                a = e;
        }
        if (vocab(m, ZC_RT_METRIC_CUT, ZC_FIELD_TARGETS, a, b, false, false,
                  &s, &e))
            b = s;
        for (int guard = 0; guard < 6 && a < b; guard++) {
            if (!vocab(m, ZC_RT_METRIC_TRIM, ZC_FIELD_TARGETS, a, b, true,
                       false, &s, &e) ||
                e <= a)
                break;
            a = e;
        }
        while (a < b && is_ws(cp_at(m, a, NULL)))
            a++;
        while (b > a && is_ws(cp_at(m, prev_char(m, b), NULL)))
            b = prev_char(m, b);
        if (b > a)
            return src_str(m, a, b);
    }
    /* 一般公共预算收入25亿元，增长8.2%: the figure's segment is only the
     * verb; the segment before names the metric, ending in its amount */
    size_t p = seg;
    if (p > 0) {
        size_t b = prev_char(m, p); /* the separator */
        size_t a = seg_start(m, b), b0 = b;
        bool digit = false;
        while (b > a) {
            size_t q = prev_char(m, b);
            uint32_t cp = cp_at(m, q, NULL);
            bool num = (cp >= '0' && cp <= '9') || cp == '.';
            if (!num && !(digit ? false : is_amount_unit(cp)))
                break;
            digit |= num;
            b = q;
        }
        if (digit && b < b0) {
            for (int guard = 0; guard < 6 && a < b; guard++) {
                if (!vocab(m, ZC_RT_METRIC_TRIM, ZC_FIELD_TARGETS, a, b, true,
                           false, &s, &e) ||
                    e <= a)
                    break;
                a = e;
            }
            if (vocab(m, ZC_RT_METRIC_CUT, ZC_FIELD_TARGETS, a, b, false,
                      false, &s, &e))
                b = s;
            while (a < b && is_ws(cp_at(m, a, NULL)))
                a++;
            if (b > a && b - a <= 60)
                return src_str(m, a, b);
        }
    }
    zc_str none = {NULL, 0};
    return none;
}

/* The operator words in folded [a, b): the field's own op rules, else
 * those of target.rules (quantities share them). */
static const char *op_in(zc_matcher *m, zc_field f, size_t a, size_t b)
{
    size_t s, e;
    const zc_rule *o = vocab(m, ZC_RT_OP, f, a, b, false, false, &s, &e);
    if (!o && f != ZC_FIELD_TARGETS)
        o = vocab(m, ZC_RT_OP, ZC_FIELD_TARGETS, a, b, false, false, &s, &e);
    return o ? o->op : "=";
}

/* Does a heading of the node or an ancestor say this is a review
 * (2013年工作回顾)?  Then its figures are achieved ones. */
static bool review_context(zc_matcher *m, size_t node)
{
    const zc_group *g = m->g;
    if (m->review[node] >= 0) /* known: every target of a node asks */
        return m->review[node];
    bool review = false;
    const zc_node *nd = &g->nodes[node];
    if (nd->level > 0) {
        /* the heading: the first line of the node, folded */
        size_t a = nd->start - g->base - m->off0;
        size_t fa = zc_fold_from_src(&m->fold, a);
        size_t fb = fa;
        int chars = 0;
        while (fb < m->fold.len && F(m)[fb] != '\n' && chars < 30) {
            int l;
            uint32_t cp = cp_at(m, fb, &l);
            if (cp == 0x3002)
                break;
            fb += (size_t)l;
            chars++;
        }
        size_t s, e;
        review = vocab(m, ZC_RT_REVIEW, ZC_FIELD_TARGETS, fa, fb, false,
                       false, &s, &e) ||
                 (nd->parent >= 0 && review_context(m, (size_t)nd->parent));
    }
    m->review[node] = review;
    return review;
}

/* A sentence_start() answer: the sentence holding `at` starts at `start`. */
typedef struct sentence {
    size_t at, start;
} sentence;

/* Where the sentence holding folded offset `at` starts: after the last
 * newline or 。 before it.  Byte by byte, a character's last byte
 * first: 。 is E3 80 82, and E3 only ever starts a character.  A walk
 * that reaches the last answer's offset stops there (the figures of one
 * long sentence, in text order); the answer then replaces it. */
static size_t sentence_start(const zc_matcher *m, size_t at, sentence *last)
{
    const unsigned char *t = (const unsigned char *)F(m);
    size_t stop = 0, start = 0;
    if (last->at <= at) {
        stop = last->at;
        start = last->start;
    }
    for (size_t i = at; i > stop; i--) {
        if (t[i - 1] == '\n' || (t[i - 1] == 0x82 && i >= 3 &&
                                 t[i - 2] == 0x80 && t[i - 3] == 0xE3)) {
            start = i;
            break;
        }
    }
    last->at = at;
    last->start = start;
    return start;
}

static zc_status do_targets(zc_matcher *m)
{
    size_t n;
    zc_status st = pick(m, ZC_FIELD_TARGETS, &n);
    if (st != ZC_OK)
        return st;
    sentence last = {0, 0};
    for (size_t oi = 0; oi < n; oi++) {
        const cand *c = &m->c[m->order[oi]];
        const zc_rule *ru = c->rule;
        double v, v2;
        /* a user rule may leave (?<num>) out of the alternative that
         * matched: (?<num>[0-9]+)%|个百分点 - no figure, no target */
        if (c->gs[ZC_G_NUM] == GUNSET)
            continue;
        if (!zc_read_number(F(m) + c->gs[ZC_G_NUM],
                            c->ge[ZC_G_NUM] - c->gs[ZC_G_NUM], &v))
            continue;
        v *= ru->scale;
        v2 = v;
        if (c->gs[ZC_G_NUM2] != GUNSET &&
            zc_read_number(F(m) + c->gs[ZC_G_NUM2],
                           c->ge[ZC_G_NUM2] - c->gs[ZC_G_NUM2], &v2))
            v2 *= ru->scale;
        if (v2 < v)
            continue; /* 90%—80% is not a range */
        if (!ZC_GROW(m->mem, m->tg, m->captg, m->ntg + 1) ||
            !ZC_GROW(m->mem, m->pos, m->cappos, m->ntg + 1))
            return ZC_ERR_NOMEM;
        zc_target *t = &m->tg[m->ntg];
        memset(t, 0, sizeof *t);
        t->text = src_span(m, c->s, c->e, &t->span);
        t->value = v;
        t->value_max = v2;
        t->unit = ru->unit ? ru->unit : "%";
        t->op = ru->op ? ru->op : op_in(m, ZC_FIELD_TARGETS, c->s, c->e);
        size_t a = seg_start(m, c->s), s, e;
        t->metric = metric_of(m, c->s, c->e, a);
        t->rule = ru->where;
        size_t node = node_of(m->g, t->span.start, t->span.end);
        if (ru->kind) {
            t->kind = ru->kind;
        } else if (m->ctx->is_report || review_context(m, node)) {
            /* a report's figures are achieved, unless the sentence
             * plans (力争, 确保 … in a 下一步 part) */
            size_t sa = sentence_start(m, a, &last);
            t->kind = vocab(m, ZC_RT_PLANNED, ZC_FIELD_TARGETS, sa, c->s,
                            false, false, &s, &e)
                          ? "target"
                          : "achieved";
        } else if (vocab(m, ZC_RT_CHANGE, ZC_FIELD_TARGETS, c->s, c->e,
                         false, false, &s, &e)) {
            t->kind = "change";
        } else if (vocab(m, ZC_RT_ACHIEVED, ZC_FIELD_TARGETS, a, c->e, false,
                         false, &s, &e)) {
            t->kind = "achieved";
        } else {
            t->kind = "target";
        }
        m->pos[m->ntg].node = node;
        m->pos[m->ntg].start = t->span.start;
        m->pos[m->ntg].index = m->ntg;
        m->ntg++;
    }
    return ZC_OK;
}

static zc_status do_quantities(zc_matcher *m)
{
    size_t n;
    zc_status st = pick(m, ZC_FIELD_QUANTITIES, &n);
    if (st != ZC_OK)
        return st;
    for (size_t oi = 0; oi < n; oi++) {
        const cand *c = &m->c[m->order[oi]];
        const zc_rule *ru = c->rule;
        double v;
        if (c->gs[ZC_G_NUM] == GUNSET) /* see do_targets */
            continue;
        if (!zc_read_number(F(m) + c->gs[ZC_G_NUM],
                            c->ge[ZC_G_NUM] - c->gs[ZC_G_NUM], &v))
            continue;
        zc_span span;
        zc_str text = src_span(m, c->s, c->e, &span);
        size_t node = node_of(m->g, span.start, span.end);
        /* under a review heading (工作回顾, 总体情况) counts are reported,
         * not required: the same reading as `in-report: skip` */
        if (ru->report_skip && review_context(m, node))
            continue;
        if (!ZC_GROW(m->mem, m->qt, m->capqt, m->nqt + 1) ||
            !ZC_GROW(m->mem, m->pos, m->cappos, m->nqt + 1))
            return ZC_ERR_NOMEM;
        zc_quantity *q = &m->qt[m->nqt];
        memset(q, 0, sizeof *q);
        q->text = text;
        q->span = span;
        q->value = v * ru->scale;
        q->unit = src_str(m, c->gs[ZC_G_UNIT], c->ge[ZC_G_UNIT]);
        q->op = ru->op ? ru->op : op_in(m, ZC_FIELD_QUANTITIES, c->s, c->e);
        q->rule = ru->where;
        m->pos[m->nqt].node = node;
        m->pos[m->nqt].start = q->span.start;
        m->pos[m->nqt].index = m->nqt;
        m->nqt++;
    }
    return ZC_OK;
}

/* ---- distribution to nodes -------------------------------------------- */

/* Stable order by (node, start) of n positions. */
static int pos_cmp(const void *pa, const void *pb)
{
    const item_pos *a = pa, *b = pb;
    if (a->node != b->node)
        return a->node < b->node ? -1 : 1;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

static void sort_pos(item_pos *p, size_t n)
{
    /* mostly in order already: items come in text order, and so do the
     * nodes holding them (p may be NULL when nothing was found) */
    for (size_t i = 1; i < n; i++)
        if (pos_cmp(&p[i - 1], &p[i]) > 0) {
            qsort(p, n, sizeof *p, pos_cmp);
            return;
        }
}

#define DISTRIBUTE(m, src, n, dst, cap, out, field, nfield)                  \
    do {                                                                     \
        if (!ZC_GROW((m)->mem, dst, cap, (n) + 1))                           \
            return ZC_ERR_NOMEM;                                             \
        sort_pos((m)->pos, n);                                               \
        for (size_t i_ = 0; i_ < (n); i_++) {                                \
            size_t nd_ = (m)->pos[i_].node;                                  \
            dst[i_] = src[(m)->pos[i_].index];                               \
            if (!(out)[nd_].nfield)                                          \
                (out)[nd_].field = &dst[i_];                                 \
            (out)[nd_].nfield++;                                             \
        }                                                                    \
    } while (0)

/* ---- the entry point -------------------------------------------------- */

zc_status zc_matcher_run(zc_matcher *m, const zc_match_ctx *ctx,
                         const zc_group *g, zc_extraction *out)
{
    memset(out, 0, g->n_nodes * sizeof *out);
    if (!m->rules || !zc_rules_n(m->rules) || !g->n_nodes)
        return ZC_OK;
    m->g = g;
    m->ctx = ctx;
    m->nc = m->nar = m->nunits = m->ndl = m->ntg = m->nqt = 0;
    size_t lo = g->nodes[0].start, hi = g->nodes[0].end;
    for (size_t i = 1; i < g->n_nodes; i++)
        if (g->nodes[i].end > hi)
            hi = g->nodes[i].end;
    if (lo < g->base)
        lo = g->base;
    if (hi > g->base + g->len)
        hi = g->base + g->len;
    if (hi < lo)
        hi = lo;
    m->off0 = lo - g->base;
    if (hi - lo >= UINT32_MAX)
        return ZC_ERR_LIMIT;
    if (!zc_fold_text(&m->fold, g->text + m->off0, hi - lo))
        return ZC_ERR_NOMEM;
    zc_status st;
    if ((st = find_anchors(m)) != ZC_OK)
        return st;

    bool header = false;
    for (size_t i = 0; i < zc_rules_n(m->rules); i++) {
        const zc_rule *ru = zc_rules_at(m->rules, i);
        bool global = ru->type == ZC_RT_ITEM ||
                      ru->type == ZC_RT_CONVENTION ||
                      ru->type == ZC_RT_HEADER;
        if (!global || ru->table_only)
            continue;
        size_t nc = m->nc;
        if ((st = collect(m, ru, i)) != ZC_OK)
            return st;
        if (ru->type == ZC_RT_HEADER && m->nc > nc)
            header = true;
    }
    /* `when: table` rules (a row of a 责任单位 column: any short line) only
     * where a table header was seen, before or in this group */
    for (size_t i = 0; i < zc_rules_n(m->rules) && (m->table || header);
         i++) {
        const zc_rule *ru = zc_rules_at(m->rules, i);
        bool global = ru->type == ZC_RT_ITEM ||
                      ru->type == ZC_RT_CONVENTION ||
                      ru->type == ZC_RT_HEADER;
        if (global && ru->table_only && (st = collect(m, ru, i)) != ZC_OK)
            return st;
    }
    if ((st = sort_candidates(m)) != ZC_OK)
        return st;
    if ((st = do_assignments(m)) != ZC_OK || (st = do_deadlines(m)) != ZC_OK)
        return st;
    size_t ndl = m->ndl;
    DISTRIBUTE(m, m->dl, ndl, m->dl_out, m->capdl_out, out, deadlines,
               n_deadlines);
    if (!ZC_GROW(m->mem, m->review, m->cap_review, g->n_nodes))
        return ZC_ERR_NOMEM;
    memset(m->review, -1, g->n_nodes);
    if ((st = do_targets(m)) != ZC_OK)
        return st;
    size_t ntg = m->ntg;
    DISTRIBUTE(m, m->tg, ntg, m->tg_out, m->captg_out, out, targets,
               n_targets);
    if ((st = do_quantities(m)) != ZC_OK)
        return st;
    size_t nqt = m->nqt;
    DISTRIBUTE(m, m->qt, nqt, m->qt_out, m->capqt_out, out, quantities,
               n_quantities);

    /* assignments: stable by node, then fix unit pointers */
    if (!ZC_GROW(m->mem, m->asg, m->capasg, m->nar + 1) ||
        !ZC_GROW(m->mem, m->pos, m->cappos, m->nar + 1))
        return ZC_ERR_NOMEM;
    for (size_t i = 0; i < m->nar; i++) {
        m->pos[i].node = m->ar[i].node;
        m->pos[i].start = m->ar[i].a.span.start;
        m->pos[i].index = i;
    }
    sort_pos(m->pos, m->nar);
    for (size_t i = 0; i < m->nar; i++) {
        const asg_rec *r = &m->ar[m->pos[i].index];
        zc_assignment *a = &m->asg[i];
        *a = r->a;
        a->lead = r->a.n_lead ? &m->units[r->lead0] : NULL;
        a->responsible = r->a.n_responsible ? &m->units[r->resp0] : NULL;
        a->cooperating = r->a.n_cooperating ? &m->units[r->coop0] : NULL;
        size_t nd = r->node;
        if (!out[nd].n_assignments)
            out[nd].assignments = a;
        out[nd].n_assignments++;
    }
    return ZC_OK;
}
