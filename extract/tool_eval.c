/*
 * tool_eval.c - zhengce eval: score the output against the corpus.
 *
 * For every DIR/NAME.txt with a NAME.expected.json, the notice is converted
 * and both are reduced to multisets of keys per field; a key matches only
 * if every compared value matches.  Precision, recall and F1 are printed
 * per field, micro-averaged over the corpus, and per document for the
 * documents that are not perfect.
 *
 *   sections     id, level, marker, heading
 *   items        section, marker, start
 *   metadata     field name and value (each recipient counts once)
 *   assignments  section, lead, responsible, cooperating, text
 *   deadlines    section, text, kind, date
 *   targets      section, text, value, value_max, unit, op, kind, metric
 *   quantities   section, text, value, unit, op
 */
#include "tool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *const tool_field_name[TOOL_F_COUNT] = {
    "sections", "items", "metadata", "assignments", "deadlines", "targets",
    "quantities"};

typedef struct score {
    size_t tp, fp, fn;
} score;

static void add_key(tool_keys *ks, cJSON *parts, const cJSON *item,
                    const cJSON *section)
{
    char *s = cJSON_PrintUnformatted(parts);
    cJSON_Delete(parts);
    if (!s)
        return;
    if (ks->n == ks->cap) {
        size_t cap = ks->cap ? ks->cap * 2 : 64;
        tool_key *k = realloc(ks->k, cap * sizeof *k);
        if (!k) {
            free(s);
            return;
        }
        ks->k = k;
        ks->cap = cap;
    }
    ks->k[ks->n] = (tool_key){s, item, section, ks->n};
    ks->n++;
}

static void pick(cJSON *parts, const cJSON *o, const char *const *names)
{
    for (int i = 0; names[i]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, names[i]);
        cJSON_AddItemToArray(parts, v ? cJSON_Duplicate(v, 1)
                                      : cJSON_CreateNull());
    }
}

void tool_eval_collect(const cJSON *doc, tool_keys out[TOOL_F_COUNT])
{
    static const char *const sec_keys[] = {"id", "level", "marker", "heading",
                                           NULL};
    static const char *const asg_keys[] = {"lead", "responsible",
                                           "cooperating", "text", NULL};
    static const char *const dl_keys[] = {"text", "kind", "date", NULL};
    static const char *const tg_keys[] = {"text",  "value", "value_max",
                                          "unit",  "op",    "kind",
                                          "metric", NULL};
    static const char *const qt_keys[] = {"text", "value", "unit", "op",
                                          NULL};
    static const struct {
        int field;
        const char *array;
        const char *const *names;
    } items[] = {{TOOL_F_ASSIGNMENTS, "assignments", asg_keys},
                 {TOOL_F_DEADLINES, "deadlines", dl_keys},
                 {TOOL_F_TARGETS, "targets", tg_keys},
                 {TOOL_F_QUANTITIES, "quantities", qt_keys}};
    const cJSON *sec;
    cJSON_ArrayForEach(sec, cJSON_GetObjectItemCaseSensitive(doc, "sections"))
    {
        cJSON *p = cJSON_CreateArray();
        pick(p, sec, sec_keys);
        add_key(&out[TOOL_F_SECTIONS], p, sec, sec);
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(sec, "id");
        const cJSON *it;
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(sec, "items"))
        {
            cJSON *q = cJSON_CreateArray();
            cJSON_AddItemToArray(q, cJSON_Duplicate(id, 1));
            static const char *const item_keys[] = {"marker", NULL};
            pick(q, it, item_keys);
            const cJSON *span = cJSON_GetObjectItemCaseSensitive(it, "span");
            cJSON_AddItemToArray(
                q, cJSON_Duplicate(cJSON_GetArrayItem(span, 0), 1));
            add_key(&out[TOOL_F_ITEMS], q, it, sec);
        }
        for (size_t f = 0; f < sizeof items / sizeof items[0]; f++) {
            cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(
                                       sec, items[f].array))
            {
                cJSON *q = cJSON_CreateArray();
                cJSON_AddItemToArray(q, cJSON_Duplicate(id, 1));
                pick(q, it, items[f].names);
                add_key(&out[items[f].field], q, it, sec);
            }
        }
    }
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(doc, "document");
    const cJSON *m;
    cJSON_ArrayForEach(m, meta)
    {
        if (cJSON_IsNull(m))
            continue;
        if (cJSON_IsArray(m)) {
            const cJSON *e;
            cJSON_ArrayForEach(e, m)
            {
                cJSON *q = cJSON_CreateArray();
                cJSON_AddItemToArray(q, cJSON_CreateString(m->string));
                cJSON_AddItemToArray(q, cJSON_Duplicate(e, 1));
                add_key(&out[TOOL_F_METADATA], q, e, NULL);
            }
            continue;
        }
        cJSON *q = cJSON_CreateArray();
        cJSON_AddItemToArray(q, cJSON_CreateString(m->string));
        cJSON_AddItemToArray(q, cJSON_Duplicate(m, 1));
        add_key(&out[TOOL_F_METADATA], q, m, NULL);
    }
}

