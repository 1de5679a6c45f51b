/*
 * emit_json.c - the JSON renderer.  The only file that includes cJSON.
 *
 * Key order in a document object: schema, document, sections, source,
 * warnings, stats.  "source" comes last because its size and sha256 are
 * known only at the end of a streamed document.
 */
#include "extract_json.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* cJSON wants NUL-terminated strings; zc_str is not. */
static cJSON *str_json(zc_str s)
{
    if (!s.ptr)
        return cJSON_CreateNull();
    char stackbuf[256];
    char *tmp = s.len < sizeof stackbuf ? stackbuf : malloc(s.len + 1);
    if (!tmp)
        return NULL;
    memcpy(tmp, s.ptr, s.len);
    tmp[s.len] = '\0';
    cJSON *j = cJSON_CreateString(tmp);
    if (tmp != stackbuf)
        free(tmp);
    return j;
}

static cJSON *cstr_json(const char *s)
{
    return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *span_json(size_t a, size_t b)
{
    cJSON *arr = cJSON_CreateArray();
    cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)a));
    cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)b));
    return arr;
}

static cJSON *units_json(const zc_unit *u, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, str_json(u[i].name));
    return arr;
}

static void add_rule(cJSON *o, const char *rule, unsigned flags)
{
    if ((flags & ZC_JSON_EXPLAIN) && rule)
        cJSON_AddStringToObject(o, "rule", rule);
}

static cJSON *assignment_json(const zc_assignment *a, unsigned flags)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "lead", units_json(a->lead, a->n_lead));
    cJSON_AddItemToObject(o, "responsible",
                          units_json(a->responsible, a->n_responsible));
    cJSON_AddItemToObject(o, "cooperating",
                          units_json(a->cooperating, a->n_cooperating));
    cJSON_AddItemToObject(o, "text", str_json(a->text));
    cJSON_AddItemToObject(o, "span", span_json(a->span.start, a->span.end));
    cJSON_AddItemToObject(o, "covers",
                          span_json(a->covers.start, a->covers.end));
    add_rule(o, a->rule, flags);
    return o;
}

static cJSON *deadline_json(const zc_deadline *d, unsigned flags)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "text", str_json(d->text));
    cJSON_AddItemToObject(o, "date", cstr_json(d->date[0] ? d->date : NULL));
    if (d->date_from[0])
        cJSON_AddStringToObject(o, "date_from", d->date_from);
    cJSON_AddItemToObject(o, "kind", cstr_json(d->kind));
    if (d->amount_unit) {
        cJSON_AddNumberToObject(o, "amount", d->amount);
        cJSON_AddStringToObject(o, "amount_unit", d->amount_unit);
    }
    cJSON_AddItemToObject(o, "span", span_json(d->span.start, d->span.end));
    add_rule(o, d->rule, flags);
    return o;
}

static cJSON *target_json(const zc_target *t, unsigned flags)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "text", str_json(t->text));
    cJSON_AddNumberToObject(o, "value", t->value);
    if (t->value_max != t->value)
        cJSON_AddNumberToObject(o, "value_max", t->value_max);
    cJSON_AddItemToObject(o, "unit", cstr_json(t->unit));
    cJSON_AddItemToObject(o, "op", cstr_json(t->op));
    cJSON_AddItemToObject(o, "metric", t->metric.ptr ? str_json(t->metric)
                                                      : cJSON_CreateString(""));
    cJSON_AddItemToObject(o, "kind", cstr_json(t->kind));
    cJSON_AddItemToObject(o, "span", span_json(t->span.start, t->span.end));
    add_rule(o, t->rule, flags);
    return o;
}

static cJSON *quantity_json(const zc_quantity *q, unsigned flags)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "text", str_json(q->text));
    cJSON_AddNumberToObject(o, "value", q->value);
    cJSON_AddItemToObject(o, "unit", str_json(q->unit));
    cJSON_AddItemToObject(o, "op", cstr_json(q->op));
    cJSON_AddItemToObject(o, "span", span_json(q->span.start, q->span.end));
    add_rule(o, q->rule, flags);
    return o;
}

