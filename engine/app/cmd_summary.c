#include "commands.h"

#include <string.h>

#include "summary_cmd.h"

int bmc_cmd_summary(int argc, char **argv, FILE *out, bmc_err *err)
{
    if (argc != 2 || argv[1][0] == '-')
        return bmc_fail(err, BMC_EUSAGE, "summary needs one results FILE.h5");
    return bmc_summary_command(argv[1], out, err);
}
