/*
 * main.c - the zhengce command: parses the command line and hands over to
 * tool_batch.c (files and directories), tool_filter.c (--filter),
 * tool_corpus.c (corpus add) or tool_eval.c (eval).  Uses the library
 * through extract.h and extract_json.h only.
 */
#include "extract_version.h"
#include "tool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "Usage: zhengce [OPTION]... [FILE|DIR]...\n"
    "       zhengce --filter [OPTION]...        (JSON Lines in and out)\n"
    "       zhengce corpus add [--source URL] FILE...\n"
    "       zhengce eval [CORPUS_DIR]\n"
    "       zhengce review [--expected FILE.expected.json] NOTICE > page.html\n"
    "\n"
    "Turn Chinese policy notices into structured JSON: sections, metadata,\n"
    "responsible units, deadlines and targets.  Each FILE gives one JSON\n"
    "object on one line (JSON Lines); a DIR is searched recursively for\n"
    "*.txt, *.html and other saved pages.  With no FILE, or when FILE is -,\n"
    "read standard input.\n"
    "\n"
    "Output:\n"
    "  -o, --output DIR     write DIR/NAME.json per input (atomically: a\n"
    "                       temporary file, then a rename), print a summary\n"
    "                       line per document on stderr, and skip inputs\n"
    "                       whose output is newer (see --force)\n"
    "      --force          convert again even if the output is up to date\n"
    "      --sqlite FILE    load the results into SQLite (schema/zhengce.sql);\n"
    "                       a re-run replaces a document's rows\n"
    "      --csv DIR        write the same tables as CSV files\n"
    "      --pretty         indent the JSON\n"
    "      --explain        add the rule (file:line) behind every item\n"
    "      --no-text        leave section text out of the output\n"
    "\n"
    "Review page (zhengce review):\n"
    "  one self-contained HTML page: metadata, the section outline, and the\n"
    "  text with every extracted item highlighted; hover or click an item\n"
    "  for its values and rule\n"
    "      --expected FILE  also mark items missing from the output or extra\n"
    "                       in it against FILE, compared as eval compares\n"
    "\n"
    "Processing:\n"
    "  -j, --jobs N         convert N documents in parallel (default: the\n"
    "                       number of cores); output order stays the input\n"
    "                       order\n"
    "      --rules DIR      read rule files from DIR (default: $ZHENGCE_RULES\n"
    "                       or " ZC_DEFAULT_RULES_DIR ")\n"
    "      --no-rules       segment and read metadata only\n"
    "      --scan-all       run every rule over all the text, not just\n"
    "                       around its anchors (slower, same output: a\n"
    "                       check of the rule files' anchors)\n"
    "      --encoding ENC   auto (default), utf-8, gb18030, utf-16le, utf-16be\n"
    "      --format FMT     auto (default: .html/.htm/.shtml/.xhtml names and\n"
    "                       pages whose first KiB is plainly HTML are read as\n"
    "                       HTML), text or html\n"
    "      --keep-debris    keep page-furniture lines (打印本页, 分享到 ...)\n"
    "                       and pinyin glosses (印發(fā)) in the text\n"
    "      --year-before inclusive|exclusive\n"
    "                       read 2025年前 as by 2025-12-31 (inclusive) or\n"
    "                       before 2025-01-01 (exclusive, the default)\n"
    "      --chunk-size N   feed the parser N bytes at a time (default 65536)\n"
    "      --max-section-bytes N\n"
    "                       cut a top-level section beyond N bytes (1 MiB)\n"
    "\n"
    "Filter mode (for Hadoop Streaming, Spark RDD.pipe()):\n"
    "      --filter         read one JSON record per line on stdin, write\n"
    "                       exactly one JSON line per record, in order\n"
    "      --id-field F, --url-field F, --text-field F, --html-field F\n"
    "                       record field names (id, url, text, html)\n"
    "\n"
    "  -q, --quiet          no summary lines\n"
    "      --progress, --no-progress\n"
    "                       progress bar on stderr (default: when stderr is\n"
    "                       a terminal)\n"
    "  -h, --help           show this help and exit\n"
    "      --version        show the version and exit\n"
    "\n"
    "Exit status:\n"
    "  0    every document was converted\n"
    "  1    some input could not be read or its output not written (the\n"
    "       other documents are still converted)\n"
    "  2    usage error, or a rule file is broken\n"
    "  3    a document exceeded a hard limit\n"
    "  130  interrupted (SIGINT/SIGTERM); no output file is left half-written\n";

