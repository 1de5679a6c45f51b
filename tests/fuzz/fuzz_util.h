/*
 * fuzz_util.h - what the fuzz targets check, shared by all four and by the
 * replay driver (replay.c), so a regression input is judged the same way
 * with or without libFuzzer.
 *
 * A failed check prints what went wrong and calls abort(): libFuzzer
 * reports it as a crash and saves the input, the replay driver dies with
 * SIGABRT and ctest reports the test as failed.
 */
#ifndef ZC_FUZZ_UTIL_H
#define ZC_FUZZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* The libFuzzer entry points every target defines. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(cond, ...)                                                  \
    do {                                                                     \
        if (!(cond))                                                         \
            fz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                 \
    } while (0)

void fz_fail(const char *file, int line, const char *cond, const char *fmt,
             ...)
#if defined(__GNUC__)
    __attribute__((noreturn, format(printf, 4, 5)))
#endif
    ;

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
 * U+10FFFF.  On failure *bad (may be NULL) gets the offset of the first
 * bad byte. */
bool fz_utf8_valid(const char *s, size_t n, size_t *bad);

/* A growable byte buffer; on allocation failure the harness aborts (an
 * out-of-memory in the harness is not a finding). */
typedef struct fz_buf {
    char *ptr;
    size_t len, cap;
} fz_buf;
void fz_buf_add(fz_buf *b, const char *s, size_t n);
void fz_buf_free(fz_buf *b);

/* Check one document of zhengce output, `json` (len bytes, one line ending
 * in LF unless `pretty`), against the decoded text it describes:
 *
 *   - valid UTF-8, parses with cJSON, and the line holds nothing after the
 *     object but its LF (no raw control characters: JSON Lines stay lines);
 *   - "schema" is "zhengce/1", "sections" an array whose first member is
 *     the root "0";
 *   - every "span" and "covers" is [a, b] with 0 <= a <= b <= text_len and
 *     both ends on character boundaries of `text`;
 *   - every item (assignment, deadline, target, quantity, unit) keeps its
 *     "text"/"name" exactly as written: text[a, b);
 *   - a section's "text", unless "truncated", is text[a, b);
 *   - stats.decoded_bytes == text_len.
 *
 * Returns the parsed document; the caller cJSON_Delete()s it. */
cJSON *fz_check_document(const char *json, size_t len, bool pretty,
                         const char *text, size_t text_len);

/* Check a byte string the library calls decoded text: valid UTF-8 and no
 * NUL byte (the decoder replaces NUL with U+FFFD). */
void fz_check_text(const char *text, size_t len);

#endif
