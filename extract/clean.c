/*
 * clean.c - page furniture and pinyin glosses out: the last step of the
 * front end (decode -> html -> clean, see parser.c).  Its output is the
 * decoded text every offset points into.
 *
 * Two filters, streaming, line-oriented, with a bounded look-back:
 *
 * 1. PINYIN GLOSSES.  Mirror sites insert the reading after a character:
 *    印發(fā), 一(yī)、, 體(tǐ)系, 34號(hào).  A gloss is "(" or "（", 1 to 6
 *    pinyin letters (a-z, A-Z, ü, ɑ, ɡ and the tone-marked vowels ā á ǎ à
 *    ... ǖ ǘ ǚ ǜ, ń ň ǹ ḿ) of which at least one carries a tone mark, then
 *    ")" or "）", right after a Han character.  It is removed, so 一、 is
 *    a marker again and 牽頭單位 reads as written.  (a), (b), (2015),
 *    (de) and a gloss after anything but a Han character stay.
 *
 * 2. FURNITURE LINES.  A line of at most MAX_LINE bytes is dropped, with
 *    its line break, when it is page furniture that survived a copy from
 *    the browser:
 *      - made only of furniture words (字体 字号 打印本页 关闭窗口 分享到
 *        扫一扫在手机打开当前页 朗读 视力保护色 访问量 浏览次数 阅读 收藏
 *        返回顶部 我要纠错 无障碍 长者助手 登录 …, simplified and
 *        traditional; see `words` below), at least one of them a strong
 *        one, plus filler (大 中 小 默认, 微信 微博 QQ …), counts and
 *        separators (spaces, 【】[]()（）|/:：·•,，、>-);
 *      - a breadcrumb: 当前位置/您当前的位置/您现在的位置/您的位置/所在位置
 *        (colon optional) followed by anything without 。, or a line that
 *        starts with 首页/网站首页/主页 and has ">" (or ＞ » › → /) between
 *        short parts;
 *    and never when it carries a metadata label with its value (索引号,
 *    发文字号, 文号, 发布日期, 发布时间, 成文日期, 发文机关, 发布机构, 来源,
 *    日期, 时间, 有效性 …: meta.c reads those), nor when it holds anything
 *    else.  Longer lines are never furniture.
 *
 * The look-back is one line (MAX_LINE bytes) plus one gloss (GLOSS_MAX);
 * longer lines stream through.  Removing text moves every later offset:
 * the decoded text is defined as the text after this step.
 */
#include "internal.h"
#include "utf8_block.h" /* ZC_BLOCK, and <emmintrin.h> with SSE2 */

#include <string.h>

#define MAX_LINE 1024
#define GLOSS_MAX 32
#define MAX_GLOSS_LETTERS 6
#define WORD_BUCKETS 128 /* a power of two */
#define WORD_NEEDED 160  /* >= the number of furniture words, < 255 */

struct zc_clean {
    const zc_mem *mem;
    bool enabled;
    unsigned char part[4]; /* a character cut by the end of a chunk     */
    size_t n_part;
    /* gloss */
    char gl[GLOSS_MAX];
    size_t n_gl;
    unsigned gl_letters;
    bool gl_tone, prev_han;
    /* line */
    zc_buf line;
    bool long_line;
    size_t lines_removed, glosses_removed;
    zc_buf *out;
    bool oom;
    /* the furniture words by bucket (index_words): first word, next */
    unsigned char word_head[WORD_BUCKETS];
    unsigned char word_next[WORD_NEEDED];
};

static void index_words(zc_clean *c);

zc_clean *zc_clean_new(const zc_mem *mem, bool enabled)
{
    zc_clean *c = zc_malloc(mem, sizeof *c);
    if (!c)
        return NULL;
    memset(c, 0, sizeof *c);
    c->mem = mem;
    c->enabled = enabled;
    index_words(c);
    zc_buf_init(&c->line, mem);
    if (!zc_buf_reserve(&c->line, MAX_LINE + 8)) {
        zc_free(mem, c);
        return NULL;
    }
    zc_clean_reset(c);
    return c;
}

