#!/bin/sh
# valgrind.sh - the zhengce command under valgrind memcheck: zero errors,
# zero definite or indirect leaks.
#
#   valgrind.sh ZHENGCE RULES_DIR CORPUS_DIR TEST_DATA NOJIT_SO
#
# Runs, each under memcheck with --error-exitcode=1 --leak-check=full
# --errors-for-leak-kinds=definite,indirect:
#   1. the whole corpus (every *.txt of CORPUS_DIR, two worker threads);
#   2. the web pages and encodings of TEST_DATA (HTML, GB18030, UTF-16,
#      binary files named .txt, invalid bytes);
#   3. the corpus loaded into SQLite and written as CSV;
#   4. --filter over text, html and broken records.
# PCRE2's JIT code is opaque to memcheck (hundreds of false "uninitialised
# value" reports without symbols), so NOJIT_SO is preloaded to make every
# pattern run in the interpreter; see nojit.c.  Skipped (77) without
# valgrind.
set -eu
ZC=$1
RULES=$2
CORPUS=$3
DATA=$4
NOJIT=$5

command -v valgrind >/dev/null 2>&1 || { echo "SKIP: valgrind not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

vg() { # NAME ARGS...: zhengce under memcheck, stdout to $tmp/NAME.out
    name=$1
    shift
    if ! LD_PRELOAD=$NOJIT valgrind -q --error-exitcode=1 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect --track-origins=no \
        --log-file="$tmp/$name.vg" "$ZC" --rules "$RULES" "$@" \
        > "$tmp/$name.out" 2> "$tmp/$name.err" < "${STDIN:-/dev/null}"; then
        if [ -s "$tmp/$name.vg" ]; then
            echo "FAIL: $name: valgrind reports:" >&2
            head -60 "$tmp/$name.vg" >&2
            exit 1
        fi
        # no valgrind report: zhengce's own exit status; fine for the
        # deliberately broken inputs, which are checked below
    fi
    if [ -s "$tmp/$name.vg" ]; then
        echo "FAIL: $name: valgrind reports:" >&2
        head -60 "$tmp/$name.vg" >&2
        exit 1
    fi
    echo "ok   $name: $(wc -l < "$tmp/$name.out") lines out, memcheck clean"
}

# 1. the corpus
vg corpus -q -j2 "$CORPUS"
n=$(ls "$CORPUS"/*.txt | wc -l)
[ "$(wc -l < "$tmp/corpus.out")" -eq "$n" ] || {
    echo "FAIL: corpus: $n notices, $(wc -l < "$tmp/corpus.out") lines" >&2
    exit 1; }

# 2. pages and encodings
set --
for f in "$DATA"/html/*.html "$DATA"/encoding/* "$DATA"/decode/* \
         "$DATA"/parser/* "$DATA"/clean/*.txt; do
    [ -f "$f" ] && set -- "$@" "$f"
done
vg data -q -j1 --explain "$@"

# 3. SQLite and CSV
vg sqlite -q --sqlite "$tmp/z.db" --csv "$tmp/csv" "$CORPUS"

# 4. --filter
printf '%s\n' \
    '{"id":1,"text":"一、总体要求\n（一）到2025年底，网办率达到90%以上。（牵头单位：市政府办公厅）"}' \
    '{"id":2,"html":"<html><body><p>二、工作任务</p><!-- x --><p>每年至少举办2次。</p></body></html>"}' \
    '{"id":3,"url":"u","text":""}' \
    'not json' \
    '{"id":[1,{"a":null}],"text":7}' > "$tmp/records.jsonl"
STDIN=$tmp/records.jsonl vg filter --filter
[ "$(wc -l < "$tmp/filter.out")" -eq 5 ] || {
    echo "FAIL: filter: 5 records, $(wc -l < "$tmp/filter.out") lines" >&2
    exit 1; }
echo "valgrind: every run clean"
