/*
 * error.c - status strings and the version.
 */
#include "internal.h"
#include "extract_version.h"

const char *zc_strerror(zc_status code)
{
    switch (code) {
    case ZC_OK: return "success";
    case ZC_ERR_NOMEM: return "out of memory";
    case ZC_ERR_ARG: return "invalid argument";
    case ZC_ERR_IO: return "input/output error";
    case ZC_ERR_RULE: return "invalid rule";
    case ZC_ERR_LIMIT: return "limit exceeded";
    case ZC_ERR_ABORTED: return "aborted by callback";
    case ZC_ERR_STATE: return "call out of order";
    }
    return "unknown error";
}

const char *zc_version(void)
{
    return ZC_VERSION_STRING;
}
