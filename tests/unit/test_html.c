/*
 * test_html.c - saved web pages (html.c), through the parser.
 *
 *   - a page with everything a government page has (tests/data/html/
 *     sample.html) gives exactly tests/data/html/sample.txt, at every
 *     chunk size 1..7 and in one piece;
 *   - every plain-text corpus notice wrapped in a realistic saved page
 *     (tests/data/html/gov_page.html: navigation, scripts, styles, a
 *     metadata table, share and print bars, footer) gives the same
 *     sections and the same extracted items as the plain text;
 *   - the real HTML notices of the corpus (n02, n03, n08) come out with
 *     sections and without markup in any string;
 *   - the detection rule, forcing a format, <meta> metadata, and hostile
 *     pages (deep nesting, an unclosed comment or tag, a long run of text
 *     with no tag) in bounded time and memory.
 */
#include "fe_util.h"

#include "internal.h"

#include <dirent.h>

static char *slurp_data(const char *name, size_t *len)
{
    return tu_read(name, len);
}

static void sample_page_gives_its_text(void **state)
{
    (void)state;
    size_t len, tlen;
    char *in = slurp_data("html/sample.html", &len);
    char *want = slurp_data("html/sample.txt", &tlen);
    static const size_t chunks[] = {0, 1, 2, 3, 4, 5, 6, 7, 64, 4096};
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        fe_run r = {0};
        fe_parse(NULL, NULL, NULL, in, len, chunks[c], 0, &r);
        assert_int_equal(r.status, ZC_OK);
        assert_string_equal(r.format, "html");
        fe_same("sample.html text", want, r.text.s);
        assert_int_equal(r.n_warnings, 0);
        /* the <meta> tags fill what the body does not say */
        assert_non_null(strstr(r.doc.s, "published=2022-05-06\n"));
        assert_non_null(strstr(r.doc.s, "issuer=某县应急管理局\n"));
        assert_non_null(
            strstr(r.sections.s, "S 1 1 1 zh_dun 一、 | 提高认识\n"));
        assert_non_null(
            strstr(r.sections.s, "S 2.2 2 2 zh_paren （二） | 加强值守"));
        fe_free(&r);
    }
    free(in);
    free(want);
}

static void detection_rule(void **state)
{
    (void)state;
    static const char *const html[] = {
        "<!DOCTYPE html><title>x</title>",
        "<!doctype HTML>",
        "  <html lang=\"zh\">",
        "<body>text",
        "<%@ page language=\"java\"%>",
        "发文机关:山西省人民政府\n<p>一、</p><p>二、</p><p><br/></p>",
        "<div>a</div><span>b</span><br>",
        "<P>A</P>\n<P>B</P>\n<P>C</P>",
    };
    static const char *const text[] = {
        "一、总体要求\n（一）增长<5%，a>b。",
        "<p>只有一个标签</p>",
        "1<2 and 3>2, <pp> <divx> <html5>",
        "",
        "<br> <br>",
    };
    for (size_t i = 0; i < sizeof html / sizeof html[0]; i++)
        if (!zc_looks_like_html(html[i], strlen(html[i])))
            fail_msg("not taken for HTML: %s", html[i]);
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
        if (zc_looks_like_html(text[i], strlen(text[i])))
            fail_msg("taken for HTML: %s", text[i]);
}

