/* outdir.c: output folders written as a set.  The files of a run go into
 * a private folder made by mkdtemp beside DIR; when all are written, a
 * manifest naming them is added and the folder takes DIR's place in one
 * rename (an exchange where the system has one).  A folder is replaced
 * only when cohort wrote it: it holds a manifest and nothing else than
 * the files the manifest names, so a user's folder is never deleted. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1   /* renameat2 and RENAME_EXCHANGE */
#endif
#include "outdir.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* the first line of every manifest */
static const char marker[] = "cohort output folder";

/* The names in folder `dir` other than . and .., sorted; NULL with errno
 * set on failure (an empty folder gives a list holding only NULL). */
static char **names_of(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d) return NULL;
    char **v = malloc(sizeof *v);
    size_t k = 0;
    struct dirent *de;
    while (v && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        char **x = realloc(v, (k + 2) * sizeof *x);
        char *s = x ? strdup(de->d_name) : NULL;
        if (!s) {
            free(x ? x : v);
            v = NULL;
            break;
        }
        v = x;
        v[k++] = s;
    }
    closedir(d);
    if (!v) {
        errno = ENOMEM;
        return NULL;
    }
    v[k] = NULL;
    for (size_t a = 1; a < k; a++)
        for (size_t b = a; b > 0 && strcmp(v[b - 1], v[b]) > 0; b--) {
            char *t = v[b];
            v[b] = v[b - 1];
            v[b - 1] = t;
        }
    *n = k;
    return v;
}

static void names_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++) free(v[i]);
    free(v);
}

/* The manifest of folder dir as one malloc'd text, or NULL (none, not a
 * regular file, a symlink, or not a cohort manifest). */
static char *read_manifest(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, OUTDIR_MANIFEST);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) return NULL;
    struct stat sb;
    char *text = NULL;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size < (1 << 20) &&
        (text = malloc((size_t)sb.st_size + 1)) != NULL) {
        ssize_t k = read(fd, text, (size_t)sb.st_size);
        text[k > 0 ? k : 0] = 0;
        if (k != sb.st_size || strncmp(text, marker, sizeof marker - 1) != 0) {
            free(text);
            text = NULL;
        }
    }
    close(fd);
    return text;
}

/* Does the manifest text list `name` on a line of its own (after the first)? */
static int listed(const char *manifest, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = strchr(manifest, '\n'); p; p = strchr(p, '\n')) {
        p++;
        if (!strncmp(p, name, len) && (p[len] == '\n' || p[len] == 0)) return 1;
    }
    return 0;
}

