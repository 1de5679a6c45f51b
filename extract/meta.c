/*
 * meta.c - what a notice says about itself: title, 发文字号, issuer, date,
 * recipients, the year it is about.
 *
 * Everything is read from the preamble, the text before the first section
 * (section "0").  A preamble is a cover notice (主送机关 / 印发 sentence /
 * signature / date), the plan's own title, and often the header of the web
 * page it was saved from (索引号 | 发文机关 | 成文日期 …, 来源, 浏览次数,
 * 字体【大 中 小】).  Labelled values win; unlabelled ones are found by the
 * shape of the line they stand on.  The patterns accept simplified and
 * traditional forms, full- and half-width punctuation.
 */
#include "internal.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RECIPIENTS 32

enum {
    P_INDEX,
    P_DOCNUM_LABEL,
    P_DOCNUM,
    P_ISSUER_LABEL,
    P_DATE_LABEL,
    P_PUBDATE_LABEL,
    P_DATE,
    P_TITLE_LINE,
    P_WRAPPER,
    P_QUOTED_TITLE,
    P_YEAR,
    P_COUNT
};

/* (?<y>…)(?<m>…)(?<d>…) in Arabic or Chinese numerals, or ISO. */
#define DATE_RE                                                                \
    "(?:(?<y>(?:19|20)\\d\\d)\\s*年\\s*(?<m>\\d{1,2})\\s*月\\s*(?<d>\\d{1,2})" \
    "\\s*日"                                                                   \
    "|(?<zy>[〇零一二三四五六七八九]{4})\\s*年\\s*(?<zm>[一二三四五六七八九十]" \
    "{1,2})\\s*月\\s*(?<zd>[一二三四五六七八九十]{1,3})\\s*日"                 \
    "|(?<iy>(?:19|20)\\d\\d)\\s*[-/.]\\s*(?<im>\\d{1,2})\\s*[-/.]\\s*"         \
    "(?<id>\\d{1,2})(?!\\d))"

#define DOCNUM_RE                                                              \
    "\\p{Han}[\\p{Han}\\s]{0,14}\\s*[〔\\[［(（【]\\s*(?:19|20)\\d\\d\\s*"     \
    "[〕\\]］)）】]\\s*第?\\s*\\d{1,5}\\s*[号號]"

#define TITLE_SUFFIX                                                           \
    "(?:要点|要點|方案|安排|办法|辦法|规定|規定|细则|細則|清单|清單|计划|計劃"  \
    "|制度|意见|意見|报告|報告|规划|規劃|预案|預案|纲要|綱要|分工|决定|決定"     \
    "|总结|總結|条例|條例|措施|标准|標準|指南|任务|任務|通知|实施方案|分解)"

static const char *const patterns[P_COUNT] = {
    [P_INDEX] = "索\\s*引\\s*[号號]\\s*[:：]?[\\s|]*(?<v>[0-9A-Za-z][0-9A-Za-z/_\\-－.]*)",
    [P_DOCNUM_LABEL] = "(?:发文字号|發文字號|文\\s*[号號])\\s*[:：]?[\\s|]*(?<v>" DOCNUM_RE ")",
    [P_DOCNUM] = "(?<v>" DOCNUM_RE ")",
    [P_ISSUER_LABEL] = "(?:发文机关|發文機關|发布机构|發布機構|发布单位|發布單位)\\s*[:：]?[\\s|]*(?<v>[^\\s|:：]{2,40})",
    [P_DATE_LABEL] = "(?:成文日期|印发日期|印發日期)\\s*[:：]?[\\s|]*" DATE_RE,
    [P_PUBDATE_LABEL] = "(?:发布日期|發布日期|发布时间|發布時間|公开日期|公開日期|日期|時間|时间)\\s*[:：]?[\\s|]*" DATE_RE,
    [P_DATE] = DATE_RE,
    [P_TITLE_LINE] = "^[\\p{Han}\\p{N}《》〈〉“”\"（）()—\\-－·、]{4,80}?" TITLE_SUFFIX
                     "(?:[(（][^()（）\\n]{1,16}[)）])?$",
    [P_WRAPPER] = "(?:关于|關於|關于)[^\\n。]{2,120}?(?:的)?(?:通知|决定|決定|意见|意見|函|批复|批復)",
    [P_QUOTED_TITLE] = "《(?<v>[^《》\\n]{4,80})》",
    [P_YEAR] = "(?<!\\d)(?<v>(?:19|20)\\d\\d)(?=\\s*(?:年|—|-|－|–|至))",
};