cJSON *zc_section_to_json(const zc_section *s, unsigned flags)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "id", s->id);
    if (s->parent)
        cJSON_AddStringToObject(o, "parent", s->parent);
    cJSON_AddNumberToObject(o, "level", s->level);
    if (s->level) {
        cJSON_AddNumberToObject(o, "number", s->number);
        cJSON_AddItemToObject(o, "marker", str_json(s->marker));
        cJSON_AddStringToObject(o, "style", s->style);
    }
    cJSON_AddItemToObject(o, "heading", str_json(s->heading));
    cJSON_AddItemToObject(o, "span", span_json(s->start, s->end));
    if (!(flags & ZC_JSON_NO_TEXT))
        cJSON_AddItemToObject(o, "text", str_json(s->text));
    if (s->truncated)
        cJSON_AddTrueToObject(o, "truncated");

    cJSON *items = cJSON_AddArrayToObject(o, "items");
    for (size_t i = 0; i < s->n_items; i++) {
        cJSON *it = cJSON_CreateObject();
        cJSON_AddItemToObject(it, "marker", str_json(s->items[i].marker));
        cJSON_AddNumberToObject(it, "number", s->items[i].number);
        cJSON_AddItemToObject(it, "span", span_json(s->items[i].span.start,
                                                    s->items[i].span.end));
        cJSON_AddItemToArray(items, it);
    }
    cJSON *a = cJSON_AddArrayToObject(o, "assignments");
    for (size_t i = 0; i < s->n_assignments; i++)
        cJSON_AddItemToArray(a, assignment_json(&s->assignments[i], flags));
    cJSON *d = cJSON_AddArrayToObject(o, "deadlines");
    for (size_t i = 0; i < s->n_deadlines; i++)
        cJSON_AddItemToArray(d, deadline_json(&s->deadlines[i], flags));
    cJSON *t = cJSON_AddArrayToObject(o, "targets");
    for (size_t i = 0; i < s->n_targets; i++)
        cJSON_AddItemToArray(t, target_json(&s->targets[i], flags));
    cJSON *q = cJSON_AddArrayToObject(o, "quantities");
    for (size_t i = 0; i < s->n_quantities; i++)
        cJSON_AddItemToArray(q, quantity_json(&s->quantities[i], flags));
    return o;
}

cJSON *zc_document_to_json(const zc_document *d)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddItemToObject(o, "title", cstr_json(d->title));
    cJSON_AddItemToObject(o, "wrapper_title", cstr_json(d->wrapper_title));
    cJSON_AddItemToObject(o, "doc_number", cstr_json(d->doc_number));
    cJSON_AddItemToObject(o, "index_number", cstr_json(d->index_number));
    cJSON_AddItemToObject(o, "issuer", cstr_json(d->issuer));
    cJSON_AddItemToObject(o, "issue_date", cstr_json(d->issue_date));
    cJSON_AddItemToObject(o, "publish_date", cstr_json(d->publish_date));
    cJSON *r = cJSON_AddArrayToObject(o, "recipients");
    for (size_t i = 0; i < d->n_recipients; i++)
        cJSON_AddItemToArray(r, cJSON_CreateString(d->recipients[i]));
    if (d->year)
        cJSON_AddNumberToObject(o, "year", d->year);
    else
        cJSON_AddNullToObject(o, "year");
    return o;
}

/* ---- the writer -------------------------------------------------------- */

struct zc_json_writer {
    FILE *out;
    unsigned flags;
    char *path, *format;
    bool head_written;   /* compact mode: "{…,"sections":[" is out */
    size_t n_sections;
    cJSON *doc;          /* pretty mode: the whole object             */
    cJSON *sections;     /* pretty mode: its "sections" array         */
    cJSON *document;     /* the "document" record, once known         */
    cJSON *warnings;
    bool io_error;
};

zc_json_writer *zc_json_writer_new(FILE *out, unsigned flags)
{
    zc_json_writer *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->out = out;
    w->flags = flags;
    return w;
}

static void clear_doc(zc_json_writer *w)
{
    free(w->path);
    free(w->format);
    w->path = w->format = NULL;
    cJSON_Delete(w->doc);
    cJSON_Delete(w->document);
    cJSON_Delete(w->warnings);
    w->doc = w->sections = w->document = w->warnings = NULL;
    w->head_written = false;
    w->n_sections = 0;
}

void zc_json_writer_free(zc_json_writer *w)
{
    if (!w)
        return;
    clear_doc(w);
    free(w);
}

static char *dup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

zc_status zc_json_writer_begin(zc_json_writer *w, const char *path,
                               const char *format)
{
    clear_doc(w);
    w->path = dup(path);
    w->format = dup(format ? format : "text");
    w->warnings = cJSON_CreateArray();
    if ((path && !w->path) || !w->format || !w->warnings)
        return ZC_ERR_NOMEM;
    return ZC_OK;
}

static void put(zc_json_writer *w, const char *s)
{
    if (fputs(s, w->out) == EOF)
        w->io_error = true;
}

