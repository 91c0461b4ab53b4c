/* docx.h: the run's tables as a Word document (DIR/tables.docx). */
#ifndef COHORT_DOCX_H
#define COHORT_DOCX_H
#include "result.h"
#include <stdio.h>

/* Write every table of r that the text report prints (Table 1 among them),
 * each with its title and footnotes, as one Office Open XML document to
 * out: the bytes of a .docx file, the same for the same results. */
void docx_tables(const results *r, FILE *out);
#endif
