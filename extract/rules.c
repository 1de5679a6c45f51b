/*
 * rules.c - rule files: reading, compiling, checking their examples.
 * (Placeholder until the rule format lands: loads nothing.)
 */
#include "internal.h"

#include <string.h>

struct zc_rules {
    const zc_mem *mem;
    size_t count;
};

static zc_status make(const zc_mem *mem, zc_rules **out)
{
    mem = mem ? mem : &zc_default_mem;
    zc_rules *r = zc_malloc(mem, sizeof *r);
    if (!r)
        return ZC_ERR_NOMEM;
    r->mem = mem;
    r->count = 0;
    *out = r;
    return ZC_OK;
}

zc_status zc_rules_load_dir(const char *dir, const zc_mem *mem, zc_rules **out,
                            zc_error *err)
{
    (void)dir;
    (void)err;
    return make(mem, out);
}

zc_status zc_rules_load_file(const char *path, const zc_mem *mem,
                             zc_rules **out, zc_error *err)
{
    (void)path;
    (void)err;
    return make(mem, out);
}

zc_status zc_rules_load_buffer(const char *name, const char *buf, size_t len,
                               const zc_mem *mem, zc_rules **out,
                               zc_error *err)
{
    (void)name;
    (void)buf;
    (void)len;
    (void)err;
    return make(mem, out);
}

size_t zc_rules_count(const zc_rules *rules)
{
    return rules ? rules->count : 0;
}

void zc_rules_free(zc_rules *rules)
{
    if (rules)
        zc_free(rules->mem, rules);
}
