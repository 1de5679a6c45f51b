/*
 * tool_batch.c - many documents: directory walk, a pool of worker threads,
 * output in input order, atomic files, a progress bar.
 *
 * Workers take documents in input order and convert each into its own
 * buffer (memory, or a temporary file for large inputs) or, with -o, into
 * DIR/NAME.json.tmpPID then rename(2), so an interrupted run never leaves a
 * half-written .json.  The main thread consumes results strictly in input
 * order: it copies buffers to stdout, feeds the database sinks and prints
 * the summary lines, so the output is the same whatever --jobs is.
 *
 * What keeps --jobs 2 near twice --jobs 1 when documents are small (issue
 * 5: 5,000 notices of ~13 KB, a few milliseconds each, and fewer as the
 * library gets faster, so the pool's own cost per document counts):
 *   - the window that bounds memory counts input bytes, not documents: a
 *     window of 4 x --jobs documents let one long notice hold up the
 *     writer while the other worker ran out of permitted work and slept;
 *   - a worker takes one short lock per document, to hand in the last
 *     and take the next; the main thread sleeps until BATCH documents in
 *     a row are done (or the workers need room, or stop) and then writes
 *     them all, instead of being woken for every document;
 *   - --jobs 1 (and a single input) runs in the main thread, no threads;
 *   - files are read with read(2) into the worker's buffer, no FILE each;
 *   - a worker writes its JSON through one FILE for all its documents
 *     into buffers the main thread hands back once written (sink, pool):
 *     open_memstream(3) per document made -j2 do 4.6% more instructions
 *     than -j1 (callgrind, 250 notices), most of it zero-filling and
 *     copying as the streams grew.
 * Measured with /proc/thread-self/schedstat over 5,000 notices at -j2
 * (bench/bench.py's scaling case): before, each worker slept 0.06-0.21 s
 * and the main thread, woken for every document, used 0.12 s of CPU;
 * now the workers sleep 0.05-0.10 s (mostly waiting for the other's
 * last document) and the main thread uses 0.03 s.
 */
#define _GNU_SOURCE /* fopencookie(3) */
#include "tool.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Inputs larger than this are converted into a temporary file rather than
 * memory while they wait for their turn. */
#define SPILL_BYTES ((off_t)4 << 20)

typedef enum { JOB_TODO, JOB_RUNNING, JOB_DONE } job_state;

/* A document's JSON kept in memory until the main thread writes it. */
typedef struct out_buf {
    char *p;
    size_t len, cap;
} out_buf;

typedef struct job {
    char *path;     /* as given or found                         */
    char *out;      /* -o: final output path                     */
    off_t size;
    bool skip;      /* -o: output newer than input               */
    job_state state;
    int rc;
    char err[256];
    tool_summary sum;
    out_buf mem;    /* the JSON when kept in memory              */
    FILE *spill;    /* …or in a temporary file                   */
} job;

/* How far workers may run ahead of the main thread, in input bytes of
 * documents taken but not yet written out (their JSON waits in memory,
 * about 2.3 times the input; over SPILL_BYTES, in a temporary file).
 * --jobs documents may always be out, so a large file never stalls the
 * pool. */
#define WINDOW_BYTES ((size_t)2 << 20)
#define WINDOW_DOCS ((size_t)1024)
/* Documents the main thread writes out per wakeup, at most. */
#define BATCH ((size_t)32)
/* Output buffers written out wait in a pool for the workers to fill
 * again (warm in the cache, grown already), up to this many and bytes. */
#define POOL_BUFS 64
#define POOL_BYTES ((size_t)4 << 20)

typedef struct batch {
    const tool_opts *o;
    const zc_rules *rules;
    job *jobs;
    size_t n, cap;
    /* under mu: */
    size_t next;     /* next job a worker takes                     */
    size_t consumed; /* jobs the main thread has finished with      */
    size_t pending;  /* input bytes of jobs consumed..next-1        */
    size_t frontier; /* jobs before it are all done                 */
    size_t main_target; /* the main thread wants frontier this far  */
    bool main_sleeping;
    unsigned workers;  /* worker threads running                    */
    unsigned idle;     /* workers asleep waiting for the window     */
    unsigned n_jobs;   /* --jobs                                    */
    pthread_mutex_t mu;
    pthread_cond_t work_cv; /* workers: the window moved            */
    pthread_cond_t main_cv; /* main thread: see main_can_go()       */
    bool to_buffer;  /* results go through the main thread          */
    out_buf pool[POOL_BUFS]; /* under mu (with threads): see pool_give() */
    size_t n_pool, pool_bytes;
} batch;

