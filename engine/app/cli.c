#include "cli.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <hdf5.h>
#include <stdlib.h>
#include <string.h>

#include "backlogmc_version.h"
#include "model.h"
#include "params.h"
#include "projection.h"
#include "mpi_comm.h"
#include "mpi_env.h"
#include "outpaths.h"
#include "run.h"
#include "run_input.h"
#include "summary_cmd.h"
#include "attribute_cmd.h"
#include "monitor_cmd.h"
#include "state_cmd.h"
#include "yamlcfg.h"

#define MAX_SETS 256

static const char USAGE[] =
    "usage: backlogmc run CONFIG [options]   simulate the scenarios, write an HDF5 file\n"
    "       backlogmc check CONFIG [--set K=V ...]\n"
    "                                        validate, print the parameters and the central\n"
    "                                        projection\n"
    "       backlogmc summary FILE.h5        quantiles, probabilities and provenance of a\n"
    "                                        results file as a plain table\n"
    "       backlogmc state CONFIG --as-of DATE [--state FILE] [--set K=V ...]\n"
    "                                        the central projection's state at the end of\n"
    "                                        DATE as a state file (whole cases), on stdout\n"
    "       backlogmc monitor FORECAST.h5 STATE [--out FILE.h5 [--force]]\n"
    "                                        where the state's observed values lie in the\n"
    "                                        forecast's monthly distributions\n"
    "       backlogmc attribute OLD NEW [--old-state FILE] [--new-state FILE] [--scenarios N]\n"
    "                 [--seed S] [--threads T] [--resamples B] [--out FILE.h5 [--force]]\n"
    "                                        why the forecast moved from OLD to NEW (results\n"
    "                                        files or configurations), group by group\n"
    "       backlogmc version                version and git commit\n"
    "       backlogmc --help                 this text\n"
    "\n"
    "run options:\n"
    "  --scenarios N       number of scenarios (default: run.scenarios of the config)\n"
    "  --precision H       instead: run batches until the 95 % interval of P(complete by\n"
    "                      target) has half-width <= H (default: run.precision of the config)\n"
    "  --precision-batch N scenarios per batch; the stop is decided only after whole batches\n"
    "                      (default: run.precision.batch, else 1000)\n"
    "  --max-scenarios N   most scenarios of a precision stop (default:\n"
    "                      run.precision.max_scenarios, else 1000000)\n"
    "  --seed S            master seed (default: run.seed of the config)\n"
    "  --out FILE          output file (default: results/<config name>.h5); never an input,\n"
    "                      and an existing file only with --force\n"
    "  --force             replace an earlier backlogmc results file at the output path\n"
    "                      (nothing else is ever replaced)\n"
    "  --set KEY.PATH=V    override any config key, validated like the file (repeatable)\n"
    "  --state FILE        start from the actual state in FILE (also for check; default:\n"
    "                      state: of the config)\n"
    "  --threads T         OpenMP threads per rank (default: OMP_NUM_THREADS, else the\n"
    "                      cores, shared by the ranks of a node)\n"
    "  --trajectories      also write monthly trajectories per scenario (large)\n"
    "  --check-invariants  verify the conservation laws every simulated day (slower)\n"
    "  --quiet             no progress lines on stderr\n"
    "  --checkpoint FILE   save finished scenarios to FILE as they complete, durably every\n"
    "                      --checkpoint-every seconds and on SIGTERM, SIGINT, SIGUSR1,\n"
    "                      SIGHUP or SIGQUIT, which then stop the run with exit code 6;\n"
    "                      FILE must not exist (an earlier one: --resume it or remove it)\n"
    "  --checkpoint-every S  seconds between syncs of the checkpoint (default 300)\n"
    "  --block-size N      scenarios per rank and round (default 4096; fewer with\n"
    "                      --trajectories): memory, and how often results are saved\n"
    "  --resume FILE       finish the run saved in checkpoint FILE (same config, --set,\n"
    "                      --seed, --scenarios, --trajectories; any threads and ranks)\n"
    "  under mpirun -np K: K ranks share the scenarios; rank 0 writes the output\n"
    "\n"
    "exit codes: 0 success, 1 internal error or out of memory, 2 bad command line\n"
    "            (also a refused output or checkpoint path), 3 configuration error,\n"
    "            4 input/output error, 5 stopped by a signal (no output), 6 stopped by a\n"
    "            signal after saving the checkpoint\n";

