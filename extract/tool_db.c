/*
 * tool_db.c - database output: SQLite (--sqlite FILE) and CSV (--csv DIR).
 *
 * Both write the tables of schema/zhengce.sql, row by row, from each
 * finished document's JSON, in input order.  SQLite: every value is a
 * bound parameter (never spliced into SQL), a document's old rows are
 * replaced (keyed by its sha256), and documents are committed in
 * transactions of BATCH documents, so loading is fast and a crash loses at
 * most the open transaction.  CSV: RFC 4180, one file per table, for
 * PostgreSQL's COPY … WITH (FORMAT csv, HEADER) or a spreadsheet.
 */
#include "tool.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "schema_sql.h" /* zc_schema_sql: schema/zhengce.sql, generated */

#define BATCH 500

typedef enum { T_DOCUMENTS, T_SECTIONS, T_ASSIGNMENTS, T_UNITS, T_DEADLINES,
               T_TARGETS, T_QUANTITIES, T_COUNT } table_id;

static const char *const table_name[T_COUNT] = {
    "documents", "sections", "assignments", "assignment_units",
    "deadlines", "targets", "quantities"};

/* Columns in schema order; must match schema/zhengce.sql. */
static const char *const columns[T_COUNT][20] = {
    {"doc_id", "sha256", "path", "bytes", "encoding", "format", "title",
     "wrapper_title", "doc_number", "index_number", "issuer", "issue_date",
     "publish_date", "year", "recipients", "n_sections", "n_warnings",
     "error", NULL},
    {"doc_id", "section_id", "parent_id", "level", "number", "marker",
     "style", "heading", "span_start", "span_end", "text", NULL},
    {"assignment_id", "doc_id", "section_id", "text", "span_start",
     "span_end", "covers_start", "covers_end", NULL},
    {"assignment_id", "role", "position", "unit", NULL},
    {"doc_id", "section_id", "text", "kind", "date", "date_from", "amount",
     "amount_unit", "span_start", "span_end", NULL},
    {"doc_id", "section_id", "text", "value", "value_max", "unit", "op",
     "metric", "kind", "span_start", "span_end", NULL},
    {"doc_id", "section_id", "text", "value", "unit", "op", "span_start",
     "span_end", NULL},
};

typedef struct val {
    enum { V_NULL, V_INT, V_REAL, V_TEXT } t;
    long long i;
    double d;
    const char *s;
} val;

struct tool_db {
    sqlite3 *db;
    sqlite3_stmt *ins[T_COUNT];
    sqlite3_stmt *del;
    FILE *csv[T_COUNT];
    long long next_doc, next_assignment;
    unsigned in_txn;
};

/* ---- values out of the JSON ------------------------------------------------ */

static val v_json(const cJSON *j)
{
    val v = {V_NULL, 0, 0, NULL};
    if (cJSON_IsString(j)) {
        v.t = V_TEXT;
        v.s = j->valuestring;
    } else if (cJSON_IsNumber(j)) {
        double d = j->valuedouble;
        /* in range first: a double beyond long long's range converted to
         * it is undefined behaviour (a rule with scale: 1e30) */
        if (fabs(d) < 9e18 && d == (double)(long long)d) {
            v.t = V_INT;
            v.i = (long long)d;
        } else {
            v.t = V_REAL;
            v.d = d;
        }
    } else if (cJSON_IsBool(j)) {
        v.t = V_INT;
        v.i = cJSON_IsTrue(j);
    }
    return v;
}

static val v_get(const cJSON *o, const char *key)
{
    return v_json(cJSON_GetObjectItemCaseSensitive(o, key));
}

static val v_int(long long i)
{
    val v = {V_INT, i, 0, NULL};
    return v;
}

static val v_text(const char *s)
{
    val v = {s ? V_TEXT : V_NULL, 0, 0, s};
    return v;
}

static val v_span(const cJSON *o, const char *key, int idx)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key);
    return v_json(cJSON_GetArrayItem(a, idx));
}

/* ---- rows ------------------------------------------------------------------------ */

