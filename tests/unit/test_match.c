/*
 * test_match.c - the matcher's building blocks: the folded text and its
 * map back to the text as written, the one date resolver, number reading,
 * the match limit (a rule that hits it is skipped with a warning), and
 * which of overlapping or masked candidates survive.
 */
#include "testutil.h"

#include "internal.h"

/* ---- fold ---------------------------------------------------------------- */

static void fold_full_width_keeps_offsets(void **state)
{
    (void)state;
    zc_fold f;
    zc_fold_init(&f, NULL);
    static const char s[] = "率达到９０％（一）"; /* 3+3+3 + 3+3+3 + 3+3+3 */
    assert_true(zc_fold_text(&f, s, sizeof s - 1));
    assert_string_equal(f.text, "率达到90%(一)");
    /* "90%" is folded bytes 9..12, source bytes 9..18 */
    assert_int_equal(zc_fold_src_start(&f, 9), 9);
    assert_int_equal(zc_fold_src_end(&f, 12), 18);
    zc_fold_free(&f);
}

/* The map back to the source, character by character: each folded
 * character comes from a source character that folds to it, in order,
 * and the source offset leads back to the same folded offset.  Texts mix
 * every kind of piece: ASCII runs, shrunk full-width characters,
 * same-length traditional ones, dropped glosses and zero-width spaces. */
static void fold_map_round_trip(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "率达到９０％（一）abc　牽頭單位：市發(fā)改委\u200b、區(qū)局。",
        "2023年底前(一)（二）\ufeff印發(fā)(app)ＡＢＣ  \u3000x",
        "", "ａ", "發(fā)", "\u200b\u200b", "plain ascii only",
    };
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        const char *s = texts[t];
        zc_fold f, g;
        zc_fold_init(&f, NULL);
        zc_fold_init(&g, NULL);
        assert_true(zc_fold_text(&f, s, strlen(s)));
        size_t prev_end = 0;
        for (size_t a = 0; a < f.len;) {
            size_t b = a + (size_t)zc_utf8_len((unsigned char)f.text[a]);
            size_t sa = zc_fold_src_start(&f, a), se = zc_fold_src_end(&f, b);
            assert_true(prev_end <= sa && sa < se && se <= strlen(s));
            assert_true(zc_fold_text(&g, s + sa, se - sa));
            assert_int_equal(g.len, b - a);
            assert_memory_equal(g.text, f.text + a, b - a);
            assert_int_equal(zc_fold_from_src(&f, sa), a);
            prev_end = se;
            a = b;
        }
        assert_int_equal(zc_fold_src_start(&f, f.len), strlen(s));
        zc_fold_free(&f);
        zc_fold_free(&g);
    }
}

/* ---- anchors ------------------------------------------------------------ */

/* Every occurrence of every literal, in text order, overlapping ones too
 * (牵头 inside 牵头单位), ASCII and CJK; windows skip blanks both ways. */
