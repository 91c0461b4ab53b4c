/* rescache.c: the rerun cache of evaluated results (rescache.h).
 *
 * Keys.  A key is the SHA-256 of a text: a fixed opening (the format, this
 * build's identity, the unit and its ancestors, the timescale) and the
 * result's definition written out by put_expr as the checker resolved it.
 * A reference to a let, param, endpoint or exposure is written as that
 * definition's own key (computed once per run, memo[]), a column as its
 * table's name, its name and type, and the key of its table: the table's
 * content hash and declaration and those of its ancestors (a quantifier's
 * rows are grouped through them).  Source spelling that does not change a
 * value (a row variable's name, a let's position, the label of a
 * criterion) is left out.  A result whose definition reaches an extern C
 * function (its library can change under the same name), included() (it
 * reads another analysis), an era table or a table the table cache did not
 * hash gets no key: it is computed every run.
 *
 * Build identity.  The GNU build-id of each object whose code computes a
 * value: the executable (it links libcohort statically: the evaluator),
 * the math library and the C library, found by the address of one of
 * their functions among the loaded objects (not the plugins: an estimate
 * always runs, and which plugins a run loads depends on its rules).  The
 * linker computes a build-id from the code and data, so a rebuild with
 * any change has another, and a system library updated under the same
 * name (libm's exp, say) changes it too.  An object without one (linked
 * with --build-id=none) is identified by its file's SHA-256 (the
 * executable) or its device, inode, size and modification time.
 * The units a column is computed for enter its key by a 64-bit hash of
 * their row numbers (colcache_hash: it detects changes, and the rest of
 * the key is the definition's).
 *
 * Entries.  dir/<the key's first 32 hex digits>.cohortres: a header (magic,
 * format, the whole key, the number of sections, the payload's length and
 * hash, the header's own hash) then each section's length, its encoding
 * and its bytes, padded to 8: as they are (RC_RAW), or one bit a value
 * when every byte is 0 or 1 (RC_BYTES01: missing flags, booleans in
 * bytes) or every 8-byte word is the double 0.0 or 1.0 (RC_DOUBLES01: a
 * boolean let, a 0/1 status) -- lossless, a boolean column's entry is 1/64
 * of its size and writing it costs that much less; such a section is
 * decoded into memory of its own when read (one whose bits are all 0 into
 * the kernel's zero page: zero_pages), the others are used in place.  The
 * header also holds the entry's own identity (entrystamp.h: format 4): an
 * entry that has it is not hashed (nor populated) at its use, unless
 * COHORT_CACHE=verify.  Any mismatch, a short file or a wrong hash (of an
 * entry not trusted so) makes it a miss; a new entry is renamed over an old one (colcache_writer).  An
 * entry read is mapped read-only: restored columns point into it.
 *
 * Plugins' results (cohort_host.memo_get, result.c): an entry of one
 * section, keyed by the opening, the plugin's build-id (or file), the
 * estimator, the keys of the columns it was computed from and the
 * plugin's text; counted apart from the results above. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1   /* dl_iterate_phdr */
#endif
#include "textbuf.h"
#include "config.h"
#include "rescache.h"
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bits01.h"
#include "colcache.h"
#include "hash.h"

enum { RC_FORMAT = 4 };   /* 3: colcache_hash of format 5 (colcache.c); 4: the entry's stamp */
static const char rc_magic[8] = "COHRES1";
/* How a section's bytes are kept (the Entries paragraph above). */
enum { RC_RAW, RC_BYTES01, RC_DOUBLES01 };

typedef struct rc_header {
    char magic[8];
    uint64_t format;
    char key[64];
    uint64_t nsec, payload, hash;
    entry_stamp own;        /* the entry's own identity (entrystamp.h) */
    uint64_t check;
} rc_header;


/* A string, length first (so that no text can pass for another). */
static void kb_str(textbuf *b, const char *s)
{
    if (!s) {
        tb_put(b, "-", 1);
        return;
    }
    size_t n = strlen(s);
    tb_printf(b, "%zu:", n);
    tb_put(b, s, n);
}

/* The memo of one definition's key: 0 not yet, 1 in progress, 2 done. */
typedef struct memo {
    int state;
    int bad;
    char hex[65];
} memo;