struct zc_meta {
    const zc_mem *mem;
    pcre2_general_context *gctx;
    pcre2_code *re[P_COUNT];
    pcre2_match_data *md;
    zc_document doc;
    char *strings[16];
    size_t n_strings;
    const char *recipients[MAX_RECIPIENTS];
    char date_buf[2][11];
};

static void *gc_malloc(size_t n, void *ud)
{
    return zc_malloc((const zc_mem *)ud, n);
}

static void gc_free(void *p, void *ud)
{
    zc_free((const zc_mem *)ud, p);
}

zc_meta *zc_meta_new(const zc_mem *mem)
{
    zc_meta *m = zc_malloc(mem, sizeof *m);
    if (!m)
        return NULL;
    memset(m, 0, sizeof *m);
    m->mem = mem;
    m->gctx = pcre2_general_context_create(gc_malloc, gc_free, (void *)mem);
    if (!m->gctx)
        goto fail;
    for (int i = 0; i < P_COUNT; i++) {
        int ec;
        PCRE2_SIZE eo;
        pcre2_compile_context *cc = pcre2_compile_context_create(m->gctx);
        if (!cc)
            goto fail;
        m->re[i] = pcre2_compile((PCRE2_SPTR)patterns[i], PCRE2_ZERO_TERMINATED,
                                 PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE |
                                     PCRE2_DUPNAMES,
                                 &ec, &eo, cc);
        pcre2_compile_context_free(cc);
        if (!m->re[i]) {
            /* a bug in the built-in patterns above: fail loudly in tests */
            PCRE2_UCHAR buf[160];
            pcre2_get_error_message(ec, buf, sizeof buf);
            fprintf(stderr, "zhengce: meta pattern %d: %s at %zu\n", i,
                    (char *)buf, (size_t)eo);
            goto fail;
        }
        pcre2_jit_compile(m->re[i], PCRE2_JIT_COMPLETE);
    }
    m->md = pcre2_match_data_create(32, m->gctx);
    if (!m->md)
        goto fail;
    return m;
fail:
    zc_meta_free(m);
    return NULL;
}

void zc_meta_reset(zc_meta *m)
{
    for (size_t i = 0; i < m->n_strings; i++)
        zc_free(m->mem, m->strings[i]);
    m->n_strings = 0;
    memset(&m->doc, 0, sizeof m->doc);
}

void zc_meta_free(zc_meta *m)
{
    if (!m)
        return;
    zc_meta_reset(m);
    for (int i = 0; i < P_COUNT; i++)
        pcre2_code_free(m->re[i]);
    pcre2_match_data_free(m->md);
    pcre2_general_context_free(m->gctx);
    zc_free(m->mem, m);
}

const zc_document *zc_meta_document(const zc_meta *m)
{
    return &m->doc;
}

/* ---- helpers ------------------------------------------------------------- */

static int match_at(zc_meta *m, int which, const char *s, size_t n,
                    size_t from)
{
    return pcre2_match(m->re[which], (PCRE2_SPTR)s, n, from,
                       PCRE2_NO_UTF_CHECK, m->md, NULL);
}

static bool group(zc_meta *m, int which, const char *name, size_t *a,
                  size_t *b)
{
    int n = pcre2_substring_number_from_name(m->re[which], (PCRE2_SPTR)name);
    if (n < 0)
        return false;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
    /* with duplicate names only one is set; look through all of them */
    PCRE2_SPTR first, last;
    int size = pcre2_substring_nametable_scan(m->re[which], (PCRE2_SPTR)name,
                                              &first, &last);
    if (size <= 0)
        return false;
    for (PCRE2_SPTR e = first; e <= last; e += size) {
        int g = (e[0] << 8) | e[1];
        if (ov[2 * g] != PCRE2_UNSET) {
            *a = ov[2 * g];
            *b = ov[2 * g + 1];
            return true;
        }
    }
    return false;
}

static char *keep(zc_meta *m, const char *s, size_t n)
{
    if (m->n_strings >= sizeof m->strings / sizeof m->strings[0])
        return NULL;
    char *d = zc_strndup(m->mem, s, n);
    if (d)
        m->strings[m->n_strings++] = d;
    return d;
}