static void anchors_found_and_windows(void **state)
{
    (void)state;
    zc_anchors *a = zc_anchors_new(NULL);
    assert_non_null(a);
    assert_int_equal(zc_anchors_add(a, "牵头", 6), 0);
    assert_int_equal(zc_anchors_add(a, "%", 1), 1);
    assert_int_equal(zc_anchors_add(a, "牵头单位", 12), 2);
    assert_int_equal(zc_anchors_add(a, "牵头", 6), 0); /* known: same id */
    assert_int_equal(zc_anchors_add(a, "", 0), -1);
    static const char t[] = "由市局牵头单位, 达到 90 %,再牵头";
    zc_anchor_hit *hits = NULL;
    size_t n = 0, cap = 0;
    assert_true(zc_anchors_find(a, t, sizeof t - 1, NULL, 0, &hits, &n, &cap,
                                &zc_default_mem));
    assert_int_equal(n, 4);
    assert_int_equal(hits[0].pos, 9);  /* 牵头, then 牵头单位 at the same */
    assert_int_equal(hits[0].id, 0);
    assert_int_equal(hits[1].pos, 9);
    assert_int_equal(hits[1].id, 2);
    assert_int_equal(hits[1].end, 21);
    assert_int_equal(hits[2].id, 1);   /* % */
    assert_int_equal(hits[3].id, 0);
    size_t pct = hits[2].pos;
    /* the same through a fold that notes where they may begin */
    zc_fold f;
    zc_fold_init(&f, NULL);
    f.anchors = a;
    assert_true(zc_fold_text(&f, t, sizeof t - 1));
    assert_int_equal(f.nmarks, 3); /* 牵, %, 牵 */
    zc_anchor_hit *h2 = NULL;
    size_t n2 = 0, cap2 = 0;
    assert_true(zc_anchors_find(a, f.text, f.len, f.marks, f.nmarks, &h2,
                                &n2, &cap2, &zc_default_mem));
    assert_int_equal(n2, n);
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(h2[k].pos, hits[k].pos);
        assert_int_equal(h2[k].end, hits[k].end);
        assert_int_equal(h2[k].id, hits[k].id);
    }
    zc_free(&zc_default_mem, h2);
    zc_fold_free(&f);
    assert_memory_equal(t + pct - 4, " 90 ", 4);
    /* reach 2 from %: the two digits, the blanks around them free */
    assert_int_equal(zc_anchor_window_start(t, pct, 2, 0), pct - 4);
    assert_int_equal(zc_anchor_window_start(t, pct, 2, pct - 1), pct - 1);
    assert_int_equal(zc_anchor_window_start(t, pct, 0, 0), pct - 1);
    /* reach 4 from 牵头: 由市局 is three characters, then the start */
    assert_int_equal(zc_anchor_window_start(t, 9, 4, 0), 0);
    assert_int_equal(zc_anchor_window_end(t, sizeof t - 1, 6), 6);
    zc_free(&zc_default_mem, hits);
    zc_anchors_free(a);
}

/* The window walk as rules/README.md defines it, one character at a time
 * (valid UTF-8): back over `reach` characters that are not blank, and
 * over the blanks before them. */
static size_t window_start_ref(const char *t, size_t pos, unsigned reach,
                               size_t floor)
{
    size_t i = pos;
    unsigned counted = 0;
    while (i > floor) {
        size_t j = i - 1;
        while (((unsigned char)t[j] & 0xC0) == 0x80)
            j--;
        bool blank = t[j] == ' ' || t[j] == '\t' || t[j] == '\n' ||
                     t[j] == '\r';
        if (!blank) {
            if (counted == reach)
                break;
            counted++;
        }
        i = j;
    }
    return i;
}

/* zc_anchor_window_start() walks 16 bytes at a time where it can: the
 * same answers as the reference on random mixes of CJK, ASCII, blanks,
 * 2- and 4-byte characters, for every character boundary, several
 * reaches and floors. */
static void window_start_blocks_agree(void **state)
{
    (void)state;
    static const char *const pieces[] = {"政", "府", "。", " ", "\n", "\t",
                                         "9", "%", "ā", "𠀀", "  ", "年"};
    unsigned seed = 12345;
    for (int round = 0; round < 200; round++) {
        char t[512];
        size_t len = 0, starts[512], ns = 0;
        while (len < 400) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 16) % 12];
            starts[ns++] = len;
            memcpy(t + len, p, strlen(p));
            len += strlen(p);
        }
        starts[ns++] = len;
        for (size_t k = 0; k < ns; k += 3) {
            size_t pos = starts[k];
            static const unsigned reaches[] = {0, 1, 2, 5, 8, 16, 24, 40, 64};
            for (size_t r = 0; r < sizeof reaches / sizeof *reaches; r++) {
                seed = seed * 1103515245u + 12345u;
                size_t floor = starts[(seed >> 16) % (k + 1)];
                size_t want = window_start_ref(t, pos, reaches[r], floor);
                size_t got = zc_anchor_window_start(t, pos, reaches[r], floor);
                if (want != got)
                    fail_msg("pos %zu reach %u floor %zu: %zu, want %zu", pos,
                             reaches[r], floor, got, want);
            }
        }
    }
}

