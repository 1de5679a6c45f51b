/*
 * resolve.c - the one date resolver behind every deadline rule.
 *
 * Rules only say *which parts* an expression has (a year, a month, 底, 前,
 * a quarter, a five-year-plan number ...); this file alone turns parts
 * into dates.  Two code paths resolving the same expression drift apart
 * (a known failure of other recognisers), so there is exactly one.
 *
 * Conventions (documented in rules/README.md):
 *   - "by" gives the last allowed day: 2023年底前 -> 2023-12-31,
 *     2024年6月底前 -> 2024-06-30, 2022年3月25日前 -> 2022-03-25 (a day or
 *     month named with 前 is read inclusively, as notices mean it).
 *   - 2025年前 (a bare year with 前) is read by zc_year_before: exclusive
 *     (default) -> 2024-12-31, inclusive -> 2025-12-31.
 *   - "period" gives the first and the last day, both included:
 *     2021—2025年 -> 2021-01-01 .. 2025-12-31; 上半年 -> Jan 1 .. Jun 30 of
 *     the document's year; "十四五" -> 2021-01-01 .. 2025-12-31.
 *   - "from" gives date_from only; "within" and "recurring" give no date.
 *   - Relative years (今年, 明年, 到年底 …) resolve against the document's
 *     own year, never against today; with no year known they stay empty.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

void zc_date_parts_init(zc_date_parts *p)
{
    p->y = p->m = p->d = p->y2 = p->m2 = p->d2 = -1;
    p->q = p->q2 = p->h = -1;
    p->end = p->pre = false;
    p->fyp = 0;
    p->n = 0;
    p->u = NULL;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int mdays(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : d[m - 1];
}

static void put(char out[11], int y, int m, int d)
{
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u,
             (unsigned)m % 100u, (unsigned)d % 100u);
}

/* A year as written, or relative, made absolute; 0 when unknown. */
static int abs_year(int y, int doc)
{
    if (y >= 0)
        return y;
    if (y == -1 || !doc)
        return 0;
    if (y == ZC_YREL_THIS)
        return doc;
    if (y == ZC_YREL_NEXT)
        return doc + 1;
    if (y == ZC_YREL_PREV)
        return doc - 1;
    return 0;
}

/* The first and the last day of what (y, m, d, q, h) name. */
static bool span_of(int y, int m, int d, int q, int h, int *fm, int *fd,
                    int *lm, int *ld)
{
    if (m > 12 || m == 0 || q > 4 || q == 0 || d == 0 || d > 31)
        return false;
    if (m > 0) {
        if (d > 0) {
            if (d > mdays(y, m))
                return false;
            *fm = *lm = m;
            *fd = *ld = d;
            return true;
        }
        *fm = *lm = m;
        *fd = 1;
        *ld = mdays(y, m);
        return true;
    }
    if (q > 0) {
        *fm = 3 * q - 2;
        *lm = 3 * q;
        *fd = 1;
        *ld = mdays(y, *lm);
        return true;
    }
    if (h > 0) {
        *fm = h == 1 ? 1 : 7;
        *lm = h == 1 ? 6 : 12;
        *fd = 1;
        *ld = h == 1 ? 30 : 31;
        return true;
    }
    *fm = 1;
    *fd = 1;
    *lm = 12;
    *ld = 31;
    return true;
}