struct rescache {
    char *dir;
    const study *st;
    const cohort_data *d;
    char *opening;           /* the fixed part of every key */
    memo *lets, *params, *eps, *expos, *tables;
    size_t asked, found;
    size_t memo_asked, memo_found;   /* plugins' results (rescache_key_memo) */
    size_t trusted, hashed;          /* entries read: by their stamp, or hashed */
};

/* ---- build identity ------------------------------------------------------ */

/* The objects whose code computes a result: the executable (it links
 * libcohort statically), the math library and the C library; for a
 * plugin's result (rescache_key_memo), the plugin. */
typedef struct objects {
    textbuf *b;
    const uintptr_t *fn;    /* a function of each */
    size_t nfn;
} objects;

static int phdr_cb(struct dl_phdr_info *info, size_t size, void *ud)
{
    (void)size;
    objects *o = ud;
    textbuf *b = o->b;
    int wanted = 0;
    for (int i = 0; i < info->dlpi_phnum && !wanted; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
        for (size_t k = 0; ph->p_type == PT_LOAD && k < o->nfn; k++)
            wanted |= o->fn[k] >= lo && o->fn[k] - lo < ph->p_memsz;
    }
    if (!wanted) return 0;
    const char *name = info->dlpi_name && *info->dlpi_name ? info->dlpi_name : "(main)";
    int found = 0;
    for (int i = 0; i < info->dlpi_phnum && !found; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE) continue;
        const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
        size_t off = 0;
        while (off + sizeof(ElfW(Nhdr)) <= ph->p_memsz) {
            const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)(p + off);
            size_t namesz = (nh->n_namesz + 3) & ~(size_t)3, descsz = (nh->n_descsz + 3) & ~(size_t)3;
            const unsigned char *desc = p + off + sizeof *nh + namesz;
            if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
                memcmp(p + off + sizeof *nh, "GNU", 4) == 0) {
                tb_printf(b, "obj ");
                kb_str(b, name);
                tb_printf(b, " id ");
                for (size_t k = 0; k < nh->n_descsz; k++) tb_printf(b, "%02x", desc[k]);
                tb_put(b, "\n", 1);
                found = 1;
                break;
            }
            off += sizeof *nh + namesz + descsz;
        }
    }
    if (!found) {
        /* no build-id: the executable's bytes, another object's file identity */
        char hex[65] = "";
        struct stat st;
        const char *path = *info->dlpi_name ? info->dlpi_name : "/proc/self/exe";
        tb_printf(b, "obj ");
        kb_str(b, name);
        if (!*info->dlpi_name && sha256_file(path, hex) == 0)
            tb_printf(b, " sha256 %s\n", hex);
        else if (stat(path, &st) == 0)
            tb_printf(b, " file %llu %llu %lld %lld.%09ld\n", (unsigned long long)st.st_dev,
                   (unsigned long long)st.st_ino, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                   st.st_mtim.tv_nsec);
        else
            tb_printf(b, " unknown\n");
    }
    return 0;
}

/* ---- keys -------------------------------------------------------------- */

static void put_expr(rescache *rc, textbuf *b, const expr *e, int *bad);
static const char *ref_key(rescache *rc, int kind, int i, int *bad);

/* The memo m computed by fn(rc, i, b, bad) into its text, hashed. */
static const char *memoized(rescache *rc, memo *m, int i, void (*fn)(rescache *, int, textbuf *, int *), int *bad)
{
    if (m->state == 1) {
        /* a cycle cannot pass the checker; never trust one */
        *bad = 1;
        return "";
    }
    if (m->state == 0) {
        m->state = 1;
        textbuf b = {0};
        int mb = 0;
        fn(rc, i, &b, &mb);
        if (b.oom) mb = 1;
        m->bad = mb;
        if (!mb) sha256_mem(b.s, b.n, m->hex);
        free(b.s);
        m->state = 2;
    }
    if (m->bad) *bad = 1;
    return m->hex;
}

/* A table: its name, content and declaration, and its ancestors'. */
static void table_text(rescache *rc, int ti, textbuf *b, int *bad)
{
    for (int t = ti; t >= 0; t = rc->d->tables[t].parent) {
        const table *tb = &rc->d->tables[t];
        if (!tb->has_content) *bad = 1;
        tb_printf(b, "table ");
        kb_str(b, tb->name);
        tb_printf(b, " %016llx\n", (unsigned long long)tb->content);
    }
}

