#!/bin/sh
# Regenerate docs/review.png: the review page of a corpus notice with one
# item clicked, as headless Chromium shows it at 1280x900.
#
#   sh docs/review-screenshot.sh [build/zhengce] [NOTICE] [ITEM_TEXT]
#
# The click is simulated by a script added to a copy of the page with the
# page's own CSP nonce (a real page runs nothing it did not bring).  A CJK
# font (fonts-wqy-microhei or fonts-noto-cjk) makes the text readable, and
# pngquant, when installed, keeps the file small (README wants <= 300 KB).
set -eu
cd "$(dirname "$0")/.."
zhengce=${1:-build/zhengce}
notice=${2:-corpus/000_hangzhou_fazhi_yaodian_2019.txt}
item=${3:-90%以上}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$zhengce" review "$notice" > "$tmp/page.html"
nonce=$(grep -o "nonce-[0-9a-f]*" "$tmp/page.html" | head -n 1 | cut -d- -f2)
id=$(grep -o "id=\"i[0-9]*\" data-id=\"i[0-9]*\" [^>]*>$item" "$tmp/page.html" |
     head -n 1 | cut -d'"' -f2)
sed "s|</body>|<script nonce=\"$nonce\">document.getElementById('$id').click()</script></body>|" \
    "$tmp/page.html" > "$tmp/click.html"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update \
    --disable-sync --user-data-dir="$tmp/profile" --hide-scrollbars \
    --window-size=1280,900 --screenshot="$tmp/shot.png" \
    "file://$tmp/click.html" 2>/dev/null
if command -v pngquant >/dev/null; then
    pngquant --quality=70-95 --speed 1 --force --output docs/review.png \
        "$tmp/shot.png"
else
    cp "$tmp/shot.png" docs/review.png
fi
ls -l docs/review.png
