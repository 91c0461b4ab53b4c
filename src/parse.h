/* parse.h: reading rules files into a program: the scanner and parser
 * driver, `import` resolution, and parsing a single expression (for
 * --set name=value). */
#ifndef COHORT_PARSE_H
#define COHORT_PARSE_H
#include "ast.h"
#include "diag.h"

/* Shared by the scanner and the parser actions (grammar/). */
struct parse_ctx {
    program *prog;
    srcfile *file;
    diag *dg;
    int start_token;       /* first token to hand out (selects what to parse) */
    int line, col;         /* scanner position */
    expr *result;          /* parse_expr's expression */
    int tok[2];            /* the last two tokens (tok[0] the latest), for hints after a syntax error */
    const char *tok_text[2];   /* their text when they are names */
    stmt **stmts;          /* statements of this file, in order */
    size_t nstmts, cap;
    int analysis;          /* the analysis block being parsed (stmt.analysis), or 0 */
};

/* Parse `path` and everything it imports into prog.  An imported file
 * must lie, once symbolic links are resolved, in the folder of `path` or
 * below it, or in or below one of the `nallowed` folders `allowed`
 * (COHORT_RULES_PATH, --allow-import-path); an import elsewhere is an
 * error at the import that never reads the file.  Returns the number of
 * errors reported (0 on success). */
int parse_file(program *prog, const char *path, const char *const *allowed, size_t nallowed, diag *dg);
/* Parse one expression from text (named `name` in diagnostics); NULL after
 * reporting an error. */
expr *parse_expr(program *prog, const char *name, const char *text, diag *dg);
#endif