/* Trim spaces (ASCII and CJK) from both ends of s[*a, *b). */
static void trim(const char *s, size_t *a, size_t *b)
{
    uint32_t cp;
    int l;
    while (*a < *b && (l = zc_utf8_decode(s + *a, *b - *a, &cp)) > 0 &&
           (zc_is_space(cp) || cp == '|'))
        *a += (size_t)l;
    while (*b > *a) {
        size_t p = zc_utf8_prev(s, *b);
        if (!zc_utf8_decode(s + p, *b - p, &cp) ||
            !(zc_is_space(cp) || cp == '|'))
            break;
        *b = p;
    }
}

static unsigned zh_small(const char *s, size_t n)
{
    unsigned long v = 0;
    return zc_parse_zh_number(s, n, 99, &v) ? (unsigned)v : 0;
}

/* The date of the last match (named groups of DATE_RE), as ISO. */
static bool read_date(zc_meta *m, int which, const char *s, char out[11],
                      size_t *start)
{
    size_t a, b, c, d, e, f;
    unsigned y = 0, mo = 0, da = 0;
    if (group(m, which, "y", &a, &b) && group(m, which, "m", &c, &d) &&
        group(m, which, "d", &e, &f)) {
        y = (unsigned)atoi(s + a);
        mo = (unsigned)atoi(s + c);
        da = (unsigned)atoi(s + e);
    } else if (group(m, which, "iy", &a, &b) && group(m, which, "im", &c, &d) &&
               group(m, which, "id", &e, &f)) {
        y = (unsigned)atoi(s + a);
        mo = (unsigned)atoi(s + c);
        da = (unsigned)atoi(s + e);
    } else if (group(m, which, "zy", &a, &b) && group(m, which, "zm", &c, &d) &&
               group(m, which, "zd", &e, &f)) {
        unsigned long yy = 0;
        zc_parse_zh_number(s + a, b - a, 0, &yy);
        y = (unsigned)yy;
        mo = zh_small(s + c, d - c);
        da = zh_small(s + e, f - e);
    } else {
        return false;
    }
    if (y < 1900 || y > 2199 || mo < 1 || mo > 12 || da < 1 || da > 31)
        return false;
    snprintf(out, 11, "%04u-%02u-%02u", y % 10000, mo % 100, da % 100);
    if (start)
        *start = a;
    return true;
}

static bool is_space_at(const char *s, size_t n, size_t i)
{
    uint32_t cp;
    return i < n && zc_utf8_decode(s + i, n - i, &cp) && zc_is_space(cp);
}

/* Start of the line or space-separated segment ending at i. */
static size_t segment_start(const char *s, size_t i)
{
    while (i > 0) {
        size_t p = zc_utf8_prev(s, i);
        uint32_t cp;
        zc_utf8_decode(s + p, i - p, &cp);
        if (zc_is_space(cp) || cp == 0x3002 /* 。 */ || cp == '|')
            break;
        i = p;
    }
    return i;
}

static bool ends_with_org(const char *s, size_t a, size_t b)
{
    static const char *const suffixes[] = {
        "政府", "办公厅", "辦公廳", "办公室", "辦公室", "委员会", "委員會",
        "局", "厅", "廳", "委", "部", "院", "管委会", "管委會", "中心",
        "办事处", "辦事處", "党组", "黨組", "会", "會", "处", "處", "组", "組",
        "镇", "鎮", "乡", "鄉", "街道"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t l = strlen(suffixes[i]);
        if (b - a >= l && memcmp(s + b - l, suffixes[i], l) == 0)
            return true;
    }
    return false;
}

/* Labels of page furniture: a line that starts with one is not a title,
 * an issuer or a recipient list. */
static bool is_label_line(const char *s, size_t a, size_t b)
{
    static const char *const labels[] = {
        "索引号", "索  引  号", "索 引 号", "主题分类", "发文机关",
        "成文日期", "发布日期", "发布时间", "来源", "信息来源", "浏览次数",
        "字体", "打印", "发布机构", "组配分类", "废止日期", "有效性",
        "文号", "文 号", "时效", "時效", "瀏覽", "浏览", "当前位置", "首页",
        "归档时间", "视力保护色", "分享", "朗读", "公开方式", "公开日期",
        "发布单位", "名 称", "名称", "生效日期", "时效性", "發布", "時間"};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        size_t l = strlen(labels[i]);
        if (b - a >= l && memcmp(s + a, labels[i], l) == 0)
            return true;
    }
    return false;
}

