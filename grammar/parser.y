/* parser.y: the bison grammar of the rules language.  A pure parser with
 * locations; the tree is built in the program's arena (so no %destructor is
 * needed: a partial tree after errors is freed with the arena).  Errors are
 * reported through the one diagnostic reporter and recovery resumes at the
 * next ';' or '}' so that every error in a file is reported. */
%code requires {
#include <stdint.h>
#include "ast.h"
struct parse_ctx;
typedef void *yyscan_t;
}

%code {
#include <string.h>
#include "date.h"
#include "interval.h"
#include "formula.h"
/* the parser's stack limit (bison's default), named in its error message */
#define YYMAXDEPTH 10000
#define YYMAXDEPTH_TEXT "10000"
#include "parse.h"
int rules_lex(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner);
static void rules_error(YYLTYPE *l, yyscan_t scanner, struct parse_ctx *ctx, const char *msg);
static loc L(struct parse_ctx *c, YYLTYPE a);
static loc SPAN(struct parse_ctx *c, YYLTYPE a, YYLTYPE b);
static stmt *mkstmt(struct parse_ctx *c, skind k, YYLTYPE l);
static void add_stmt(struct parse_ctx *c, stmt *s);
static void open_analysis(struct parse_ctx *c, const char *word, char *name, YYLTYPE wl, YYLTYPE nl);
static expr *bin(struct parse_ctx *c, ekind k, int op, expr *a, expr *b, YYLTYPE l);
static expr *quant(struct parse_ctx *c, int q, expr *range, char *var, expr *where, expr *body, YYLTYPE l);
static expr *sign(struct parse_ctx *c, int op, expr *a, YYLTYPE l);
static expr *window(struct parse_ctx *c, expr *x, expr *w, expr *t, YYLTYPE l);
static expr *interval_end(expr *e, int which);
static expr *pair(struct parse_ctx *c, expr *items, int open, YYLTYPE l);
static stmt *coldecl(struct parse_ctx *c, stmt *s, char *name, YYLTYPE l, int type, int impute);
static int type_code(struct parse_ctx *c, const char *name, YYLTYPE l);
static void add_competing(struct parse_ctx *c, stmt *s, expr *e, char *name);
static expr *censored(struct parse_ctx *c, const char *word, YYLTYPE wl, expr *codes);
static void ep_column_item(struct parse_ctx *c, stmt *s, const char *word, YYLTYPE wl, expr *col,
                           int unit, expr *event_codes, expr *censor_codes);
static void extern_typed(struct parse_ctx *c, const stmt *s);
static void data_source(struct parse_ctx *c, stmt *s, char *source, YYLTYPE sl, char *text,
                        YYLTYPE tl, expr *missing, YYLTYPE l);
static void estimate_stmt(struct parse_ctx *c, YYLTYPE l, char *label, YYLTYPE ll, char *estimator,
                          YYLTYPE el, arg *args);
enum { LP_TEXT = 1, LP_LEVELS, LP_REFERENCE };   /* expr.op of a label part */
static expr *label_word(struct parse_ctx *c, const char *word, YYLTYPE wl, const char *want, expr *e, int part);
static stmt *label_part(struct parse_ctx *c, stmt *s, expr *part);
/* every token passes through lex_seen, which keeps the last two for the
 * hints of rules_error */
static int lex_seen(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner, struct parse_ctx *c);
#undef yylex
#define yylex(lval, lloc, scanner) lex_seen(lval, lloc, scanner, ctx)
}

%define api.pure full
%define api.prefix {rules_}
%define parse.error detailed
%locations
%param {yyscan_t scanner}
%parse-param {struct parse_ctx *ctx}
%expect 0

%union {
    int64_t i;
    double r;
    char *str;
    expr *e;
    stmt *s;
    arg *a;
    xparam *x;
}

%token START_PROGRAM START_EXPR
%token STUDY "study" IMPORT "import" DATA "data" CSV "csv" TABLE "table"
%token KEY "key" IN "in" AS "as" ORDER "order" BY "by" FILE_ "file"
%token PARAM "param" UNIT "unit" INCLUDE "include" EXCLUDE "exclude" LET "let"
%token ENDPOINT "endpoint" ORIGIN "origin" EVENT "event" COMPETING "competing"
%token CENSOR "censor" FROM "from" ESTIMATE "estimate" EXTERN "extern"
%token ACCEPTS "accepts" EXPOSURE "exposure" STARTS "starts" AT "at"
%token TIMESCALE "timescale" DEFINE "define"
%token AND "and" OR "or" NOT "not" TRUE_ "true" FALSE_ "false" MISSING "missing"
%token WITHIN "within" OF "of" BEFORE "before" AFTER "after" OVERLAPS "overlaps"
%token MEETS "meets" DURING "during" ENDS "ends"
%token BETWEEN "between" ANY "any" ALL "all" COUNT "count" FIRST "first"
%token LAST "last" MIN "min" MAX "max" SUM "sum" WHERE "where"
%token CASE "case" WHEN "when" THEN "then" ELSE "else" END "end"
%token EQ "==" NE "!=" LE "<=" GE ">="
%token <i> DUNIT "duration unit" INT "integer" DATE "date"
%token <r> REAL "number"
%token <str> IDENT "name" STRING "string"

%type <e> expr cmp arith primary atom fsum fprod fint fatom exprs_opt exprs map_items whens number argval
%type <e> qrange colref codes code era_where era_by label_part level_items level_item
%type <s> label_parts
%type <s> ep_items
%type <a> args_opt args arg settings
%type <x> xparam
%type <i> qword xtype impute
%type <str> argname
%type <s> table_opts table_decl tables data_body xparams_opt xparams coldecls

%precedence QUANT
%precedence ':'
%left OR
%left AND
%precedence NOT
%left '+' '-'
%left '*' '/'
%precedence UMINUS

%start start

%%

start
    : START_PROGRAM program
    | START_EXPR expr           { ctx->result = $2; }
    ;

program
    : %empty
    | program stmt
    ;

opt_semi : %empty | ';' ;

