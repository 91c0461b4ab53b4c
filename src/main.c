/* main.c: the command line of cohort.  Only this file prints diagnostics
 * (through the callback it installs) and decides the exit code. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "config.h"
#include "diag.h"
#include "argspec.h"
#include "plugin.h"
#include "result.h"
#include "sim_presets.h"
#include "simulate.h"
#include "study.h"

static const char usage_text[] =
    "usage: cohort COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  check FILE              parse and resolve the rules, load plugins (reads only the\n"
    "                          CSV headers and a sample of rows to learn column types)\n"
    "  run FILE                attrition, then every estimate\n"
    "  export FILE -o OUT.csv  the analysis dataset: one row per unit, every let,\n"
    "                          each endpoint's time and status (--raw-csv: text cells\n"
    "                          starting with = + - @ written without a ' in front)\n"
    "  sql FILE                the SQL query that computes the analysis dataset in\n"
    "                          PostgreSQL (export --in-database runs it)\n"
    "  simulate --patients N --seed S --out DIR [--format omop]\n"
    "                          write a synthetic cohort (five CSV tables, or OMOP CDM)\n"
    "  plugins                 list the estimator plugins on the plugin path\n"
    "  help ESTIMATOR          one estimator's arguments, allowed values and defaults\n"
    "\n"
    "options:\n"
    "  --set NAME=VALUE        override a param (VALUE is an expression: 30days, 0.2, \"x\")\n"
    "  --sweep NAME=V1,V2,...  run once per value and report the estimates side by side;\n"
    "                          several --sweep options run every combination\n"
    "  --paired                with several --sweep, run the first values together, then\n"
    "                          the second values... (all need as many values)\n"
    "  --data DIR              read the tables from DIR instead of the rules' data directory\n"
    "  --format text|json      output format of run (default text)\n"
    "  --out DIR               also write every table as CSV and JSON, every figure as SVG,\n"
    "                          PNG and PDF, results.json and report.html into DIR\n"
    "  --min-cell N            show every count below N (and what reveals one) as <N\n"
    "  --time-limit DURATION   end the time axis of curves there, e.g. 24months\n"
    "  --min-at-risk N         cut each curve where fewer than N remain at risk\n"
    "  --no-ci-bands           draw curves without confidence bands\n"
    "  --plot KEY=VALUE        a plot setting, as `plot KEY = VALUE;` in the rules would be:\n"
    "                          annotate=true, breaks=6months, y_limits=[0,0.5], width=7,\n"
    "                          height=5, colours=[\"#0072B2\"], line_types=[\"dashed\"]\n"
    "  --plugin-path DIRS      search DIRS (':'-separated) for plugins first\n"
    "  --allow-import-path DIR also allow imports from DIR (besides the rules file's folder\n"
    "                          and $COHORT_RULES_PATH)\n"
    "  --allow-plugin-path DIR also load plugins and extern libraries from DIR, searched\n"
    "                          last (never shadows an installed plugin)\n"
    "  --timing                print phase timings and peak memory to stderr (run)\n"
    "  --threads N             read large CSV files and evaluate units on N threads\n"
    "                          (default: one per processor, at most 8)\n"
    "  --no-cache              parse every CSV file; neither read nor write the rerun\n"
    "                          cache ($COHORT_CACHE_DIR, $XDG_CACHE_HOME/cohort or\n"
    "                          ~/.cache/cohort; COHORT_CACHE=off disables it too)\n"
    "  -h, --help              this help; cohort COMMAND --help for one command\n"
    "  --version               print the version\n"
    "\n"
    "plugin path: --plugin-path, then $COHORT_PLUGIN_PATH (absolute folders only), then\n"
    "             " COHORT_PLUGIN_DIR ", then --allow-plugin-path\n"
    "exit codes: 0 ok, 1 rules error, 2 data error, 3 plugin error, 4 an estimate failed,\n"
    "            5 output not written, 64 usage error\n";

static const struct {
    const char *cmd, *help;
} command_help[] = {
    {"check", "usage: cohort check FILE [--set NAME=VALUE]... [--sweep NAME=V1,V2,...]... [--paired] [--data DIR]\n"
              "                  [--plot KEY=VALUE]... [--plugin-path DIRS] [--allow-import-path DIR]\n"
              "                  [--allow-plugin-path DIR]\n"
              "Parse FILE and its imports, resolve every name and type against the tables'\n"
              "headers and a sample of 1000 rows, load every estimator plugin and extern\n"
              "library and check the arguments of every estimate. No estimate is computed.\n"},
    {"run", "usage: cohort run FILE [--set NAME=VALUE]... [--sweep NAME=V1,V2,...]... [--paired] [--data DIR]\n"
            "                [--format text|json] [--out DIR] [--plugin-path DIRS]\n"
            "                [--min-cell N] [--time-limit DURATION] [--min-at-risk N] [--no-ci-bands]\n"
            "                [--plot KEY=VALUE]... [--allow-import-path DIR] [--allow-plugin-path DIR]\n"
            "                [--timing] [--threads N] [--no-cache] [--in-database]\n"
            "Print the attrition table and every estimate. With --out DIR, also write\n"
            "attrition.csv, each result table as CSV and JSON, each figure as SVG, PNG and\n"
            "PDF (with its data as JSON), results.json and report.html (one self-contained\n"
            "page) into DIR, as a set: a new folder that replaces DIR once complete (a DIR\n"
            "that cohort did not write is refused, never replaced); nothing is written if\n"
            "an estimate fails. --min-cell N (or `privacy min_cell =\n"
            "N;` in the rules; the larger wins) shows every count from 1 to N-1, and every\n"
            "percentage or curve step that would reveal one, as <N. The figure options\n"
            "override the rules' `plot { time_limit = ...; min_at_risk = ...; ci_bands = ...; }`;\n"
            "--plot KEY=VALUE overrides any plot setting (annotate, breaks, y_limits, colours,\n"
            "line_types, width, height, ...) and is checked as the rules' would be.\n"
            "--allow-import-path DIR also allows imports from DIR (besides the study's folder\n"
            "tree and $COHORT_RULES_PATH); --allow-plugin-path DIR also loads plugins and\n"
            "extern libraries from DIR, searched last; --timing\n"
            "prints phase timings and peak memory to stderr; --threads N reads large CSV files\n"
            "and evaluates units on N threads (default: one per processor, at most 8).\n"
            "--no-cache parses every CSV file without the rerun cache (man cohort: RERUN CACHE).\n"
            "--in-database (data postgres\n"
            "only): the per-unit phase (criteria, lets, endpoints, the estimates' columns)\n"
            "runs in PostgreSQL; cohort reads the attrition counts and the analysis rows.\n"},
    {"export", "usage: cohort export FILE -o OUT.csv [--analysis NAME] [--set NAME=VALUE]... [--data DIR]\n"
               "                   [--in-database] [--raw-csv] [--no-cache] [--unit-values]\n"
               "                   [--status-labels] [--booleans true|01|TRUE] [--covariates] [--threads N]\n"
               "                   [--plugin-path DIRS] [--allow-import-path DIR] [--allow-plugin-path DIR]\n"
               "Write the analysis dataset: one row per unit that passes the criteria, with the\n"
               "unit's key, the patient key, every let and each endpoint's time (in the study's\n"
               "timescale) and status (0 censored, 1 event, 2+ competing causes). A text cell\n"
               "starting with = + - @ (a spreadsheet formula) gets a ' in front unless --raw-csv.\n"
               "--in-database (data postgres only): compute it in PostgreSQL with the query of\n"
               "cohort sql; cohort reads only the resulting rows.\n"
               "--unit-values: run the estimates and add the values per unit they compute\n"
               "(psm: E_ps, E_logit, E_matched, E_weight; iptw: E_ps, E_logit, E_weight).\n"
               "--status-labels adds NAME_status_label (censored, the event's or cause's label);\n"
               "--booleans writes boolean lets as true/false (default), 1/0 or TRUE/FALSE;\n"
               "--covariates adds the columns the estimates read that are not lets.\n"},
    {"sql", "usage: cohort sql FILE [--analysis NAME] [--set NAME=VALUE]... [--data DIR] [--plugin-path DIRS]\n"
            "                [--allow-import-path DIR] [--allow-plugin-path DIR]\n"
            "Print the one SQL query per analysis that computes the analysis dataset (the\n"
            "rows of export) in PostgreSQL: criteria, lets, quantifiers, windows, endpoints.\n"
            "What cannot be evaluated in the database (extern functions, endpoints given by\n"
            "rows) is an error at its place in the rules.\n"},
    {"simulate", "usage: cohort simulate [--patients N] [--preset NAME] --seed S --out DIR [--format omop]\n"
                 "Write DIR/{patients,courses,lesions,drugs,events}.csv: a synthetic cohort with\n"
                 "SRS/FSRT courses, lesions, HER2 drugs, MRI follow-up and outcomes. The same seed\n"
                 "gives the same files. Presets calibrated to published cohorts (doc/presets.md):\n"
                 "mills2021 (Mills 2021: 16 patients) and chun2026 (Chun 2026: 113 patients);\n"
                 "--patients scales a preset up or down. --format omop writes the same patients\n"
                 "as OMOP CDM v5.4 tables (person, observation_period, drug_exposure,\n"
                 "procedure_occurrence, condition_occurrence, measurement, death) with a small\n"
                 "synthetic vocabulary (concept, concept_ancestor); see cohort(1).\n"},
    {"plugins", "usage: cohort plugins [ESTIMATOR] [--plugin-path DIRS] [--allow-plugin-path DIR]\n"
                "List every estimator plugin found on the plugin path with its version and the\n"
                "arguments each estimator accepts. With ESTIMATOR (also: cohort help ESTIMATOR),\n"
                "show its page: every argument, its kinds, what values it accepts and its default.\n"},
};

/* Is `opt` in `synopsis` (the lines of a command's help that start with
 * "usage:" or a space) as a word of its own ("[--raw-csv]", "-o OUT")? */
