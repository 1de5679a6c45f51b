#!/usr/bin/env python3
"""Write a draft expectation for a corpus notice: the CLI's output with the
fields a person checks by hand (document, sections without text, warnings).

    tests/tools/draft_expected.py build/zhengce corpus/X.txt [...]

writes corpus/X.expected.json beside each input.  A draft is a starting
point: read it against the notice, correct it, then commit it.
"""
import json
import subprocess
import sys


def draft(zhengce, path):
    out = subprocess.run([zhengce, "--no-text", path], check=True,
                         capture_output=True).stdout
    doc = json.loads(out)
    keep = {k: doc[k] for k in ("document", "sections", "warnings")}
    target = path.rsplit(".", 1)[0] + ".expected.json"
    with open(target, "w", encoding="utf-8") as f:
        json.dump(keep, f, ensure_ascii=False, indent=1)
        f.write("\n")
    return target


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    for p in sys.argv[2:]:
        print(draft(sys.argv[1], p))
