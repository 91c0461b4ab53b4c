/* xcall.c: extern declarations.  The library is found on the plugin path
 * (never an arbitrary path named in the rules), the symbol is looked up
 * with dlsym and must be defined in that library itself (not in one of its
 * dependencies such as libc), ffi_prep_cif runs once per declaration and
 * ffi_call once per row.  Types: integer -> long (or int when declared
 * `int`), real -> double, boolean -> bool, text -> const char *, date -> int
 * (days since 1970-01-01). */
#include "xcall.h"
#include <cohort/extern.h>
#include "date.h"
#include "guard.h"
#include "study.h"
#include <dlfcn.h>
#include <ffi.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The checker types at most 16 arguments of a call (check_call), so an
 * extern may declare at most that many parameters. */
#define XCALL_MAX_PARAMS 16

typedef struct xprep {
    ffi_cif cif;
    ffi_type *atypes[XCALL_MAX_PARAMS];
} xprep;

static ffi_type *ffi_of(int t)
{
    if (t & XT_CINT) return &ffi_type_sint;
    switch (XT_LANG(t)) {
    case TY_INT: return &ffi_type_slong;
    case TY_REAL: return &ffi_type_double;
    case TY_BOOL: return &ffi_type_uint8;
    case TY_TEXT: return &ffi_type_pointer;
    case TY_DATE: return &ffi_type_sint;
    }
    return NULL;
}

/* The signature letter of a declared type (see cohort/extern.h). */
static char sig_letter(int t)
{
    if (t & XT_CINT) return 'i';
    switch (XT_LANG(t)) {
    case TY_INT: return 'l';
    case TY_REAL: return 'd';
    case TY_BOOL: return 'b';
    case TY_TEXT: return 's';
    case TY_DATE: return 'i';
    }
    return '?';
}

/* "double bed(double, long, double)" from a signature "d(dld)" */
static void sig_c(const char *name, const char *sig, char *buf, size_t size)
{
    static const char *const letters = "lidbs";
    static const char *const ctypes[] = {"long", "int", "double", "bool", "const char *"};
    size_t n = 0;
    for (const char *c = sig; *c && n < size; c++) {
        const char *k = *c ? strchr(letters, *c) : NULL;
        const char *word = k ? ctypes[k - letters] : "?";
        if (*c == '(') n += (size_t)snprintf(buf + n, size - n, " %s(", name);
        else if (*c == ')') n += (size_t)snprintf(buf + n, size - n, ")");
        else n += (size_t)snprintf(buf + n, size - n, "%s%s", c > sig && c[-1] != '(' ? ", " : "", word);
    }
    if (n == 0) snprintf(buf, size, "?");
}

/* Find `name` in a library's table (run under the crash guard: the table
 * is the library's data). */
typedef struct table_lookup {
    const cohort_externs *tab;
    const char *name;
    char sig[64];
    int found, valid;
} table_lookup;

static int lookup_table(void *p)
{
    table_lookup *t = p;
    t->valid = t->tab->magic == COHORT_EXTERN_MAGIC && t->tab->nfns <= 4096 && (t->tab->fns || !t->tab->nfns);
    for (uint32_t i = 0; t->valid && i < t->tab->nfns; i++) {
        const cohort_extern_fn *f = &t->tab->fns[i];
        if (f->name && f->signature && strcmp(f->name, t->name) == 0) {
            snprintf(t->sig, sizeof t->sig, "%s", f->signature);
            t->found = 1;
            break;
        }
    }
    return 0;
}

/* Check the declaration against the library's own table of signatures
 * (cohort_extern_table): the only thing trusted about a C function. */
