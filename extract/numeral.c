/*
 * numeral.c - Chinese and Arabic numerals as they appear in markers,
 * dates and figures: 一 … 九十九, 一百零五, 二〇二〇 (digit by digit), 两,
 * and ASCII or full-width digits.
 */
#include "internal.h"

#include <string.h>

/* Value of a Chinese digit character, -1 if not one. */
static int zh_digit(uint32_t cp)
{
    switch (cp) {
    case 0x3007: /* 〇 */
    case 0x25CB: /* ○, typed for 〇 */
    case 0x96F6: /* 零 */
        return 0;
    case 0x4E00: return 1; /* 一 */
    case 0x4E8C: return 2; /* 二 */
    case 0x4E24: return 2; /* 两 */
    case 0x4E09: return 3; /* 三 */
    case 0x56DB: return 4; /* 四 */
    case 0x4E94: return 5; /* 五 */
    case 0x516D: return 6; /* 六 */
    case 0x4E03: return 7; /* 七 */
    case 0x516B: return 8; /* 八 */
    case 0x4E5D: return 9; /* 九 */
    default: return -1;
    }
}

#define ZH_TEN 0x5341      /* 十 */
#define ZH_HUNDRED 0x767E  /* 百 */
#define ZH_THOUSAND 0x5343 /* 千 */

size_t zc_parse_zh_number(const char *s, size_t n, unsigned long max,
                          unsigned long *v)
{
    size_t i = 0;
    unsigned long total = 0, digit = 0;
    bool have_digit = false, any = false, positional = false;
    unsigned ndigits = 0;
    while (i < n) {
        uint32_t cp;
        int len = zc_utf8_decode(s + i, n - i, &cp);
        if (len == 0)
            break;
        int d = zh_digit(cp);
        if (d == 0 && total > 0 && !have_digit && !positional) {
            i += (size_t)len; /* 一百零五: 零 only holds a place */
            continue;
        }
        if (d >= 0) {
            if (have_digit) {
                /* two digits in a row: 二〇二〇 read positionally */
                if (!positional && ndigits == 1 && total == 0)
                    positional = true;
                if (!positional)
                    break;
                digit = digit * 10 + (unsigned long)d;
            } else {
                digit = (unsigned long)d;
            }
            have_digit = true;
            ndigits++;
            any = true;
        } else if (!positional &&
                   (cp == ZH_TEN || cp == ZH_HUNDRED || cp == ZH_THOUSAND)) {
            unsigned long unit = cp == ZH_TEN ? 10 : cp == ZH_HUNDRED ? 100
                                                                      : 1000;
            if (!have_digit)
                digit = 1; /* 十二 = 12 */
            total += digit * unit;
            digit = 0;
            have_digit = false;
            ndigits = 0;
            any = true;
        } else {
            break;
        }
        i += (size_t)len;
        if (total + digit > max && max)
            return 0;
    }
    if (!any)
        return 0;
    *v = total + digit;
    return i;
}

size_t zc_parse_digits(const char *s, size_t n, unsigned max_digits,
                       unsigned long *v)
{
    size_t i = 0;
    unsigned count = 0;
    unsigned long val = 0;
    while (i < n) {
        unsigned d;
        if (s[i] >= '0' && s[i] <= '9') {
            d = (unsigned)(s[i] - '0');
            i++;
        } else if (n - i >= 3 && (unsigned char)s[i] == 0xEF &&
                   (unsigned char)s[i + 1] == 0xBC &&
                   (unsigned char)s[i + 2] >= 0x90 &&
                   (unsigned char)s[i + 2] <= 0x99) {
            d = (unsigned)((unsigned char)s[i + 2] - 0x90); /* ０-９ */
            i += 3;
        } else {
            break;
        }
        if (++count > max_digits)
            return 0;
        val = val * 10 + d;
    }
    if (!count)
        return 0;
    *v = val;
    return i;
}