/* Sifting marks by the character that follows drops no hit. */
static void anchors_sift_keeps_hits(void **state)
{
    (void)state;
    zc_anchors *a = zc_anchors_new(NULL);
    static const char *const lits[] = {"建设", "建成", "和", "%", "政府",
                                       "牵头单位", "年底"};
    for (size_t i = 0; i < sizeof lits / sizeof *lits; i++)
        assert_true(zc_anchors_add(a, lits[i], strlen(lits[i])) >= 0);
    static const char t[] = "建议建设和建成政治政府,年年底%建"
                            "牽頭单位牵头单位 建 设建";
    zc_fold f;
    zc_fold_init(&f, NULL);
    f.anchors = a;
    assert_true(zc_fold_text(&f, t, sizeof t - 1));
    /* 14 first characters; not 建议, 政治, the first 年 of 年年, 建 before
     * 牽 and before a blank */
    assert_int_equal(f.nmarks, 9);
    zc_anchor_hit *all = NULL, *sifted = NULL;
    size_t n1 = 0, c1 = 0, n2 = 0, c2 = 0;
    assert_true(zc_anchors_find(a, f.text, f.len, NULL, 0, &all, &n1, &c1,
                                &zc_default_mem));
    assert_true(zc_anchors_find(a, f.text, f.len, f.marks, f.nmarks, &sifted,
                                &n2, &c2, &zc_default_mem));
    assert_int_equal(n1, 8);
    assert_int_equal(n2, n1);
    for (size_t k = 0; k < n1; k++) {
        assert_int_equal(sifted[k].pos, all[k].pos);
        assert_int_equal(sifted[k].id, all[k].id);
    }
    zc_free(&zc_default_mem, all);
    zc_free(&zc_default_mem, sifted);
    zc_fold_free(&f);
    zc_anchors_free(a);
}

/* The fold takes two ideographs at a time where it can: a traditional
 * character at any place in or around such a pair is still folded, and
 * the marks are the same as noted one character at a time. */
static void fold_blocks_of_ideographs(void **state)
{
    (void)state;
    zc_anchors *a = zc_anchors_new(NULL);
    assert_non_null(a);
    assert_true(zc_anchors_add(a, "政", 3) >= 0);
    /* 㐀 U+3400 and 䀀 U+4000 (lead bytes E3, E4) are not in the fold's
     * table of traditional characters, which starts at U+4E00 */
    static const char *const base[] = {"政", "府", "建", "设", "工", "䀀",
                                       "作", "㐀"};
    for (size_t at = 0; at < 24; at++) {
        for (size_t len = at + 1; len < 26; len += 5) {
            char src[256] = "", want[256] = "";
            size_t marks_want[32], nw = 0, wlen = 0;
            for (size_t k = 0; k < len; k++) {
                const char *c = k == at ? "牽" : base[(k * 7 + at) % 8];
                strcat(src, c);
                const char *w = k == at ? "牵" : c;
                if (!strcmp(w, "政"))
                    marks_want[nw++] = wlen;
                strcat(want, w);
                wlen += strlen(w);
            }
            zc_fold f;
            zc_fold_init(&f, NULL);
            f.anchors = a;
            assert_true(zc_fold_text(&f, src, strlen(src)));
            assert_string_equal(f.text, want);
            assert_int_equal(f.nmarks, nw);
            for (size_t k = 0; k < nw; k++)
                assert_int_equal(f.marks[k], marks_want[k]);
            zc_fold_free(&f);
        }
    }
    zc_anchors_free(a);
}

