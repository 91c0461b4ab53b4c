/* labels.c: the labels of names and levels (`label` statements): their
 * checks, the order of the levels, and the text people read in place of
 * the names and levels the plugins write. */
#include "textbuf.h"
#include "labels.h"
#include "ast.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static label_entry *find(const labelset *ls, const char *name)
{
    for (size_t i = 0; ls && i < ls->n; i++)
        if (strcmp(ls->e[i].name, name) == 0) return &ls->e[i];
    return NULL;
}

static const label_level *find_level(const label_entry *e, const char *level)
{
    for (size_t k = 0; e && k < e->nlevels; k++)
        if (strcmp(e->levels[k].level, level) == 0) return &e->levels[k];
    return NULL;
}

/* A level literal as the plugins write the level ("true", "12", "low"). */
static void level_text(const expr *c, char *buf, size_t size)
{
    if (c->kind == E_BOOL) snprintf(buf, size, "%s", c->ival ? "true" : "false");
    else if (c->kind == E_INT) snprintf(buf, size, "%lld", (long long)c->ival);
    else snprintf(buf, size, "%s", c->sval ? c->sval : "");
}

static const char *type_word(int type)
{
    switch (type) {
    case TY_BOOL: return "a boolean";
    case TY_INT: return "an integer";
    case TY_TEXT: return "a text";
    case TY_REAL: return "a number";
    case TY_DATE: return "a date";
    case TY_DURATION: return "a duration";
    case TY_ENDPOINT: return "an endpoint";
    default: return "a value without levels";
    }
}

static int literal_type(const expr *c)
{
    return c->kind == E_BOOL ? TY_BOOL : c->kind == E_INT ? TY_INT : TY_TEXT;
}

/* A level literal must have the type of the name. */
static int level_ok(const char *name, int type, const expr *c, diag *dg)
{
    if (literal_type(c) == type) return 1;
    char lv[256];
    level_text(c, lv, sizeof lv);
    diag_at(dg, DIAG_ERROR, c->loc, "level %s%s%s is %s, but %s is %s", c->kind == E_TEXT ? "\"" : "", lv,
            c->kind == E_TEXT ? "\"" : "", type_word(literal_type(c)), name, type_word(type));
    return 0;
}

static void entry_free(label_entry *e)
{
    free(e->name);
    free(e->text);
    for (size_t k = 0; k < e->nlevels; k++) {
        free(e->levels[k].level);
        free(e->levels[k].text);
    }
    free(e->levels);
}

static int push_level(label_entry *e, const char *level, const char *text)
{
    label_level *p = realloc(e->levels, (e->nlevels + 1) * sizeof *p);
    if (!p) return -1;
    e->levels = p;
    p[e->nlevels].level = strdup(level);
    p[e->nlevels].text = dup_or_null(text);
    if (!p[e->nlevels].level || (text && !p[e->nlevels].text)) {
        free(p[e->nlevels].level);
        free(p[e->nlevels].text);
        return -1;
    }
    e->nlevels++;
    return 0;
}

/* The name of a label statement as written: "tdxd" or "patient.her2". */
static void stmt_name(const stmt *s, char *buf, size_t size)
{
    const expr *v = s->value;
    if (v->kind == E_FIELD && v->a) snprintf(buf, size, "%s.%s", v->a->name, v->name);
    else snprintf(buf, size, "%s", v->name);
}

int labels_add(labelset **lsp, const stmt *s, int type, diag *dg)
{
    char name[256];
    stmt_name(s, name, sizeof name);
    int errors = 0;
    label_entry *old = find(*lsp, name);
    if (old) {
        diag_at(dg, DIAG_ERROR, s->value->loc, "%s is already labelled at line %d", name, old->where.line);
        return 1;
    }
    int has_levels = type == TY_BOOL || type == TY_INT || type == TY_TEXT;
    const expr *lv = s->levels, *ref = s->reference;
    if ((lv || ref) && !has_levels) {
        diag_at(dg, DIAG_ERROR, (lv ? lv : ref)->loc, "%s is %s: it has no levels to label or order", name,
                type_word(type));
        return 1;
    }
    label_entry e = {0};
    e.where = s->loc;
    e.name = strdup(name);
    e.text = s->label_text ? strdup(s->label_text->sval) : NULL;
    if (!e.name || (s->label_text && !e.text)) goto nomem;
    char buf[256];
    if (ref) {
        if (!level_ok(name, type, ref, dg)) errors++;
        level_text(ref, buf, sizeof buf);
        /* the reference's own text, when the levels give one, is added below */
        if (!errors && push_level(&e, buf, NULL)) goto nomem;
        e.has_reference = !errors;
    }
    int ref_listed = 0;
    for (size_t k = 0; lv && k + 1 < lv->nitems; k += 2) {
        const expr *c = lv->items[k], *t = lv->items[k + 1];
        if (!level_ok(name, type, c, dg)) { errors++; continue; }
        level_text(c, buf, sizeof buf);
        const char *text = t->kind == E_TEXT ? t->sval : NULL;
        for (size_t j = 0; j < k; j += 2) {
            char prev[256];
            level_text(lv->items[j], prev, sizeof prev);
            if (literal_type(lv->items[j]) == type && strcmp(prev, buf) == 0) {
                const char *q = c->kind == E_TEXT ? "\"" : "";
                diag_at(dg, DIAG_ERROR, c->loc, "level %s%s%s of %s is already listed at column %d", q, buf, q,
                        name, lv->items[j]->loc.col);
                errors++;
                text = NULL;
                break;
            }
        }
        if (errors) continue;
        if (e.has_reference && strcmp(e.levels[0].level, buf) == 0) {
            ref_listed = 1;
            if (text && !(e.levels[0].text = strdup(text))) goto nomem;
            continue;
        }
        if (push_level(&e, buf, text)) goto nomem;
    }
    if (e.has_reference && lv && !ref_listed) {
        const char *q = ref->kind == E_TEXT ? "\"" : "";
        diag_at(dg, DIAG_ERROR, ref->loc, "the reference %s%s%s of %s is not among the levels listed", q,
                e.levels[0].level, q, name);
        errors++;
    }
    if (errors) {
        entry_free(&e);
        return errors;
    }
    labelset *ls = *lsp ? *lsp : calloc(1, sizeof *ls);
    if (!ls) goto nomem;
    *lsp = ls;
    label_entry *p = realloc(ls->e, (ls->n + 1) * sizeof *p);
    if (!p) goto nomem;
    ls->e = p;
    ls->e[ls->n++] = e;
    return 0;
nomem:
    entry_free(&e);
    diag_at(dg, DIAG_ERROR, s->loc, "out of memory");
    return errors + 1;
}