static const char *table_key(rescache *rc, int ti, int *bad)
{
    if (ti < 0 || (size_t)ti >= rc->d->ntables) {
        *bad = 1;
        return "";
    }
    return memoized(rc, &rc->tables[ti], ti, table_text, bad);
}

/* A column of table ti by its table's key, name and type. */
static void put_column(rescache *rc, textbuf *b, int ti, int col, int *bad)
{
    if (ti < 0 || (size_t)ti >= rc->d->ntables || col < 0 || (size_t)col >= rc->d->tables[ti].ncols) {
        *bad = 1;
        return;
    }
    const column *c = &rc->d->tables[ti].cols[col];
    tb_printf(b, " col %s ", table_key(rc, ti, bad));
    kb_str(b, c->name);
    tb_printf(b, " %d", (int)c->type);
}

static void let_text(rescache *rc, int i, textbuf *b, int *bad)
{
    const letinfo *li = &rc->st->lets[i];
    tb_printf(b, "let %d.%d %d\n", li->type.kind, li->type.elem, li->is_const);
    put_expr(rc, b, li->s->value, bad);
}

static void param_text(rescache *rc, int i, textbuf *b, int *bad)
{
    const paraminfo *p = &rc->st->params[i];
    tb_printf(b, "param %d.%d\n", p->type.kind, p->type.elem);
    put_expr(rc, b, p->value, bad);
}

static void ep_text(rescache *rc, int i, textbuf *b, int *bad)
{
    const endpointinfo *ep = &rc->st->eps[i];
    const stmt *s = ep->s;
    tb_printf(b, "endpoint %d %d %d %d\n", ep->ncauses, ep->from_columns, s->ep_time_unit,
           ep->rows_table >= 0);
    if (ep->rows_table >= 0) tb_printf(b, " rows %s\n", table_key(rc, ep->rows_table, bad));
    for (int k = 0; k < ep->ncauses; k++) kb_str(b, ep->cause_names ? ep->cause_names[k] : NULL);
    for (size_t k = 0; k < ep->ncodes; k++) {
        tb_printf(b, " code %lld %d ", (long long)ep->codes[k].i, ep->codes[k].status);
        kb_str(b, ep->codes[k].s);
    }
    const expr *parts[] = {s->origin, s->event, s->censor, s->ep_time, s->ep_status, s->ep_entry,
                           s->ep_event_codes, s->ep_censor_codes};
    for (size_t k = 0; k < sizeof parts / sizeof *parts; k++) put_expr(rc, b, parts[k], bad);
    for (size_t k = 0; k < s->ncompeting; k++) {
        kb_str(b, s->competing_names ? s->competing_names[k] : NULL);
        put_expr(rc, b, s->competing[k], bad);
    }
}

static void expo_text(rescache *rc, int i, textbuf *b, int *bad)
{
    tb_printf(b, "exposure\n");
    put_expr(rc, b, rc->st->exposures[i]->value, bad);
}

/* The key of definition i of a kind (what R_LET, R_PARAM, R_ENDPOINT and
 * R_EXPOSURE name); a number out of range is never cached. */
static const char *ref_key(rescache *rc, int kind, int i, int *bad)
{
    const study *st = rc->st;
    memo *m = kind == R_LET ? rc->lets : kind == R_PARAM ? rc->params : kind == R_ENDPOINT ? rc->eps : rc->expos;
    size_t n = kind == R_LET ? st->nlets : kind == R_PARAM ? st->nparams : kind == R_ENDPOINT ? st->neps
               : st->nexposures;
    void (*fn)(rescache *, int, textbuf *, int *) = kind == R_LET ? let_text : kind == R_PARAM ? param_text
                                                 : kind == R_ENDPOINT ? ep_text : expo_text;
    if (i < 0 || (size_t)i >= n) {
        *bad = 1;
        return "";
    }
    return memoized(rc, &m[i], i, fn, bad);
}