static int in_synopsis(const char *synopsis, const char *opt)
{
    size_t n = strlen(opt);
    for (const char *line = synopsis; *line && (!strncmp(line, "usage:", 6) || *line == ' ');) {
        const char *end = strchr(line, '\n');
        if (!end) end = line + strlen(line);
        for (const char *p = line; (p = strstr(p, opt)) && p < end; p += n)
            if ((p[-1] == ' ' || p[-1] == '[') && (p[n] == ' ' || p[n] == ']' || p[n] == '\n' || !p[n])) return 1;
        line = *end ? end + 1 : end;
    }
    return 0;
}

/* The options a command takes are those of its usage lines: -1 if `opt` is
 * no command's option, 0 if it is another command's, 1 if it is `cmd`'s. */
static int option_of(const char *cmd, const char *opt)
{
    int other = -1;
    if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) return 1;
    for (size_t k = 0; k < sizeof command_help / sizeof command_help[0]; k++)
        if (in_synopsis(command_help[k].help, opt)) {
            if (!strcmp(cmd, command_help[k].cmd)) return 1;
            other = 0;
        }
    return other;
}

/* A positive whole number for an option, or -1. */
static long positive(const char *v)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end || !*v || v[0] == '-' || n <= 0 || n > 1000000) return -1;
    return n;
}

