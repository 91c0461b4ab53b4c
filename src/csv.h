/* csv.h: a streaming RFC 4180 tokenizer.  It reads a file with read() in
 * large chunks and hands out one record at a time; each field knows the
 * physical line and byte column where it starts, so errors can point at it. */
#ifndef COHORT_CSV_H
#define COHORT_CSV_H
#include <stddef.h>
#include <stdint.h>

/* Default read buffer (grown only when one record does not fit). */
#define CSV_DEFAULT_BUFSIZE ((size_t)16 << 20)

typedef struct csv_field {
    const char *p;          /* content, quotes removed and "" unescaped;
                               not NUL-terminated; when p == raw (not
                               quoted) at least 8 bytes from p + len on
                               may be read (the buffer's sentinel and pad
                               follow the input), for word-at-a-time
                               parsers */
    size_t len;
    const char *raw;        /* where the field starts in the input (its opening
                               quote when quoted) */
    size_t rawlen;          /* length of the field in the input */
    long line;              /* physical line (1-based) of the field start */
} csv_field;

typedef struct csv_reader csv_reader;

/* Open `path` for reading with a buffer of `bufsize` bytes (0: the
 * default).  Returns NULL with errno set on failure. */
csv_reader *csv_open(const char *path, size_t bufsize);
void csv_close(csv_reader *r);
/* csv_open with the default buffer, mapping the file however small it is
 * (when it is a regular file and not empty). */
csv_reader *csv_open_mapped(const char *path);

/* Read the next record.  Returns 1 when a record is available, 0 at the end
 * of the input, -1 on an error (malformed quoting or a read error; see
 * csv_error).  Blank lines are skipped.  A UTF-8 byte order mark at the
 * start of the input is skipped.  The fields, their text and the lines they
 * point into stay valid until the next call. */
int csv_next(csv_reader *r);
size_t csv_nfields(const csv_reader *r);
/* A batch of plain records (csv_next_batch), for a caller that stores
 * them column by column.  Record k starts at base + start[k]; its field i
 * ends (at its ',' or line end) at base + end[k * nf + i] and starts just
 * after field i - 1's end (field 0: at the record's start): column i's
 * ends are nf apart, as the tokenizer wrote them.  Fields are as csv_field's p and len, never quoted (raw == p),
 * so the pad after them may be read (csv_field).  Valid until the next
 * call on the reader. */
typedef struct csv_batch {
    const char *base;
    const uint32_t *start;  /* record k's start */
    const uint32_t *end;    /* record k's field i's end: end[k * nf + i] */
    const long *line;       /* record k's physical line */
    size_t nf, n;
} csv_batch;
/* Up to max records of exactly nf fields each into *b; b->n and the
 * return value: their number.  Only records the fast path takes
 * (csv_set_fast) that end in the input buffered: the batch ends before a
 * record with quotes, a lone CR or another number of fields, or one that
 * needs more input (and when out of memory); csv_next then reads it.
 * Blank lines are skipped. */
size_t csv_next_batch(csv_reader *r, size_t nf, size_t max, csv_batch *b);
/* Read again from the start of record k of the last batch: csv_next gives
 * that record and the ones after it once more. */
void csv_rewind(csv_reader *r, const csv_batch *b, size_t k);
const csv_field *csv_fields(const csv_reader *r);
/* Physical line (1-based) where the current record starts. */
long csv_record_line(const csv_reader *r);

/* The physical line of the current record that contains `pos` (a pointer
 * into the current record, such as a field's raw), without its line end;
 * *col receives the 1-based byte column of pos in that line. */
const char *csv_line_of(const csv_reader *r, const char *pos, size_t *len, int *col);

/* After csv_next returned -1: a message, and where the problem is (line,
 * column and that line's text; line 0 for a read error). */
const char *csv_error(const csv_reader *r, long *line, int *col, const char **srcline,
                      size_t *srclen);

/* Bytes read from the file so far. */
size_t csv_bytes_read(const csv_reader *r);
/* Offset in the file just past the current record. */
size_t csv_offset(const csv_reader *r);
/* Size of the file when it is a regular file, else 0. */
size_t csv_file_size(const csv_reader *r);

/* Plain records (no quoted field, no lone CR) are tokenized by a fast path
 * that gives the same fields as the general tokenizer; on = 0 turns it off
 * (a test hook: the unit tests and the fuzz target compare the two). */
void csv_set_fast(csv_reader *r, int on);
/* The fast path's (and csv_next_batch's) block mask: "avx512" (AVX-512BW
 * with BMI2 and POPCNT), "avx2-bmi2" (AVX2 with BMI2 and POPCNT: the
 * default without AVX-512 unless pdep is slow there), "avx2" (with
 * POPCNT), or "base" (SSE2 or portable), instead of the widest the
 * processor has (a test hook, to compare them).  1, or 0 when the
 * processor lacks it (nothing changed). */
int csv_set_simd(csv_reader *r, const char *name);

/* ---- reading one mapped file on several threads ---- */

/* 1 when r holds the whole file in memory (mapped), so views can share it. */
int csv_mapped(const csv_reader *r);
/* Physical line (1-based) at the start of the next record. */
long csv_line(const csv_reader *r);
/* The offset just after the first '\n' at or after off - 1 (off itself when
 * it follows a '\n'), or the input's length.  Not quote-aware: a candidate
 * record start, to be proven by the reader of the part before it. */
size_t csv_next_line_start(const csv_reader *r, size_t off);
/* A reader over r's mapped input (which must outlive it) that starts at
 * offset start, counting lines from 1 there, and reads records until one
 * would start at or after limit (csv_next then returns 0 and csv_offset is
 * the offset where that record starts: the proven start of the next part).
 * Closed with csv_close; NULL when out of memory. */
csv_reader *csv_view(const csv_reader *r, size_t start, size_t limit);
#endif
