/* csvcell.h: one text cell of a CSV file that cohort writes (result
 * tables, attrition, export), quoted as RFC 4180 says and, on request,
 * neutralised against spreadsheet formula injection. */
#ifndef COHORT_CSVCELL_H
#define COHORT_CSVCELL_H
#include <stdio.h>

/* Write text s as one CSV field: in double quotes (inner quotes doubled)
 * when it holds a comma, a quote or a line break.  With `neutralise`, a
 * text that a spreadsheet would read as a formula, one starting with
 * = + - @ TAB or CR, gets a single quote in front ('=1+2, '@SUM(A1)), as
 * OWASP recommends; a text that is a whole number such as -1.5 or +3 is a
 * number to the spreadsheet too and is left as it is. */
void csvcell_write(FILE *out, const char *s, int neutralise);
#endif