static int die_usage(const char *msg, const char *arg)
{
    fprintf(stderr, "zhengce: %s%s%s\n", msg, arg ? " " : "", arg ? arg : "");
    fprintf(stderr, "Try 'zhengce --help' for more information.\n");
    return EXIT_USAGE;
}

static bool parse_size(const char *s, size_t max, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v == 0 || v > max || s[0] == '-')
        return false;
    *out = (size_t)v;
    return true;
}

/* Options that take a value. */
static const char *const valued[] = {
    "-o", "--output", "--rules", "--encoding", "--format", "--year-before",
    "--chunk-size", "-j", "--jobs", "--sqlite", "--csv", "--id-field",
    "--url-field", "--text-field", "--html-field", "--max-section-bytes",
    "--source", "--expected", NULL};

static bool takes_value(const char *a)
{
    for (int i = 0; valued[i]; i++)
        if (!strcmp(a, valued[i]))
            return true;
    return false;
}

int main(int argc, char **argv)
{
    tool_opts o;
    memset(&o, 0, sizeof o);
    zc_options_init(&o.opt);
    o.chunk = 65536;
    o.progress = true;
    o.id_field = "id";
    o.url_field = "url";
    o.text_field = "text";
    o.html_field = "html";
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = ncpu > 0 ? (unsigned)ncpu : 1;
    o.rules_dir = getenv("ZHENGCE_RULES");
    if (!o.rules_dir || !*o.rules_dir)
        o.rules_dir = ZC_DEFAULT_RULES_DIR;

    const char *command = NULL; /* "corpus", "eval", "review" */
    bool filter = false;
    const char *source = NULL;
    const char *expected = NULL; /* review --expected */
    char **files = calloc((size_t)argc + 1, sizeof *files);
    size_t n_files = 0;
    if (!files)
        return EXIT_INPUT;
    bool only_files = false;
    for (int i = 1; i < argc; i++) {
        /* the subcommand is the first word that is not an option (options
         * may come before it: zhengce --rules DIR eval corpus) */
        /* (`zhengce -o out corpus` converts the directory corpus/: the
         * command is `corpus add`) */
        if (!command && !n_files && !only_files &&
            ((!strcmp(argv[i], "corpus") && i + 1 < argc &&
              !strcmp(argv[i + 1], "add")) ||
             !strcmp(argv[i], "eval") || !strcmp(argv[i], "review"))) {
            command = argv[i];
            continue;
        }
        const char *a = argv[i];
        char opt[64];
        const char *attached = NULL; /* --jobs=2, -j2 */
        const char *eq = strncmp(a, "--", 2) ? NULL : strchr(a, '=');
        if (eq && (size_t)(eq - a) < sizeof opt) {
            memcpy(opt, a, (size_t)(eq - a));
            opt[eq - a] = '\0';
            attached = eq + 1;
            a = opt;
        } else if (!strncmp(a, "-j", 2) && a[2]) {
            attached = a + 2;
            a = "-j";
        }
        if (only_files || a[0] != '-' || !strcmp(a, "-")) {
            files[n_files++] = argv[i];
            continue;
        }
        if (!strcmp(a, "--")) {
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
            o.json_flags |= ZC_JSON_PRETTY;
        } else if (!strcmp(a, "--explain")) {
            o.json_flags |= ZC_JSON_EXPLAIN;
        } else if (!strcmp(a, "--no-text")) {
            o.json_flags |= ZC_JSON_NO_TEXT;
        } else if (!strcmp(a, "--keep-debris")) {
            o.opt.keep_debris = 1;
        } else if (!strcmp(a, "--scan-all")) {
            o.opt.scan_all = 1;
        } else if (!strcmp(a, "--no-rules")) {
            o.no_rules = true;
        } else if (!strcmp(a, "--force")) {
            o.force = true;
        } else if (!strcmp(a, "--filter")) {
            filter = true;
        } else if (!strcmp(a, "--progress")) {
            o.progress = true;
        } else if (!strcmp(a, "--no-progress")) {
            o.progress = false;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o.quiet = true;
            o.progress = false;
        } else if (takes_value(a)) {
            if (!attached && i + 1 >= argc) {
                free(files);
                return die_usage("option requires an argument:", a);
            }
            const char *v = attached ? attached : argv[++i];
            size_t n;
            if (!strcmp(a, "-o") || !strcmp(a, "--output"))
                o.outdir = v;
            else if (!strcmp(a, "--rules"))
                o.rules_dir = v;
            else if (!strcmp(a, "--encoding"))
                o.opt.encoding = v;
            else if (!strcmp(a, "--format")) {
                if (strcmp(v, "auto") && strcmp(v, "text") &&
                    strcmp(v, "html")) {
                    free(files);
                    return die_usage("--format takes auto, text or html, "
                                     "not",
                                     v);
                }
                o.opt.format = v;
            }
            else if (!strcmp(a, "--sqlite"))
                o.sqlite = v;
            else if (!strcmp(a, "--csv"))
                o.csvdir = v;
            else if (!strcmp(a, "--id-field"))
                o.id_field = v;
            else if (!strcmp(a, "--url-field"))
                o.url_field = v;
            else if (!strcmp(a, "--text-field"))
                o.text_field = v;
            else if (!strcmp(a, "--html-field"))
                o.html_field = v;
            else if (!strcmp(a, "--source"))
                source = v;
            else if (!strcmp(a, "--expected"))
                expected = v;
            else if (!strcmp(a, "--year-before")) {
                if (!strcmp(v, "inclusive"))
                    o.opt.year_before = ZC_YEAR_BEFORE_INCLUSIVE;
                else if (!strcmp(v, "exclusive"))
                    o.opt.year_before = ZC_YEAR_BEFORE_EXCLUSIVE;
                else {
                    free(files);
                    return die_usage("--year-before takes inclusive or "
                                     "exclusive, not",
                                     v);
                }
            } else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
                if (!parse_size(v, 1024, &n)) {
                    free(files);
                    return die_usage("invalid --jobs", v);
                }
                o.jobs = (unsigned)n;
            } else if (!strcmp(a, "--max-section-bytes")) {
                if (!parse_size(v, (size_t)1 << 40, &n)) {
                    free(files);
                    return die_usage("invalid --max-section-bytes", v);
                }
                o.opt.max_section_bytes = n;
            } else { /* --chunk-size */
                if (!parse_size(v, (size_t)1 << 30, &n)) {
                    free(files);
                    return die_usage("invalid --chunk-size", v);
                }
                o.chunk = n;
            }
        } else {
            free(files);
            return die_usage("unknown option", a);
        }
    }
    if (o.opt.encoding) {
        /* check it once rather than per file */
        zc_parser *probe = zc_parser_new(NULL, &o.opt, NULL);
        if (!probe) {
            free(files);
            return die_usage("unknown encoding", o.opt.encoding);
        }
        zc_parser_free(probe);
    }
    if (expected && !(command && !strcmp(command, "review"))) {
        free(files);
        return die_usage("--expected belongs to zhengce review", NULL);
    }
    if (command && !strcmp(command, "corpus") &&
        (n_files < 2 || strcmp(files[0], "add"))) {
        free(files);
        return die_usage("usage: zhengce corpus add [--source URL] FILE...",
                         NULL);
    }

    zc_rules *rules = NULL;
    if (!o.no_rules) {
        zc_error err;
        memset(&err, 0, sizeof err);
        zc_status st = zc_rules_load_dir(o.rules_dir, NULL, &rules, &err);
        if (st != ZC_OK) {
            if (err.file[0])
                fprintf(stderr, "zhengce: %s:%u:%u: %s\n", err.file, err.line,
                        err.column, err.msg);
            else
                fprintf(stderr, "zhengce: cannot load rules from %s: %s\n",
                        o.rules_dir, err.msg[0] ? err.msg : zc_strerror(st));
            free(files);
            return EXIT_USAGE;
        }
    }
    tool_install_signals();
    int rc;
    if (command && !strcmp(command, "corpus")) {
        rc = tool_corpus(&o, rules, source, (int)n_files - 1, files + 1);
    } else if (command && !strcmp(command, "review")) {
        rc = tool_review(&o, rules, expected, files, n_files);
    } else if (command) {
        rc = tool_eval(&o, rules, n_files ? files[0] : "corpus");
    } else if (filter) {
        rc = tool_filter(&o, rules);
    } else {
        if (n_files == 0)
            files[n_files++] = "-";
        if (o.outdir) {
            /* create DIR now, so every worker can write into it */
            size_t l = strlen(o.outdir);
            char *d = strdup(o.outdir);
            for (size_t i = 1; d && i <= l; i++)
                if (d[i] == '/' || d[i] == '\0') {
                    char c = d[i];
                    d[i] = '\0';
                    mkdir_if_missing(d);
                    d[i] = c;
                }
            free(d);
            if (!mkdir_if_missing(o.outdir)) {
                fprintf(stderr, "zhengce: cannot create %s: %s\n", o.outdir,
                        strerror(errno));
                zc_rules_free(rules);
                free(files);
                return EXIT_INPUT;
            }
        }
        rc = tool_batch(&o, rules, files, n_files);
    }
    zc_rules_free(rules);
    free(files);
    return rc;
}