/* ---- collecting inputs ---------------------------------------------------- */

static int strcasecmp_ascii(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x += 32;
        if (y >= 'A' && y <= 'Z')
            y += 32;
        if (x != y || !x)
            return x - y;
    }
}

static bool has_input_extension(const char *name)
{
    static const char *const exts[] = {".txt",  ".text", ".htm", ".html",
                                       ".shtml", ".xhtml", ".jsp", ".asp",
                                       ".aspx", ".php"};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t l = strlen(exts[i]);
        if (n >= l && !strcasecmp_ascii(name + n - l, exts[i]))
            return true;
    }
    return false;
}

static bool add_job(batch *b, const char *path, const char *rel, off_t size)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        job *j = realloc(b->jobs, cap * sizeof *j);
        if (!j)
            return false;
        b->jobs = j;
        b->cap = cap;
    }
    job *j = &b->jobs[b->n];
    memset(j, 0, sizeof *j);
    j->path = strdup(path);
    j->size = size;
    if (!j->path)
        return false;
    (void)rel;
    b->n++;
    return true;
}

/* Walk `dir` in name order; `root_len` is the length of the argument the
 * walk started from, so outputs can mirror the tree under -o. */
static int walk(batch *b, const char *dir, size_t root_len, unsigned depth)
{
    if (depth > 64)
        return EXIT_OK; /* a symlink loop, most likely */
    size_t n = 0;
    char **names = tool_list_dir(dir, &n);
    if (!names) {
        fprintf(stderr, "zhengce: cannot open %s: %s\n", dir,
                strerror(errno));
        return EXIT_INPUT;
    }
    int rc = EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *p = malloc(len);
        if (p) {
            snprintf(p, len, "%s/%s", dir, names[i]);
            struct stat st;
            bool ok = stat(p, &st) == 0;
            if (ok && S_ISDIR(st.st_mode)) {
                int r = walk(b, p, root_len, depth + 1);
                if (r > rc)
                    rc = r;
            } else if (ok && S_ISREG(st.st_mode) &&
                       has_input_extension(names[i])) {
                if (!add_job(b, p, p + root_len, st.st_size))
                    rc = EXIT_INPUT;
            }
            free(p);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

/* ---- output names ------------------------------------------------------------ */

/* DIR/NAME.json for input `path`.  Only the last path component is used,
 * minus a known extension, with bytes that are unsafe in a file name
 * replaced, so no input name (../x, /etc/x, "a\nb") can write outside DIR. */
static char *output_name(const char *dir, const char *path, bool keep_ext,
                         size_t serial)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (!*base || !strcmp(path, "-"))
        base = "stdin";
    size_t n = strlen(base);
    const char *dot = strrchr(base, '.');
    if (!keep_ext && dot && dot != base && has_input_extension(dot))
        n = (size_t)(dot - base);
    size_t len = strlen(dir) + n + 32;
    char *p = malloc(len);
    if (!p)
        return NULL;
    int k = snprintf(p, len, "%s/", dir);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)base[i];
        p[k++] = (c < 0x20 || c == 0x7F || c == '/' || c == '\\') ? '_'
                                                                   : (char)c;
    }
    if (n == 0 || (n <= 2 && base[0] == '.'))
        p[k++] = '_'; /* "." and ".." are not names */
    if (serial)
        snprintf(p + k, len - (size_t)k, ".%zu.json", serial);
    else
        snprintf(p + k, len - (size_t)k, ".json");
    return p;
}

/* Two inputs a.txt and a.html (or d1/a.txt and d2/a.txt) would share
 * a.json: colliding outputs keep their input's extension (a.txt.json) and,
 * if that still collides, get the input's position (a.txt.2.json). */