void zc_clean_reset(zc_clean *c)
{
    c->n_part = 0;
    c->n_gl = 0;
    c->gl_letters = 0;
    c->gl_tone = c->prev_han = false;
    c->line.len = 0;
    c->long_line = false;
    c->lines_removed = c->glosses_removed = 0;
    c->oom = false;
}

void zc_clean_free(zc_clean *c)
{
    if (!c)
        return;
    zc_buf_free(&c->line);
    zc_free(c->mem, c);
}

size_t zc_clean_lines_removed(const zc_clean *c)
{
    return c->lines_removed;
}

size_t zc_clean_glosses_removed(const zc_clean *c)
{
    return c->glosses_removed;
}

/* ---- furniture ---------------------------------------------------------- */

typedef struct {
    const char *w;
    unsigned char len; /* strlen(w): the table is scanned at every
                          position of every candidate line */
    bool strong;
} word;

#define W(s, strong) {s, sizeof s - 1, strong}

/* Longest first where one is a prefix of another (matching is greedy in
 * this order). */
static const word words[] = {
    W("扫一扫在手机打开当前页", true),   W("掃一掃在手機打開當前頁", true),
    W("扫一扫在手机上查看当前页面", true), W("掃一掃在手機上查看當前頁面", true),
    W("扫一扫在手机上打开当前页", true), W("手机扫一扫", true),
    W("手機掃一掃", true),             W("扫一扫", true),
    W("掃一掃", true),                 W("在手机打开当前页", true),
    W("在手機打開當前頁", true),       W("打印本页", true),
    W("打印本頁", true),               W("打印此页", true),
    W("打印此頁", true),               W("打印文章", true),
    W("打印", true),                   W("列印", true),
    W("关闭窗口", true),               W("關閉窗口", true),
    W("关闭本页", true),               W("關閉本頁", true),
    W("关闭", true),                   W("關閉", true),
    W("分享到", true),                 W("分享", true),
    W("视力保护色", true),             W("視力保護色", true),
    W("朗读", true),                   W("朗讀", true),
    W("字体", true),                   W("字體", true),
    W("字号", true),                   W("字號", true),
    W("访问量", true),                 W("訪問量", true),
    W("访问次数", true),               W("訪問次數", true),
    W("浏览量", true),                 W("瀏覽量", true),
    W("浏覽量", true),                 W("浏览次数", true),
    W("瀏覽次數", true),               W("阅读次数", true),
    W("閱讀次數", true),               W("阅读量", true),
    W("閱讀量", true),                 W("阅读数", true),
    W("閱讀數", true),                 W("阅读", true),
    W("閱讀", true),                   W("点击数", true),
    W("點擊數", true),                 W("点击量", true),
    W("點擊量", true),                 W("点击率", true),
    W("加入收藏", true),               W("收藏", true),
    W("返回顶部", true),               W("返回頂部", true),
    W("返回首页", true),               W("返回首頁", true),
    W("返回", true),                   W("我要纠错", true),
    W("我要糾錯", true),               W("纠错", true),
    W("糾錯", true),                   W("无障碍", true),
    W("無障礙", true),                 W("长者助手", true),
    W("長者助手", true),               W("长者模式", true),
    W("長者模式", true),               W("关怀版", true),
    W("關懷版", true),                 W("繁体版", true),
    W("繁體版", true),                 W("简体版", true),
    W("簡體版", true),                 W("繁体", true),
    W("繁體", true),                   W("简体", true),
    W("簡體", true),                   W("登录", true),
    W("登錄", true),                   W("注册", true),
    W("註冊", true),
    /* filler: only together with a strong word */
    W("新浪微博", false),              W("腾讯微博", false),
    W("騰訊微博", false),              W("微博", false),
    W("微信", false),                  W("QQ空间", false),
    W("QQ空間", false),                W("QQ", false),
    W("空间", false),                  W("人人网", false),
    W("豆瓣", false),                  W("朋友圈", false),
    W("默认", false),                  W("默認", false),
    W("标准", false),                  W("標準", false),
    W("超大", false),                  W("特大", false),
    W("大", false),                    W("中", false),
    W("小", false),                    W("人次", false),
    W("次", false),                    W("版", false),
    W("复制链接", false),              W("複製鏈接", false),
};