/* e as resolved: every field the evaluator reads, references by key. */
static void put_expr(rescache *rc, textbuf *b, const expr *e, int *bad)
{
    if (!e) {
        tb_put(b, "~", 1);
        return;
    }
    tb_printf(b, "(%d %d %d.%d", (int)e->kind, e->op, e->type.kind, e->type.elem);
    switch (e->kind) {
    case E_INT: case E_BOOL:
        tb_printf(b, " %lld", (long long)e->ival);
        break;
    case E_REAL:
        tb_printf(b, " %a", e->rval);
        break;
    case E_DURATION:
        tb_printf(b, " %a %d %a", e->rval, e->dunit, e->days);
        break;
    case E_DATE:
        tb_printf(b, " %a ", e->days);
        kb_str(b, e->sval);
        break;
    case E_TEXT:
        tb_put(b, " ", 1);
        kb_str(b, e->text ? e->text : e->sval);
        break;
    case E_QUANT:
        /* the table ranged over, reached from the unit or from a row */
        tb_printf(b, " %s %d %d %d %d", table_key(rc, e->table, bad), e->col, e->slot, e->anchor_slot,
               e->anchor_table);
        kb_str(b, e->via);
        break;
    case E_CALL:
        if (e->rkind == R_EXTERN || e->fn == FN_INCLUDED) *bad = 1;
        tb_put(b, " ", 1);
        kb_str(b, e->name);
        tb_printf(b, " %d", e->fn);
        break;
    default:
        break;
    }
    /* a name, or a call reading a let or param (a map's lookup, m[k]) */
    if (e->kind == E_NAME || e->kind == E_FIELD || (e->kind == E_CALL && e->rkind != R_NONE)) {
        tb_printf(b, " r%d", e->rkind);
        switch (e->rkind) {
        case R_COLUMN: put_column(rc, b, e->table, e->col, bad); break;
        case R_VARCOL: case R_VARANC:
            tb_printf(b, " v%d a%d", e->slot, e->anchor_table);
            put_column(rc, b, e->table, e->col, bad);
            break;
        case R_LET: case R_PARAM: case R_ENDPOINT: case R_EXPOSURE:
            tb_printf(b, " %s", ref_key(rc, e->rkind, e->slot, bad));
            break;
        case R_EPMEMBER: tb_printf(b, " %s m%d", ref_key(rc, R_ENDPOINT, e->slot, bad), e->col); break;
        default: *bad = 1; break;   /* unresolved, extern or unknown: never cached */
        }
    }
    /* a field's base (a table, row variable or endpoint) is resolved above */
    const expr *sub[] = {e->kind == E_FIELD ? NULL : e->a, e->b, e->c, e->d};
    for (size_t k = 0; k < 4; k++)
        if (sub[k]) {
            tb_printf(b, " %zu", k);
            put_expr(rc, b, sub[k], bad);
        }
    tb_printf(b, " [%zu", e->nitems);
    for (size_t k = 0; k < e->nitems; k++) put_expr(rc, b, e->items[k], bad);
    tb_put(b, "])", 2);
}

static rc_key finish(rescache *rc, textbuf *b, int bad)
{
    rc_key k = {""};
    rc->asked++;
    if (!bad && !b->oom) sha256_mem(b->s, b->n, k.hex);
    free(b->s);
    return k;
}

rc_key rescache_key_set(rescache *rc, const uint8_t *eval_eps)
{
    textbuf b = {0};
    int bad = 0;
    tb_put(&b, rc->opening, strlen(rc->opening));
    tb_printf(&b, "set %zu\n", rc->st->ncriteria);
    for (size_t j = 0; j < rc->st->ncriteria; j++) {
        tb_printf(&b, "%s ", rc->st->criteria[j]->kind == S_INCLUDE ? "include" : "exclude");
        put_expr(rc, &b, rc->st->criteria[j]->value, &bad);
        tb_put(&b, "\n", 1);
    }
    for (size_t e = 0; e < rc->st->neps; e++)
        if (eval_eps && eval_eps[e]) tb_printf(&b, "with %s\n", ref_key(rc, R_ENDPOINT, (int)e, &bad));
    return finish(rc, &b, bad);
}

uint64_t rescache_units(const size_t *rows, size_t n)
{
    return colcache_hash(rows, n * sizeof *rows);
}

rc_key rescache_key_column(rescache *rc, const expr *e, int ep, unsigned flags, uint64_t units, size_t n)
{
    textbuf b = {0};
    int bad = 0;
    tb_put(&b, rc->opening, strlen(rc->opening));
    if (ep >= 0) tb_printf(&b, "endpoint %s %u\n", ref_key(rc, R_ENDPOINT, ep, &bad), flags);
    else {
        tb_printf(&b, "column %u ", flags);
        put_expr(rc, &b, e, &bad);
    }
    /* the units, as their row numbers */
    tb_printf(&b, "\nunits %zu %016llx\n", n, (unsigned long long)units);
    return finish(rc, &b, bad);
}