static void fold_keeps_circled_and_brackets(void **state)
{
    (void)state;
    zc_fold f;
    zc_fold_init(&f, NULL);
    static const char s[] = "①〔2019〕《十四五》";
    assert_true(zc_fold_text(&f, s, sizeof s - 1));
    assert_string_equal(f.text, "①〔2019〕《十四五》");
    zc_fold_free(&f);
}

static void fold_traditional_and_pinyin(void **state)
{
    (void)state;
    zc_fold f;
    zc_fold_init(&f, NULL);
    static const char s[] = "牽頭單位:印發(fā)通知(app)";
    assert_true(zc_fold_text(&f, s, sizeof s - 1));
    assert_string_equal(f.text, "牵头单位:印发通知(app)");
    /* a match ending after 發 ends before the gloss in the source */
    const char *fa = strstr(f.text, "发");
    size_t end = (size_t)(fa - f.text) + 3;
    assert_int_equal(zc_fold_src_end(&f, end),
                     (size_t)(strstr(s, "發") - s) + 3);
    zc_fold_free(&f);
}

static void fold_spaces(void **state)
{
    (void)state;
    zc_fold f;
    zc_fold_init(&f, NULL);
    static const char s[] = "第一条\xE2\x80\x82\xE3\x80\x80为";
    assert_true(zc_fold_text(&f, s, sizeof s - 1));
    assert_string_equal(f.text, "第一条  为");
    zc_fold_free(&f);
}

/* ---- numbers ------------------------------------------------------------ */

static double num(const char *s)
{
    double v = -1;
    assert_true(zc_read_number(s, strlen(s), &v));
    return v;
}

static void numbers(void **state)
{
    (void)state;
    assert_true(num("79.81") > 79.80 && num("79.81") < 79.82);
    assert_true(num("九十") == 90);
    assert_true(num("十一") == 11);
    assert_true(num("零点五") == 0.5);
    assert_true(num("九十五点五") == 95.5);
    assert_true(num("1,000") == 1000);
    double v;
    assert_false(zc_read_number("项", 3, &v));
    assert_string_equal(zc_duration_unit("个工作日", strlen("个工作日")),
                        "workday");
    assert_string_equal(zc_duration_unit("个月", strlen("个月")), "month");
    assert_null(zc_duration_unit("学时", strlen("学时")));
}

/* ---- the resolver ---------------------------------------------------------- */

static zc_deadline resolve(const char *kind, zc_date_parts *p, int year,
                           zc_year_before yb, bool *ok)
{
    zc_deadline d;
    memset(&d, 0, sizeof d);
    d.kind = kind;
    *ok = zc_resolve_date(p, year, yb, &d);
    return d;
}

static void resolver_by(void **state)
{
    (void)state;
    zc_date_parts p;
    bool ok;
    zc_date_parts_init(&p);
    p.y = 2024;
    p.m = 6;
    p.end = true;
    zc_deadline d = resolve("by", &p, 0, ZC_YEAR_BEFORE_EXCLUSIVE, &ok);
    assert_true(ok);
    assert_string_equal(d.date, "2024-06-30");

    zc_date_parts_init(&p); /* 2024年2月底: a leap year */
    p.y = 2024;
    p.m = 2;
    p.end = true;
    d = resolve("by", &p, 0, ZC_YEAR_BEFORE_EXCLUSIVE, &ok);
    assert_string_equal(d.date, "2024-02-29");

    zc_date_parts_init(&p); /* 2025年前, both conventions */
    p.y = 2025;
    p.pre = true;
    d = resolve("by", &p, 0, ZC_YEAR_BEFORE_EXCLUSIVE, &ok);
    assert_string_equal(d.date, "2024-12-31");
    d = resolve("by", &p, 0, ZC_YEAR_BEFORE_INCLUSIVE, &ok);
    assert_string_equal(d.date, "2025-12-31");

    zc_date_parts_init(&p); /* 到年底, relative */
    p.end = true;
    d = resolve("by", &p, 2019, ZC_YEAR_BEFORE_EXCLUSIVE, &ok);
    assert_string_equal(d.date, "2019-12-31");
    d = resolve("by", &p, 0, ZC_YEAR_BEFORE_EXCLUSIVE, &ok);
    assert_true(ok);
    assert_string_equal(d.date, ""); /* no year: no date */

    zc_date_parts_init(&p); /* 明年6月底前 */
    p.y = ZC_YREL_NEXT;
    p.m = 6;
    p.end = true;
    d = resolve("by", &p, 2020, ZC_YEAR_BEFORE_EXCLUSIVE, &ok);
    assert_string_equal(d.date, "2021-06-30");

    zc_date_parts_init(&p); /* 2023年2月30日: no such day */
    p.y = 2023;
    p.m = 2;
    p.d = 30;
    resolve("by", &p, 0, ZC_YEAR_BEFORE_EXCLUSIVE, &ok);
    assert_false(ok);
}