/* Labels of values meta.c reads: a line holding one is never dropped.
 * Matched with spaces removed (索  引  号). */
#define N_WORDS (sizeof words / sizeof words[0])
#define NO_WORD 0xFF
_Static_assert(N_WORDS <= WORD_NEEDED, "raise WORD_NEEDED");

/* The bucket of the text s[0, avail): a mix of its first character when
 * that is a 3-byte one, else its first byte.  A word can match at s only
 * if its own bucket is the same: it then starts with the same bytes
 * (every word beginning with a 3-byte lead has those 3 bytes, and
 * matching needs avail >= its length).  Buckets only narrow the search;
 * the full compare decides. */
static unsigned word_key(const char *str, size_t avail)
{
    const unsigned char *s = (const unsigned char *)str;
    if (s[0] < 0xE0 || s[0] >= 0xF0 || avail < 3)
        return s[0] & (WORD_BUCKETS - 1);
    unsigned cp = (s[0] & 0x0Fu) << 12 | (s[1] & 0x3Fu) << 6 | (s[2] & 0x3Fu);
    return (cp ^ cp >> 7) & (WORD_BUCKETS - 1);
}

/* Chain every word into its bucket, keeping table order within one. */
static void index_words(zc_clean *c)
{
    memset(c->word_head, NO_WORD, sizeof c->word_head);
    for (size_t j = N_WORDS; j-- > 0;) {
        unsigned k = word_key(words[j].w, words[j].len);
        c->word_next[j] = c->word_head[k];
        c->word_head[k] = (unsigned char)j;
    }
}

static const char *const labels[] = {
    "索引号", "索引號", "发文字号", "發文字號", "文号", "文號",
    "发布日期", "發布日期", "發佈日期", "发布时间", "發布時間", "成文日期",
    "印发日期", "印發日期", "发文日期", "發文日期", "发文机关", "發文機關",
    "发布机构", "發布機構", "发布单位", "發布單位", "来源", "來源", "日期",
    "时间", "時間", "有效性", "时效", "時效", "主题分类", "主題分類"};

static const char *const places[] = {
    "您当前所在的位置", "您當前所在的位置", "您当前的位置", "您當前的位置",
    "您现在的位置",     "您現在的位置",     "您所在的位置", "您的位置",
    "当前所在位置",     "當前所在位置",     "当前位置",     "當前位置",
    "所在位置"};

static const char *const homes[] = {"网站首页", "網站首頁", "首页", "首頁",
                                    "主页", "主頁"};

static bool starts(const char *s, size_t n, const char *w, size_t *len)
{
    /* asked of every short line: settle most with two bytes (every w
     * has a character of three) */
    if (n < 2 || s[0] != w[0] || s[1] != w[1])
        return false;
    size_t m = strlen(w);
    if (m > n || memcmp(s, w, m))
        return false;
    *len = m;
    return true;
}

/* Spaces, separators and punctuation a furniture line may hold. */
static bool is_separator(uint32_t cp)
{
    if (zc_is_space(cp) || (cp >= '0' && cp <= '9'))
        return true;
    switch (cp) {
    case ':': case 0xFF1A: case '|': case 0x4E28: /* 丨 */ case '/':
    case 0x00B7: case 0x2022: case 0x30FB: case ',': case 0xFF0C:
    case 0x3001: case '-': case 0x2014: case '_': case '>': case 0xFF1E:
    case 0x00BB: case 0x203A: case 0x2192: case '[': case ']': case '(':
    case ')': case 0xFF08: case 0xFF09: case 0x3010: case 0x3011:
    case 0x3014: case 0x3015: case '<': case '+': case '.': case 0x3002:
    case '!': case 0xFF01: case '"': case 0x201C: case 0x201D: case '*':
    case 0xFF3B: case 0xFF3D: case 0xFF5C: case 0xFF0F: case 0xFF1C:
        return true;
    default:
        return false;
    }
}

