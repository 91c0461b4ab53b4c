/* module.c: finding and loading the host's internal modules (module.h):
 * the folder, dlopen, the entry point and the check that the module was
 * built with this host.  Loads a module only when asked (render_host.c,
 * pg_host.c ask the first time they are needed). */
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "config.h"
#include "module.h"

/* The folder of the modules (see module_load); 0, or -1 with err. */
static int module_dir(char *buf, size_t size, char *err, size_t errsize)
{
    const char *env = getenv("COHORT_MODULE_DIR");
    if (env && *env) {
        if (env[0] != '/') {
            snprintf(err, errsize, "COHORT_MODULE_DIR must be an absolute folder, not '%s'", env);
            return -1;
        }
        snprintf(buf, size, "%s", env);
        return 0;
    }
    char exe[PATH_MAX], tree[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0 && realpath(COHORT_BUILD_DIR, tree)) {
        exe[n] = 0;
        size_t len = strlen(tree);
        if (strncmp(exe, tree, len) == 0 && exe[len] == '/') {
            snprintf(buf, size, "%s/modules/.libs", tree);
            return 0;
        }
    }
    snprintf(buf, size, "%s", COHORT_MODULE_INSTALL_DIR);
    return 0;
}

/* 0 when m was built with this host, else -1 with the first difference. */
static int module_verify(const cohort_module *m, const char *name, const char *path, char *err, size_t errsize)
{
    static const size_t sizes[MODULE_NSIZES] = MODULE_SIZES;
    static const char *const names[MODULE_NSIZES] = MODULE_SIZE_NAMES;
    if (!m || m->magic != COHORT_MODULE_MAGIC) {
        snprintf(err, errsize, "%s is not a cohort module (no description, or a wrong magic number)", path);
        return -1;
    }
    if (m->abi != COHORT_MODULE_ABI) {
        snprintf(err, errsize, "%s has module ABI %u, this cohort needs %u", path, (unsigned)m->abi,
                 (unsigned)COHORT_MODULE_ABI);
        return -1;
    }
    if (!m->name || strcmp(m->name, name) != 0) {
        snprintf(err, errsize, "%s is the module '%s', not '%s'", path, m->name ? m->name : "(none)", name);
        return -1;
    }
    if (!m->version || strcmp(m->version, PACKAGE_VERSION) != 0) {
        snprintf(err, errsize, "%s was built for cohort %s, this is cohort %s", path,
                 m->version ? m->version : "(none)", PACKAGE_VERSION);
        return -1;
    }
    for (size_t i = 0; i < MODULE_NSIZES; i++)
        if (m->sizes[i] != sizes[i]) {
            snprintf(err, errsize, "%s was built with another layout of %s (%zu bytes, the host's %zu)", path,
                     names[i], m->sizes[i], sizes[i]);
            return -1;
        }
    if (!m->fns) {
        snprintf(err, errsize, "%s has no function table", path);
        return -1;
    }
    return 0;
}

const void *module_load(const char *name, const void *host, int only_loaded, char *err, size_t errsize)
{
    char dir[PATH_MAX + 32], path[PATH_MAX + 96];
    if (err && errsize) err[0] = 0;
    if (module_dir(dir, sizeof dir, err, errsize)) return NULL;
    snprintf(path, sizeof path, "%s/%s.so", dir, name);
    void *h = dlopen(path, only_loaded ? RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD : RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        /* dlerror() names the file */
        if (!only_loaded) snprintf(err, errsize, "%s", why ? why : path);
        return NULL;
    }
    void *sym = dlsym(h, COHORT_MODULE_ENTRY);
    if (!sym) {
        const char *why = dlerror();
        snprintf(err, errsize, "%s has no %s: %s", path, COHORT_MODULE_ENTRY, why ? why : "unknown error");
        dlclose(h);
        return NULL;
    }
    const cohort_module *(*entry)(const void *);
    *(void **)&entry = sym;   /* POSIX: a function's address through dlsym */
    const cohort_module *m = entry(host);
    if (module_verify(m, name, path, err, errsize)) return NULL;   /* it ran: never unloaded */
    return m->fns;
}
