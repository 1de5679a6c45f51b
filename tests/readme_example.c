/* readme_example.c - the library example in README.md, compiled and run by
 * ctest (readme_example; its output is schema-checked by the schema test).
 * Keep the two in step: what README shows is what this file does.
 *
 *   readme_example RULES_DIR NOTICE.txt   prints the notice as JSON */
#include <extract_json.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    zc_rules *rules = NULL;
    if (argc != 3 || zc_rules_load_dir(argv[1], NULL, &rules, NULL) != ZC_OK)
        return 2;                                  /* bad rule file */
    FILE *in = fopen(argv[2], "rb");
    zc_json_writer *w = zc_json_writer_new(stdout, ZC_JSON_PRETTY);
    zc_callbacks cb;
    zc_json_writer_callbacks(w, &cb);              /* sections -> JSON */
    zc_parser *p = zc_parser_new(rules, NULL, &cb);
    zc_json_writer_begin(w, argv[2], NULL);
    zc_status st = in ? ZC_OK : ZC_ERR_IO;
    char buf[65536];
    while (st == ZC_OK && !feof(in) && !ferror(in)) /* any chunk size */
        st = zc_parser_feed(p, buf, fread(buf, 1, sizeof buf, in));
    if (st == ZC_OK)
        st = zc_parser_finish(p);
    zc_json_writer_end(w, p, st == ZC_OK ? NULL : zc_strerror(st));
    zc_parser_free(p); zc_json_writer_free(w); zc_rules_free(rules);
    if (in) fclose(in);
    return st == ZC_OK ? 0 : 1;
}