static int check_declared(void *h, const stmt *s, plugin_reg *r, diag *dg)
{
    char why[512];
    void *sym = NULL;
    table_lookup t = {NULL, s->name, "", 0, 0};
    if (plugin_symbol(h, COHORT_EXTERN_SYMBOL, 0, &sym, why, sizeof why) == 0) {
        t.tab = sym;
        guard_call(s->loc, EXIT_PLUGIN, lookup_table, &t, "library '%s' crashed reading its %s", s->text,
                   COHORT_EXTERN_SYMBOL);
    }
    if (!t.valid) {
        plugin_reg_failed(r);
        diag_at(dg, DIAG_ERROR, s->loc, "library '%s' does not declare its functions (no valid %s; see "
                "cohort/extern.h): only declared functions can be called", s->text, COHORT_EXTERN_SYMBOL);
        return -1;
    }
    if (!t.found) {
        plugin_reg_failed(r);
        diag_at(dg, DIAG_ERROR, s->name_loc, "library '%s' does not declare a function '%s' in its %s",
                s->text, s->name, COHORT_EXTERN_SYMBOL);
        return -1;
    }
    char want[XCALL_MAX_PARAMS + 4];
    size_t n = 0;
    want[n++] = sig_letter(s->rettype);
    want[n++] = '(';
    for (size_t i = 0; i < s->nxparams; i++) want[n++] = sig_letter(s->xparams[i].type);
    want[n++] = ')';
    want[n] = 0;
    if (strcmp(want, t.sig) != 0) {
        char decl[256], lib[256];
        sig_c(s->name, want, decl, sizeof decl);
        sig_c(s->name, t.sig, lib, sizeof lib);
        plugin_reg_failed(r);
        diag_at(dg, DIAG_ERROR, s->loc, "extern %s does not match library '%s': declared as %s, the library "
                "declares %s", s->name, s->text, decl, lib);
        return -1;
    }
    return 0;
}

int xcall_load(study *st, externinfo *x, plugin_reg *r, diag *dg)
{
    (void)st;
    stmt *s = x->s;
    if (strchr(s->text, '/')) {
        diag_at(dg, DIAG_ERROR, s->loc, "extern library '%s' must be a plugin name, not a path "
                "(libraries load only from the plugin path; see --allow-plugin-path)", s->text);
        return -1;
    }
    if (s->nxparams > XCALL_MAX_PARAMS) {
        diag_at(dg, DIAG_ERROR, s->name_loc, "%s: at most %d parameters are supported", s->name,
                XCALL_MAX_PARAMS);
        return -1;
    }
    if (!ffi_of(s->rettype) || XT_LANG(s->rettype) == TY_DURATION) {
        diag_at(dg, DIAG_ERROR, s->loc, "%s: an extern function cannot return a %s", s->name,
                ty_name((ty){(uint8_t)XT_LANG(s->rettype), 0}));
        return -1;
    }
    for (size_t i = 0; i < s->nxparams; i++) {
        int t = s->xparams[i].type;
        if (!ffi_of(t) || XT_LANG(t) == TY_DURATION) {
            diag_at(dg, DIAG_ERROR, s->xparams[i].loc, "extern parameters cannot be %s",
                    ty_name((ty){(uint8_t)XT_LANG(t), 0}));
            return -1;
        }
        if (s->accepts_missing && XT_LANG(t) != TY_REAL && XT_LANG(t) != TY_TEXT) {
            diag_at(dg, DIAG_ERROR, s->xparams[i].loc, "'accepts missing' needs real or text parameters "
                    "(missing is passed as NaN or NULL); '%s' is not", s->xparams[i].name);
            return -1;
        }
    }
    void *h = plugin_library(r, s->text, s->loc, dg);
    if (!h) return -1;
    void *fn = NULL;
    char why[512];
    int bad = plugin_symbol(h, s->name, 1, &fn, why, sizeof why);
    if (bad) {
        plugin_reg_failed(r);
        if (bad == PF_MISSING)
            diag_at(dg, DIAG_ERROR, s->name_loc, "function '%s' not found in library '%s': %s", s->name, s->text,
                    why);
        else if (bad == PF_FOREIGN)
            diag_at(dg, DIAG_ERROR, s->name_loc, "function '%s' is not defined in library '%s' itself but in a "
                    "library it depends on; only the library's own functions can be called", s->name, s->text);
        else
            diag_at(dg, DIAG_ERROR, s->name_loc, "'%s' in library '%s' is not a function", s->name, s->text);
        return -1;
    }
    if (check_declared(h, s, r, dg)) return -1;
    xprep *p = calloc(1, sizeof *p);
    if (!p) return -1;
    for (size_t i = 0; i < s->nxparams; i++) p->atypes[i] = ffi_of(s->xparams[i].type);
    if (ffi_prep_cif(&p->cif, FFI_DEFAULT_ABI, (unsigned)s->nxparams, ffi_of(s->rettype), p->atypes) != FFI_OK) {
        diag_at(dg, DIAG_ERROR, s->loc, "libffi cannot prepare a call to %s", s->name);
        free(p);
        return -1;
    }
    x->fn = fn;
    x->cif = p;
    return 0;
}

