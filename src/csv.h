/* csv.h: a streaming RFC 4180 tokenizer.  It reads a file with read() in
 * large chunks and hands out one record at a time; each field knows the
 * physical line and byte column where it starts, so errors can point at it. */
#ifndef COHORT_CSV_H
#define COHORT_CSV_H
#include <stddef.h>

/* Default read buffer (grown only when one record does not fit). */
#define CSV_DEFAULT_BUFSIZE ((size_t)16 << 20)

typedef struct csv_field {
    const char *p;          /* content, quotes removed and "" unescaped;
                               not NUL-terminated */
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

/* Read the next record.  Returns 1 when a record is available, 0 at the end
 * of the input, -1 on an error (malformed quoting or a read error; see
 * csv_error).  Blank lines are skipped.  A UTF-8 byte order mark at the
 * start of the input is skipped.  The fields, their text and the lines they
 * point into stay valid until the next call. */
int csv_next(csv_reader *r);
size_t csv_nfields(const csv_reader *r);
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
#endif