/* ---- recipients ------------------------------------------------------------ */

static void add_recipient(zc_meta *m, const char *s, size_t a, size_t b)
{
    trim(s, &a, &b);
    if (a >= b || m->doc.n_recipients >= MAX_RECIPIENTS)
        return;
    const char *r = keep(m, s + a, b - a);
    if (r)
        m->recipients[m->doc.n_recipients++] = r;
}

static size_t count_chars(const char *s, size_t a, size_t b)
{
    size_t n = 0;
    for (size_t i = a; i < b; i += (size_t)zc_utf8_len((unsigned char)s[i]))
        n++;
    return n;
}

/* Split 各区、县(市)人民政府,市政府各部门、各直属单位 into its addressees:
 * always on ，,；; outside brackets; on 、 only between two long names,
 * since 各区、县(市)人民政府 is one addressee. */
static void split_recipients(zc_meta *m, const char *s, size_t a, size_t b)
{
    int depth = 0;
    size_t seg = a, last_dun = (size_t)-1;
    size_t i = a;
    while (i <= b) {
        uint32_t cp = 0;
        int l = i < b ? zc_utf8_decode(s + i, b - i, &cp) : 1;
        if (l == 0)
            l = 1;
        if (cp == '(' || cp == 0xFF08 || cp == 0x3014)
            depth++;
        else if ((cp == ')' || cp == 0xFF09 || cp == 0x3015) && depth > 0)
            depth--;
        bool end = i >= b;
        if (end || (depth == 0 && (cp == ',' || cp == 0xFF0C || cp == ';' ||
                                   cp == 0xFF1B))) {
            /* inside [seg, i): split at 、 between long names */
            size_t start = seg;
            size_t j = seg;
            int d2 = 0;
            while (j < i) {
                uint32_t c2;
                int l2 = zc_utf8_decode(s + j, i - j, &c2);
                if (!l2)
                    l2 = 1;
                if (c2 == '(' || c2 == 0xFF08)
                    d2++;
                else if ((c2 == ')' || c2 == 0xFF09) && d2 > 0)
                    d2--;
                else if (c2 == 0x3001 && d2 == 0) {
                    size_t next = j + (size_t)l2;
                    size_t k = next;
                    int d3 = 0;
                    while (k < i) { /* end of the next name */
                        uint32_t c3;
                        int l3 = zc_utf8_decode(s + k, i - k, &c3);
                        if (!l3)
                            l3 = 1;
                        if (c3 == '(' || c3 == 0xFF08)
                            d3++;
                        else if ((c3 == ')' || c3 == 0xFF09) && d3 > 0)
                            d3--;
                        else if (c3 == 0x3001 && d3 == 0)
                            break;
                        k += (size_t)l3;
                    }
                    if (count_chars(s, start, j) >= 4 &&
                        count_chars(s, next, k) >= 4) {
                        add_recipient(m, s, start, j);
                        start = next;
                    }
                }
                j += (size_t)l2;
            }
            add_recipient(m, s, start, i);
            seg = i + (size_t)l;
        }
        (void)last_dun;
        i += (size_t)l;
    }
}