static void resolver_periods(void **state)
{
    (void)state;
    zc_date_parts p;
    bool ok;
    zc_date_parts_init(&p); /* 2021—2025年 includes 2025 */
    p.y = 2021;
    p.y2 = 2025;
    zc_deadline d = resolve("period", &p, 0, ZC_YEAR_BEFORE_EXCLUSIVE, &ok);
    assert_string_equal(d.date_from, "2021-01-01");
    assert_string_equal(d.date, "2025-12-31");

    zc_date_parts_init(&p); /* 上半年: January-June of the document's year */
    p.h = 1;
    d = resolve("period", &p, 2023, ZC_YEAR_BEFORE_EXCLUSIVE, &ok);
    assert_string_equal(d.date_from, "2023-01-01");
    assert_string_equal(d.date, "2023-06-30");

    zc_date_parts_init(&p); /* 十四五 */
    p.fyp = 14;
    d = resolve("period", &p, 0, ZC_YEAR_BEFORE_EXCLUSIVE, &ok);
    assert_string_equal(d.date_from, "2021-01-01");
    assert_string_equal(d.date, "2025-12-31");
    p.fyp = 11; /* 十一五 = 2006-2010 */
    d = resolve("period", &p, 0, ZC_YEAR_BEFORE_EXCLUSIVE, &ok);
    assert_string_equal(d.date_from, "2006-01-01");

    zc_date_parts_init(&p); /* 从2023年第二季度起 */
    p.y = 2023;
    p.q = 2;
    d = resolve("from", &p, 0, ZC_YEAR_BEFORE_EXCLUSIVE, &ok);
    assert_string_equal(d.date_from, "2023-04-01");
    assert_string_equal(d.date, "");

    zc_date_parts_init(&p); /* a range that runs backwards is no range */
    p.y = 2025;
    p.y2 = 2021;
    resolve("period", &p, 0, ZC_YEAR_BEFORE_EXCLUSIVE, &ok);
    assert_false(ok);

    zc_date_parts_init(&p); /* durations carry their amount */
    p.n = 20;
    p.u = "workday";
    d = resolve("within", &p, 2020, ZC_YEAR_BEFORE_EXCLUSIVE, &ok);
    assert_true(d.amount == 20);
    assert_string_equal(d.amount_unit, "workday");
    assert_string_equal(d.date, "");
}

/* ---- the match limit ------------------------------------------------------ */

typedef struct {
    int warnings, limit_warnings, targets;
} seen;

static int on_warning(const zc_warning *w, void *ud)
{
    seen *s = ud;
    s->warnings++;
    if (!strcmp(w->code, "match-limit"))
        s->limit_warnings++;
    return 0;
}

static int on_section(const zc_section *sec, void *ud)
{
    seen *s = ud;
    s->targets += (int)sec->n_targets;
    return 0;
}

