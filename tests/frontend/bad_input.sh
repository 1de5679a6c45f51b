#!/bin/sh
# bad_input.sh - hostile and broken input through the zhengce command:
# bounded memory, a well-formed JSON result for every file, and the other
# files of a batch still converted.
#
#   bad_input.sh [--known-bug rules-rss] [--no-rss-check]
#                ZHENGCE RULES_DIR TEST_DATA [GIB]
#
# 1. a 1 GiB notice with no line break (GIB GiB: generated on the fly and
#    piped to standard input, never written to disk): peak RSS under
#    64 MB, one JSON object out; measured without rules (the front end
#    and the segmenter) and with them (what a user runs);
# 2. a line of ten million digits and 200 MB of HTML paragraphs, the same
#    way;
# 3. one batch of a PNG, a .docx, an empty file, NUL bytes, a notice cut
#    mid-character, a GBK notice, an HTML page and a plain notice, all
#    named .txt: exit 0, one JSON line per file, in order, each with the
#    format and warning it should have.
#
# Peak memory is measured with /usr/bin/time -v (GNU time); a sanitizer
# build inflates it, so it is reported but not checked there
# (--no-rss-check).
#
# --known-bug rules-rss: KNOWN BUG (reported): with the rules, a 4 MiB
# top-level section (the default max_section_bytes, which a one-line file
# fills) costs the matcher about 100 MB (the folded copy keeps two 32-bit
# offsets per byte, plus PCRE2's heap).  With this flag a peak over the
# limit *with rules* is printed as KNOWN BUG; once it is under, the run
# fails with XPASS so the flag is removed from tests/CMakeLists.txt.
set -eu
known_rss=false
check_rss=true
while :; do
    case ${1:-} in
    --known-bug)
        [ "$2" = rules-rss ] || { echo "unknown known bug $2" >&2; exit 2; }
        known_rss=true
        shift 2 ;;
    --no-rss-check) check_rss=false; shift ;;
    *) break ;;
    esac
done
ZC=$1
RULES=$2
DATA=$3
GIB=${4:-1}
LIMIT_KB=65536
PY=$(command -v python3 || true)