static void find_recipients(zc_meta *m, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        int l = zc_utf8_decode(s + i, n - i, &cp);
        if (!l)
            break;
        if (cp == ':' || cp == 0xFF1A) {
            /* the addressee list runs back to the line start, a space
             * after a 文号, or a sentence end */
            size_t a = i;
            while (a > 0) {
                size_t p = zc_utf8_prev(s, a);
                uint32_t c;
                zc_utf8_decode(s + p, a - p, &c);
                if (c == '\n' || c == 0x3002 || c == '|' ||
                    (c == ' ' && p > 0 && s[p - 1] != ' ' &&
                     (unsigned char)s[zc_utf8_prev(s, p)] != 0xE3 &&
                     a < i && (unsigned char)s[zc_utf8_prev(s, p)] >= 0x80 &&
                     false))
                    break;
                if (c == ' ' || c == 0x3000) {
                    /* a space ends the list only after a 文号 (…号 ) */
                    size_t q = zc_utf8_prev(s, p);
                    if (p >= 3 && (memcmp(s + q, "号", 3) == 0 ||
                                   memcmp(s + q, "號", 3) == 0))
                        break;
                }
                a = p;
            }
            size_t b = i;
            trim(s, &a, &b);
            if (b > a && !is_label_line(s, a, b) &&
                count_chars(s, a, b) <= 200 &&
                (zc_memmem(s + a, b - a, "各", 3) || ends_with_org(s, a, b) ||
                 zc_memmem(s + a, b - a, "单位", 6) ||
                 zc_memmem(s + a, b - a, "單位", 6)) &&
                !zc_memmem(s + a, b - a, "。", 3) &&
                !zc_memmem(s + a, b - a, "《", 3)) {
                split_recipients(m, s, a, b);
                return;
            }
        }
        i += (size_t)l;
    }
}

/* ---- title ------------------------------------------------------------------ */

static const char *strip_wrapper(zc_meta *m, const char *s, size_t a,
                                 size_t b)
{
    /* 关于印发《X》的通知 / 关于印发X的通知 -> X */
    const char *t = s + a;
    size_t n = b - a;
    const char *p = zc_memmem(t, n, "印发", 6);
    if (!p)
        p = zc_memmem(t, n, "印發", 6);
    if (!p)
        p = zc_memmem(t, n, "转发", 6);
    if (!p)
        return NULL;
    size_t x = (size_t)(p - s) + 6;
    /* pinyin debris after 發: 印發(fā) */
    if (x < b && s[x] == '(') {
        const char *close = memchr(s + x, ')', b - x);
        if (close && close - (s + x) < 12)
            x = (size_t)(close - s) + 1;
    }
    size_t y = b;
    static const char *const tails[] = {"的通知", "通知"};
    for (int i = 0; i < 2; i++) {
        size_t l = strlen(tails[i]);
        if (y - x > l && memcmp(s + y - l, tails[i], l) == 0) {
            y -= l;
            break;
        }
    }
    if (y > x + 6 && memcmp(s + x, "《", 3) == 0 &&
        memcmp(s + y - 3, "》", 3) == 0) {
        x += 3;
        y -= 3;
    }
    if (y <= x)
        return NULL;
    /* drop line breaks the title was wrapped over */
    char tmp[512];
    size_t k = 0;
    for (size_t i = x; i < y && k < sizeof tmp - 1; i++)
        if (s[i] != '\n')
            tmp[k++] = s[i];
    return keep(m, tmp, k);
}

static void find_titles(zc_meta *m, const char *s, size_t n)
{
    /* wrapper: 关于印发…的通知, possibly wrapped over two lines */
    if (match_at(m, P_WRAPPER, s, n, 0) > 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
        size_t a = segment_start(s, ov[0]), b = ov[1];
        /* a wrapper split as "关于印发《X\n(2021-2025年)》的通知" */
        trim(s, &a, &b);
        if (a < b && memcmp(s + a, "《", 3) == 0)
            a += 3;
        /* keep the issuer prefix (巴中市人民政府办公室关于…) */
        size_t line = a;
        while (line > 0 && s[line - 1] != '\n' && s[line - 1] != ' ' &&
               (unsigned char)s[line - 1] != 0x80)
            line--;
        char tmp[512];
        size_t k = 0;
        for (size_t i = a; i < b && k < sizeof tmp - 1; i++)
            if (s[i] != '\n')
                tmp[k++] = s[i];
        size_t ta = 0, tb = k;
        trim(tmp, &ta, &tb);
        if (tb > ta && (tb - ta) < 400)
            m->doc.wrapper_title = keep(m, tmp + ta, tb - ta);
        if (!m->doc.title)
            m->doc.title = strip_wrapper(m, s, a, b);
    }
    /* a line of its own that reads like a title; the last one before the
     * body is the plan's own title */
    const char *own = NULL;
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n;
        size_t a = i, b = e;
        trim(s, &a, &b);
        /* in a one-line document the title is a space-separated segment */
        size_t seg = a;
        while (seg < b) {
            size_t segend = seg;
            while (segend < b && !is_space_at(s, b, segend))
                segend += (size_t)zc_utf8_len((unsigned char)s[segend]);
            size_t sa = seg, sb = segend;
            /* test the whole line first, then its segments */
            for (int pass = 0; pass < 2; pass++) {
                size_t x = pass ? sa : a, y = pass ? sb : b;
                if (pass == 0 && seg != a)
                    continue;
                if (y - x < 12 || y - x > 300 || is_label_line(s, x, y))
                    continue;
                if (zc_memmem(s + x, y - x, "关于印发", 12) ||
                    zc_memmem(s + x, y - x, "關于印發", 12) ||
                    zc_memmem(s + x, y - x, "關於印發", 12))
                    continue;
                if (pcre2_match(m->re[P_TITLE_LINE], (PCRE2_SPTR)(s + x),
                                y - x, 0, PCRE2_NO_UTF_CHECK, m->md,
                                NULL) > 0) {
                    own = keep(m, s + x, y - x);
                    if (pass == 0)
                        break;
                }
            }
            if (seg == a && own && own[0] && b - a < 300 &&
                strlen(own) == b - a && memcmp(own, s + a, b - a) == 0)
                break;
            while (segend < b && is_space_at(s, b, segend))
                segend += (size_t)zc_utf8_len((unsigned char)s[segend]);
            seg = segend;
        }
        i = e + 1;
    }
    if (own)
        m->doc.title = own;
    if (!m->doc.title && match_at(m, P_QUOTED_TITLE, s, n, 0) > 0) {
        size_t a, b;
        if (group(m, P_QUOTED_TITLE, "v", &a, &b))
            m->doc.title = keep(m, s + a, b - a);
    }
}

