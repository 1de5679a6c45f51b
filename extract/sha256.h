/* sha256.h - streaming SHA-256 (private). */
#ifndef ZHENGCE_SHA256_H
#define ZHENGCE_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct zc_sha256 {
    uint32_t h[8];
    uint64_t len;
    unsigned char buf[64];
    size_t n;
    bool portable; /* false after init; true: never the SHA-NI code
                      (tests/unit/test_sha256.c checks both)          */
} zc_sha256;

void zc_sha256_init(zc_sha256 *c);
void zc_sha256_update(zc_sha256 *c, const void *data, size_t len);
/* Hex digest of what was fed so far; `c` itself is not changed. */
void zc_sha256_hex(const zc_sha256 *c, char out[65]);

#endif
