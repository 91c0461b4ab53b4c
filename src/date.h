/* date.h: calendar dates as days since 1970-01-01 (proleptic Gregorian). */
#ifndef COHORT_DATE_H
#define COHORT_DATE_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Days since 1970-01-01 of a valid y-m-d; the caller checks validity. */
int32_t date_from_ymd(int y, int m, int d);
void date_to_ymd(int32_t days, int *y, int *m, int *d);
/* 1 if y-m-d is a real calendar day (rejects 2019-02-30). */
int date_valid(int y, int m, int d);
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

/* Parse exactly "YYYY-MM-DD" (len 10).  Returns 1 and sets *out on success,
 * 0 if the text does not have that shape, -1 if it has the shape but is not
 * a real day (e.g. 2019-02-30).  Inline: the CSV loader's hot path.  The
 * ten bytes are read as one 8-byte and one 2-byte word (little-endian
 * machines; elsewhere byte by byte) and checked at once: XOR-ed with
 * "0000-00-" and "00", a digit becomes 0-9 and a '-' 0, and a byte below
 * 10 is one whose high bit stays clear when 0x76 is added (a carry out of
 * a byte needs a byte of 0x8A or more, which fails by its own high bit).
 * Then the checks of date_valid and the day number of date_from_ymd by
 * arithmetic of their own (no calls, no loops; tests/unit/test_data.c
 * compares them on every day of 0000-9999, and with the byte-by-byte
 * version on mutated texts): a leap year is one divisible by 4 and, if by
 * 100, by 400 (found without a branch: in data of a few years one in four
 * is a leap year, and the branch of session 11's code mispredicted often);
 * the days before the month and its days from tables by leap and month;
 * the leap years before year y (0000 is one) number
 * (y+3)/4 - (y+99)/100 + (y+399)/400; and 0000-01-01 is day DATE_MIN_DAYS.  out NULL: the same answer without
 * the day number (the loader's check of a column the rules never read). */
static inline __attribute__((always_inline)) int date_parse(const char *s, size_t len,
                                                          int32_t *out)
{
    /* by 16 * leap + m (1-12): the days before month m, and its days */
    static const uint16_t before[32] = {0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 0, 0, 0,
                                        0, 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335};
    static const uint8_t mdays[32] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0, 0, 0,
                                      0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (len != 10) return 0;
    unsigned y, y23, m, d;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t w;
    uint16_t w2;
    memcpy(&w, s, 8);
    memcpy(&w2, s + 8, 2);
    uint64_t t = w ^ 0x2D30302D30303030ull;         /* "0000-00-", first byte lowest */
    unsigned t2 = (unsigned)w2 ^ 0x3030u;           /* "00" */
    if ((((t + 0x7676767676767676ull) | t) & 0x8080808080808080ull) |
        (t & 0xFF0000FF00000000ull) | (((t2 + 0x7676u) | t2) & 0x8080u))
        return 0;
    /* digit pairs: byte k of p is 10 * digit k + digit k + 1 */
    uint64_t p = t * 10 + (t >> 8);
    y23 = (unsigned)(p >> 16) & 0xFF;
    y = ((unsigned)p & 0xFF) * 100 + y23;
    m = (unsigned)(p >> 40) & 0xFF;
    d = (t2 & 0xFF) * 10 + (t2 >> 8);
#else
    if (s[4] != '-' || s[7] != '-') return 0;
    const unsigned char *u = (const unsigned char *)s;
    unsigned y0 = u[0] - 48u, y1 = u[1] - 48u, y2 = u[2] - 48u, y3 = u[3] - 48u;
    unsigned m0 = u[5] - 48u, m1 = u[6] - 48u, d0 = u[8] - 48u, d1 = u[9] - 48u;
    if ((y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (m0 > 9) | (m1 > 9) | (d0 > 9) | (d1 > 9))
        return 0;
    y23 = y2 * 10 + y3;
    y = (y0 * 10 + y1) * 100 + y23;
    m = m0 * 10 + m1;
    d = d0 * 10 + d1;
#endif
    /* leap: 4 divides the year's last two digits and, when they are 00,
     * its first two */
    unsigned leap = ((y23 & 3) | ((y / 100u) & 3 & (0u - (y23 == 0)))) == 0;
    unsigned k = leap * 16 + (m & 15);
    if ((m - 1u > 11u) | (d == 0) | (d > (unsigned)mdays[k])) return -1;
    if (!out) return 1;
    unsigned days = 365u * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400 + before[k] + d - 1;
    *out = (int32_t)days + DATE_MIN_DAYS;
    return 1;
}
#endif
