/*
 * tool_convert.c - one document through the library into one JSON object.
 */
#include "tool.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

volatile sig_atomic_t tool_interrupted = 0;

static void on_signal(int sig)
{
    (void)sig;
    tool_interrupted = 1;
}

void tool_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a closed pipe is a write error, not death */
}

/* The parser's callbacks go here first: count for the summary, then pass
 * on to the JSON writer of the current document. */
struct tool_worker {
    const tool_opts *o;
    zc_parser *p;
    zc_callbacks writer;
    tool_summary *sum;
    char *buf;
    const char *hint; /* format for the next document only */
    /* kept from one document to the next while they go to the same
     * stream, so its buffers are grown once, not once per document */
    zc_json_writer *jw;
    FILE *jw_out;
};

void tool_worker_hint_format(tool_worker *w, const char *format)
{
    w->hint = format;
}

/* A saved web page by its name? */
bool tool_html_name(const char *path)
{
    static const char *const ext[] = {".html", ".htm", ".shtml", ".xhtml"};
    size_t n = path ? strlen(path) : 0;
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        size_t m = strlen(ext[i]);
        if (n > m && !strcasecmp(path + n - m, ext[i]))
            return true;
    }
    return false;
}

static int tee_document(const zc_document *d, void *ud)
{
    tool_worker *w = ud;
    return w->writer.document(d, w->writer.ud);
}

static int tee_section(const zc_section *s, void *ud)
{
    tool_worker *w = ud;
    tool_summary *sum = w->sum;
    sum->sections++;
    sum->assignments += s->n_assignments;
    sum->deadlines += s->n_deadlines;
    sum->targets += s->n_targets;
    sum->quantities += s->n_quantities;
    if (tool_interrupted)
        return 1;
    return w->writer.section(s, w->writer.ud);
}

static int tee_warning(const zc_warning *x, void *ud)
{
    tool_worker *w = ud;
    return w->writer.warning(x, w->writer.ud);
}

tool_worker *tool_worker_new(const tool_opts *o, const zc_rules *rules)
{
    tool_worker *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->o = o;
    w->buf = malloc(o->chunk);
    zc_callbacks cb = {tee_document, tee_section, tee_warning, NULL, w};
    w->p = zc_parser_new(rules, &o->opt, &cb);
    if (!w->buf || !w->p) {
        tool_worker_free(w);
        return NULL;
    }
    return w;
}

void tool_worker_free(tool_worker *w)
{
    if (!w)
        return;
    zc_parser_free(w->p);
    zc_json_writer_free(w->jw);
    free(w->buf);
    free(w);
}

/* Where a document's bytes come from: a stream (stdin, a record in
 * memory) or a file descriptor read with read(2) straight into the
 * worker's buffer, which a batch of many small files prefers: no FILE and
 * no stdio buffer to set up and tear down per file. */
typedef struct source {
    FILE *f;
    int fd;
    int error; /* errno of a failed read */
} source;

/* Up to n bytes into buf; 0 at the end.  *failed on a read error. */
static size_t source_read(source *src, char *buf, size_t n, bool *failed)
{
    if (src->f) {
        size_t k = fread(buf, 1, n, src->f);
        *failed = k < n && ferror(src->f);
        src->error = errno;
        return k;
    }
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(src->fd, buf + got, n - got);
        if (k < 0 && errno == EINTR && !tool_interrupted)
            continue;
        if (k < 0) {
            *failed = true;
            src->error = errno;
            break;
        }
        if (k == 0)
            break;
        got += (size_t)k;
    }
    return got;
}

static int convert(tool_worker *w, source *in, const char *path, FILE *out,
                   tool_summary *sum, char *err, size_t errlen)
{
    const tool_opts *o = w->o;
    memset(sum, 0, sizeof *sum);
    err[0] = '\0';
    if (!w->jw || w->jw_out != out) {
        zc_json_writer_free(w->jw);
        w->jw = zc_json_writer_new(out, o->json_flags);
        w->jw_out = out;
        if (!w->jw) {
            snprintf(err, errlen, "out of memory");
            return EXIT_INPUT;
        }
    }
    zc_json_writer *jw = w->jw;
    zc_json_writer_callbacks(jw, &w->writer);
    w->sum = sum;
    zc_parser_reset(w->p);
    const char *fmt = o->opt.format;
    if (w->hint)
        zc_parser_set_format(w->p, w->hint);
    else if ((!fmt || !strcmp(fmt, "auto")) && tool_html_name(path))
        zc_parser_set_format(w->p, "html");
    w->hint = NULL;
    zc_json_writer_begin(jw, path, NULL);
    int rc = EXIT_OK;
    zc_status st = ZC_OK;
    const char *error = NULL;
    while (st == ZC_OK) {
        if (tool_interrupted) {
            rc = EXIT_INTERRUPTED;
            snprintf(err, errlen, "interrupted");
            error = err;
            break;
        }
        bool failed = false;
        size_t n = source_read(in, w->buf, o->chunk, &failed);
        if (n)
            st = zc_parser_feed(w->p, w->buf, n);
        if (n < o->chunk) {
            if (failed) {
                snprintf(err, errlen, "cannot read: %s", strerror(in->error));
                error = err;
                rc = EXIT_INPUT;
            }
            break;
        }
    }
    if (st == ZC_OK && rc == EXIT_OK)
        st = zc_parser_finish(w->p);
    if (st != ZC_OK && rc == EXIT_OK) {
        if (tool_interrupted) {
            rc = EXIT_INTERRUPTED;
            snprintf(err, errlen, "interrupted");
        } else {
            rc = st == ZC_ERR_LIMIT ? EXIT_LIMIT : EXIT_INPUT;
            snprintf(err, errlen, "%s", zc_strerror(st));
        }
        error = err;
    }
    if (zc_json_writer_end(jw, w->p, error) != ZC_OK && rc == EXIT_OK) {
        snprintf(err, errlen, "cannot write output: %s", strerror(errno));
        rc = EXIT_INPUT;
    }
    zc_stats stats;
    zc_parser_stats(w->p, &stats);
    sum->warnings = stats.warnings;
    sum->bytes = stats.input_bytes;
    return rc;
}

int tool_worker_convert(tool_worker *w, FILE *in, const char *path, FILE *out,
                        tool_summary *sum, char *err, size_t errlen)
{
    source src = {in, -1, 0};
    return convert(w, &src, path, out, sum, err, errlen);
}

int tool_worker_convert_fd(tool_worker *w, int fd, const char *path,
                           FILE *out, tool_summary *sum, char *err,
                           size_t errlen)
{
    source src = {NULL, fd, 0};
    return convert(w, &src, path, out, sum, err, errlen);
}

bool mkdir_if_missing(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return S_ISDIR(st.st_mode);
    return mkdir(path, 0777) == 0 || errno == EEXIST;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **tool_list_dir(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **names = malloc(sizeof *names);
    size_t cap = 1;
    struct dirent *e;
    *n = 0;
    while (names && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* ., .., hidden files and our own .tmp files */
        if (*n == cap) {
            char **nn = realloc(names, 2 * cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
            cap *= 2;
        }
        if ((names[*n] = strdup(e->d_name)) != NULL)
            (*n)++;
    }
    closedir(d);
    if (names)
        qsort(names, *n, sizeof *names, name_cmp);
    return names;
}
