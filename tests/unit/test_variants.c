/*
 * test_variants.c - every corpus notice, saved the ways notices arrive,
 * gives what its UTF-8 original gives.
 *
 * For each corpus/NAME.txt the variants are built here, at test time (no
 * copies are committed): GB18030 (through iconv), UTF-16LE with a BOM,
 * UTF-8 with a BOM, CR LF line ends, and GB18030 with CR LF.  Each must
 * come out with the encoding named in source.encoding, and with the same
 * decoded text, document record, sections (id, level, number, marker,
 * heading) and extracted items (text, kinds, values) as the original.
 * The front end removes BOMs and turns CR LF into LF, so the decoded
 * text is byte for byte the same and the spans are compared too.
 */
#include "fe_util.h"

#include <dirent.h>
#include <errno.h>
#include <iconv.h>

typedef struct variant {
    const char *name, *encoding;
    bool crlf;
    const char *to;     /* iconv target, NULL: UTF-8 as is */
    const char *prefix; /* bytes before the text (a BOM) */
    size_t prefix_len;
    size_t chunk;
} variant;

static const variant variants[] = {
    {"GB18030", "gb18030", false, "GB18030", "", 0, 4096},
    {"GB18030 at chunk size 7", "gb18030", false, "GB18030", "", 0, 7},
    {"UTF-16LE with BOM", "utf-16le", false, "UTF-16LE", "\xFF\xFE", 2,
     65536},
    {"UTF-8 with BOM", "utf-8", false, NULL, "\xEF\xBB\xBF", 3, 65536},
    {"CRLF", "utf-8", true, NULL, "", 0, 3},
    {"GB18030 with CRLF", "gb18030", true, "GB18030", "", 0, 65536},
};

/* in converted as `v` says; caller frees. */
static char *make_variant(const variant *v, const char *in, size_t len,
                          size_t *out_len)
{
    /* CR LF first, in UTF-8 */
    size_t n = 0;
    char *crlf = malloc(len * 2 + 1);
    assert_non_null(crlf);
    for (size_t i = 0; i < len; i++) {
        if (v->crlf && in[i] == '\n')
            crlf[n++] = '\r';
        crlf[n++] = in[i];
    }
    size_t cap = n * 4 + 16;
    char *out = malloc(cap);
    assert_non_null(out);
    memcpy(out, v->prefix, v->prefix_len);
    size_t k = v->prefix_len;
    if (!v->to) {
        memcpy(out + k, crlf, n);
        k += n;
    } else {
        iconv_t cd = iconv_open(v->to, "UTF-8");
        assert_true(cd != (iconv_t)-1);
        char *ip = crlf, *op = out + k;
        size_t il = n, ol = cap - k;
        if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1)
            fail_msg("iconv to %s failed: %s", v->to, strerror(errno));
        k = (size_t)(op - out);
        iconv_close(cd);
    }
    free(crlf);
    *out_len = k;
    return out;
}

static void every_corpus_notice_in_every_variant(void **state)
{
    (void)state;
    zc_rules *rules = NULL;
    zc_error err;
    memset(&err, 0, sizeof err);
    if (zc_rules_load_dir(ZC_RULES_DIR, NULL, &rules, &err) != ZC_OK)
        print_message("note: rules not loaded (%s:%u: %s); items not "
                      "compared\n",
                      err.file, err.line, err.msg);
    DIR *dir = opendir(FE_CORPUS);
    assert_non_null(dir);
    struct dirent *de;
    size_t notices = 0, items = 0;
    while ((de = readdir(dir))) {
        size_t nl = strlen(de->d_name);
        if (nl < 5 || strcmp(de->d_name + nl - 4, ".txt"))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", FE_CORPUS, de->d_name);
        size_t len = 0;
        char *text = fe_read_path(path, &len);
        assert_non_null(text);
        fe_run ref = {0};
        fe_parse(rules, NULL, NULL, text, len, 65536, FE_SPANS, &ref);
        assert_int_equal(ref.status, ZC_OK);
        assert_string_equal(ref.encoding, "utf-8");
        for (const char *p = ref.sections.s; (p = strstr(p, "\n  ")); p++)
            items++;
        for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
            size_t vlen;
            char *in = make_variant(&variants[v], text, len, &vlen);
            fe_run r = {0};
            fe_parse(rules, NULL, NULL, in, vlen, variants[v].chunk,
                     FE_SPANS, &r);
            char what[300];
            snprintf(what, sizeof what, "%s as %s", de->d_name,
                     variants[v].name);
            assert_int_equal(r.status, ZC_OK);
            if (strcmp(r.encoding, variants[v].encoding))
                fail_msg("%s: read as %s", what, r.encoding);
            assert_string_equal(r.format, ref.format);
            fe_same(what, ref.text.s, r.text.s);
            fe_same(what, ref.doc.s, r.doc.s);
            fe_same(what, ref.sections.s, r.sections.s);
            if (strcmp(ref.warnings.s, r.warnings.s))
                fail_msg("%s: warnings %s, not %s", what, r.warnings.s,
                         ref.warnings.s);
            fe_free(&r);
            free(in);
        }
        fe_free(&ref);
        free(text);
        notices++;
    }
    closedir(dir);
    assert_true(notices >= 25);
    print_message("%zu notices x %zu variants, %zu extracted items each "
                  "way\n",
                  notices, sizeof variants / sizeof variants[0], items);
    zc_rules_free(rules);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_corpus_notice_in_every_variant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