typedef struct cli_args {
    const char *command;
    const char *config;
    const char *out;
    const char *sets[MAX_SETS];
    int n_sets;
    long long scenarios; /* -1 = from config */
    long long seed;      /* -1 = from config */
    int threads;
    bool trajectories, check_invariants, quiet, help, force;
    const char *state;           /* --state FILE */
    const char *checkpoint;      /* --checkpoint or --resume FILE */
    double checkpoint_every;     /* seconds; 0 = default */
    long long block_size;        /* 0 = default */
    bool resume;
    double precision;            /* 0 = from config */
    long long precision_batch, max_scenarios; /* 0 = from config */
} cli_args;

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

static int parse_count(const char *opt, const char *text, long long lo, long long hi,
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

static int parse_fraction(const char *opt, const char *text, double *out, bmc_err *err)
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

static int parse_seconds(const char *opt, const char *text, double *out, bmc_err *err)
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
static int parse_path(const char *opt, const char *text, const char **out, bmc_err *err)
{
    if (!text || !*text)
        return bmc_fail(err, BMC_EUSAGE, "%s needs a file name", opt);
    if (strlen(text) > BMC_PATH_MAX)
        return bmc_fail(err, BMC_EUSAGE, "%s: the file name has %zu bytes, more than the %d a "
                        "path may have", opt, strlen(text), BMC_PATH_MAX);
    *out = text;
    return BMC_OK;
}

static int parse_args(int argc, char **argv, cli_args *a, bmc_err *err)
{
    memset(a, 0, sizeof *a);
    a->scenarios = a->seed = -1;
    int i = 1;
    if (argc < 2)
        return bmc_fail(err, BMC_EUSAGE, "no command given (try backlogmc --help)");
    a->command = argv[i++];
    if (!strcmp(a->command, "--help") || !strcmp(a->command, "-h") ||
        !strcmp(a->command, "help")) {
        a->help = true;
        return BMC_OK;
    }
    if (!strcmp(a->command, "version") || !strcmp(a->command, "--version"))
        return argc == 2 ? BMC_OK : bmc_fail(err, BMC_EUSAGE, "version takes no arguments");
    if (!strcmp(a->command, "summary")) {
        /* one results file, no options: a->config holds its path */
        if (argc == 3 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")))
            a->help = true;
        else if (argc != 3 || argv[2][0] == '-')
            return bmc_fail(err, BMC_EUSAGE, "summary needs one results FILE.h5");
        a->config = argv[2];
        return BMC_OK;
    }
    if (!strcmp(a->command, "state") || !strcmp(a->command, "monitor") ||
        !strcmp(a->command, "attribute")) {
        a->help = argc == 3 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"));
        return BMC_OK; /* the command parses its own arguments */
    }
    if (strcmp(a->command, "run") && strcmp(a->command, "check"))
        return bmc_fail(err, BMC_EUSAGE, "unknown command \"%s\" (try backlogmc --help)",
                        a->command);
    bool is_run = !strcmp(a->command, "run");
    for (; i < argc; i++) {
        const char *o = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        long long v = 0;
        int rc = BMC_OK;
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            a->help = true;
            return BMC_OK;
        } else if (!strcmp(o, "--set")) {
            if (!val)
                return bmc_fail(err, BMC_EUSAGE, "--set needs KEY.PATH=VALUE");
            if (a->n_sets == MAX_SETS)
                return bmc_fail(err, BMC_EUSAGE, "more than %d --set options", MAX_SETS);
            a->sets[a->n_sets++] = val;
            i++;
        } else if (!strcmp(o, "--state")) {
            if (!val || !*val)
                return bmc_fail(err, BMC_EUSAGE, "--state needs a file name");
            a->state = val;
            i++;
        } else if (is_run && !strcmp(o, "--scenarios")) {
            rc = parse_count(o, val, 1, 1000000000000LL, &a->scenarios, err);
            i++;
        } else if (is_run && !strcmp(o, "--seed")) {
            rc = parse_count(o, val, 0, 9007199254740991LL, &a->seed, err);
            i++;
        } else if (is_run && !strcmp(o, "--threads")) {
            rc = parse_count(o, val, 1, 4096, &v, err);
            a->threads = (int)v;
            i++;
        } else if (is_run && !strcmp(o, "--out")) {
            rc = parse_path(o, val, &a->out, err);
            i++;
        } else if (is_run && !strcmp(o, "--force")) {
            a->force = true;
        } else if (is_run && !strcmp(o, "--trajectories")) {
            a->trajectories = true;
        } else if (is_run && !strcmp(o, "--check-invariants")) {
            a->check_invariants = true;
        } else if (is_run && !strcmp(o, "--quiet")) {
            a->quiet = true;
        } else if (is_run && (!strcmp(o, "--checkpoint") || !strcmp(o, "--resume"))) {
            const char *path;
            BMC_TRY(parse_path(o, val, &path, err));
            if (a->checkpoint && strcmp(a->checkpoint, val))
                return bmc_fail(err, BMC_EUSAGE, "--checkpoint and --resume name one file");
            a->checkpoint = val;
            a->resume = a->resume || !strcmp(o, "--resume");
            i++;
        } else if (is_run && !strcmp(o, "--precision")) {
            rc = parse_fraction(o, val, &a->precision, err);
            i++;
        } else if (is_run && !strcmp(o, "--precision-batch")) {
            rc = parse_count(o, val, 1, 1000000000LL, &a->precision_batch, err);
            i++;
        } else if (is_run && !strcmp(o, "--max-scenarios")) {
            rc = parse_count(o, val, 1, 1000000000000LL, &a->max_scenarios, err);
            i++;
        } else if (is_run && !strcmp(o, "--block-size")) {
            rc = parse_count(o, val, 1, 1 << 24, &a->block_size, err);
            i++;
        } else if (is_run && !strcmp(o, "--checkpoint-every")) {
            rc = parse_seconds(o, val, &a->checkpoint_every, err);
            i++;
        } else if (o[0] == '-' && o[1] != '\0') {
            return bmc_fail(err, BMC_EUSAGE, "unknown option \"%s\" for %s (try --help)", o,
                            a->command);
        } else if (!a->config) {
            a->config = o;
        } else {
            return bmc_fail(err, BMC_EUSAGE, "unexpected argument \"%s\"", o);
        }
        if (rc != BMC_OK)
            return rc;
    }
    if (!a->config)
        return bmc_fail(err, BMC_EUSAGE, "%s needs a CONFIG file", a->command);
    if (a->checkpoint_every > 0 && !a->checkpoint)
        return bmc_fail(err, BMC_EUSAGE, "--checkpoint-every needs --checkpoint FILE (or "
                                         "--resume FILE): without one nothing is saved");
    if (a->precision > 0 && a->scenarios > 0)
        return bmc_fail(err, BMC_EUSAGE, "--scenarios fixes the number of scenarios, --precision "
                                         "lets it follow from the precision: give one (the "
                                         "cap of --precision is --max-scenarios)");
    return BMC_OK;
}

static bmc_run_input_args input_args(const cli_args *a, bool deterministic)
{
    return (bmc_run_input_args){.config = a->config, .sets = a->sets, .n_sets = a->n_sets,
                                .scenarios = a->scenarios, .seed = a->seed,
                                .deterministic = deterministic, .state = a->state};
}

/* results/<config file name without directory and extension>.h5 */
static void default_out(const char *config, char *buf, size_t n)
{
    const char *base = strrchr(config, '/');
    base = base ? base + 1 : config;
    size_t len = strcspn(base, ".");
    snprintf(buf, n, "results/%.*s.h5", (int)len, base);
}

static void print_summary(const bmc_model *m, const bmc_run_options *o,
                          const bmc_run_summary *s, const char *out, FILE *to)
{
    char median[11] = "", target[11];
    bmc_date_format(m->p.target_date, target);
    if (s->median_day >= 0)
        bmc_date_format(bmc_calendar_date(m->cal, s->median_day), median);
    /* the rate of this process: scenarios from a checkpoint took no time */
    double simulated = (double)(s->scenarios - s->resumed);
    fprintf(to, "wrote %s: %lld scenarios in %.2f s (%.0f scenarios/s on ", out,
            (long long)s->scenarios, s->seconds, simulated / (s->seconds > 0 ? s->seconds : 1));
    if (s->ranks > 1)
        fprintf(to, "%d ranks x ", s->ranks);
    fprintf(to, "%d threads)\n", s->threads);
    if (s->resumed > 0)
        fprintf(to, "resumed: %lld scenarios came from the checkpoint\n", (long long)s->resumed);
    if (o->precision > 0)
        fprintf(to, "precision stop: 95 %% interval half-width %.4f %s %g after %lld scenarios "
                    "(batches of %lld, at most %lld)\n",
                s->half_width, s->precision_reached ? "<=" : "still above", o->precision,
                (long long)s->scenarios, (long long)o->precision_batch,
                (long long)o->scenarios);
    fprintf(to, "median completion of the old cases: %s\n",
            s->median_day >= 0 ? median : "beyond the horizon");
    fprintf(to, "P(all old cases decided by %s) = %.3f; completed by the horizon in %.1f %%\n",
            target, (double)s->by_target / (double)s->scenarios,
            100.0 * (double)s->completed / (double)s->scenarios);
    for (int v = 0; v < s->n_variants; v++) {
        const char *name = o->variants[v].name;
        if (s->variant[v].median_day >= 0)
            bmc_date_format(bmc_calendar_date(m->cal, s->variant[v].median_day), median);
        fprintf(to, "variant %s: median %s, P(by %s) = %.3f, later than the base in %.1f %% "
                    "of the scenarios\n",
                name, s->variant[v].median_day >= 0 ? median : "beyond the horizon", target,
                (double)s->variant[v].by_target / (double)s->scenarios,
                100.0 * (double)s->variant[v].later / (double)s->scenarios);
    }
}

static int command_run(const cli_args *a, FILE *out, bmc_err *err)
{
    bmc_run_input in = {0};
    char out_path[4096];
    int rc = bmc_mpi_start(err); /* only under an MPI launcher (mpi_env.h) */
    if (rc == BMC_OK) {
        bmc_run_input_args ia = input_args(a, false);
        rc = bmc_run_input_load(&ia, &in, err);
    }
    /* a rank that failed to get here must not leave the others waiting in bmc_run */
    rc = bmc_mpi_agree_world(rc, err);
    if (rc == BMC_OK) {
        if (a->out)
            snprintf(out_path, sizeof out_path, "%s", a->out);
        else
            default_out(a->config, out_path, sizeof out_path);
        /* an explicit --scenarios runs that many, whatever the config's precision stop */
        double precision = a->precision > 0   ? a->precision
                           : a->scenarios > 0 ? 0
                                              : in.p.precision_half_width;
        int64_t max = a->max_scenarios > 0 ? a->max_scenarios : in.p.max_scenarios;
        int64_t batch = a->precision_batch > 0 ? a->precision_batch : in.p.precision_batch;
        if (precision <= 0 && (a->max_scenarios > 0 || a->precision_batch > 0))
            rc = bmc_fail(err, BMC_EUSAGE, "--max-scenarios and --precision-batch belong to a "
                                           "precision stop (--precision or run.precision)");
        bmc_run_options o = {
            .scenarios = precision > 0 ? max : in.p.scenarios,
            .precision = precision,
            .precision_batch = batch,
            .seed = in.p.seed,
            .out_path = out_path,
            .threads = a->threads,
            .trajectories = a->trajectories,
            .check_invariants = a->check_invariants,
            .quiet = a->quiet,
            .config_name = a->config,
            .config_text = in.text,
            .state_text = in.state_text,
            .as_of = in.p.start.as_of,
            .checkpoint = a->checkpoint,
            .checkpoint_every = a->checkpoint_every,
            .resume = a->resume,
            .force = a->force,
            .block_size = (int)a->block_size,
            .n_variants = in.n_variants,
            .variants = in.variants,
        };
        o.inputs = in.inputs;
        o.n_inputs = in.n_inputs;
        bmc_run_summary s;
        if (rc == BMC_OK)
            rc = bmc_run(in.m, &o, &s, err);
        if (rc == BMC_OK && bmc_mpi_launch_rank() == 0)
            print_summary(in.m, &o, &s, out_path, out);
    }
    bmc_run_input_free(&in);
    bmc_mpi_stop();
    return rc;
}

static int command_check(const cli_args *a, FILE *out, bmc_err *err)
{
    bmc_run_input in = {0};
    bmc_run_input_args ia = input_args(a, true);
    int rc = bmc_run_input_load(&ia, &in, err);
    if (rc == BMC_OK && in.state_text) {
        char as_of[11];
        bmc_date_format(in.p.start.as_of, as_of);
        fprintf(out, "%s: state is valid; the run starts from it, as of %s\n", in.state_name,
                as_of);
    }
    if (rc == BMC_OK) {
        fprintf(out, "%s: configuration is valid\n\n", a->config);
        bmc_params_print(&in.p, out);
        fprintf(out, "\n");
    }
    bmc_projection pr;
    if (rc == BMC_OK)
        rc = bmc_projection_run(in.m, &pr, err);
    if (rc == BMC_OK)
        bmc_projection_print(in.m, &pr, out);
    for (int v = 0; rc == BMC_OK && v < in.n_variants; v++) {
        fprintf(out, "\nvariant %s%s%s\n", in.variants[v].name,
                in.variants[v].description[0] ? ": " : "", in.variants[v].description);
        fprintf(out, "  override:\n");
        for (const char *l = in.variants[v].overrides; *l;) {
            size_t n = strcspn(l, "\n");
            fprintf(out, "    %.*s\n", (int)n, l);
            l += n + (l[n] == '\n');
        }
        rc = bmc_projection_run(in.vm[v], &pr, err);
        if (rc == BMC_OK)
            bmc_projection_print(in.vm[v], &pr, out);
    }
    bmc_run_input_free(&in);
    return rc;
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

int bmc_cli_main(int argc, char **argv, FILE *out, FILE *errout)
{
    bmc_err err = {{0}};
    cli_args a;
    /* GSL's default handler aborts; every GSL call we make checks its own arguments */
    gsl_set_error_handler_off();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    int rc = parse_args(argc, argv, &a, &err);
    if (rc == BMC_OK && a.help)
        fputs(USAGE, out);
    else if (rc == BMC_OK && (!strcmp(a.command, "version") || !strcmp(a.command, "--version")))
        fprintf(out, "backlogmc %s (git %s)\n", BACKLOGMC_VERSION, BACKLOGMC_GIT_COMMIT);
    else if (rc == BMC_OK && !strcmp(a.command, "state"))
        rc = bmc_state_command(argc - 2, argv + 2, out, &err);
    else if (rc == BMC_OK && !strcmp(a.command, "monitor"))
        rc = bmc_monitor_command(argc - 2, argv + 2, out, &err);
    else if (rc == BMC_OK && !strcmp(a.command, "attribute"))
        rc = bmc_attribute_command(argc - 2, argv + 2, out, &err);
    else if (rc == BMC_OK)
        rc = !strcmp(a.command, "run")       ? command_run(&a, out, &err)
             : !strcmp(a.command, "summary") ? bmc_summary_command(a.config, out, &err)
                                             : command_check(&a, out, &err);
    rc = flush_out(out, rc, &err);
    /* under MPI every rank has the same message (agreed): rank 0 says it */
    if (rc != BMC_OK && bmc_mpi_launch_rank() == 0)
        fprintf(errout, "backlogmc: %s\n", err.msg);
    return exit_code(rc);
}