stmt
    : "study" STRING ';'
        { stmt *s = mkstmt(ctx, S_STUDY, @$); if (s) { s->text = $2; add_stmt(ctx, s); } }
    | "import" STRING ';'
        { stmt *s = mkstmt(ctx, S_IMPORT, @2); if (s) { s->text = $2; add_stmt(ctx, s); } }
    | "data" "csv" STRING data_body
        { if ($4) { $4->text = $3; $4->loc = L(ctx, @1); add_stmt(ctx, $4); } }
    | "data" "csv" STRING "missing" '(' exprs ')' data_body
        { if ($8) { $8->text = $3; $8->value = $6; $8->loc = L(ctx, @1); add_stmt(ctx, $8); } }
    | "data" IDENT STRING data_body
        { data_source(ctx, $4, $2, @2, $3, @3, NULL, @1); }
    | "data" IDENT STRING "missing" '(' exprs ')' data_body
        { data_source(ctx, $8, $2, @2, $3, @3, $6, @1); }
    | table_decl
        {
            /* a table declared outside the data block (a library's, e.g.
             * examples/lib/omop.rules): it belongs to the study's data statement */
            if ($1) { $1->kind = S_TABLE; $1->loc = $1->tables[0].loc; add_stmt(ctx, $1); }
        }
    | "param" IDENT '=' expr ';'
        { stmt *s = mkstmt(ctx, S_PARAM, @$); if (s) { s->name = $2; s->name_loc = L(ctx, @2); s->value = $4; add_stmt(ctx, s); } }
    | "unit" IDENT ';'
        { stmt *s = mkstmt(ctx, S_UNIT, @$); if (s) { s->name = $2; s->name_loc = L(ctx, @2); add_stmt(ctx, s); } }
    | "include" STRING ':' expr ';'
        { stmt *s = mkstmt(ctx, S_INCLUDE, @$); if (s) { s->text = $2; s->value = $4; add_stmt(ctx, s); } }
    | "exclude" STRING ':' expr ';'
        { stmt *s = mkstmt(ctx, S_EXCLUDE, @$); if (s) { s->text = $2; s->value = $4; add_stmt(ctx, s); } }
    | "let" IDENT '=' expr ';'
        { stmt *s = mkstmt(ctx, S_LET, @$); if (s) { s->name = $2; s->name_loc = L(ctx, @2); s->value = $4; add_stmt(ctx, s); } }
    | "endpoint" IDENT '{' ep_items '}' opt_semi
        {
            stmt *s = $4;
            if (s) {
                s->loc = L(ctx, @1);
                s->name = $2; s->name_loc = L(ctx, @2);
                add_stmt(ctx, s);
            }
        }
    | "endpoint" IDENT '=' expr "from" expr "censor" expr ';'
        {
            stmt *s = mkstmt(ctx, S_ENDPOINT, @1);
            if (s) { s->name = $2; s->name_loc = L(ctx, @2); s->event = $4; s->origin = $6; s->censor = $8; add_stmt(ctx, s); }
        }
    | "estimate" IDENT '(' args_opt ')' ';'
        { estimate_stmt(ctx, @$, NULL, @2, $2, @2, $4); }
    | "estimate" IDENT '=' IDENT '(' args_opt ')' ';'
        {
            /* a named estimate: estimate rn_cif = cif(rn, by: tdxd); */
            estimate_stmt(ctx, @$, $2, @2, $4, @4, $6);
        }
    | "extern" xtype IDENT '(' xparams_opt ')' "from" STRING ';'
        {
            if ($5) {
                $5->kind = S_EXTERN; $5->loc = L(ctx, @$); $5->rettype = (int)$2; $5->name = $3;
                $5->name_loc = L(ctx, @3); $5->text = $8; extern_typed(ctx, $5); add_stmt(ctx, $5);
            }
        }
    | "extern" xtype IDENT '(' xparams_opt ')' "from" STRING "accepts" "missing" ';'
        {
            if ($5) {
                $5->kind = S_EXTERN; $5->loc = L(ctx, @$); $5->rettype = (int)$2; $5->name = $3;
                $5->name_loc = L(ctx, @3); $5->text = $8; $5->accepts_missing = 1; extern_typed(ctx, $5); add_stmt(ctx, $5);
            }
        }
    | "timescale" DUNIT ';'
        { stmt *s = mkstmt(ctx, S_TIMESCALE, @$); if (s) { s->slot = (int)$2; add_stmt(ctx, s); } }
    | "define" DUNIT '=' expr ';'
        { stmt *s = mkstmt(ctx, S_DEFINE, @$); if (s) { s->slot = (int)$2; s->value = $4; add_stmt(ctx, s); } }
    | "define" IDENT '(' xparams_opt ')' '=' expr ';'
        {
            /* a parametrised definition: define concurrent(agent, pre, post) = ...; */
            if ($4) {
                $4->kind = S_FUNC; $4->loc = L(ctx, @$); $4->name = $2; $4->name_loc = L(ctx, @2);
                $4->value = $7; add_stmt(ctx, $4);
            }
        }
    | "exposure" IDENT "starts" "at" expr ';'
        { stmt *s = mkstmt(ctx, S_EXPOSURE, @$); if (s) { s->name = $2; s->name_loc = L(ctx, @2); s->value = $5; add_stmt(ctx, s); } }
    | IDENT IDENT "from" IDENT IDENT era_where IDENT expr "end" expr IDENT expr era_by ';'
        {
            /* era NAME from TABLE VAR [where C] start S end E gap G [by B]; (contextual words) */
            const char *bad = strcmp($1, "era") ? $1 : strcmp($7, "start") ? $7 : strcmp($11, "gap") ? $11 : NULL;
            YYLTYPE bl = strcmp($1, "era") ? @1 : strcmp($7, "start") ? @7 : @11;
            const char *want = strcmp($1, "era") ? "era" : strcmp($7, "start") ? "start" : "gap";
            if (bad) {
                diag_at(ctx->dg, DIAG_ERROR, L(ctx, bl), "syntax error, unexpected name '%s', expecting '%s'", bad, want);
            } else {
                stmt *s = mkstmt(ctx, S_ERA, @$);
                if (s) {
                    s->name = $2; s->name_loc = L(ctx, @2); s->text = $4; s->text_loc = L(ctx, @4);
                    s->var = $5; s->value = $6; s->start = $8; s->end = $10; s->gap = $12; s->by = $13;
                    add_stmt(ctx, s);
                }
            }
        }
    | IDENT IDENT '=' expr ';'
        {
            /* a setting: privacy min_cell = 5; plot time_limit = 24 months;
             * or a concept set: concepts NAME = descendants(...); (concepts.c) */
            if (strcmp($1, "concepts") == 0) {
                stmt *s = mkstmt(ctx, S_LET, @$);
                expr *l = ast_expr(ctx->prog, E_LIST, L(ctx, @4));
                if (s && l) { s->name = $2; s->name_loc = L(ctx, @2); s->concepts = $4; s->value = l; add_stmt(ctx, s); }
            } else {
                stmt *s = mkstmt(ctx, S_SETTING, @$);
                if (s) { s->name = $1; s->name_loc = L(ctx, @1); s->text = $2; s->value = $4; add_stmt(ctx, s); }
            }
        }
    | IDENT colref label_parts ';'
        {
            /* label NAME ["text"] [levels (L: "text", ...)] [reference L]; (contextual words) */
            if (strcmp($1, "label") != 0) {
                diag_at(ctx->dg, DIAG_ERROR, L(ctx, @1), "syntax error, unexpected name '%s', expecting 'label'", $1);
            } else if ($3) {
                $3->kind = S_LABEL; $3->loc = L(ctx, @$); $3->value = $2; $3->name_loc = $2 ? $2->loc : L(ctx, @2);
                add_stmt(ctx, $3);
            }
        }
    | IDENT IDENT '{' { open_analysis(ctx, $1, $2, @1, @2); } program '}' opt_semi
        { ctx->analysis = 0; }
    | IDENT '{' settings '}' opt_semi
        {
            /* plot { time_limit = 24 months; min_at_risk = 10; }: one statement per key */
            for (arg *a = $3; a && a->name != (char *)-1; a++) {
                stmt *s = mkstmt(ctx, S_SETTING, @1);
                if (!s) break;
                s->loc = a->loc;
                s->name = $1; s->name_loc = L(ctx, @1); s->text = a->name; s->value = a->value;
                add_stmt(ctx, s);
            }
        }
    | error ';'   { yyerrok; }
    | error '}'   { yyerrok; }
    ;