static void forcing_the_format(void **state)
{
    (void)state;
    size_t len = 0;
    char *in = slurp_data("html/sample.html", &len);
    zc_options opt;
    zc_options_init(&opt);
    opt.format = "text";
    fe_run r = {0};
    fe_parse(NULL, &opt, NULL, in, len, 0, 0, &r);
    assert_string_equal(r.format, "text");
    assert_non_null(strstr(r.text.s, "<p>"));
    fe_free(&r);
    /* a per-document hint beats the sniffing */
    static const char plain[] = "一、总体要求\n正文。\n";
    fe_parse(NULL, NULL, "html", plain, sizeof plain - 1, 0, 0, &r);
    assert_string_equal(r.format, "html");
    assert_string_equal(r.text.s, plain);
    fe_free(&r);
    fe_parse(NULL, NULL, "text", in, len, 0, 0, &r);
    assert_string_equal(r.format, "text");
    fe_free(&r);
    /* the hint is for one document: reset goes back to the option */
    zc_parser *p = zc_parser_new(NULL, NULL, NULL);
    assert_non_null(p);
    assert_int_equal(zc_parser_set_format(p, "html"), ZC_OK);
    assert_int_equal(zc_parser_set_format(p, "pdf"), ZC_ERR_ARG);
    assert_int_equal(zc_parser_feed(p, plain, sizeof plain - 1), ZC_OK);
    assert_int_equal(zc_parser_set_format(p, "text"), ZC_ERR_STATE);
    assert_int_equal(zc_parser_finish(p), ZC_OK);
    assert_string_equal(zc_parser_format(p), "html");
    zc_parser_reset(p);
    assert_int_equal(zc_parser_feed(p, plain, sizeof plain - 1), ZC_OK);
    assert_int_equal(zc_parser_finish(p), ZC_OK);
    assert_string_equal(zc_parser_format(p), "text");
    zc_parser_free(p);
    opt.format = "pdf";
    assert_null(zc_parser_new(NULL, &opt, NULL));
    free(in);
}

/* The body speaks first; ArticleTitle only fills in. */
static void meta_tags_fill_only_what_is_missing(void **state)
{
    (void)state;
    static const char with_title[] =
        "<html><head><meta name=\"ArticleTitle\" content=\"网页标题\">"
        "<meta name=\"PubDate\" content=\"2020/3/9\"></head><body>"
        "<p>某市2020年政务公开工作要点</p><p>发布日期：2020年04月01日</p>"
        "<p>一、总体要求</p><p>内容</p></body></html>";
    fe_run r = {0};
    fe_parse(NULL, NULL, NULL, with_title, sizeof with_title - 1, 0, 0, &r);
    assert_non_null(strstr(r.doc.s, "title=某市2020年政务公开工作要点\n"));
    assert_non_null(strstr(r.doc.s, "published=2020-04-01\n"));
    fe_free(&r);
    static const char wrapper[] =
        "<html><head><meta name=\"ArticleTitle\" content=\"某市人民政府办公室"
        "关于印发《某市2021年重点工作任务》的通知\"><meta name=\"PubDate\" "
        "content=\"2021年3月2日\"><meta name=\"ContentSource\" "
        "content=\"本网\"></head><body><p>一、总体要求</p><p>内容</p>"
        "</body></html>";
    fe_parse(NULL, NULL, NULL, wrapper, sizeof wrapper - 1, 0, 0, &r);
    assert_non_null(strstr(r.doc.s, "title=某市2021年重点工作任务\n"));
    assert_non_null(strstr(r.doc.s, "wrapper=某市人民政府办公室关于印发"));
    assert_non_null(strstr(r.doc.s, "published=2021-03-02\n"));
    assert_non_null(strstr(r.doc.s, "issuer=-\n")); /* 本网 is no body */
    assert_non_null(strstr(r.doc.s, "year=2021\n"));
    fe_free(&r);
    /* a government site's metadata table: label and value cells */
    static const char table[] =
        "<html><body><table class=\"xxgk\"><tr><td>索 引 号：</td>"
        "<td>11140000012345678X/2018-00013</td><td>发文机关：</td>"
        "<td>山西省人民政府</td></tr><tr><td><p>文　　号：</p></td>"
        "<td><p>晋政发〔2018〕13号</p></td><td>成文日期：</td>"
        "<td>2018年03月27日</td></tr></table>"
        "<p>一、指导思想</p><p>内容</p></body></html>";
    fe_parse(NULL, NULL, NULL, table, sizeof table - 1, 5, 0, &r);
    assert_non_null(strstr(r.text.s, "索 引 号： | 11140000012345678X"));
    assert_non_null(strstr(r.doc.s, "docnum=晋政发〔2018〕13号\n"));
    assert_non_null(strstr(r.doc.s, "index=11140000012345678X/2018-00013\n"));
    assert_non_null(strstr(r.doc.s, "issuer=山西省人民政府\n"));
    assert_non_null(strstr(r.doc.s, "issued=2018-03-27\n"));
    fe_free(&r);
}