static void csv_field(FILE *f, const val *v)
{
    switch (v->t) {
    case V_NULL:
        break;
    case V_INT:
        fprintf(f, "%lld", v->i);
        break;
    case V_REAL:
        fprintf(f, "%.17g", v->d);
        break;
    case V_TEXT:
        fputc('"', f);
        for (const char *p = v->s; *p; p++) {
            if (*p == '"')
                fputc('"', f);
            fputc(*p, f);
        }
        fputc('"', f);
        break;
    }
}

static int put_row(tool_db *d, table_id t, const val *v, size_t n,
                   char *err, size_t errlen)
{
    if (d->csv[t]) {
        for (size_t i = 0; i < n; i++) {
            if (i)
                fputc(',', d->csv[t]);
            csv_field(d->csv[t], &v[i]);
        }
        fputs("\r\n", d->csv[t]);
        if (ferror(d->csv[t])) {
            snprintf(err, errlen, "cannot write %s.csv: %s", table_name[t],
                     strerror(errno));
            return EXIT_INPUT;
        }
    }
    if (d->db) {
        sqlite3_stmt *st = d->ins[t];
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        for (size_t i = 0; i < n; i++) {
            int c = (int)i + 1;
            switch (v[i].t) {
            case V_NULL: sqlite3_bind_null(st, c); break;
            case V_INT: sqlite3_bind_int64(st, c, v[i].i); break;
            case V_REAL: sqlite3_bind_double(st, c, v[i].d); break;
            case V_TEXT:
                sqlite3_bind_text(st, c, v[i].s, -1, SQLITE_TRANSIENT);
                break;
            }
        }
        if (sqlite3_step(st) != SQLITE_DONE) {
            snprintf(err, errlen, "%s: %s", table_name[t],
                     sqlite3_errmsg(d->db));
            return EXIT_INPUT;
        }
    }
    return EXIT_OK;
}

#define ROW(d, t, err, errlen, ...)                                            \
    do {                                                                       \
        const val row_[] = {__VA_ARGS__};                                      \
        int r_ = put_row((d), (t), row_, sizeof row_ / sizeof row_[0], (err),  \
                         (errlen));                                            \
        if (r_ != EXIT_OK)                                                     \
            return r_;                                                         \
    } while (0)

/* ---- open / add / close -------------------------------------------------------- */

static bool exec(tool_db *d, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(d->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: %s", msg ? msg : "error");
        sqlite3_free(msg);
        return false;
    }
    return true;
}

static char *join_lines(const char *const *lines)
{
    size_t n = 1;
    for (int i = 0; lines[i]; i++)
        n += strlen(lines[i]);
    char *s = malloc(n), *p = s;
    for (int i = 0; s && lines[i]; i++) {
        size_t l = strlen(lines[i]);
        memcpy(p, lines[i], l);
        p += l;
    }
    if (s)
        *p = '\0';
    return s;
}