era_where
    : %empty        { $$ = NULL; }
    | "where" expr  { $$ = $2; }
    ;

era_by
    : %empty        { $$ = NULL; }
    | "by" expr     { $$ = $2; }
    ;

/* ---- data blocks --------------------------------------------------------- */

/* the tables of a data statement: a block, or none (`data csv "dir";` when
 * the tables are declared outside it, e.g. by an imported library) */
data_body
    : '{' tables '}' opt_semi   { $$ = $2; }
    | ';'                       { $$ = mkstmt(ctx, S_DATA, @$); }
    ;

tables
    : %empty            { $$ = mkstmt(ctx, S_DATA, @$); }
    | tables table_decl
        {
            $$ = $1;
            if ($$ && $2) {
                tabledecl *t = ast_alloc(ctx->prog, ($$->ntables + 1) * sizeof *t);
                if (t) {
                    if ($$->ntables) memcpy(t, $$->tables, $$->ntables * sizeof *t);
                    t[$$->ntables++] = $2->tables[0];
                    $$->tables = t;
                }
            }
        }
    | tables error ';'  { $$ = $1; yyerrok; }
    ;

table_decl
    : "table" IDENT table_opts ';'
        { $$ = $3; if ($$) { $$->tables[0].name = $2; $$->tables[0].loc = L(ctx, @2); } }
    | "table" IDENT table_opts '{' coldecls '}' opt_semi
        {
            $$ = $3;
            if ($$) {
                $$->tables[0].name = $2; $$->tables[0].loc = L(ctx, @2);
                if ($5) {
                    $$->tables[0].colnames = $5->tables[0].colnames;
                    $$->tables[0].coltypes = $5->tables[0].coltypes;
                    $$->tables[0].colimpute = $5->tables[0].colimpute;
                    $$->tables[0].colloc = $5->tables[0].colloc;
                    $$->tables[0].ncols = $5->tables[0].ncols;
                }
            }
        }
    ;

table_opts
    : %empty
        {
            $$ = mkstmt(ctx, S_DATA, @$);
            if ($$) { $$->tables = ast_alloc(ctx->prog, sizeof(tabledecl)); $$->ntables = 1; }
        }
    | table_opts "key" IDENT      { $$ = $1; if ($$) $$->tables[0].key = $3; }
    | table_opts "in" IDENT       { $$ = $1; if ($$) $$->tables[0].parent = $3; }
    | table_opts "order" "by" IDENT { $$ = $1; if ($$) $$->tables[0].order = $4; }
    | table_opts "file" STRING    { $$ = $1; if ($$) $$->tables[0].file = $3; }
    | table_opts "from" STRING
        { $$ = $1; if ($$) { $$->tables[0].from = $3; $$->tables[0].from_loc = L(ctx, @3); } }
    | table_opts "as" IDENT       { $$ = $1; if ($$) $$->tables[0].alias = $3; }
    ;

/* column type declarations, e.g. { dose_gy: real; kps: integer; } */
coldecls
    : %empty
        {
            $$ = mkstmt(ctx, S_DATA, @$);
            if ($$) { $$->tables = ast_alloc(ctx->prog, sizeof(tabledecl)); $$->ntables = 1; }
        }
    | coldecls IDENT ':' IDENT ';'
        { $$ = coldecl(ctx, $1, $2, @2, type_code(ctx, $4, @4) & 0xff, 0); }
    | coldecls IDENT ':' IDENT IDENT impute ';'
        {
            /* kps: date impute first; (a contextual word) */
            int t = type_code(ctx, $4, @4) & 0xff;
            if (strcmp($5, "impute") != 0)
                diag_at(ctx->dg, DIAG_ERROR, L(ctx, @5), "syntax error, unexpected name '%s', expecting ';' or 'impute'", $5);
            else if (t != TY_DATE && t != TY_ERROR)
                diag_at(ctx->dg, DIAG_ERROR, L(ctx, @6), "only a date column can impute partial dates, not %s %s",
                        t == TY_INT ? "an" : "a", $4);
            $$ = coldecl(ctx, $1, $2, @2, t, (int)$6);
        }
    | coldecls error ';' { $$ = $1; yyerrok; }
    ;

/* the day a partial date (YYYY-MM, YYYY) stands for: first, middle or last of its period */
impute
    : "first"   { $$ = IMPUTE_FIRST; }
    | "last"    { $$ = IMPUTE_LAST; }
    | IDENT
        {
            $$ = IMPUTE_MIDDLE;
            if (strcmp($1, "middle") != 0)
                diag_at(ctx->dg, DIAG_ERROR, L(ctx, @1), "unknown imputation '%s' (first, middle or last)", $1);
        }
    ;

/* ---- endpoints ----------------------------------------------------------- */

/* the items of an endpoint block, collected into its statement; the
 * column items (time, status, entry) start with a contextual keyword */
ep_items
    : %empty    { $$ = mkstmt(ctx, S_ENDPOINT, @$); }
    | ep_items "origin" expr ';'     { $$ = $1; if ($$) $$->origin = $3; }
    | ep_items "event" expr ';'      { $$ = $1; if ($$) $$->event = $3; }
    | ep_items "censor" expr ';'     { $$ = $1; if ($$) $$->censor = $3; }
    | ep_items "competing" expr ';'
        { $$ = $1; if ($$ && $3) add_competing(ctx, $$, $3, NULL); }
    | ep_items "competing" expr "as" STRING ';'
        { $$ = $1; if ($$ && $3) add_competing(ctx, $$, $3, $5); }
    | ep_items IDENT colref DUNIT ';'
        { $$ = $1; if ($$) ep_column_item(ctx, $$, $2, @2, $3, (int)$4, NULL, NULL); }
    | ep_items IDENT colref ';'
        { $$ = $1; if ($$) ep_column_item(ctx, $$, $2, @2, $3, -1, NULL, NULL); }
    | ep_items IDENT colref "event" codes ';'
        { $$ = $1; if ($$) ep_column_item(ctx, $$, $2, @2, $3, -1, $5, NULL); }
    | ep_items IDENT colref IDENT codes ';'
        { $$ = $1; if ($$) ep_column_item(ctx, $$, $2, @2, $3, -1, NULL, censored(ctx, $4, @4, $5)); }
    | ep_items IDENT colref "event" codes IDENT codes ';'
        { $$ = $1; if ($$) ep_column_item(ctx, $$, $2, @2, $3, -1, $5, censored(ctx, $6, @6, $7)); }
    | ep_items error ';'  { $$ = $1; yyerrok; }
    ;

/* a column (or let) named by an endpoint's column items */
colref
    : IDENT
        { $$ = ast_expr(ctx->prog, E_NAME, L(ctx, @1)); if ($$) $$->name = $1; }
    | IDENT '.' IDENT
        {
            $$ = ast_expr(ctx->prog, E_FIELD, L(ctx, @$));
            if ($$) {
                $$->a = ast_expr(ctx->prog, E_NAME, L(ctx, @1));
                if ($$->a) $$->a->name = $1;
                $$->name = $3;
            }
        }
    ;

