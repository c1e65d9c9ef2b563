#ifndef BACKLOGMC_STATUS_H
#define BACKLOGMC_STATUS_H

/* Library functions return a status and fill a message; only main() turns a status into an
 * exit code, so every error path stays testable. */

enum bmc_status {
    BMC_OK = 0,
    BMC_ECONFIG = 1,      /* broken or inconsistent configuration */
    BMC_EUSAGE = 2,       /* bad command line */
    BMC_EIO = 3,          /* file missing, unreadable or unwritable, HDF5 failure */
    BMC_ENOMEM = 4,
    BMC_EINTERRUPTED = 5, /* stopped by a signal */
    BMC_EINTERNAL = 6,    /* an invariant failed: a bug */
    BMC_ESAVED = 7,       /* stopped by a signal after saving the checkpoint */
};

#define BMC_ERR_LEN 1024

typedef struct bmc_err {
    char msg[BMC_ERR_LEN];
} bmc_err;

/* Formats the message into err (if not NULL) and returns code. */
int bmc_fail(bmc_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

const char *bmc_status_name(int code);

/* Returns the status of call from the enclosing function when it is not BMC_OK. */
#define BMC_TRY(call)                                                                      \
    do {                                                                                   \
        int bmc_try_rc_ = (call);                                                          \
        if (bmc_try_rc_ != BMC_OK)                                                         \
            return bmc_try_rc_;                                                            \
    } while (0)

#endif