static bool is_arrow(uint32_t cp)
{
    return cp == '>' || cp == 0xFF1E || cp == 0x00BB || cp == 0x203A ||
           cp == 0x2192 || cp == '/';
}

static bool has_label(const char *s, size_t n)
{
    char sq[MAX_LINE + 8];
    size_t k = 0, i = 0;
    while (i < n) {
        uint32_t cp;
        int l = zc_utf8_decode(s + i, n - i, &cp);
        if (l <= 0)
            l = 1;
        else if (zc_is_space(cp)) {
            i += (size_t)l;
            continue;
        }
        memcpy(sq + k, s + i, (size_t)l);
        k += (size_t)l;
        i += (size_t)l;
    }
    for (size_t j = 0; j < sizeof labels / sizeof labels[0]; j++)
        if (zc_memmem(sq, k, labels[j], strlen(labels[j])))
            return true;
    return false;
}

/* 当前位置：首页 > 政务公开 > 文件, 首页 > 文件库, 您当前的位置: > > */
static bool is_breadcrumb(const char *s, size_t n)
{
    size_t i = 0, m;
    bool place = false;
    for (size_t j = 0; j < sizeof places / sizeof places[0]; j++)
        if (starts(s, n, places[j], &m)) {
            place = true;
            i = m;
            break;
        }
    if (place)
        return !zc_memmem(s + i, n - i, "。", 3);
    bool home = false;
    for (size_t j = 0; j < sizeof homes / sizeof homes[0]; j++)
        if (starts(s, n, homes[j], &m)) {
            home = true;
            i = m;
            break;
        }
    if (!home)
        return false;
    /* then only "> part" steps, parts short and without sentence marks */
    unsigned arrows = 0, part = 0;
    while (i < n) {
        uint32_t cp;
        int l = zc_utf8_decode(s + i, n - i, &cp);
        if (l <= 0)
            return false;
        i += (size_t)l;
        if (is_arrow(cp)) {
            arrows++;
            part = 0;
        } else if (cp == 0x3002 || cp == 0xFF0C || cp == 0xFF1B ||
                   cp == ',' || cp == ';') {
            return false;
        } else if (!zc_is_space(cp) && ++part > 24) {
            return false;
        }
    }
    return arrows > 0;
}

/* Made only of furniture words and separators, one word a strong one?
 * The words that can start at s[i] are those of its bucket (see
 * word_key), tried in table order as a walk over all of `words` would. */
static bool only_words(const zc_clean *c, const char *s, size_t n)
{
    bool strong = false;
    size_t i = 0;
    while (i < n) {
        size_t m = 0;
        unsigned j = c->word_head[word_key(s + i, n - i)];
        for (; j != NO_WORD; j = c->word_next[j]) {
            const word *w = &words[j];
            if (w->len <= n - i && !memcmp(s + i, w->w, w->len)) {
                strong |= w->strong;
                m = w->len;
                break;
            }
        }
        if (m) {
            i += m;
            continue;
        }
        uint32_t cp;
        int l = zc_utf8_decode(s + i, n - i, &cp);
        if (l <= 0 || !is_separator(cp))
            return false;
        i += (size_t)l;
    }
    return strong;
}

static bool is_furniture(const zc_clean *c, const char *s, size_t n)
{
    /* trim */
    uint32_t cp;
    int l;
    while (n && (l = zc_utf8_decode(s, n, &cp)) > 0 && zc_is_space(cp)) {
        s += l;
        n -= (size_t)l;
    }
    while (n) {
        size_t p = zc_utf8_prev(s, n);
        if (!zc_utf8_decode(s + p, n - p, &cp) || !zc_is_space(cp))
            break;
        n = p;
    }
    if (!n || n > MAX_LINE)
        return false;
    /* has_label() squeezes and searches the whole line: ask it last, for
     * the few lines that look like furniture (nearly every text line
     * fails the word test at its first character) */
    return (is_breadcrumb(s, n) || only_words(c, s, n)) && !has_label(s, n);
}

/* ---- lines -------------------------------------------------------------- */

static void emit(zc_clean *c, const char *s, size_t n)
{
    if (n && !zc_buf_append(c->out, s, n))
        c->oom = true;
}

