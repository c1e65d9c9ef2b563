#include "h5util.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFLATE_LEVEL 4

/* ---- error handling ---------------------------------------------------------------------- */

static herr_t innermost_error(unsigned n, const H5E_error2_t *e, void *data)
{
    if (n == 0 && e->desc)
        snprintf(data, BMC_H5_DETAIL_LEN, "%s", e->desc);
    return 0;
}

static herr_t record_error(hid_t stack, void *data)
{
    bmc_h5ctx *e = data;
    if (!e->detail[0])
        H5Ewalk2(stack, H5E_WALK_UPWARD, innermost_error, e->detail);
    return 0;
}

void bmc_h5ctx_begin(bmc_h5ctx *e, const char *path, bmc_err *err)
{
    e->path = path;
    e->err = err;
    e->detail[0] = '\0';
    H5Eget_auto2(H5E_DEFAULT, &e->saved_func, &e->saved_data);
    H5Eset_auto2(H5E_DEFAULT, record_error, e);
}

void bmc_h5ctx_end(bmc_h5ctx *e)
{
    H5Eset_auto2(H5E_DEFAULT, e->saved_func, e->saved_data);
}

/* HDF5's file-driver messages wrap the one useful part in a timestamp, the file name, a buffer
 * address and sizes: "file write failed: time = ..., error message = 'No space left on
 * device', buf = ...". Keep "file write failed: No space left on device"; other messages
 * stay as they are, on one line. */
static void compact_detail(char *d)
{
    for (char *c = d; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    static const char key[] = "error message = '";
    char *colon = strchr(d, ':'), *m = strstr(d, key);
    if (!colon || !m || colon > m)
        return;
    m += sizeof key - 1;
    char *q = strchr(m, '\'');
    size_t len = q ? (size_t)(q - m) : strlen(m);
    memmove(colon + 2, m, len);
    colon[1] = ' ';
    colon[2 + len] = '\0';
}

int bmc_h5_fail(bmc_h5ctx *e, const char *fmt, ...)
{
    char what[192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    compact_detail(e->detail);
    int rc;
    if (e->detail[0])
        rc = bmc_fail(e->err, BMC_EIO, "%s: cannot %s (HDF5: %s)", e->path, what, e->detail);
    else
        rc = bmc_fail(e->err, BMC_EIO, "%s: cannot %s (HDF5 error)", e->path, what);
    e->detail[0] = '\0';
    return rc;
}

void bmc_h5_close_type(hid_t id) { if (id >= 0) H5Tclose(id); }
void bmc_h5_close_space(hid_t id) { if (id >= 0) H5Sclose(id); }
void bmc_h5_close_attr(hid_t id) { if (id >= 0) H5Aclose(id); }
void bmc_h5_close_plist(hid_t id) { if (id >= 0) H5Pclose(id); }
void bmc_h5_close_group(hid_t id) { if (id >= 0) H5Gclose(id); }

herr_t bmc_h5_close_dataset(hid_t *id)
{
    herr_t rc = 0;
    if (*id >= 0)
        rc = H5Dclose(*id);
    *id = H5I_INVALID_HID;
    return rc;
}

/* ---- types and attributes ---------------------------------------------------------------- */

hid_t bmc_h5_vlen_string_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0)
        return t;
    if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

hid_t bmc_h5_fixed_string_type(size_t len)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0)
        return t;
    if (H5Tset_size(t, len) < 0 || H5Tset_strpad(t, H5T_STR_NULLPAD) < 0
        || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

int bmc_h5_attr_scalar(bmc_h5ctx *e, hid_t obj, const char *name, hid_t ftype, hid_t mtype,
                       const void *value)
{
    hid_t s = H5I_INVALID_HID, a = H5I_INVALID_HID;
    int rc = BMC_OK;
    if ((s = H5Screate(H5S_SCALAR)) < 0
        || (a = H5Acreate2(obj, name, ftype, s, H5P_DEFAULT, H5P_DEFAULT)) < 0
        || H5Awrite(a, mtype, value) < 0)
        rc = bmc_h5_fail(e, "write attribute %s", name);
    bmc_h5_close_attr(a);
    bmc_h5_close_space(s);
    return rc;
}

int bmc_h5_attr_string(bmc_h5ctx *e, hid_t obj, const char *name, const char *value)
{
    hid_t t = bmc_h5_vlen_string_type();
    if (t < 0)
        return bmc_h5_fail(e, "create a string type");
    const char *v = value ? value : "";
    int rc = bmc_h5_attr_scalar(e, obj, name, t, t, &v);
    H5Tclose(t);
    return rc;
}

int bmc_h5_attr_date(bmc_h5ctx *e, hid_t obj, const char *name, bmc_date d)
{
    char iso[16];
    bmc_date_format(d, iso);
    return bmc_h5_attr_string(e, obj, name, iso);
}

/* n names of up to BMC_NAME_LEN - 1 characters each, packed into fixed-length strings as
 * long as the longest (at least 1: HDF5 has no zero-length fixed strings). */
typedef struct packed_names {
    char *buf;
    size_t len;
} packed_names;

static int pack_names(const char (*names)[BMC_NAME_LEN], int n, packed_names *out)
{
    size_t len = 1;
    for (int i = 0; i < n; i++) {
        size_t l = strlen(names[i]);
        if (l > len)
            len = l;
    }
    out->len = len;
    out->buf = calloc(n > 0 ? (size_t)n : 1, len);
    if (!out->buf)
        return -1;
    for (int i = 0; i < n; i++)
        memcpy(out->buf + (size_t)i * len, names[i], strlen(names[i]));
    return 0;
}

int bmc_h5_attr_names(bmc_h5ctx *e, hid_t obj, const char *name,
                      const char (*names)[BMC_NAME_LEN], int n)
{
    packed_names p;
    if (pack_names(names, n, &p) < 0)
        return bmc_fail(e->err, BMC_ENOMEM, "%s: out of memory for attribute %s", e->path,
                        name);
    hsize_t dims[1] = {(hsize_t)n};
    hid_t t = H5I_INVALID_HID, s = H5I_INVALID_HID, a = H5I_INVALID_HID;
    int rc = BMC_OK;
    if ((t = bmc_h5_fixed_string_type(p.len)) < 0 || (s = H5Screate_simple(1, dims, NULL)) < 0
        || (a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT)) < 0
        || H5Awrite(a, t, p.buf) < 0)
        rc = bmc_h5_fail(e, "write attribute %s", name);
    bmc_h5_close_attr(a);
    bmc_h5_close_space(s);
    bmc_h5_close_type(t);
    free(p.buf);
    return rc;
}

