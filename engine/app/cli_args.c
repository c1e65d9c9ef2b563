#include "cli_args.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "outpaths.h"

/* Numbers on the command line are read as strictly as in the config: digits (and for reals
 * a point and an exponent), nothing around them; strtoll and strtod alone would take
 * " 20", "+20", "0x10", "inf" and "nan". */
static bool whole_syntax(const char *text)
{
    return text && text[0] && strspn(text, "0123456789") == strlen(text);
}

static bool real_syntax(const char *text)
{
    return text && ((text[0] >= '0' && text[0] <= '9') || text[0] == '.') &&
           strspn(text, "0123456789.eE+-") == strlen(text);
}

int bmc_arg_count(const char *opt, const char *text, long long lo, long long hi,
                       long long *out, bmc_err *err)
{
    char *end;
    errno = 0;
    long long v = whole_syntax(text) ? strtoll(text, &end, 10) : 0;
    if (!whole_syntax(text) || *end != '\0' || errno || v < lo || v > hi)
        return bmc_fail(err, BMC_EUSAGE, "%s needs a whole number in [%lld, %lld], got \"%s\"",
                        opt, lo, hi, text ? text : "");
    *out = v;
    return BMC_OK;
}

int bmc_arg_half_width(const char *opt, const char *text, double *out, bmc_err *err)
{
    char *end;
    errno = 0;
    double v = real_syntax(text) ? strtod(text, &end) : 0;
    if (!real_syntax(text) || *end != '\0' || errno || !(v >= 1e-6 && v <= 0.25))
        return bmc_fail(err, BMC_EUSAGE, "%s needs a half-width in [1e-06, 0.25], got \"%s\"",
                        opt, text ? text : "");
    *out = v;
    return BMC_OK;
}

int bmc_arg_seconds(const char *opt, const char *text, double *out, bmc_err *err)
{
    char *end;
    errno = 0;
    double v = real_syntax(text) ? strtod(text, &end) : 0;
    if (!real_syntax(text) || *end != '\0' || errno || !(v >= 0.01 && v <= 1e8))
        return bmc_fail(err, BMC_EUSAGE, "%s needs seconds in [0.01, 1e8], got \"%s\"", opt,
                        text ? text : "");
    *out = v;
    return BMC_OK;
}

/* A file name that the kernel can take whole: an --out of 5,000 bytes must not be cut to
 * another, shorter name. */
int bmc_arg_path(const char *opt, const char *text, const char **out, bmc_err *err)
{
    if (!text || !*text)
        return bmc_fail(err, BMC_EUSAGE, "%s needs a file name", opt);
    if (strlen(text) > BMC_PATH_MAX)
        return bmc_fail(err, BMC_EUSAGE, "%s: the file name has %zu bytes, more than the %d a "
                        "path may have", opt, strlen(text), BMC_PATH_MAX);
    *out = text;
    return BMC_OK;
}

int bmc_arg_set(const char *text, const char **sets, int *n, int max, bmc_err *err)
{
    if (!text)
        return bmc_fail(err, BMC_EUSAGE, "--set needs KEY.PATH=VALUE");
    if (*n == max)
        return bmc_fail(err, BMC_EUSAGE, "more than %d --set options", max);
    sets[(*n)++] = text;
    return BMC_OK;
}
