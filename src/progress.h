/* progress.h: a progress line on standard error for long runs (the phase
 * and its percent), shown only when standard error is a terminal and the
 * run has lasted about 2 s, so that short runs and pipes never see it. */
#ifndef COHORT_PROGRESS_H
#define COHORT_PROGRESS_H

typedef struct progress progress;

/* A reporter for a run starting now; NULL when standard error is not a
 * terminal (or without memory).  Every function accepts NULL. */
progress *progress_new(void);
/* Phase `what` (e.g. "reading drugs.csv") is `frac` (0 to 1) done.  Cheap
 * when nothing is due: the line is rewritten at most 5 times a second.
 * Call it from one thread. */
void progress_update(progress *p, const char *what, double frac);
/* Erase the line if one is shown (before printing a diagnostic); the next
 * update draws it again. */
void progress_clear(progress *p);
/* Erase the line if one is shown, and free p. */
void progress_free(progress *p);
#endif