static long long max_id(tool_db *d, const char *sql)
{
    sqlite3_stmt *st;
    long long v = 0;
    if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

tool_db *tool_db_open(const tool_opts *o, char *err, size_t errlen)
{
    tool_db *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    d->next_doc = d->next_assignment = 1;
    if (o->csvdir) {
        struct stat st;
        if (stat(o->csvdir, &st) != 0 && mkdir(o->csvdir, 0777) != 0) {
            snprintf(err, errlen, "cannot create %s: %s", o->csvdir,
                     strerror(errno));
            goto fail;
        }
        for (int t = 0; t < T_COUNT; t++) {
            size_t l = strlen(o->csvdir) + 32;
            char *p = malloc(l);
            if (!p)
                goto fail;
            snprintf(p, l, "%s/%s.csv", o->csvdir, table_name[t]);
            d->csv[t] = fopen(p, "wb");
            if (!d->csv[t]) {
                snprintf(err, errlen, "cannot write %s: %s", p,
                         strerror(errno));
                free(p);
                goto fail;
            }
            free(p);
            for (int c = 0; columns[t][c]; c++)
                fprintf(d->csv[t], "%s%s", c ? "," : "", columns[t][c]);
            fputs("\r\n", d->csv[t]);
        }
    }
    if (o->sqlite) {
        if (sqlite3_open_v2(o->sqlite, &d->db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                            NULL) != SQLITE_OK) {
            snprintf(err, errlen, "cannot open %s: %s", o->sqlite,
                     d->db ? sqlite3_errmsg(d->db) : "out of memory");
            goto fail;
        }
        sqlite3_busy_timeout(d->db, 5000);
        char *schema = join_lines(zc_schema_sql);
        bool ok = schema && exec(d, schema, err, errlen);
        free(schema);
        if (!ok ||
            !exec(d, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                  err, errlen))
            goto fail;
        for (int t = 0; t < T_COUNT; t++) {
            char sql[1024];
            int k = snprintf(sql, sizeof sql, "INSERT INTO %s VALUES (",
                             table_name[t]);
            for (int c = 0; columns[t][c]; c++)
                k += snprintf(sql + k, sizeof sql - (size_t)k, "%s?",
                              c ? "," : "");
            snprintf(sql + k, sizeof sql - (size_t)k, ")");
            if (sqlite3_prepare_v2(d->db, sql, -1, &d->ins[t], NULL) !=
                SQLITE_OK) {
                snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(d->db));
                goto fail;
            }
        }
        if (sqlite3_prepare_v2(d->db,
                               "DELETE FROM documents WHERE sha256 = ?", -1,
                               &d->del, NULL) != SQLITE_OK) {
            snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(d->db));
            goto fail;
        }
        d->next_doc = max_id(d, "SELECT COALESCE(MAX(doc_id),0) FROM documents") + 1;
        d->next_assignment =
            max_id(d, "SELECT COALESCE(MAX(assignment_id),0) FROM assignments") + 1;
    }
    return d;
fail:
    tool_db_close(d, err + strlen(err), errlen - strlen(err));
    return NULL;
}

static int add_items(tool_db *d, long long doc_id, const cJSON *sec,
                     char *err, size_t errlen)
{
    const char *sid = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(sec, "id"));
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(sec,
                                                            "assignments"))
    {
        long long aid = d->next_assignment++;
        ROW(d, T_ASSIGNMENTS, err, errlen, v_int(aid), v_int(doc_id),
            v_text(sid), v_get(it, "text"), v_span(it, "span", 0),
            v_span(it, "span", 1), v_span(it, "covers", 0),
            v_span(it, "covers", 1));
        static const char *const roles[] = {"lead", "responsible",
                                            "cooperating"};
        for (int r = 0; r < 3; r++) {
            long long pos = 0;
            const cJSON *u;
            cJSON_ArrayForEach(u,
                               cJSON_GetObjectItemCaseSensitive(it, roles[r]))
                ROW(d, T_UNITS, err, errlen, v_int(aid), v_text(roles[r]),
                    v_int(pos++), v_json(u));
        }
    }
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(sec, "deadlines"))
        ROW(d, T_DEADLINES, err, errlen, v_int(doc_id), v_text(sid),
            v_get(it, "text"), v_get(it, "kind"), v_get(it, "date"),
            v_get(it, "date_from"), v_get(it, "amount"),
            v_get(it, "amount_unit"), v_span(it, "span", 0),
            v_span(it, "span", 1));
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(sec, "targets"))
    {
        val vmax = v_get(it, "value_max");
        ROW(d, T_TARGETS, err, errlen, v_int(doc_id), v_text(sid),
            v_get(it, "text"), v_get(it, "value"),
            vmax.t == V_NULL ? v_get(it, "value") : vmax, v_get(it, "unit"),
            v_get(it, "op"), v_get(it, "metric"), v_get(it, "kind"),
            v_span(it, "span", 0), v_span(it, "span", 1));
    }
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(sec, "quantities"))
        ROW(d, T_QUANTITIES, err, errlen, v_int(doc_id), v_text(sid),
            v_get(it, "text"), v_get(it, "value"), v_get(it, "unit"),
            v_get(it, "op"), v_span(it, "span", 0), v_span(it, "span", 1));
    return EXIT_OK;
}