static void resolve_collisions(batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        bool clash = false;
        for (size_t k = 0; k < b->n && !clash; k++)
            clash = k != i && !strcmp(b->jobs[i].out, b->jobs[k].out);
        if (!clash)
            continue;
        char *p = output_name(b->o->outdir, b->jobs[i].path, true, 0);
        for (size_t k = 0; p && k < i; k++) {
            if (!strcmp(p, b->jobs[k].out)) {
                free(p);
                p = output_name(b->o->outdir, b->jobs[i].path, true, i + 1);
                break;
            }
        }
        if (p) {
            free(b->jobs[i].out);
            b->jobs[i].out = p;
        }
    }
}

/* ---- the workers ----------------------------------------------------------------- */

/* Open the temporary file `tmp` (DIR/NAME.json.tmpPID) for writing, never
 * through a symlink and never over a file that exists (O_EXCL |
 * O_NOFOLLOW): the name is predictable, and in a shared output directory a
 * link planted there would otherwise redirect the write anywhere the user
 * can write.  Something already at the name (a run killed with the same
 * PID, or a planted link) is unlinked - the link itself, not its target -
 * and the exclusive open tried once more. */
static FILE *create_tmp(const char *tmp)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
                               O_CLOEXEC, 0666);
        if (fd >= 0) {
            FILE *f = fdopen(fd, "wb");
            if (!f)
                close(fd);
            return f;
        }
        if (errno != EEXIST || attempt)
            return NULL;
        unlink(tmp);
    }
    return NULL;
}

/* ---- buffered results ---------------------------------------------------- */

/* Where a worker's JSON goes while it waits for the main thread: one
 * FILE per worker, so the worker keeps its JSON writer (tool_convert.c),
 * appending to the buffer of the job at hand.  Not open_memstream(3),
 * which is a FILE per document and zero-fills and copies at each growth:
 * at -j2 that was most of what the pool cost beyond -j1. */
typedef struct sink {
    out_buf *to;
    FILE *f;
} sink;

static ssize_t sink_write(void *cookie, const char *s, size_t n)
{
    out_buf *m = ((sink *)cookie)->to;
    if (n > m->cap - m->len) {
        size_t cap = m->cap ? m->cap : 16384;
        while (cap - m->len < n) {
            if (cap > SIZE_MAX / 2) {
                errno = ENOMEM;
                return -1;
            }
            cap *= 2;
        }
        char *p = realloc(m->p, cap);
        if (!p)
            return -1; /* errno: ENOMEM */
        m->p = p;
        m->cap = cap;
    }
    memcpy(m->p + m->len, s, n);
    m->len += n;
    return (ssize_t)n;
}

/* NULL when out of memory; the job that would use it fails then. */
static FILE *sink_open(sink *sk)
{
    sk->to = NULL;
    sk->f = fopencookie(sk, "w", (cookie_io_functions_t){.write = sink_write});
    /* unbuffered: the JSON writer buffers, and a job's bytes must all be
     * in its out_buf when it is handed over */
    if (sk->f)
        setvbuf(sk->f, NULL, _IONBF, 0);
    return sk->f;
}

/* A buffer to fill, from the pool if it has one.  (Under mu.) */
static out_buf pool_take(batch *b)
{
    if (!b->n_pool)
        return (out_buf){NULL, 0, 0};
    out_buf m = b->pool[--b->n_pool];
    b->pool_bytes -= m.cap;
    m.len = 0;
    return m;
}

/* Back into the pool, or freed when it is full.  (Under mu.) */
static void pool_give(batch *b, out_buf *m)
{
    if (m->p && b->n_pool < POOL_BUFS && b->pool_bytes + m->cap <= POOL_BYTES) {
        b->pool_bytes += m->cap;
        b->pool[b->n_pool++] = *m;
    } else {
        free(m->p);
    }
    *m = (out_buf){NULL, 0, 0};
}

/* ---- converting ---------------------------------------------------------- */

