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

/* The same column types in table t of a and b (both NULL counts as the same). */
static int types_agree(const cohort_data *a, const cohort_data *b, size_t t)
{
    if (!a != !b) return 0;
    if (!a) return 1;
    const table *x = &a->tables[t], *y = &b->tables[t];
    if (x->ncols != y->ncols) return 0;
    for (size_t j = 0; j < x->ncols; j++)
        if (x->cols[j].type != y->cols[j].type) return 0;
    return 1;
}

/* The name of the file's first column, in key (size bytes); 0 when it has
 * none usable as a key's name. */
static int first_name(const char *path, char *key, size_t size)
{
    csv_reader *r = csv_open(path, 0);
    if (!r) return 0;
    int ok = csv_next(r) > 0 && csv_nfields(r) > 0;
    size_t len = ok ? csv_fields(r)[0].len : 0;
    ok = ok && len > 0 && len < size;
    if (ok) {
        memcpy(key, csv_fields(r)[0].p, len);
        key[len] = '\0';
        ok = strlen(key) == len;
    }
    csv_close(r);
    return ok;
}

/* Load n specs, keeping the diagnostics in *t. */
static cohort_data *load_kept(const table_spec *sp, size_t n, const load_opts *o, strpool *pool, textbuf *t)
{
    diag dg;
    diag_init(&dg, keep_diag, t);
    return data_load(sp, n, o, pool, &dg);
}

static int same_diags(const textbuf *a, const textbuf *b)
{
    return a->n == b->n && (a->n == 0 || memcmp(a->s, b->s, a->n) == 0);
}

/* The file loaded as one table (no key), with the loader's fast paths and
 * without (or, with `parts` bytes a part, in parts on 2 threads and in one
 * pass): 1 when both give the same diagnostics and the same table (or
 * memory ran out).  With every column projected (the rules naming none)
 * it is loaded too, unchecked (a root table's: no cell converted), for
 * the sanitizers only. */
static int loads_agree(const char *path, size_t parts)
{
    static const char *const none[] = {""};
    table_spec sp = {.name = "t", .path = path};
    table_spec sq = {.name = "t", .path = path, .want = none, .nwant = 0};
    textbuf ta = {0}, tb = {0}, tc = {0};
    strpool *pool = strpool_new();
    if (!pool) return 1;
    load_opts two = {.threads = 2};
    unsetenv("COHORT_CSV_SLOW");
    cohort_data *a = load_kept(&sp, 1, NULL, pool, &ta);
    if (parts) part_bytes(parts);
    data_free(load_kept(&sq, 1, parts ? &two : NULL, pool, &tc));
    if (!parts) setenv("COHORT_CSV_SLOW", "1", 1);
    cohort_data *b = load_kept(&sp, 1, parts ? &two : NULL, pool, &tb);
    part_bytes(0);
    unsetenv("COHORT_CSV_SLOW");
    int same = ta.oom || tb.oom || (same_diags(&ta, &tb) && tables_agree(a, b));
    data_free(a);
    data_free(b);
    free(ta.s);
    free(tb.s);
    free(tc.s);
    strpool_free(pool);
    return same;
}

/* The file loaded as table p, keyed by its first column (its other
 * columns projected), and as table c, a child of p linked by that column:
 * keys missing, duplicate, unknown or anywhere in the 64-bit range.  c is
 * loaded with every column read and
 * with every column projected: c's other columns then come before any
 * kept one but its link, so they are checked, not converted
 * (choose_projection), and must give the same diagnostics and types. */
static int keyed_agree(const char *path, size_t parts)
{
    char key[256];
    if (!first_name(path, key, sizeof key)) return 1;
    static const char *const none[] = {""};
    /* p's other columns unchecked (a root's, projected): only its keys can fail */
    table_spec sp[2] = {{.name = "p", .path = path, .key = key, .want = none, .nwant = 0},
                        {.name = "c", .path = path, .parent = "p"}};
    table_spec sq[2] = {sp[0], sp[1]};
    sq[1].want = none;
    sq[1].nwant = 0;
    textbuf ta = {0}, tc = {0};
    strpool *pool = strpool_new();
    if (!pool) return 1;
    load_opts two = {.threads = 2};
    part_bytes(parts);
    cohort_data *a = load_kept(sp, 2, parts ? &two : NULL, pool, &ta);
    cohort_data *c = load_kept(sq, 2, parts ? &two : NULL, pool, &tc);
    part_bytes(0);
    int same = ta.oom || tc.oom || (same_diags(&ta, &tc) && types_agree(a, c, 1));
    data_free(a);
    data_free(c);
    free(ta.s);
    free(tc.s);
    strpool_free(pool);
    return same;
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
        !batches_agree(path, 64, 0) || !loads_agree(path, 0) || !loads_agree(path, size / 3 + 1) ||
        !keyed_agree(path, 0) || !keyed_agree(path, size / 3 + 1))
        abort();
    unlink(path);
    return 0;
}