/* By key, then in document order, so duplicates pair up in order. */
static int cmp_key(const void *a, const void *b)
{
    const tool_key *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void tool_keys_sort(tool_keys *ks)
{
    if (ks->n > 1) /* k is NULL when empty, and qsort must not see NULL */
        qsort(ks->k, ks->n, sizeof *ks->k, cmp_key);
}

/* Multiset comparison of sorted key lists; prints the differences. */
static score compare(tool_keys *got, tool_keys *want, const char *doc,
                     const char *field, bool verbose)
{
    score s = {0, 0, 0};
    tool_keys_sort(got);
    tool_keys_sort(want);
    size_t i = 0, j = 0;
    while (i < got->n || j < want->n) {
        int c = i >= got->n ? 1 : j >= want->n ? -1
                                               : strcmp(got->k[i].key,
                                                        want->k[j].key);
        if (c == 0) {
            s.tp++;
            i++;
            j++;
        } else if (c < 0) {
            s.fp++;
            if (verbose)
                printf("  %s %s extra:   %s\n", doc, field, got->k[i].key);
            i++;
        } else {
            s.fn++;
            if (verbose)
                printf("  %s %s missing: %s\n", doc, field,
                       want->k[j].key);
            j++;
        }
    }
    return s;
}

void tool_keys_free(tool_keys *ks)
{
    for (size_t i = 0; i < ks->n; i++)
        free(ks->k[i].key);
    free(ks->k);
    memset(ks, 0, sizeof *ks);
}

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 1.0;
}

static void print_row(const char *name, const score *s)
{
    double p = ratio(s->tp, s->tp + s->fp), r = ratio(s->tp, s->tp + s->fn);
    double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
    printf("%-12s %6zu %6zu %6zu   %6.3f %6.3f %6.3f\n", name, s->tp, s->fp,
           s->fn, p, r, f);
}

int tool_eval(const tool_opts *o, const zc_rules *rules, const char *dir)
{
    size_t n = 0;
    char **names = tool_list_dir(dir, &n);
    if (!names) {
        fprintf(stderr, "zhengce: cannot open %s: %s\n", dir,
                strerror(errno));
        return EXIT_INPUT;
    }

    score total[TOOL_F_COUNT];
    memset(total, 0, sizeof total);
    int rc = EXIT_OK;
    size_t scored = 0;
    for (size_t i = 0; i < n; i++) {
        char txt[1024], exp[1024], err[256] = "";
        size_t l = strlen(names[i]);
        if (l < 5 || strcmp(names[i] + l - 4, ".txt"))
            continue; /* only notices; their expectations sit beside */
        size_t base = l - 4;
        snprintf(txt, sizeof txt, "%s/%s", dir, names[i]);
        snprintf(exp, sizeof exp, "%s/%.*s.expected.json", dir, (int)base,
                 names[i]);
        FILE *f = fopen(exp, "rb");
        if (!f)
            continue; /* not checked yet */
        char *buf = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&buf, &len);
        char chunk[65536];
        size_t k;
        while (mem && (k = fread(chunk, 1, sizeof chunk, f)) > 0)
            fwrite(chunk, 1, k, mem);
        fclose(f);
        if (mem)
            fclose(mem);
        cJSON *want = buf ? cJSON_ParseWithLength(buf, len) : NULL;
        free(buf);
        cJSON *got = tool_expectation(o, rules, txt, err, sizeof err);
        if (!want || !got) {
            fprintf(stderr, "zhengce: %s: %s\n", want ? txt : exp,
                    want ? err : "invalid JSON");
            cJSON_Delete(want);
            cJSON_Delete(got);
            rc = EXIT_INPUT;
            continue;
        }
        tool_keys kg[TOOL_F_COUNT], kw[TOOL_F_COUNT];
        memset(kg, 0, sizeof kg);
        memset(kw, 0, sizeof kw);
        tool_eval_collect(got, kg);
        tool_eval_collect(want, kw);
        score per[TOOL_F_COUNT];
        for (int fi = 0; fi < TOOL_F_COUNT; fi++) {
            score s = compare(&kg[fi], &kw[fi], names[i], tool_field_name[fi],
                              !o->quiet);
            per[fi] = s;
            total[fi].tp += s.tp;
            total[fi].fp += s.fp;
            total[fi].fn += s.fn;
            tool_keys_free(&kg[fi]);
            tool_keys_free(&kw[fi]);
        }
        /* one line per document: F1 of each field */
        printf("%-60.60s", names[i]);
        for (int fi = 0; fi < TOOL_F_COUNT; fi++) {
            double p = ratio(per[fi].tp, per[fi].tp + per[fi].fp);
            double r = ratio(per[fi].tp, per[fi].tp + per[fi].fn);
            printf(" %s=%.3f", tool_field_name[fi], p + r > 0 ? 2 * p * r / (p + r) : 0);
        }
        printf("\n");
        scored++;
        cJSON_Delete(want);
        cJSON_Delete(got);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    printf("\n%zu documents scored in %s\n\n", scored, dir);
    printf("%-12s %6s %6s %6s   %6s %6s %6s\n", "field", "tp", "fp", "fn",
           "P", "R", "F1");
    for (int fi = 0; fi < TOOL_F_COUNT; fi++)
        print_row(tool_field_name[fi], &total[fi]);
    return rc;
}
