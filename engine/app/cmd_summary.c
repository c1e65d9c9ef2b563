#include "commands.h"

#include <stdlib.h>
#include <string.h>

#include "backtest_h5.h"
#include "backtest_table.h"
#include "h5util.h"
#include "summary_cmd.h"

int bmc_cmd_summary(int argc, char **argv, FILE *out, bmc_err *err)
{
    if (argc != 2 || argv[1][0] == '-')
        return bmc_fail(err, BMC_EUSAGE, "summary needs one results or backtest FILE.h5");
    char format[64];
    if (bmc_h5_file_format(argv[1], format, sizeof format) &&
        !strcmp(format, BMC_BACKTEST_FORMAT)) {
        bmc_backtest_h5_info *in = malloc(sizeof *in);
        int rc = in ? bmc_backtest_h5_read(argv[1], in, err)
                    : bmc_fail(err, BMC_ENOMEM, "out of memory");
        if (rc == BMC_OK)
            bmc_backtest_print(argv[1], in, out);
        free(in);
        return rc;
    }
    return bmc_summary_command(argv[1], out, err);
}
