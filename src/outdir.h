/* outdir.h: an output folder (run --out DIR, simulate --out DIR) written
 * as a set.  Every file goes into a fresh private folder beside DIR, which
 * replaces DIR as a whole once everything is written; a reader never sees
 * files of two runs mixed, and a failed run leaves DIR as it was. */
#ifndef COHORT_OUTDIR_H
#define COHORT_OUTDIR_H
#include <stddef.h>

/* The file cohort writes into every output folder: its first line says so,
 * the other lines name the files cohort wrote there. */
#define OUTDIR_MANIFEST ".cohort-manifest"

/* May DIR be written?  Yes when it does not exist, is an empty folder, or
 * is a folder cohort wrote (it holds OUTDIR_MANIFEST and nothing that is
 * not listed in it).  Otherwise -1 with the reason in err. */
int outdir_check(const char *dir, char *err, size_t errsize);

/* Check DIR (outdir_check) and create a new private folder beside it,
 * "PARENT/.BASE.cohort-XXXXXX" (mkdtemp); its path goes into tmp.
 * Returns 0, or -1 with the reason in err. */
int outdir_begin(const char *dir, char *tmp, size_t size, char *err, size_t errsize);

/* Write the manifest of tmp (`command` names the command that wrote it),
 * give tmp the permissions a new folder gets, and put it in place of DIR:
 * an existing DIR (checked again) is moved aside, tmp renamed to DIR, the
 * old folder removed.  On failure tmp is removed, DIR is left as it was,
 * and -1 is returned with the reason in err. */
int outdir_commit(const char *tmp, const char *dir, const char *command, char *err, size_t errsize);

/* Remove tmp and the files in it after a failed write; a message about the
 * failure in err (may be NULL) then names DIR instead of tmp. */
void outdir_abort(const char *tmp, const char *dir, char *err, size_t errsize);
#endif
