/*
 * replay.c - run a fuzz target over saved inputs without libFuzzer, so the
 * regression inputs (tests/fuzz/regressions/) and the seed corpora are
 * checked in every build, gcc and sanitizer builds included.
 *
 *   replay_TARGET [--prefix HEX] FILE|DIR...
 *
 * --prefix puts the bytes HEX in front of every input that follows: the
 * configuration bytes fuzz_extract reads first, so plain notices
 * (corpus/) can be replayed with chosen options.
 *
 * Calls the target's LLVMFuzzerInitialize once, then LLVMFuzzerTestOneInput
 * on every FILE and on every regular file of every DIR (not recursive,
 * name order, dot files skipped).  A failed check aborts, as under
 * libFuzzer; exit status 0 means every input passed.  Linked with the same
 * harness source as the libFuzzer binary.
 */
#include "fuzz_util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static size_t n_inputs;
static unsigned char prefix[64];
static size_t n_prefix;

static void run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        exit(2);
    }
    fz_buf b = {NULL, 0, 0};
    fz_buf_add(&b, (const char *)prefix, n_prefix);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fz_buf_add(&b, chunk, n);
    fclose(f);
    /* an empty file: a valid non-NULL pointer, as libFuzzer passes */
    LLVMFuzzerTestOneInput(b.ptr ? (const uint8_t *)b.ptr
                                 : (const uint8_t *)"",
                           b.len);
    fz_buf_free(&b);
    n_inputs++;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "replay: cannot open %s\n", dir);
        exit(2);
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                abort();
        }
        size_t l = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = malloc(l);
        if (!names[n])
            abort();
        snprintf(names[n++], l, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
            run_file(names[i]);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--prefix") && i + 1 < argc) {
            const char *h = argv[++i];
            n_prefix = 0;
            while (h[0] && h[1] && n_prefix < sizeof prefix) {
                unsigned v;
                if (sscanf(h, "%2x", &v) != 1)
                    break;
                prefix[n_prefix++] = (unsigned char)v;
                h += 2;
            }
            continue;
        }
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            run_dir(argv[i]);
        else
            run_file(argv[i]);
    }
    printf("%zu inputs passed\n", n_inputs);
    return 0;
}
