/* plugin.c: the plugin loader.  Plugins are shared objects NAME.so found on
 * the plugin path only; they are opened with RTLD_NOW | RTLD_LOCAL, their
 * descriptor is verified field by field, and they are never unloaded. */
/* dladdr1 and dlinfo (to find which object defines a symbol) are GNU */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include "plugin.h"
#include <stddef.h>
#include <dirent.h>
#include <errno.h>
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guard.h"
#include "result.h"
#include "study.h"

typedef struct loaded {
    char *name;            /* NAME of NAME.so */
    char *path;
    void *handle;
    const cohort_plugin *pl;   /* NULL for extern libraries */
} loaded;

struct plugin_reg {
    char **dirs;
    size_t ndirs;
    loaded *items;
    size_t nitems;
    int failures;
};

int plugin_reg_failures(const plugin_reg *r)
{
    return r->failures;
}

void plugin_reg_failed(plugin_reg *r)
{
    r->failures++;
}

plugin_reg *plugin_reg_new(const char *const *dirs, size_t ndirs)
{
    plugin_reg *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    for (size_t i = 0; i < ndirs; i++) {
        if (!dirs[i]) continue;
        const char *s = dirs[i];
        while (*s) {
            const char *e = strchr(s, ':');
            size_t len = e ? (size_t)(e - s) : strlen(s);
            if (len) {
                char **d = realloc(r->dirs, (r->ndirs + 1) * sizeof *d);
                if (!d) break;
                r->dirs = d;
                r->dirs[r->ndirs] = strndup(s, len);
                if (r->dirs[r->ndirs]) r->ndirs++;
            }
            s += len;
            if (*s == ':') s++;
        }
    }
    return r;
}

void plugin_reg_free(plugin_reg *r)
{
    if (!r) return;
    /* handles stay open: a plugin is never unloaded once initialised */
    for (size_t i = 0; i < r->nitems; i++) {
        free(r->items[i].name);
        free(r->items[i].path);
    }
    free(r->items);
    for (size_t i = 0; i < r->ndirs; i++) free(r->dirs[i]);
    free(r->dirs);
    free(r);
}

/* The size of a cohort_plugin of ABI 1.2 to 1.6 (up to nspecs). */
#define SIZEOF_PLUGIN_16 offsetof(cohort_plugin, estimator_flags)

unsigned plugin_estimator_flags(const cohort_plugin *p, const cohort_estimator *e)
{
    if (!p || !e || p->abi_minor < 7 || p->sizeof_plugin < sizeof(cohort_plugin) || !p->estimator_flags ||
        e < p->estimators || e >= p->estimators + p->nestimators)
        return 0;
    return p->estimator_flags[e - p->estimators];
}

/* Each spec names a parameter of one of the plugin's estimators. */
static int verify_specs(const cohort_plugin *p, char *why, size_t size)
{
    if (p->abi_minor < 2 || p->sizeof_plugin < SIZEOF_PLUGIN_16 || !p->nspecs) return 0;
    if (p->sizeof_param_spec != sizeof(cohort_param_spec)) {
        snprintf(why, size, "sizeof_param_spec is %lu, this host expects %lu", (unsigned long)p->sizeof_param_spec,
                 (unsigned long)sizeof(cohort_param_spec));
        return -1;
    }
    if (!p->specs || p->nspecs > PLUGIN_MAX_ESTIMATORS * PLUGIN_MAX_PARAMS) {
        snprintf(why, size, "its spec table is missing or has %zu entries", p->nspecs);
        return -1;
    }
    for (size_t i = 0; i < p->nspecs; i++) {
        const cohort_param_spec *sp = &p->specs[i];
        int found = 0;
        for (size_t j = 0; sp->estimator && sp->param && j < p->nestimators && !found; j++) {
            const cohort_estimator *e = &p->estimators[j];
            if (strcmp(e->name, sp->estimator) != 0) continue;
            for (size_t k = 0; k < e->nparams && !found; k++) found = !strcmp(e->params[k].name, sp->param);
        }
        if (!found) {
            snprintf(why, size, "spec %zu (%s.%s) names no parameter of its estimators", i + 1,
                     sp->estimator ? sp->estimator : "?", sp->param ? sp->param : "?");
            return -1;
        }
    }
    return 0;
}