static void end_line(zc_clean *c, bool newline)
{
    if (!c->long_line && is_furniture(c, c->line.data, c->line.len)) {
        c->lines_removed++;
    } else {
        emit(c, c->line.data, c->line.len);
        if (newline)
            emit(c, "\n", 1);
    }
    c->line.len = 0;
    c->long_line = false;
}

/* Part of a line in c->line or streaming (a long one): s[0, k), and its
 * line break when `newline`. */
static void line_part(zc_clean *c, const char *s, size_t k, bool newline)
{
    if (c->long_line) {
        emit(c, s, k);
    } else if (c->line.len + k > MAX_LINE) {
        /* too long for furniture: let it stream */
        emit(c, c->line.data, c->line.len);
        emit(c, s, k);
        c->line.len = 0;
        c->long_line = true;
    } else if (!zc_buf_append(&c->line, s, k)) {
        c->oom = true;
    }
    if (!newline)
        return;
    if (c->long_line) {
        emit(c, "\n", 1);
        c->long_line = false;
    } else {
        end_line(c, true);
    }
}

/* Text without glosses, to the line filter.  Whole lines within s are
 * judged where they lie and the ones kept go out as one run; only a line
 * cut by the end of s (gloss_put() cuts at every parenthesis) is
 * gathered in c->line, as line_part() would for all of them. */
static void line_put(zc_clean *c, const char *s, size_t n)
{
    const char *nl;
    if (c->long_line || c->line.len) {
        nl = memchr(s, '\n', n);
        size_t k = nl ? (size_t)(nl - s) : n;
        line_part(c, s, k, nl != NULL);
        if (!nl)
            return;
        s += k + 1;
        n -= k + 1;
    }
    size_t run = 0, i = 0;
    while (i < n && (nl = memchr(s + i, '\n', n - i)) != NULL) {
        size_t k = (size_t)(nl - (s + i));
        if (k <= MAX_LINE && is_furniture(c, s + i, k)) {
            c->lines_removed++;
            emit(c, s + run, i - run);
            run = i + k + 1;
        }
        i += k + 1;
    }
    emit(c, s + run, i - run);
    if (i < n)
        line_part(c, s + i, n - i, false);
}

/* ---- glosses ------------------------------------------------------------ */

/* A pinyin letter?  *tone: it carries a tone mark. */
static bool pinyin_letter(uint32_t cp, bool *tone)
{
    *tone = false;
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
        cp == 0xFC || cp == 0xDC || cp == 0x251 || cp == 0x261)
        return true;
    switch (cp) {
    case 0x101: case 0xE1: case 0x1CE: case 0xE0:   /* ā á ǎ à */
    case 0x113: case 0xE9: case 0x11B: case 0xE8:   /* ē é ě è */
    case 0x12B: case 0xED: case 0x1D0: case 0xEC:   /* ī í ǐ ì */
    case 0x14D: case 0xF3: case 0x1D2: case 0xF2:   /* ō ó ǒ ò */
    case 0x16B: case 0xFA: case 0x1D4: case 0xF9:   /* ū ú ǔ ù */
    case 0x1D6: case 0x1D8: case 0x1DA: case 0x1DC: /* ǖ ǘ ǚ ǜ */
    case 0x144: case 0x148: case 0x1F9: case 0x1E3F: /* ń ň ǹ ḿ */
    case 0x100: case 0xC1: case 0x1CD: case 0xC0:
    case 0x112: case 0xC9: case 0x11A: case 0xC8:
    case 0x12A: case 0xCD: case 0x1CF: case 0xCC:
    case 0x14C: case 0xD3: case 0x1D1: case 0xD2:
    case 0x16A: case 0xDA: case 0x1D3: case 0xD9:
    case 0x1D5: case 0x1D7: case 0x1D9: case 0x1DB:
        *tone = true;
        return true;
    default:
        return false;
    }
}

static void gloss_flush(zc_clean *c)
{
    if (c->n_gl)
        line_put(c, c->gl, c->n_gl);
    c->n_gl = 0;
    c->prev_han = false; /* it ended in "(" or a letter */
}