static void hostile_pages(void **state)
{
    (void)state;
    fe_run r = {0};
    /* an unclosed comment swallows the rest, as in a browser */
    size_t len = 0;
    char *in = slurp_data("html/hostile_comment.html", &len);
    fe_parse(NULL, NULL, NULL, in, len, 3, 0, &r);
    assert_string_equal(r.text.s, "一、总体要求\n\n正文在注释之前。\n");
    free(in);
    fe_free(&r);
    /* 20,000 nested elements: given up past MAX_DEPTH, text so far kept */
    size_t n = 20000;
    char *deep = malloc(n * 5 + 64);
    assert_non_null(deep);
    size_t k = 0;
    k += (size_t)sprintf(deep, "<html><body><p>开头</p>");
    for (size_t i = 0; i < n; i++, k += 5)
        memcpy(deep + k, "<div>", 5);
    fe_parse(NULL, NULL, NULL, deep, k, 4096, 0, &r);
    assert_int_equal(r.status, ZC_OK);
    assert_non_null(strstr(r.warnings.s, "html-limit@"));
    assert_string_equal(r.text.s, "开头\n");
    fe_free(&r);
    free(deep);
    /* 3 MB of text without a tag, then a tag: all of it comes out (and
     * libxml2 is made to let go of it on the way) */
    n = 3u << 20;
    char *run = malloc(n + 64);
    assert_non_null(run);
    k = (size_t)sprintf(run, "<html><body><p>");
    for (size_t i = 0; i < n / 3; i++, k += 3)
        memcpy(run + k, "政", 3);
    k += (size_t)sprintf(run + k, "</p><p>尾</p></body></html>");
    /* (a 3 MB section is over the 1 MiB default section cap) */
    zc_options big;
    zc_options_init(&big);
    big.max_section_bytes = (size_t)16 << 20;
    fe_parse(NULL, &big, NULL, run, k, 65536, 0, &r);
    assert_int_equal(r.status, ZC_OK);
    assert_int_equal(r.n_warnings, 0);
    assert_int_equal(r.text.len, (n / 3) * 3 + 2 + 3 + 1);
    fe_free(&r);
    /* the same long run with entities in it: whatever the chunking, the
     * same text (the flush must not cut an entity) */
    k = (size_t)sprintf(run, "<html><body><p>");
    for (size_t i = 0; k < n; i++) {
        if (i % 97 == 0) {
            memcpy(run + k, "&ldquo;&nbsp;", 13);
            k += 13;
        }
        memcpy(run + k, "政", 3);
        k += 3;
    }
    fe_run ref = {0};
    fe_parse(NULL, NULL, NULL, run, k, 0, 0, &ref);
    static const size_t odd[] = {4093, 65521, 300001};
    for (size_t c = 0; c < 3; c++) {
        fe_parse(NULL, NULL, NULL, run, k, odd[c], 0, &r);
        if (r.text.len != ref.text.len ||
            memcmp(r.text.s, ref.text.s, r.text.len))
            fail_msg("a long run with entities differs at chunk size %zu",
                     odd[c]);
        fe_free(&r);
    }
    assert_null(strstr(ref.text.s, "&nbsp"));
    fe_free(&ref);
    /* an attribute that never ends: given up, bounded */
    k = (size_t)sprintf(run, "<html><body><p>前</p><p class=\"");
    memset(run + k, 'x', n);
    fe_parse(NULL, NULL, NULL, run, k + n, 65536, 0, &r);
    assert_int_equal(r.status, ZC_OK);
    assert_string_equal(r.text.s, "前\n");
    fe_free(&r);
    /* markup cut at every possible byte: never a crash, never markup */
    static const char page[] =
        "<html><body><p>一、总则</p><!-- c --><% x %><p>（一）内容"
        "&ldquo;引&rdquo;</p></body></html>";
    for (size_t cut = 1; cut < sizeof page - 1; cut++) {
        fe_parse(NULL, NULL, "html", page, cut, 1, 0, &r);
        assert_int_equal(r.status, ZC_OK);
        if (fe_has_markup(r.text.s, r.text.len) && cut > 20)
            fail_msg("markup left after a cut at %zu: %s", cut, r.text.s);
        fe_free(&r);
    }
    free(run);
}