labelset *labels_copy(const labelset *ls)
{
    if (!ls) return NULL;
    labelset *c = calloc(1, sizeof *c);
    if (!c || !(c->e = calloc(ls->n + 1, sizeof *c->e))) { free(c); return NULL; }
    for (size_t i = 0; i < ls->n; i++) {
        const label_entry *s = &ls->e[i];
        label_entry *d = &c->e[c->n++];
        d->where = s->where;
        d->has_reference = s->has_reference;
        d->name = strdup(s->name);
        d->text = dup_or_null(s->text);
        if (!d->name || (s->text && !d->text)) { labels_free(c); return NULL; }
        for (size_t k = 0; k < s->nlevels; k++)
            if (push_level(d, s->levels[k].level, s->levels[k].text)) { labels_free(c); return NULL; }
    }
    return c;
}

void labels_free(labelset *ls)
{
    if (!ls) return;
    for (size_t i = 0; i < ls->n; i++) entry_free(&ls->e[i]);
    free(ls->e);
    free(ls);
}

int labels_has(const labelset *ls, const char *name)
{
    return name && find(ls, name) != NULL;
}

const char *labels_name(const labelset *ls, const char *name)
{
    const label_entry *e = name ? find(ls, name) : NULL;
    return e ? e->text : NULL;
}

const char *labels_level(const labelset *ls, const char *name, const char *level)
{
    const label_level *l = name && level ? find_level(find(ls, name), level) : NULL;
    return l ? l->text : NULL;
}

int labels_rank(const labelset *ls, const char *name, const char *level)
{
    const label_entry *e = name && level ? find(ls, name) : NULL;
    const label_level *l = find_level(e, level);
    return l ? (int)(l - e->levels) : -1;
}

const char *labels_reference(const labelset *ls, const char *name)
{
    const label_entry *e = name ? find(ls, name) : NULL;
    return e && e->nlevels ? e->levels[0].level : NULL;
}

/* ---- text as people read it ---------------------------------------------------- */


static int word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '.';
}

/* The listed level of e that `s` starts with, as a whole word (the
 * longest); NULL when none. */
static const label_level *level_at(const label_entry *e, const char *s)
{
    const label_level *best = NULL;
    size_t blen = 0;
    for (size_t k = 0; k < e->nlevels; k++) {
        size_t len = strlen(e->levels[k].level);
        if (len > blen && strncmp(s, e->levels[k].level, len) == 0 &&
            !(word_char(s[len]) && word_char(s[len - 1]))) {
            best = &e->levels[k];
            blen = len;
        }
    }
    return best;
}

/* The level's text in a model term "(A vs B)": its label, or itself. */
static void put_level(textbuf *b, const label_entry *e, const char *s, size_t len)
{
    for (size_t k = 0; k < e->nlevels; k++)
        if (e->levels[k].text && strlen(e->levels[k].level) == len && strncmp(e->levels[k].level, s, len) == 0) {
            tb_add(b, e->levels[k].text);
            return;
        }
    tb_put(b, s, len);
}

/* Is text[i] preceded by the word `w` and one space ("by NAME")? */
static int after_word(const char *text, size_t i, const char *w)
{
    size_t len = strlen(w);
    return i >= len + 1 && text[i - 1] == ' ' && strncmp(text + i - len - 1, w, len) == 0 &&
           (i == len + 1 || !word_char(text[i - len - 2]));
}