/* the parts of a label statement, each at most once: its text, its levels
 * (in the order to show them, each with a text or none) and its reference */
label_parts
    : label_part                { $$ = label_part(ctx, mkstmt(ctx, S_LABEL, @1), $1); }
    | label_parts label_part    { $$ = label_part(ctx, $1, $2); }
    ;

label_part
    : STRING
        { $$ = ast_expr(ctx->prog, E_TEXT, L(ctx, @1)); if ($$) { $$->sval = $1; $$->op = LP_TEXT; } }
    | IDENT '(' level_items ')'
        { $$ = label_word(ctx, $1, @1, "levels", $3, LP_LEVELS); }
    | IDENT code
        { $$ = label_word(ctx, $1, @1, "reference", $2, LP_REFERENCE); }
    ;

/* levels (false: "No T-DXd", true: "T-DXd"): items alternate level and text (E_MISSING: none) */
level_items
    : level_item                  { $$ = $1; }
    | level_items ',' level_item
        {
            $$ = $1;
            if ($$ && $3) {
                for (size_t k = 0; k < $3->nitems; k++) ast_push_item(ctx->prog, $$, $3->items[k]);
                $$->loc = L(ctx, @$);
            }
        }
    ;

level_item
    : code
        {
            $$ = ast_expr(ctx->prog, E_MAP, L(ctx, @$));
            expr *none = ast_expr(ctx->prog, E_MISSING, L(ctx, @1));
            if ($$ && none) { ast_push_item(ctx->prog, $$, $1); ast_push_item(ctx->prog, $$, none); }
        }
    | code ':' STRING
        {
            $$ = ast_expr(ctx->prog, E_MAP, L(ctx, @$));
            expr *t = ast_expr(ctx->prog, E_TEXT, L(ctx, @3));
            if ($$ && t) { t->sval = $3; ast_push_item(ctx->prog, $$, $1); ast_push_item(ctx->prog, $$, t); }
        }
    ;

/* status codes: 1, 2 or "dead" or true */
codes
    : code             { $$ = ast_expr(ctx->prog, E_LIST, L(ctx, @$)); if ($$) ast_push_item(ctx->prog, $$, $1); }
    | codes ',' code   { $$ = $1; if ($$) { ast_push_item(ctx->prog, $$, $3); $$->loc = L(ctx, @$); } }
    ;

code
    : INT        { $$ = ast_expr(ctx->prog, E_INT, L(ctx, @1)); if ($$) $$->ival = $1; }
    | '-' INT    { $$ = ast_expr(ctx->prog, E_INT, L(ctx, @$)); if ($$) $$->ival = -$2; }
    | STRING     { $$ = ast_expr(ctx->prog, E_TEXT, L(ctx, @1)); if ($$) $$->sval = $1; }
    | "true"     { $$ = ast_expr(ctx->prog, E_BOOL, L(ctx, @1)); if ($$) $$->ival = 1; }
    | "false"    { $$ = ast_expr(ctx->prog, E_BOOL, L(ctx, @1)); if ($$) $$->ival = 0; }
    ;

/* ---- externs ------------------------------------------------------------- */

xtype : IDENT   { $$ = type_code(ctx, $1, @1); } ;

xparams_opt
    : %empty   { $$ = mkstmt(ctx, S_EXTERN, @$); }
    | xparams  { $$ = $1; }
    ;

/* parameters of an extern (typed) or of a define (typed or not: TY_ANY) */
xparams
    : xparam
        {
            $$ = mkstmt(ctx, S_EXTERN, @$);
            if ($$) {
                $$->xparams = ast_alloc(ctx->prog, sizeof(xparam));
                if ($$->xparams && $1) { $$->xparams[0] = *$1; $$->nxparams = 1; }
            }
        }
    | xparams ',' xparam
        {
            $$ = $1;
            if ($$ && $3) {
                xparam *p = ast_alloc(ctx->prog, ($$->nxparams + 1) * sizeof *p);
                if (p) {
                    memcpy(p, $$->xparams, $$->nxparams * sizeof *p);
                    p[$$->nxparams++] = *$3;
                    $$->xparams = p;
                }
            }
        }
    ;

xparam
    : xtype IDENT
        { $$ = ast_alloc(ctx->prog, sizeof(xparam)); if ($$) *$$ = (xparam){(int)$1, $2, SPAN(ctx, @1, @2)}; }
    | IDENT
        { $$ = ast_alloc(ctx->prog, sizeof(xparam)); if ($$) *$$ = (xparam){TY_ANY, $1, L(ctx, @1)}; }
    ;

/* ---- settings blocks ------------------------------------------------------ */

/* KEY = value; items as an array of args terminated by a name of (char *)-1 */
settings
    : %empty   { $$ = ast_alloc(ctx->prog, sizeof(arg)); if ($$) $$[0].name = (char *)-1; }
    | settings IDENT '=' expr ';'
        {
            size_t n = 0;
            while ($1 && $1[n].name != (char *)-1) n++;
            $$ = ast_alloc(ctx->prog, (n + 2) * sizeof(arg));
            if ($$) {
                if (n) memcpy($$, $1, n * sizeof(arg));
                $$[n].name = $2;
                $$[n].value = $4;
                $$[n].loc = SPAN(ctx, @2, @5);
                $$[n + 1].name = (char *)-1;
            }
        }
    | settings error ';'   { $$ = $1; yyerrok; }
    ;

/* ---- estimate arguments -------------------------------------------------- */

args_opt
    : %empty   { $$ = ast_alloc(ctx->prog, sizeof(arg)); if ($$) $$[0].name = (char *)-1; }
    | args     { $$ = $1; }
    ;

/* an array of args terminated by an entry whose name is (char *)-1 */
args
    : arg
        {
            $$ = ast_alloc(ctx->prog, 2 * sizeof(arg));
            if ($$ && $1) { $$[0] = *$1; $$[1].name = (char *)-1; }
        }
    | args ',' arg
        {
            size_t n = 0;
            while ($1 && $1[n].name != (char *)-1) n++;
            $$ = ast_alloc(ctx->prog, (n + 2) * sizeof(arg));
            if ($$ && $1 && $3) {
                memcpy($$, $1, n * sizeof(arg));
                $$[n] = *$3;
                $$[n + 1].name = (char *)-1;
            }
        }
    ;

arg
    : argval
        { $$ = ast_alloc(ctx->prog, sizeof(arg)); if ($$) { $$->value = $1; $$->loc = L(ctx, @1); } }
    | argname ':' argval
        { $$ = ast_alloc(ctx->prog, sizeof(arg)); if ($$) { $$->name = $1; $$->value = $3; $$->loc = SPAN(ctx, @1, @3); } }
    ;

