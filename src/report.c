/* report.c: DIR/report.html, one self-contained page (figures inline as
 * data: URIs, a Content-Security-Policy that forbids every network load),
 * and the figure files it describes: SVG, PNG and PDF from the one drawing
 * path in render.c, plus each figure's data as JSON.  The page is built in
 * memory and written last, so it never names a file that was not written;
 * every file goes through a temporary name.  The page: contents, the run
 * (date, command line, params, sweep values), inputs, attrition, one
 * foldable section per estimate, warnings; a print stylesheet. */
#include "report.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "figure.h"

/* ---- small writers ------------------------------------------------------------------- */

static void html(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fputc(*s, out);
        }
    }
}

/* before, text escaped, after: one cell or element of the page */
static void wrap(FILE *out, const char *before, const char *text, const char *after)
{
    fputs(before, out);
    html(out, text);
    fputs(after, out);
}

static void base64(FILE *out, const unsigned char *p, size_t n)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i = 0;
    for (; i + 2 < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        fputc(a[v >> 18], out);
        fputc(a[(v >> 12) & 63], out);
        fputc(a[(v >> 6) & 63], out);
        fputc(a[v & 63], out);
    }
    if (n - i == 1) {
        unsigned v = (unsigned)p[i] << 16;
        fputc(a[v >> 18], out);
        fputc(a[(v >> 12) & 63], out);
        fputs("==", out);
    } else if (n - i == 2) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
        fputc(a[v >> 18], out);
        fputc(a[(v >> 12) & 63], out);
        fputc(a[(v >> 6) & 63], out);
        fputc('=', out);
    }
}

/* A file name part from an id: letters, digits, '-', '_' and '.'. */
static void safe_name(const char *s, char *buf, size_t size)
{
    size_t n = 0;
    for (; s && *s && n + 1 < size; s++) {
        char c = *s;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                 c == '_' || c == '.';
        buf[n++] = ok ? c : '-';
    }
    buf[n] = 0;
    if (!n) snprintf(buf, size, "figure");
}

/* ---- figure files ---------------------------------------------------------------------- */

/* What one figure file writer needs; failed is set when drawing failed. */
typedef struct fig_job {
    const cohort_figure *f;    /* NULL: the attrition diagram of r */
    const results *r;
    const render_opts *o;
    int format;
    int failed;
    const double *ticks;
    size_t nticks;
} fig_job;

static void w_figure(const void *obj, FILE *out)
{
    fig_job *j = (fig_job *)obj;
    int rc = j->f ? render_figure(j->f, j->o, j->format, out) : render_flow(j->r, j->o, j->format, out);
    if (rc) j->failed = 1;
}

typedef struct bytes {
    const char *p;
    size_t n;
} bytes;

static void w_buffer(const void *obj, FILE *out)
{
    const bytes *b = obj;
    fwrite(b->p, 1, b->n, out);
}

static void w_figure_json(const void *obj, FILE *out)
{
    const fig_job *j = obj;
    figure_json(j->f, j->ticks, j->nticks, j->o->min_cell, out);
}

/* Write NAME.{svg,png,pdf} (and NAME.figure.json for plugin figures) and
 * return the SVG in *svg (malloc'd) for the page.  Returns 0 or -1. */
