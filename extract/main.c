/*
 * main.c - the zhengce command.  A thin shell over the public API:
 * extract.h and extract_json.h, nothing else of the library.
 */
#include "extract.h"
#include "extract_json.h"
#include "extract_version.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Exit codes, as documented in --help and README. */
enum {
    EXIT_OK = 0,    /* every document converted                      */
    EXIT_INPUT = 1, /* some document could not be read or written    */
    EXIT_USAGE = 2, /* bad command line or a broken rule file        */
    EXIT_LIMIT = 3  /* a document hit a hard limit                   */
};

static const char usage[] =
    "Usage: zhengce [OPTION]... [FILE]...\n"
    "Turn Chinese policy notices into structured JSON: sections, metadata,\n"
    "responsible units, deadlines and targets.  With no FILE, or when FILE\n"
    "is -, read standard input.  One JSON object per document, one per line.\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR     write one DIR/NAME.json per input (NAME: the\n"
    "                       input's base name without .txt/.html) and print\n"
    "                       a one-line summary per document on stderr\n"
    "      --pretty         indent the JSON (one object, several lines)\n"
    "      --rules DIR      read rule files from DIR (default: "
    ZC_DEFAULT_RULES_DIR ",\n"
    "                       or $ZHENGCE_RULES)\n"
    "      --no-rules       segment and read metadata only\n"
    "      --explain        add the rule (file:line) behind every item\n"
    "      --no-text        leave section text out of the output\n"
    "      --encoding ENC   auto (default), utf-8, gb18030, utf-16le, utf-16be\n"
    "      --year-before inclusive|exclusive\n"
    "                       read 2025年前 as by 2025-12-31 (inclusive) or\n"
    "                       before 2025-01-01 (exclusive, the default)\n"
    "      --chunk-size N   feed the parser N bytes at a time (default 65536)\n"
    "  -q, --quiet          no summary lines\n"
    "  -h, --help           show this help and exit\n"
    "      --version        show the version and exit\n"
    "\n"
    "Exit status:\n"
    "  0  every document was converted\n"
    "  1  some input could not be read or its output not written (the\n"
    "     other documents are still converted)\n"
    "  2  usage error, or a rule file is broken\n"
    "  3  a document exceeded a hard limit\n";

typedef struct cli {
    const char *outdir;
    const char *rules_dir;
    bool no_rules, quiet;
    unsigned json_flags;
    size_t chunk;
    zc_options opt;
} cli;

static int die_usage(const char *msg, const char *arg)
{
    fprintf(stderr, "zhengce: %s%s%s\n", msg, arg ? " " : "", arg ? arg : "");
    fprintf(stderr, "Try 'zhengce --help' for more information.\n");
    return EXIT_USAGE;
}

/* NAME.json for an input path: the base name, .txt/.html dropped. */
static char *output_path(const char *dir, const char *in)
{
    const char *base = strrchr(in, '/');
    base = base ? base + 1 : in;
    if (!*base || !strcmp(in, "-"))
        base = "stdin";
    size_t n = strlen(base);
    static const char *const exts[] = {".txt", ".html", ".htm", ".text"};
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t l = strlen(exts[i]);
        if (n > l && !strcmp(base + n - l, exts[i])) {
            n -= l;
            break;
        }
    }
    size_t len = strlen(dir) + 1 + n + 6;
    char *p = malloc(len);
    if (!p)
        return NULL;
    snprintf(p, len, "%s/%.*s.json", dir, (int)n, base);
    /* a name that starts with a dot or holds odd bytes stays inside DIR:
     * only the base name is used, so no ../ can reach further */
    return p;
}

typedef struct summary {
    size_t sections, assignments, deadlines, targets, quantities;
} summary;

static int count_section(const zc_section *s, void *ud)
{
    summary *sum = ud;
    sum->sections++;
    sum->assignments += s->n_assignments;
    sum->deadlines += s->n_deadlines;
    sum->targets += s->n_targets;
    sum->quantities += s->n_quantities;
    return 0;
}

/* Callbacks that feed the writer and count for the summary. */
typedef struct tee {
    zc_callbacks writer;
    summary sum;
} tee;

static int tee_document(const zc_document *d, void *ud)
{
    tee *t = ud;
    return t->writer.document(d, t->writer.ud);
}

static int tee_section(const zc_section *s, void *ud)
{
    tee *t = ud;
    count_section(s, &t->sum);
    return t->writer.section(s, t->writer.ud);
}