/* Is s[i] (i < n) the start of "(" or "（" (EF BC 88)? */
static inline bool paren_at(const unsigned char *s, size_t i, size_t n)
{
    return s[i] == '(' ||
           (s[i] == 0xEF && n - i >= 3 && s[i + 1] == 0xBC && s[i + 2] == 0x88);
}

/* Offset in s[0, n) of the first "(" or "（", n if none.  In UTF-8 a
 * '(' byte or an EF byte always starts a character, so the bytes
 * between need no decoding. */
static size_t next_paren(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
#if defined(__SSE2__) && defined(__GNUC__)
    /* Same test as paren_at(), 16 positions at a time: a "（" starting
     * at the last of them ends two bytes after the block, so 18 bytes
     * must be readable.  The first hit is the lowest set bit. */
    const __m128i open = _mm_set1_epi8('('), b0 = _mm_set1_epi8((char)0xEF),
                  b1 = _mm_set1_epi8((char)0xBC), b2 = _mm_set1_epi8((char)0x88);
    while (n - i >= ZC_BLOCK + 2) {
        const __m128i *p = (const __m128i *)(const void *)(s + i);
        __m128i x = _mm_loadu_si128(p);
        __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 1));
        __m128i z = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 2));
        __m128i full = _mm_and_si128(
            _mm_cmpeq_epi8(x, b0),
            _mm_and_si128(_mm_cmpeq_epi8(y, b1), _mm_cmpeq_epi8(z, b2)));
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(x, open), full));
        if (m)
            return i + (size_t)__builtin_ctz(m);
        i += ZC_BLOCK;
    }
#endif
    while (i < n && !paren_at(s, i, n))
        i++;
    return i;
}

typedef enum { GLOSS, NOT_GLOSS, GLOSS_CUT } gloss_kind;

/* What the "(" or "（" at s[i] (after a Han character) opens, read where
 * it lies: GLOSS, *end just past its closing parenthesis; NOT_GLOSS, *end
 * at the character that shows it (read again as text: a ")" or "）"
 * too); GLOSS_CUT when s ends first, with its letters so far.  The same
 * decisions as gloss_put() makes a character at a time for a gloss cut
 * by the end of a chunk. */
/* The character at s (n bytes left) and its length; a byte that starts
 * none reads as U+FFFD, one byte long. */
static size_t char_at(const char *s, size_t n, uint32_t *cp)
{
    int l = zc_utf8_decode(s, n, cp);
    if (l <= 0) {
        *cp = 0xFFFD;
        return 1;
    }
    return (size_t)l;
}

static gloss_kind gloss_at(const char *s, size_t i, size_t n, size_t *end,
                           unsigned *letters, bool *tone)
{
    size_t j = i + (s[i] == '(' ? 1 : 3);
    *letters = 0;
    *tone = false;
    while (j < n) {
        uint32_t cp;
        size_t len = char_at(s + j, n - j, &cp);
        bool t;
        if (cp == ')' || cp == 0xFF09) {
            *end = j + (*letters && *tone ? len : 0);
            return *letters && *tone ? GLOSS : NOT_GLOSS;
        }
        if (!pinyin_letter(cp, &t) || *letters >= MAX_GLOSS_LETTERS ||
            j - i + len > GLOSS_MAX) {
            *end = j;
            return NOT_GLOSS;
        }
        ++*letters;
        *tone |= t;
        j += len;
    }
    return GLOSS_CUT;
}

/* Complete characters s[0, n).  `mark` is the last position where the
 * character before is not simply s[mark - 1] (chunk start, a removed or
 * a flushed gloss): there c->prev_han says whether it is Han. */