/* argument names may be words that are keywords elsewhere (by:, at:, ...) */
argname
    : IDENT       { $$ = $1; }
    | "by"        { $$ = "by"; }
    | "at"        { $$ = "at"; }
    | "key"       { $$ = "key"; }
    | "order"     { $$ = "order"; }
    | "file"      { $$ = "file"; }
    | "unit"      { $$ = "unit"; }
    | "data"      { $$ = "data"; }
    | "event"     { $$ = "event"; }
    | "origin"    { $$ = "origin"; }
    | "censor"    { $$ = "censor"; }
    | "competing" { $$ = "competing"; }
    | "exposure"  { $$ = "exposure"; }
    ;

argval
    : expr            { $$ = $1; }
    | expr '~' fsum
        {
            /* the terms, expanded as R expands a formula (formula.c) */
            $$ = ast_expr(ctx->prog, E_FORMULA, L(ctx, @$));
            if ($$) {
                $$->a = $1;
                formula_terms(ctx->prog, $$, $3);
            }
        }
    ;

/* The right of a formula, as R writes it: `+` joins terms, `a * b` is
 * a + b + a:b, `a:b` an interaction (binding tighter than `*`), parentheses
 * group terms.  A term is a name, a field or a call (ref(), strata(),
 * I(...)); arithmetic goes inside I(...) or a let. */
fsum
    : fprod                 { $$ = $1; }
    | fsum '+' fprod        { $$ = bin(ctx, E_BINARY, OP_ADD, $1, $3, @$); }
    ;

fprod
    : fint                  { $$ = $1; }
    | fprod '*' fint        { $$ = bin(ctx, E_BINARY, OP_MUL, $1, $3, @$); }
    ;

fint
    : fatom                 { $$ = $1; }
    | fint ':' fatom        { $$ = bin(ctx, E_INTERACT, 0, $1, $3, @$); }
    ;

fatom
    : atom                  { $$ = $1; }
    | '(' fsum ')'          { $$ = $2; }
    ;

/* ---- expressions --------------------------------------------------------- */

expr
    : expr "or" expr        { $$ = bin(ctx, E_BINARY, OP_OR, $1, $3, @$); }
    | expr "and" expr       { $$ = bin(ctx, E_BINARY, OP_AND, $1, $3, @$); }
    | "not" expr            { $$ = bin(ctx, E_UNARY, OP_NOT, $2, NULL, @$); }
    | qword qrange IDENT ':' expr %prec QUANT
        { $$ = quant(ctx, (int)$1, $2, $3, NULL, $5, @$); }
    | qword qrange IDENT "where" expr ':' expr %prec QUANT
        { $$ = quant(ctx, (int)$1, $2, $3, $5, $7, @$); }
    | "count" qrange IDENT %prec QUANT
        { $$ = quant(ctx, Q_COUNT, $2, $3, NULL, NULL, @$); }
    | "count" qrange IDENT ':' expr %prec QUANT
        { $$ = quant(ctx, Q_COUNT, $2, $3, $5, NULL, @$); }
    | "count" qrange IDENT "where" expr %prec QUANT
        { $$ = quant(ctx, Q_COUNT, $2, $3, $5, NULL, @$); }
    | cmp                   { $$ = $1; }
    ;

/* the rows a quantifier ranges over: a table, reached from the enclosing row
 * variable or the unit (`lesions`), or from a named row (`c.lesions`,
 * `patient.lesions`); a scratch E_QUANT node that quant() completes */
qrange
    : IDENT
        { $$ = ast_expr(ctx->prog, E_QUANT, L(ctx, @1)); if ($$) { $$->name = $1; $$->name_loc = L(ctx, @1); } }
    | IDENT '.' IDENT
        {
            $$ = ast_expr(ctx->prog, E_QUANT, L(ctx, @$));
            if ($$) { $$->via = $1; $$->via_loc = L(ctx, @1); $$->name = $3; $$->name_loc = L(ctx, @3); }
        }
    ;

qword
    : "any" { $$ = Q_ANY; } | "all" { $$ = Q_ALL; }
    | "first" { $$ = Q_FIRST; } | "last" { $$ = Q_LAST; } | "min" { $$ = Q_MIN; }
    | "max" { $$ = Q_MAX; } | "sum" { $$ = Q_SUM; }
    ;

cmp
    : arith                        { $$ = $1; }
    | arith "==" arith             { $$ = bin(ctx, E_BINARY, OP_EQ, $1, $3, @$); }
    | arith "!=" arith             { $$ = bin(ctx, E_BINARY, OP_NE, $1, $3, @$); }
    | arith '<' arith              { $$ = bin(ctx, E_BINARY, OP_LT, $1, $3, @$); }
    | arith "<=" arith             { $$ = bin(ctx, E_BINARY, OP_LE, $1, $3, @$); }
    | arith '>' arith              { $$ = bin(ctx, E_BINARY, OP_GT, $1, $3, @$); }
    | arith ">=" arith             { $$ = bin(ctx, E_BINARY, OP_GE, $1, $3, @$); }
    | arith "between" arith "and" arith
        { $$ = bin(ctx, E_BETWEEN, 0, $1, $3, @$); if ($$) $$->c = $5; }
    | arith "in" arith             { $$ = bin(ctx, E_IN, 0, $1, $3, @$); }
    | arith "not" "in" arith
        { $$ = bin(ctx, E_UNARY, OP_NOT, bin(ctx, E_IN, 0, $1, $4, @$), NULL, @$); }
    | arith "within" arith "of" arith          { $$ = window(ctx, $1, $3, $5, @$); }
    | arith "starts" "within" arith "of" arith { $$ = window(ctx, interval_end($1, 0), $4, $6, @$); }
    | arith "ends" "within" arith "of" arith   { $$ = window(ctx, interval_end($1, 1), $4, $6, @$); }
    | arith "before" arith         { $$ = bin(ctx, E_BEFORE, 0, $1, $3, @$); }
    | arith "after" arith          { $$ = bin(ctx, E_AFTER, 0, $1, $3, @$); }
    | arith "overlaps" arith       { $$ = bin(ctx, E_OVERLAPS, 0, $1, $3, @$); }
    | arith "meets" arith          { $$ = bin(ctx, E_RELATION, REL_MEETS, $1, $3, @$); }
    | arith "during" arith         { $$ = bin(ctx, E_RELATION, REL_DURING, $1, $3, @$); }
    ;

arith
    : arith '+' arith              { $$ = bin(ctx, E_BINARY, OP_ADD, $1, $3, @$); }
    | arith '-' arith              { $$ = bin(ctx, E_BINARY, OP_SUB, $1, $3, @$); }
    | arith '*' arith              { $$ = bin(ctx, E_BINARY, OP_MUL, $1, $3, @$); }
    | arith '/' arith              { $$ = bin(ctx, E_BINARY, OP_DIV, $1, $3, @$); }
    | '-' arith %prec UMINUS       { $$ = sign(ctx, OP_NEG, $2, @$); }
    | '+' arith %prec UMINUS       { $$ = sign(ctx, OP_PLUS, $2, @$); }
    | primary                      { $$ = $1; }
    ;

number
    : INT    { $$ = ast_expr(ctx->prog, E_INT, L(ctx, @1)); if ($$) $$->ival = $1; }
    | REAL   { $$ = ast_expr(ctx->prog, E_REAL, L(ctx, @1)); if ($$) $$->rval = $1; }
    ;