static int tee_warning(const zc_warning *w, void *ud)
{
    tee *t = ud;
    return t->writer.warning(w, t->writer.ud);
}

static int convert(const cli *c, const zc_rules *rules, const char *path)
{
    bool is_stdin = !strcmp(path, "-");
    FILE *in = is_stdin ? stdin : fopen(path, "rb");
    if (!in) {
        fprintf(stderr, "zhengce: cannot open %s: %s\n", path,
                strerror(errno));
        return EXIT_INPUT;
    }
    FILE *out = stdout;
    char *final_path = NULL, *tmp_path = NULL;
    if (c->outdir) {
        final_path = output_path(c->outdir, path);
        size_t l = final_path ? strlen(final_path) + 16 : 0;
        tmp_path = final_path ? malloc(l) : NULL;
        if (!tmp_path) {
            fprintf(stderr, "zhengce: out of memory\n");
            free(final_path);
            if (!is_stdin)
                fclose(in);
            return EXIT_INPUT;
        }
        snprintf(tmp_path, l, "%s.tmp%ld", final_path, (long)getpid());
        out = fopen(tmp_path, "wb");
        if (!out) {
            fprintf(stderr, "zhengce: cannot write %s: %s\n", tmp_path,
                    strerror(errno));
            free(final_path);
            free(tmp_path);
            if (!is_stdin)
                fclose(in);
            return EXIT_INPUT;
        }
    }
    zc_json_writer *w = zc_json_writer_new(out, c->json_flags);
    tee t;
    memset(&t, 0, sizeof t);
    zc_json_writer_callbacks(w, &t.writer);
    zc_callbacks cb = {tee_document, tee_section, tee_warning, &t};
    zc_parser *p = zc_parser_new(rules, &c->opt, &cb);
    int rc = EXIT_OK;
    if (!w || !p) {
        fprintf(stderr, "zhengce: out of memory\n");
        zc_parser_free(p);
        zc_json_writer_free(w);
        if (!is_stdin)
            fclose(in);
        return EXIT_INPUT;
    }
    zc_json_writer_begin(w, is_stdin ? NULL : path, "text");
    char *buf = malloc(c->chunk);
    zc_status st = buf ? ZC_OK : ZC_ERR_NOMEM;
    const char *error = NULL;
    char msg[512];
    while (st == ZC_OK) {
        size_t n = fread(buf, 1, c->chunk, in);
        if (n)
            st = zc_parser_feed(p, buf, n);
        if (n < c->chunk) {
            if (ferror(in)) {
                snprintf(msg, sizeof msg, "read error: %s", strerror(errno));
                error = msg;
                fprintf(stderr, "zhengce: cannot read %s: %s\n", path,
                        strerror(errno));
                rc = EXIT_INPUT;
            }
            break;
        }
    }
    if (st == ZC_OK)
        st = zc_parser_finish(p);
    if (st != ZC_OK && !error) {
        snprintf(msg, sizeof msg, "%s", zc_strerror(st));
        error = msg;
        fprintf(stderr, "zhengce: %s: %s\n", path, zc_strerror(st));
        rc = st == ZC_ERR_LIMIT ? EXIT_LIMIT : EXIT_INPUT;
    }
    if (zc_json_writer_end(w, p, error) != ZC_OK) {
        fprintf(stderr, "zhengce: cannot write output for %s: %s\n", path,
                strerror(errno));
        rc = EXIT_INPUT;
    }
    zc_stats stats;
    zc_parser_stats(p, &stats);
    free(buf);
    zc_parser_free(p);
    zc_json_writer_free(w);
    if (!is_stdin)
        fclose(in);
    if (c->outdir) {
        if (fclose(out) != 0 && rc == EXIT_OK) {
            fprintf(stderr, "zhengce: cannot write %s: %s\n", tmp_path,
                    strerror(errno));
            rc = EXIT_INPUT;
        }
        if (rc == EXIT_OK && rename(tmp_path, final_path) != 0) {
            fprintf(stderr, "zhengce: cannot write %s: %s\n", final_path,
                    strerror(errno));
            rc = EXIT_INPUT;
        }
        if (rc != EXIT_OK)
            remove(tmp_path);
        if (rc == EXIT_OK && !c->quiet)
            fprintf(stderr,
                    "%s -> %s: %zu sections, %zu assignments, %zu deadlines, "
                    "%zu targets, %zu quantities, %zu warnings\n",
                    path, final_path, t.sum.sections, t.sum.assignments,
                    t.sum.deadlines, t.sum.targets, t.sum.quantities,
                    stats.warnings);
        free(final_path);
        free(tmp_path);
    }
    return rc;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int main(int argc, char **argv)
{
    cli c;
    memset(&c, 0, sizeof c);
    zc_options_init(&c.opt);
    c.chunk = 65536;
    c.rules_dir = getenv("ZHENGCE_RULES");
    if (!c.rules_dir || !*c.rules_dir)
        c.rules_dir = ZC_DEFAULT_RULES_DIR;
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    size_t n_files = 0;
    if (!files)
        return EXIT_INPUT;
    bool only_files = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (only_files || a[0] != '-' || !strcmp(a, "-")) {
            files[n_files++] = a;
        } else if (!strcmp(a, "--")) {
            only_files = true;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            free(files);
            return EXIT_OK;
        } else if (!strcmp(a, "--version")) {
            printf("zhengce %s\n", zc_version());
            free(files);
            return EXIT_OK;
        } else if (!strcmp(a, "--pretty")) {
            c.json_flags |= ZC_JSON_PRETTY;
        } else if (!strcmp(a, "--explain")) {
            c.json_flags |= ZC_JSON_EXPLAIN;
        } else if (!strcmp(a, "--no-text")) {
            c.json_flags |= ZC_JSON_NO_TEXT;
        } else if (!strcmp(a, "--no-rules")) {
            c.no_rules = true;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            c.quiet = true;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output") ||
                   !strcmp(a, "--rules") || !strcmp(a, "--encoding") ||
                   !strcmp(a, "--year-before") ||
                   !strcmp(a, "--chunk-size")) {
            if (!next) {
                free(files);
                return die_usage("option requires an argument:", a);
            }
            i++;
            if (a[1] == 'o' || !strcmp(a, "--output"))
                c.outdir = next;
            else if (!strcmp(a, "--rules"))
                c.rules_dir = next;
            else if (!strcmp(a, "--encoding"))
                c.opt.encoding = next;
            else if (!strcmp(a, "--year-before")) {
                if (!strcmp(next, "inclusive"))
                    c.opt.year_before = ZC_YEAR_BEFORE_INCLUSIVE;
                else if (!strcmp(next, "exclusive"))
                    c.opt.year_before = ZC_YEAR_BEFORE_EXCLUSIVE;
                else {
                    free(files);
                    return die_usage("--year-before takes inclusive or "
                                     "exclusive, not",
                                     next);
                }
            } else {
                char *end;
                unsigned long v = strtoul(next, &end, 10);
                if (*end || v == 0 || v > (1ul << 30)) {
                    free(files);
                    return die_usage("invalid --chunk-size", next);
                }
                c.chunk = v;
            }
        } else {
            free(files);
            return die_usage("unknown option", a);
        }
    }
    if (n_files == 0)
        files[n_files++] = "-";
    if (c.opt.encoding) {
        /* check it now rather than per file */
        zc_parser *probe = zc_parser_new(NULL, &c.opt, NULL);
        if (!probe) {
            free(files);
            return die_usage("unknown encoding", c.opt.encoding);
        }
        zc_parser_free(probe);
    }
    if (c.outdir && !is_dir(c.outdir) && mkdir(c.outdir, 0777) != 0) {
        fprintf(stderr, "zhengce: cannot create %s: %s\n", c.outdir,
                strerror(errno));
        free(files);
        return EXIT_INPUT;
    }
    zc_rules *rules = NULL;
    if (!c.no_rules) {
        zc_error err;
        zc_status st = zc_rules_load_dir(c.rules_dir, NULL, &rules, &err);
        if (st != ZC_OK) {
            if (err.file[0])
                fprintf(stderr, "zhengce: %s:%u:%u: %s\n", err.file, err.line,
                        err.column, err.msg);
            else
                fprintf(stderr, "zhengce: cannot load rules from %s: %s\n",
                        c.rules_dir, err.msg[0] ? err.msg : zc_strerror(st));
            free(files);
            return EXIT_USAGE;
        }
    }
    int rc = EXIT_OK;
    for (size_t i = 0; i < n_files; i++) {
        int r = convert(&c, rules, files[i]);
        if (r > rc)
            rc = r;
    }
    zc_rules_free(rules);
    free(files);
    return rc;
}