int plugin_verify(const cohort_plugin *p, char *why, size_t size)
{
    size_t n = 0;
    why[0] = 0;
#define CHECK(field, want)                                                                  \
    if ((unsigned long)p->field != (unsigned long)(want) && n < size)                     \
        n += (size_t)snprintf(why + n, size - n, "%s%s is %lu, this host expects %lu", n ? "; " : "", \
                              #field, (unsigned long)p->field, (unsigned long)(want));
    if (p->magic != COHORT_PLUGIN_MAGIC) {
        snprintf(why, size, "magic is 0x%08lx, not 0x%08lx: not a cohort plugin",
                 (unsigned long)p->magic, (unsigned long)COHORT_PLUGIN_MAGIC);
        return -1;
    }
    CHECK(abi_major, COHORT_ABI_MAJOR);
    if (p->abi_minor > COHORT_ABI_MINOR && n < size)
        n += (size_t)snprintf(why + n, size - n, "%sabi_minor is %u, newer than this host's %u",
                              n ? "; " : "", (unsigned)p->abi_minor, (unsigned)COHORT_ABI_MINOR);
    /* a plugin built for ABI 1.0 or 1.1 ends before sizeof_param_spec, one
     * for 1.2 to 1.6 before estimator_flags */
    if (!(p->abi_minor < 2 && p->sizeof_plugin == offsetof(cohort_plugin, sizeof_param_spec)) &&
        !(p->abi_minor < 7 && p->sizeof_plugin == SIZEOF_PLUGIN_16))
        CHECK(sizeof_plugin, sizeof(cohort_plugin));
    CHECK(sizeof_estimator, sizeof(cohort_estimator));
    CHECK(sizeof_param, sizeof(cohort_param));
    CHECK(sizeof_call, sizeof(cohort_call));
    CHECK(sizeof_arg, sizeof(cohort_arg));
#undef CHECK
    if (n) return -1;
    if (!p->name || !p->version || (!p->estimators && p->nestimators)) {
        snprintf(why, size, "the descriptor lacks a name, a version or its estimator table");
        return -1;
    }
    if (p->nestimators > PLUGIN_MAX_ESTIMATORS) {
        snprintf(why, size, "nestimators is %zu, more than %d", p->nestimators, PLUGIN_MAX_ESTIMATORS);
        return -1;
    }
    const unsigned all_kinds = (COHORT_ARG_ENDPOINTS << 1) - 1;
    for (size_t i = 0; i < p->nestimators; i++) {
        const cohort_estimator *e = &p->estimators[i];
        if (!e->name || !e->name[0]) {
            snprintf(why, size, "estimator %zu has no name", i + 1);
            return -1;
        }
        if (!e->run) {
            snprintf(why, size, "estimator %s has no run()", e->name);
            return -1;
        }
        if (e->nparams > PLUGIN_MAX_PARAMS || (e->nparams && !e->params)) {
            snprintf(why, size, "estimator %s: its parameter table is missing or has %zu entries", e->name,
                     e->nparams);
            return -1;
        }
        for (size_t k = 0; k < e->nparams; k++)
            if (!e->params[k].name || !e->params[k].name[0] || !e->params[k].kinds ||
                (e->params[k].kinds & ~all_kinds)) {
                snprintf(why, size, "estimator %s: parameter %zu has no name or no valid kinds", e->name, k + 1);
                return -1;
            }
    }
    return verify_specs(p, why, size);
}

/* The specs of a plugin (ABI 1.2), or none for an older one. */
static size_t specs_of(const cohort_plugin *p, const cohort_param_spec **specs)
{
    *specs = NULL;
    if (p->abi_minor < 2 || p->sizeof_plugin < SIZEOF_PLUGIN_16 || !p->specs) return 0;
    *specs = p->specs;
    return p->nspecs;
}

const cohort_param_spec *plugin_param_spec(const cohort_plugin *p, const char *estimator, const char *param)
{
    const cohort_param_spec *s;
    size_t n = p ? specs_of(p, &s) : 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s[i].estimator, estimator) && !strcmp(s[i].param, param)) return &s[i];
    return NULL;
}

