#include "status.h"

#include <stdarg.h>
#include <stdio.h>

int bmc_fail(bmc_err *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

const char *bmc_status_name(int code)
{
    switch (code) {
    case BMC_OK: return "ok";
    case BMC_ECONFIG: return "configuration error";
    case BMC_EUSAGE: return "usage error";
    case BMC_EIO: return "I/O error";
    case BMC_ENOMEM: return "out of memory";
    case BMC_EINTERRUPTED: return "interrupted";
    case BMC_EINTERNAL: return "internal error";
    case BMC_ESAVED: return "stopped, checkpoint saved";
    default: return "unknown error";
    }
}