static void convert_job(batch *b, tool_worker *w, sink *sk, job *j)
{
    bool is_stdin = !strcmp(j->path, "-");
    int fd = is_stdin ? 0 : open(j->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        j->rc = EXIT_INPUT;
        snprintf(j->err, sizeof j->err, "cannot open %s: %s", j->path,
                 strerror(errno));
        return;
    }
    FILE *out = NULL;
    char *tmp = NULL;
    if (!b->to_buffer && b->o->outdir) {
        size_t l = strlen(j->out) + 32;
        tmp = malloc(l);
        if (tmp) {
            snprintf(tmp, l, "%s.tmp%ld", j->out, (long)getpid());
            out = create_tmp(tmp);
        }
        if (!out) {
            j->rc = EXIT_INPUT;
            snprintf(j->err, sizeof j->err, "cannot write %s: %s",
                     tmp ? tmp : j->out, strerror(errno));
            free(tmp);
            if (!is_stdin)
                close(fd);
            return;
        }
    } else if (!b->to_buffer) {
        out = stdout;
    } else if (j->size > SPILL_BYTES) {
        out = j->spill = tmpfile();
    } else if ((out = sk->f) != NULL) {
        sk->to = &j->mem;
        clearerr(out);
    } else {
        errno = ENOMEM; /* sink_open() failed when the worker started */
    }
    if (!out) {
        j->rc = EXIT_INPUT;
        snprintf(j->err, sizeof j->err, "cannot buffer output: %s",
                 strerror(errno));
        if (!is_stdin)
            close(fd);
        return;
    }
    if (is_stdin)
        j->rc = tool_worker_convert(w, stdin, NULL, out, &j->sum, j->err,
                                    sizeof j->err);
    else
        j->rc = tool_worker_convert_fd(w, fd, j->path, out, &j->sum, j->err,
                                       sizeof j->err);
    if (!is_stdin)
        close(fd);
    if (tmp) {
        if (fclose(out) != 0 && j->rc == EXIT_OK) {
            j->rc = EXIT_INPUT;
            snprintf(j->err, sizeof j->err, "cannot write %s: %s", tmp,
                     strerror(errno));
        }
        if (j->rc == EXIT_OK && rename(tmp, j->out) != 0) {
            j->rc = EXIT_INPUT;
            snprintf(j->err, sizeof j->err, "cannot write %s: %s", j->out,
                     strerror(errno));
        }
        if (j->rc != EXIT_OK)
            remove(tmp);
        free(tmp);
    }
}

static void run_job(batch *b, tool_worker *w, sink *sk, job *j)
{
    if (!w) {
        j->rc = EXIT_INPUT;
        snprintf(j->err, sizeof j->err, "out of memory");
    } else if (!j->skip) {
        convert_job(b, w, sk, j);
    }
}

/* May a worker take job b->next now?  (Called under mu.) */
static bool window_open(const batch *b)
{
    size_t ahead = b->next - b->consumed;
    if (ahead < b->n_jobs)
        return true;
    return ahead < WINDOW_DOCS &&
           b->pending + (size_t)b->jobs[b->next].size <= WINDOW_BYTES;
}

/* Has the main thread something to do?  A batch is done, or some done
 * documents wait while the workers need room or stop.  (Under mu.) */
static bool main_can_go(const batch *b)
{
    if (b->frontier >= b->main_target || !b->workers)
        return true;
    return b->frontier > b->consumed && (b->idle || tool_interrupted);
}

static void wake_main(batch *b)
{
    if (b->main_sleeping && main_can_go(b))
        pthread_cond_signal(&b->main_cv);
}

static void *worker_main(void *arg)
{
    batch *b = arg;
    tool_worker *w = tool_worker_new(b->o, b->rules);
    sink sk = {NULL, NULL};
    if (b->to_buffer)
        sink_open(&sk);
    job *j = NULL;
    pthread_mutex_lock(&b->mu);
    for (;;) {
        if (j) {
            /* hand the last one over, and take the next, in one go */
            j->state = JOB_DONE;
            while (b->frontier < b->n &&
                   b->jobs[b->frontier].state == JOB_DONE)
                b->frontier++;
            wake_main(b);
        }
        while (b->next < b->n && !tool_interrupted && !window_open(b)) {
            b->idle++;
            wake_main(b);
            pthread_cond_wait(&b->work_cv, &b->mu);
            b->idle--;
        }
        if (b->next >= b->n || tool_interrupted)
            break;
        j = &b->jobs[b->next++];
        j->state = JOB_RUNNING;
        b->pending += (size_t)j->size;
        if (b->to_buffer)
            j->mem = pool_take(b);
        pthread_mutex_unlock(&b->mu);
        run_job(b, w, &sk, j);
        pthread_mutex_lock(&b->mu);
    }
    /* the main thread may wait for a job nobody will take now */
    b->workers--;
    wake_main(b);
    pthread_mutex_unlock(&b->mu);
    if (sk.f)
        fclose(sk.f);
    tool_worker_free(w);
    return NULL;
}

