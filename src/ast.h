/* ast.h: the syntax tree of a rules program.  The parser builds it, every
 * node keeps its source location, and the checker annotates expressions
 * with their types and resolved references.  All nodes live in one arena
 * owned by the program, so a partial tree after errors is freed at once. */
#ifndef COHORT_AST_H
#define COHORT_AST_H
#include <stddef.h>
#include <stdint.h>
#include "srcfile.h"

/* Types of the language.  The scalar codes equal enum cohort_type. */
typedef enum {
    TY_ERROR = 0,
    TY_INT = 1, TY_REAL = 2, TY_TEXT = 3, TY_DATE = 4, TY_BOOL = 5, TY_DURATION = 6,
    TY_LIST = 7,       /* elem: element type */
    TY_MAP = 8,        /* text -> elem */
    TY_ENDPOINT = 9,
    TY_FORMULA = 10,
    TY_ANY = 11        /* the literal `missing` before it meets a context */
} tykind;

typedef struct ty {
    uint8_t kind;
    uint8_t elem;      /* element type of lists and maps */
} ty;

typedef enum {
    DU_DAY, DU_WEEK, DU_MONTH, DU_YEAR
} dunit;

typedef enum {
    E_INT, E_REAL, E_TEXT, E_DATE, E_BOOL, E_MISSING, E_DURATION,
    E_LIST,        /* [a, b, ...] or (a, b, ...) after `in`; op: IV_* ends of an
                      interval [a, b), (a, b], (a, b) (interval.h) */
    E_MAP,         /* { "key": value, ... }: items alternate key, value */
    E_NAME,        /* name */
    E_FIELD,       /* a.name: a is E_NAME (table, row variable, endpoint) */
    E_UNARY,       /* op a */
    E_BINARY,      /* a op b */
    E_BETWEEN,     /* a between b and c */
    E_IN,          /* a in b */
    E_WITHIN,      /* a within b of c (symmetric) */
    E_WITHIN2,     /* a within [b, c] of d */
    E_BEFORE,      /* a before b */
    E_AFTER,       /* a after b */
    E_OVERLAPS,    /* [a, b] overlaps [c, d] */
    E_RELATION,    /* a REL b, op = relation (interval.h): meets, during, and
                      before/after/overlaps of intervals after checking */
    E_QUANT,       /* quant table var [where a]: b */
    E_CALL,        /* name(items) */
    E_CASE,        /* case when items[0] then items[1] ... else a end */
    E_FORMULA,     /* a ~ items */
    E_INTERACT     /* a formula term a:b (formula.h): items are its variables; op: contrast bits */
} ekind;

typedef enum {
    OP_NEG, OP_NOT, OP_PLUS,
    OP_ADD, OP_SUB, OP_MUL, OP_DIV,
    OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
    OP_AND, OP_OR
} opkind;

typedef enum { Q_ANY, Q_ALL, Q_COUNT, Q_FIRST, Q_LAST, Q_MIN, Q_MAX, Q_SUM } qkind;

/* How the checker resolved a name (E_NAME / E_FIELD). */
typedef enum {
    R_NONE,
    R_COLUMN,      /* column `col` of table `table` reached from the unit */
    R_VARCOL,      /* column `col` of the row bound to quantifier variable `slot` */
    R_VARANC,      /* column `col` of table `table`, an ancestor of the row bound to
                      quantifier variable `slot` (a row of table `anchor_table`) */
    R_LET,         /* let number `slot` */
    R_PARAM,       /* param number `slot` */
    R_ENDPOINT,    /* endpoint number `slot` (as an argument) */
    R_EPMEMBER,    /* endpoint `slot`, member `col` (enum epmember) */
    R_EXTERN,      /* E_CALL of extern number `fn` */
    R_EXPOSURE     /* time-varying exposure number `slot` (formula terms only) */
} rkind;

typedef enum { EPM_TIME, EPM_STATUS, EPM_EVENT_DATE, EPM_END_DATE } epmember;

/* expr.fn of an E_CALL that is not an ordinary builtin or extern */
enum { FN_INCLUDED = -3 };

typedef struct expr expr;
struct expr {
    ekind kind;
    loc loc;
    int op;                /* opkind or qkind */
    expr *a, *b, *c, *d;
    expr **items;
    size_t nitems;
    size_t items_cap;      /* room in items (ast_push_item doubles it) */
    char *name;            /* E_NAME, E_FIELD (the field), E_CALL, E_QUANT (table) */
    char *var;             /* E_QUANT: the row variable */
    loc name_loc;          /* E_QUANT: where the table is named */
    char *via;             /* E_QUANT: the row or table before the table (`c` of `c.lesions`);
                              E_FIELD: the ancestor table of a row (`course` of `l.course.dose_gy`) */
    loc via_loc;
    int64_t ival;          /* E_INT, E_BOOL */
    double rval;           /* E_REAL, E_DURATION (count) */
    int dunit;             /* E_DURATION */
    char *sval;            /* E_TEXT (raw), E_DATE (text) */
    /* filled by the checker */
    ty type;
    int rkind;             /* rkind */
    int table, col, slot;  /* resolution */
    int fn;                /* E_CALL: builtin or extern index */
    double days;           /* E_DURATION in days; E_DATE day number */
    const char *text;      /* E_TEXT interned */
    int is_const;          /* no reference to a unit: same for every unit */
    int row_only;          /* a conjunct of a quantifier that depends only on its row */
    int qslot;             /* E_QUANT: its number among the program's quantifiers */
    int anchor_slot;       /* E_QUANT: the row variable whose row (or whose ancestor's row,
                              table `col`) holds the rows ranged over; -1: the unit's */
    int anchor_table;      /* E_QUANT with anchor_slot >= 0, R_VARANC: that variable's table */
    int prefiltered;       /* E_QUANT: has row-only conjuncts (see eval.c) */
    int pf_col;            /* E_QUANT: the one column of its row those conjuncts read, or -1 */
    int uses_unit;         /* refers to the unit (column, let, endpoint) */
    const struct evcode *code;   /* eval.c: its compiled form while an evaluator has one, or NULL */
};