primary
    : atom                  { $$ = $1; }
    | '(' expr ')'          { $$ = $2; }
    | '(' expr ',' exprs ')'
        {
            $$ = $4;
            if ($$) {
                /* prepend $2 */
                expr *first = $2;
                ast_push_item(ctx->prog, $$, NULL);
                memmove($$->items + 1, $$->items, ($$->nitems - 1) * sizeof(expr *));
                $$->items[0] = first;
                $$->loc = L(ctx, @$);
                $$->op = IV_PAREN;
            }
        }
    | '[' exprs ')'                 { $$ = pair(ctx, $2, IV_EOPEN, @$); }
    | '(' expr ',' exprs ']'
        {
            $$ = pair(ctx, $4, IV_SOPEN, @$);
            if ($$ && $$->nitems == 2) { $$->items[1] = $$->items[0]; $$->items[0] = $2; }
        }
    ;

/* a primary that does not start with '(' (a formula term) */
atom
    : number                { $$ = $1; }
    | number DUNIT
        {
            $$ = ast_expr(ctx->prog, E_DURATION, L(ctx, @$));
            if ($$ && $1) { $$->rval = $1->kind == E_INT ? (double)$1->ival : $1->rval; $$->dunit = (int)$2; }
        }
    | STRING                { $$ = ast_expr(ctx->prog, E_TEXT, L(ctx, @1)); if ($$) $$->sval = $1; }
    | DATE                  { $$ = ast_expr(ctx->prog, E_DATE, L(ctx, @1)); if ($$) $$->ival = $1; }
    | "true"                { $$ = ast_expr(ctx->prog, E_BOOL, L(ctx, @1)); if ($$) $$->ival = 1; }
    | "false"               { $$ = ast_expr(ctx->prog, E_BOOL, L(ctx, @1)); if ($$) $$->ival = 0; }
    | "missing"             { $$ = ast_expr(ctx->prog, E_MISSING, L(ctx, @1)); }
    | "missing" '(' expr ')'
        { $$ = ast_expr(ctx->prog, E_CALL, L(ctx, @$)); if ($$) { $$->name = "missing"; ast_push_item(ctx->prog, $$, $3); } }
    | IDENT                 { $$ = ast_expr(ctx->prog, E_NAME, L(ctx, @1)); if ($$) $$->name = $1; }
    | IDENT '.' IDENT
        {
            $$ = ast_expr(ctx->prog, E_FIELD, L(ctx, @$));
            if ($$) {
                $$->a = ast_expr(ctx->prog, E_NAME, L(ctx, @1));
                if ($$->a) $$->a->name = $1;
                $$->name = $3;
            }
        }
    | IDENT '.' IDENT '.' IDENT
        {
            /* a column of an ancestor of a row variable's row: l.course.dose_gy */
            $$ = ast_expr(ctx->prog, E_FIELD, L(ctx, @$));
            if ($$) {
                $$->a = ast_expr(ctx->prog, E_NAME, L(ctx, @1));
                if ($$->a) $$->a->name = $1;
                $$->via = $3; $$->via_loc = L(ctx, @3);
                $$->name = $5;
            }
        }
    | IDENT '(' exprs_opt ')'
        { $$ = $3; if ($$) { $$->kind = E_CALL; $$->name = $1; $$->loc = L(ctx, @$); } }
    | '[' exprs_opt ']'     { $$ = $2; if ($$) $$->loc = L(ctx, @$); }
    | '{' map_items '}'     { $$ = $2; if ($$) $$->loc = L(ctx, @$); }
    | "case" whens "end"    { $$ = $2; if ($$) $$->loc = L(ctx, @$); }
    | "case" whens "else" expr "end"
        { $$ = $2; if ($$) { $$->a = $4; $$->loc = L(ctx, @$); } }
    ;

exprs_opt
    : %empty    { $$ = ast_expr(ctx->prog, E_LIST, L(ctx, @$)); }
    | exprs     { $$ = $1; }
    ;

exprs
    : expr             { $$ = ast_expr(ctx->prog, E_LIST, L(ctx, @$)); if ($$) ast_push_item(ctx->prog, $$, $1); }
    | exprs ',' expr   { $$ = $1; if ($$) ast_push_item(ctx->prog, $$, $3); }
    ;

map_items
    : STRING ':' expr
        {
            $$ = ast_expr(ctx->prog, E_MAP, L(ctx, @$));
            expr *k = ast_expr(ctx->prog, E_TEXT, L(ctx, @1));
            if ($$ && k) { k->sval = $1; ast_push_item(ctx->prog, $$, k); ast_push_item(ctx->prog, $$, $3); }
        }
    | map_items ',' STRING ':' expr
        {
            $$ = $1;
            expr *k = ast_expr(ctx->prog, E_TEXT, L(ctx, @3));
            if ($$ && k) { k->sval = $3; ast_push_item(ctx->prog, $$, k); ast_push_item(ctx->prog, $$, $5); }
        }
    ;

whens
    : "when" expr "then" expr
        { $$ = ast_expr(ctx->prog, E_CASE, L(ctx, @$)); if ($$) { ast_push_item(ctx->prog, $$, $2); ast_push_item(ctx->prog, $$, $4); } }
    | whens "when" expr "then" expr
        { $$ = $1; if ($$) { ast_push_item(ctx->prog, $$, $3); ast_push_item(ctx->prog, $$, $5); } }
    ;

%%

static loc L(struct parse_ctx *c, YYLTYPE a)
{
    loc r = {c->file, a.first_line, a.first_column, a.last_line, a.last_column};
    return r;
}

static loc SPAN(struct parse_ctx *c, YYLTYPE a, YYLTYPE b)
{
    loc r = {c->file, a.first_line, a.first_column, b.last_line, b.last_column};
    return r;
}

static stmt *mkstmt(struct parse_ctx *c, skind k, YYLTYPE l)
{
    stmt *s = ast_alloc(c->prog, sizeof *s);
    if (!s) return NULL;
    s->kind = k;
    s->loc = L(c, l);
    s->slot = -1;
    return s;
}

/* A part of a label statement introduced by a contextual word: `levels`
 * or `reference`; any other word is a syntax error. */
static expr *label_word(struct parse_ctx *c, const char *word, YYLTYPE wl, const char *want, expr *e, int part)
{
    if (strcmp(word, want) != 0) {
        diag_at(c->dg, DIAG_ERROR, L(c, wl), "syntax error, unexpected name '%s', expecting '%s'", word, want);
        return NULL;
    }
    if (e) e->op = part;
    return e;
}

/* Put one part into the label statement s; a part given twice is an error. */
static stmt *label_part(struct parse_ctx *c, stmt *s, expr *part)
{
    if (!s || !part) return s;
    expr **slot = part->op == LP_TEXT ? &s->label_text : part->op == LP_LEVELS ? &s->levels : &s->reference;
    static const char *const what[] = {"", "text is", "levels are", "reference is"};
    if (*slot) {
        diag_at(c->dg, DIAG_ERROR, part->loc, "the label's %s already given at column %d", what[part->op],
                (*slot)->loc.col);
        return s;
    }
    *slot = part;
    return s;
}