/* Every string a user gets from a document must be free of markup. */
static void no_markup(const char *name, const fe_run *r)
{
    if (fe_has_markup(r->text.s, r->text.len))
        fail_msg("%s: markup in the text", name);
    if (fe_has_markup(r->sections.s, r->sections.len))
        fail_msg("%s: markup in a section", name);
    if (fe_has_markup(r->doc.s, r->doc.len))
        fail_msg("%s: markup in the document record", name);
}

static zc_rules *load_rules(void)
{
    zc_rules *rules = NULL;
    zc_error err;
    memset(&err, 0, sizeof err);
    if (zc_rules_load_dir(ZC_RULES_DIR, NULL, &rules, &err) != ZC_OK) {
        /* the rules are another module's business: test the front end
         * without extraction rather than fail here */
        print_message("note: rules not loaded (%s:%u: %s); items not "
                      "compared\n",
                      err.file, err.line, err.msg);
        return NULL;
    }
    return rules;
}

static void real_html_notices(void **state)
{
    (void)state;
    static const char *const files[] = {
        "n02_chongqing_liangshi_jubao_2023_html_full.txt",
        "n03_sichuan_ducha_ziCha_2014_jsp_full.txt",
        "n08_shanxi_jingzhengfa_zengshou_2018_html.txt"};
    static const char *const first[] = {"S 1 1 1 article 第一条",
                                        "S 1 1 1 zh_dun 一、 | 各地自查",
                                        "S 1 1 1 zh_dun 一、 | 指导思想"};
    zc_rules *rules = load_rules();
    for (size_t i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", FE_CORPUS, files[i]);
        size_t len = 0;
        char *in = fe_read_path(path, &len);
        assert_non_null(in);
        fe_run ref = {0};
        memset(&ref, 0, sizeof ref);
        for (size_t chunk = 0; chunk <= 7; chunk++) {
            fe_run r = {0};
            fe_parse(rules, NULL, NULL, in, len, chunk, FE_SPANS, &r);
            assert_int_equal(r.status, ZC_OK);
            assert_string_equal(r.format, "html");
            if (!strstr(r.sections.s, first[i]))
                fail_msg("%s: no section \"%s\" in\n%s", files[i], first[i],
                         r.sections.s);
            assert_true(r.n_sections >= 3);
            no_markup(files[i], &r);
            if (chunk == 0) {
                ref = r;
                continue;
            }
            fe_same(files[i], ref.text.s, r.text.s);
            fe_same(files[i], ref.sections.s, r.sections.s);
            fe_free(&r);
        }
        fe_free(&ref);
        free(in);
    }
    zc_rules_free(rules);
}

/* ---- a corpus notice in a saved government page ------------------------- */

static void put_escaped(fe_str *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '&': fe_puts(b, "&amp;"); break;
        case '<': fe_puts(b, "&lt;"); break;
        case '>': fe_puts(b, "&gt;"); break;
        case '"': fe_puts(b, "&quot;"); break;
        default: fe_put(b, s + i, 1);
        }
    }
}

/* The template with {{BODY}} filled, {{TITLE}} and {{YEAR}} with the
 * notice's own (as a real page has them). */
static void wrap(const char *tpl, const char *text, size_t len,
                 const char *title, int year, fe_str *out)
{
    for (const char *p = tpl; *p;) {
        if (!strncmp(p, "{{TITLE}}", 9)) {
            put_escaped(out, title, strlen(title));
            p += 9;
        } else if (!strncmp(p, "{{YEAR}}", 8)) {
            fe_printf(out, "%d", year);
            p += 8;
        } else if (!strncmp(p, "{{BODY}}", 8)) {
            /* a paragraph per run of lines, <br> between its lines, as
             * an editor saves text whose paragraphs are apart by an
             * empty line */
            bool open = false;
            for (size_t i = 0; i < len;) {
                const char *e = memchr(text + i, '\n', len - i);
                size_t k = e ? (size_t)(e - text) : len;
                if (k == i) {
                    if (open)
                        fe_puts(out, "</p>\n");
                    open = false;
                } else {
                    fe_puts(out, open ? "<br />\n" : "      <p>");
                    put_escaped(out, text + i, k - i);
                    open = true;
                }
                i = k + 1;
            }
            if (open)
                fe_puts(out, "</p>\n");
            p += 8;
        } else {
            fe_put(out, p++, 1);
        }
    }
}

