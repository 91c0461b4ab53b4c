/* fuzz_csv.c: libFuzzer target for the CSV reader.  The input is a CSV
 * file; every record is read (with a small read buffer, so that fields
 * cross buffer boundaries), then the error, if any, with its source line.
 * Then the tokenizer's fast path must give what its general path gives,
 * mapped and through small buffers (csv_agree.h); else abort(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "csv.h"
#include "csv_agree.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
        !tokenizers_agree(path, 7, 0))
        abort();
    unlink(path);
    return 0;
}