/* ---- groups and datasets ----------------------------------------------------------------- */

hid_t bmc_h5_create_group(hid_t loc, const char *name)
{
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    if (gcpl < 0)
        return gcpl;
    hid_t g = H5I_INVALID_HID;
    /* no modification times: the same run must give the same bytes */
    if (H5Pset_obj_track_times(gcpl, 0) >= 0)
        g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    return g;
}

/* Creation properties: no times; chunked, shuffled and deflated when chunk is given and the
 * dataset is not empty (HDF5 cannot chunk a zero-length dimension of fixed size). */
static hid_t dataset_create_plist(int rank, const hsize_t *dims, const hsize_t *chunk)
{
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl < 0)
        return dcpl;
    bool empty = false;
    for (int i = 0; i < rank; i++)
        empty = empty || dims[i] == 0;
    if (H5Pset_obj_track_times(dcpl, 0) < 0
        || (chunk && !empty
            && (H5Pset_chunk(dcpl, rank, chunk) < 0 || H5Pset_shuffle(dcpl) < 0
                || H5Pset_deflate(dcpl, DEFLATE_LEVEL) < 0))) {
        H5Pclose(dcpl);
        return H5I_INVALID_HID;
    }
    return dcpl;
}

/* A chunk cache of at least two chunks: a block boundary can leave one chunk half done
 * while the next is being started. */
static hid_t dataset_access_plist(int rank, const hsize_t *chunk, size_t elem_size)
{
    hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
    if (dapl < 0 || !chunk)
        return dapl;
    size_t bytes = elem_size;
    for (int i = 0; i < rank; i++)
        bytes *= (size_t)chunk[i];
    size_t cache = 2 * bytes > (1u << 20) ? 2 * bytes : (1u << 20);
    if (H5Pset_chunk_cache(dapl, 521, cache, 0.75) < 0) {
        H5Pclose(dapl);
        return H5I_INVALID_HID;
    }
    return dapl;
}

hid_t bmc_h5_create_dataset(hid_t loc, const char *name, hid_t ftype, int rank,
                            const hsize_t *dims, const hsize_t *chunk)
{
    hid_t s = H5Screate_simple(rank, dims, NULL);
    hid_t dcpl = dataset_create_plist(rank, dims, chunk);
    hid_t dapl = dataset_access_plist(rank, chunk, H5Tget_size(ftype));
    hid_t d = H5I_INVALID_HID;
    if (s >= 0 && dcpl >= 0 && dapl >= 0)
        d = H5Dcreate2(loc, name, ftype, s, H5P_DEFAULT, dcpl, dapl);
    bmc_h5_close_plist(dapl);
    bmc_h5_close_plist(dcpl);
    bmc_h5_close_space(s);
    return d;
}

static int write_array(bmc_h5ctx *e, hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                       int rank, const hsize_t *dims, const void *buf, bool deflate)
{
    hsize_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= dims[i];
    /* one chunk holding everything: deflate needs a chunked layout */
    hid_t d = bmc_h5_create_dataset(loc, name, ftype, rank, dims, deflate ? dims : NULL);
    int rc = BMC_OK;
    if (d < 0 || (n > 0 && H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0))
        rc = bmc_h5_fail(e, "write dataset %s", name);
    bmc_h5_close_dataset(&d);
    return rc;
}

int bmc_h5_write_array(bmc_h5ctx *e, hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                       int rank, const hsize_t *dims, const void *buf)
{
    return write_array(e, loc, name, ftype, mtype, rank, dims, buf, false);
}

int bmc_h5_write_array_deflated(bmc_h5ctx *e, hid_t loc, const char *name, hid_t ftype,
                                hid_t mtype, int rank, const hsize_t *dims, const void *buf)
{
    return write_array(e, loc, name, ftype, mtype, rank, dims, buf, true);
}

int bmc_h5_write_names(bmc_h5ctx *e, hid_t loc, const char *name,
                       const char (*names)[BMC_NAME_LEN], int n)
{
    packed_names p;
    if (pack_names(names, n, &p) < 0)
        return bmc_fail(e->err, BMC_ENOMEM, "%s: out of memory for %s", e->path, name);
    hid_t t = bmc_h5_fixed_string_type(p.len);
    hsize_t dims[1] = {(hsize_t)n};
    int rc = t < 0 ? bmc_h5_fail(e, "create a string type")
                   : bmc_h5_write_array(e, loc, name, t, t, 1, dims, p.buf);
    bmc_h5_close_type(t);
    free(p.buf);
    return rc;
}
