#include "mpi_comm.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "block_columns.h"

#define TAG_BLOCK 17

static int mpi_fail(bmc_err *err, int mpi_rc, const char *what)
{
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(mpi_rc, text, &len) != MPI_SUCCESS)
        snprintf(text, sizeof text, "error %d", mpi_rc);
    return bmc_fail(err, BMC_EINTERNAL, "MPI: %s: %s", what, text);
}

/* A failed transfer or agreement leaves another rank waiting for a message that will never
 * come: end the whole job instead of hanging it. */
static int mpi_fatal(bmc_err *err, int mpi_rc, const char *what)
{
    int rc = mpi_fail(err, mpi_rc, what);
    fprintf(stderr, "backlogmc: %s\n", err ? err->msg : what);
    MPI_Abort(MPI_COMM_WORLD, 1);
    return rc;
}

int bmc_mpi_open(bmc_mpi *c, bmc_err *err)
{
    int started = 0, finished = 0;
    MPI_Initialized(&started);
    MPI_Finalized(&finished);
    *c = (bmc_mpi){.active = started && !finished, .rank = 0, .size = 1,
                   .comm = MPI_COMM_NULL};
    if (!c->active)
        return BMC_OK;
    int rc = MPI_Comm_dup(MPI_COMM_WORLD, &c->comm);
    if (rc != MPI_SUCCESS) {
        c->active = false;
        return mpi_fail(err, rc, "MPI_Comm_dup");
    }
    /* errors come back as codes: a failed call must reach the agreement, not abort here */
    MPI_Comm_set_errhandler(c->comm, MPI_ERRORS_RETURN);
    MPI_Comm_rank(c->comm, &c->rank);
    MPI_Comm_size(c->comm, &c->size);
    return BMC_OK;
}

void bmc_mpi_close(bmc_mpi *c)
{
    if (c->active && c->comm != MPI_COMM_NULL)
        MPI_Comm_free(&c->comm);
    c->active = false;
}

int bmc_mpi_agree(const bmc_mpi *c, int rc, bool *stop, bmc_err *err)
{
    if (!c->active)
        return rc;
    /* {lowest failing rank, 0 if some rank stops}: one MIN reduction answers both */
    int mine[2] = {rc != BMC_OK ? c->rank : c->size, stop && *stop ? 0 : 1}, all[2];
    int mrc = MPI_Allreduce(mine, all, 2, MPI_INT, MPI_MIN, c->comm);
    if (mrc != MPI_SUCCESS)
        return mpi_fatal(err, mrc, "MPI_Allreduce");
    if (stop)
        *stop = all[1] == 0;
    if (all[0] == c->size)
        return BMC_OK;
    int root = all[0];
    char msg[BMC_ERR_LEN];
    memcpy(msg, err->msg, sizeof msg);
    msg[BMC_ERR_LEN - 1] = '\0';
    if ((mrc = MPI_Bcast(&rc, 1, MPI_INT, root, c->comm)) != MPI_SUCCESS ||
        (mrc = MPI_Bcast(msg, BMC_ERR_LEN, MPI_CHAR, root, c->comm)) != MPI_SUCCESS)
        return mpi_fatal(err, mrc, "MPI_Bcast");
    memcpy(err->msg, msg, sizeof msg);
    if (root != c->rank && c->size > 1 && strncmp(msg, "rank ", 5) != 0) {
        /* say where it happened, once */
        char tagged[BMC_ERR_LEN];
        snprintf(tagged, sizeof tagged, "rank %d: %s", root, msg);
        memcpy(err->msg, tagged, sizeof tagged);
    }
    return rc;
}

int bmc_mpi_agree_world(int rc, bmc_err *err)
{
    bmc_mpi c;
    bmc_err dup_err;
    if (bmc_mpi_open(&c, &dup_err) != BMC_OK)
        return mpi_fatal(err, MPI_ERR_COMM, "MPI_Comm_dup");
    rc = bmc_mpi_agree(&c, rc, NULL, err);
    bmc_mpi_close(&c);
    return rc;
}

bool bmc_mpi_same(const bmc_mpi *c, const int64_t *values, int n)
{
    if (!c->active || n <= 0)
        return true;
    enum { MAX_VALUES = 16 };
    int64_t lo[MAX_VALUES], hi[MAX_VALUES];
    if (n > MAX_VALUES)
        n = MAX_VALUES;
    int rc = MPI_Allreduce(values, lo, n, MPI_INT64_T, MPI_MIN, c->comm);
    if (rc == MPI_SUCCESS)
        rc = MPI_Allreduce(values, hi, n, MPI_INT64_T, MPI_MAX, c->comm);
    if (rc != MPI_SUCCESS) {
        mpi_fatal(NULL, rc, "MPI_Allreduce");
        return false;
    }
    return memcmp(lo, hi, (size_t)n * sizeof *lo) == 0;
}

int bmc_mpi_bcast(const bmc_mpi *c, void *data, size_t n, bmc_err *err)
{
    if (!c->active)
        return BMC_OK;
    if (n > INT_MAX)
        return bmc_fail(err, BMC_EINTERNAL, "MPI broadcast of %zu bytes", n);
    int rc = MPI_Bcast(data, (int)n, MPI_BYTE, 0, c->comm);
    return rc == MPI_SUCCESS ? BMC_OK : mpi_fatal(err, rc, "MPI_Bcast");
}

int bmc_mpi_send_block(const bmc_mpi *c, const bmc_result_block *b, int rows, int to,
                       bmc_err *err)
{
    bmc_block_column cols[BMC_BLOCK_MAX_COLUMNS];
    int n = bmc_block_columns(b, rows, cols);
    for (int i = 0; i < n; i++) {
        if (cols[i].bytes > INT_MAX)
            return bmc_fail(err, BMC_EINTERNAL, "a block column of %zu bytes", cols[i].bytes);
        int rc = MPI_Send(cols[i].data, (int)cols[i].bytes, MPI_BYTE, to, TAG_BLOCK, c->comm);
        if (rc != MPI_SUCCESS)
            return mpi_fatal(err, rc, "MPI_Send");
    }
    return BMC_OK;
}

int bmc_mpi_recv_block(const bmc_mpi *c, bmc_result_block *b, int rows, int from,
                       bmc_err *err)
{
    if (rows > b->capacity)
        return bmc_fail(err, BMC_EINTERNAL, "%d rows do not fit a block of %d", rows,
                        b->capacity);
    bmc_block_column cols[BMC_BLOCK_MAX_COLUMNS];
    int n = bmc_block_columns(b, rows, cols);
    for (int i = 0; i < n; i++) {
        if (cols[i].bytes > INT_MAX)
            return bmc_fail(err, BMC_EINTERNAL, "a block column of %zu bytes", cols[i].bytes);
        int rc = MPI_Recv(cols[i].data, (int)cols[i].bytes, MPI_BYTE, from, TAG_BLOCK, c->comm,
                          MPI_STATUS_IGNORE);
        if (rc != MPI_SUCCESS)
            return mpi_fatal(err, rc, "MPI_Recv");
    }
    b->count = rows;
    return BMC_OK;
}
