/* parse.c: drives the scanner and parser over rules files, resolves
 * `import` (relative to the importing file, each file once, cycles are
 * errors), and parses single expressions for --set. */
#include "parse.h"
#include "nesting.h"
#include "regfile.h"
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "parser.h"
#include "scanner.h"

/* Run the parser over one source with the given start token. */
static int run_parser(struct parse_ctx *ctx, int start)
{
    yyscan_t sc;
    if (rules_lex_init_extra(ctx, &sc)) return -1;
    YY_BUFFER_STATE b = rules__scan_bytes(ctx->file->text, (int)ctx->file->len, sc);
    ctx->start_token = start;
    ctx->line = ctx->col = 1;
    int rc = rules_parse(sc, ctx);
    rules__delete_buffer(b, sc);
    rules_lex_destroy(sc);
    return rc;
}

/* Give the program ownership of source f and parse it from `start`
 * into ctx.  Returns -1 (f freed) when out of memory. */
static int parse_source(program *prog, srcfile *f, diag *dg, int start, struct parse_ctx *ctx)
{
    srcfile **files = realloc(prog->files, (prog->nfiles + 1) * sizeof *files);
    if (!files) {
        srcfile_free(f);
        return -1;
    }
    prog->files = files;
    prog->files[prog->nfiles++] = f;
    ctx->prog = prog;
    ctx->file = f;
    ctx->dg = dg;
    run_parser(ctx, start);
    return 0;
}

/* The directory part of path (with trailing '/'), or "" */
static size_t dir_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path) + 1 : 0;
}

typedef struct import_stack {
    const char *real;
    const struct import_stack *up;
    int depth;             /* 1 for the main file */
} import_stack;

/* Imports nest at most this deep (each level costs a parser and two
 * path buffers on the stack). */
#define IMPORT_DEPTH_MAX 100

static int parse_one(program *prog, const char *path, const loc *from, diag *dg,
                     const import_stack *up)
{
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        if (from)
            diag_at(dg, DIAG_ERROR, *from, "cannot import '%s': %s", path, strerror(errno));
        else
            diag_emit(dg, DIAG_ERROR, path, 0, 0, 0, NULL, 0, "cannot read rules file: %s", strerror(errno));
        return 1;
    }
    if (up && up->depth >= IMPORT_DEPTH_MAX) {
        diag_at(dg, DIAG_ERROR, *from, "cannot import '%s': imports nest more than %d deep", path,
                IMPORT_DEPTH_MAX);
        return 1;
    }
    for (const import_stack *s = up; s; s = s->up)
        if (strcmp(s->real, real) == 0) {
            diag_at(dg, DIAG_ERROR, *from, "import cycle: '%s' imports itself", path);
            return 1;
        }
    /* a file imported twice (a diamond) is read once */
    for (size_t i = 0; i < prog->nfiles; i++) {
        char other[PATH_MAX];
        if (realpath(prog->files[i]->name, other) && strcmp(other, real) == 0) return 0;
    }
    srcfile *f = srcfile_read(path);
    if (!f) {
        if (from) diag_at(dg, DIAG_ERROR, *from, "cannot import '%s': %s", path, regfile_error(errno));
        else diag_emit(dg, DIAG_ERROR, path, 0, 0, 0, NULL, 0, "cannot read rules file: %s", regfile_error(errno));
        return 1;
    }
    int before = dg->nerrors;
    struct parse_ctx ctx = {0};
    if (parse_source(prog, f, dg, START_PROGRAM, &ctx)) return 1;
    import_stack here = {real, up, up ? up->depth + 1 : 1};
    for (size_t i = 0; i < ctx.nstmts; i++) {
        stmt *s = ctx.stmts[i];
        /* a statement too deep for the recursive phases is left out */
        if (nesting_check_stmt(s, dg)) continue;
        if (s->kind != S_IMPORT) {
            program_add(prog, s);
            continue;
        }
        /* relative to the importing file's directory */
        size_t dl = s->text[0] == '/' ? 0 : dir_len(path);
        size_t tl = strlen(s->text);
        char *p = malloc(dl + tl + 1);
        if (!p) continue;
        memcpy(p, path, dl);
        memcpy(p + dl, s->text, tl + 1);
        parse_one(prog, p, &s->loc, dg, &here);
        free(p);
    }
    return dg->nerrors - before;
}

int parse_file(program *prog, const char *path, diag *dg)
{
    return parse_one(prog, path, NULL, dg, NULL);
}

expr *parse_expr(program *prog, const char *name, const char *text, diag *dg)
{
    srcfile *f = srcfile_from_text(name, text, strlen(text));
    if (!f) return NULL;
    int before = dg->nerrors;
    struct parse_ctx ctx = {0};
    if (parse_source(prog, f, dg, START_EXPR, &ctx)) return NULL;
    if (dg->nerrors == before && ctx.result && nesting_check_expr(ctx.result, dg)) return NULL;
    return dg->nerrors == before ? ctx.result : NULL;
}
