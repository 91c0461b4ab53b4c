/* labels.h: the labels a study gives its names and levels (`label tdxd
 * "T-DXd" levels (false: "No T-DXd", true: "T-DXd") reference false;`):
 * checked once, then read wherever a name or a level is shown, and the
 * order of the levels (the reference first) that tables, figures and
 * models follow. */
#ifndef COHORT_LABELS_H
#define COHORT_LABELS_H
#include <stddef.h>
#include "diag.h"
#include "srcfile.h"

struct stmt;

typedef struct label_level {
    char *level;           /* as plugins write it: "true", "12", "low" */
    char *text;            /* its label, or NULL (listed only for its place) */
} label_level;

typedef struct label_entry {
    char *name;            /* as written in the rules: "tdxd", "patient.her2", "os" */
    char *text;            /* the name's label, or NULL */
    label_level *levels;   /* in the order to show them, the reference first */
    size_t nlevels;
    int has_reference;     /* levels[0] was chosen with `reference` */
    loc where;             /* the statement (for "already labelled at line N") */
} label_entry;

typedef struct labelset {
    label_entry *e;
    size_t n;
} labelset;

/* Check label statement s, whose name the checker resolved to a value of
 * type `type` (a TY_* scalar, or TY_ENDPOINT), and add it to *ls (created
 * on first use).  Errors (located): a name labelled twice, levels of an
 * endpoint or of a type without levels (reals, dates, durations), a level
 * of the wrong type, a level listed twice, a boolean level other than
 * true and false.  Returns the number of errors. */
int labels_add(labelset **ls, const struct stmt *s, int type, diag *dg);

labelset *labels_copy(const labelset *ls);
void labels_free(labelset *ls);

/* The label of `name`, or of its level `level` (not NULL); NULL when the
 * rules give none. */
int labels_has(const labelset *ls, const char *name);   /* any label statement for name */
const char *labels_name(const labelset *ls, const char *name);
const char *labels_level(const labelset *ls, const char *name, const char *level);
/* The place of `level` among the levels of `name` (0 first: the reference),
 * or -1 when not listed. */
int labels_rank(const labelset *ls, const char *name, const char *level);
/* The reference level of `name` for the models: its first level, or NULL. */
const char *labels_reference(const labelset *ls, const char *name);

/* `text` as people read it (malloc'd; NULL when out of memory): a
 * labelled name alone is its label; every group "NAME = LEVEL" the
 * plugins write is the level's label, or "LABEL = LEVEL" when only the name
 * has one; "by NAME", "of NAME" and "for NAME" use the label, and a model term "NAME (A vs B)" is
 * "LABEL (LA vs LB)". */
char *labels_show(const labelset *ls, const char *text);
/* A model's coefficient name (a cell of a "term" column) as people read
 * it, malloc'd; NULL when it involves no labelled variable (or out of
 * memory).  Like R, the models name a factor's coefficient NAMELEVEL
 * ("armB", "tdxdtrue") and an interaction's parts joined by ":"; NAME is
 * the longest variable of `formula` (the estimate's, as written) that the
 * part starts with.  A part of a labelled variable becomes "LABEL" or
 * "LABEL: LEVEL" (the level's label where it has one), and the parts of
 * an interaction with a labelled variable are joined by " x " with the
 * multiplication sign U+00D7 for the x. */
char *labels_term(const labelset *ls, const char *formula, const char *text);
#endif