static void put_json(zc_json_writer *w, const cJSON *j)
{
    char *s = cJSON_PrintUnformatted(j);
    if (!s) {
        w->io_error = true;
        return;
    }
    put(w, s);
    free(s);
}

static void write_head(zc_json_writer *w)
{
    if (w->head_written)
        return;
    w->head_written = true;
    if (!w->document)
        w->document = cJSON_CreateNull();
    if (w->flags & ZC_JSON_PRETTY) {
        w->doc = cJSON_CreateObject();
        cJSON_AddStringToObject(w->doc, "schema", "zhengce/1");
        cJSON_AddItemToObject(w->doc, "document", w->document);
        w->document = NULL;
        w->sections = cJSON_AddArrayToObject(w->doc, "sections");
        return;
    }
    put(w, "{\"schema\":\"zhengce/1\",\"document\":");
    put_json(w, w->document);
    put(w, ",\"sections\":[");
}

static int on_document(const zc_document *d, void *ud)
{
    zc_json_writer *w = ud;
    cJSON_Delete(w->document);
    w->document = zc_document_to_json(d);
    write_head(w);
    return w->io_error;
}

static int on_section(const zc_section *s, void *ud)
{
    zc_json_writer *w = ud;
    write_head(w);
    cJSON *j = zc_section_to_json(s, w->flags);
    if (!j)
        return 1;
    if (w->flags & ZC_JSON_PRETTY) {
        cJSON_AddItemToArray(w->sections, j);
    } else {
        if (w->n_sections)
            put(w, ",");
        put_json(w, j);
        cJSON_Delete(j);
    }
    w->n_sections++;
    return w->io_error;
}

static int on_warning(const zc_warning *x, void *ud)
{
    zc_json_writer *w = ud;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "code", x->code);
    cJSON_AddNumberToObject(o, "offset", (double)x->offset);
    cJSON_AddStringToObject(o, "message", x->message);
    cJSON_AddItemToArray(w->warnings, o);
    return 0;
}

void zc_json_writer_callbacks(zc_json_writer *w, zc_callbacks *cb)
{
    cb->document = on_document;
    cb->section = on_section;
    cb->warning = on_warning;
    cb->ud = w;
}

zc_status zc_json_writer_end(zc_json_writer *w, const zc_parser *p,
                             const char *error)
{
    write_head(w);
    cJSON *src = cJSON_CreateObject();
    cJSON_AddItemToObject(src, "path", cstr_json(w->path));
    zc_stats st;
    zc_parser_stats(p, &st);
    char sha[65];
    zc_parser_sha256(p, sha);
    cJSON_AddNumberToObject(src, "bytes", (double)st.input_bytes);
    cJSON_AddStringToObject(src, "sha256", sha);
    cJSON_AddStringToObject(src, "encoding", zc_parser_encoding(p));
    cJSON_AddStringToObject(src, "format", w->format);
    cJSON *stats = cJSON_CreateObject();
    cJSON_AddNumberToObject(stats, "decoded_bytes", (double)st.decoded_bytes);
    cJSON_AddNumberToObject(stats, "replacements", (double)st.replacements);
    cJSON_AddNumberToObject(stats, "sections", (double)st.sections);
    cJSON_AddNumberToObject(stats, "warnings", (double)st.warnings);

    if (w->flags & ZC_JSON_PRETTY) {
        cJSON_AddItemToObject(w->doc, "source", src);
        cJSON_AddItemToObject(w->doc, "warnings", w->warnings);
        w->warnings = NULL;
        cJSON_AddItemToObject(w->doc, "stats", stats);
        if (error)
            cJSON_AddStringToObject(w->doc, "error", error);
        char *s = cJSON_Print(w->doc);
        if (s) {
            put(w, s);
            put(w, "\n");
            free(s);
        } else {
            w->io_error = true;
        }
    } else {
        put(w, "],\"source\":");
        put_json(w, src);
        put(w, ",\"warnings\":");
        put_json(w, w->warnings);
        put(w, ",\"stats\":");
        put_json(w, stats);
        if (error) {
            cJSON *e = cJSON_CreateString(error);
            put(w, ",\"error\":");
            put_json(w, e);
            cJSON_Delete(e);
        }
        put(w, "}\n");
        cJSON_Delete(src);
    }
    if (w->flags & ZC_JSON_PRETTY)
        stats = NULL;
    cJSON_Delete(stats);
    clear_doc(w);
    if (fflush(w->out) == EOF)
        w->io_error = true;
    bool bad = w->io_error;
    w->io_error = false;
    return bad ? ZC_ERR_IO : ZC_OK;
}