static void match_limit_skips_with_warning(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/rules/limit.rules", ZC_TEST_DATA);
    zc_rules *r = NULL;
    zc_error err;
    assert_int_equal(zc_rules_load_file(path, NULL, &r, &err), ZC_OK);
    size_t len;
    char *text = tu_read("match_limit.txt", &len);
    zc_options opt;
    zc_options_init(&opt);
    opt.match_limit = 10000;
    seen s = {0, 0, 0};
    zc_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.warning = on_warning;
    cb.section = on_section;
    cb.ud = &s;
    assert_int_equal(zc_extract_buffer(r, &opt, text, len, &cb, &err), ZC_OK);
    assert_true(s.limit_warnings >= 1);
    assert_int_equal(s.targets, 0);
    free(text);
    zc_rules_free(r);
}

/* ---- rules that match only where a line starts ------------------------- */

static int sum_targets(const zc_section *sec, void *ud)
{
    double *sum = ud;
    for (size_t i = 0; i < sec->n_targets; i++)
        *sum += sec->targets[i].value;
    return 0;
}

/* A (?m)^ rule is not searched in windows where no line starts; the
 * windows that hold one (right at the window's start, or inside it) still
 * give every match a full scan gives.  own_line_far requires an ASCII '%'
 * its anchor does not end in, so it is compiled again without start
 * optimisations (rules.c far_required_unit): it stays a line-start rule. */
static void line_start_rule_windows(void **state)
{
    (void)state;
    static const char rules[] =
        "field: targets\n"
        "rule own_line\n"
        "pattern: (?m)^[ \\t]*(?<value>(?<num>[0-9]+)%)\n"
        "anchor: %\nreach: 4\n"
        "match: 50% => 50%\n"
        "rule anywhere\n"
        "pattern: (?<value>比例(?<num>[0-9]+)%)\n"
        "anchor: 比例\n"
        "rule own_line_far\n"
        "pattern: (?m)^[ \\t]*(?<value>目标(?<num>[0-9]+)%)\n"
        "anchor: 目标\n";
    zc_rules *r = NULL;
    zc_error err;
    assert_int_equal(zc_rules_load_buffer("t", rules, sizeof rules - 1, NULL,
                                          &r, &err),
                     ZC_OK);
    assert_true(zc_rules_at(r, 0)->line_start);
    assert_false(zc_rules_at(r, 1)->line_start);
    assert_true(zc_rules_at(r, 2)->line_start);
    /* 1%, 300% and 目标5% start lines, 20% and 目标4000% do not */
    static const char text[] = "1%\n目标是 20%\n  300%\n又目标4000%\n目标5%";
    for (int all = 0; all < 2; all++) {
        zc_options opt;
        zc_options_init(&opt);
        opt.scan_all = all;
        double sum = 0;
        zc_callbacks cb;
        memset(&cb, 0, sizeof cb);
        cb.section = sum_targets;
        cb.ud = &sum;
        assert_int_equal(
            zc_extract_buffer(r, &opt, text, sizeof text - 1, &cb, &err),
            ZC_OK);
        assert_true(sum == 306);
    }
    zc_rules_free(r);
}

/* ---- overlapping and masked candidates --------------------------------- */

typedef struct picked {
    char text[512]; /* the targets' texts, one per line */
} picked;

static int list_targets(const zc_section *sec, void *ud)
{
    picked *pk = ud;
    for (size_t i = 0; i < sec->n_targets; i++) {
        size_t n = strlen(pk->text);
        snprintf(pk->text + n, sizeof pk->text - n, "%.*s\n",
                 (int)sec->targets[i].text.len, sec->targets[i].text.ptr);
    }
    return 0;
}

/* Of overlapping candidates the best by priority survive, the others
 * only where no survivor covers them (a chain: a b c, b overlapping
 * both); a mask hides a candidate it reaches into or starts inside,
 * for its fields only, and a hidden candidate takes no part.  The last
 * two lines are clusters too big for settle() to compare pairwise. */
