/*
 * test_numeral.c - zc_parse_zh_number and zc_parse_digits (numeral.c).
 *
 * Marker numbers go to 九十九 and beyond (一百零五), years are written
 * digit by digit (二〇二〇), and 两 is 2.  Each case also checks how many
 * bytes were consumed: the scanner relies on it to find the character
 * after the number.
 */
#include "testutil.h"

#include "internal.h"

typedef struct {
    const char *text;
    unsigned long value;
    size_t consumed; /* bytes */
} zh_case;

static void check_zh(const zh_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned long v = 12345;
        size_t k = zc_parse_zh_number(c[i].text, strlen(c[i].text), 0, &v);
        if (k != c[i].consumed || v != c[i].value)
            fail_msg("\"%s\": expected %lu (%zu bytes), got %lu (%zu bytes)",
                     c[i].text, c[i].value, c[i].consumed, v, k);
    }
}

static void units_and_tens(void **state)
{
    (void)state;
    static const zh_case c[] = {
        {"一", 1, 3},      {"二", 2, 3},      {"三", 3, 3},
        {"九", 9, 3},      {"十", 10, 3},     {"十一", 11, 6},
        {"十二", 12, 6},   {"十九", 19, 6},   {"二十", 20, 6},
        {"二十一", 21, 9}, {"二十二", 22, 9}, {"五十", 50, 6},
        {"九十", 90, 6},   {"九十九", 99, 9},
    };
    check_zh(c, sizeof c / sizeof c[0]);
}

static void hundreds_with_zero(void **state)
{
    (void)state;
    static const zh_case c[] = {
        {"一百", 100, 6},
        {"一百零五", 105, 12},
        {"一百〇五", 105, 12},
        {"一百一十", 110, 12},
        {"一百二十三", 123, 15},
        {"两百", 200, 6},
        {"一千零一", 1001, 12},
    };
    check_zh(c, sizeof c / sizeof c[0]);
}

static void digit_by_digit_years(void **state)
{
    (void)state;
    static const zh_case c[] = {
        {"二〇二〇", 2020, 12},
        {"二零二一", 2021, 12},
        {"一九九八", 1998, 12},
        {"二〇〇八", 2008, 12},
    };
    check_zh(c, sizeof c / sizeof c[0]);
}

static void liang_is_two(void **state)
{
    (void)state;
    static const zh_case c[] = {{"两", 2, 3}, {"两百", 200, 6}};
    check_zh(c, sizeof c / sizeof c[0]);
}

static void stops_at_the_first_non_numeral(void **state)
{
    (void)state;
    static const zh_case c[] = {
        {"十二、加强", 12, 6},   /* the 、 is not part of it */
        {"二十二）", 22, 9},
        {"三是", 3, 3},
        {"七月八日", 7, 3},
        {"二〇二〇年七月", 2020, 12},
    };
    check_zh(c, sizeof c / sizeof c[0]);
}

static void not_a_numeral(void **state)
{
    (void)state;
    static const char *const none[] = {"", "是", "（一）", "1", "年", "百"};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        unsigned long v = 777;
        size_t k = zc_parse_zh_number(none[i], strlen(none[i]), 0, &v);
        /* 百 alone is not a number anyone writes; accept 0 or 100 but
         * nothing else */
        if (k != 0 && !(i == 5 && v == 100))
            fail_msg("\"%s\" read as %lu (%zu bytes)", none[i], v, k);
        if (k == 0)
            assert_int_equal(v, 777); /* *v untouched on failure */
    }
}

static void max_rejects_bigger_values(void **state)
{
    (void)state;
    unsigned long v = 0;
    assert_int_equal(zc_parse_zh_number("九十九", 9, 99, &v), 9);
    assert_int_equal(v, 99);
    assert_int_equal(zc_parse_zh_number("一百", 6, 99, &v), 0);
    assert_int_equal(zc_parse_zh_number("二〇二〇", 12, 199, &v), 0);
}

static void cut_character_is_not_read(void **state)
{
    (void)state;
    /* 十二 with the last byte of 二 missing: only 十 is complete */
    unsigned long v = 0;
    assert_int_equal(zc_parse_zh_number("十二", 5, 0, &v), 3);
    assert_int_equal(v, 10);
    assert_int_equal(zc_parse_zh_number("十", 2, 0, &v), 0);
}

static void arabic_and_full_width_digits(void **state)
{
    (void)state;
    unsigned long v = 0;
    assert_int_equal(zc_parse_digits("1", 1, 3, &v), 1);
    assert_int_equal(v, 1);
    assert_int_equal(zc_parse_digits("123abc", 6, 3, &v), 3);
    assert_int_equal(v, 123);
    assert_int_equal(zc_parse_digits("１２", 6, 3, &v), 6); /* full width */
    assert_int_equal(v, 12);
    assert_int_equal(zc_parse_digits("1２3", 5, 3, &v), 5); /* mixed */
    assert_int_equal(v, 123);
    /* more digits than allowed: a year, not a marker number */
    assert_int_equal(zc_parse_digits("2015", 4, 3, &v), 0);
    assert_int_equal(zc_parse_digits("2015", 4, 4, &v), 4);
    assert_int_equal(v, 2015);
    assert_int_equal(zc_parse_digits("", 0, 3, &v), 0);
    assert_int_equal(zc_parse_digits("x1", 2, 3, &v), 0);
    /* a cut full-width digit is not a digit */
    assert_int_equal(zc_parse_digits("１", 2, 3, &v), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(units_and_tens),
        cmocka_unit_test(hundreds_with_zero),
        cmocka_unit_test(digit_by_digit_years),
        cmocka_unit_test(liang_is_two),
        cmocka_unit_test(stops_at_the_first_non_numeral),
        cmocka_unit_test(not_a_numeral),
        cmocka_unit_test(max_rejects_bigger_values),
        cmocka_unit_test(cut_character_is_not_read),
        cmocka_unit_test(arabic_and_full_width_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
