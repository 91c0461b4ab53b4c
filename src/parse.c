/* parse.c: drives the scanner and parser over rules files, resolves
 * `import` (relative to the importing file, each file once, cycles are
 * errors, only within the rules file's folder tree, or its project's
 * (a .cohort-root file), and the allowed library folders), and parses
 * single expressions for --set. */
#include "parse.h"
#include "nesting.h"
#include "regfile.h"
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
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

/* The folders imports may come from: real paths, malloc'd. */
typedef struct import_roots {
    char **dirs;
    size_t n;
} import_roots;

typedef struct import_stack {
    const char *real;
    const struct import_stack *up;
    int depth;             /* 1 for the main file */
    const import_roots *roots;
} import_stack;

/* Is the real path `real` in or below one of the roots? */
static int inside(const import_roots *roots, const char *real)
{
    for (size_t i = 0; i < roots->n; i++) {
        size_t len = strlen(roots->dirs[i]);
        if (len == 1 && roots->dirs[i][0] == '/') return 1;
        if (!strncmp(real, roots->dirs[i], len) && (real[len] == '/' || real[len] == 0)) return 1;
    }
    return 0;
}

/* Imports nest at most this deep (each level costs a parser and two
 * path buffers on the stack). */
#define IMPORT_DEPTH_MAX 100

static int parse_one(program *prog, const char *path, const loc *from, diag *dg,
                     const import_stack *up, const import_roots *roots)
{
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        if (from)
            diag_at(dg, DIAG_ERROR, *from, "cannot import '%s': %s", path, strerror(errno));
        else
            diag_emit(dg, DIAG_ERROR, path, 0, 0, 0, NULL, 0, "cannot read rules file: %s", strerror(errno));
        return 1;
    }
    if (up && !inside(up->roots, real)) {
        /* never read: an error must not quote a file outside the rules' folders */
        diag_at(dg, DIAG_ERROR, *from, "cannot import '%s': it is outside the study's folder tree and the library "
                "folders (COHORT_RULES_PATH, --allow-import-path DIR)", path);
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
    import_stack here = {real, up, up ? up->depth + 1 : 1, roots};
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
        parse_one(prog, p, &s->loc, dg, &here, roots);
        free(p);
    }
    return dg->nerrors - before;
}

/* add the real path of folder dir to roots (a folder that does not exist
 * allows nothing) */
static void add_root(import_roots *roots, const char *dir)
{
    char real[PATH_MAX];
    if (!realpath(dir, real)) return;
    char **d = realloc(roots->dirs, (roots->n + 1) * sizeof *d);
    if (!d) return;
    roots->dirs = d;
    if ((d[roots->n] = strdup(real)) != NULL) roots->n++;
}

/* The folder tree imports of the rules file in `dir` may come from: the
 * nearest folder at or above dir holding a regular file named
 * PROJECT_MARKER (a study project declares its root once), else dir. */
#define PROJECT_MARKER ".cohort-root"
static void add_project_root(import_roots *roots, const char *dir)
{
    char real[PATH_MAX];
    if (!realpath(dir, real)) return;
    size_t len = strlen(real);
    for (;;) {
        char marker[PATH_MAX + sizeof PROJECT_MARKER + 1];
        struct stat st;
        snprintf(marker, sizeof marker, "%.*s/%s", (int)len, real, PROJECT_MARKER);
        if (lstat(marker, &st) == 0 && S_ISREG(st.st_mode)) {
            real[len ? len : 1] = 0;
            add_root(roots, real);
            return;
        }
        if (len == 0) break;
        do len--; while (len > 0 && real[len] != '/');
    }
    add_root(roots, dir);
}

int parse_file(program *prog, const char *path, const char *const *allowed, size_t nallowed, diag *dg)
{
    import_roots roots = {NULL, 0};
    size_t dl = dir_len(path);
    char *dir = dl ? strndup(path, dl) : strdup(".");
    if (dir) add_project_root(&roots, dir);
    free(dir);
    for (size_t i = 0; i < nallowed; i++) add_root(&roots, allowed[i]);
    int rc = parse_one(prog, path, NULL, dg, NULL, &roots);
    for (size_t i = 0; i < roots.n; i++) free(roots.dirs[i]);
    free(roots.dirs);
    return rc;
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