/* ---- issuer and date ---------------------------------------------------------- */

static void find_date_and_issuer(zc_meta *m, const char *s, size_t n)
{
    size_t from = 0;
    while (from < n && match_at(m, P_DATE, s, n, from) > 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
        size_t a = ov[0], b = ov[1];
        from = b;
        /* a signature date stands alone: nothing after it on the line but
         * (此件公开发布) or a space */
        size_t j = b;
        while (j < n && (s[j] == ' ' || s[j] == '\t'))
            j++;
        bool alone_after = j >= n || s[j] == '\n' || j > b ||
                           (n - j >= 3 && (memcmp(s + j, "（", 3) == 0 ||
                                           s[j] == '('));
        size_t ls = segment_start(s, a);
        if (!alone_after)
            continue;
        /* the line must not be a label line (发布日期: …) */
        size_t line = a;
        while (line > 0 && s[line - 1] != '\n')
            line--;
        if (is_label_line(s, line, a) ||
            zc_memmem(s + line, a - line, "日期", 6) ||
            zc_memmem(s + line, a - line, "时间", 6) ||
            zc_memmem(s + line, a - line, "時間", 6))
            continue;
        if (!read_date(m, P_DATE, s, m->date_buf[0], NULL))
            continue;
        m->doc.issue_date = m->date_buf[0];
        /* issuer: glued before the date (安顺市人民政府2023年9月5日), or the
         * line(s) just above it */
        if (!m->doc.issuer) {
            size_t x = ls, y = a;
            trim(s, &x, &y);
            if (y > x && ends_with_org(s, x, y) && count_chars(s, x, y) <= 40) {
                m->doc.issuer = keep(m, s + x, y - x);
            } else {
                /* previous non-empty line(s) */
                size_t e = line;
                char tmp[256];
                size_t k = 0;
                for (int lines = 0; lines < 3 && e > 0; lines++) {
                    size_t le = e - 1, lb;
                    while (le > 0 && (s[le] == '\n' || s[le] == ' '))
                        le--;
                    lb = le;
                    while (lb > 0 && s[lb - 1] != '\n')
                        lb--;
                    size_t x2 = lb, y2 = le + 1;
                    trim(s, &x2, &y2);
                    if (y2 <= x2 || !ends_with_org(s, x2, y2) ||
                        count_chars(s, x2, y2) > 40 ||
                        k + (y2 - x2) + 4 >= sizeof tmp)
                        break;
                    /* prepend */
                    char t2[256];
                    size_t l2 = y2 - x2;
                    memcpy(t2, s + x2, l2);
                    if (k) {
                        memcpy(t2 + l2, "、", 3);
                        l2 += 3;
                        memcpy(t2 + l2, tmp, k);
                        l2 += k;
                    }
                    memcpy(tmp, t2, l2);
                    k = l2;
                    e = lb;
                }
                if (k)
                    m->doc.issuer = keep(m, tmp, k);
            }
        }
        return;
    }
}

