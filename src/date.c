/* date.c: conversion between civil dates and day numbers (days since
 * 1970-01-01), after the era-based algorithm of H. Hinnant's notes. */
#include "date.h"

int32_t date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153u * (unsigned)(m + (m > 2 ? -3 : 9)) + 2u) / 5u + (unsigned)d - 1u;
    const unsigned doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
    return (int32_t)(era * 146097 + (int)doe - 719468);
}

void date_to_ymd(int32_t days, int *y, int *m, int *d)
{
    const int z = days + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
    const unsigned doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
    const unsigned mp = (5u * doy + 2u) / 153u;
    *d = (int)(doy - (153u * mp + 2u) / 5u + 1u);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)yoe + era * 400 + (*m <= 2);
}

/* The days of month m (1-12) of year y. */
static inline int month_days(int y, int m)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return mdays[m - 1] + (m == 2 && leap);
}

int date_valid(int y, int m, int d)
{
    return m >= 1 && m <= 12 && d >= 1 && d <= month_days(y, m);
}

int date_add_months(int32_t days, int64_t n, int32_t *out)
{
    int y, m, d;
    date_to_ymd(days, &y, &m, &d);
    if (n > 12 * 10000 || n < -12 * 10000) return -1;
    int64_t mm = (int64_t)y * 12 + (m - 1) + n;
    int64_t ny = mm >= 0 ? mm / 12 : -((-mm + 11) / 12);
    int nm = (int)(mm - ny * 12) + 1;
    if (ny < 1 || ny > 9999) return -1;
    int last = month_days((int)ny, nm);
    *out = date_from_ymd((int)ny, nm, d < last ? d : last);
    return 0;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

int date_parse_partial(const char *s, size_t len, int rule, int32_t *out)
{
    int y, m = 0;
    if (rule == IMPUTE_NONE || (len != 7 && len != 4) || !digits(s, 4, &y)) return 0;
    if (len == 7 && (s[4] != '-' || !digits(s + 5, 2, &m))) return 0;
    if (y < 1 || (len == 7 && (m < 1 || m > 12))) return -1;
    int d;
    if (len == 4) {
        /* a year: 1 January, 1 July or 31 December */
        m = rule == IMPUTE_FIRST ? 1 : rule == IMPUTE_MIDDLE ? 7 : 12;
        d = rule == IMPUTE_LAST ? 31 : 1;
    } else {
        d = rule == IMPUTE_FIRST ? 1 : rule == IMPUTE_MIDDLE ? 15 : month_days(y, m);
    }
    *out = date_from_ymd(y, m, d);
    return 1;
}

size_t date_format(int32_t days, char *buf)
{
    int y, m, d;
    date_to_ymd(days, &y, &m, &d);
    if (y < 0) y = 0;
    if (y > 9999) y = 9999;
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = 0;
    return 10;
}
