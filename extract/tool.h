/*
 * tool.h - the zhengce command's own pieces (not the library).  Like
 * curl's src/tool_*.c, the command is split by job: main.c parses the
 * command line, tool_batch.c converts many files in parallel, tool_filter.c
 * is the JSON Lines filter for cluster engines, tool_db.c writes SQLite and
 * CSV, tool_corpus.c adds notices to the corpus.  All of them use the
 * library through extract.h and extract_json.h only.
 */
#ifndef ZHENGCE_TOOL_H
#define ZHENGCE_TOOL_H

#include "extract.h"
#include "extract_json.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

/* Exit codes, as documented in --help and README. */
enum {
    EXIT_OK = 0,    /* every document converted                      */
    EXIT_INPUT = 1, /* some document could not be read or written    */
    EXIT_USAGE = 2, /* bad command line or a broken rule file        */
    EXIT_LIMIT = 3, /* a document hit a hard limit                   */
    EXIT_INTERRUPTED = 130 /* stopped by SIGINT/SIGTERM; nothing half-written */
};

typedef struct tool_opts {
    const char *outdir;     /* -o DIR                                   */
    const char *sqlite;     /* --sqlite FILE                            */
    const char *csvdir;     /* --csv DIR                                */
    const char *rules_dir;
    bool no_rules, quiet, force, progress;
    unsigned json_flags;
    size_t chunk;
    unsigned jobs;
    zc_options opt;
    /* --filter field names */
    const char *id_field, *url_field, *text_field, *html_field;
} tool_opts;

/* Set by the SIGINT/SIGTERM handler; every loop checks it. */
extern volatile sig_atomic_t tool_interrupted;
void tool_install_signals(void);

/* Per-document counts for the summary line. */
typedef struct tool_summary {
    size_t sections, assignments, deadlines, targets, quantities, warnings;
    size_t bytes;
} tool_summary;

/* A converter: one parser (reused from document to document, so its
 * memory is reused too) and a read buffer.  One per thread. */
typedef struct tool_worker tool_worker;
tool_worker *tool_worker_new(const tool_opts *o, const zc_rules *rules);
void tool_worker_free(tool_worker *w);

/* Read the next document converted as `format` ("text", "html"), as
 * --filter does for a record's "html" field; one document only.
 * Without a hint, a name ending in .html/.htm/.shtml/.xhtml is read as
 * HTML unless --format says otherwise. */
void tool_worker_hint_format(tool_worker *w, const char *format);

/* Whether `path` names a saved web page (.html .htm .shtml .xhtml), which
 * is read as HTML unless --format says otherwise (zhengce review too). */
bool tool_html_name(const char *path);

/* Convert the stream `in` and write its JSON object to `out`.  `path`
 * names the source in the output (NULL: stdin).  Returns an exit code;
 * on failure `err` gets a one-line reason (the JSON object is still
 * complete, with an "error" member).  Stops early with EXIT_INTERRUPTED
 * when tool_interrupted is set. */
int tool_worker_convert(tool_worker *w, FILE *in, const char *path, FILE *out,
                        tool_summary *sum, char *err, size_t errlen);

/* The same for a file descriptor, read with read(2) into the worker's
 * buffer (no FILE per document; the batch path for regular files). */
int tool_worker_convert_fd(tool_worker *w, int fd, const char *path,
                           FILE *out, tool_summary *sum, char *err,
                           size_t errlen);

/* Convert FILE/DIR arguments: directories are walked recursively.
 * Returns the exit code for the whole run. */
int tool_batch(const tool_opts *o, const zc_rules *rules, char **args,
               size_t n_args);

/* JSON Lines filter on stdin/stdout (zhengce --filter). */
int tool_filter(const tool_opts *o, const zc_rules *rules);

/* One --filter record: `line` (len bytes, without its line break) in,
 * exactly one JSON line out to `out` - the document with the record's id
 * and url in front, or {"id":…,"error":…}.  `w` is a worker made with
 * `o`, whose json_flags must not ask for --pretty.  Returns EXIT_OK, or
 * EXIT_INPUT for an empty or oversized record.  (tool_filter's loop body,
 * and the seam tests/fuzz/fuzz_filter.c drives.) */
int tool_filter_record(const tool_opts *o, tool_worker *w, const char *line,
                       size_t len, FILE *out);

/* Database output: a sink fed one finished document (as parsed JSON) at a
 * time, in input order. */
typedef struct tool_db tool_db;
tool_db *tool_db_open(const tool_opts *o, char *err, size_t errlen);
int tool_db_add(tool_db *db, const cJSON *doc, char *err, size_t errlen);
int tool_db_close(tool_db *db, char *err, size_t errlen);

/* zhengce corpus add [--source URL] FILE...: copy notices into the corpus
 * directory ($ZHENGCE_CORPUS or ./corpus), record where they came from in
 * SOURCES.tsv, and write a draft NAME.expected.json for a person to check. */
int tool_corpus(const tool_opts *o, const zc_rules *rules, const char *source,
                int argc, char **argv);

/* Convert `path` into the expectation form: the output's "document",
 * "sections" (without text) and "warnings".  Caller frees with
 * cJSON_Delete.  NULL on failure, with a reason in err. */
cJSON *tool_expectation(const tool_opts *o, const zc_rules *rules,
                        const char *path, char *err, size_t errlen);

/* zhengce eval [DIR]: precision, recall and F1 per field against every
 * DIR/NAME.expected.json. */
int tool_eval(const tool_opts *o, const zc_rules *rules, const char *dir);

/* How eval compares, shared with the review page so the two never drift:
 * a document (output or expectation) is reduced to one key per thing per
 * field, a JSON array of the compared values; equal keys match as a
 * multiset.  `item` and `section` point into the document (section is NULL
 * for metadata), `seq` is the document order. */
enum { TOOL_F_SECTIONS, TOOL_F_ITEMS, TOOL_F_METADATA, TOOL_F_ASSIGNMENTS,
       TOOL_F_DEADLINES, TOOL_F_TARGETS, TOOL_F_QUANTITIES, TOOL_F_COUNT };
extern const char *const tool_field_name[TOOL_F_COUNT];
typedef struct tool_key {
    char *key;
    const cJSON *item, *section;
    size_t seq;
} tool_key;
typedef struct tool_keys {
    tool_key *k;
    size_t n, cap;
} tool_keys;
void tool_eval_collect(const cJSON *doc, tool_keys out[TOOL_F_COUNT]);
void tool_keys_sort(tool_keys *ks); /* by key, then document order */
void tool_keys_free(tool_keys *ks);

/* zhengce review [--expected FILE] NOTICE: one self-contained HTML page
 * with every extracted item highlighted in the text (tool_review.c). */
int tool_review(const tool_opts *o, const zc_rules *rules,
                const char *expected, char **files, size_t n_files);

/* The names in `dir`, hidden ones (.x) left out, sorted; NULL with
 * errno set when it cannot be read.  Free each name and the array. */
char **tool_list_dir(const char *dir, size_t *n);

/* mkdir(2) that is happy when the directory exists. */
bool mkdir_if_missing(const char *path);

#endif