/* "24months", "24 months", "1.5 years", "90days": a number and a unit
 * (0 days, 1 weeks, 2 months, 3 years, the order of the language's units).
 * Returns 0 or -1. */
static int parse_duration(const char *v, double *num, int *unit)
{
    static const char *const names[][2] = {{"day", "days"}, {"week", "weeks"}, {"month", "months"}, {"year", "years"}};
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || end == v || !(x > 0) || x > 1e9) return -1;
    while (*end == ' ') end++;
    for (int u = 0; u < 4; u++)
        if (!strcmp(end, names[u][0]) || !strcmp(end, names[u][1])) {
            *num = x;
            *unit = u;
            return 0;
        }
    return -1;
}

static int usage_error(const char *fmt, const char *what)
{
    fprintf(stderr, "cohort: ");
    fprintf(stderr, fmt, what);
    fprintf(stderr, "\nTry 'cohort --help'.\n");
    return EXIT_USAGE;
}

static int known_preset(const char *name)
{
    for (const char *const *p = sim_preset_names(); *p; p++)
        if (!strcmp(*p, name)) return 1;
    return 0;
}

static const char *kind_words(unsigned k, char *buf, size_t size)
{
    static const char *const names[] = {"number", "duration", "text", "bool", "column",
                                        "endpoint", "formula", "list", "columns", "endpoints"};
    size_t n = 0;
    buf[0] = 0;
    for (unsigned i = 0; i < 10; i++)
        if (k & (1u << i)) n += (size_t)snprintf(buf + n, size > n ? size - n : 0, "%s%s", n ? "|" : "", names[i]);
    return buf;
}

