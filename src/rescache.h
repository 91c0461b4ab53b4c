/* rescache.h: the rerun cache of evaluated results (issue 11).  Beside
 * the table cache (colcache.h), in its folder, each per-unit result a run
 * computes (the units that pass the criteria with the attrition counts;
 * each column of an estimate's arguments: a let's or an expression's
 * vector, an endpoint's time/status vectors) is kept as one file named by
 * a SHA-256 of everything its value depends on:
 *   - this build of cohort (the GNU build-ids of the executable and of
 *     the C and math libraries, rescache.c);
 *   - the definition, as the checker resolved it (rescache.c: put_expr):
 *     each let, param, endpoint, exposure or column it reads is replaced
 *     by that one's own key, recursively, so a change anywhere below
 *     changes it, and a change elsewhere does not;
 *   - the content hash and declaration of every table it reads and of their
 *     ancestors (from the table cache: data.h, table.content);
 *   - the unit, the timescale, and the units it is computed for.
 * A definition that calls an extern C function, reads included() or an era
 * table, or reads a table whose content the table cache does not know,
 * has no key: it is computed every time.  (Whether a result may be written
 * at all, given the run's data warnings, is the caller's: study.c.)  An entry is used only when its
 * header, key, length and header checksum all match and either its own
 * identity holds (entrystamp.h) or its payload's checksum does; writes go to a temporary
 * file renamed into place (colcache_writer). */
#ifndef COHORT_RESCACHE_H
#define COHORT_RESCACHE_H
#include <stddef.h>
#include <stdint.h>
#include "check.h"
#include "data.h"

typedef struct rescache rescache;

/* A key: 64 hex digits and a NUL, "" when the result cannot be cached. */
typedef struct rc_key {
    char hex[65];
} rc_key;

enum { RC_MAXSEC = 8 };

/* An entry's sections, as read (rescache_get) or to write (rescache_put). */
typedef struct rc_entry {
    size_t n;
    const void *p[RC_MAXSEC];
    size_t len[RC_MAXSEC];
    void *map;              /* rescache_get: the file, mapped read-only (the sections
                               point into it) until rc_entry_free */
    size_t maplen;
    void *own[RC_MAXSEC];   /* rescache_get: sections decoded from bits (a
                               section of 0/1 bytes or of 0.0/1.0 doubles is
                               kept as one bit a value), freed by rc_entry_free */
    void *zero[RC_MAXSEC];  /* rescache_get: a section whose bits are all 0,
                               read-only anonymous memory of len[k] bytes (the
                               kernel's zero page: no page of its own),
                               unmapped by rc_entry_free */
} rc_entry;

/* The cache of one run of study st over data d in folder dir (NULL: off);
 * NULL when off. */
rescache *rescache_new(const char *dir, const study *st, const cohort_data *d);
void rescache_free(rescache *rc);

/* Keys.  The unit set: the criteria and the endpoints evaluated with them
 * (eval_eps[e] set).  A column: expression e (or, with ep >= 0, endpoint
 * ep; flags: what else is kept with it) over n units whose row numbers
 * hash to `units` (rescache_units: taken once for all the columns of a
 * call). */
rc_key rescache_key_set(rescache *rc, const uint8_t *eval_eps);
uint64_t rescache_units(const size_t *rows, size_t n);
rc_key rescache_key_column(rescache *rc, const expr *e, int ep, unsigned flags, uint64_t units, size_t n);

/* The entry of key: 1 (sections in *out) or 0 (none usable).  Several
 * threads may get entries of one rescache at once (study.c reads a call's
 * columns so). */
int rescache_get(rescache *rc, const rc_key *key, rc_entry *out);
void rc_entry_free(rc_entry *e);
/* Write the entry of key (nothing when the cache cannot be written). */
void rescache_put(rescache *rc, const rc_key *key, const rc_entry *e);
/* Results asked for and found, for the `cache:` line of --timing. */
void rescache_counts(const rescache *rc, size_t *asked, size_t *found);

/* Plugins' results (cohort_host.memo_get, memo_put): the key of a result
 * of the plugin whose code holds address `code` (its GNU build-id, or its
 * file, enters the key) for estimator est, computed from the columns
 * whose keys are cols[0..n) (rescache_key_column's) alone and named by
 * `what` (the plugin's text), of size bytes; empty when a column has no
 * key.  A result kept under key, exactly size bytes, copied into buf: 1,
 * or 0.  Neither counts among the results above (rescache_counts), but
 * in their own counts. */
rc_key rescache_key_memo(rescache *rc, uintptr_t code, const char *est, const rc_key *cols, size_t n,
                         const char *what, size_t size);
int rescache_memo_get(rescache *rc, const rc_key *key, void *buf, size_t size);
void rescache_memo_put(rescache *rc, const rc_key *key, const void *buf, size_t size);
void rescache_memo_counts(const rescache *rc, size_t *asked, size_t *found);
/* Entries read (results and plugins' results): trusted by their own
 * identity (entrystamp.h), or hashed; for the `cache:` line. */
void rescache_trust_counts(const rescache *rc, size_t *trusted, size_t *hashed);
#endif