static int figure_files(const char *dir, const char *name, fig_job *job, char **svg, size_t *svglen,
                        char *err, size_t errsize)
{
    char fn[600];
    /* the SVG is drawn once into memory: the file and the page share it */
    FILE *mem = open_memstream(svg, svglen);
    if (!mem) {
        snprintf(err, errsize, "out of memory drawing %s", name);
        return -1;
    }
    job->format = RENDER_SVG;
    job->failed = 0;
    w_figure(job, mem);
    if (fclose(mem) != 0 || job->failed) {
        snprintf(err, errsize, "cannot draw figure %s", name);
        return -1;
    }
    bytes b = {*svg, *svglen};
    snprintf(fn, sizeof fn, "%s.svg", name);
    if (results_write_atomic(dir, fn, w_buffer, &b, err, errsize)) return -1;
    static const struct { int format; const char *ext; } more[] = {{RENDER_PNG, "png"}, {RENDER_PDF, "pdf"}};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
        job->format = more[i].format;
        job->failed = 0;
        snprintf(fn, sizeof fn, "%s.%s", name, more[i].ext);
        if (results_write_atomic(dir, fn, w_figure, job, err, errsize)) return -1;
        if (job->failed) {
            snprintf(err, errsize, "cannot draw figure %s/%s", dir, fn);
            return -1;
        }
    }
    if (job->f) {
        snprintf(fn, sizeof fn, "%s.figure.json", name);
        if (results_write_atomic(dir, fn, w_figure_json, job, err, errsize)) return -1;
    }
    return 0;
}

/* ---- the page -------------------------------------------------------------------------- */

static const char style[] =
    "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:60em;margin:1.5em auto;padding:0 1em;"
    "color:#111;line-height:1.4}\n"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:1px solid #bbb;margin-top:2em}\n"
    "h3{font-size:1em;margin:1.2em 0 .3em}\n"
    "table{border-collapse:collapse;margin:.4em 0 1em;font-size:.9em}\n"
    "th,td{padding:.15em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}th{border-bottom:2px solid #888}\n"
    "code,.hash{font-family:'DejaVu Sans Mono',monospace;font-size:.85em}\n"
    "#inputs td{word-break:break-all}pre.rules{white-space:pre-wrap;background:#f6f6f6;padding:.5em}\n"
    "figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}\n"
    "figcaption{font-size:.85em;color:#444}.where{color:#666;font-size:.85em;margin-top:0}.footnote{font-size:.85em;margin:.2em 0}\n"
    ".note{margin:.2em 0}.warn{color:#8a4b00}.failed{color:#a00;font-weight:bold}\n"
    "details{margin:.5em 0}summary{cursor:pointer;color:#333}\n"
    "details.section>summary{list-style-position:outside}details.section>summary h2{display:inline}\n"
    "nav#contents ol{margin:.3em 0;padding-left:1.5em}nav#contents li{margin:.1em 0}\n"
    "#run td:first-child{white-space:nowrap;color:#444}\n"
    /* print to PDF: the full width, no link colours, nothing split across pages */
    "@media print{body{max-width:none;margin:0;font-size:10pt}a{color:inherit;text-decoration:none}\n"
    "summary{list-style:none}summary::-webkit-details-marker{display:none}\n"
    "h2{break-after:avoid}table,figure,tr{break-inside:avoid}\n"
    "section.estimate{break-before:page}nav#contents{break-after:page}}\n";

#define DETAIL_ROWS 500

/* A failed estimate: each error where it was reported, under --sweep with
 * the run that failed (the others' results follow). */
static void failed_html(const results *r, const est_result *e, FILE *out)
{
    if (!e->nerrors) {
        fputs("<p class=\"failed\">This estimate failed.</p>\n", out);
        return;
    }
    for (size_t k = 0; k < e->nerrors; k++) {
        const est_error *x = &e->errors[k];
        char label[512], where[1024];
        results_run_label(r, x->run, label, sizeof label);
        fputs("<p class=\"failed\">Failed", out);
        if (*label) {
            fputs(" [", out);
            html(out, label);
            fputc(']', out);
        }
        fputs(": ", out);
        if (x->file) {
            snprintf(where, sizeof where, "%s:%d:%d: ", x->file, x->line, x->col);
            html(out, where);
        }
        html(out, x->message);
        fputs("</p>\n", out);
    }
}