static int add_document(tool_db *d, const cJSON *doc, char *err,
                        size_t errlen)
{
    const cJSON *src = cJSON_GetObjectItemCaseSensitive(doc, "source");
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(doc, "document");
    const cJSON *secs = cJSON_GetObjectItemCaseSensitive(doc, "sections");
    const char *sha = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(src, "sha256"));
    if (!sha) {
        snprintf(err, errlen, "document without source.sha256");
        return EXIT_INPUT;
    }
    if (d->db) {
        sqlite3_reset(d->del);
        sqlite3_bind_text(d->del, 1, sha, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(d->del) != SQLITE_DONE) {
            snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(d->db));
            return EXIT_INPUT;
        }
    }
    long long doc_id = d->next_doc++;
    char *recipients = cJSON_PrintUnformatted(
        cJSON_GetObjectItemCaseSensitive(meta, "recipients"));
    const cJSON *warn = cJSON_GetObjectItemCaseSensitive(doc, "warnings");
    const val row[] = {
        v_int(doc_id), v_text(sha), v_get(src, "path"), v_get(src, "bytes"),
        v_get(src, "encoding"), v_get(src, "format"), v_get(meta, "title"),
        v_get(meta, "wrapper_title"), v_get(meta, "doc_number"),
        v_get(meta, "index_number"), v_get(meta, "issuer"),
        v_get(meta, "issue_date"), v_get(meta, "publish_date"),
        v_get(meta, "year"), v_text(recipients),
        v_int(cJSON_GetArraySize(secs)), v_int(cJSON_GetArraySize(warn)),
        v_get(doc, "error")};
    int r = put_row(d, T_DOCUMENTS, row, sizeof row / sizeof row[0], err,
                    errlen);
    free(recipients);
    if (r != EXIT_OK)
        return r;
    const cJSON *sec;
    cJSON_ArrayForEach(sec, secs)
    {
        ROW(d, T_SECTIONS, err, errlen, v_int(doc_id), v_get(sec, "id"),
            v_get(sec, "parent"), v_get(sec, "level"), v_get(sec, "number"),
            v_get(sec, "marker"), v_get(sec, "style"), v_get(sec, "heading"),
            v_span(sec, "span", 0), v_span(sec, "span", 1),
            v_get(sec, "text"));
    }
    cJSON_ArrayForEach(sec, secs)
    {
        int ri = add_items(d, doc_id, sec, err, errlen);
        if (ri != EXIT_OK)
            return ri;
    }
    return EXIT_OK;
}

int tool_db_add(tool_db *d, const cJSON *doc, char *err, size_t errlen)
{
    if (d->db && d->in_txn == 0 && !exec(d, "BEGIN", err, errlen))
        return EXIT_INPUT;
    if (d->db && !exec(d, "SAVEPOINT doc", err, errlen))
        return EXIT_INPUT;
    int r = add_document(d, doc, err, errlen);
    if (d->db) {
        /* a document goes in whole or not at all */
        char e2[128];
        if (r != EXIT_OK)
            exec(d, "ROLLBACK TO doc", e2, sizeof e2);
        exec(d, "RELEASE doc", e2, sizeof e2);
        if (++d->in_txn >= BATCH) {
            d->in_txn = 0;
            if (!exec(d, "COMMIT", err, errlen))
                return EXIT_INPUT;
        }
    }
    return r;
}

int tool_db_close(tool_db *d, char *err, size_t errlen)
{
    int rc = EXIT_OK;
    if (!d)
        return rc;
    if (d->db) {
        if (d->in_txn && !exec(d, "COMMIT", err, errlen))
            rc = EXIT_INPUT;
        for (int t = 0; t < T_COUNT; t++)
            sqlite3_finalize(d->ins[t]);
        sqlite3_finalize(d->del);
        if (sqlite3_close(d->db) != SQLITE_OK && rc == EXIT_OK) {
            snprintf(err, errlen, "cannot close the database");
            rc = EXIT_INPUT;
        }
    }
    for (int t = 0; t < T_COUNT; t++)
        if (d->csv[t] && fclose(d->csv[t]) != 0 && rc == EXIT_OK) {
            snprintf(err, errlen, "cannot write %s.csv: %s", table_name[t],
                     strerror(errno));
            rc = EXIT_INPUT;
        }
    free(d);
    return rc;
}
