/* xtypes.c: a test library for `extern` with one function per supported C
 * type (int, long, double, bool, const char *, a date as int days since
 * 1970-01-01), functions that return missing (NaN, NULL), one that accepts
 * missing arguments, one mixing every type to catch misordered or mistyped
 * arguments, a counted function that shows whether a call was made, and an
 * exported variable that must not be called.
 * Built only for the tests (tests/ffi.am) into tests/plugins/.libs.  Its
 * signature table (cohort/extern.h) is at the end. */
#include <cohort/extern.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

/* The exported functions (no header: they are found with dlsym). */
long xt_long_add(long a, long b);
long xt_long_big(void);
int xt_int_sub(int a, int b);
int xt_int_neg(void);
double xt_real_scale(double x, double k);
double xt_real_nan(void);
bool xt_bool_xor(bool a, bool b);
bool xt_is_positive(long x);
int xt_date_add(int day, int n);
int xt_date_weekday(int day);
const char *xt_text_grade(double x);
const char *xt_text_echo(const char *s);
const char *xt_text_null(void);
long xt_text_len(const char *s);
double xt_missing_count(double a, const char *s, double b);
const char *xt_missing_name(const char *s);
double xt_mixed(long a, int b, double c, bool d, int day, const char *s);
double xt_counted(double x);
long xt_calls(void);
double xt_undeclared(double x);
extern const double xt_data;

/* an exported variable: declaring it as an extern function is refused */
const double xt_data = 42.0;

long xt_long_add(long a, long b) { return a + b; }

/* wider than 32 bits: truncation to int would show */
long xt_long_big(void) { return 1L << 40; }

int xt_int_sub(int a, int b) { return a - b; }

/* a negative int return must be sign-extended, not read as 4294967291 */
int xt_int_neg(void) { return -5; }

double xt_real_scale(double x, double k) { return x * k; }

/* NaN is read as missing */
double xt_real_nan(void) { return NAN; }

bool xt_bool_xor(bool a, bool b) { return a != b; }

bool xt_is_positive(long x) { return x > 0; }

int xt_date_add(int day, int n) { return day + n; }

/* 0 = Sunday ... 6 = Saturday; 1970-01-01 was a Thursday */
int xt_date_weekday(int day)
{
    int w = (day + 4) % 7;
    return w < 0 ? w + 7 : w;
}

/* returns static strings; NULL (missing) for NaN */
const char *xt_text_grade(double x)
{
    if (isnan(x)) return NULL;
    return x >= 20 ? "high" : "low";
}

const char *xt_text_echo(const char *s) { return s; }

const char *xt_text_null(void) { return NULL; }

long xt_text_len(const char *s) { return (long)strlen(s); }

/* declared `accepts missing`: missing reals arrive as NaN, missing text as
 * NULL; returns how many arguments were missing */
double xt_missing_count(double a, const char *s, double b)
{
    return (double)(isnan(a) + (s == NULL) + isnan(b));
}

const char *xt_missing_name(const char *s) { return s ? s : "(none)"; }

/* Every argument lands in its own decimal digits, so a swapped, truncated
 * or mistyped argument changes the result: a + 10 b + 100 c + 1000 d +
 * 10000 (day mod 10) + 100000 strlen(s), each of a, b, c, strlen(s) < 10. */
double xt_mixed(long a, int b, double c, bool d, int day, const char *s)
{
    return (double)a + 10.0 * b + 100.0 * c + 1000.0 * (d ? 1 : 0) + 10000.0 * (day % 10) +
           100000.0 * (double)strlen(s);
}

/* A call counter, so that tests can see that a missing argument yields
 * missing without calling the function.  The only state in this library
 * (a test fixture, not library code). */
static long ncalls;

double xt_counted(double x)
{
    ncalls++;
    return x + 1;
}

long xt_calls(void) { return ncalls; }

/* exported but left out of the table below: cohort refuses to call it */
double xt_undeclared(double x) { return x; }

/* The signatures cohort checks declarations against (cohort/extern.h). */
static const cohort_extern_fn fns[] = {
    {"xt_long_add", "l(ll)"},
    {"xt_long_big", "l()"},
    {"xt_int_sub", "i(ii)"},
    {"xt_int_neg", "i()"},
    {"xt_real_scale", "d(dd)"},
    {"xt_real_nan", "d()"},
    {"xt_bool_xor", "b(bb)"},
    {"xt_is_positive", "b(l)"},
    {"xt_date_add", "i(ii)"},
    {"xt_date_weekday", "i(i)"},
    {"xt_text_grade", "s(d)"},
    {"xt_text_echo", "s(s)"},
    {"xt_text_null", "s()"},
    {"xt_text_len", "l(s)"},
    {"xt_missing_count", "d(dsd)"},
    {"xt_missing_name", "s(s)"},
    {"xt_mixed", "d(lidbis)"},
    {"xt_counted", "d(d)"},
    {"xt_calls", "l()"},
};
COHORT_EXTERN_TABLE(fns);