int plugin_symbol(void *h, const char *name, int code, void **out, char *why, size_t size)
{
    dlerror();
    void *sym = dlsym(h, name);
    const char *e = dlerror();
    if (!sym || e) {
        snprintf(why, size, "%s", e ? e : "symbol is NULL");
        return PF_MISSING;
    }
    /* dlsym on a handle also searches the library's dependencies: only a
     * symbol the library itself defines is taken (not libc's system()) */
    struct link_map *lib = NULL, *def = NULL;
    Dl_info info;
    if (dlinfo(h, RTLD_DI_LINKMAP, &lib) != 0 || !dladdr1(sym, &info, (void **)&def, RTLD_DL_LINKMAP) ||
        !lib || def != lib) {
        snprintf(why, size, "'%s' is defined in a library it depends on, not in the library itself", name);
        return PF_FOREIGN;
    }
    /* and a function must be code (calling a variable would jump into
     * data), a table must be data */
    const ElfW(Sym) *es = NULL;
    if (dladdr1(sym, &info, (void **)&es, RTLD_DL_SYMENT) && es) {
        /* ELF32_ST_TYPE and ELF64_ST_TYPE are the same low 4 bits */
        int t = ELF64_ST_TYPE(es->st_info), is_code = t == STT_FUNC || t == STT_GNU_IFUNC;
        if (code && !is_code) {
            snprintf(why, size, "'%s' is not a function", name);
            return PF_NOT_CODE;
        }
        if (!code && t != STT_OBJECT) {
            snprintf(why, size, "'%s' is not a variable", name);
            return PF_NOT_CODE;
        }
    }
    *out = sym;
    return 0;
}

/* Find NAME.so on the path; returns a malloc'd path or NULL.  A symbolic
 * link is not followed (lstat): a link planted in a plugin folder cannot
 * point cohort at code elsewhere; the first one met is named in note. */
static char *find_file(const plugin_reg *r, const char *name, char *note, size_t size)
{
    note[0] = 0;
    for (size_t i = 0; i < r->ndirs; i++) {
        size_t len = strlen(r->dirs[i]) + strlen(name) + 5;
        char *p = malloc(len);
        if (!p) return NULL;
        snprintf(p, len, "%s/%s.so", r->dirs[i], name);
        struct stat sb;
        if (lstat(p, &sb) == 0 && S_ISREG(sb.st_mode)) return p;
        if (!note[0] && lstat(p, &sb) == 0 && S_ISLNK(sb.st_mode))
            snprintf(note, size, "; %s is a symbolic link, which cohort does not follow", p);
        free(p);
    }
    return NULL;
}

static void path_text(const plugin_reg *r, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = 0;
    for (size_t i = 0; i < r->ndirs && n < size; i++)
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ":" : "", r->dirs[i]);
    if (!r->ndirs) snprintf(buf, size, "(empty)");
}

/* Open and (for estimators) verify and initialise.  On failure writes the
 * reason into why and returns NULL. */
/* A plugin's entry point, verification and init(), run under the guard. */
typedef struct entry_call {
    void *sym;
    const cohort_plugin *pl;
    char *why;
    size_t size;
    int bad, init_failed;
} entry_call;

static int call_entry(void *p)
{
    entry_call *ec = p;
    const cohort_plugin *(*entry)(void);
    *(void **)&entry = ec->sym;
    ec->pl = entry();
    if (!ec->pl) return -1;
    ec->bad = plugin_verify(ec->pl, ec->why, ec->size) != 0;
    if (!ec->bad && ec->pl->init) ec->init_failed = ec->pl->init(result_host()) != 0;
    return 0;
}