/* ---- progress ------------------------------------------------------------------------ */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct progress {
    bool on;
    double start, last;
    size_t done, failed, total;
    double bytes, total_bytes;
} progress;

static void progress_draw(progress *pg, bool final)
{
    if (!pg->on)
        return;
    double t = now();
    if (!final && t - pg->last < 0.1)
        return;
    pg->last = t;
    double el = t - pg->start;
    double mbs = el > 0 ? pg->bytes / 1e6 / el : 0;
    double frac = pg->total_bytes > 0 ? pg->bytes / pg->total_bytes
                                      : (double)pg->done / (double)pg->total;
    double eta = frac > 0 ? el / frac - el : 0;
    char bar[31];
    int fill = (int)(frac * 30);
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '=' : (i == fill ? '>' : ' ');
    bar[30] = '\0';
    fprintf(stderr, "\r[%s] %zu/%zu docs  %.1f MB/s  ETA %d:%02d  %zu failed ",
            bar, pg->done, pg->total, mbs, (int)eta / 60, (int)eta % 60,
            pg->failed);
    if (final)
        fputc('\n', stderr);
}

/* ---- the main thread --------------------------------------------------------------- */

static int finish_job(batch *b, job *j, tool_db *db, progress *pg)
{
    const tool_opts *o = b->o;
    int rc = j->rc;
    if (j->skip) {
        if (!o->quiet && !pg->on)
            fprintf(stderr, "%s -> %s: up to date\n", j->path, j->out);
        return EXIT_OK;
    }
    if (rc == EXIT_INTERRUPTED)
        return rc;
    /* the JSON, wherever the worker left it */
    if (b->to_buffer && (j->mem.p || j->spill)) {
        char *data = j->mem.p;
        size_t len = j->mem.len;
        char *owned = NULL;
        if (j->spill) {
            long sz;
            fflush(j->spill);
            if (fseek(j->spill, 0, SEEK_END) == 0 && (sz = ftell(j->spill)) >= 0 &&
                fseek(j->spill, 0, SEEK_SET) == 0) {
                owned = malloc((size_t)sz + 1);
                if (owned && fread(owned, 1, (size_t)sz, j->spill) == (size_t)sz) {
                    data = owned;
                    len = (size_t)sz;
                }
            }
        }
        if (db) {
            cJSON *doc = data ? cJSON_ParseWithLength(data, len) : NULL;
            char err[256] = "";
            if (!doc || tool_db_add(db, doc, err, sizeof err) != EXIT_OK) {
                fprintf(stderr, "zhengce: %s: cannot store: %s\n", j->path,
                        err[0] ? err : "invalid JSON");
                rc = EXIT_INPUT;
            }
            cJSON_Delete(doc);
        }
        if (!o->outdir && !db && data && fwrite(data, 1, len, stdout) != len)
            rc = EXIT_INPUT;
        if (o->outdir && data) {
            /* -o together with a database: write the file here */
            size_t l = strlen(j->out) + 32;
            char *tmp = malloc(l);
            FILE *f = NULL;
            if (tmp) {
                snprintf(tmp, l, "%s.tmp%ld", j->out, (long)getpid());
                f = create_tmp(tmp);
            }
            if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0 ||
                rename(tmp, j->out) != 0) {
                fprintf(stderr, "zhengce: cannot write %s: %s\n", j->out,
                        strerror(errno));
                if (tmp)
                    remove(tmp);
                rc = EXIT_INPUT;
            }
            free(tmp);
        }
        free(owned);
    }
    /* j->mem goes back to the pool: the caller's, it may hold mu */
    if (j->spill)
        fclose(j->spill);
    j->spill = NULL;
    if (j->err[0] && rc != EXIT_OK)
        /* "cannot open x.txt: …" names the file already */
        fprintf(stderr, "%szhengce: %s%s%s\n", pg->on ? "\r\033[K" : "",
                strstr(j->err, j->path) ? "" : j->path,
                strstr(j->err, j->path) ? "" : ": ", j->err);
    else if (o->outdir && !o->quiet && !pg->on)
        fprintf(stderr,
                "%s -> %s: %zu sections, %zu assignments, %zu deadlines, "
                "%zu targets, %zu quantities, %zu warnings\n",
                j->path, j->out, j->sum.sections, j->sum.assignments,
                j->sum.deadlines, j->sum.targets, j->sum.quantities,
                j->sum.warnings);
    return rc;
}

