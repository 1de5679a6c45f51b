/*
 * match.c - applies the compiled rules to a finished group of sections.
 * (Placeholder until extraction lands: extracts nothing.)
 */
#include "internal.h"

#include <string.h>

struct zc_matcher {
    const zc_mem *mem;
};

zc_matcher *zc_matcher_new(const zc_rules *rules, const zc_options *opt)
{
    (void)rules;
    const zc_mem *mem = opt && opt->mem ? opt->mem : &zc_default_mem;
    zc_matcher *m = zc_malloc(mem, sizeof *m);
    if (m)
        m->mem = mem;
    return m;
}

zc_status zc_matcher_run(zc_matcher *m, const zc_match_ctx *ctx,
                         const zc_group *g, zc_extraction *out)
{
    (void)m;
    (void)ctx;
    memset(out, 0, g->n_nodes * sizeof *out);
    return ZC_OK;
}

void zc_matcher_reset(zc_matcher *m)
{
    (void)m;
}

void zc_matcher_free(zc_matcher *m)
{
    if (m)
        zc_free(m->mem, m);
}