static loaded *load(plugin_reg *r, const char *name, const char *path, int estimator, loc where, char *why,
                    size_t size)
{
    for (size_t i = 0; i < r->nitems; i++)
        if (strcmp(r->items[i].path, path) == 0) {
            if (estimator && !r->items[i].pl) {
                snprintf(why, size, "%s is not an estimator plugin", path);
                return NULL;
            }
            return &r->items[i];
        }
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(why, size, "cannot load %s: %s", path, dlerror());
        return NULL;
    }
    const cohort_plugin *pl = NULL;
    if (estimator) {
        void *sym = NULL;
        char reason[512];
        if (plugin_symbol(h, COHORT_ENTRY_SYMBOL, 1, &sym, reason, sizeof reason)) {
            snprintf(why, size, "%s has no %s(): %s", path, COHORT_ENTRY_SYMBOL, reason);
            dlclose(h);
            return NULL;
        }
        /* the plugin's own code runs under the crash guard */
        entry_call ec = {sym, NULL, reason, sizeof reason, 0, 0};
        guard_call(where, EXIT_PLUGIN, call_entry, &ec, "plugin %s crashed while loading", path);
        pl = ec.pl;
        if (!pl) {
            snprintf(why, size, "%s: %s() returned NULL", path, COHORT_ENTRY_SYMBOL);
            dlclose(h);
            return NULL;
        }
        if (ec.bad) {
            snprintf(why, size, "%s is incompatible with this cohort (plugin ABI %u.%u, host ABI %d.%d): %s",
                     path, (unsigned)pl->abi_major, (unsigned)pl->abi_minor, COHORT_ABI_MAJOR,
                     COHORT_ABI_MINOR, reason);
            dlclose(h);
            return NULL;
        }
        if (ec.init_failed) {
            snprintf(why, size, "%s: its init() failed", path);
            dlclose(h);
            return NULL;
        }
    }
    loaded *items = realloc(r->items, (r->nitems + 1) * sizeof *items);
    if (!items) {
        snprintf(why, size, "out of memory");
        return NULL;
    }
    r->items = items;
    loaded *l = &r->items[r->nitems++];
    l->name = strdup(name);
    l->path = strdup(path);
    l->handle = h;
    l->pl = pl;
    return l;
}

/* Find NAME.so on the path and load it (an estimator plugin, verified, or
 * an extern library); on failure report at `where` and return NULL. */
static loaded *find_and_load(plugin_reg *r, const char *name, int estimator, loc where, diag *dg)
{
    char note[1200];
    char *path = find_file(r, name, note, sizeof note);
    if (!path) {
        char dirs[1024];
        path_text(r, dirs, sizeof dirs);
        r->failures++;
        if (estimator)
            diag_at(dg, DIAG_ERROR, where, "no estimator plugin '%s' (looked for %s.so in %s%s)", name, name, dirs,
                    note);
        else
            diag_at(dg, DIAG_ERROR, where, "no library '%s' on the plugin path (looked for %s.so in %s%s)", name,
                    name, dirs, note);
        return NULL;
    }
    char why[1024];
    loaded *l = load(r, name, path, estimator, where, why, sizeof why);
    free(path);
    if (!l) {
        r->failures++;
        diag_at(dg, DIAG_ERROR, where, "%s", why);
    }
    return l;
}

const cohort_estimator *plugin_estimator(plugin_reg *r, const char *name, loc where, diag *dg,
                                         const cohort_plugin **owner)
{
    loaded *l = find_and_load(r, name, 1, where, dg);
    if (!l) return NULL;
    for (size_t i = 0; i < l->pl->nestimators; i++)
        if (strcmp(l->pl->estimators[i].name, name) == 0) {
            if (owner) *owner = l->pl;
            return &l->pl->estimators[i];
        }
    r->failures++;
    diag_at(dg, DIAG_ERROR, where, "plugin %s does not provide an estimator named '%s'", l->path, name);
    return NULL;
}

void *plugin_library(plugin_reg *r, const char *lib, loc where, diag *dg)
{
    loaded *l = find_and_load(r, lib, 0, where, dg);
    return l ? l->handle : NULL;
}

/* Seconds a plugin may take to load in the listing's probe. */
#define PROBE_SECONDS 10

/* Before `cohort plugins` loads a plugin into its own process, a child
 * process loads it first: a plugin whose entry point or init() crashes (or
 * hangs) then costs only the child, and the listing goes on with the
 * others.  Returns 0 when the child loaded it without crashing (the plugin
 * may still be refused, which load() then says), -1 with the reason in why
 * otherwise. */