/* Write out job i (in input order) and count it. */
static int consume(batch *b, size_t i, tool_db *db, progress *pg)
{
    int r = finish_job(b, &b->jobs[i], db, pg);
    pg->done++;
    pg->bytes += (double)b->jobs[i].size;
    if (r != EXIT_OK && r != EXIT_INTERRUPTED)
        pg->failed++;
    progress_draw(pg, false);
    return r == EXIT_INTERRUPTED ? EXIT_OK : r;
}

/* --jobs 1: no threads, one document after another. */
static int run_inline(batch *b, tool_db *db, progress *pg)
{
    int rc = EXIT_OK;
    tool_worker *w = tool_worker_new(b->o, b->rules);
    sink sk = {NULL, NULL};
    if (b->to_buffer)
        sink_open(&sk);
    for (size_t i = 0; i < b->n && !tool_interrupted; i++) {
        if (b->to_buffer)
            b->jobs[i].mem = pool_take(b);
        run_job(b, w, &sk, &b->jobs[i]);
        b->jobs[i].state = JOB_DONE;
        int r = consume(b, i, db, pg);
        pool_give(b, &b->jobs[i].mem);
        if (r > rc)
            rc = r;
    }
    if (sk.f)
        fclose(sk.f);
    tool_worker_free(w);
    return rc;
}

/* --jobs N: N workers, the main thread writes out in input order. */
static int run_pool(batch *b, tool_db *db, progress *pg)
{
    int rc = EXIT_OK;
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->work_cv, NULL);
    pthread_cond_init(&b->main_cv, NULL);
    pthread_t *th = calloc(b->n_jobs, sizeof *th);
    unsigned started = 0;
    pthread_mutex_lock(&b->mu);
    for (unsigned t = 0; th && t < b->n_jobs; t++)
        if (pthread_create(&th[t], NULL, worker_main, b) == 0)
            started++;
    b->workers = started;
    pthread_mutex_unlock(&b->mu);
    if (!started) {
        fprintf(stderr, "zhengce: cannot start worker threads\n");
        rc = EXIT_INPUT;
    }
    for (size_t i = 0; started && i < b->n;) {
        /* sleep until a batch is done, then write out every done job */
        pthread_mutex_lock(&b->mu);
        b->main_target = i + BATCH < b->n ? i + BATCH : b->n;
        while (!main_can_go(b)) {
            b->main_sleeping = true;
            pthread_cond_wait(&b->main_cv, &b->mu);
            b->main_sleeping = false;
        }
        size_t end = b->frontier;
        pthread_mutex_unlock(&b->mu);
        if (end == i)
            break; /* interrupted, or no worker left */
        size_t bytes = 0, start = i;
        for (; i < end; i++) {
            int r = consume(b, i, db, pg);
            if (r > rc)
                rc = r;
            bytes += (size_t)b->jobs[i].size;
        }
        pthread_mutex_lock(&b->mu);
        for (size_t k = start; k < end; k++)
            pool_give(b, &b->jobs[k].mem);
        b->consumed = end;
        b->pending -= bytes;
        if (b->idle)
            pthread_cond_broadcast(&b->work_cv);
        pthread_mutex_unlock(&b->mu);
    }
    pthread_mutex_lock(&b->mu);
    pthread_cond_broadcast(&b->work_cv);
    pthread_mutex_unlock(&b->mu);
    for (unsigned t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    free(th);
    pthread_mutex_destroy(&b->mu);
    pthread_cond_destroy(&b->work_cv);
    pthread_cond_destroy(&b->main_cv);
    return rc;
}

