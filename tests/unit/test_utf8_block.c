/*
 * test_utf8_block.c - zc_plain_block (utf8_block.h), the 16-byte fast
 * path of the decoder and the JSON writer, against a byte-by-byte
 * reading of its contract on random blocks built from the pieces that
 * matter: ASCII, the stop bytes, control bytes, 3-byte sequences with
 * every kind of lead byte, 2- and 4-byte sequences, stray and missing
 * continuation bytes.
 */
#include "testutil.h"

#include "utf8_block.h"

#include <stdbool.h>

/* The contract, one character at a time. */
static size_t reference(const unsigned char *s, bool controls, char stop1,
                        char stop2, size_t *n3)
{
    size_t i = 0;
    *n3 = 0;
    while (i < ZC_BLOCK) {
        unsigned char c = s[i];
        if (c < 0x80) {
            if (c == (unsigned char)stop1 || c == (unsigned char)stop2 ||
                (!controls && c < 0x20))
                return 0;
            i++;
            continue;
        }
        if (c < 0xE1 || c > 0xEF || c == 0xED)
            return 0;
        for (size_t k = 1; k < 3 && i + k < ZC_BLOCK; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
        if (i + 3 > ZC_BLOCK)
            return i; /* continues in the next block */
        (*n3)++;
        i += 3;
    }
    return i;
}

static void random_blocks(void **state)
{
    (void)state;
#ifdef __SSE2__
    static const char *const pieces[] = {
        "a", "Z", " ", "1", "\n", "\t", "\r", "\"", "\\", "\x01",
        "\x7F", "中", "，", "。", "（", "\xEF\xBF\xBD", "\xE0\xA0\x80",
        "\xED\x9F\xBF", "\xC3\xA9", "\xF0\x9F\x98\x80", "\x80", "\xBF",
        "\xE4\xB8", "\xE4", "\xFF", ""};
    size_t np = sizeof pieces / sizeof pieces[0];
    uint32_t x = 2024;
    unsigned long fast = 0;
    for (int it = 0; it < 400000; it++) {
        unsigned char b[ZC_BLOCK + 8];
        size_t n = 0;
        while (n < ZC_BLOCK) {
            x = x * 1103515245u + 12345u;
            /* mostly CJK and ASCII, as in a notice */
            unsigned r = (x >> 16) % 100;
            const char *p = r < 45 ? "中" : r < 60 ? "a" : r < 66 ? "，"
                                                                  : pieces[r % np];
            size_t l = strlen(p);
            for (size_t k = 0; k < l && n < ZC_BLOCK; k++)
                b[n++] = (unsigned char)p[k];
            if (!l)
                b[n++] = 0;
        }
        for (int mode = 0; mode < 2; mode++) {
            bool controls = mode == 0;
            char s1 = controls ? '\r' : '"', s2 = controls ? 0 : '\\';
            size_t n3a = 0, n3b = 0;
            size_t want = reference(b, controls, s1, s2, &n3a);
            size_t got = zc_plain_block(b, controls, s1, s2, &n3b);
            if (got != want || (got && n3a != n3b)) {
                char hex[3 * ZC_BLOCK + 1];
                for (size_t k = 0; k < ZC_BLOCK; k++)
                    snprintf(hex + 3 * k, 4, "%02X ", b[k]);
                fail_msg("mode %d: %s: got %zu (%zu), want %zu (%zu)", mode,
                         hex, got, n3b, want, n3a);
            }
            fast += got != 0;
        }
    }
    assert_true(fast > 1000); /* the common case takes the fast path */
#else
    skip();
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