fail() { echo "FAIL: $*" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "SKIP: /usr/bin/time (GNU time) missing"; exit 0; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# JSON check: python if there is one, else a shape check
check_json() { # file expect-substring...
    f=$1; shift
    [ "$(wc -l < "$f")" -ge 1 ] || fail "$f: no output"
    if [ -n "$PY" ]; then
        "$PY" -c 'import json,sys
for l in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(l)
    assert d["schema"] == "zhengce/1", d' "$f" || fail "$f: not JSON Lines"
    fi
    for want in "$@"; do
        grep -q -- "$want" "$f" || fail "$f: no $want in $(head -c 600 "$f")"
    done
}

# run NAME RULES|none GENERATOR... : generator | zhengce -, peak RSS
# checked
run_piped() {
    name=$1 rules=$2 gen=$3
    if [ "$rules" = none ]; then
        sh -c "$gen" | /usr/bin/time -v -o "$tmp/$name.time" \
            "$ZC" --no-rules --no-text -q - > "$tmp/$name.json" \
            || fail "$name: zhengce exited $?"
    else
        sh -c "$gen" | /usr/bin/time -v -o "$tmp/$name.time" \
            "$ZC" --rules "$rules" --no-text -q - > "$tmp/$name.json" \
            || fail "$name: zhengce exited $?"
    fi
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' \
          "$tmp/$name.time")
    secs=$(sed -n 's/.*Elapsed (wall clock) time.*: *//p' "$tmp/$name.time")
    echo "$name: peak RSS ${rss} kB, ${secs}"
    $check_rss || return 0
    if [ "$rss" -ge "$LIMIT_KB" ]; then
        if $known_rss && [ "$rules" != none ]; then
            echo "KNOWN BUG: $name with rules: peak RSS ${rss} kB >= ${LIMIT_KB} kB"
            return 0
        fi
        fail "$name: peak RSS ${rss} kB >= ${LIMIT_KB} kB"
    elif $known_rss && [ "$rules" != none ] && [ "$name" = one_line_rules ]; then
        fail "XPASS $name: peak RSS ${rss} kB with rules is under the limit; remove --known-bug rules-rss from tests/CMakeLists.txt"
    fi
}

bytes=$((GIB * 1073741824))
one_line="yes '中华人民共和国国务院办公厅关于进一步推进政务公开工作的意见，各地区、各部门要认真贯彻落实，到2025年底前完成90%以上。' | tr -d '\n' | head -c $bytes"
run_piped one_line none "$one_line"
check_json "$tmp/one_line.json" '"bytes":'"$bytes" '"truncated":true' \
    'truncated-section'
run_piped one_line_rules "$RULES" "$one_line"
check_json "$tmp/one_line_rules.json" '"bytes":'"$bytes" '"truncated":true'

run_piped digits "$RULES" "printf '一、总则\n'; head -c 10000000 /dev/zero | tr '\0' '7'; printf '\n二、附则\n'"
check_json "$tmp/digits.json" '"id":"2"'

run_piped html_paragraphs "$RULES" "printf '<!DOCTYPE html><html><body>\n'; yes '<p>一、<b>政务</b>公开&nbsp;工作（牵头单位：市政府办公厅）</p><div class=\"share\">分享到</div>' | head -c 200000000; printf '</body></html>\n'"
check_json "$tmp/html_paragraphs.json" '"format":"html"'

# ---- a batch of bad files ------------------------------------------------
b=$tmp/batch
mkdir "$b"
cp "$DATA/encoding/image.png.txt" "$b/1_png.txt"
cp "$DATA/encoding/notice.docx.txt" "$b/2_docx.txt"
: > "$b/3_empty.txt"
printf '\000\000\000\000\000\000\000\000\000\000' > "$b/4_nul.txt"
printf '一、总则\n（一）目的。\n二、附则\n中\346\226' > "$b/5_cut.txt"
cp "$DATA/encoding/mixed_gb18030.txt" "$b/6_gbk.txt"
cp "$DATA/html/sample.html" "$b/7_page.txt"
cp "$DATA/encoding/mixed.utf8.txt" "$b/8_plain.txt"
"$ZC" --rules "$RULES" --no-text -q -j 3 "$b"/1_png.txt "$b"/2_docx.txt \
    "$b"/3_empty.txt "$b"/4_nul.txt "$b"/5_cut.txt "$b"/6_gbk.txt \
    "$b"/7_page.txt "$b"/8_plain.txt > "$tmp/batch.json" \
    || fail "batch: zhengce exited $?"
[ "$(wc -l < "$tmp/batch.json")" -eq 8 ] || fail "batch: not 8 results"
check_json "$tmp/batch.json"
n=0
while IFS= read -r out; do
    n=$((n + 1))
    printf '%s\n' "$out" > "$tmp/one.json"
    case $n in
    1) check_json "$tmp/one.json" '"format":"binary"' 'binary-input' 'PNG' ;;
    2) check_json "$tmp/one.json" '"format":"binary"' 'binary-input' '.docx' ;;
    3) check_json "$tmp/one.json" 'empty-input' ;;
    4) check_json "$tmp/one.json" '"format":"binary"' ;;
    5) check_json "$tmp/one.json" 'truncated-utf8' '"id":"2"' ;;
    6) check_json "$tmp/one.json" '"encoding":"gb18030"' '"id":"2"' ;;
    7) check_json "$tmp/one.json" '"format":"html"' '"id":"2.2"' ;;
    8) check_json "$tmp/one.json" '"format":"text"' '"id":"2"' ;;
    esac
done < "$tmp/batch.json"
echo "batch: 8 files, 8 well-formed results"
echo "PASS"