static int probe(plugin_reg *r, const char *name, const char *path, char *why, size_t size)
{
    int fds[2];
    if (pipe(fds) != 0) return 0;   /* no probe: load as before */
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return 0;
    }
    if (pid == 0) {
        /* the child: the guard's report goes to the pipe */
        close(fds[0]);
        dup2(fds[1], 2);
        alarm(PROBE_SECONDS);
        char w[1024];
        _exit(load(r, name, path, 1, (loc){0}, w, sizeof w) ? 0 : 1);
    }
    close(fds[1]);
    char text[2048];
    size_t n = 0;
    ssize_t k;
    while ((k = read(fds[0], text + n, sizeof text - 1 - n)) > 0 || (k < 0 && errno == EINTR))
        if (k > 0) n += (size_t)k;
    close(fds[0]);
    text[n] = 0;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(status) && WEXITSTATUS(status) <= 1) return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_PLUGIN && !strncmp(text, "error: ", 7)) {
        /* the guard's "error: plugin PATH crashed while loading: SIGNAL" */
        text[strcspn(text, "\n")] = 0;
        snprintf(why, size, "%.1000s", text + 7);
    } else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
        snprintf(why, size, "plugin %s did not finish loading within %d seconds", path, PROBE_SECONDS);
    } else if (WIFSIGNALED(status)) {
        snprintf(why, size, "plugin %s crashed while loading: %s", path, guard_signal_name(WTERMSIG(status)));
    } else {
        snprintf(why, size, "plugin %s ended the process while loading (exit status %d)", path, WEXITSTATUS(status));
    }
    return -1;
}

void plugin_list(plugin_reg *r, diag *dg,
                 void (*fn)(void *ud, const char *path, const cohort_plugin *p), void *ud)
{
    for (size_t i = 0; i < r->ndirs; i++) {
        DIR *d = opendir(r->dirs[i]);
        if (!d) continue;
        struct dirent *de;
        char **names = NULL;
        size_t n = 0;
        while ((de = readdir(d))) {
            size_t len = strlen(de->d_name);
            if (len < 4 || strcmp(de->d_name + len - 3, ".so") != 0) continue;
            char **x = realloc(names, (n + 1) * sizeof *x);
            if (!x) break;
            names = x;
            names[n++] = strndup(de->d_name, len - 3);
        }
        closedir(d);
        /* sorted for a stable listing */
        for (size_t a = 1; a < n; a++)
            for (size_t b = a; b > 0 && strcmp(names[b - 1], names[b]) > 0; b--) {
                char *t = names[b];
                names[b] = names[b - 1];
                names[b - 1] = t;
            }
        for (size_t k = 0; k < n; k++) {
            size_t len = strlen(r->dirs[i]) + strlen(names[k]) + 5;
            char *path = malloc(len);
            struct stat sb;
            if (path) snprintf(path, len, "%s/%s.so", r->dirs[i], names[k]);
            if (path && lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
                /* not followed, as when an estimate names it */
                if (S_ISLNK(sb.st_mode))
                    diag_emit(dg, DIAG_WARNING, NULL, 0, 0, 0, NULL, 0,
                              "%s is a symbolic link, which cohort does not follow: not loaded", path);
            } else if (path) {
                /* only files exporting the entry point are estimator plugins */
                void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
                if (!h) diag_emit(dg, DIAG_WARNING, NULL, 0, 0, 0, NULL, 0, "cannot load %s: %s", path, dlerror());
                int is_plugin = h && dlsym(h, COHORT_ENTRY_SYMBOL);
                if (h) dlclose(h);
                char why[1024];
                if (is_plugin && probe(r, names[k], path, why, sizeof why) != 0) {
                    /* reported, and the listing goes on */
                    diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "%s", why);
                } else if (is_plugin) {
                    loaded *l = load(r, names[k], path, 1, (loc){0}, why, sizeof why);
                    if (l) fn(ud, path, l->pl);
                    else diag_emit(dg, DIAG_WARNING, NULL, 0, 0, 0, NULL, 0, "%s", why);
                }
            }
            free(path);
            free(names[k]);
        }
        free(names);
    }
}
