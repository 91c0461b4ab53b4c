/* docx.c: the run's tables as a Word document (Office Open XML,
 * ECMA-376): the three parts a word processor needs -- [Content_Types].xml,
 * _rels/.rels and word/document.xml -- in a zip archive of stored
 * (uncompressed) entries with a fixed date, so that the same results give
 * the same bytes.  Each table the text report prints comes with its title,
 * a header row repeated on each page, its cells as the report shows them
 * (labels, small-cell marks, levels indented) and its footnotes; the page
 * is A4 landscape. */
#include "config.h"
#include "docx.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- XML text ---------------------------------------------------------------- */

static void xml_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out); break;
        }
    }
}

/* A paragraph of one run: ppr and rpr are the paragraph's and the run's
 * properties (XML, may be empty). */
static void para(FILE *out, const char *ppr, const char *rpr, const char *text)
{
    fprintf(out, "<w:p><w:pPr>%s</w:pPr><w:r><w:rPr>%s</w:rPr><w:t xml:space=\"preserve\">", ppr, rpr);
    xml_text(out, text);
    fputs("</w:t></w:r></w:p>", out);
}

#define CELL_RPR "<w:sz w:val=\"18\"/>"   /* 9 points */
#define SPACING "<w:spacing w:before=\"0\" w:after=\"0\"/>"

/* One cell: text as the report shows it; leading spaces become an indent
 * (the levels under their variable in Table 1). */
static void put_cell(FILE *out, const char *text, int right, int header)
{
    size_t lead = 0;
    while (text[lead] == ' ') lead++;
    fputs("<w:tc>", out);
    if (header) fputs("<w:tcPr><w:tcBorders><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" "
                      "w:color=\"000000\"/></w:tcBorders></w:tcPr>", out);
    char ppr[128];
    snprintf(ppr, sizeof ppr, SPACING "%s", right ? "<w:jc w:val=\"right\"/>" : "");
    if (lead) snprintf(ppr + strlen(ppr), sizeof ppr - strlen(ppr), "<w:ind w:left=\"%zu\"/>", 60 * lead);
    para(out, ppr, header ? "<w:b/>" CELL_RPR : CELL_RPR, text + lead);
    fputs("</w:tc>", out);
}

static void table(const results *r, const cohort_table *t, FILE *out)
{
    char buf[512];
    char *title = t->title && *t->title ? results_show(r, t->title) : NULL;
    para(out, "<w:keepNext/><w:spacing w:before=\"240\" w:after=\"60\"/>", "<w:b/>",
         title ? title : t->id);
    free(title);
    fputs("<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/><w:tblBorders>"
          "<w:top w:val=\"single\" w:sz=\"8\" w:space=\"0\" w:color=\"000000\"/>"
          "<w:bottom w:val=\"single\" w:sz=\"8\" w:space=\"0\" w:color=\"000000\"/>"
          "</w:tblBorders><w:tblLayout w:type=\"autofit\"/><w:tblCellMar>"
          "<w:left w:w=\"80\" w:type=\"dxa\"/><w:right w:w=\"80\" w:type=\"dxa\"/>"
          "</w:tblCellMar></w:tblPr><w:tblGrid>", out);
    /* column widths from the longest text, as the text report aligns them */
    for (size_t c = 0; c < t->ncols; c++) {
        results_col_header(r, &t->cols[c], buf, sizeof buf);
        size_t w = strlen(buf);
        for (size_t row = 0; row < t->nrows; row++) {
            results_cell_text(r, t, row, c, buf, sizeof buf);
            if (strlen(buf) > w) w = strlen(buf);
        }
        fprintf(out, "<w:gridCol w:w=\"%zu\"/>", 100 * (w < 60 ? w : 60) + 200);
    }
    fputs("</w:tblGrid><w:tr><w:trPr><w:tblHeader/></w:trPr>", out);
    for (size_t c = 0; c < t->ncols; c++) {
        results_col_header(r, &t->cols[c], buf, sizeof buf);
        put_cell(out, buf, c > 0, 1);
    }
    fputs("</w:tr>", out);
    for (size_t row = 0; row < t->nrows; row++) {
        fputs("<w:tr><w:trPr><w:cantSplit/></w:trPr>", out);
        for (size_t c = 0; c < t->ncols; c++) {
            results_cell_text(r, t, row, c, buf, sizeof buf);
            put_cell(out, buf, t->cols[c].kind != COHORT_COL_TEXT, 0);
        }
        fputs("</w:tr>", out);
    }
    fputs("</w:tbl>", out);
    for (size_t f = 0; f < t->nfootnotes; f++) para(out, SPACING, CELL_RPR, t->footnotes[f]);
}