rc_key rescache_key_memo(rescache *rc, uintptr_t code, const char *est, const rc_key *cols, size_t n,
                         const char *what, size_t size)
{
    rc_key k = {""};
    if (!rc) return k;
    textbuf b = {0};
    int bad = n == 0 || !what;
    tb_put(&b, rc->opening, strlen(rc->opening));
    /* the plugin's build: its GNU build-id, or its file */
    tb_printf(&b, "plugin result\n");
    size_t before = b.n;
    const uintptr_t fn[] = {code};
    objects objs = {&b, fn, 1};
    dl_iterate_phdr(phdr_cb, &objs);
    if (b.n == before) bad = 1;
    tb_printf(&b, "estimator ");
    kb_str(&b, est);
    tb_printf(&b, "\ncolumns %zu\n", n);
    for (size_t j = 0; j < n && !bad; j++) {
        if (!cols[j].hex[0]) bad = 1;
        tb_printf(&b, "%s\n", cols[j].hex);
    }
    tb_printf(&b, "what ");
    kb_str(&b, what);
    tb_printf(&b, "\nbytes %zu\n", size);
    if (!bad && !b.oom) sha256_mem(b.s, b.n, k.hex);
    free(b.s);
    return k;
}

/* ---- set-up ------------------------------------------------------------ */

rescache *rescache_new(const char *dir, const study *st, const cohort_data *d)
{
    if (!dir || st->nexterns || st->neras || st->conninfo) return NULL;
    rescache *rc = calloc(1, sizeof *rc);
    if (!rc) return NULL;
    rc->dir = strdup(dir);
    rc->st = st;
    rc->d = d;
    rc->lets = calloc(st->nlets + 1, sizeof *rc->lets);
    rc->params = calloc(st->nparams + 1, sizeof *rc->params);
    rc->eps = calloc(st->neps + 1, sizeof *rc->eps);
    rc->expos = calloc(st->nexposures + 1, sizeof *rc->expos);
    rc->tables = calloc(d->ntables + 1, sizeof *rc->tables);
    textbuf b = {0};
    tb_printf(&b, "cohort results %d %s\n", RC_FORMAT, PACKAGE_VERSION);
    double (*volatile fexp)(double) = exp;   /* libm's, not a builtin */
    const uintptr_t fns[] = {(uintptr_t)&rescache_new, (uintptr_t)fexp, (uintptr_t)&qsort};
    objects objs = {&b, fns, sizeof fns / sizeof *fns};
    dl_iterate_phdr(phdr_cb, &objs);
    int bad = 0;
    tb_printf(&b, "unit %s timescale %d days %a %a %a %a\n", table_key(rc, st->unit, &bad), st->timescale,
           st->unit_days[0], st->unit_days[1], st->unit_days[2], st->unit_days[3]);
    rc->opening = b.s;
    if (!rc->dir || !rc->lets || !rc->params || !rc->eps || !rc->expos || !rc->tables || b.oom || !b.s || bad) {
        rescache_free(rc);
        return NULL;
    }
    return rc;
}

void rescache_free(rescache *rc)
{
    if (!rc) return;
    free(rc->dir);
    free(rc->opening);
    free(rc->lets);
    free(rc->params);
    free(rc->eps);
    free(rc->expos);
    free(rc->tables);
    free(rc);
}

void rescache_counts(const rescache *rc, size_t *asked, size_t *found)
{
    *asked = rc ? rc->asked : 0;
    *found = rc ? rc->found : 0;
}

void rescache_trust_counts(const rescache *rc, size_t *trusted, size_t *hashed)
{
    *trusted = rc ? rc->trusted : 0;
    *hashed = rc ? rc->hashed : 0;
}

void rescache_memo_counts(const rescache *rc, size_t *asked, size_t *found)
{
    *asked = rc ? rc->memo_asked : 0;
    *found = rc ? rc->memo_found : 0;
}

/* ---- entries ----------------------------------------------------------- */

static size_t pad8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static void entry_name(const rc_key *key, char name[64])
{
    snprintf(name, 64, "%.32s.cohortres", key->hex);
}

static uint64_t header_check(const rc_header *h)
{
    rc_header c = *h;
    c.check = 0;
    return colcache_hash(&c, sizeof c);
}