bool zc_resolve_date(const zc_date_parts *p, int year, zc_year_before yb,
                     zc_deadline *dl)
{
    dl->date[0] = dl->date_from[0] = '\0';
    const char *kind = dl->kind ? dl->kind : "by";
    if (p->u) {
        dl->amount = p->n;
        dl->amount_unit = p->u;
    }
    if (!strcmp(kind, "within") || !strcmp(kind, "recurring"))
        return true;

    /* five-year plans: the 1st ran 1953-57, and from the 3rd (1966-70) on
     * they follow each other without gaps, so the Nth starts in
     * 1966 + 5 (N - 3): 十四五 = 2021-2025 */
    if (p->fyp) {
        if (p->fyp < 3 || p->fyp > 40)
            return false;
        int y0 = 1966 + 5 * (p->fyp - 3), y1 = y0 + 4;
        if (!strcmp(kind, "by")) {
            put(dl->date, y1, 12, 31);
        } else if (!strcmp(kind, "from")) {
            put(dl->date_from, y0, 1, 1);
        } else {
            put(dl->date_from, y0, 1, 1);
            put(dl->date, y1, 12, 31);
        }
        return true;
    }

    bool has_start = p->y != -1 || p->m != -1 || p->q != -1 || p->h != -1 ||
                     p->end;
    bool has_end = p->y2 != -1 || p->m2 != -1 || p->d2 != -1 || p->q2 != -1;
    int y = p->y != -1 ? abs_year(p->y, year) : year;
    if (!has_start && !has_end)
        return true; /* nothing to resolve (e.g. 每季度) */
    if (y == 0)
        return true; /* relative, and the document's year is unknown */
    if (y < 1900 || y > 2200)
        return false;
    int fm, fd, lm, ld;
    if (!span_of(y, p->m, p->d, p->q, p->h, &fm, &fd, &lm, &ld))
        return false;
    int ey = y;
    if (has_end) {
        ey = p->y2 != -1 ? abs_year(p->y2, year) : y;
        if (ey < y || ey > 2200)
            return false;
        int efm, efd;
        /* a bare end month or day inherits the start's month */
        int em = p->m2, ed = p->d2;
        if (em == -1 && ed != -1)
            em = p->m;
        if (!span_of(ey, em, ed, p->q2, -1, &efm, &efd, &lm, &ld))
            return false;
        if (ey == y && (lm < fm || (lm == fm && ld < fd)))
            return false;
    }
    if (!strcmp(kind, "by")) {
        bool bare_year = p->m == -1 && p->q == -1 && p->h == -1 && !has_end;
        if (bare_year && p->pre && yb == ZC_YEAR_BEFORE_EXCLUSIVE)
            put(dl->date, y - 1, 12, 31);
        else
            put(dl->date, ey, lm, ld);
    } else if (!strcmp(kind, "from")) {
        put(dl->date_from, y, fm, fd);
    } else { /* period */
        put(dl->date_from, y, fm, fd);
        put(dl->date, ey, lm, ld);
    }
    return true;
}

/* ---- numbers ------------------------------------------------------------ */

bool zc_read_number(const char *s, size_t n, double *v)
{
    size_t i = 0;
    /* digits into an integer mantissa, divided once at the end: the
     * correctly rounded 2.85, where adding 0.8 and 0.05 is not (and
     * differs between optimisation levels) */
    static const double pow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12};
    if (n && (s[0] >= '0' && s[0] <= '9')) {
        unsigned long long mant = 0;
        int frac = -1; /* digits after the point, -1 before it */
        for (; i < n; i++) {
            char c = s[i];
            if (c >= '0' && c <= '9') {
                if (mant > 99999999999ull || frac >= 12)
                    continue; /* beyond any real figure: ignore */
                mant = mant * 10 + (unsigned)(c - '0');
                if (frac >= 0)
                    frac++;
            } else if (c == '.' && frac < 0 && i + 1 < n &&
                       s[i + 1] >= '0' && s[i + 1] <= '9') {
                frac = 0;
            } else if (c == ',' && frac < 0 && i + 3 < n) {
                continue; /* 1,000 */
            } else {
                break;
            }
        }
        *v = (double)mant / pow10[frac > 0 ? frac : 0];
        return true;
    }
    /* Chinese: an integer part, then 点 and digits read one by one */
    unsigned long ip = 0;
    size_t used = zc_parse_zh_number(s, n, 0, &ip);
    static const char dian[] = "\xE7\x82\xB9"; /* 点 */
    unsigned long long mant = ip;
    int frac = 0;
    if (used + 3 < n + 1 && n - used >= 3 && !memcmp(s + used, dian, 3)) {
        size_t j = used + 3;
        bool any = false;
        while (j < n && frac < 12) {
            unsigned long dv;
            size_t l = zc_parse_zh_number(s + j, 3, 9, &dv);
            if (!l)
                break;
            mant = mant * 10 + dv;
            frac++;
            j += l;
            any = true;
        }
        if (!any && !used)
            return false;
        used = j;
    }
    double x = (double)mant / pow10[frac];
    if (!used)
        return false;
    *v = x;
    return true;
}

const char *zc_duration_unit(const char *s, size_t n)
{
    static const struct {
        const char *w, *u;
    } map[] = {{"个工作日", "workday"}, {"工作日", "workday"},
               {"个自然日", "day"},     {"自然日", "day"},
               {"个小时", "hour"},      {"小时", "hour"},
               {"个月", "month"},       {"月", "month"},
               {"个季度", "quarter"},   {"季度", "quarter"},
               {"周年", "year"},        {"年", "year"},
               {"天", "day"},           {"日", "day"},
               {"个星期", "week"},      {"星期", "week"},
               {"周", "week"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strlen(map[i].w) == n && !memcmp(map[i].w, s, n))
            return map[i].u;
    return NULL;
}
