/* csvddl.c: prints the PostgreSQL CREATE TABLE of a CSV file with the
 * column types cohort's CSV loader infers for it (integer -> bigint, real
 * -> double precision, text, date, boolean), so tests/pg.sh loads the
 * example data into tables whose catalog types give what the CSV gives.
 * Usage: csvddl SCHEMA.TABLE FILE.csv */
#include <stdio.h>
#include "data.h"
#include "strpool.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: csvddl SCHEMA.TABLE FILE.csv\n");
        return 64;
    }
    diag dg;
    diag_init(&dg, diag_print_cb, stderr);
    strpool *pool = strpool_new();
    table_spec sp = {.name = argv[1], .path = argv[2]};
    cohort_data *d = pool ? data_load(&sp, 1, NULL, pool, &dg) : NULL;
    if (!d) return 2;
    static const char *const pgtype[] = {"text", "bigint", "double precision", "text", "date",
                                         "boolean"};
    const table *t = &d->tables[0];
    printf("CREATE TABLE %s (", argv[1]);
    for (size_t j = 0; j < t->ncols; j++)
        printf("%s\"%s\" %s", j ? ", " : "", t->cols[j].name, pgtype[t->cols[j].type]);
    printf(");\n");
    data_free(d);
    strpool_free(pool);
    return 0;
}
