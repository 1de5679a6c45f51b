/*
 * mem.c - the allocator hooks (zc_mem) and small helpers over them.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static void *std_malloc(size_t n, void *ud)
{
    (void)ud;
    return malloc(n);
}

static void *std_realloc(void *p, size_t n, void *ud)
{
    (void)ud;
    return realloc(p, n);
}

static void std_free(void *p, void *ud)
{
    (void)ud;
    free(p);
}

const zc_mem zc_default_mem = {std_malloc, std_realloc, std_free, NULL};

void *zc_malloc(const zc_mem *m, size_t n)
{
    return m->malloc(n ? n : 1, m->ud);
}

void *zc_realloc(const zc_mem *m, void *p, size_t n)
{
    return m->realloc(p, n ? n : 1, m->ud);
}

void zc_free(const zc_mem *m, void *p)
{
    if (p)
        m->free(p, m->ud);
}

char *zc_strndup(const zc_mem *m, const char *s, size_t n)
{
    char *d = zc_malloc(m, n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

bool zc_grow(const zc_mem *m, void **arr, size_t *cap, size_t need,
             size_t elem)
{
    if (need <= *cap)
        return true;
    size_t n = *cap ? *cap : 8;
    while (n < need) {
        if (n > SIZE_MAX / 2 / elem)
            return false;
        n *= 2;
    }
    void *p = zc_realloc(m, *arr, n * elem);
    if (!p)
        return false;
    *arr = p;
    *cap = n;
    return true;
}