static void overlaps_and_masks(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/rules/pick", ZC_TEST_DATA);
    zc_rules *r = NULL;
    zc_error err;
    assert_int_equal(zc_rules_load_dir(dir, NULL, &r, &err), ZC_OK);
    const char *text =
        "<1%> 2%ab {3%} 4%<m> 5%{n} <z>6% A1B2C3D X1Y2Z3W\n"
        "L0 1% 2% 3% 4% 5% 6% 7% 8% 9% 10% 11% 12% 13% 14% 15% 16% L\n"
        "M0 1% 2% 3% 4% 5% 6% 7% 8% 9% 10% 11% 12% 13% 14% 15% 16% M\n";
    picked pk = {""};
    zc_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.section = list_targets;
    cb.ud = &pk;
    assert_int_equal(
        zc_extract_buffer(r, NULL, text, strlen(text), &cb, &err), ZC_OK);
    assert_string_equal(
        pk.text,
        "2%ab\n3%}\n4%\n5%{n}\n6%\nB2C\nX1Y\nZ3W\n"
        "1%\n2%\n3%\n4%\n5%\n6%\n7%\n8%\n"
        "9%\n10%\n11%\n12%\n13%\n14%\n15%\n16%\n"
        "M0 1% 2% 3% 4% 5% 6% 7% 8% 9% 10% 11% 12% 13% 14% 15% 16% M\n");
    zc_rules_free(r);
}

/* ---- document-wide state is reset between documents ----------------------- */

static int count_leads(const zc_section *sec, void *ud)
{
    int *leads = ud;
    for (size_t i = 0; i < sec->n_assignments; i++)
        *leads += (int)sec->assignments[i].n_lead;
    return 0;
}

static void convention_does_not_leak_into_next_document(void **state)
{
    (void)state;
    zc_rules *r = NULL;
    zc_error err;
    assert_int_equal(zc_rules_load_dir(ZC_RULES_DIR, NULL, &r, &err), ZC_OK);
    int leads = 0;
    zc_callbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.section = count_leads;
    cb.ud = &leads;
    zc_parser *p = zc_parser_new(r, NULL, &cb);
    assert_non_null(p);
    size_t l1, l2;
    char *a = tu_read("match_convention.txt", &l1);
    char *b = tu_read("match_plain.txt", &l2);
    assert_int_equal(zc_parser_feed(p, a, l1), ZC_OK);
    assert_int_equal(zc_parser_finish(p), ZC_OK);
    assert_int_equal(leads, 2); /* both clauses of the first document */
    zc_parser_reset(p);
    leads = 0;
    assert_int_equal(zc_parser_feed(p, b, l2), ZC_OK);
    assert_int_equal(zc_parser_finish(p), ZC_OK);
    assert_int_equal(leads, 0); /* the convention ended with its document */
    zc_parser_free(p);
    free(a);
    free(b);
    zc_rules_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fold_full_width_keeps_offsets),
        cmocka_unit_test(fold_map_round_trip),
        cmocka_unit_test(anchors_found_and_windows),
        cmocka_unit_test(window_start_blocks_agree),
        cmocka_unit_test(anchors_sift_keeps_hits),
        cmocka_unit_test(fold_blocks_of_ideographs),
        cmocka_unit_test(fold_keeps_circled_and_brackets),
        cmocka_unit_test(fold_traditional_and_pinyin),
        cmocka_unit_test(line_start_rule_windows),
        cmocka_unit_test(fold_spaces),
        cmocka_unit_test(numbers),
        cmocka_unit_test(resolver_by),
        cmocka_unit_test(resolver_periods),
        cmocka_unit_test(match_limit_skips_with_warning),
        cmocka_unit_test(overlaps_and_masks),
        cmocka_unit_test(convention_does_not_leak_into_next_document),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
