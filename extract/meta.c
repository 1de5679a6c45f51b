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

static size_t count_chars(const char *s, size_t a, size_t b);

enum {
    P_INDEX,
    P_DOCNUM_LABEL,
    P_DOCNUM,
    P_ISSUER_LABEL,
    P_DATE_LABEL,
    P_PUBDATE_LABEL,
    P_DATE,
    P_TITLE_LINE,
    P_QUOTED_TITLE,
    P_YEAR,
    P_COUNT
};

/* (?<y>…)(?<m>…)(?<d>…) in Arabic (ASCII or full-width) or Chinese
 * numerals (〇, ○ or 零 for zero), or ISO. */
#define D "[0-9０-９]"
#define Y4 "(?:19|20|１９|２０)" D D
#define DATE_RE                                                                \
    "(?:(?<y>" Y4 ")\\s*年\\s*(?<m>" D "{1,2})\\s*月\\s*(?<d>" D "{1,2})"     \
    "(?:\\s*日|(?!" D "))"  /* 发布日期:2018年03月27 */                      \
    "|(?<zy>[〇○零一二三四五六七八九]{4})\\s*年\\s*(?<zm>[一二三四五六七八九十]" \
    "{1,2})\\s*月\\s*(?<zd>[一二三四五六七八九十]{1,3})\\s*日"                 \
    "|(?<iy>" Y4 ")\\s*[-/.]\\s*(?<im>" D "{1,2})\\s*[-/.]\\s*"             \
    "(?<id>" D "{1,2})(?!" D "))"

#define DOCNUM_RE                                                              \
    "\\p{Han}{1,15}\\s*[〔\\[［(（【]\\s*" Y4 "\\s*"                          \
    "[〕\\]］)）】]\\s*第?\\s*" D "{1,5}\\s*[号號]"

#define TITLE_SUFFIX                                                           \
    "(?:要点|要點|方案|安排|办法|辦法|规定|規定|细则|細則|清单|清單|计划|計劃"  \
    "|制度|意见|意見|报告|報告|规划|規劃|预案|預案|纲要|綱要|分工|决定|決定"     \
    "|总结|總結|条例|條例|措施|标准|標準|指南|任务|任務|通知|实施方案|分解" \
    "|表)"

static const char *const patterns[P_COUNT] = {
    [P_INDEX] = "索\\s*引\\s*[号號]\\s*[:：]?[\\s|]*(?<v>[0-9A-Za-z][0-9A-Za-z/_\\-－.]*)",
    [P_DOCNUM_LABEL] = "(?:发文字号|發文字號|文\\s*[号號])\\s*[:：]?[\\s|]*(?<v>" DOCNUM_RE ")",
    [P_DOCNUM] = "(?<v>" DOCNUM_RE ")", /* anchored: see match_docnum() */
    [P_ISSUER_LABEL] = "(?:发文机关|發文機關|发布机构|發布機構|发布单位|發布單位)\\s*[:：]?[\\s|]*(?<v>[^\\s|:：]{2,40})",
    [P_DATE_LABEL] = "(?:成文日期|印发日期|印發日期|发文日期|發文日期)\\s*[:：]?[\\s|]*" DATE_RE,
    [P_PUBDATE_LABEL] = "(?:发布日期|發布日期|發佈日期|发布时间|發布時間|公开日期|公開日期|(?<!\\p{Han})日期|(?<!\\p{Han})時間|(?<!\\p{Han})时间)\\s*[:：]?[\\s|]*" DATE_RE,
    [P_DATE] = DATE_RE,
    [P_TITLE_LINE] = "^[\\p{Han}\\p{N}][\\p{Han}\\p{N}《》〈〉“”\"（）()—\\-－·、\\s]{3,120}?" TITLE_SUFFIX
                     "(?:[(（][^()（）\\n]{1,16}[)）])?$",
    [P_QUOTED_TITLE] = "《(?<v>[^《》\\n]{4,80})》",
    [P_YEAR] = "(?<!\\d)(?<v>(?:19|20)\\d\\d)(?=\\s*(?:年|—|-|－|–|至))",
};