static int year_of(const char *s)
{
    if (!s)
        return 0;
    for (const char *p = s; *p; p++)
        if ((p[0] == '1' || p[0] == '2') && p[1] >= '0' && p[1] <= '9' &&
            p[2] >= '0' && p[2] <= '9' && p[3] >= '0' && p[3] <= '9' &&
            (p == s || p[-1] < '0' || p[-1] > '9') &&
            (p[4] < '0' || p[4] > '9')) {
            int y = atoi(p);
            if (y >= 1949 && y <= 2199)
                return y;
        }
    return 0;
}

bool zc_meta_read(zc_meta *m, const char *s, size_t n)
{
    zc_meta_reset(m);
    size_t a, b;
    if (match_at(m, P_INDEX, s, n, 0) > 0 && group(m, P_INDEX, "v", &a, &b))
        m->doc.index_number = keep(m, s + a, b - a);
    if (match_at(m, P_DOCNUM_LABEL, s, n, 0) > 0 &&
        group(m, P_DOCNUM_LABEL, "v", &a, &b))
        m->doc.doc_number = keep(m, s + a, b - a);
    if (!m->doc.doc_number) {
        /* the first 文号 not cited in brackets or after 《…》 */
        size_t from = 0, fallback_a = 0, fallback_b = 0;
        while (from < n && match_at(m, P_DOCNUM, s, n, from) > 0) {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
            a = ov[0];
            b = ov[1];
            from = b;
            size_t p = zc_utf8_prev(s, a);
            uint32_t c = '\n';
            if (a > 0)
                zc_utf8_decode(s + p, a - p, &c);
            if (c == '(' || c == 0xFF08) {
                /* (岳办发〔2017〕2号) after the wrapper title is its own */
                if (!fallback_b && zc_memmem(s + segment_start(s, p), p - segment_start(s, p),
                                          "通知", 6))
                    fallback_a = a, fallback_b = b;
                continue;
            }
            if (c == 0x300B /* 》 */ || c == 0x3009 /* 〉 */)
                continue;
            /* the pattern may have swallowed leading words; the 文号 is
             * the part after the last space */
            size_t x = a, y = b;
            trim(s, &x, &y);
            m->doc.doc_number = keep(m, s + x, y - x);
            break;
        }
        if (!m->doc.doc_number && fallback_b)
            m->doc.doc_number = keep(m, s + fallback_a, fallback_b - fallback_a);
    }
    if (match_at(m, P_ISSUER_LABEL, s, n, 0) > 0 &&
        group(m, P_ISSUER_LABEL, "v", &a, &b))
        m->doc.issuer = keep(m, s + a, b - a);
    if (match_at(m, P_DATE_LABEL, s, n, 0) > 0 &&
        read_date(m, P_DATE_LABEL, s, m->date_buf[0], NULL))
        m->doc.issue_date = m->date_buf[0];
    if (match_at(m, P_PUBDATE_LABEL, s, n, 0) > 0 &&
        read_date(m, P_PUBDATE_LABEL, s, m->date_buf[1], NULL))
        m->doc.publish_date = m->date_buf[1];
    if (!m->doc.issue_date)
        find_date_and_issuer(m, s, n);
    else if (!m->doc.issuer) {
        const char *keep_date = m->doc.issue_date;
        find_date_and_issuer(m, s, n);
        m->doc.issue_date = keep_date;
    }
    find_recipients(m, s, n);
    m->doc.recipients = m->recipients;
    find_titles(m, s, n);
    m->doc.year = year_of(m->doc.title);
    if (!m->doc.year)
        m->doc.year = year_of(m->doc.wrapper_title);
    if (!m->doc.year && m->doc.doc_number)
        m->doc.year = year_of(m->doc.doc_number);
    if (!m->doc.year)
        m->doc.year = year_of(m->doc.issue_date);
    if (!m->doc.year && match_at(m, P_YEAR, s, n, 0) > 0 &&
        group(m, P_YEAR, "v", &a, &b))
        m->doc.year = atoi(s + a);
    return true;
}