int outdir_check(const char *dir, char *err, size_t errsize)
{
    struct stat sb;
    if (lstat(dir, &sb) != 0) {
        if (errno == ENOENT) return 0;
        snprintf(err, errsize, "cannot write into %s: %s", dir, strerror(errno));
        return -1;
    }
    if (S_ISLNK(sb.st_mode)) {
        snprintf(err, errsize, "cannot write into %s: it is a symbolic link; give the folder itself", dir);
        return -1;
    }
    if (!S_ISDIR(sb.st_mode)) {
        snprintf(err, errsize, "cannot write into %s: it exists and is not a folder", dir);
        return -1;
    }
    size_t n = 0;
    char **names = names_of(dir, &n);
    if (!names) {
        snprintf(err, errsize, "cannot write into %s: %s", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    char *manifest = n ? read_manifest(dir) : NULL;
    if (n && !manifest) {
        snprintf(err, errsize, "cannot write into %s: the folder is not empty and cohort did not write it (it has no %s); "
                 "cohort replaces only its own output folders: give a new or empty folder", dir, OUTDIR_MANIFEST);
        rc = -1;
    }
    for (size_t i = 0; manifest && i < n && !rc; i++) {
        if (!strcmp(names[i], OUTDIR_MANIFEST)) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (!listed(manifest, names[i]) || lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            snprintf(err, errsize, "cannot write into %s: it holds '%s', which cohort did not write there; "
                     "cohort replaces only its own output folders: move that file, or give another folder", dir, names[i]);
            rc = -1;
        }
    }
    free(manifest);
    names_free(names);
    return rc;
}

/* dir without trailing slashes: its parent folder and its last name */
static int split(const char *dir, char *parent, size_t psize, char *base, size_t bsize)
{
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/') len--;
    size_t b = len;
    while (b > 0 && dir[b - 1] != '/') b--;
    size_t blen = len - b;
    if (blen == 0 || blen >= bsize || (blen == 1 && dir[b] == '.') || (blen == 2 && !strncmp(dir + b, "..", 2)))
        return -1;
    memcpy(base, dir + b, blen);
    base[blen] = 0;
    int k = b == 0 ? snprintf(parent, psize, ".") : snprintf(parent, psize, "%.*s", (int)(b > 1 ? b - 1 : 1), dir);
    return k < 0 || (size_t)k >= psize ? -1 : 0;
}

/* a new empty folder PARENT/.BASE.cohort-TAG-XXXXXX into out */
static int make_beside(const char *dir, const char *tag, char *out, size_t size)
{
    char parent[4096], base[256];
    if (split(dir, parent, sizeof parent, base, sizeof base)) {
        errno = EINVAL;
        return -1;
    }
    int k = snprintf(out, size, "%s/.%s.cohort-%sXXXXXX", parent, base, tag);
    if (k < 0 || (size_t)k >= size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return mkdtemp(out) ? 0 : -1;
}

int outdir_begin(const char *dir, char *tmp, size_t size, char *err, size_t errsize)
{
    if (outdir_check(dir, err, errsize)) return -1;
    if (make_beside(dir, "", tmp, size)) {
        if (errno == EINVAL)
            snprintf(err, errsize, "cannot write into %s: name a folder (not . or ..)", dir);
        else
            snprintf(err, errsize, "cannot create a folder beside %s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* remove the files of folder dir, then dir (files only: cohort writes no
 * subfolders) */
static void remove_folder(const char *dir)
{
    size_t n = 0;
    char **names = names_of(dir, &n);
    for (size_t i = 0; names && i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    names_free(names);
    rmdir(dir);
}

void outdir_abort(const char *tmp, const char *dir, char *err, size_t errsize)
{
    remove_folder(tmp);
    char *at = err ? strstr(err, tmp) : NULL;
    if (!at) return;
    char rest[1024];
    snprintf(rest, sizeof rest, "%s", at + strlen(tmp));
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/') len--;
    snprintf(at, errsize - (size_t)(at - err), "%.*s%s", (int)len, dir, rest);
}

/* the manifest of tmp: the marker line, then every file in it */
static int write_manifest(const char *tmp, const char *command)
{
    size_t n = 0;
    char **names = names_of(tmp, &n);
    if (!names) return -1;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", tmp, OUTDIR_MANIFEST);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0666);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int e = errno;
        if (fd >= 0) close(fd);
        names_free(names);
        errno = e;
        return -1;
    }
    fprintf(f, "%s (cohort %s); the next cohort run into it replaces it as a whole\n", marker, command);
    for (size_t i = 0; i < n; i++) fprintf(f, "%s\n", names[i]);
    names_free(names);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        if (!errno) errno = EIO;
        return -1;
    }
    return 0;
}

int outdir_commit(const char *tmp, const char *dir, const char *command, char *err, size_t errsize)
{
    if (write_manifest(tmp, command)) {
        snprintf(err, errsize, "cannot write %s/%s: %s", dir, OUTDIR_MANIFEST, strerror(errno));
        outdir_abort(tmp, dir, NULL, 0);
        return -1;
    }
    /* mkdtemp made it private (0700); now the permissions of a new folder */
    mode_t mask = umask(0);
    umask(mask);
    (void)chmod(tmp, 0777 & ~mask);
    /* the folder may have changed while the run was writing */
    if (outdir_check(dir, err, errsize)) {
        outdir_abort(tmp, dir, NULL, 0);
        return -1;
    }
    struct stat sb;
    if (lstat(dir, &sb) != 0) {
        if (rename(tmp, dir) == 0) return 0;
        snprintf(err, errsize, "cannot rename the new output folder to %s: %s", dir, strerror(errno));
        outdir_abort(tmp, dir, NULL, 0);
        return -1;
    }
#ifdef RENAME_EXCHANGE
    /* one step: DIR is never missing; tmp then holds the old folder */
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) == 0) {
        remove_folder(tmp);
        return 0;
    }
#endif
    /* old folder aside (onto a new empty folder), new one in, old one removed */
    char aside[4096];
    int made = make_beside(dir, "old-", aside, sizeof aside) == 0;
    if (!made || rename(dir, aside) != 0) {
        snprintf(err, errsize, "cannot move the previous %s aside: %s", dir, strerror(errno));
        if (made) rmdir(aside);
        outdir_abort(tmp, dir, NULL, 0);
        return -1;
    }
    if (rename(tmp, dir) != 0) {
        snprintf(err, errsize, "cannot rename the new output folder to %s: %s", dir, strerror(errno));
        (void)rename(aside, dir);
        outdir_abort(tmp, dir, NULL, 0);
        return -1;
    }
    remove_folder(aside);
    return 0;
}
