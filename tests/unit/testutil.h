/*
 * testutil.h - what the cmocka unit tests share: cmocka itself (with the
 * headers it needs first), reading test data from tests/data/, and a
 * string view for assertions on borrowed, non-NUL-terminated strings.
 *
 * Test inputs live in files under tests/data/ (ZC_TEST_DATA is set by
 * tests/CMakeLists.txt); only tiny one-liners are written in C.
 */
#ifndef ZC_TESTUTIL_H
#define ZC_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#ifndef ZC_TEST_DATA
#error "ZC_TEST_DATA must name the tests/data directory"
#endif

/* Read tests/data/NAME whole; the caller frees.  Fails the test if the
 * file is missing, so a renamed data file cannot silently pass. */
static inline char *tu_read(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", ZC_TEST_DATA, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open test data %s", path);
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0)
            break;
        n += got;
    }
    fclose(f);
    buf = realloc(buf, n + 1);
    assert_non_null(buf);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Compare a (ptr, len) string with a C string, printing both on failure. */
#define assert_strn_equal(ptr, len, expect)                                    \
    do {                                                                       \
        const char *tu_p_ = (ptr);                                             \
        size_t tu_n_ = (len);                                                  \
        const char *tu_e_ = (expect);                                          \
        if (!tu_p_ || tu_n_ != strlen(tu_e_) ||                                \
            memcmp(tu_p_, tu_e_, tu_n_) != 0)                                  \
            fail_msg("expected \"%s\", got \"%.*s\"", tu_e_,                   \
                     tu_p_ ? (int)tu_n_ : 6, tu_p_ ? tu_p_ : "(null)");        \
    } while (0)

#endif