static void page_table(const results *r, const cohort_table *t, const char *file, FILE *out)
{
    char buf[512];
    size_t nrows = t->nrows;
    char *title = t->title && *t->title ? results_show(r, t->title) : NULL;
    if (t->detail) {
        fputs("<details><summary>", out);
        html(out, title ? title : t->id);
        fprintf(out, " (%zu rows)</summary>\n", t->nrows);
        if (nrows > DETAIL_ROWS) nrows = DETAIL_ROWS;
    } else if (title) {
        fputs("<h3>", out);
        html(out, title);
        fputs("</h3>\n", out);
    }
    free(title);
    fputs("<table>\n<thead><tr>", out);
    for (size_t c = 0; c < t->ncols; c++) {
        results_col_header(r, &t->cols[c], buf, sizeof buf);
        fputs("<th>", out);
        html(out, buf);
        fputs("</th>", out);
    }
    fputs("</tr></thead>\n<tbody>\n", out);
    for (size_t row = 0; row < nrows; row++) {
        fputs("<tr>", out);
        for (size_t c = 0; c < t->ncols; c++) {
            results_cell_text(r, t, row, c, buf, sizeof buf);
            /* leading spaces indent (the levels under their variable in Table 1) */
            size_t lead = 0;
            while (t->cols[c].kind == COHORT_COL_TEXT && buf[lead] == ' ') lead++;
            if (t->cols[c].kind != COHORT_COL_TEXT) fputs("<td class=\"n\">", out);
            else if (lead) fprintf(out, "<td style=\"padding-left:%.1fem\">", 0.5 * (double)lead);
            else fputs("<td>", out);
            html(out, buf + lead);
            fputs("</td>", out);
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table>\n", out);
    for (size_t f = 0; f < t->nfootnotes; f++) {
        fputs("<p class=\"footnote\">", out);
        html(out, t->footnotes[f]);
        fputs("</p>\n", out);
    }
    fputs("<p class=\"where\">", out);
    if (nrows < t->nrows) fprintf(out, "The first %zu of %zu rows; all of them in ", nrows, t->nrows);
    else fputs("Also as ", out);
    fprintf(out, "<a href=\"%s.csv\">%s.csv</a> and <a href=\"%s.json\">%s.json</a>.</p>\n", file, file, file, file);
    if (t->detail) fputs("</details>\n", out);
}

static void page_figure(const char *title, const char *name, const char *svg, size_t svglen, FILE *out)
{
    fprintf(out, "<figure id=\"fig-%s\"><img class=\"figure\" alt=\"", name);
    html(out, title);
    fputs("\" src=\"data:image/svg+xml;base64,", out);
    base64(out, (const unsigned char *)svg, svglen);
    fputs("\">\n<figcaption>", out);
    html(out, title);
    fprintf(out, " &mdash; <a href=\"%s.svg\">SVG</a>, <a href=\"%s.png\">PNG</a>, <a href=\"%s.pdf\">PDF</a>",
            name, name, name);
    fputs("</figcaption></figure>\n", out);
}

/* The rules as parsed, escaped, in a section that folds away (closed):
 * the study's file first, then each file it imports, named. */
static void page_rules(const results *r, FILE *out)
{
    fputs("<section id=\"rules\">\n<details class=\"section\"><summary><h2>Rules</h2></summary>\n", out);
    int first = 1;
    for (size_t i = 0; i < r->ninputs; i++) {
        const run_input *in = &r->inputs[i];
        if (strcmp(in->kind, "rules") || !in->text) continue;
        wrap(out, "<h3><code>", in->path, "</code>");
        fputs(first ? " (the study)</h3>\n" : " (imported)</h3>\n", out);
        wrap(out, "<pre class=\"rules\">", in->text, "</pre>\n");
        first = 0;
    }
    fputs("</details>\n</section>\n", out);
}

/* The table of contents: the fixed sections and one line per estimate. */
static void page_contents(const results *r, FILE *out)
{
    fputs("<nav id=\"contents\">\n<h2>Contents</h2>\n<ol>\n<li><a href=\"#run\">Run</a></li>\n"
          "<li><a href=\"#inputs\">Inputs</a></li>\n<li><a href=\"#rules\">Rules</a></li>\n"
          "<li><a href=\"#attrition\">Attrition</a></li>\n",
          out);
    for (size_t i = 0; i < r->nests; i++) {
        fprintf(out, "<li><a href=\"#estimate-%zu\">", i + 1);
        wrap(out, "<code>", r->ests[i].source, "</code></a>");
        if (r->ests[i].failed) fputs(" (failed)", out);
        fputs("</li>\n", out);
    }
    fputs("<li><a href=\"#warnings\">Warnings</a></li>\n</ol>\n</nav>\n", out);
}

/* The run: when, by which command line, with which parameter values (and
 * a sweep's values, one row per run), as results.json's "run". */
static void page_run(const results *r, FILE *out)
{
    wrap(out, "<section id=\"run\">\n<h2>Run</h2>\n<table>\n<tbody>\n<tr><td>run date</td><td>",
         r->run_date ? r->run_date : "-", "</td></tr>\n<tr><td>command line</td><td><code>cohort");
    for (size_t i = 0; i < r->ncommand; i++) {
        fputc(' ', out);
        html(out, r->command[i]);
    }
    wrap(out, "</code></td></tr>\n<tr><td>cohort version</td><td>", r->version ? r->version : PACKAGE_VERSION,
         "</td></tr>\n</tbody></table>\n");
    if (r->nparams) {
        fputs("<h3>Parameters</h3>\n<table>\n<thead><tr><th>param</th><th>value</th></tr></thead>\n<tbody>\n",
              out);
        for (size_t i = 0; i < r->nparams; i++) {
            wrap(out, "<tr><td><code>", r->params[i].key, "</code></td>");
            wrap(out, "<td>", r->params[i].value, "</td></tr>\n");
        }
        fputs("</tbody></table>\n", out);
    } else if (!r->nsweep_params) {
        fputs("<p>The rules declare no parameters.</p>\n", out);
    }
    if (r->nsweep_params && r->nsweep_runs) {
        fputs("<h3>Sweep</h3>\n<table>\n<thead><tr><th>run</th>", out);
        for (size_t j = 0; j < r->nsweep_params; j++) wrap(out, "<th><code>", r->sweep_params[j], "</code></th>");
        fputs("</tr></thead>\n<tbody>\n", out);
        for (size_t k = 0; k < r->nsweep_runs; k++) {
            fprintf(out, "<tr><td class=\"n\">%zu</td>", k + 1);
            for (size_t j = 0; j < r->nsweep_params; j++)
                wrap(out, "<td>", r->sweep_values[k * r->nsweep_params + j], "</td>");
            fputs("</tr>\n", out);
        }
        fputs("</tbody></table>\n", out);
    }
    fputs("</section>\n", out);
}

static void page_head(const results *r, FILE *out)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", out);
    fputs("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
          "style-src 'unsafe-inline'\">\n",
          out);
    fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", out);
    html(out, r->title && *r->title ? r->title : "cohort report");
    fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
    fputs("<header>\n<h1>", out);
    html(out, r->title && *r->title ? r->title : "Study");
    if (r->nanalyses) {
        fputs("</h1>\n<p>Report written by cohort " PACKAGE_VERSION ". Analyses: ", out);
        for (size_t k = 0; k < r->nanalyses; k++) {
            if (k) fputs(", ", out);
            html(out, r->anames[k]);
            fputs(" (unit: ", out);
            html(out, r->aunits[k]);
            fputs(")", out);
        }
    } else {
        fputs("</h1>\n<p>Report written by cohort " PACKAGE_VERSION ". Unit of analysis: ", out);
        html(out, r->unit);
    }
    fputs("; times in ", out);
    html(out, r->time_unit);
    fputs(".", out);
    if (r->min_cell > 1)
        fprintf(out, " Small cells: every count from 1 to %d, and every percentage resting on one, is "
                     "shown as &lt;%d; curve steps pool at least %d events.",
                r->min_cell - 1, r->min_cell, r->min_cell);
    fputs("</p>\n</header>\n", out);
    page_contents(r, out);
    page_run(r, out);
    fputs("<section id=\"inputs\">\n<h2>Inputs</h2>\n<table>\n<thead><tr><th>input</th><th>file</th>"
          "<th>SHA-256</th></tr></thead>\n<tbody>\n",
          out);
    for (size_t i = 0; i < r->ninputs; i++) {
        fputs("<tr><td>", out);
        html(out, r->inputs[i].kind);
        fputs("</td><td><code>", out);
        html(out, r->inputs[i].path);
        fputs("</code></td><td class=\"hash\">", out);
        html(out, r->inputs[i].sha256 ? r->inputs[i].sha256 : "(could not be read)");
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody></table>\n</section>\n", out);
    page_rules(r, out);
}

static void page_attrition(const results *r, const char *svg, size_t svglen, FILE *out)
{
    char b[32], x[32], u[32], a[32];
    fputs("<section id=\"attrition\">\n<h2>Attrition</h2>\n", out);
    page_figure("Attrition", "attrition", svg, svglen, out);
    /* one table per analysis; the tables above the unit (patients...) as columns */
    for (size_t lo = 0, hi; lo < r->nattr; lo = hi) {
        int an = r->attr[lo].analysis;
        for (hi = lo + 1; hi < r->nattr && r->attr[hi].analysis == an; hi++) {}
        if (lo) fputs("</tbody></table>\n", out);
        if (an > 0) {
            fputs("<h3>Analysis ", out);
            html(out, r->anames[an - 1]);
            fputs(" (unit: ", out);
            html(out, r->aunits[an - 1]);
            fputs(")</h3>\n", out);
        }
        fputs("<table>\n<thead><tr><th>step</th><th>before</th><th>excluded</th><th>unknown</th><th>after</th>", out);
        for (int k = 0; k < r->attr[lo].nlev; k++) {
            fputs("<th>", out);
            html(out, r->attr[lo].levname[k]);
            fputs("</th>", out);
        }
        fputs("</tr></thead>\n<tbody>\n", out);
        for (size_t i = lo; i < hi; i++) {
            const attrition_row *ar = &r->attr[i];
            results_attr_text(r, ar, ATTR_BEFORE, b, sizeof b);
            results_attr_text(r, ar, ATTR_EXCLUDED, x, sizeof x);
            results_attr_text(r, ar, ATTR_UNKNOWN, u, sizeof u);
            results_attr_text(r, ar, ATTR_AFTER, a, sizeof a);
            fputs("<tr><td>", out);
            html(out, ar->label);
            fputs("</td>", out);
            const char *v[4] = {b, x, u, a};
            for (int k = 0; k < 4 + ar->nlev; k++) {
                char lv[32];
                if (k >= 4) results_count_text(r, (double)ar->lev[k - 4], lv, sizeof lv);
                fputs("<td class=\"n\">", out);
                html(out, k < 4 ? v[k] : lv);
                fputs("</td>", out);
            }
            fputs("</tr>\n", out);
        }
    }
    if (!r->nattr) fputs("<table><tbody>\n", out);
    fputs("</tbody></table>\n<p class=\"where\">Also as <a href=\"attrition.csv\">attrition.csv</a>.</p>\n"
          "</section>\n",
          out);
}

/* ---- putting it together ----------------------------------------------------------------- */

int report_write(const results *r, const render_opts *ro, const char *dir, char *err, size_t errsize)
{
    render_opts o = *ro;
    o.min_cell = r->min_cell;
    char *page = NULL, *svg = NULL;
    size_t pagelen = 0, svglen = 0;
    FILE *out = open_memstream(&page, &pagelen);
    if (!out) {
        snprintf(err, errsize, "out of memory writing the report");
        return -1;
    }
    int rc = -1;
    page_head(r, out);
    fig_job flow = {NULL, r, &o, RENDER_SVG, 0, NULL, 0};
    if (figure_files(dir, "attrition", &flow, &svg, &svglen, err, errsize)) goto done;
    page_attrition(r, svg, svglen, out);
    free(svg);
    svg = NULL;
    for (size_t i = 0; i < r->nests; i++) {
        const est_result *e = &r->ests[i];
        char base[256], name[600];
        results_est_stem(r, i, base, sizeof base);
        fprintf(out, "<section class=\"estimate\" id=\"estimate-%zu\">\n<details class=\"section\" open>"
                     "<summary><h2><code>", i + 1);
        html(out, e->source);
        fputs("</code></h2></summary>\n<p class=\"where\">", out);
        html(out, e->where);
        if (e->analysis > 0) {
            fputs(", analysis ", out);
            html(out, r->anames[e->analysis - 1]);
        }
        fputs("</p>\n", out);
        if (e->failed) failed_html(r, e, out);
        for (size_t t = 0; t < e->ntables; t++) {
            /* the names results_write_dir uses for the CSV and JSON files */
            snprintf(name, sizeof name, "%s-%s", base, e->tables[t]->id);
            page_table(r, e->tables[t], name, out);
        }
        for (size_t g = 0; g < e->nfigures; g++) {
            char id[256];
            safe_name(e->figures[g]->id, id, sizeof id);
            snprintf(name, sizeof name, "%s-%s", base, id);
            /* a figure id used twice in one estimate (a --sweep) gets a number */
            size_t same = 0;
            for (size_t k = 0; k < g; k++) same += strcmp(e->figures[k]->id, e->figures[g]->id) == 0;
            if (same) {
                size_t len = strlen(name);
                snprintf(name + len, sizeof name - len, "-%zu", same + 1);
            }
            /* the drawn part of the axis, as render.c will draw it */
            double ticks[64], horizon = NAN;
            size_t nt = render_time_ticks(e->figures[g], &o, ticks, 64);
            if (nt) horizon = render_time_end(e->figures[g], &o);
            cohort_figure *pf = figure_protect(e->figures[g], o.min_cell, horizon, o.min_at_risk);
            if (!pf) {
                snprintf(err, errsize, "out of memory drawing figure %s", name);
                goto done;
            }
            fig_job job = {pf, r, &o, RENDER_SVG, 0, ticks, nt};
            int bad = figure_files(dir, name, &job, &svg, &svglen, err, errsize);
            if (!bad) page_figure(pf->title && *pf->title ? pf->title : pf->id, name, svg, svglen, out);
            figure_free(pf);
            free(svg);
            svg = NULL;
            if (bad) goto done;
        }
        for (size_t k = 0; k < e->nnotes; k++) {
            fputs("<p class=\"note\">", out);
            html(out, e->notes[k]);
            fputs("</p>\n", out);
        }
        if (e->nwarnings) {
            fputs("<ul>\n", out);
            for (size_t k = 0; k < e->nwarnings; k++) {
                fputs("<li class=\"warn\">warning: ", out);
                html(out, e->warnings[k]);
                fputs("</li>\n", out);
            }
            fputs("</ul>\n", out);
        }
        fputs("</details>\n</section>\n", out);
    }
    fputs("<section id=\"warnings\">\n<h2>Warnings</h2>\n", out);
    if (r->nwarnings == 0) fputs("<p>None.</p>\n", out);
    else {
        fputs("<ul>\n", out);
        for (size_t k = 0; k < r->nwarnings; k++) {
            fputs("<li class=\"warn\">", out);
            html(out, r->warnings[k]);
            fputs("</li>\n", out);
        }
        fputs("</ul>\n", out);
    }
    fputs("</section>\n</body>\n</html>\n", out);
    rc = 0;
done:
    free(svg);
    if (fclose(out) != 0 && rc == 0) {
        snprintf(err, errsize, "out of memory writing the report");
        rc = -1;
    }
    if (rc == 0) {
        bytes b = {page, pagelen};
        rc = results_write_atomic(dir, "report.html", w_buffer, &b, err, errsize);
    }
    free(page);
    return rc;
}
