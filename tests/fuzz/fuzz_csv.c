/* fuzz_csv.c: libFuzzer target for the CSV reader.  The input is a CSV
 * file; every record is read (with a small read buffer, so that fields
 * cross buffer boundaries), then the error, if any, with its source line.
 * Then the tokenizer's fast path must give what its general path gives,
 * mapped and through small buffers (csv_agree.h), and the file loaded as
 * a table with the loader's cell fast path must give what its general
 * path gives (COHORT_CSV_SLOW=1): the same tables and diagnostics
 * (load_agree.h), and so must the file read in three parts on two threads
 * (data.c's test hook COHORT_CSV_PART_BYTES: the parts' reservations and
 * the join that moves their pages) and in one pass; loaded with every
 * column projected it must give the same types and diagnostics; else
 * abort().  Last the file is loaded as a keyed table and as a child of
 * itself, so that its values meet the key hash and the links, in one pass
 * and in parts (a crash is the finding). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "csv.h"
#include "csv_agree.h"
#include "data.h"
#include "fuzz_file.h"
#include "load_agree.h"
#include "textbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every diagnostic appended to a text (level, place, message, source
 * line). */
static void keep_diag(void *ud, const diagnostic *d)
{
    textbuf *t = ud;
    tb_printf(t, "%d:%d:%d:%d:", (int)d->level, d->line, d->col, d->len);
    tb_add(t, d->msg);
    tb_put(t, "|", 1);
    if (d->srcline) tb_put(t, d->srcline, d->srclen);
    tb_put(t, "\n", 1);
}

/* COHORT_CSV_PART_BYTES set to `bytes`, or unset for 0. */
static void part_bytes(size_t bytes)
{
    char num[32];
    snprintf(num, sizeof num, "%zu", bytes);
    if (bytes) setenv("COHORT_CSV_PART_BYTES", num, 1);
    else unsetenv("COHORT_CSV_PART_BYTES");
}

/* The same column types in a and b (both NULL counts as the same). */
static int types_agree(const cohort_data *a, const cohort_data *b)
{
    if (!a != !b) return 0;
    if (!a) return 1;
    const table *x = &a->tables[0], *y = &b->tables[0];
    if (x->ncols != y->ncols) return 0;
    for (size_t j = 0; j < x->ncols; j++)
        if (x->cols[j].type != y->cols[j].type) return 0;
    return 1;
}

/* The file loaded as one table (no key), with the loader's fast paths and
 * without (or, with `parts` bytes a part, in parts on 2 threads and in one
 * pass), and with every column projected (the rules naming none: its
 * cells checked, not converted; in parts too when `parts` is set): 1 when
 * all give the same diagnostics, the first two the same table and the
 * third the same types (or memory ran out). */
static int loads_agree(const char *path, size_t parts)
{
    static const char *const none[] = {""};
    table_spec sp = {.name = "t", .path = path};
    table_spec sq = {.name = "t", .path = path, .want = none, .nwant = 0};
    textbuf ta = {0}, tb = {0}, tc = {0};
    diag da, db, dc;
    strpool *pool = strpool_new();
    if (!pool) return 1;
    diag_init(&da, keep_diag, &ta);
    diag_init(&db, keep_diag, &tb);
    diag_init(&dc, keep_diag, &tc);
    load_opts two = {.threads = 2};
    unsetenv("COHORT_CSV_SLOW");
    cohort_data *a = data_load(&sp, 1, NULL, pool, &da);
    if (parts) part_bytes(parts);
    cohort_data *c = data_load(&sq, 1, parts ? &two : NULL, pool, &dc);
    if (!parts) setenv("COHORT_CSV_SLOW", "1", 1);
    cohort_data *b = data_load(&sp, 1, parts ? &two : NULL, pool, &db);
    part_bytes(0);
    unsetenv("COHORT_CSV_SLOW");
    int same = ta.oom || tb.oom || tc.oom ||
               (ta.n == tb.n && (ta.n == 0 || memcmp(ta.s, tb.s, ta.n) == 0) && tables_agree(a, b) &&
                ta.n == tc.n && (ta.n == 0 || memcmp(ta.s, tc.s, ta.n) == 0) && types_agree(a, c));
    data_free(a);
    data_free(b);
    data_free(c);
    free(ta.s);
    free(tb.s);
    free(tc.s);
    strpool_free(pool);
    return same;
}

/* The file loaded as table p, keyed by its first column, and as table c,
 * a child of p linked by that column: keys missing, duplicate, unknown or
 * anywhere in the 64-bit range. */
static void load_keyed(const char *path, size_t parts)
{
    char key[256];
    csv_reader *r = csv_open(path, 0);
    if (!r) return;
    int ok = csv_next(r) > 0 && csv_nfields(r) > 0;
    size_t len = ok ? csv_fields(r)[0].len : 0;
    ok = ok && len > 0 && len < sizeof key;
    if (ok) {
        memcpy(key, csv_fields(r)[0].p, len);
        key[len] = '\0';
        ok = strlen(key) == len;
    }
    csv_close(r);
    if (!ok) return;
    table_spec sp[2] = {{.name = "p", .path = path, .key = key}, {.name = "c", .path = path, .parent = "p"}};
    textbuf t = {0};
    diag dg;
    strpool *pool = strpool_new();
    if (!pool) return;
    diag_init(&dg, keep_diag, &t);
    load_opts two = {.threads = 2};
    part_bytes(parts);
    data_free(data_load(sp, 2, parts ? &two : NULL, pool, &dg));
    part_bytes(0);
    free(t.s);
    strpool_free(pool);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/cohort-fuzz-XXXXXX";
    if (fuzz_to_file(data, size, path)) return 0;
    csv_reader *r = csv_open(path, 64);
    if (r) {
        size_t sum = 0;
        int rc;
        while ((rc = csv_next(r)) > 0) {
            const csv_field *f = csv_fields(r);
            for (size_t i = 0; i < csv_nfields(r); i++) {
                size_t len;
                int col;
                const char *line = csv_line_of(r, f[i].raw, &len, &col);
                sum += f[i].len + (line ? len + (size_t)col : 0);
            }
            sum += (size_t)csv_record_line(r);
        }
        if (rc < 0) {
            long line;
            int col;
            const char *src;
            size_t len;
            if (csv_error(r, &line, &col, &src, &len)) sum += len;
        }
        csv_close(r);
        (void)sum;
    }
    if (!tokenizers_agree(path, 0, 1) || !tokenizers_agree(path, 64, 0) ||
        !tokenizers_agree(path, 7, 0) || !batches_agree(path, 0, 1) ||
        !batches_agree(path, 64, 0) || !loads_agree(path, 0) || !loads_agree(path, size / 3 + 1))
        abort();
    load_keyed(path, 0);
    load_keyed(path, size / 3 + 1);
    unlink(path);
    return 0;
}
