/*
 * extract_json.h - zhengce results as JSON (the "zhengce/1" schema in
 * schema/zhengce.schema.json).  The only public header that mentions
 * cJSON.
 *
 * Two ways in:
 *
 *   - zc_section_to_json() / zc_document_to_json() turn one record into a
 *     cJSON tree that the caller owns and frees with cJSON_Delete().
 *
 *   - A zc_json_writer writes whole documents to a FILE*: one JSON object
 *     per document, each on its own line (JSON Lines) unless
 *     ZC_JSON_PRETTY is set.  Compact output is streamed section by
 *     section, so memory does not grow with the document.
 *
 *       zc_json_writer *w = zc_json_writer_new(stdout, 0);
 *       zc_callbacks cb;
 *       zc_json_writer_callbacks(w, &cb);
 *       zc_parser *p = zc_parser_new(rules, NULL, &cb);
 *       zc_json_writer_begin(w, "notice.txt", "text");
 *       ... zc_parser_feed(p, buf, n) ... zc_parser_finish(p);
 *       zc_json_writer_end(w, p, NULL);
 */
#ifndef ZHENGCE_EXTRACT_JSON_H
#define ZHENGCE_EXTRACT_JSON_H

#include "extract.h"

#include <cjson/cJSON.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    ZC_JSON_PRETTY = 1 << 0,  /* indented, one document per object       */
    ZC_JSON_EXPLAIN = 1 << 1, /* add "rule" (file:line) to every item    */
    ZC_JSON_NO_TEXT = 1 << 2  /* leave section "text" out                */
};

/* A section as a JSON object (fields documented in schema/).  The caller
 * owns the result; NULL when memory runs out. */
cJSON *zc_section_to_json(const zc_section *s, unsigned flags);

/* The document record ("document" in the output). */
cJSON *zc_document_to_json(const zc_document *d);

typedef struct zc_json_writer zc_json_writer;

/* A writer over `out`, which must stay open while the writer is used. */
zc_json_writer *zc_json_writer_new(FILE *out, unsigned flags);

/* Callbacks that route a parser's output into the writer; pass them to
 * zc_parser_new().  One writer serves one parser at a time.  The text of
 * the sections and items they receive is taken to be valid UTF-8, as a
 * parser guarantees, and written without a check: sections built by
 * hand go through zc_section_to_json(), which replaces bad bytes. */
void zc_json_writer_callbacks(zc_json_writer *w, zc_callbacks *cb);

/* Start a document.  `path` goes into "source"; it may be NULL.
 * `format` is ignored and kept for source compatibility: "source.format"
 * is what the parser found, zc_parser_format(), read at
 * zc_json_writer_end(). */
zc_status zc_json_writer_begin(zc_json_writer *w, const char *path,
                               const char *format);

/* Finish the document begun last: write "source" (bytes, sha256,
 * encoding and format taken from the parser), the warnings and the
 * statistics.  If `error` is not NULL the document failed part-way: the
 * object is still closed properly and carries "error": error.  Returns ZC_ERR_IO when the
 * stream failed. */
zc_status zc_json_writer_end(zc_json_writer *w, const zc_parser *p,
                             const char *error);

void zc_json_writer_free(zc_json_writer *w);

#ifdef __cplusplus
}
#endif

#endif