typedef struct arg {
    char *name;            /* NULL when positional */
    loc loc;
    expr *value;
} arg;

typedef struct tabledecl {
    char *name;
    loc loc;
    char *key, *parent, *order, *file, *alias;
    struct stmt *era;      /* a derived table made by this era statement (era.c) */
    char *from;            /* postgres: the relation, "schema.table" (NULL: the name) */
    loc from_loc;
    char **colnames;
    int *coltypes;         /* TY_* scalar */
    int *colimpute;        /* IMPUTE_* of a date column: how a partial date is read */
    loc *colloc;
    size_t ncols;
} tabledecl;

typedef struct xparam {   /* a parameter of an extern or of a define NAME(...) */
    int type;
    char *name;
    loc loc;
} xparam;

typedef enum {
    S_STUDY, S_IMPORT, S_DATA, S_PARAM, S_UNIT, S_INCLUDE, S_EXCLUDE, S_LET,
    S_ENDPOINT, S_ESTIMATE, S_EXTERN, S_TIMESCALE, S_DEFINE, S_EXPOSURE,
    S_ERA,         /* era NAME from TABLE VAR [where value] start .. end .. gap .. [by ..];
                      text = TABLE, var = VAR */
    S_FUNC,        /* define NAME(xparams) = value; (parameters of type TY_ANY are untyped) */
    S_ANALYSIS,    /* `analysis NAME { ... }`: name; slot = its number (1, 2, ...) */
    S_SETTING      /* `SECTION KEY = value;` or `SECTION { KEY = value; ... }` (privacy,
                      plot): name = section, text = key, value; one statement per key */,
    S_TABLE,       /* `table NAME ...;` outside a data block: tables[0], added to the
                      study's data statement where it is written (check.c) */
    S_LABEL        /* `label NAME "text" levels (L: "text", ...) reference L;`: value =
                      the name (E_NAME or E_FIELD), label_text, levels, reference (labels.c) */
} skind;

enum { DS_CSV = 0, DS_POSTGRES = 1 };   /* where a data statement's tables come from */

/* Every expression a statement holds must also be walked by used_names in
 * check.c: data postgres reads only the columns named there. */
typedef struct stmt {
    skind kind;
    loc loc;
    char *name;            /* param/let/endpoint/estimate/extern/unit/timescale/define name */
    loc name_loc;
    char *text;            /* study title, criterion label, data directory, extern library */
    expr *value;           /* param/let/criterion/define value, exposure start */
    /* data */
    int data_source;       /* DS_CSV or DS_POSTGRES (text: the connection string,
                              name_loc: where it is written) */
    tabledecl *tables;
    size_t ntables;
    /* endpoint */
    expr *origin, *event, *censor;
    expr **competing;      /* dates; with ep_status, status codes (literal or list) */
    char **competing_names;
    size_t ncompeting;
    /* endpoint from columns (time COL UNIT; status COL ...; entry COL) */
    expr *ep_time, *ep_status, *ep_entry;
    int ep_time_unit;      /* dunit of ep_time and ep_entry */
    expr *ep_event_codes, *ep_censor_codes;   /* E_LIST of literals, or NULL: the defaults */
    /* estimate */
    arg *args;
    size_t nargs;
    /* extern */
    int rettype;
    xparam *xparams;
    size_t nxparams;
    int accepts_missing;
    /* era */
    char *var;             /* the source table's row variable */
    loc text_loc;          /* where the source table is named */
    expr *start, *end, *gap, *by;
    /* concept set (`concepts NAME = descendants(...);`, a let whose value is
     * a list filled from concept_ancestor when the data are read: concepts.c) */
    expr *concepts;        /* the set as written */
    /* label: its text (E_TEXT), levels (E_MAP: level, E_TEXT or E_MISSING, ...),
     * reference level (a literal); each NULL when not given */
    expr *label_text, *levels, *reference;
    int analysis;          /* 0: shared; k >= 1: inside the k-th analysis block */
    /* filled by the checker */
    int slot;              /* era: table index of the derived table */
} stmt;

typedef struct arena arena;

typedef struct program {
    arena *mem;
    stmt **stmts;
    size_t nstmts, cap;
    srcfile **files;       /* the main file and every import, owned */
    size_t nfiles;
    int nanalyses;         /* analysis blocks (0: the whole program is one analysis) */
} program;

program *program_new(void);
void program_free(program *p);
void *ast_alloc(program *p, size_t size);       /* zeroed; aborts never: NULL on OOM */
char *ast_strdup(program *p, const char *s, size_t len);
expr *ast_expr(program *p, ekind kind, loc l);
void ast_push_item(program *p, expr *e, expr *item);
int program_add(program *p, stmt *s);
const char *ty_name(ty t);
const char *dunit_name(int u);
#endif
