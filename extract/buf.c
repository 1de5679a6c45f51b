/*
 * buf.c - a growable byte buffer.  Callers enforce their own caps (the
 * segmenter's max_section_bytes); this file only refuses to overflow.
 */
#include "internal.h"

#include <string.h>

void zc_buf_init(zc_buf *b, const zc_mem *mem)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->mem = mem;
}

bool zc_buf_reserve(zc_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return false;
    return zc_grow(b->mem, (void **)&b->data, &b->cap, b->len + extra + 1, 1);
}

bool zc_buf_append_grow(zc_buf *b, const void *data, size_t len)
{
    if (len == 0)
        return true;
    if (!zc_buf_reserve(b, len))
        return false;
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return true;
}


void zc_buf_consume(zc_buf *b, size_t n)
{
    if (n >= b->len) {
        b->len = 0;
    } else {
        memmove(b->data, b->data + n, b->len - n);
        b->len -= n;
    }
    if (b->data)
        b->data[b->len] = '\0';
}

void zc_buf_free(zc_buf *b)
{
    zc_free(b->mem, b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