void xcall_free(externinfo *x)
{
    free(x->cif);
    x->cif = NULL;
}

typedef union slot {
    long l;
    int i;
    double d;
    uint8_t b;
    const char *s;
} slot;

/* A C int argument (declared `int`, or a date): missing when the value
 * does not fit, rather than a silently wrapped number. */
static int to_cint(double x, int *out)
{
    if (!(x >= INT_MIN && x <= INT_MAX)) return -1;
    *out = (int)x;
    return 0;
}

value xcall_call(const externinfo *x, const value *args, size_t n, strpool *pool)
{
    const stmt *s = x->s;
    xprep *p = x->cif;
    if (!p || n != s->nxparams) return V_MISSING;
    slot vals[XCALL_MAX_PARAMS];
    void *ptrs[XCALL_MAX_PARAMS];
    for (size_t i = 0; i < n; i++) {
        int t = s->xparams[i].type;
        value v = args[i];
        if (v_missing(v)) {
            if (!s->accepts_missing) return V_MISSING;
            if (XT_LANG(t) == TY_REAL) vals[i].d = NAN;
            else vals[i].s = NULL;
        } else if (t & XT_CINT) {
            /* the checker lets only integers through; v_num is exact for them */
            if (to_cint(v_num(v), &vals[i].i)) return V_MISSING;
        } else {
            switch (XT_LANG(t)) {
            case TY_INT: vals[i].l = (long)v.u.i; break;
            case TY_REAL: vals[i].d = v_num(v); break;
            case TY_BOOL: vals[i].b = (uint8_t)(v.u.i != 0); break;
            case TY_TEXT: vals[i].s = v.u.s; break;
            case TY_DATE:
                if (to_cint(floor(v.u.r), &vals[i].i)) return V_MISSING;
                break;
            }
        }
        ptrs[i] = &vals[i];
    }
    /* libffi widens integral returns smaller than a register to ffi_arg */
    union { ffi_arg a; ffi_sarg sa; double d; const char *s; long l; } ret;
    memset(&ret, 0, sizeof ret);
    ffi_call(&p->cif, FFI_FN(x->fn), &ret, ptrs);
    int rt = s->rettype;
    if (rt & XT_CINT) return v_int((int64_t)(int)ret.sa);
    switch (XT_LANG(rt)) {
    case TY_INT: return v_int((int64_t)ret.l);
    case TY_REAL: return isfinite(ret.d) ? v_real(ret.d) : V_MISSING;
    case TY_BOOL: return v_bool((uint8_t)ret.a != 0);
    case TY_TEXT: return ret.s ? v_text(strpool_intern(pool, ret.s, strlen(ret.s))) : V_MISSING;
    case TY_DATE: return date_in_range((double)(int)ret.sa) ? v_date((double)(int)ret.sa) : V_MISSING;
    }
    return V_MISSING;
}