typedef struct list_ctx {
    FILE *out;
    const char *only;      /* one estimator's page, or NULL: the list */
    int found;
} list_ctx;

/* `cohort plugins km`: every argument of one estimator, with its spec */
static void estimator_page(FILE *out, const char *path, const cohort_plugin *p, const cohort_estimator *e)
{
    fprintf(out, "%s  (plugin %s %s, %s)\n  %s\n\n", e->name, p->name, p->version, path, e->summary ? e->summary : "");
    for (size_t k = 0; k < e->nparams; k++) {
        const cohort_param *pa = &e->params[k];
        char kinds[128], spec[768];
        fprintf(out, "  %s%s: %s%s\n", pa->name, k == 0 ? " (may be given without its name)" : "",
                kind_words(pa->kinds, kinds, sizeof kinds), pa->required ? ", required" : "");
        if (pa->help) fprintf(out, "      %s\n", pa->help);
        const cohort_param_spec *sp = plugin_param_spec(p, e->name, pa->name);
        if (sp) {
            argspec_describe(sp, pa->kinds, spec, sizeof spec);
            if (spec[0]) fprintf(out, "      %s\n", spec);
        }
    }
}

static void list_one(void *ud, const char *path, const cohort_plugin *p)
{
    list_ctx *lc = ud;
    FILE *out = lc->out;
    if (lc->only) {
        for (size_t i = 0; i < p->nestimators; i++)
            if (!strcmp(p->estimators[i].name, lc->only) && !lc->found++)
                estimator_page(out, path, p, &p->estimators[i]);
        return;
    }
    fprintf(out, "%s %s  (%s)\n  %s\n", p->name, p->version, path, p->description ? p->description : "");
    for (size_t i = 0; i < p->nestimators; i++) {
        const cohort_estimator *e = &p->estimators[i];
        fprintf(out, "  estimate %s(", e->name);
        for (size_t k = 0; k < e->nparams; k++) {
            char buf[128];
            fprintf(out, "%s%s%s: %s%s", k ? ", " : "", e->params[k].required ? "" : "[",
                    e->params[k].name, kind_words(e->params[k].kinds, buf, sizeof buf),
                    e->params[k].required ? "" : "]");
        }
        fprintf(out, ")\n    %s\n", e->summary ? e->summary : "");
    }
}

/* The runs of --sweep: every combination of the values (the first param
 * varies slowest), or with --paired the k-th value of every param together.
 * *out holds nruns x np values, row by row. */
static int sweep_runs(const char *const *names, const char ***vals, const size_t *nvals, size_t np, int paired,
                      const char ***out, size_t *nruns)
{
    if (paired && np < 2) return usage_error("%s", "--paired needs two or more --sweep options");
    size_t n = 1;
    for (size_t j = 0; j < np; j++) {
        if (paired && nvals[j] != nvals[0]) {
            char msg[512];
            snprintf(msg, sizeof msg, "--paired: --sweep %s has %zu value%s but --sweep %s has %zu", names[j],
                     nvals[j], nvals[j] == 1 ? "" : "s", names[0], nvals[0]);
            return usage_error("%s", msg);
        }
        if (!paired) {
            if (n > 10000 / nvals[j]) return usage_error("%s", "--sweep: more than 10000 combinations");
            n *= nvals[j];
        }
    }
    if (paired) n = nvals[0];
    const char **v = calloc(n * np + 1, sizeof *v);
    if (!v) return EXIT_DATA;
    for (size_t k = 0; k < n; k++) {
        size_t rest = k;
        for (size_t j = np; j-- > 0;) {
            v[k * np + j] = vals[j][paired ? k : rest % nvals[j]];
            rest /= nvals[j];
        }
    }
    *out = v;
    *nruns = n;
    return EXIT_OK;
}