/* `analysis NAME {`: the statements up to the matching `}` belong to it */
static void open_analysis(struct parse_ctx *c, const char *word, char *name, YYLTYPE wl, YYLTYPE nl)
{
    if (strcmp(word, "analysis") != 0) {
        const char *const words[] = {"analysis"};
        const char *s = diag_suggest(word, words, 1);
        diag_at(c->dg, DIAG_ERROR, L(c, wl), "unknown block '%s'%s", word,
                s ? " (did you mean 'analysis'?)" : " (blocks: analysis NAME { ... })");
        return;
    }
    if (c->analysis) {
        diag_at(c->dg, DIAG_ERROR, L(c, wl), "analysis blocks do not nest");
        return;
    }
    stmt *s = mkstmt(c, S_ANALYSIS, wl);
    if (!s) return;
    s->name = name;
    s->name_loc = L(c, nl);
    s->loc = SPAN(c, wl, nl);
    s->slot = ++c->prog->nanalyses;
    add_stmt(c, s);
    c->analysis = s->slot;
}

static void add_stmt(struct parse_ctx *c, stmt *s)
{
    if (c->analysis && s->kind != S_UNIT && s->kind != S_INCLUDE && s->kind != S_EXCLUDE &&
        s->kind != S_LET && s->kind != S_ENDPOINT && s->kind != S_ESTIMATE && s->kind != S_EXPOSURE &&
        s->kind != S_TIMESCALE) {
        diag_at(c->dg, DIAG_ERROR, s->loc, "only unit, include, exclude, let, endpoint, exposure, "
                "timescale and estimate statements can be inside an analysis block; declare the rest "
                "outside, shared by all analyses");
        return;
    }
    s->analysis = c->analysis;
    if (c->nstmts == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 32;
        stmt **n = ast_alloc(c->prog, cap * sizeof *n);
        if (!n) return;
        if (c->nstmts) memcpy(n, c->stmts, c->nstmts * sizeof *n);
        c->stmts = n;
        c->cap = cap;
    }
    c->stmts[c->nstmts++] = s;
}

static expr *bin(struct parse_ctx *c, ekind k, int op, expr *a, expr *b, YYLTYPE l)
{
    expr *e = ast_expr(c->prog, k, L(c, l));
    if (!e) return NULL;
    e->op = op;
    e->a = a;
    e->b = b;
    return e;
}

/* -x and +x; a sign on a number or duration literal is folded into it
 * (-7 days is the literal, as written), so windows cost no extra node */
static expr *sign(struct parse_ctx *c, int op, expr *a, YYLTYPE l)
{
    if (a && (a->kind == E_INT || a->kind == E_REAL || a->kind == E_DURATION)) {
        if (op == OP_NEG) {
            a->ival = -a->ival;
            a->rval = -a->rval;
        }
        a->loc = L(c, l);
        return a;
    }
    return bin(c, E_UNARY, op, a, NULL, l);
}

/* x within w of t: a width gives the symmetric window, an interval of two
 * durations [a, b] (or with open ends, [a, b)...) the asymmetric one */
static expr *window(struct parse_ctx *c, expr *x, expr *w, expr *t, YYLTYPE l)
{
    expr *e;
    if (w && w->kind == E_LIST && w->nitems == 2) {
        e = bin(c, E_WITHIN2, w->op, x, w->items[0], l);
        if (e) { e->c = w->items[1]; e->d = t; }
    } else {
        e = bin(c, E_WITHIN, 0, x, w, l);
        if (e) e->c = t;
    }
    return e;
}

/* the start (which 0) or end (1) of an interval [s, e]; a date is both */
static expr *interval_end(expr *e, int which)
{
    return e && e->kind == E_LIST && e->nitems == 2 ? e->items[which] : e;
}

/* an interval with an open end, [a, b) or (a, b]: two ends (for (a, b],
 * `items` holds b alone and the caller puts a first) */
static expr *pair(struct parse_ctx *c, expr *items, int open, YYLTYPE l)
{
    if (!items) return NULL;
    size_t want = open == IV_EOPEN ? 2 : 1;
    if (items->nitems != want) {
        diag_at(c->dg, DIAG_ERROR, L(c, l), "an interval has two ends, [start, end)");
        return NULL;
    }
    if (want == 1) ast_push_item(c->prog, items, items->items[0]);
    items->op = open;
    items->loc = L(c, l);
    return items;
}

/* one more column declaration: name: type [impute rule] */
static stmt *coldecl(struct parse_ctx *c, stmt *s, char *name, YYLTYPE l, int type, int impute)
{
    tabledecl *t = s ? &s->tables[0] : NULL;
    if (!t) return s;
    size_t n = t->ncols;
    char **names = ast_alloc(c->prog, (n + 1) * sizeof *names);
    int *types = ast_alloc(c->prog, (n + 1) * sizeof *types);
    int *imputes = ast_alloc(c->prog, (n + 1) * sizeof *imputes);
    loc *locs = ast_alloc(c->prog, (n + 1) * sizeof *locs);
    if (!names || !types || !imputes || !locs) return s;
    if (n) {
        memcpy(names, t->colnames, n * sizeof *names);
        memcpy(types, t->coltypes, n * sizeof *types);
        memcpy(imputes, t->colimpute, n * sizeof *imputes);
        memcpy(locs, t->colloc, n * sizeof *locs);
    }
    names[n] = name;
    types[n] = type;
    imputes[n] = impute;
    locs[n] = L(c, l);
    t->colnames = names; t->coltypes = types; t->colimpute = imputes; t->colloc = locs; t->ncols = n + 1;
    return s;
}

static expr *quant(struct parse_ctx *c, int q, expr *range, char *var, expr *where, expr *body, YYLTYPE l)
{
    if (!range) return NULL;
    range->loc = L(c, l);
    range->op = q;
    range->var = var;
    range->a = where;
    range->b = body;
    return range;
}

/* `data postgres "CONNINFO" { ... }`: the source is a contextual keyword
 * (csv is the reserved one); the connection string's location is kept in
 * name_loc for the diagnostics about it. */
static void data_source(struct parse_ctx *c, stmt *s, char *source, YYLTYPE sl, char *text,
                        YYLTYPE tl, expr *missing, YYLTYPE l)
{
    if (strcmp(source, "postgres") != 0) {
        diag_at(c->dg, DIAG_ERROR, L(c, sl), "unknown data source '%s' (expected csv or postgres)",
                source);
        return;
    }
    if (!s) return;
    s->data_source = DS_POSTGRES;
    s->text = text;
    s->name_loc = L(c, tl);
    s->value = missing;
    s->loc = L(c, l);
    add_stmt(c, s);
}

/* `estimate [LABEL =] ESTIMATOR(ARGS);`: the estimator in name, the
 * estimate's own name (or NULL) in text, where it is written in text_loc. */
static void estimate_stmt(struct parse_ctx *c, YYLTYPE l, char *label, YYLTYPE ll, char *estimator,
                          YYLTYPE el, arg *args)
{
    stmt *s = mkstmt(c, S_ESTIMATE, l);
    if (!s) return;
    s->name = estimator;
    s->name_loc = L(c, el);
    if (label) {
        s->text = label;
        s->text_loc = L(c, ll);
    }
    size_t n = 0;
    for (arg *a = args; a && a->name != (char *)-1; a++) n++;
    s->args = args;
    s->nargs = n;
    add_stmt(c, s);
}