char *labels_show(const labelset *ls, const char *text)
{
    textbuf b = {0};
    tb_add(&b, "");
    size_t i = 0, n = strlen(text);
    while (i < n) {
        if ((i > 0 && word_char(text[i - 1])) || !(isalpha((unsigned char)text[i]) || text[i] == '_')) {
            tb_put(&b, text + i++, 1);
            continue;
        }
        size_t w = i;
        while (w < n && word_char(text[w])) w++;
        while (w > i + 1 && text[w - 1] == '.') w--;   /* a full stop ends the sentence, not the name */
        char name[256];
        size_t len = w - i < sizeof name - 1 ? w - i : sizeof name - 1;
        memcpy(name, text + i, len);
        name[len] = 0;
        const label_entry *e = find(ls, name);
        const char *rest = text + w, *shown = e && e->text ? e->text : name;
        if (!e) {
            tb_put(&b, text + i, w - i);
        } else if (strncmp(rest, " = ", 3) == 0) {
            const label_level *l = level_at(e, rest + 3);
            if (l && l->text) {
                tb_add(&b, l->text);
                w += 3 + strlen(l->level);
            } else {
                tb_add(&b, shown);
                tb_add(&b, " = ");
                w += 3;
            }
        } else if (rest[0] == ' ' && rest[1] == '(' && strstr(rest, " vs ") && strchr(rest, ')') &&
                   strstr(rest, " vs ") < strchr(rest, ')')) {
            const char *a = rest + 2, *vs = strstr(rest, " vs "), *end = strchr(rest, ')');
            tb_add(&b, shown);
            tb_add(&b, " (");
            put_level(&b, e, a, (size_t)(vs - a));
            tb_add(&b, " vs ");
            put_level(&b, e, vs + 4, (size_t)(end - vs - 4));
            tb_add(&b, ")");
            w = (size_t)(end + 1 - text);
        } else if ((i == 0 && w == n) || after_word(text, i, "by") || after_word(text, i, "of") ||
                   after_word(text, i, "for")) {
            tb_add(&b, shown);
        } else {
            tb_put(&b, text + i, w - i);
        }
        i = w;
    }
    if (b.oom) { free(b.s); return NULL; }
    return b.s;
}

/* ---- a model's coefficient names ----------------------------------------------- */

/* Does `name` (n bytes) occur in the formula's right-hand side as a variable
 * (a word, or `a backquoted name`, not followed by "(")? */
static int formula_names(const char *formula, const char *name, size_t n)
{
    const char *p = strchr(formula, '~');
    for (p = p ? p + 1 : formula; *p;) {
        if (*p == '`') {
            const char *e = strchr(p + 1, '`');
            if (!e) return 0;
            if ((size_t)(e - p - 1) == n && !strncmp(p + 1, name, n)) return 1;
            p = e + 1;
        } else if (isalpha((unsigned char)*p) || *p == '_') {
            const char *e = p;
            while (word_char(*e)) e++;
            const char *after = e;
            while (*after == ' ') after++;
            if ((size_t)(e - p) == n && !strncmp(p, name, n) && *after != '(') return 1;
            p = e;
        } else if (*p == '"') {
            const char *e = strchr(p + 1, '"');   /* a text: a reference level */
            p = e ? e + 1 : p + strlen(p);
        } else {
            p++;
        }
    }
    return 0;
}

/* The longest variable of the formula that `part` (n bytes) starts with:
 * its length, or 0. */
static size_t term_variable(const char *formula, const char *part, size_t n)
{
    for (size_t len = n; len > 0; len--)
        if (formula_names(formula, part, len)) return len;
    return 0;
}

/* The labelled variable that term part p (n bytes) starts with: its entry,
 * the variable's length in *v; NULL when none. */
static const label_entry *term_label(const labelset *ls, const char *formula, const char *p, size_t n,
                                     size_t *v)
{
    char name[256];
    *v = term_variable(formula, p, n);
    if (!*v || *v >= sizeof name) return NULL;
    memcpy(name, p, *v);
    name[*v] = 0;
    return find(ls, name);
}

char *labels_term(const labelset *ls, const char *formula, const char *text)
{
    if (!ls || !formula || !text) return NULL;
    int labelled = 0;
    for (const char *p = text; *p && !labelled;) {
        size_t n = strcspn(p, ":"), v;
        labelled = term_label(ls, formula, p, n, &v) != NULL;
        p += n + (p[n] == ':');
    }
    if (!labelled) return NULL;
    textbuf b = {0};
    tb_add(&b, "");
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, ":"), v;
        const label_entry *e = term_label(ls, formula, p, n, &v);
        if (p != text) tb_add(&b, " \xc3\x97 ");   /* U+00D7, the multiplication sign */
        if (!e) {
            tb_put(&b, p, n);
        } else {
            tb_add(&b, e->text ? e->text : e->name);
            if (v < n) {
                tb_add(&b, ": ");
                put_level(&b, e, p + v, n - v);
            }
        }
        p += n + (p[n] == ':');
    }
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