/* A field of fe_run.doc ("title=...\n"), copied into out. */
static void doc_field(const fe_run *r, const char *key, char *out,
                      size_t cap)
{
    const char *p = strstr(r->doc.s, key);
    out[0] = '\0';
    if (!p)
        return;
    p += strlen(key);
    const char *e = strchr(p, '\n');
    snprintf(out, cap, "%.*s", e ? (int)(e - p) : (int)strlen(p), p);
}

/* The section lines without section 0 (the page header and metadata
 * table are its text, by design) but with all items, section 0's
 * included. */
static const char *body_sections(const char *s)
{
    const char *p = strstr(s, "\nS ");
    return p ? p + 1 : s + strlen(s);
}

static void corpus_notices_wrapped_in_a_page(void **state)
{
    (void)state;
    size_t tlen;
    char *tpl = slurp_data("html/gov_page.html", &tlen);
    zc_rules *rules = load_rules();
    DIR *dir = opendir(FE_CORPUS);
    assert_non_null(dir);
    struct dirent *de;
    size_t done = 0;
    while ((de = readdir(dir))) {
        size_t nl = strlen(de->d_name);
        if (nl < 5 || strcmp(de->d_name + nl - 4, ".txt"))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", FE_CORPUS, de->d_name);
        size_t len = 0;
        char *text = fe_read_path(path, &len);
        assert_non_null(text);
        if (zc_looks_like_html(text, len < 1024 ? len : 1024)) {
            free(text); /* a page already: real_html_notices */
            continue;
        }
        fe_run plain, html;
        fe_parse(rules, NULL, NULL, text, len, 0, 0, &plain);
        char title[512], year[16];
        doc_field(&plain, "title=", title, sizeof title);
        doc_field(&plain, "year=", year, sizeof year);
        fe_str page = {0};
        wrap(tpl, text, len, strcmp(title, "-") ? title : "政府信息公开",
             atoi(year) ? atoi(year) : 2023, &page);
        fe_parse(rules, NULL, NULL, page.s, page.len, 4096, 0, &html);
        assert_string_equal(html.format, "html");
        assert_string_equal(plain.format, "text");
        no_markup(de->d_name, &html);
        const char *pe = body_sections(plain.sections.s);
        const char *he = body_sections(html.sections.s);
        char what[300];
        snprintf(what, sizeof what, "%s wrapped in a page: sections",
                 de->d_name);
        fe_same(what, pe, he);
        /* section 0's items: the page's own (its title in <h1>), then
         * the notice's */
        fe_str empty = {0};
        fe_run bare;
        wrap(tpl, "", 0, strcmp(title, "-") ? title : "政府信息公开",
             atoi(year) ? atoi(year) : 2023, &empty);
        fe_parse(rules, NULL, NULL, empty.s, empty.len, 0, 0, &bare);
        fe_str want = {0};
        const char *bi = strchr(bare.sections.s, '\n') + 1;
        fe_puts(&want, bi);
        const char *pi = strchr(plain.sections.s, '\n') + 1;
        fe_put(&want, pi, (size_t)(pe - pi));
        const char *hi = strchr(html.sections.s, '\n') + 1;
        fe_str got = {0};
        fe_put(&got, hi, (size_t)(he - hi));
        snprintf(what, sizeof what, "%s wrapped in a page: section 0 items",
                 de->d_name);
        fe_same(what, want.s, got.s);
        free(want.s);
        free(got.s);
        free(empty.s);
        fe_free(&bare);
        fe_free(&plain);
        fe_free(&html);
        free(page.s);
        free(text);
        done++;
    }
    closedir(dir);
    assert_true(done >= 20);
    zc_rules_free(rules);
    free(tpl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sample_page_gives_its_text),
        cmocka_unit_test(detection_rule),
        cmocka_unit_test(forcing_the_format),
        cmocka_unit_test(meta_tags_fill_only_what_is_missing),
        cmocka_unit_test(hostile_pages),
        cmocka_unit_test(real_html_notices),
        cmocka_unit_test(corpus_notices_wrapped_in_a_page),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