static bool up_to_date(const char *in, const char *out)
{
    struct stat si, so;
    if (stat(in, &si) != 0 || stat(out, &so) != 0)
        return false;
    return so.st_mtime > si.st_mtime ||
           (so.st_mtime == si.st_mtime &&
            so.st_mtim.tv_nsec >= si.st_mtim.tv_nsec);
}

int tool_batch(const tool_opts *o, const zc_rules *rules, char **args,
               size_t n_args)
{
    batch b;
    memset(&b, 0, sizeof b);
    b.o = o;
    b.rules = rules;
    int rc = EXIT_OK;
    for (size_t i = 0; i < n_args; i++) {
        struct stat st;
        if (strcmp(args[i], "-") && stat(args[i], &st) == 0 &&
            S_ISDIR(st.st_mode)) {
            /* corpus/ and corpus name the same files: corpus/x.txt */
            size_t l = strlen(args[i]);
            while (l > 1 && args[i][l - 1] == '/')
                args[i][--l] = '\0';
            int r = walk(&b, args[i], l + 1, 0);
            if (r > rc)
                rc = r;
        } else {
            /* a missing file is reported when its turn comes */
            if (!add_job(&b, args[i], args[i],
                         strcmp(args[i], "-") && stat(args[i], &st) == 0
                             ? st.st_size
                             : 0))
                rc = EXIT_INPUT;
        }
    }
    double total_bytes = 0;
    for (size_t i = 0; i < b.n; i++) {
        total_bytes += (double)b.jobs[i].size;
        if (o->outdir) {
            b.jobs[i].out = output_name(o->outdir, b.jobs[i].path, false, 0);
            if (!b.jobs[i].out)
                rc = EXIT_INPUT;
        }
    }
    if (o->outdir) {
        resolve_collisions(&b);
        for (size_t i = 0; i < b.n; i++)
            if (!o->force && b.jobs[i].out && strcmp(b.jobs[i].path, "-") &&
                up_to_date(b.jobs[i].path, b.jobs[i].out))
                b.jobs[i].skip = true;
    }

    tool_db *db = NULL;
    if (o->sqlite || o->csvdir) {
        char err[256] = "";
        db = tool_db_open(o, err, sizeof err);
        if (!db) {
            fprintf(stderr, "zhengce: %s\n", err);
            rc = EXIT_INPUT;
            goto out;
        }
    }
    unsigned jobs = o->jobs ? o->jobs : 1;
    if (jobs > b.n)
        jobs = b.n ? (unsigned)b.n : 1;
    /* one worker writing to stdout or to files needs no detour through
     * the main thread; several, or a database, do */
    b.to_buffer = db != NULL || (jobs > 1 && !o->outdir);
    b.n_jobs = jobs;

    progress pg = {o->progress && isatty(2), now(), 0, 0, 0, b.n, 0,
                   total_bytes};
    int r = jobs == 1 ? run_inline(&b, db, &pg) : run_pool(&b, db, &pg);
    if (r > rc)
        rc = r;
    progress_draw(&pg, true);
    /* results nobody consumed (interrupted): drop them */
    for (size_t i = 0; i < b.n; i++) {
        free(b.jobs[i].mem.p);
        if (b.jobs[i].spill)
            fclose(b.jobs[i].spill);
    }
    for (size_t i = 0; i < b.n_pool; i++)
        free(b.pool[i].p);
    if (db) {
        char err[256] = "";
        if (tool_db_close(db, err, sizeof err) != EXIT_OK) {
            fprintf(stderr, "zhengce: %s\n", err);
            rc = EXIT_INPUT;
        }
    }
    if (tool_interrupted) {
        fprintf(stderr, "zhengce: interrupted; %zu of %zu documents done\n",
                pg.done, b.n);
        rc = EXIT_INTERRUPTED;
    }
out:
    for (size_t i = 0; i < b.n; i++) {
        free(b.jobs[i].path);
        free(b.jobs[i].out);
    }
    free(b.jobs);
    return rc;
}