static void document(const results *r, FILE *out)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
          "<w:body>", out);
    para(out, "", "<w:b/><w:sz w:val=\"28\"/>", r->title ? r->title : "");
    for (size_t i = 0; i < r->nests; i++)
        for (size_t t = 0; t < r->ests[i].ntables; t++)
            if (!r->ests[i].tables[t]->detail) table(r, r->ests[i].tables[t], out);
    fputs("<w:sectPr><w:pgSz w:w=\"16838\" w:h=\"11906\" w:orient=\"landscape\"/>"
          "<w:pgMar w:top=\"1134\" w:right=\"1134\" w:bottom=\"1134\" w:left=\"1134\" w:header=\"567\" "
          "w:footer=\"567\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>", out);
}

static const char content_types[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" "
    "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "</Types>";

static const char package_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
    "Target=\"word/document.xml\"/></Relationships>";

/* ---- zip (stored entries) ---------------------------------------------------- */

/* CRC-32 (ISO 3309, as zip uses: reflected polynomial 0xEDB88320). */
static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

static void le16(FILE *out, unsigned v)
{
    fputc((int)(v & 0xFF), out);
    fputc((int)((v >> 8) & 0xFF), out);
}

static void le32(FILE *out, uint32_t v)
{
    le16(out, v & 0xFFFF);
    le16(out, v >> 16);
}

typedef struct zip_entry {
    const char *name;
    const char *data;
    size_t size;
    uint32_t crc, offset;
} zip_entry;

#define ZIP_DATE 0x0021   /* 1980-01-01, the first date zip can say */

/* The fields local and central headers share, from "version needed" on. */
static void zip_common(FILE *out, const zip_entry *e)
{
    le16(out, 20);            /* version needed: 2.0 */
    le16(out, 0);             /* flags */
    le16(out, 0);             /* method: stored */
    le16(out, 0);             /* time 00:00 */
    le16(out, ZIP_DATE);
    le32(out, e->crc);
    le32(out, (uint32_t)e->size);
    le32(out, (uint32_t)e->size);
    le16(out, (unsigned)strlen(e->name));
    le16(out, 0);             /* extra field length */
}

static void zip_write(FILE *out, zip_entry *e, size_t n)
{
    uint32_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        e[i].crc = crc32_of((const unsigned char *)e[i].data, e[i].size);
        e[i].offset = pos;
        le32(out, 0x04034b50u);
        zip_common(out, &e[i]);
        fputs(e[i].name, out);
        fwrite(e[i].data, 1, e[i].size, out);
        pos += (uint32_t)(30 + strlen(e[i].name) + e[i].size);
    }
    uint32_t cd = pos;
    for (size_t i = 0; i < n; i++) {
        le32(out, 0x02014b50u);
        le16(out, 20);        /* version made by: 2.0, MS-DOS attributes */
        zip_common(out, &e[i]);
        le16(out, 0);         /* comment length */
        le16(out, 0);         /* disk */
        le16(out, 0);         /* internal attributes */
        le32(out, 0);         /* external attributes */
        le32(out, e[i].offset);
        fputs(e[i].name, out);
        pos += (uint32_t)(46 + strlen(e[i].name));
    }
    le32(out, 0x06054b50u);
    le16(out, 0);
    le16(out, 0);
    le16(out, (unsigned)n);
    le16(out, (unsigned)n);
    le32(out, pos - cd);
    le32(out, cd);
    le16(out, 0);             /* comment length */
}

void docx_tables(const results *r, FILE *out)
{
    char *doc = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&doc, &len);
    if (!m) return;
    document(r, m);
    if (fclose(m) != 0 || !doc) {
        free(doc);
        return;
    }
    zip_entry e[] = {
        {"[Content_Types].xml", content_types, sizeof content_types - 1, 0, 0},
        {"_rels/.rels", package_rels, sizeof package_rels - 1, 0, 0},
        {"word/document.xml", doc, len, 0, 0},
    };
    zip_write(out, e, sizeof e / sizeof e[0]);
    free(doc);
}
