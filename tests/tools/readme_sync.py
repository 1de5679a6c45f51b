#!/usr/bin/env python3
"""Check that README.md's library example is tests/readme_example.c, so
the example people copy is the one the test suite compiles and runs."""
import sys

readme, example = sys.argv[1], sys.argv[2]
src = open(example, encoding="utf-8").read()
body = src[src.index("#include <extract_json.h>"):].rstrip("\n")
text = open(readme, encoding="utf-8").read()
if "```c\n" + body + "\n```" not in text:
    sys.exit("README.md's library example differs from %s: paste the file "
             "from its #include on into the ```c block" % example)
print("README example in sync")
