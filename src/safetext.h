/* safetext.h: text that comes from data or rules, shown without harm.  On
 * a terminal (diagnostics, text tables) a control character or an escape
 * sequence must not act, and in JSON every string must be valid UTF-8. */
#ifndef COHORT_SAFETEXT_H
#define COHORT_SAFETEXT_H
#include <stddef.h>
#include <stdio.h>

/* One character of s (n bytes left, n >= 1) for a terminal: its display
 * form goes into out as a C string and the number of bytes of s it stands
 * for is returned (at least 1).  Valid UTF-8 is kept; each byte of a
 * control character (U+0000-U+001F except tab, U+007F, and the C1 controls
 * U+0080-U+009F) and each byte that is not part of valid UTF-8 is shown as
 * \xHH (ESC as \x1b); a tab is kept when keep_tab is set. */
size_t safetext_char(const char *s, size_t n, int keep_tab, char out[16]);

/* The display width of safetext_char's form of the character: 1 for a kept
 * character (a tab counts 1), the length of its \xHH escapes otherwise. */
size_t safetext_width(const char *form);

/* s for a terminal (tabs escaped too) into buf, cut to fit; returns buf. */
const char *safetext(const char *s, char *buf, size_t size);

/* s as a JSON string with its quotes: " and \ escaped, newline and tab as
 * \n and \t, the other controls (U+0000-U+001F, U+007F, U+0080-U+009F) as
 * \u00XX, and each byte that is not part of valid UTF-8 as \ufffd (the
 * replacement character), so the document is valid JSON whatever the
 * data's bytes. */
void safetext_json(FILE *out, const char *s);
#endif
