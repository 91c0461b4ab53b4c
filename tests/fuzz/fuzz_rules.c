/* fuzz_rules.c: libFuzzer target for the rules front end.  The input is a
 * rules file; it is checked against the small end-to-end cohort (its data
 * directory is overridden), and run (text output thrown away) when the
 * check passes.  Any crash, sanitizer report or leak is a finding. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fuzz_file.h"
#include "study.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/cohort-fuzz-XXXXXX";
    if (fuzz_to_file(data, size, path)) return 0;
    const char *plugins[] = {FUZZ_PLUGIN_DIR};
    run_opts o;
    memset(&o, 0, sizeof o);
    o.rules = path;
    o.data_dir = FUZZ_DATA_DIR;
    o.plugin_dirs = plugins;
    o.nplugin_dirs = 1;
    o.check_sample_rows = 100;
    o.threads = 1;
    diag dg;
    diag_init(&dg, NULL, NULL);
    FILE *out = fopen("/dev/null", "w");
    if (out && study_check(&o, &dg, out) == EXIT_OK) {
        diag_init(&dg, NULL, NULL);
        study_run(&o, &dg, out);
    }
    if (out) fclose(out);
    unlink(path);
    return 0;
}
