/*
 * nojit.c - LD_PRELOAD shim for the valgrind test: pcre2_jit_compile()
 * fails, so every pattern runs in PCRE2's interpreter, which memcheck can
 * follow.  PCRE2's JIT-generated code reads memory in ways memcheck cannot
 * track (hundreds of "conditional jump depends on uninitialised value"
 * reports with no symbol, from Debian's PCRE2 built without
 * --enable-valgrind); suppressing them would need a pattern matching every
 * frame, which would hide real errors too.  The library already falls back
 * to the interpreter silently when JIT is unavailable (rules.c, meta.c), so
 * this is a path it supports.  The JIT path is covered by the ASan+UBSan
 * build and the fuzzers.
 */
#include <stdint.h>

/* PCRE2_ERROR_JIT_BADOPTION */
#define NOJIT_ERROR (-45)

int pcre2_jit_compile_8(void *code, uint32_t options);

int pcre2_jit_compile_8(void *code, uint32_t options)
{
    (void)code;
    (void)options;
    return NOJIT_ERROR;
}