static int type_code(struct parse_ctx *c, const char *name, YYLTYPE l)
{
    /* the C spellings int (32 bits), long, double and bool are for externs */
    static const char *const names[] = {"integer", "real", "text", "date", "boolean", "duration",
                                        "int", "long", "double", "bool"};
    static const int codes[] = {TY_INT, TY_REAL, TY_TEXT, TY_DATE, TY_BOOL, TY_DURATION,
                                TY_INT | 0x100, TY_INT, TY_REAL, TY_BOOL};
    for (size_t i = 0; i < 10; i++)
        if (strcmp(name, names[i]) == 0) return codes[i];
    const char *s = diag_suggest(name, names, 10);
    if (s)
        diag_at(c->dg, DIAG_ERROR, L(c, l), "unknown type '%s' (did you mean '%s'?)", name, s);
    else
        diag_at(c->dg, DIAG_ERROR, L(c, l),
                "unknown type '%s' (types: integer, real, text, date, boolean, duration)", name);
    return TY_ERROR;
}

static void add_competing(struct parse_ctx *c, stmt *s, expr *e, char *name)
{
    expr **items = ast_alloc(c->prog, (s->ncompeting + 1) * sizeof *items);
    char **names = ast_alloc(c->prog, (s->ncompeting + 2) * sizeof *names);
    if (!items || !names) return;
    if (s->ncompeting) {
        memcpy(items, s->competing, s->ncompeting * sizeof *items);
        memcpy(names, s->competing_names, s->ncompeting * sizeof *names);
    }
    items[s->ncompeting] = e;
    names[s->ncompeting++] = name;
    s->competing = items;
    s->competing_names = names;
}

/* `censored CODES` after a status column: the word is checked here */
static expr *censored(struct parse_ctx *c, const char *word, YYLTYPE wl, expr *codes)
{
    if (strcmp(word, "censored") != 0)
        diag_at(c->dg, DIAG_ERROR, L(c, wl), "expected 'event' or 'censored' and status codes, not '%s'", word);
    return codes;
}

/* The column items of an endpoint: time COLUMN UNIT; status COLUMN [event
 * CODES] [censored CODES]; entry COLUMN. */
static void ep_column_item(struct parse_ctx *c, stmt *s, const char *word, YYLTYPE wl, expr *col,
                           int unit, expr *event_codes, expr *censor_codes)
{
    static const char *const words[] = {"time", "status", "entry"};
    loc at = L(c, wl);
    int w = 0;
    while (w < 3 && strcmp(word, words[w]) != 0) w++;
    if (w == 3) {
        const char *sug = diag_suggest(word, words, 3);
        diag_at(c->dg, DIAG_ERROR, at, "unknown endpoint item '%s'%s%s%s (items: origin, event, competing, "
                "censor, time, status, entry)", word, sug ? " (did you mean '" : "", sug ? sug : "",
                sug ? "'?)" : "");
        return;
    }
    if ((w == 0) != (unit >= 0)) {
        if (w == 0) diag_at(c->dg, DIAG_ERROR, at, "the time of an endpoint needs its unit, e.g. 'time %s days;'", col->name);
        else diag_at(c->dg, DIAG_ERROR, at, "only the time of an endpoint has a unit (the %s is in the time's unit)", word);
        return;
    }
    if (w != 1 && (event_codes || censor_codes)) {
        diag_at(c->dg, DIAG_ERROR, at, "only the status of an endpoint has event and censored codes");
        return;
    }
    expr **slot = w == 0 ? &s->ep_time : w == 1 ? &s->ep_status : &s->ep_entry;
    if (*slot) {
        diag_at(c->dg, DIAG_ERROR, at, "endpoint has two '%s' items", word);
        return;
    }
    *slot = col;
    if (w == 0) s->ep_time_unit = unit;
    if (w == 1) {
        s->ep_event_codes = event_codes;
        s->ep_censor_codes = censor_codes;
    }
}

/* every parameter of an extern has a C type (a define's may have none) */
static void extern_typed(struct parse_ctx *c, const stmt *s)
{
    for (size_t i = 0; i < s->nxparams; i++)
        if (s->xparams[i].type == TY_ANY)
            diag_at(c->dg, DIAG_ERROR, s->xparams[i].loc,
                    "parameter '%s' of extern %s needs a type (e.g. real %s)", s->xparams[i].name, s->name,
                    s->xparams[i].name);
}

static int lex_seen(YYSTYPE *lval, YYLTYPE *lloc, yyscan_t scanner, struct parse_ctx *c)
{
    int t = rules_lex(lval, lloc, scanner);
    c->tok[1] = c->tok[0];
    c->tok_text[1] = c->tok_text[0];
    c->tok[0] = t;
    c->tok_text[0] = t == IDENT ? lval->str : NULL;
    return t;
}

/* A hint for a common slip, from the token the parser did not expect
 * (tok[0]) and the one before it; NULL when none applies. */
static const char *slip_hint(const struct parse_ctx *c, char *buf, size_t size)
{
    int t = c->tok[0], prev = c->tok[1];
    if (t == '=' && (prev == IDENT || prev == INT || prev == REAL || prev == STRING || prev == DATE ||
                     prev == DUNIT || prev == ')' || prev == ']' || prev == TRUE_ || prev == FALSE_))
        return "to compare, write '=='";
    if (t == IDENT && prev == IDENT) {
        static const char *const quants[] = {"exists", "exist", "some", "forall", "every", "each"};
        for (size_t i = 0; i < sizeof quants / sizeof quants[0]; i++)
            if (strcmp(c->tok_text[1], quants[i]) == 0) {
                snprintf(buf, size, "'%s' is not a word of the rules: write 'any %s x: ...' (or 'all' for every row)",
                         quants[i], c->tok_text[0]);
                return buf;
            }
    }
    if (t == IDENT && (prev == INT || prev == REAL)) {
        static const char *const units[] = {"days", "day", "weeks", "week", "months", "month", "years", "year"};
        const char *sug = diag_suggest(c->tok_text[0], units, 8);
        snprintf(buf, size, "'%s' is not a duration unit%s%s%s (units: day(s), week(s), month(s), year(s))",
                 c->tok_text[0], sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
        return buf;
    }
    return NULL;
}

static void rules_error(YYLTYPE *l, yyscan_t scanner, struct parse_ctx *ctx, const char *msg)
{
    (void)scanner;
    /* bison's message when its stack (YYMAXDEPTH entries) is full */
    if (strcmp(msg, "memory exhausted") == 0)
        msg = "nested too deeply for the parser (more than " YYMAXDEPTH_TEXT " open constructs)";
    char buf[256];
    const char *hint = slip_hint(ctx, buf, sizeof buf);
    if (hint) diag_at(ctx->dg, DIAG_ERROR, L(ctx, *l), "%s: %s", msg, hint);
    else diag_at(ctx->dg, DIAG_ERROR, L(ctx, *l), "%s", msg);
}