struct zc_meta {
    const zc_mem *mem;
    pcre2_general_context *gctx;
    pcre2_code *re[P_COUNT];
    pcre2_match_data *md;
    zc_document doc;
    char **strings; /* everything `doc` points to, freed on reset */
    size_t n_strings, cap_strings;
    bool oom;       /* an allocation failed while reading         */
    const char *recipients[MAX_RECIPIENTS];
    zc_buf work; /* the preamble rewritten for reading titles */
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
    zc_buf_init(&m->work, mem);
    m->gctx = pcre2_general_context_create(gc_malloc, gc_free, (void *)mem);
    if (!m->gctx)
        goto fail;
    for (int i = 0; i < P_COUNT; i++) {
        int ec;
        PCRE2_SIZE eo;
        pcre2_compile_context *cc = pcre2_compile_context_create(m->gctx);
        if (!cc)
            goto fail;
        /* PCRE2_ANCHORED at compile time: at match time it would send
         * the JIT back to the interpreter (pcre2jit(3)) */
        uint32_t anchored = i == P_DOCNUM ? PCRE2_ANCHORED : 0;
        m->re[i] = pcre2_compile((PCRE2_SPTR)patterns[i], PCRE2_ZERO_TERMINATED,
                                 PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE |
                                     PCRE2_DUPNAMES | anchored,
                                 &ec, &eo, cc);
        pcre2_compile_context_free(cc);
        if (!m->re[i])
            goto fail; /* out of memory: the built-in patterns are tested */
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
    m->oom = false;
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
    zc_buf_free(&m->work);
    zc_free(m->mem, m->strings);
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
    int rc = pcre2_match(m->re[which], (PCRE2_SPTR)s, n, from,
                         PCRE2_NO_UTF_CHECK, m->md, NULL);
    if (rc == PCRE2_ERROR_NOMEMORY)
        m->oom = true;
    return rc;
}

/* May cp be \s (PCRE2_UCP: White_Space)?  A superset. */
static bool may_be_space(uint32_t cp)
{
    if (cp < 0x80)
        return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || cp == 0x180E ||
           (cp >= 0x2000 && cp <= 0x205F) || cp == 0x3000;
}

/* P_DOCNUM from `from`, as match_at() would find it.  The pattern starts
 * with \p{Han}{1,15}, so PCRE2 tried it at every Han character of the
 * preamble, up to 15 ways each: most of the metadata's time.  But a
 * match is at most 15 characters, then \s*, then one of the brackets
 * 〔[［(（【 followed by \s* and a year digit (a "viable" bracket).  So
 * a match holding bracket B starts no earlier than 15 characters before
 * the spaces in front of B, and no later than B; a match holding a later
 * bracket starts after B (B is no space).  Only those few positions
 * before each viable bracket are tried, anchored, in order: the first
 * that matches is the leftmost match, the one an unanchored search
 * returns.  (\p{Han} also takes CJK punctuation, by its script
 * extensions: only the count of 15 is relied on, not what they are.) */
static int match_docnum(zc_meta *m, const char *s, size_t n, size_t from)
{
    size_t i = from, tried = from; /* positions before `tried` failed */
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t bl = 0;
        if (c == '(' || c == '[')
            bl = 1;
        else if (n - i >= 3 &&
                 ((c == 0xE3 && (unsigned char)s[i + 1] == 0x80 &&
                   ((unsigned char)s[i + 2] == 0x94 ||    /* 〔 */
                    (unsigned char)s[i + 2] == 0x90)) ||  /* 【 */
                  (c == 0xEF && (unsigned char)s[i + 1] == 0xBC &&
                   ((unsigned char)s[i + 2] == 0xBB ||    /* ［ */
                    (unsigned char)s[i + 2] == 0x88))))   /* （ */
            bl = 3;
        if (!bl) {
            i++;
            continue;
        }
        uint32_t next;
        zc_utf8_decode(s + i + bl, n - i - bl, &next);
        if (!may_be_space(next) && next != '1' && next != '2' &&
            next != 0xFF11 && next != 0xFF12) { /* １ ２ */
            i += bl;
            continue;
        }
        size_t a = i;
        uint32_t cp;
        while (a > tried) {
            size_t p = zc_utf8_prev(s, a);
            zc_utf8_decode(s + p, a - p, &cp);
            if (!may_be_space(cp))
                break;
            a = p;
        }
        for (int k = 0; k < 15 && a > tried; k++)
            a = zc_utf8_prev(s, a);
        for (; a <= i; a += (size_t)zc_utf8_len((unsigned char)s[a])) {
            int rc = pcre2_match(m->re[P_DOCNUM], (PCRE2_SPTR)s, n, a,
                                 PCRE2_NO_UTF_CHECK, m->md, NULL);
            if (rc == PCRE2_ERROR_NOMEMORY)
                m->oom = true;
            if (rc != PCRE2_ERROR_NOMATCH)
                return rc;
        }
        tried = i += bl;
    }
    return PCRE2_ERROR_NOMATCH;
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
    if (!ZC_GROW(m->mem, m->strings, m->cap_strings, m->n_strings + 1)) {
        m->oom = true;
        return NULL;
    }
    char *d = zc_strndup(m->mem, s, n);
    if (d)
        m->strings[m->n_strings++] = d;
    else
        m->oom = true;
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

/* ASCII or full-width digits, as a number. */
static unsigned digits(const char *s, size_t n)
{
    unsigned long v = 0;
    return zc_parse_digits(s, n, 9, &v) ? (unsigned)v : 0;
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
    if ((group(m, which, "y", &a, &b) && group(m, which, "m", &c, &d) &&
         group(m, which, "d", &e, &f)) ||
        (group(m, which, "iy", &a, &b) && group(m, which, "im", &c, &d) &&
         group(m, which, "id", &e, &f))) {
        y = digits(s + a, b - a);
        mo = digits(s + c, d - c);
        da = digits(s + e, f - e);
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
    static const unsigned mdays[] = {31, 29, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1900 || y > 2199 || mo < 1 || mo > 12 || da < 1 ||
        da > mdays[mo - 1] || (mo == 2 && da == 29 && !leap))
        return false; /* 2019年2月30日 is no date */
    snprintf(out, 11, "%04u-%02u-%02u", y % 10000, mo % 100, da % 100);
    if (start)
        *start = a;
    return true;
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

/* Does s[a,b) name a body that can be addressed: ends in 政府, 部门,
 * 单位, 局 …, possibly followed by a bracketed note (管委会)? */
static bool is_org_name(const char *s, size_t a, size_t b)
{
    /* drop a trailing (…) note */
    if (b > a && (s[b - 1] == ')' || (b - a >= 3 && !memcmp(s + b - 3, "）", 3)))) {
        size_t k = b;
        while (k > a && s[k - 1] != '(' &&
               !(k - a >= 3 && !memcmp(s + k - 3, "（", 3)))
            k--;
        if (k > a)
            b = s[k - 1] == '(' ? k - 1 : k - 3;
    }
    static const char *const suffixes[] = {
        "政府", "部门", "部門", "单位", "單位", "机构", "機構", "委员会",
        "委員會", "管委会", "管委會", "办公室", "辦公室", "办公厅", "辦公廳",
        "办事处", "辦事處", "局", "厅", "廳", "委", "院", "中心", "企业",
        "企業", "公司", "党委", "黨委", "党组", "黨組", "组织", "組織"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t l = strlen(suffixes[i]);
        if (b - a >= l && memcmp(s + b - l, suffixes[i], l) == 0)
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
            size_t start = seg, name = seg;
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
                    /* 市政府各部门、各直属单位 are two addressees;
                     * 各区、县(市)人民政府 and 市政府各委、办、局 are one */
                    if (count_chars(s, name, j) >= 3 &&
                        count_chars(s, next, k) >= 4 &&
                        is_org_name(s, name, j) && is_org_name(s, next, k)) {
                        add_recipient(m, s, start, j);
                        start = next;
                    }
                    name = next;
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

/* The preamble rewritten for reading titles: a line break after each 。,
 * around (此件公开发布), and for the spaces of a one-line document; line
 * breaks inside an open 《 joined (a title wrapped over two lines); pinyin
 * glosses that some mirror sites insert (印發(fā)) dropped. */
static bool build_work(zc_meta *m, const char *s, size_t n)
{
    zc_buf *w = &m->work;
    w->len = 0;
    /* at most one inserted line break per 3-byte 。 : n/2 is room enough */
    if (!zc_buf_reserve(w, n + n / 2 + 16))
        return false;
    bool ok = true;
    int quote = 0;
    uint32_t prev = 0;
    size_t i = 0;
    bool long_line = false;
    size_t line_checked = (size_t)-1;
    while (i < n) {
        if (line_checked != i && (i == 0 || s[i - 1] == '\n')) {
            /* a line of more than 300 bytes is a one-line document */
            const char *e = memchr(s + i, '\n', n - i);
            long_line = (e ? (size_t)(e - s) : n) - i > 300;
            line_checked = i;
        }
        uint32_t cp;
        int l = zc_utf8_decode(s + i, n - i, &cp);
        if (!l) {
            l = 1;
            cp = (unsigned char)s[i];
        }
        if (cp == '\n') {
            if (quote > 0) { /* 《…\n…》: one title */
                i++;
                while (i < n && (s[i] == ' ' || s[i] == '\t'))
                    i++;
                continue;
            }
        }
        if (cp == '(' && zc_is_han(prev)) {
            /* (fā): letters with a tone mark, up to 6 of them */
            size_t j = i + 1;
            bool tone = false;
            while (j < n && j - i <= 14) {
                uint32_t c2;
                int l2 = zc_utf8_decode(s + j, n - j, &c2);
                if (!l2)
                    break;
                if (c2 >= 'a' && c2 <= 'z') {
                } else if ((c2 >= 0xE0 && c2 <= 0xFC) ||
                           (c2 >= 0x100 && c2 <= 0x1DC)) {
                    tone = true;
                } else {
                    break;
                }
                j += (size_t)l2;
            }
            if (tone && j < n && s[j] == ')') {
                i = j + 1;
                continue;
            }
        }
        if (cp == 0x300A || cp == 0x3008) /* 《 〈 */
            quote++;
        else if ((cp == 0x300B || cp == 0x3009) && quote > 0)
            quote--;
        /* a space in a very long line separates what would be lines */
        if ((cp == ' ' || cp == 0x3000) && long_line) {
            ok &= zc_buf_putc(w, '\n');
            prev = '\n';
            i += (size_t)l;
            continue;
        }
        if ((cp == '(' || cp == 0xFF08) && n - i >= 21 &&
            memcmp(s + i + (size_t)l, "此件公开发布", 18) == 0)
            ok &= zc_buf_putc(w, '\n');
        ok &= zc_buf_append(w, s + i, (size_t)l);
        if (cp == 0x3002 && quote == 0) /* 。 */
            ok &= zc_buf_putc(w, '\n');
        if ((cp == ')' || cp == 0xFF09) && i >= 18 &&
            memcmp(s + i - 18, "此件公开发布", 18) == 0)
            ok &= zc_buf_putc(w, '\n');
        prev = cp;
        i += (size_t)l;
    }
    if (!ok)
        m->oom = true;
    return ok && w->data != NULL;
}

typedef struct tline {
    size_t a, b;     /* trimmed, in the work copy */
    bool blank_before;
} tline;

/* A short line with no sentence punctuation: part of a title. */
static bool is_fragment(zc_meta *m, const char *s, const tline *ln)
{
    size_t chars = count_chars(s, ln->a, ln->b);
    if (chars < 2 || chars > 80 || is_label_line(s, ln->a, ln->b))
        return false;
    static const char *const stops[] = {"。", "，", ",", "：", ":", "；",
                                         ";", "！", "？", "|", ">", "、"};
    for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++)
        if (zc_memmem(s + ln->a, ln->b - ln->a, stops[i], strlen(stops[i])))
            return false;
    /* 附件, 附件2, 附表1: the label of an attachment, not a title's start */
    if ((!memcmp(s + ln->a, "附件", 6) || !memcmp(s + ln->a, "附表", 6)) &&
        count_chars(s, ln->a, ln->b) <= 5)
        return false;
    /* a signature date, (此件公开发布), or a 文号 alone on its line */
    if (s[ln->a] == '(' || !memcmp(s + ln->a, "（", 3))
        return false;
    if (pcre2_match(m->re[P_DATE], (PCRE2_SPTR)(s + ln->a), ln->b - ln->a, 0,
                    PCRE2_NO_UTF_CHECK, m->md, NULL) > 0)
        return false;
    if (pcre2_match(m->re[P_DOCNUM], (PCRE2_SPTR)(s + ln->a), ln->b - ln->a,
                    0, PCRE2_NO_UTF_CHECK, m->md, NULL) > 0 &&
        pcre2_get_ovector_pointer(m->md)[1] == ln->b - ln->a)
        return false;
    return true;
}

/* A line that begins a title of its own (关于…): what stands above it
 * is a page heading (接访信息详情), unless it is the issuer the title
 * continues (中共泰安市委全面依法治市委员会 / 关于印发…的通知). */
static bool starts_title(const char *s, const tline *ln)
{
    size_t n = ln->b - ln->a;
    return n >= 6 && (!memcmp(s + ln->a, "关于", 6) ||
                      !memcmp(s + ln->a, "關於", 6) ||
                      !memcmp(s + ln->a, "關于", 6));
}

static bool is_wrapper(const char *t)
{
    return (strstr(t, "关于") || strstr(t, "關於") || strstr(t, "關于") ||
            strstr(t, "印发") || strstr(t, "印發") || strstr(t, "转发") ||
            strstr(t, "轉發")) &&
           (strstr(t, "通知") != NULL);
}

static bool wraps_another(const char *t)
{
    return strstr(t, "印发") || strstr(t, "印發") || strstr(t, "转发") ||
           strstr(t, "轉發");
}

/* Copy s[a,b) without spaces into out (for comparing titles). */
static size_t squeeze(const char *s, size_t a, size_t b, char *out,
                      size_t cap)
{
    size_t k = 0;
    for (size_t i = a; i < b && k + 1 < cap;) {
        uint32_t cp;
        int l = zc_utf8_decode(s + i, b - i, &cp);
        if (!l)
            l = 1;
        if (!zc_is_space(cp)) {
            if (k + (size_t)l >= cap)
                break;
            memcpy(out + k, s + i, (size_t)l);
            k += (size_t)l;
        }
        i += (size_t)l;
    }
    out[k] = '\0';
    return k;
}

/* Is `t` (squeezed) named in 《…》 somewhere in the preamble? */
static bool is_quoted(zc_meta *m, const char *w, size_t n, const char *t)
{
    size_t from = 0;
    char q[512];
    while (from < n && match_at(m, P_QUOTED_TITLE, w, n, from) > 0) {
        size_t a, b;
        from = pcre2_get_ovector_pointer(m->md)[1];
        if (!group(m, P_QUOTED_TITLE, "v", &a, &b))
            continue;
        squeeze(w, a, b, q, sizeof q);
        if (!strcmp(q, t))
            return true;
    }
    return false;
}

/* The inner title of 关于印发《X》的通知 (X), squeezed. */
static bool wrapper_inner(const char *t, char *out, size_t cap)
{
    const char *p = NULL;
    static const char *const verbs[] = {"印发", "印發", "转发", "轉發"};
    for (int i = 0; i < 4 && !p; i++)
        p = strstr(t, verbs[i]);
    if (!p)
        return false;
    p += 6;
    const char *e = strstr(p, "的通知");
    if (!e)
        e = strstr(p, "通知");
    if (!e || e <= p)
        return false;
    size_t n = (size_t)(e - p);
    if (n > 6 && !memcmp(p, "《", 3) && !memcmp(e - 3, "》", 3)) {
        p += 3;
        n -= 6;
    }
    if (n + 1 > cap)
        return false;
    memcpy(out, p, n);
    out[n] = '\0';
    /* 〈X〉 inside 《…》 became the outer quote: drop it */
    if (n > 6 && !memcmp(out, "〈", 3) && !memcmp(out + n - 3, "〉", 3)) {
        memmove(out, out + 3, n - 6);
        out[n - 6] = '\0';
    }
    return true;
}

/* 京政办发〔2016〕26号《X》 -> X: a 文号 in front and 《》 around a title
 * line are page furniture.  Returns the new length. */
static size_t unwrap_title(zc_meta *m, char *cand, size_t k)
{
    /* a 文号 glued in front: 京政办发〔2016〕26号《…》 */
    if (match_docnum(m, cand, k, 0) > 0 &&
        pcre2_get_ovector_pointer(m->md)[0] == 0) {
        size_t d = pcre2_get_ovector_pointer(m->md)[1];
        memmove(cand, cand + d, k - d + 1);
        k -= d;
    }
    if (k > 6 && !memcmp(cand, "《", 3) && !memcmp(cand + k - 3, "》", 3)) {
        memmove(cand, cand + 3, k - 6);
        k -= 6;
        cand[k] = '\0';
    }
    return k;
}

static void find_titles(zc_meta *m, const char *w, size_t wn)
{
    tline lines[256];
    size_t nl = 0;
    bool blank = false;
    for (size_t i = 0; i < wn && nl < 256;) {
        const char *e = memchr(w + i, '\n', wn - i);
        size_t end = e ? (size_t)(e - w) : wn;
        tline ln = {i, end, blank};
        trim(w, &ln.a, &ln.b);
        if (ln.a < ln.b) {
            lines[nl++] = ln;
            blank = false;
        } else {
            blank = true;
        }
        i = end + 1;
    }
    char cand[512], best_own[512] = "", wrapper[512] = "", tmp[512];
    bool quoted_own = false;
    for (size_t i = 0; i < nl; i++) {
        const tline *ln = &lines[i];
        /* 标题: / 名 称: labels name the document */
        static const char *const labels[] = {"标题", "標題", "标  题",
                                             "標  題", "名称", "名 称"};
        for (size_t k = 0; k < 6; k++) {
            size_t l = strlen(labels[k]);
            if (ln->b - ln->a > l && !memcmp(w + ln->a, labels[k], l)) {
                size_t a = ln->a + l, b = ln->b;
                while (a < b && (w[a] == ' ' || w[a] == ':' || w[a] == '|' ||
                                 !memcmp(w + a, "：", 3 < b - a ? 3 : b - a)))
                    a += w[a] == ' ' || w[a] == ':' || w[a] == '|' ? 1 : 3;
                if (a == b && i + 1 < nl) { /* value on the next line */
                    a = lines[i + 1].a;
                    b = lines[i + 1].b;
                }
                size_t bb = b;
                const char *bar = zc_memmem(w + a, b - a, "|", 1);
                if (bar)
                    bb = (size_t)(bar - w);
                trim(w, &a, &bb);
                squeeze(w, a, bb, tmp, sizeof tmp);
                if (is_wrapper(tmp) && !wrapper[0])
                    snprintf(wrapper, sizeof wrapper, "%s", tmp);
            }
        }
        if (!is_fragment(m, w, ln))
            continue;
        /* join earlier fragment lines: a title wrapped over lines */
        size_t j = i;
        while (j > 0 && i - j < 3 && is_fragment(m, w, &lines[j - 1]) &&
               !(starts_title(w, &lines[j]) &&
                 !ends_with_org(w, lines[j - 1].a, lines[j - 1].b)))
            j--;
        /* the longest run that reads as a title; across a blank line only
         * when the cover notice names that title in 《》 */
        size_t k = 0;
        bool found = false;
        for (size_t start = j; start <= i && !found; start++) {
            bool across_blank = false;
            k = 0;
            for (size_t x = start; x <= i; x++) {
                if (x > start && lines[x].blank_before)
                    across_blank = true;
                k += squeeze(w, lines[x].a, lines[x].b, cand + k,
                             sizeof cand - k);
            }
            /* (试行) on the next line belongs to the title */
            if (i + 1 < nl && lines[i + 1].b - lines[i + 1].a <= 14 &&
                (w[lines[i + 1].a] == '(' ||
                 !memcmp(w + lines[i + 1].a, "（", 3)))
                k += squeeze(w, lines[i + 1].a, lines[i + 1].b, cand + k,
                             sizeof cand - k);
            k = unwrap_title(m, cand, k);
            if (pcre2_match(m->re[P_TITLE_LINE], (PCRE2_SPTR)cand, k, 0,
                            PCRE2_NO_UTF_CHECK, m->md, NULL) <= 0)
                continue;
            if (across_blank && !is_quoted(m, w, wn, cand))
                continue;
            found = true;
        }
        if (!found)
            continue;
        if (is_wrapper(cand)) {
            if (!wrapper[0])
                snprintf(wrapper, sizeof wrapper, "%s", cand);
            continue;
        }
        /* own title: the last one, unless an earlier one is the title the
         * cover notice names in 《》 */
        bool q = is_quoted(m, w, wn, cand);
        if (q || !quoted_own) {
            snprintf(best_own, sizeof best_own, "%s", cand);
            quoted_own = q;
        }
    }
    if (wrapper[0]) {
        /* …的通知(岳办发〔2017〕2号): the 文号 is not part of the title */
        char *tail = strstr(wrapper, "通知(");
        if (!tail)
            tail = strstr(wrapper, "通知（");
        if (tail)
            tail[6] = '\0';
    }
    if (wrapper[0] && wraps_another(wrapper))
        m->doc.wrapper_title = keep(m, wrapper, strlen(wrapper));
    if (best_own[0]) {
        m->doc.title = keep(m, best_own, strlen(best_own));
    } else if (wrapper[0] && wraps_another(wrapper) &&
               wrapper_inner(wrapper, tmp, sizeof tmp)) {
        m->doc.title = keep(m, tmp, strlen(tmp));
    } else if (wrapper[0]) {
        m->doc.title = keep(m, wrapper, strlen(wrapper));
    } else {
        /* the cover sentence names it: 现将《X》印发 / 《X》已经…同意 */
        size_t from = 0;
        while (from < wn && match_at(m, P_QUOTED_TITLE, w, wn, from) > 0) {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
            size_t a0 = ov[0], b0 = ov[1], a, b;
            from = b0;
            bool before = a0 >= 6 && (!memcmp(w + a0 - 6, "现将", 6) ||
                                      !memcmp(w + a0 - 6, "現將", 6) ||
                                      !memcmp(w + a0 - 6, "印发", 6) ||
                                      !memcmp(w + a0 - 6, "印發", 6) ||
                                      !memcmp(w + a0 - 6, "转发", 6));
            bool after = wn - b0 >= 6 && (!memcmp(w + b0, "已经", 6) ||
                                          !memcmp(w + b0, "已經", 6) ||
                                          !memcmp(w + b0, "业经", 6));
            if ((before || after) && group(m, P_QUOTED_TITLE, "v", &a, &b)) {
                m->doc.title = keep(m, w + a, b - a);
                break;
            }
        }
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

/* The year at the very start of s (4 digits, not followed by a digit). */
static int year_of_prefix(const char *p)
{
    for (int i = 0; i < 4; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    if (p[4] >= '0' && p[4] <= '9')
        return 0;
    int y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 +
            (p[3] - '0');
    return y >= 1949 && y <= 2199 ? y : 0;
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

bool zc_meta_read(zc_meta *m, const char *text, size_t len, const char *rest,
                  size_t rest_len)
{
    zc_meta_reset(m);
    if (!build_work(m, text, len))
        return false;
    const char *s = m->work.data;
    size_t n = m->work.len;
    size_t a, b;
    if (match_at(m, P_INDEX, s, n, 0) > 0 && group(m, P_INDEX, "v", &a, &b))
        m->doc.index_number = keep(m, s + a, b - a);
    if (match_at(m, P_DOCNUM_LABEL, s, n, 0) > 0 &&
        group(m, P_DOCNUM_LABEL, "v", &a, &b))
        m->doc.doc_number = keep(m, s + a, b - a);
    if (!m->doc.doc_number) {
        /* the first 文号 not cited in brackets or after 《…》 */
        size_t from = 0, fallback_a = 0, fallback_b = 0;
        while (from < n && match_docnum(m, s, n, from) > 0) {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
            a = ov[0];
            b = ov[1];
            from = b;
            size_t p = zc_utf8_prev(s, a);
            uint32_t c = '\n';
            if (a > 0)
                zc_utf8_decode(s + p, a - p, &c);
            if (c == '(' || c == 0xFF08) {
                /* …的通知(岳办发〔2017〕2号): the cover notice's own 文号;
                 * 《…的通知》(国办发〔2022〕8号) is a citation */
                if (!fallback_b && p >= 6 && !memcmp(s + p - 6, "通知", 6)) {
                    fallback_a = a;
                    fallback_b = b;
                }
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
    /* a notice that forwards another names its 文号: 〔2014〕1号 */
    if (!m->doc.year) {
        const char *p = zc_memmem(s, n, "〔", 3);
        if (p && (size_t)(s + n - p) >= 7)
            m->doc.year = year_of_prefix(p + 3);
    }
    /* an excerpt that starts at 一、2013年工作回顾: the first year named */
    if (!m->doc.year && rest_len) {
        size_t head = rest_len < 4096 ? rest_len : 4096;
        while (head < rest_len && ((unsigned char)rest[head] & 0xC0) == 0x80)
            head++;
        if (match_at(m, P_YEAR, rest, head, 0) > 0 &&
            group(m, P_YEAR, "v", &a, &b))
            m->doc.year = atoi(rest + a);
    }
    return !m->oom;
}

/* ---- the page's <meta> tags (html.c) ------------------------------------ */

/* Kept apart from zc_meta_read on purpose: the body of the notice speaks
 * first, the CMS's <meta name="ArticleTitle|PubDate|ContentSource"> only
 * fills what it left open. */

/* "2023-02-09 16:47", "2023/2/9", "2023年2月9日" -> "2023-02-09". */
static bool meta_iso_date(const char *s, char out[11])
{
    int v[3] = {0, 0, 0}, k = 0;
    const char *p = s;
    while (*p && (*p < '0' || *p > '9'))
        p++;
    while (*p && k < 3) {
        if (*p < '0' || *p > '9')
            return false;
        int x = 0, digits = 0;
        while (*p >= '0' && *p <= '9' && digits < 5) {
            x = x * 10 + (*p++ - '0');
            digits++;
        }
        v[k++] = x;
        if (k == 3)
            break;
        /* a separator: - / . or 年 月 (3 bytes each) */
        if (*p == '-' || *p == '/' || *p == '.')
            p++;
        else if (!strncmp(p, "年", 3) || !strncmp(p, "月", 3))
            p += 3;
        else
            return false;
        while (*p == ' ')
            p++;
    }
    if (k < 3 || v[0] < 1949 || v[0] > 2199 || v[1] < 1 || v[1] > 12 ||
        v[2] < 1 || v[2] > 31)
        return false;
    snprintf(out, 11, "%04d-%02d-%02d", v[0], v[1], v[2]);
    return true;
}

/* keep() for the fill below, remembering when memory ran out. */
static char *fill_keep(zc_meta *m, const char *s, size_t n, bool *oom)
{
    char *d = keep(m, s, n);
    if (!d)
        *oom = true;
    return d;
}

bool zc_meta_fill_html(zc_meta *m, const zc_html_meta *hm)
{
    bool oom = false;
    if (!hm)
        return true;
    if (hm->title && *hm->title) {
        if (is_wrapper(hm->title) && wraps_another(hm->title)) {
            if (!m->doc.wrapper_title)
                m->doc.wrapper_title =
                    fill_keep(m, hm->title, strlen(hm->title), &oom);
            char inner[512];
            if (!m->doc.title && wrapper_inner(hm->title, inner, sizeof inner))
                m->doc.title = fill_keep(m, inner, strlen(inner), &oom);
        } else if (!m->doc.title) {
            m->doc.title = fill_keep(m, hm->title, strlen(hm->title), &oom);
        }
    }
    if (!m->doc.publish_date && hm->pub_date &&
        meta_iso_date(hm->pub_date, m->date_buf[1]))
        m->doc.publish_date = m->date_buf[1];
    if (!m->doc.issuer && hm->source) {
        /* ContentSource is often the issuing body, but also 本网 or a
         * news agency: only an organisation's name is taken */
        size_t a = 0, b = strlen(hm->source);
        trim(hm->source, &a, &b);
        if (b > a && count_chars(hm->source, a, b) <= 40 &&
            ends_with_org(hm->source, a, b))
            m->doc.issuer = fill_keep(m, hm->source + a, b - a, &oom);
    }
    if (!m->doc.year)
        m->doc.year = year_of(m->doc.title);
    if (!m->doc.year)
        m->doc.year = year_of(m->doc.wrapper_title);
    return !oom;
}