static void sweeps_free(char **bufs, const char ***vals, size_t *nvals, const char **names)
{
    for (size_t j = 0; bufs[j]; j++) {
        free(bufs[j]);
        free(vals[j]);
    }
    free(bufs);
    free(vals);
    free(nvals);
    free(names);
}

/* The colon-separated folders of environment variable `var` that are
 * absolute, as one malloc'd string (NULL when unset); a relative entry
 * would depend on the folder cohort is started from, so it is left out
 * with a warning. */
static char *absolute_entries(const char *var, diag *dg)
{
    const char *v = getenv(var);
    char *out = v ? malloc(strlen(v) + 1) : NULL;
    if (!out) return NULL;
    size_t n = 0;
    for (const char *s = v; *s;) {
        size_t len = strcspn(s, ":");
        if (len && s[0] != '/')
            diag_emit(dg, DIAG_WARNING, NULL, 0, 0, 0, NULL, 0,
                      "%s: '%.*s' is not an absolute folder and is ignored (give folders as absolute paths)", var,
                      (int)len, s);
        else if (len) {
            if (n) out[n++] = ':';
            memcpy(out + n, s, len);
            n += len;
        }
        s += len;
        if (*s == ':') s++;
    }
    out[n] = 0;
    return out;
}

int main(int argc, char **argv)
{
    diag dg;
    diag_init(&dg, diag_print_cb, stderr);
    if (argc < 2) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "help") && argc > 2 && argv[2][0] != '-') {
        cmd = "plugins";   /* cohort help km: the estimator's page */
    } else if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(usage_text, stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("cohort %s (plugin ABI %d.%d)\n", PACKAGE_VERSION, COHORT_ABI_MAJOR, COHORT_ABI_MINOR);
        return EXIT_OK;
    }
    int known = 0;
    for (size_t i = 0; i < sizeof command_help / sizeof command_help[0]; i++)
        if (!strcmp(cmd, command_help[i].cmd)) known = 1;
    if (!known) return usage_error("unknown command '%s'", cmd);

    run_opts o = {0};
#if !defined(__SANITIZE_ADDRESS__)
    o.exiting = 1;      /* main returns once the command is done (AddressSanitizer's
                           leak check wants everything freed) */
