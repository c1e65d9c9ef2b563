#include "commands.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "model.h"
#include "mpi_comm.h"
#include "mpi_env.h"
#include "outpaths.h"
#include "run.h"
#include "run_input.h"
#include "yamlcfg.h"


const char bmc_cmd_run_options[] =
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
    "  --state FILE        start from the actual state in FILE (default: state: of the\n"
    "                      config; MODEL.md section 12); also for check\n"
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
    "  --timing            at the end, print per rank on stderr the scenarios it simulated,\n"
    "                      its seconds simulating, summarising, writing output and in MPI,\n"
    "                      and the bytes it sent\n"
    "  under mpirun -np K: K ranks share the scenarios; rank 0 writes the output\n"
    "\n";

typedef struct run_args {
    const char *config;
    const char *out;
    const char *sets[BMC_MAX_SET_OPTIONS];
    int n_sets;
    long long scenarios; /* -1 = from config */
    long long seed;      /* -1 = from config */
    int threads;
    bool trajectories, check_invariants, quiet, force, timing;
    const char *state;           /* --state FILE */
    const char *checkpoint;      /* --checkpoint or --resume FILE */
    double checkpoint_every;     /* seconds; 0 = default */
    long long block_size;        /* 0 = default */
    bool resume;
    double precision;            /* 0 = from config */
    long long precision_batch, max_scenarios; /* 0 = from config */
} run_args;

static int parse_run_args(int argc, char **argv, run_args *a, bmc_err *err)
{
    memset(a, 0, sizeof *a);
    a->scenarios = a->seed = -1;
    const char *command = argv[0];
    int i = 1;
    for (; i < argc; i++) {
        const char *o = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        long long v = 0;
        int rc = BMC_OK;
        if (!strcmp(o, "--set")) {
            BMC_TRY(bmc_arg_set(val, a->sets, &a->n_sets, BMC_MAX_SET_OPTIONS, err));
            i++;
        } else if (!strcmp(o, "--scenarios")) {
            rc = bmc_arg_count(o, val, 1, 1000000000000LL, &a->scenarios, err);
            i++;
        } else if (!strcmp(o, "--seed")) {
            rc = bmc_arg_count(o, val, 0, 9007199254740991LL, &a->seed, err);
            i++;
        } else if (!strcmp(o, "--threads")) {
            rc = bmc_arg_count(o, val, 1, 4096, &v, err);
            a->threads = (int)v;
            i++;
        } else if (!strcmp(o, "--out")) {
            rc = bmc_arg_path(o, val, &a->out, err);
            i++;
        } else if (!strcmp(o, "--force")) {
            a->force = true;
        } else if (!strcmp(o, "--state")) {
            rc = bmc_arg_path(o, val, &a->state, err);
            i++;
        } else if (!strcmp(o, "--trajectories")) {
            a->trajectories = true;
        } else if (!strcmp(o, "--check-invariants")) {
            a->check_invariants = true;
        } else if (!strcmp(o, "--quiet")) {
            a->quiet = true;
        } else if (!strcmp(o, "--timing")) {
            a->timing = true;
        } else if ((!strcmp(o, "--checkpoint") || !strcmp(o, "--resume"))) {
            const char *path;
            BMC_TRY(bmc_arg_path(o, val, &path, err));
            if (a->checkpoint && strcmp(a->checkpoint, val))
                return bmc_fail(err, BMC_EUSAGE, "--checkpoint and --resume name one file");
            a->checkpoint = val;
            a->resume = a->resume || !strcmp(o, "--resume");
            i++;
        } else if (!strcmp(o, "--precision")) {
            rc = bmc_arg_half_width(o, val, &a->precision, err);
            i++;
        } else if (!strcmp(o, "--precision-batch")) {
            rc = bmc_arg_count(o, val, 1, 1000000000LL, &a->precision_batch, err);
            i++;
        } else if (!strcmp(o, "--max-scenarios")) {
            rc = bmc_arg_count(o, val, 1, 1000000000000LL, &a->max_scenarios, err);
            i++;
        } else if (!strcmp(o, "--block-size")) {
            rc = bmc_arg_count(o, val, 1, 1 << 24, &a->block_size, err);
            i++;
        } else if (!strcmp(o, "--checkpoint-every")) {
            rc = bmc_arg_seconds(o, val, &a->checkpoint_every, err);
            i++;
        } else if (o[0] == '-' && o[1] != '\0') {
            return bmc_fail(err, BMC_EUSAGE, "unknown option \"%s\" for %s (try --help)", o,
                            command);
        } else if (!a->config) {
            a->config = o;
        } else {
            return bmc_fail(err, BMC_EUSAGE, "unexpected argument \"%s\"", o);
        }
        if (rc != BMC_OK)
            return rc;
    }
    if (!a->config)
        return bmc_fail(err, BMC_EUSAGE, "%s needs a CONFIG file", command);
    if (a->checkpoint_every > 0 && !a->checkpoint)
        return bmc_fail(err, BMC_EUSAGE, "--checkpoint-every needs --checkpoint FILE (or "
                                         "--resume FILE): without one nothing is saved");
    if (a->precision > 0 && a->scenarios > 0)
        return bmc_fail(err, BMC_EUSAGE, "--scenarios fixes the number of scenarios, --precision "
                                         "lets it follow from the precision: give one (the "
                                         "cap of --precision is --max-scenarios)");
    return BMC_OK;
}

static bmc_run_input_args input_args(const run_args *a, bool deterministic)
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

static int run_command(const run_args *a, FILE *out, bmc_err *err)
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
            .timing = a->timing,
        };
        o.inputs = in.inputs;
        o.n_inputs = in.n_inputs;
        bmc_run_summary s;
        if (rc == BMC_OK)
            rc = bmc_run_input_attach_design(&in, precision > 0, o.scenarios, batch, err);
        if (rc == BMC_OK)
            rc = bmc_run(in.m, &o, &s, err);
        if (rc == BMC_OK && bmc_mpi_launch_rank() == 0)
            print_summary(in.m, &o, &s, out_path, out);
    }
    bmc_run_input_free(&in);
    return rc; /* MPI ends in cli.c, once rank 0 has printed */
}

int bmc_cmd_run(int argc, char **argv, FILE *out, bmc_err *err)
{
    run_args a;
    BMC_TRY(parse_run_args(argc, argv, &a, err));
    return run_command(&a, out, err);
}