/* The encoding that keeps the len bytes of p in the fewest bytes. */
static uint64_t section_encoding(const unsigned char *p, size_t len)
{
    if (len < 16) return RC_RAW;
    switch (bits01_kind(p, len, 1)) {
    case BITS01_DOUBLES: return RC_DOUBLES01;
    case BITS01_BYTES: return RC_BYTES01;
    default: return RC_RAW;
    }
}

/* Bytes a section of len bytes takes kept as enc (a bit a value, whole
 * bytes; no overflow whatever a damaged length says). */
static uint64_t stored_length(uint64_t len, uint64_t enc)
{
    uint64_t values = enc == RC_DOUBLES01 ? len / 8 : len;
    return enc == RC_RAW ? len : values / 8 + (values % 8 != 0);
}

/* The entry of key (rescache_get without counting it). */
/* Are the n bytes at p all 0 (a section of bits with no 1: a column
 * without missing values, a boolean never true)?  Every byte is looked
 * at, without an early exit, so that the loop vectorises. */
static int all_zero(const unsigned char *p, size_t n)
{
    unsigned char any = 0;
    for (size_t i = 0; i < n; i++) any |= p[i];
    return any == 0;
}

/* n bytes of 0 that cost no page of their own: a private anonymous
 * mapping, read-only, its pages mapped to the kernel's zero page at once
 * (MAP_POPULATE); NULL when it cannot be had (the caller decodes then).
 * Decoding such a section instead took a fresh page per 4 KiB (the
 * missing flags of each reused column: 2.3 MB at 1M). */