#endif
    override *sets = calloc((size_t)argc, sizeof *sets);
    override *plots = calloc((size_t)argc, sizeof *plots);
    const char **dirs = calloc((size_t)argc + 3, sizeof *dirs);
    const char **allow = calloc((size_t)argc + 1, sizeof *allow);   /* --allow-plugin-path: searched last */
    size_t nallow = 0;
    /* folders imports may come from: --allow-import-path, then COHORT_RULES_PATH */
    const char **imports = calloc((size_t)argc + 64, sizeof *imports);
    size_t nimports = 0;
    /* --sweep NAME=V1,V2: names[j], its values in one strdup'ed buffer (vals[j]) */
    const char **sweep_names = calloc((size_t)argc + 1, sizeof *sweep_names);
    char **sweep_bufs = calloc((size_t)argc + 1, sizeof *sweep_bufs);
    const char ***sweep_vals = calloc((size_t)argc + 1, sizeof *sweep_vals);
    size_t *sweep_nvals = calloc((size_t)argc + 1, sizeof *sweep_nvals);
    const char **sweep = NULL;
    int paired = 0;
    const char *outcsv = NULL, *file = NULL;
    size_t patients = 0;
    unsigned long long seed = 1;
    const char *preset = NULL;
    int sim_format = SIM_FORMAT_DEFAULT;   /* simulate --format omop */
    int have_seed = 0;
    int rc = EXIT_OK;
    size_t ndirs = 0;
    if (!sets || !plots || !dirs || !allow || !imports || !sweep_names || !sweep_bufs || !sweep_vals || !sweep_nvals) return EXIT_DATA;
    for (int i = 2; i < argc && rc == EXIT_OK; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
/* a missing value ends the loop (break applies to the for, not a wrapper) */
#define NEED() if (!v) { rc = usage_error("option %s needs a value", a); break; } else i++
        if (a[0] == '-' && a[1] && !option_of(cmd, a)) {
            char msg[256];
            snprintf(msg, sizeof msg, "%s is not an option of %s (cohort %s --help lists them)", a, cmd, cmd);
            rc = usage_error("%s", msg);
            break;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            for (size_t k = 0; k < sizeof command_help / sizeof command_help[0]; k++)
                if (!strcmp(cmd, command_help[k].cmd)) fputs(command_help[k].help, stdout);
            free(sets); free(plots); free(dirs); free(allow); free(imports);
            sweeps_free(sweep_bufs, sweep_vals, sweep_nvals, sweep_names);
            return EXIT_OK;
        } else if (!strcmp(a, "--set")) {
            NEED();
            const char *eq = strchr(v, '=');
            if (!eq || eq == v) { rc = usage_error("--set needs NAME=VALUE, got '%s'", v); break; }
            sets[o.nsets].name = strndup(v, (size_t)(eq - v));
            sets[o.nsets++].text = eq + 1;
        } else if (!strcmp(a, "--plot")) {
            NEED();
            const char *eq = strchr(v, '=');
            if (!eq || eq == v || !eq[1]) { rc = usage_error("--plot needs KEY=VALUE (e.g. annotate=true), got '%s'", v); break; }
            plots[o.nplots].name = strndup(v, (size_t)(eq - v));
            plots[o.nplots++].text = eq + 1;
        } else if (!strcmp(a, "--sweep")) {
            NEED();
            const char *eq = strchr(v, '=');
            if (!eq || eq == v || !eq[1]) { rc = usage_error("--sweep needs NAME=V1,V2,..., got '%s'", v); break; }
            size_t j = o.nsweep_params;
            char *buf = sweep_bufs[j] = strdup(v);
            sweep_vals[j] = calloc(strlen(v) + 1, sizeof *sweep_vals[j]);
            if (!buf || !sweep_vals[j]) { rc = EXIT_DATA; break; }
            buf[eq - v] = 0;
            sweep_names[j] = buf;
            o.nsweep_params++;
            for (size_t k = 0; k < j && rc == EXIT_OK; k++)
                if (!strcmp(sweep_names[k], buf)) rc = usage_error("--sweep %s is given twice", buf);
            for (char *s = buf + (eq - v) + 1; s;) {
                char *comma = strchr(s, ',');
                if (comma) *comma = 0;
                if (*s) sweep_vals[j][sweep_nvals[j]++] = s;
                s = comma ? comma + 1 : NULL;
            }
            if (!sweep_nvals[j] && rc == EXIT_OK) rc = usage_error("--sweep %s has no values (e.g. NAME=7days,3months)", buf);
        } else if (!strcmp(a, "--paired")) {
            paired = 1;
        } else if (!strcmp(a, "--threads")) {
            NEED();
            char *end;
            long t = strtol(v, &end, 10);
            if (*end || !*v || t < 1 || t > 64) rc = usage_error("--threads needs a number from 1 to 64, not '%s'", v);
            o.threads = (int)t;
        } else if (!strcmp(a, "--no-cache")) {
            o.no_cache = 1;
        } else if (!strcmp(a, "--timing")) {
            o.timing = 1;
        } else if (!strcmp(a, "--min-cell")) {
            NEED();
            long n = positive(v);
            if (n < 0) rc = usage_error("--min-cell needs a positive whole number, not '%s'", v);
            else o.min_cell = (int)n;
        } else if (!strcmp(a, "--min-at-risk")) {
            NEED();
            long n = positive(v);
            if (n < 0) rc = usage_error("--min-at-risk needs a positive whole number, not '%s'", v);
            else o.min_at_risk = (int)n;
        } else if (!strcmp(a, "--time-limit")) {
            NEED();
            if (parse_duration(v, &o.time_limit, &o.time_limit_unit))
                rc = usage_error("--time-limit needs a positive duration such as 24months, not '%s'", v);
        } else if (!strcmp(a, "--no-ci-bands")) {
            o.no_ci_bands = 1;
        } else if (!strcmp(a, "--raw-csv")) {
            o.raw_csv = 1;
        } else if (!strcmp(a, "--unit-values")) {
            o.unit_values = 1;
        } else if (!strcmp(a, "--covariates")) {
            o.covariates = 1;
        } else if (!strcmp(a, "--status-labels")) {
            o.status_labels = 1;
        } else if (!strcmp(a, "--booleans")) {
            NEED();
            if (!strcmp(v, "true")) o.booleans = 0;
            else if (!strcmp(v, "01")) o.booleans = 1;
            else if (!strcmp(v, "TRUE")) o.booleans = 2;
            else rc = usage_error("--booleans needs true (true/false), 01 (1/0) or TRUE (TRUE/FALSE), not '%s'", v);
        } else if (!strcmp(a, "--analysis")) {
            NEED();
            o.analysis = v;
        } else if (!strcmp(a, "--in-database")) {
            o.in_database = 1;
        } else if (!strcmp(a, "--data")) {
            NEED();
            o.data_dir = v;
        } else if (!strcmp(a, "--format")) {
            NEED();
            if (!strcmp(cmd, "simulate")) {
                if (!strcmp(v, "omop")) sim_format = SIM_FORMAT_OMOP;
                else rc = usage_error("simulate --format must be omop (OMOP CDM tables), not '%s'", v);
            } else if (!strcmp(v, "text")) o.format = FORMAT_TEXT;
            else if (!strcmp(v, "json")) o.format = FORMAT_JSON;
            else rc = usage_error("--format must be text or json, not '%s'", v);
        } else if (!strcmp(a, "--out")) {
            NEED();
            o.outdir = v;
        } else if (!strcmp(a, "-o")) {
            NEED();
            outcsv = v;
        } else if (!strcmp(a, "--plugin-path")) {
            NEED();
            dirs[ndirs++] = v;
        } else if (!strcmp(a, "--allow-plugin-path")) {
            NEED();
            allow[nallow++] = v;
        } else if (!strcmp(a, "--allow-import-path")) {
            NEED();
            imports[nimports++] = v;
        } else if (!strcmp(a, "--patients")) {
            NEED();
            char *end;
            errno = 0;
            unsigned long long p = strtoull(v, &end, 10);
            if (errno || *end || !*v || p == 0 || v[0] == '-') rc = usage_error("--patients needs a positive integer, not '%s'", v);
            patients = (size_t)p;
        } else if (!strcmp(a, "--preset")) {
            NEED();
            preset = v;
        } else if (!strcmp(a, "--seed")) {
            NEED();
            char *end;
            errno = 0;
            seed = strtoull(v, &end, 10);
            if (errno || *end || !*v || v[0] == '-') rc = usage_error("--seed needs a non-negative integer, not '%s'", v);
            have_seed = 1;
        } else if (a[0] == '-' && a[1]) {
            rc = usage_error("unknown option '%s'", a);
        } else if (!file) {
            file = a;
        } else {
            rc = usage_error("unexpected argument '%s'", a);
        }
#undef NEED
    }
    /* the date results.json records: SOURCE_DATE_EPOCH (reproducible outputs) or now */
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    o.run_epoch = (long long)time(NULL);
    if (sde && *sde && rc == EXIT_OK) {
        char *end;
        errno = 0;
        long long t = strtoll(sde, &end, 10);
        if (errno || *end || t < 0 || t > 253402300799LL)
            rc = usage_error("SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not '%s'", sde);
        else o.run_epoch = t;
    }
    o.args = (const char *const *)argv + 1;
    o.nargs = (size_t)argc - 1;
    char *env = absolute_entries("COHORT_PLUGIN_PATH", &dg);
    if (env && *env) dirs[ndirs++] = env;
    dirs[ndirs++] = COHORT_PLUGIN_DIR;
    /* an allowed folder never shadows an installed plugin: it comes last */
    for (size_t k = 0; k < nallow; k++) dirs[ndirs++] = allow[k];
    char *rules_path = absolute_entries("COHORT_RULES_PATH", &dg);
    for (char *s = rules_path, *t; s && *s && nimports < (size_t)argc + 63; s = t) {
        t = s + strcspn(s, ":");
        if (*t) *t++ = 0;
        imports[nimports++] = s;
    }
    o.import_dirs = imports;
    o.nimport_dirs = nimports;
    o.plugin_dirs = dirs;
    o.nplugin_dirs = ndirs;
    o.sets = sets;
    o.plots = plots;
    o.rules = file;
    if (rc == EXIT_OK && (o.nsweep_params || paired)) {
        rc = sweep_runs(sweep_names, sweep_vals, sweep_nvals, o.nsweep_params, paired, &sweep, &o.nsweep);
        o.sweep_params = sweep_names;
        o.sweep_values = sweep;
    }

    if (rc == EXIT_OK) {
        if (!strcmp(cmd, "simulate")) {
            if (file) rc = usage_error("simulate takes no file argument ('%s')", file);
            else if ((!patients && !preset) || !o.outdir)
                rc = usage_error("%s", "simulate needs --patients N (or --preset NAME) and --out DIR");
            else if (preset && !known_preset(preset))
                rc = usage_error("unknown preset '%s' (cohort simulate --help lists them)", preset);
            else {
                sim_opts so = {patients, have_seed ? seed : 1, o.outdir, preset, sim_format};
                rc = simulate_write(&so, &dg) ? EXIT_OUTPUT : EXIT_OK;
            }
        } else if (!strcmp(cmd, "plugins")) {
            plugin_reg *r = plugin_reg_new(dirs, ndirs);
            list_ctx lc = {stdout, file, 0};
            if (r) {
                /* for one estimator's page, the other plugins' problems do not matter */
                diag quiet;
                diag_init(&quiet, NULL, NULL);
                plugin_list(r, file ? &quiet : &dg, list_one, &lc);
                plugin_reg_free(r);
            }
            rc = dg.nerrors ? EXIT_PLUGIN : EXIT_OK;
            if (file && !lc.found) rc = usage_error("no estimator '%s' on the plugin path (cohort plugins lists them)", file);
        } else if (!file) {
            rc = usage_error("%s needs a rules file", cmd);
        } else if (o.in_database && o.unit_values) {
            rc = usage_error("%s", "--unit-values runs the estimators on the units cohort evaluates: "
                             "not with --in-database");
        } else if (o.in_database && o.covariates) {
            rc = usage_error("%s", "--covariates is not computed in the database: not with --in-database");
        } else if (!strcmp(cmd, "check")) {
            rc = study_check(&o, &dg, stdout);
        } else if (!strcmp(cmd, "run")) {
            for (size_t j = 0; j < o.nsweep_params; j++)
                for (size_t k = 0; k < o.nsets && rc == EXIT_OK; k++)
                    if (!strcmp(sets[k].name, sweep_names[j])) rc = usage_error("'%s' is both --set and --sweep", sweep_names[j]);
            if (rc == EXIT_OK) rc = study_run(&o, &dg, stdout);
        } else if (!strcmp(cmd, "export")) {
            if (!outcsv) rc = usage_error("%s", "export needs -o OUT.csv");
            else rc = study_export(&o, outcsv, &dg);
        } else if (!strcmp(cmd, "sql")) {
            rc = study_sql(&o, &dg, stdout);
        }
    }
    if (dg.nerrors && rc == EXIT_OK) rc = EXIT_RULES;
    if (dg.nerrors > 1)
        fprintf(stderr, "%d errors\n", dg.nerrors);
    for (size_t k = 0; k < o.nsets; k++) free((char *)sets[k].name);
    for (size_t k = 0; k < o.nplots; k++) free((char *)plots[k].name);
    free(sets);
    free(plots);
    free(dirs);
    free(allow);
    free(env);
    free(imports);
    free(rules_path);
    free(sweep);
    sweeps_free(sweep_bufs, sweep_vals, sweep_nvals, sweep_names);
    return rc;
}
