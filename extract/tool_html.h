/*
 * tool_html.h - the parts of HTML output that must be exactly right, kept
 * apart from the page layout (tool_review.c) so that a unit test can check
 * them without a browser:
 *
 *   - escaping text for element content and attribute values,
 *   - embedding JSON in a <script> element,
 *   - laying possibly overlapping ranges ("marks") over a text so that the
 *     elements nest properly.
 *
 * Every writer here goes to a FILE* and never fails part-way on its own:
 * callers check ferror() once at the end, as they would with fputs.
 */
#ifndef ZHENGCE_TOOL_HTML_H
#define ZHENGCE_TOOL_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Write `len` bytes of `s` with & < > " ' replaced by character
 * references: safe in element content and in quoted attribute values. */
void html_escape(FILE *out, const char *s, size_t len);

/* The same for a NUL-terminated string; NULL writes nothing. */
void html_escape_str(FILE *out, const char *s);

/* Write the JSON text `json` so that it can sit inside
 * <script type="application/json">…</script> and still parse with
 * JSON.parse(): < > & become \u003c \u003e \u0026 (so neither </script
 * nor <!-- can end or confuse the element), and U+2028 / U+2029 become
 * \u2028 / \u2029 (line terminators to older JavaScript parsers).  These
 * characters only occur inside JSON strings, where the escapes mean the
 * same thing. */
void html_script_json(FILE *out, const char *json);

/* ---- marks over a text --------------------------------------------------
 *
 * A mark is a half-open byte range [start, end) of a UTF-8 text that
 * becomes one <span> element around that part of the text.  Marks may
 * nest and may cross.  Crossing ranges cannot both be single elements in
 * HTML, so when an outer element has to close while an inner one is still
 * open, the inner one is closed with it and reopened right after as a
 * *continuation*: the opener is called again with `cont` set, and should
 * write an element that looks the same but does not count as another
 * item (no id).  Every mark therefore has exactly one first element.
 *
 * Ranges are clamped to the text and widened to whole UTF-8 characters.
 * An empty range gives an empty element at its place (an anchor).  Where
 * ranges start together, empty ones come first, then longer before
 * shorter, then lower `rank` before higher (outermost first), then the
 * order they were added in.
 */
typedef struct html_mark {
    size_t start, end;
    int rank;
    size_t tag; /* the caller's reference, handed back to the opener */
    size_t seq; /* order of addition */
} html_mark;

typedef struct html_marks {
    html_mark *v;
    size_t n, cap;
} html_marks;

/* Add a mark.  Returns false when memory runs out. */
bool html_marks_add(html_marks *m, size_t start, size_t end, int rank,
                    size_t tag);

void html_marks_free(html_marks *m);

/* Writes the opening tag of mark `tag` (the closing tag is always
 * </span>). */
typedef void (*html_open_fn)(FILE *out, size_t tag, bool cont, void *ud);

/* Write `text` escaped, with the marks' elements around their ranges.
 * Sorts m.  Returns false when memory runs out (nothing written then). */
bool html_write_marked(FILE *out, const char *text, size_t len,
                       html_marks *m, html_open_fn open, void *ud);

#endif