static void *zero_pages(size_t n)
{
    void *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static int get_entry(rescache *rc, const rc_key *key, rc_entry *out)
{
    memset(out, 0, sizeof *out);
    if (!rc || !key->hex[0]) return 0;
    char name[64];
    entry_name(key, name);
    size_t nd = strlen(rc->dir);
    char *path = malloc(nd + 70);
    if (!path) return 0;
    snprintf(path, nd + 70, "%s/%s", rc->dir, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    if (fd < 0) return 0;
    struct stat st;
    rc_header h;
    unsigned char *map = MAP_FAILED, *buf = NULL;
    size_t len = 0;
    int ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size >= sizeof h &&
             pread(fd, &h, sizeof h, 0) == (ssize_t)sizeof h && !memcmp(h.magic, rc_magic, sizeof rc_magic) &&
             h.format == RC_FORMAT && !memcmp(h.key, key->hex, 64) && h.check == header_check(&h) &&
             h.nsec <= RC_MAXSEC && h.payload == (uint64_t)st.st_size - sizeof h;
    /* written by cohort and unchanged since (entrystamp.h): not hashed,
     * unless the user asked for it (COHORT_CACHE=verify) */
    int trusted = ok && !entry_stamp_distrusted() && entry_stamp_holds(&st, &h.own);
    if (ok) {
        /* mapped read-only (the page cache's pages, not copied), like the
         * table cache's entries: a restored column points into it;
         * populated at once to be hashed, else faulted in as it is read */
        len = (size_t)st.st_size;
        map = mmap(NULL, len, PROT_READ, MAP_PRIVATE | (trusted ? 0 : MAP_POPULATE), fd, 0);
        buf = map == MAP_FAILED ? NULL : map + sizeof h;
        ok = buf && (trusted || colcache_hash(buf, h.payload) == h.hash);
    }
    close(fd);
    size_t off = 0;
    for (size_t k = 0; ok && k < h.nsec; k++) {
        uint64_t sl, enc;
        if (h.payload - off < 16) { ok = 0; break; }
        memcpy(&sl, buf + off, 8);
        memcpy(&enc, buf + off + 8, 8);
        off += 16;
        uint64_t kept = stored_length(sl, enc);
        if (enc > RC_DOUBLES01 || (enc == RC_DOUBLES01 && sl % 8) || kept > h.payload - off ||
            pad8(kept) > h.payload - off || sl > SIZE_MAX - 1) { ok = 0; break; }
        out->len[k] = sl;
        if (enc == RC_RAW) {
            out->p[k] = buf + off;
        } else if (sl && all_zero(buf + off, kept) && (out->zero[k] = zero_pages(sl))) {
            out->p[k] = out->zero[k];
        } else if ((out->own[k] = malloc(sl + 1))) {
            bits01_unpack(buf + off, enc == RC_DOUBLES01 ? sl / 8 : sl, enc == RC_DOUBLES01 ? 8 : 1, out->own[k], 1);
            out->p[k] = out->own[k];
        } else {
            ok = 0;
        }
        off += pad8(kept);
    }
    if (!ok || off != h.payload) {
        if (map != MAP_FAILED) munmap(map, len);
        out->map = NULL;
        rc_entry_free(out);
        return 0;
    }
    out->n = h.nsec;
    out->map = map;
    out->maplen = len;
    /* gets may run on several threads */
    __atomic_add_fetch(trusted ? &rc->trusted : &rc->hashed, 1, __ATOMIC_RELAXED);
    return 1;
}

int rescache_get(rescache *rc, const rc_key *key, rc_entry *out)
{
    if (!get_entry(rc, key, out)) return 0;
    __atomic_add_fetch(&rc->found, 1, __ATOMIC_RELAXED);   /* gets may run on several threads */
    return 1;
}

int rescache_memo_get(rescache *rc, const rc_key *key, void *buf, size_t size)
{
    rc_entry e;
    if (!rc) return 0;
    rc->memo_asked++;
    if (!get_entry(rc, key, &e)) return 0;
    int ok = e.n == 1 && e.len[0] == size;
    if (ok) memcpy(buf, e.p[0], size);
    rc_entry_free(&e);
    if (ok) rc->memo_found++;
    return ok;
}

void rescache_memo_put(rescache *rc, const rc_key *key, const void *buf, size_t size)
{
    rc_entry e = {1, {buf}, {size}, NULL, 0, {0}, {0}};
    rescache_put(rc, key, &e);
}

void rc_entry_free(rc_entry *e)
{
    if (e->map) munmap(e->map, e->maplen);
    for (size_t k = 0; k < RC_MAXSEC; k++) {
        free(e->own[k]);
        if (e->zero[k]) munmap(e->zero[k], e->len[k]);
    }
    memset(e, 0, sizeof *e);
}

void rescache_put(rescache *rc, const rc_key *key, const rc_entry *e)
{
    if (!rc || !key->hex[0] || e->n > RC_MAXSEC) return;
    static const char zero[8];
    uint64_t enc[RC_MAXSEC];
    size_t total = 0;
    for (size_t k = 0; k < e->n; k++) {
        enc[k] = section_encoding(e->p[k], e->len[k]);
        total += 16 + pad8(stored_length(e->len[k], enc[k]));
    }
    char name[64];
    entry_name(key, name);
    rc_header h;
    /* the payload streamed to the file and hashed as it goes: a section
     * as it is, or its bits ENC_PIECE bytes at a time (no copy of the
     * whole: at 1M patients 97 MB of new pages a first run) */
    colcache_writer *w = colcache_writer_open(rc->dir, name, sizeof h, total);
    if (!w) return;
    enum { ENC_PIECE = 1 << 12 };
    unsigned char bits[ENC_PIECE];
    for (size_t k = 0; k < e->n; k++) {
        uint64_t len = e->len[k];
        size_t kept = stored_length(len, enc[k]);
        colcache_writer_put(w, &len, 8);
        colcache_writer_put(w, &enc[k], 8);
        if (enc[k] == RC_RAW) {
            colcache_writer_put(w, e->p[k], kept);
        } else {
            /* 8 * ENC_PIECE values a piece: whole bytes of bits */
            size_t width = enc[k] == RC_DOUBLES01 ? 8 : 1, values = len / width;
            for (size_t v = 0; v < values; v += 8 * (size_t)ENC_PIECE) {
                size_t nv = values - v < 8 * (size_t)ENC_PIECE ? values - v : 8 * (size_t)ENC_PIECE;
                bits01_pack((const unsigned char *)e->p[k] + v * width, nv, (int)width, bits, 1);
                colcache_writer_put(w, bits, nv / 8 + (nv % 8 != 0));
            }
        }
        colcache_writer_put(w, zero, pad8(kept) - kept);
    }
    memset(&h, 0, sizeof h);
    memcpy(h.magic, rc_magic, sizeof rc_magic);
    h.format = RC_FORMAT;
    memcpy(h.key, key->hex, 64);
    h.nsec = e->n;
    h.payload = total;
    h.hash = colcache_writer_hash(w);
    colcache_writer_stamp(w, &h.own);
    h.check = header_check(&h);
    (void)colcache_writer_commit(w, &h, sizeof h);
}
