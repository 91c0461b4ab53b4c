/* radbio.c: the radbio extern library, plain C functions called from rules
 * through `extern` (libffi): the linear-quadratic biologically effective
 * dose (BED), the equivalent dose in 2 Gy fractions (EQD2), and a lookup of
 * the elimination half-lives of HER2-directed drugs.  Declarations to use in
 * a rules file (integer is a C long, real a double, text a const char *):
 *
 *   extern real bed(real dose, integer fractions, real ab) from "radbio";
 *   extern real eqd2(real dose, integer fractions, real ab) from "radbio";
 *   extern real halflife_days(text agent) from "radbio";
 *
 * Every function returns NaN, which the interpreter reads as missing, when
 * its arguments make no sense (no fractions, a negative dose, alpha/beta not
 * positive, an unknown agent); it never guesses.
 *
 * The library declares these signatures in cohort_extern_table (see
 * cohort/extern.h); cohort refuses a declaration that differs. */
#include <cohort/extern.h>
#include <ctype.h>
#include <math.h>
#include <stddef.h>

/* The exported functions (no header: they are found with dlsym). */
double bed(double dose, long fractions, double ab);
double eqd2(double dose, long fractions, double ab);
double halflife_days(const char *agent);

/* dose: total physical dose (Gy); fractions: number of fractions n;
 * ab: the alpha/beta ratio (Gy).  With d = dose / n the dose per fraction,
 * BED = n d (1 + d / (alpha/beta)) = dose (1 + d / (alpha/beta)). */
double bed(double dose, long fractions, double ab)
{
    if (!isfinite(dose) || !isfinite(ab) || dose < 0 || fractions < 1 || ab <= 0) return NAN;
    double d = dose / (double)fractions;
    return dose * (1.0 + d / ab);
}

/* EQD2 = BED / (1 + 2 / (alpha/beta)): the total dose in 2 Gy fractions
 * with the same biological effect. */
double eqd2(double dose, long fractions, double ab)
{
    double b = bed(dose, fractions, ab);
    if (isnan(b)) return NAN;
    return b / (1.0 + 2.0 / ab);
}

/* Elimination half-lives (days) from the US prescribing information,
 * section 12.3 (Pharmacokinetics), of each product:
 * - ado-trastuzumab emtansine (T-DM1, Kadcyla): elimination half-life
 *   approximately 4 days.
 * - fam-trastuzumab deruxtecan (T-DXd, Enhertu): median elimination
 *   half-life approximately 5.7 days.
 * - trastuzumab (Herceptin): 28 days, the upper end of the 18-28 day range
 *   quoted at steady state.  Clearance is concentration dependent (parallel
 *   linear and non-linear elimination), so the current label gives no single
 *   half-life but a washout of about 97% by 7 months after the last dose in
 *   at least 95% of patients; a population model across 18 trials
 *   (Cancer Chemother Pharmacol 2019, doi:10.1007/s00280-018-3728-z) gives
 *   25-30 days on the 3-weekly schedule.
 * - pertuzumab (Perjeta): median half-life 18 days.
 * - lapatinib (Tykerb): effective half-life about 24 hours with repeated
 *   dosing (14.2 hours terminal after a single dose).
 * - tucatinib (Tukysa): mean half-life approximately 8.5 hours.
 * Names are matched without regard to case; generic and brand names are
 * both accepted. */
typedef struct halflife {
    const char *name;
    double days;
} halflife;

static const halflife halflives[] = {
    {"T-DM1", 4.0},
    {"trastuzumab emtansine", 4.0},
    {"ado-trastuzumab emtansine", 4.0},
    {"Kadcyla", 4.0},
    {"T-DXd", 5.7},
    {"trastuzumab deruxtecan", 5.7},
    {"fam-trastuzumab deruxtecan", 5.7},
    {"Enhertu", 5.7},
    {"trastuzumab", 28.0},
    {"Herceptin", 28.0},
    {"pertuzumab", 18.0},
    {"Perjeta", 18.0},
    {"lapatinib", 24.0 / 24.0},
    {"Tykerb", 24.0 / 24.0},
    {"tucatinib", 8.5 / 24.0},
    {"Tukysa", 8.5 / 24.0},
};

static int same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
    return *a == *b;
}

/* Half-life in days of `agent`, or NaN (missing) when it is unknown. */
double halflife_days(const char *agent)
{
    if (!agent) return NAN;
    for (size_t i = 0; i < sizeof halflives / sizeof halflives[0]; i++)
        if (same_name(agent, halflives[i].name)) return halflives[i].days;
    return NAN;
}

/* What cohort may call, with the C signatures (cohort/extern.h). */
static const cohort_extern_fn fns[] = {
    {"bed", "d(dld)"},
    {"eqd2", "d(dld)"},
    {"halflife_days", "d(s)"},
};
COHORT_EXTERN_TABLE(fns);
