/*
 * test_sha256.c - the SHA-256 behind source.sha256 (sha256.c), in both
 * its forms: the SHA-NI code (on a machine that has it) and the portable
 * code, on FIPS 180-4 vectors and on inputs of every length around the
 * block size, fed whole and in odd pieces.
 */
#include "testutil.h"

#include "sha256.h"

static void digest(const unsigned char *s, size_t n, size_t piece,
                   bool portable, char out[65])
{
    zc_sha256 c;
    zc_sha256_init(&c);
    c.portable = portable;
    for (size_t i = 0; i < n; i += piece)
        zc_sha256_update(&c, s + i, n - i < piece ? n - i : piece);
    zc_sha256_hex(&c, out);
}

static void vectors(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *hex;
    } v[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc",
         "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
         "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    };
    char hex[65];
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        for (int portable = 0; portable < 2; portable++) {
            digest((const unsigned char *)v[i].in, strlen(v[i].in), 1000,
                   portable, hex);
            assert_string_equal(hex, v[i].hex);
        }
}

static void million_a(void **state)
{
    (void)state;
    size_t n = 1000000;
    unsigned char *s = malloc(n);
    assert_non_null(s);
    memset(s, 'a', n);
    char hex[65];
    for (int portable = 0; portable < 2; portable++) {
        digest(s, n, n, portable, hex);
        assert_string_equal(
            hex,
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }
    free(s);
}

/* Both forms agree on every length up to five blocks, whatever the
 * pieces. */
static void forms_agree(void **state)
{
    (void)state;
    unsigned char s[320];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof s; i++) {
        x = x * 1103515245u + 12345u;
        s[i] = (unsigned char)(x >> 16);
    }
    static const size_t pieces[] = {1, 3, 63, 64, 65, 320};
    char a[65], b[65];
    for (size_t n = 0; n <= sizeof s; n++)
        for (size_t k = 0; k < sizeof pieces / sizeof pieces[0]; k++) {
            digest(s, n, pieces[k], false, a);
            digest(s, n, 320, true, b);
            if (strcmp(a, b))
                fail_msg("length %zu, pieces of %zu: %s vs %s", n, pieces[k],
                         a, b);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vectors),
        cmocka_unit_test(million_a),
        cmocka_unit_test(forms_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
