/* progress.c: the progress line of long runs on a terminal (progress.h):
 * "cohort: reading events.csv  42%", rewritten in place with a carriage
 * return, from 2 s after the start at most every 0.2 s, erased at the end. */
#include "progress.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { SHOW_AFTER_MS = 2000, EVERY_MS = 200, LINE = 120 };

struct progress {
    double start, last;     /* seconds (monotonic) */
    int shown;              /* width of the line on the terminal, 0: none */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

progress *progress_new(void)
{
    if (!isatty(STDERR_FILENO)) return NULL;
    progress *p = calloc(1, sizeof *p);
    if (p) p->start = p->last = now_s();
    return p;
}

void progress_update(progress *p, const char *what, double frac)
{
    if (!p) return;
    double t = now_s();
    if (t - p->start < SHOW_AFTER_MS / 1e3 || t - p->last < EVERY_MS / 1e3) return;
    p->last = t;
    if (!(frac >= 0)) frac = 0;
    if (frac > 1) frac = 1;
    char line[LINE + 2];
    int n = snprintf(line, sizeof line - 1, "\rcohort: %.80s %3d%%", what, (int)(frac * 100));
    if (n < 0) return;
    if (n > LINE) n = LINE;
    /* pad over a longer previous line */
    int width = n - 1;
    while (n - 1 < p->shown && n < LINE) line[n++] = ' ';
    if (write(STDERR_FILENO, line, (size_t)n) < 0) return;
    p->shown = width;
}

void progress_clear(progress *p)
{
    if (!p || !p->shown) return;
    char blank[LINE + 3];
    int n = p->shown < LINE ? p->shown : LINE;
    blank[0] = '\r';
    memset(blank + 1, ' ', (size_t)n);
    blank[n + 1] = '\r';
    if (write(STDERR_FILENO, blank, (size_t)n + 2) < 0) { /* nothing to do */ }
    p->shown = 0;
}

void progress_free(progress *p)
{
    progress_clear(p);
    free(p);
}
