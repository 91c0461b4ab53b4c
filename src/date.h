/* date.h: calendar dates as days since 1970-01-01 (proleptic Gregorian). */
#ifndef COHORT_DATE_H
#define COHORT_DATE_H
#include <stddef.h>
#include <stdint.h>

/* Days since 1970-01-01 of a valid y-m-d; the caller checks validity. */
int32_t date_from_ymd(int y, int m, int d);
void date_to_ymd(int32_t days, int *y, int *m, int *d);
/* 1 if y-m-d is a real calendar day (rejects 2019-02-30). */
int date_valid(int y, int m, int d);
/* Parse exactly "YYYY-MM-DD" (len 10).  Returns 1 and sets *out on success,
 * 0 if the text does not have that shape, -1 if it has the shape but is not
 * a real day (e.g. 2019-02-30). */
int date_parse(const char *s, size_t len, int32_t *out);
/* The day n calendar months after `days` (before, for n < 0), clamped to
 * the last day of the month when that month is shorter (2020-01-31 + 1
 * month = 2020-02-29, as lubridate's %m+%).  0, or -1 when the year
 * leaves 1..9999. */
int date_add_months(int32_t days, int64_t n, int32_t *out);
/* How a date column reads a partial date (YYYY-MM or YYYY): not at all,
 * or as the first, middle (the 15th of a month, 1 July of a year) or last
 * day of its period. */
enum { IMPUTE_NONE = 0, IMPUTE_FIRST = 1, IMPUTE_MIDDLE = 2, IMPUTE_LAST = 3 };
/* Parse exactly "YYYY-MM" (len 7) or "YYYY" (len 4) and impute the day by
 * `rule`.  Returns 1 and sets *out, 0 if the text has neither shape (or
 * rule is IMPUTE_NONE), -1 for a month outside 01..12 or year 0000. */
int date_parse_partial(const char *s, size_t len, int rule, int32_t *out);
/* Write "YYYY-MM-DD" and a NUL into buf (at least 11 bytes); returns 10. */
size_t date_format(int32_t days, char *buf);
/* The dates the language has: 0000-01-01 to 9999-12-31 (day numbers).  A
 * computed date outside them is missing, never a wrapped year. */
#define DATE_MIN_DAYS (-719528)
#define DATE_MAX_DAYS 2932896
static inline int date_in_range(double days) { return days >= DATE_MIN_DAYS && days < DATE_MAX_DAYS + 1.0; }
#endif
