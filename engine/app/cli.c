#include "cli.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <hdf5.h>
#include <string.h>

#include "backlogmc_version.h"
#include "commands.h"
#include "mpi_env.h"

static int exit_code(int status)
{
    switch (status) {
    case BMC_OK: return 0;
    case BMC_EUSAGE: return 2;
    case BMC_ECONFIG: return 3;
    case BMC_EIO: return 4;
    case BMC_EINTERRUPTED: return 5;
    case BMC_ESAVED: return 6;
    default: return 1;
    }
}

/* What was printed must have arrived: a table lost to a full disk (summary > /dev/full) is a
 * failure, not exit 0. */
static int flush_out(FILE *out, int rc, bmc_err *err)
{
    errno = 0;
    if (fflush(out) == 0 && !ferror(out))
        return rc;
    int e = errno ? errno : EIO;
    if (rc != BMC_OK)
        return rc;
    return bmc_fail(err, BMC_EIO, "cannot write to standard output: %s", strerror(e));
}

static bool is_help(const char *arg)
{
    return !strcmp(arg, "--help") || !strcmp(arg, "-h") || !strcmp(arg, "help");
}

int bmc_cli_main(int argc, char **argv, FILE *out, FILE *errout)
{
    bmc_err err = {{0}};
    /* GSL's default handler aborts; every GSL call we make checks its own arguments */
    gsl_set_error_handler_off();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int rc = BMC_OK;
    const bmc_command *cmd = argc >= 2 ? bmc_command_find(argv[1]) : NULL;
    bool help = argc >= 2 && is_help(argv[1]);
    for (int i = 2; cmd && i < argc && !help; i++)
        help = strcmp(argv[i - 1], "--set") && (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"));
    if (argc < 2)
        rc = bmc_fail(&err, BMC_EUSAGE, "no command given (try backlogmc --help)");
    else if (help)
        bmc_commands_usage(out);
    else if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version"))
        rc = argc == 2 ? (fprintf(out, "backlogmc %s (git %s)\n", BACKLOGMC_VERSION,
                                  BACKLOGMC_GIT_COMMIT), BMC_OK)
                       : bmc_fail(&err, BMC_EUSAGE, "version takes no arguments");
    else if (!cmd)
        rc = bmc_fail(&err, BMC_EUSAGE, "unknown command \"%s\" (try backlogmc --help)", argv[1]);
    else
        rc = cmd->run(argc - 1, argv + 1, out, &err);
    rc = flush_out(out, rc, &err);
    /* under MPI every rank has the same message (agreed): rank 0 says it */
    if (rc != BMC_OK && bmc_mpi_launch_rank() == 0)
        fprintf(errout, "backlogmc: %s\n", err.msg);
    /* Only now: MPI_Finalize waits for every rank, and mpirun ends the whole job as soon as
     * one rank exits non-zero, so a rank finalizing earlier could have rank 0 killed before it
     * printed the message (how to resume, what failed). */
    fflush(errout);
    bmc_mpi_stop();
    return exit_code(rc);
}