static void gloss_put(zc_clean *c, const char *s, size_t n)
{
    size_t i = 0, run = 0, mark = 0;
    while (i < n) {
        if (!c->n_gl) {
            /* outside a gloss only "(" or "（" matters */
            i += next_paren(s + i, n - i);
            if (i >= n)
                break;
        }
        uint32_t cp;
        size_t len = char_at(s + i, n - i, &cp);
        if (c->n_gl) {
            bool tone;
            if (cp == ')' || cp == 0xFF09) {
                if (c->gl_letters && c->gl_tone) {
                    c->n_gl = 0; /* a gloss: gone */
                    c->glosses_removed++;
                    c->prev_han = true; /* it followed a Han character */
                } else {
                    gloss_flush(c);
                    line_put(c, s + i, len);
                }
                mark = run = i += len;
                continue;
            }
            if (pinyin_letter(cp, &tone) &&
                c->gl_letters < MAX_GLOSS_LETTERS &&
                c->n_gl + len <= GLOSS_MAX) {
                memcpy(c->gl + c->n_gl, s + i, len);
                c->n_gl += len;
                c->gl_letters++;
                c->gl_tone |= tone;
                run = i += len;
                continue;
            }
            gloss_flush(c);
            mark = run = i; /* this character is read again below */
        }
        if (cp == '(' || cp == 0xFF08) {
            bool han = c->prev_han;
            if (i > mark) {
                size_t p = zc_utf8_prev(s, i);
                uint32_t pc;
                han = zc_utf8_decode(s + p, i - p, &pc) > 0 && zc_is_han(pc);
            }
            if (han) {
                /* decided where it lies, so the text around a
                 * parenthesis that opens no gloss stays one run */
                size_t end = 0;
                unsigned letters;
                bool tone;
                gloss_kind g = gloss_at(s, i, n, &end, &letters, &tone);
                if (g == NOT_GLOSS) {
                    i = end;
                    continue;
                }
                if (i > run)
                    line_put(c, s + run, i - run);
                if (g == GLOSS) {
                    c->glosses_removed++;
                    c->prev_han = true; /* it followed a Han character */
                    mark = run = i = end;
                    continue;
                }
                /* cut by the end of the chunk: gathered in c->gl */
                memcpy(c->gl, s + i, n - i);
                c->n_gl = n - i;
                c->gl_letters = letters;
                c->gl_tone = tone;
                run = i = n;
                continue;
            }
        }
        i += len;
    }
    if (i > run)
        line_put(c, s + run, i - run);
    if (!c->n_gl && n > mark) {
        size_t p = zc_utf8_prev(s, n);
        uint32_t pc;
        c->prev_han = zc_utf8_decode(s + p, n - p, &pc) > 0 && zc_is_han(pc);
    }
}

zc_status zc_clean_feed(zc_clean *c, const char *s, size_t n, bool final,
                        zc_buf *out)
{
    c->out = out;
    if (!c->enabled) {
        emit(c, s, n);
        return c->oom ? ZC_ERR_NOMEM : ZC_OK;
    }
    /* a character cut by the last chunk's end */
    if (c->n_part) {
        unsigned char tmp[8];
        size_t need = (size_t)zc_utf8_len(c->part[0]), k = need - c->n_part;
        if (k > n)
            k = n;
        memcpy(tmp, c->part, c->n_part);
        memcpy(tmp + c->n_part, s, k);
        size_t have = c->n_part + k;
        s += k;
        n -= k;
        if (have < need && !final) {
            memcpy(c->part, tmp, have);
            c->n_part = have;
            return ZC_OK;
        }
        c->n_part = 0;
        gloss_put(c, (const char *)tmp, have);
    }
    /* hold back a cut character */
    size_t whole = n;
    if (!final && n) {
        size_t p = n;
        size_t back = 0;
        while (p > 0 && back < 3 &&
               ((unsigned char)s[p - 1] & 0xC0) == 0x80) {
            p--;
            back++;
        }
        if (p > 0 && (unsigned char)s[p - 1] >= 0xC0 &&
            (size_t)zc_utf8_len((unsigned char)s[p - 1]) > n - (p - 1)) {
            whole = p - 1;
        }
    }
    gloss_put(c, s, whole);
    if (whole < n) {
        memcpy(c->part, s + whole, n - whole);
        c->n_part = n - whole;
    }
    if (final) {
        gloss_flush(c);
        end_line(c, false);
    }
    c->out = NULL;
    return c->oom ? ZC_ERR_NOMEM : ZC_OK;
}
