/* test_data.c: unit tests of the string pool, the CSV tokenizer and the
 * columnar loader (types, missing values, diagnostics, keys, links and
 * ancestor grouping).  Edge-case CSVs are written to a temporary directory;
 * the small linked cohort lives in tests/unit/data/. */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "colmem.h"
#include "csv.h"
#include "data.h"
#include "date.h"
#include "cellvec.h"
#include "outfile.h"
#include "strpool.h"
#include "textbuf.h"
#include "valparse.h"
#include "../fuzz/csv_agree.h"
#include "../fuzz/load_agree.h"

/* ---- helpers ----------------------------------------------------------- */

enum { MAXREC = 64, MAXFILES = 24 };

/* One recorded diagnostic. */
typedef struct rec {
    diag_level level;
    char file[512];
    int line, col, len;
    char msg[1024];
    char src[1024];         /* the source line, "" when none */
} rec;

typedef struct capture {
    rec r[MAXREC];
    int n;
} capture;

static void capture_fn(void *ud, const diagnostic *d)
{
    capture *c = ud;
    if (c->n >= MAXREC) return;
    rec *r = &c->r[c->n++];
    r->level = d->level;
    snprintf(r->file, sizeof r->file, "%s", d->file ? d->file : "");
    r->line = d->line;
    r->col = d->col;
    r->len = d->len;
    snprintf(r->msg, sizeof r->msg, "%s", d->msg);
    snprintf(r->src, sizeof r->src, "%.*s", d->srcline ? (int)d->srclen : 0,
             d->srcline ? d->srcline : "");
}

/* A temporary directory of CSV files, removed by fx_close. */
typedef struct fixture {
    char dir[256];
    char path[MAXFILES][512];
    int n;
} fixture;

static int fx_open(fixture *f)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/cohort-data-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    f->n = 0;
    return mkdtemp(f->dir) ? 0 : -1;
}

static const char *fx_write(fixture *f, const char *name, const char *text, size_t len)
{
    if (f->n >= MAXFILES) return NULL;
    char *p = f->path[f->n++];
    size_t n = strlen(f->dir);
    memcpy(p, f->dir, n);
    snprintf(p + n, 512 - n, "/%s", name);
    FILE *fp = fopen(p, "wb");
    if (!fp) return NULL;
    fwrite(text, 1, len, fp);
    fclose(fp);
    return p;
}

static const char *fx_file(fixture *f, const char *name, const char *text)
{
    return fx_write(f, name, text, strlen(text));
}

static void fx_close(fixture *f)
{
    for (int i = 0; i < f->n; i++) unlink(f->path[i]);
    rmdir(f->dir);
}

/* The test hook's parts (and slices) of `bytes` bytes (rows), or none (NULL). */
static void part_bytes(const char *bytes)
{
    if (bytes) setenv("COHORT_CSV_PART_BYTES", bytes, 1);
    else unsetenv("COHORT_CSV_PART_BYTES");
}

/* Load one table from `path`; diagnostics into cap. */
static cohort_data *load1(const table_spec *sp, size_t n, const load_opts *o, strpool *pool,
                          capture *cap)
{
    diag dg;
    cap->n = 0;
    diag_init(&dg, capture_fn, cap);
    return data_load(sp, n, o, pool, &dg);
}

static const column *col_named(const cohort_data *d, int t, const char *name)
{
    int j = data_column_index(&d->tables[t], name);
    return j < 0 ? NULL : &d->tables[t].cols[j];
}

static int32_t ymd(int y, int m, int dd)
{
    return date_from_ymd(y, m, dd);
}

/* ---- strpool ----------------------------------------------------------- */

static void test_pool_basic(void)
{
    strpool *p = strpool_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    const char buf[] = "positivelow";
    const char *a = strpool_intern(p, buf, 8);
    const char *b = strpool_intern(p, "positive", 8);
    const char *c = strpool_intern(p, buf + 8, 3);
    const char *e = strpool_intern(p, "", 0);
    CU_ASSERT_PTR_EQUAL(a, b);
    CU_ASSERT_STRING_EQUAL(a, "positive");
    CU_ASSERT_STRING_EQUAL(c, "low");
    CU_ASSERT_PTR_NOT_EQUAL(a, c);
    CU_ASSERT_STRING_EQUAL(e, "");
    CU_ASSERT_PTR_EQUAL(e, strpool_intern(p, "x", 0));
    CU_ASSERT_EQUAL(strpool_count(p), 3);
    /* a prefix is a different string */
    CU_ASSERT_PTR_NOT_EQUAL(strpool_intern(p, "pos", 3), a);
    strpool_free(p);
}

static void test_pool_many(void)
{
    strpool *p = strpool_new();
    enum { N = 50000 };
    const char **ptr = malloc(N * sizeof *ptr);
    char key[64];
    for (int i = 0; i < N; i++) {
        int n = snprintf(key, sizeof key, "value-%d-%s", i, i % 7 ? "x" : "a longer tail text");
        ptr[i] = strpool_intern(p, key, (size_t)n);
    }
    CU_ASSERT_EQUAL(strpool_count(p), N);
    int bad = 0;
    for (int i = 0; i < N; i++) {
        int n = snprintf(key, sizeof key, "value-%d-%s", i, i % 7 ? "x" : "a longer tail text");
        if (strpool_intern(p, key, (size_t)n) != ptr[i] || strcmp(ptr[i], key) != 0) bad++;
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(strpool_count(p), N);
    /* long strings get their own blocks and stay put */
    size_t big = 100000;
    char *s = malloc(big);
    memset(s, 'q', big);
    const char *l1 = strpool_intern(p, s, big);
    const char *l2 = strpool_intern(p, s, big - 1);
    CU_ASSERT_PTR_NOT_EQUAL(l1, l2);
    CU_ASSERT_PTR_EQUAL(strpool_intern(p, s, big), l1);
    CU_ASSERT_EQUAL(strlen(l1), big);
    CU_ASSERT_EQUAL(strlen(l2), big - 1);
    CU_ASSERT_PTR_EQUAL(strpool_intern(p, "value-3-x", 9), ptr[3]);
    free(s);
    free(ptr);
    strpool_free(p);
}

/* Ids across chunks of the table by id: the table's address never moves
 * while strings are added, an id read through it before more were added
 * still gives its string, and id 0 reads NULL in a fresh pool. */
static void test_pool_ids(void)
{
    strpool *p = strpool_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    const char *const *const *strs = strpool_strings(p);
    CU_ASSERT_PTR_NULL(strpool_text(strs, 0));
    enum { N = 3 * 65536 + 17 };
    char key[32];
    uint32_t first = strpool_id(p, "first", 5);
    const char *first_s = strpool_text(strs, first);
    int bad = 0;
    for (uint32_t i = 0; i < N; i++) {
        int n = snprintf(key, sizeof key, "id-%u", i);
        uint32_t id = strpool_id(p, key, (size_t)n);
        if (id != i + 2 || strcmp(strpool_text(strs, id), key) != 0) bad++;
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_PTR_EQUAL(strpool_strings(p), strs);
    CU_ASSERT_PTR_EQUAL(strpool_text(strs, first), first_s);
    CU_ASSERT_STRING_EQUAL(strpool_text(strs, first), "first");
    /* the ids at each chunk's edges */
    CU_ASSERT_STRING_EQUAL(strpool_text(strs, 65535), "id-65533");
    CU_ASSERT_STRING_EQUAL(strpool_text(strs, 65536), "id-65534");
    CU_ASSERT_STRING_EQUAL(strpool_text(strs, 131072), "id-131070");
    CU_ASSERT_EQUAL(strpool_id(p, "id-65534", 8), 65536);
    strpool_free(p);
}

/* ---- value parsing ------------------------------------------------------ */

static void test_parse_values(void)
{
    int64_t i;
    double x;
    uint8_t b;
    CU_ASSERT_EQUAL(vp_int("42", 2, &i), 1);
    CU_ASSERT_EQUAL(i, 42);
    CU_ASSERT_EQUAL(vp_int("-7", 2, &i), 1);
    CU_ASSERT_EQUAL(i, -7);
    CU_ASSERT_EQUAL(vp_int("007", 3, &i), 1);
    CU_ASSERT_EQUAL(i, 7);
    CU_ASSERT_EQUAL(vp_int("9223372036854775807", 19, &i), 1);
    CU_ASSERT_EQUAL(i, INT64_MAX);
    CU_ASSERT_EQUAL(vp_int("-9223372036854775808", 20, &i), 1);
    CU_ASSERT_EQUAL(i, INT64_MIN);
    CU_ASSERT_EQUAL(vp_int("9223372036854775808", 19, &i), 2);
    CU_ASSERT_EQUAL(vp_int("123456789012345678901", 21, &i), 2);
    CU_ASSERT_EQUAL(vp_int("-", 1, &i), 0);
    CU_ASSERT_EQUAL(vp_int("+5", 2, &i), 0);
    CU_ASSERT_EQUAL(vp_int("1.0", 3, &i), 0);
    CU_ASSERT_EQUAL(vp_int("", 0, &i), 0);

    /* vp_int_padded agrees with vp_int on every text, whatever follows it:
     * every integer of up to 8 digits at a stride, with and without a
     * sign and leading zeros, and random texts of bytes near the digits
     * followed by random bytes */
    char buf[64];
    int64_t ia, ib;
    int bad = 0;
    for (int64_t v = 0; v < 100000000; v += v < 100000 ? 1 : 997) {
        for (int form = 0; form < 3; form++) {
            int n = snprintf(buf, sizeof buf, form == 0 ? "%lld" : form == 1 ? "-%lld" : "00%lld",
                             (long long)v);
            memset(buf + n, form == 2 ? '7' : ',', 16);
            int ka = vp_int(buf, (size_t)n, &ia), kb = vp_int_padded(buf, (size_t)n, &ib);
            if (ka != kb || (ka == 1 && ia != ib) || vp_int_padded(buf, (size_t)n, NULL) != kb) bad++;
        }
    }
    static const char alpha[] = "0123456789-+./:\x00\xff\x20\x2f\x3a\x3f\x40\xb0\xb9";
    uint64_t seed = 12345;
    for (int k = 0; k < 2000000; k++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        size_t n = (size_t)(seed >> 59) % 22;
        for (size_t j = 0; j < 40; j++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            buf[j] = j < n ? alpha[(seed >> 40) % (sizeof alpha - 1)] : (char)(seed >> 33);
        }
        int ka = vp_int(buf, n, &ia), kb = vp_int_padded(buf, n, &ib);
        if (ka != kb || (ka == 1 && ia != ib)) bad++;
        /* given no place for the value: the same answers */
        if (vp_int(buf, n, NULL) != ka || vp_int_padded(buf, n, NULL) != kb) bad++;
    }
    /* the edges: 8 digits, a sign and 8 digits, "-0", a lone sign, 9 digits */
    static const char *const edge[] = {"99999999", "-99999999", "-00000001", "-0", "-", "1a",
                                       "123456789", "--1", "0"};
    for (size_t k = 0; k < sizeof edge / sizeof *edge; k++) {
        size_t n = strlen(edge[k]);
        memset(buf, 'x', sizeof buf);
        memcpy(buf, edge[k], n);
        int ka = vp_int(buf, n, &ia), kb = vp_int_padded(buf, n, &ib);
        if (ka != kb || (ka == 1 && ia != ib)) bad++;
        /* given no place for the value: the same answers */
        if (vp_int(buf, n, NULL) != ka || vp_int_padded(buf, n, NULL) != kb) bad++;
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(vp_int_padded("-99999999,xxxxxxxx", 9, &i), 1);
    CU_ASSERT_EQUAL(i, -99999999);

    CU_ASSERT_EQUAL(vp_real("1e-3", 4, &x), 1);
    CU_ASSERT_EQUAL(x, 1e-3);
    CU_ASSERT_EQUAL(vp_real("-.5", 3, &x), 1);
    CU_ASSERT_EQUAL(x, -0.5);
    CU_ASSERT_EQUAL(vp_real("5.", 2, &x), 1);
    CU_ASSERT_EQUAL(x, 5.0);
    CU_ASSERT_EQUAL(vp_real("+2.5E+2", 7, &x), 1);
    CU_ASSERT_EQUAL(x, 250.0);
    CU_ASSERT_EQUAL(vp_real("-0.0", 4, &x), 1);
    CU_ASSERT(x == 0 && signbit(x));
    CU_ASSERT_EQUAL(vp_real("inf", 3, &x), 0);
    CU_ASSERT_EQUAL(vp_real("nan", 3, &x), 0);
    CU_ASSERT_EQUAL(vp_real("0x10", 4, &x), 0);
    CU_ASSERT_EQUAL(vp_real("1e999", 5, &x), 0);
    CU_ASSERT_EQUAL(vp_real(".", 1, &x), 0);
    CU_ASSERT_EQUAL(vp_real("1e", 2, &x), 0);
    CU_ASSERT_EQUAL(vp_real("1.2.3", 5, &x), 0);
    CU_ASSERT_EQUAL(vp_real(" 1", 2, &x), 0);
    /* given no place for the value: the same answers (an overflow still
     * rejected, an underflow still taken) */
    CU_ASSERT_EQUAL(vp_real("1e999", 5, NULL), 0);
    CU_ASSERT_EQUAL(vp_real("-1e999", 6, NULL), 0);
    CU_ASSERT_EQUAL(vp_real("1e-999", 6, NULL), 1);
    CU_ASSERT_EQUAL(vp_real("0x10", 4, NULL), 0);
    CU_ASSERT_EQUAL(vp_real("1.2.3", 5, NULL), 0);
    CU_ASSERT_EQUAL(vp_real("-0.0", 4, NULL), 1);
    CU_ASSERT_EQUAL(vp_real("2.5e+10", 7, NULL), 1);

    CU_ASSERT_EQUAL(vp_bool("TRUE", 4, &b), 1);
    CU_ASSERT_EQUAL(b, 1);
    CU_ASSERT_EQUAL(vp_bool("False", 5, &b), 1);
    CU_ASSERT_EQUAL(b, 0);
    CU_ASSERT_EQUAL(vp_bool("yes", 3, &b), 0);
    CU_ASSERT_EQUAL(vp_bool("1", 1, &b), 0);
}

/* The fast path and the strtod fallback agree with strtod bit for bit. */
static void test_parse_reals_exact(void)
{
    uint64_t s = 12345;
    char buf[64];
    int bad = 0;
    for (int k = 0; k < 200000; k++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        int nd = 1 + (int)(s >> 60);            /* 1..16 digits */
        int point = (int)((s >> 40) % (uint64_t)(nd + 1));
        int n = 0;
        if (s & 1) buf[n++] = '-';
        uint64_t t = s;
        for (int i = 0; i < nd; i++) {
            if (i == point && i > 0) buf[n++] = '.';
            t = t * 6364136223846793005ull + 1;
            buf[n++] = (char)('0' + (t >> 59) % 10);
        }
        if ((s >> 8) % 4 == 0) n += snprintf(buf + n, sizeof buf - (size_t)n, "e%d", (int)((s >> 20) % 61) - 30);
        buf[n] = 0;
        double x = 0, y = strtod(buf, NULL);
        if (vp_real(buf, (size_t)n, &x) != 1 || memcmp(&x, &y, sizeof x) != 0) bad++;
        if (vp_real(buf, (size_t)n, NULL) != 1) bad++;   /* no place for the value: the same answer */
    }
    CU_ASSERT_EQUAL(bad, 0);
    /* hard cases: many digits, halfway cases, subnormals */
    static const char *const hard[] = {"9007199254740993", "0.1", "2.2250738585072011e-308",
                                       "4.9e-324", "1.7976931348623157e308",
                                       "123456789012345678901234567890", "0.30000000000000004",
                                       "7.2057594037927933e16"};
    for (size_t k = 0; k < sizeof hard / sizeof *hard; k++) {
        double x = 0, y = strtod(hard[k], NULL);
        CU_ASSERT_EQUAL(vp_real(hard[k], strlen(hard[k]), &x), 1);
        CU_ASSERT_EQUAL(vp_real(hard[k], strlen(hard[k]), NULL), 1);
        CU_ASSERT_EQUAL(memcmp(&x, &y, sizeof x), 0);
    }
}

/* vp_real_padded against vp_real (itself checked against strtod above),
 * bit for bit, on 4 million texts of 1-11 bytes drawn mostly from digits,
 * '.' and '-' (the fast path's shapes and their near misses: two dots, a
 * lone '.' or '-', a '-' inside) with some '+', 'e', ' ', '/', ':' and
 * bytes of 0x80 and up, followed by 8 bytes of any kind; and against
 * strtod on every text d.d to dddd.ddd of one digit pattern per length. */
static void test_parse_reals_padded(void)
{
    static const char pick[] = "0123456789012345678901234567890123456789..--+e /:\x80\xff\x8a\x0a";
    uint64_t st = 2024;
    char buf[32];
    int bad = 0, fast = 0;
    for (int k = 0; k < 4000000; k++) {
        st = st * 6364136223846793005ull + 1442695040888963407ull;
        int n = 1 + (int)((st >> 59) % 11);
        uint64_t r = st;
        for (int i = 0; i < n + 8; i++) {
            r = r * 6364136223846793005ull + 1;
            buf[i] = i < n ? pick[(r >> 40) % (sizeof pick - 1)] : (char)(r >> 48);
        }
        double a = 1234.5, b = 1234.5;
        int ra = vp_real_padded(buf, (size_t)n, &a), rb = vp_real(buf, (size_t)n, &b);
        if (ra != rb || memcmp(&a, &b, sizeof a) != 0 || vp_real_padded(buf, (size_t)n, NULL) != rb) bad++;
        fast += rb;
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(fast > 400000);   /* many texts are numbers, not only misses */
    bad = 0;
    for (int nd = 2; nd <= 8; nd++)
        for (int point = 0; point <= nd; point++)
            for (int sign = 0; sign < 2; sign++) {
                int n = 0;
                if (sign) buf[n++] = '-';
                for (int i = 0; i < nd; i++) {
                    if (i == point) buf[n++] = '.';
                    buf[n++] = (char)('0' + (i * 7 + nd + point) % 10);
                }
                if (point == nd) buf[n++] = '.';
                buf[n] = 0;
                double a, y = strtod(buf, NULL);
                memcpy(buf + n, ",9999999", 9);     /* what follows: the pad */
                if (vp_real_padded(buf, (size_t)n, &a) != 1 || memcmp(&a, &y, sizeof a) != 0) bad++;
            }
    CU_ASSERT_EQUAL(bad, 0);
}

/* session 11's vp_bool, byte by byte: the reference for the word-wide one. */
static int vp_bool_bytes(const char *p, size_t len, uint8_t *out)
{
    if (len == 4 && (p[0] | 0x20) == 't' && (p[1] | 0x20) == 'r' && (p[2] | 0x20) == 'u' &&
        (p[3] | 0x20) == 'e') {
        *out = 1;
        return 1;
    }
    if (len == 5 && (p[0] | 0x20) == 'f' && (p[1] | 0x20) == 'a' && (p[2] | 0x20) == 'l' &&
        (p[3] | 0x20) == 's' && (p[4] | 0x20) == 'e') {
        *out = 0;
        return 1;
    }
    return 0;
}

/* vp_bool against vp_bool_bytes on texts of 0-6 bytes: every letter of
 * "true"/"false" in both cases and its neighbours (XOR 0x20 of the others:
 * '4', 'R', 0x05...), at random, 2 million times. */
static void test_parse_bools(void)
{
    uint64_t st = 7;
    int bad = 0, yes = 0;
    for (int k = 0; k < 2000000; k++) {
        st = st * 6364136223846793005ull + 1442695040888963407ull;
        const char *base = (st >> 63) ? "false!" : "true!!";
        size_t len = (size_t)((st >> 40) % 7);
        char s[8];
        uint64_t r = st;
        for (int i = 0; i < 8; i++) {
            r = r * 6364136223846793005ull + 1;
            unsigned c = (unsigned char)base[i < 6 ? i : 5], how = (unsigned)(r >> 60);
            s[i] = (char)(how < 6 ? c : how < 10 ? c ^ 0x20 : how < 12 ? c ^ 0x40 : how < 14 ? c ^ 0x60 : (r >> 40));
        }
        uint8_t a = 9, b = 9;
        int ra = vp_bool(s, len, &a), rb = vp_bool_bytes(s, len, &b);
        if (ra != rb || a != b) bad++;
        yes += rb;
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(yes > 20000);
}

/* ---- csv tokenizer ------------------------------------------------------ */

/* Expected field: text, line, column. */
typedef struct xf {
    const char *text;
    long line;
    int col;
} xf;

static const char tricky_csv[] =
    "\xEF\xBB\xBF" "id,note,val\r\n"
    "1,\"a, b\",x\r\n"
    "2,\"say \"\"hi\"\"\",\r\n"
    "3,\"two\nlines\",\"\"\r\n"
    "\r\n"
    "4,,\"q\"\"\"\r\n"
    "5,lone\rcr,end";

static const xf tricky_fields[][3] = {
    {{"id", 1, 1}, {"note", 1, 4}, {"val", 1, 9}},
    {{"1", 2, 1}, {"a, b", 2, 3}, {"x", 2, 10}},
    {{"2", 3, 1}, {"say \"hi\"", 3, 3}, {"", 3, 16}},
    {{"3", 4, 1}, {"two\nlines", 4, 3}, {"", 5, 8}},
    {{"4", 7, 1}, {"", 7, 3}, {"q\"", 7, 4}},
    {{"5", 8, 1}, {"lone\rcr", 8, 3}, {"end", 8, 11}},
};

static void check_tricky(const char *path, size_t bufsize, int *bad)
{
    csv_reader *r = csv_open(path, bufsize);
    if (!r) {
        (*bad)++;
        return;
    }
    size_t nrec = sizeof tricky_fields / sizeof *tricky_fields;
    for (size_t k = 0; k < nrec; k++) {
        if (csv_next(r) != 1 || csv_nfields(r) != 3) {
            (*bad)++;
            break;
        }
        const csv_field *f = csv_fields(r);
        for (int j = 0; j < 3; j++) {
            const xf *x = &tricky_fields[k][j];
            size_t ll;
            int col;
            csv_line_of(r, f[j].raw, &ll, &col);
            if (f[j].len != strlen(x->text) || memcmp(f[j].p, x->text, f[j].len) != 0 ||
                f[j].line != x->line || col != x->col)
                (*bad)++;
        }
    }
    if (csv_next(r) != 0) (*bad)++;
    if (csv_bytes_read(r) != sizeof tricky_csv - 1) (*bad)++;
    csv_close(r);
}

static void test_csv_tricky(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *p = fx_write(&fx, "t.csv", tricky_csv, sizeof tricky_csv - 1);
    int bad = 0;
    check_tricky(p, 0, &bad);
    CU_ASSERT_EQUAL(bad, 0);
    /* every buffer size: records cut anywhere by the end of the buffer */
    for (size_t bs = 1; bs <= 80; bs++) check_tricky(p, bs, &bad);
    CU_ASSERT_EQUAL(bad, 0);
    fx_close(&fx);
}

static void test_csv_lines(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *p = fx_file(&fx, "l.csv", "a,b\n\"x\ny\",zz\n\n\n7,8\n");
    csv_reader *r = csv_open(p, 0);
    CU_ASSERT_FATAL(r != NULL);
    CU_ASSERT_EQUAL(csv_next(r), 1);
    CU_ASSERT_EQUAL(csv_next(r), 1);
    CU_ASSERT_EQUAL(csv_record_line(r), 2);
    const csv_field *f = csv_fields(r);
    size_t len;
    int col;
    /* the line of a field that starts on the second line of its record */
    const char *l = csv_line_of(r, f[1].raw, &len, &col);
    CU_ASSERT_EQUAL(len, 5);
    CU_ASSERT_NSTRING_EQUAL(l, "y\",zz", 5);
    CU_ASSERT_EQUAL(col, 4);
    CU_ASSERT_EQUAL(f[1].line, 3);
    CU_ASSERT_EQUAL(f[1].rawlen, 2);
    l = csv_line_of(r, f[0].raw, &len, &col);
    CU_ASSERT_EQUAL(len, 2);
    CU_ASSERT_NSTRING_EQUAL(l, "\"x", 2);
    CU_ASSERT_EQUAL(col, 1);
    CU_ASSERT_EQUAL(f[0].rawlen, 5);
    /* blank lines are skipped, line numbers keep counting */
    CU_ASSERT_EQUAL(csv_next(r), 1);
    CU_ASSERT_EQUAL(csv_record_line(r), 6);
    CU_ASSERT_EQUAL(csv_next(r), 0);
    CU_ASSERT_EQUAL(csv_next(r), 0);
    csv_close(r);
    fx_close(&fx);
}

static void test_csv_errors(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *p = fx_file(&fx, "u.csv", "a,b\n1,\"open\nmore\n");
    csv_reader *r = csv_open(p, 7);
    CU_ASSERT_FATAL(r != NULL);
    CU_ASSERT_EQUAL(csv_next(r), 1);
    CU_ASSERT_EQUAL(csv_next(r), -1);
    long line;
    int col;
    const char *src;
    size_t n;
    CU_ASSERT_STRING_EQUAL(csv_error(r, &line, &col, &src, &n), "unterminated quoted field");
    CU_ASSERT_EQUAL(line, 2);
    CU_ASSERT_EQUAL(col, 3);
    CU_ASSERT_EQUAL(n, 7);
    CU_ASSERT_NSTRING_EQUAL(src, "1,\"open", 7);
    csv_close(r);

    p = fx_file(&fx, "j.csv", "a,b\n\"x\"y,2\n");
    r = csv_open(p, 0);
    CU_ASSERT_FATAL(r != NULL);
    CU_ASSERT_EQUAL(csv_next(r), 1);
    CU_ASSERT_EQUAL(csv_next(r), -1);
    CU_ASSERT_STRING_EQUAL(csv_error(r, &line, &col, &src, &n),
                           "unexpected character after a closing quote");
    CU_ASSERT_EQUAL(line, 2);
    CU_ASSERT_EQUAL(col, 4);
    csv_close(r);
    CU_ASSERT_PTR_NULL(csv_open("/nonexistent/dir/x.csv", 0));
    fx_close(&fx);
}

/* ---- loading: types ----------------------------------------------------- */

static void test_infer_types(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *p = fx_file(&fx, "types.csv",
                            "i,r,b,d,t,none,i2r,i2t,d2t,b2t,big,neg\n"
                            "1,1.5,true,2020-01-31,a,,1,1,2020-01-01,TRUE,1,-3\n"
                            "-2,1e-3,FALSE,NA,b,NA,2,2,NA,false,99999999999999999999,-0.5\n"
                            ",,,,,,2.5,x,later,no,3,\n"
                            "NA,7,True,2024-02-29,\"a\",,NA,007,2020-01-02,,4,2\n");
    table_spec sp = {.name = "t", .path = p};
    strpool *pool = strpool_new();
    capture cap;
    cohort_data *d = load1(&sp, 1, NULL, pool, &cap);
    CU_ASSERT_EQUAL_FATAL(cap.n, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const table *t = &d->tables[0];
    CU_ASSERT_EQUAL(t->nrows, 4);
    CU_ASSERT_EQUAL(t->ncols, 12);
    CU_ASSERT_EQUAL(d->bytes_read, strlen(
        "i,r,b,d,t,none,i2r,i2t,d2t,b2t,big,neg\n"
        "1,1.5,true,2020-01-31,a,,1,1,2020-01-01,TRUE,1,-3\n"
        "-2,1e-3,FALSE,NA,b,NA,2,2,NA,false,99999999999999999999,-0.5\n"
        ",,,,,,2.5,x,later,no,3,\n"
        "NA,7,True,2024-02-29,\"a\",,NA,007,2020-01-02,,4,2\n"));
    const column *c = col_named(d, 0, "i");
    CU_ASSERT_EQUAL(c->type, CT_INT);
    CU_ASSERT_EQUAL(c->declared, 0);
    CU_ASSERT_EQUAL(c->n, 4);
    CU_ASSERT(col_int(c, 0) == 1 && col_int(c, 1) == -2 && !col_missing(c, 0) && !col_missing(c, 1) && col_missing(c, 2) && col_missing(c, 3));
    c = col_named(d, 0, "r");
    CU_ASSERT_EQUAL(c->type, CT_REAL);
    CU_ASSERT(c->r[0] == 1.5 && c->r[1] == 1e-3 && col_missing(c, 2) && c->r[3] == 7.0);
    c = col_named(d, 0, "b");
    CU_ASSERT_EQUAL(c->type, CT_BOOL);
    CU_ASSERT(c->b[0] == 1 && c->b[1] == 0 && col_missing(c, 2) && c->b[3] == 1);
    c = col_named(d, 0, "d");
    CU_ASSERT_EQUAL(c->type, CT_DATE);
    CU_ASSERT(c->d[0] == ymd(2020, 1, 31) && col_missing(c, 1) && col_missing(c, 2) && c->d[3] == ymd(2024, 2, 29));
    c = col_named(d, 0, "t");
    CU_ASSERT_EQUAL(c->type, CT_TEXT);
    CU_ASSERT_STRING_EQUAL(col_text(c, 0), "a");
    CU_ASSERT_STRING_EQUAL(col_text(c, 1), "b");
    CU_ASSERT(col_missing(c, 2) && col_text(c, 2) == NULL);
    CU_ASSERT_PTR_EQUAL(col_text(c, 3), col_text(c, 0));      /* interned: same pointer */
    CU_ASSERT_PTR_EQUAL(col_text(c, 0), strpool_intern(pool, "a", 1));
    c = col_named(d, 0, "none");                /* never a value: text, all missing */
    CU_ASSERT_EQUAL(c->type, CT_TEXT);
    CU_ASSERT(col_missing(c, 0) && col_missing(c, 1) && col_missing(c, 2) && col_missing(c, 3));
    c = col_named(d, 0, "i2r");                 /* integers promoted to real */
    CU_ASSERT_EQUAL(c->type, CT_REAL);
    CU_ASSERT_PTR_NULL(c->i);
    CU_ASSERT_PTR_NULL(c->i32);
    CU_ASSERT(c->r[0] == 1.0 && c->r[1] == 2.0 && c->r[2] == 2.5 && col_missing(c, 3));
    c = col_named(d, 0, "i2t");                 /* integers, then text: earlier rows re-read */
    CU_ASSERT_EQUAL(c->type, CT_TEXT);
    CU_ASSERT_STRING_EQUAL(col_text(c, 0), "1");
    CU_ASSERT_STRING_EQUAL(col_text(c, 1), "2");
    CU_ASSERT_STRING_EQUAL(col_text(c, 2), "x");
    CU_ASSERT_STRING_EQUAL(col_text(c, 3), "007");
    c = col_named(d, 0, "d2t");
    CU_ASSERT_EQUAL(c->type, CT_TEXT);
    CU_ASSERT_STRING_EQUAL(col_text(c, 0), "2020-01-01");
    CU_ASSERT(col_missing(c, 1) && col_text(c, 1) == NULL);
    CU_ASSERT_STRING_EQUAL(col_text(c, 2), "later");
    CU_ASSERT_STRING_EQUAL(col_text(c, 3), "2020-01-02");
    c = col_named(d, 0, "b2t");
    CU_ASSERT_EQUAL(c->type, CT_TEXT);
    CU_ASSERT_STRING_EQUAL(col_text(c, 0), "TRUE");
    CU_ASSERT_STRING_EQUAL(col_text(c, 1), "false");
    CU_ASSERT_STRING_EQUAL(col_text(c, 2), "no");
    CU_ASSERT(col_missing(c, 3));
    c = col_named(d, 0, "big");                 /* beyond int64: real */
    CU_ASSERT_EQUAL(c->type, CT_REAL);
    CU_ASSERT(c->r[1] == 1e20 && c->r[3] == 4.0);
    c = col_named(d, 0, "neg");
    CU_ASSERT_EQUAL(c->type, CT_REAL);
    CU_ASSERT(c->r[0] == -3.0 && c->r[1] == -0.5 && col_missing(c, 2) && c->r[3] == 2.0);
    CU_ASSERT_EQUAL(t->order, 3);               /* the first date column */
    CU_ASSERT_EQUAL(t->key, -1);
    CU_ASSERT_EQUAL(t->parent, -1);
    CU_ASSERT_EQUAL(data_table_index(d, "t"), 0);
    CU_ASSERT_EQUAL(data_table_index(d, "u"), -1);
    CU_ASSERT_EQUAL(data_column_index(t, "nope"), -1);
    data_free(d);
    strpool_free(pool);
    fx_close(&fx);
}

/* Text that is not a number: inf, nan, hex, spaces. */
static void test_infer_not_numbers(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *p = fx_file(&fx, "n.csv", "a,b,c,e\ninf,1,0x10,1\n2,nan,3, 4\n");
    table_spec sp = {.name = "n", .path = p};
    strpool *pool = strpool_new();
    capture cap;
    cohort_data *d = load1(&sp, 1, NULL, pool, &cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(col_named(d, 0, "a")->type, CT_TEXT);
    CU_ASSERT_STRING_EQUAL(col_text(col_named(d, 0, "a"), 1), "2");
    CU_ASSERT_EQUAL(col_named(d, 0, "b")->type, CT_TEXT);
    CU_ASSERT_EQUAL(col_named(d, 0, "c")->type, CT_TEXT);
    CU_ASSERT_EQUAL(col_named(d, 0, "e")->type, CT_TEXT);
    CU_ASSERT_STRING_EQUAL(col_text(col_named(d, 0, "e"), 1), " 4");
    data_free(d);
    strpool_free(pool);
    fx_close(&fx);
}

static void test_quoted_cells(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *p = fx_write(&fx, "q.csv", tricky_csv, sizeof tricky_csv - 1);
    table_spec sp = {.name = "q", .path = p};
    strpool *pool = strpool_new();
    capture cap;
    cohort_data *d = load1(&sp, 1, NULL, pool, &cap);
    CU_ASSERT_EQUAL(cap.n, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const table *t = &d->tables[0];
    CU_ASSERT_EQUAL(t->nrows, 5);
    CU_ASSERT_STRING_EQUAL(t->cols[0].name, "id");  /* the BOM is not part of the name */
    const column *c = col_named(d, 0, "note");
    CU_ASSERT_EQUAL(c->type, CT_TEXT);
    CU_ASSERT_STRING_EQUAL(col_text(c, 0), "a, b");
    CU_ASSERT_STRING_EQUAL(col_text(c, 1), "say \"hi\"");
    CU_ASSERT_STRING_EQUAL(col_text(c, 2), "two\nlines");
    CU_ASSERT(col_missing(c, 3));
    CU_ASSERT_STRING_EQUAL(col_text(c, 4), "lone\rcr");
    c = col_named(d, 0, "val");
    CU_ASSERT(!col_missing(c, 0) && col_missing(c, 1) && col_missing(c, 2));  /* "" is missing too */
    CU_ASSERT_STRING_EQUAL(col_text(c, 3), "q\"");
    CU_ASSERT_STRING_EQUAL(col_text(c, 4), "end");
    data_free(d);
    strpool_free(pool);
    fx_close(&fx);
}

static void test_declared_types(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *p = fx_file(&fx, "c.csv",
                            "course_id,code,dose_gy,ok,when\n"
                            "1,007,18,1,2020-01-01\n"
                            "2,12,21.5,false,NA\n");
    static const char *const names[] = {"code", "dose_gy", "ok", "when", "course_id"};
    static const int types[] = {CT_TEXT, CT_REAL, CT_BOOL, CT_DATE, CT_INT};
    table_spec sp = {.name = "courses", .path = p, .ndecl = 5, .decl_names = names,
                     .decl_types = types};
    strpool *pool = strpool_new();
    capture cap;
    cohort_data *d = load1(&sp, 1, NULL, pool, &cap);
    CU_ASSERT_EQUAL(cap.n, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const column *c = col_named(d, 0, "code");
    CU_ASSERT_EQUAL(c->type, CT_TEXT);
    CU_ASSERT_EQUAL(c->declared, 1);
    CU_ASSERT_STRING_EQUAL(col_text(c, 0), "007");
    CU_ASSERT_STRING_EQUAL(col_text(c, 1), "12");
    c = col_named(d, 0, "dose_gy");
    CU_ASSERT_EQUAL(c->type, CT_REAL);
    CU_ASSERT(c->r[0] == 18.0 && c->r[1] == 21.5);
    c = col_named(d, 0, "ok");
    CU_ASSERT_EQUAL(c->type, CT_BOOL);
    CU_ASSERT(c->b[0] == 1 && c->b[1] == 0);
    CU_ASSERT(col_missing(col_named(d, 0, "when"), 1));
    CU_ASSERT_EQUAL(col_named(d, 0, "course_id")->declared, 1);
    data_free(d);
    strpool_free(pool);
    fx_close(&fx);
}

static void test_declared_bad_value(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *p = fx_file(&fx, "courses.csv",
                            "course_id,technique,dose_gy\n"
                            "1,SRS,18\n"
                            "2,FSRT,\"abc\"\n"
                            "3,SRS,1.5.0\n");
    static const char *const names[] = {"dose_gy", "course_id"};
    static const int types[] = {CT_REAL, CT_INT};
    table_spec sp = {.name = "courses", .path = p, .ndecl = 2, .decl_names = names,
                     .decl_types = types};
    strpool *pool = strpool_new();
    capture cap;
    cohort_data *d = load1(&sp, 1, NULL, pool, &cap);
    CU_ASSERT_PTR_NULL(d);
    CU_ASSERT_EQUAL_FATAL(cap.n, 2);
    CU_ASSERT_EQUAL(cap.r[0].level, DIAG_ERROR);
    CU_ASSERT_STRING_EQUAL(cap.r[0].file, p);
    CU_ASSERT_EQUAL(cap.r[0].line, 3);
    CU_ASSERT_EQUAL(cap.r[0].col, 8);
    CU_ASSERT_EQUAL(cap.r[0].len, 5);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg, "column 'dose_gy' expects a real number, found 'abc'");
    CU_ASSERT_STRING_EQUAL(cap.r[0].src, "2,FSRT,\"abc\"");
    CU_ASSERT_EQUAL(cap.r[1].line, 4);
    CU_ASSERT_EQUAL(cap.r[1].col, 7);
    CU_ASSERT_EQUAL(cap.r[1].len, 5);
    CU_ASSERT_STRING_EQUAL(cap.r[1].msg, "column 'dose_gy' expects a real number, found '1.5.0'");
    strpool_free(pool);
    fx_close(&fx);
}

static void test_declared_absent(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *p = fx_file(&fx, "courses.csv", "course_id,dose_gy\n1,18\n");
    static const char *const names[] = {"dose"};
    static const int types[] = {CT_REAL};
    const char *rule = "table courses key course_id { dose: real };";
    table_spec sp = {.name = "courses", .path = p, .key = "course_id", .ndecl = 1,
                     .decl_names = names, .decl_types = types,
                     .site = {"study.rules", 4, 7, 7, rule, strlen(rule)}};
    strpool *pool = strpool_new();
    capture cap;
    CU_ASSERT_PTR_NULL(load1(&sp, 1, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 1);
    CU_ASSERT_STRING_EQUAL(cap.r[0].file, "study.rules");
    CU_ASSERT_EQUAL(cap.r[0].line, 4);
    CU_ASSERT_EQUAL(cap.r[0].col, 7);
    CU_ASSERT_STRING_EQUAL(cap.r[0].src, rule);
    char want[1024];
    snprintf(want, sizeof want,
             "column 'dose' declared for table courses is not in %s (did you mean 'dose_gy'?)", p);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg, want);

    /* a key column that is not in the file, and an unknown order column */
    table_spec sp2 = {.name = "courses", .path = p, .key = "course", .order = "start",
                      .site = {"study.rules", 4, 7, 7, rule, strlen(rule)}};
    CU_ASSERT_PTR_NULL(load1(&sp2, 1, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 1);
    snprintf(want, sizeof want,
             "key column 'course' of table courses is not in %s (did you mean 'course_id'?)", p);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg, want);
    CU_ASSERT_EQUAL(cap.r[0].line, 4);
    strpool_free(pool);
    fx_close(&fx);
}

static void test_na_strings(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *p = fx_file(&fx, "na.csv", "a,b\n1,.\nNULL,2\nNA,3\n");
    table_spec sp = {.name = "na", .path = p};
    static const char *const na[] = {".", "NULL"};
    load_opts o = {.na = na, .nna = 2};
    strpool *pool = strpool_new();
    capture cap;
    cohort_data *d = load1(&sp, 1, &o, pool, &cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const column *a = col_named(d, 0, "a"), *b = col_named(d, 0, "b");
    /* "NA" is not missing when the list does not name it */
    CU_ASSERT_EQUAL(a->type, CT_TEXT);
    CU_ASSERT_STRING_EQUAL(col_text(a, 0), "1");
    CU_ASSERT(col_missing(a, 1));
    CU_ASSERT_STRING_EQUAL(col_text(a, 2), "NA");
    CU_ASSERT_EQUAL(b->type, CT_INT);
    CU_ASSERT(col_missing(b, 0) && col_int(b, 1) == 2 && col_int(b, 2) == 3);
    data_free(d);
    strpool_free(pool);
    fx_close(&fx);
}

/* ---- loading: diagnostics ----------------------------------------------- */

static void test_ragged_rows(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *p = fx_file(&fx, "r.csv", "a,b,c\n1,2,3\n4,5\n\"x\ny\",7,8,9\n10,11,12");
    table_spec sp = {.name = "r", .path = p};
    strpool *pool = strpool_new();
    capture cap;
    CU_ASSERT_PTR_NULL(load1(&sp, 1, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 2);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg, "expected 3 fields as in the header, found 2");
    CU_ASSERT_EQUAL(cap.r[0].line, 3);
    CU_ASSERT_EQUAL(cap.r[0].col, 1);
    CU_ASSERT_EQUAL(cap.r[0].len, 3);
    CU_ASSERT_STRING_EQUAL(cap.r[0].src, "4,5");
    CU_ASSERT_STRING_EQUAL(cap.r[1].msg, "expected 3 fields as in the header, found 4");
    CU_ASSERT_EQUAL(cap.r[1].line, 4);
    CU_ASSERT_STRING_EQUAL(cap.r[1].src, "\"x");
    strpool_free(pool);
    fx_close(&fx);
}

static void test_impossible_date(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *p = fx_file(&fx, "courses.csv",
                            "course_id,start_date\r\n"
                            "1,2019-02-28\r\n"
                            "2,\"multi\nline\"\r\n"
                            "3,2019-02-30\r\n");
    table_spec sp = {.name = "courses", .path = p};
    strpool *pool = strpool_new();
    capture cap;
    CU_ASSERT_PTR_NULL(load1(&sp, 1, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 1);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg, "column 'start_date' has an impossible date '2019-02-30'");
    CU_ASSERT_EQUAL(cap.r[0].line, 5);
    CU_ASSERT_EQUAL(cap.r[0].col, 3);
    CU_ASSERT_EQUAL(cap.r[0].len, 10);
    CU_ASSERT_STRING_EQUAL(cap.r[0].src, "3,2019-02-30");

    /* also in a declared date column, and in a column of text */
    static const char *const names[] = {"d"};
    static const int types[] = {CT_DATE};
    p = fx_file(&fx, "d.csv", "d,t\n2021-04-31,a\n2020-01-01,2021-13-01\n");
    table_spec sp2 = {.name = "d", .path = p, .ndecl = 1, .decl_names = names,
                      .decl_types = types};
    CU_ASSERT_PTR_NULL(load1(&sp2, 1, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 2);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg, "column 'd' has an impossible date '2021-04-31'");
    CU_ASSERT_EQUAL(cap.r[0].line, 2);
    CU_ASSERT_EQUAL(cap.r[0].col, 1);
    CU_ASSERT_STRING_EQUAL(cap.r[1].msg, "column 't' has an impossible date '2021-13-01'");
    CU_ASSERT_EQUAL(cap.r[1].line, 3);
    CU_ASSERT_EQUAL(cap.r[1].col, 12);
    strpool_free(pool);
    fx_close(&fx);
}

/* Load "id,v" rows: `seed` in rows 1..600 (so that the cell after them
 * starts the second batch and meets the column pass with the type the
 * seeds gave), then `cell` and the id-only row 602; v read (want id, v)
 * or projected (want id).  The type of v, the diagnostics (in cap) and
 * whether the load failed. */
static int load_seeded(fixture *fx, strpool *pool, const char *seed, const char *cell, int read,
                       capture *cap, int *failed)
{
    static char text[64 << 10];
    size_t n = (size_t)snprintf(text, sizeof text, "id,p,w,v\n");
    for (int i = 1; i <= 600; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%d,1,2020-01-01,%s\n", i, seed);
    n += (size_t)snprintf(text + n, sizeof text - n, "601,1,2020-01-01,%s\n602,1,2020-01-01,\n", cell);
    const char *p = fx_write(fx, read ? "read.csv" : "skip.csv", text, n);
    const char *pp = fx_file(fx, "parent.csv", "p\n1\n");
    /* a child table ordered by its first date column (w), v before any
     * kept column but the key and the link: v is checked (choose_projection) */
    static const char *const both[] = {"id", "v"};
    table_spec sp[2] = {{.name = "pt", .path = pp, .key = "p"},
                        {.name = "t", .path = p, .key = "id", .parent = "pt", .want = both,
                         .nwant = read ? 2 : 1}};
    cohort_data *d = load1(sp, 2, NULL, pool, cap);
    *failed = d == NULL;
    int type = -1;
    if (d) {
        const column *v = col_named(d, 1, "v");
        CU_ASSERT(v->projected == !read);
        type = v->type;
        data_free(d);
    }
    fx->n -= 2;
    unlink(p);
    unlink(pp);
    return type;
}

/* A column the rules never read whose type may decide a child table's
 * order is checked, not converted (store_plain_as given skip: vp_real and
 * date_parse with no place for the value, texts not interned): it must
 * take exactly the cells the full store takes, so
 * every kind of cell after seeds of every type gives the same type and
 * the same diagnostics whether the column is read or projected. */
static void test_projected_checks(void)
{
    static const char *const seeds[] = {"7", "-12345678901", "2.5", "1e3", "2020-02-29", "true",
                                        "abc", "NA", "\"2019-01-01\"", "\"3.25\""};
    static const char *const cells[] = {
        "42", "-7", "123456789", "1234567890123", "99999999999999999999", "-", "+5", "0",
        "12345678", "-12345678", "007", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "-9223372036854775809",
        "1.5", "-0.0", ".5", "5.", "1e5", "1E-3", "2.5e+10", "1e400", "-1e400", "1e-400",
        "1234567890123456789012345.5", "0.000000000000000000000000001", "9007199254740993",
        "1e", "e5", ".", "1.2.3", "1,5", "inf", "nan", "0x10",
        "NA", "", "\"\"",
        "2019-03-01", "2019-02-30", "2020-02-29", "1900-02-29", "2000-02-29", "0000-01-01",
        "9999-12-31", "2020-13-01", "2020-00-10", "2020-01-00", "2020-1-01", "2020-05", "2020",
        "20x0-01-01", "\"2019-02-30\"", "\"2019-02-28\"",
        "true", "FALSE", "True", "1", "0", "yes",
        "abc", "\"a,b\"", "\"say \"\"hi\"\"\"", "\"multi\nline\"", "\"42\"", "\"1.5\""};
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    strpool *pool = strpool_new();
    static capture full, chk;
    int ncmp = 0;
    for (size_t s = 0; s < sizeof seeds / sizeof *seeds; s++) {
        for (size_t c = 0; c < sizeof cells / sizeof *cells; c++) {
            int fail_full, fail_chk;
            int tf = load_seeded(&fx, pool, seeds[s], cells[c], 1, &full, &fail_full);
            int tc = load_seeded(&fx, pool, seeds[s], cells[c], 0, &chk, &fail_chk);
            CU_ASSERT_EQUAL(fail_full, fail_chk);
            CU_ASSERT_EQUAL(tf, tc);
            CU_ASSERT_EQUAL(full.n, chk.n);
            if (tf != tc || full.n != chk.n)
                fprintf(stderr, "\nseed %s, cell %s: type %d/%d, %d/%d diagnostics\n", seeds[s],
                        cells[c], tf, tc, full.n, chk.n);
            for (int i = 0; i < full.n && i < chk.n; i++) {
                CU_ASSERT_STRING_EQUAL(full.r[i].msg, chk.r[i].msg);
                CU_ASSERT(full.r[i].line == chk.r[i].line && full.r[i].col == chk.r[i].col &&
                          full.r[i].len == chk.r[i].len);
            }
            ncmp++;
        }
    }
    CU_ASSERT_EQUAL(ncmp, (int)(sizeof seeds / sizeof *seeds * (sizeof cells / sizeof *cells)));
    /* the comparison sees the cases it is for: an impossible date is an
     * error, an overflowing real makes a real column text */
    int failed;
    load_seeded(&fx, pool, "2020-01-01", "2019-02-30", 0, &chk, &failed);
    CU_ASSERT(failed && chk.n == 1);
    CU_ASSERT_EQUAL(load_seeded(&fx, pool, "2.5", "1e400", 0, &chk, &failed), CT_TEXT);
    CU_ASSERT_EQUAL(load_seeded(&fx, pool, "2.5", "1e-400", 0, &chk, &failed), CT_REAL);
    CU_ASSERT_EQUAL(load_seeded(&fx, pool, "2020-01-01", "2020-02-29", 0, &chk, &failed), CT_DATE);
    CU_ASSERT_EQUAL(load_seeded(&fx, pool, "2020-01-01", "2020-05", 0, &chk, &failed), CT_TEXT);
    strpool_free(pool);
    fx_close(&fx);
}

/* Projection: with the rules' names given (want), a column no name refers
 * to is not kept, and not even checked unless its type may decide a child
 * table's default order; the key, the parent link and the
 * default order column (the first date column of a child table, read again
 * when it was projected) are kept; the link goes once it has linked the
 * rows (parent_row) unless a name refers to it; a root table's rows are
 * never ordered, so its first date column may go; a sample keeps
 * everything. */
static void test_projection(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *pp = fx_file(&fx, "p.csv", "id,born,x\n1,2000-01-01,5\n2,2001-02-03,6\n");
    const char *cp = fx_file(&fx, "c.csv", "cid,id,when,note,v\n10,1,2020-01-05,a,1.5\n"
                                           "11,1,2020-01-02,b,2\n12,2,,c,3\n");
    static const char *const want[] = {"cid", "v"};
    table_spec sp[2] = {{.name = "p", .path = pp, .key = "id", .want = want, .nwant = 2},
                        {.name = "c", .path = cp, .key = "cid", .parent = "p", .want = want, .nwant = 2}};
    strpool *pool = strpool_new();
    capture cap;
    cohort_data *d = load1(sp, 2, NULL, pool, &cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(cap.n, 0);
    const column *born = col_named(d, 0, "born"), *x = col_named(d, 0, "x");
    /* a root table's: unchecked, never converted (text, as a column with no value) */
    CU_ASSERT(born->projected && born->n == 0 && born->type == CT_TEXT && !born->sid && !born->miss);
    CU_ASSERT_EQUAL(d->tables[0].order, -1);
    CU_ASSERT(x->projected && x->type == CT_TEXT && !x->sid);
    CU_ASSERT(!col_named(d, 0, "id")->projected);
    const column *when = col_named(d, 1, "when"), *note = col_named(d, 1, "note");
    const column *v = col_named(d, 1, "v"), *id = col_named(d, 1, "id");
    CU_ASSERT(note->projected && note->type == CT_TEXT && !note->sid);
    CU_ASSERT(id->projected && id->n == 0 && id->type == CT_INT && !id->i32 && !id->miss);
    CU_ASSERT_FATAL(d->tables[1].parent_row != NULL);
    CU_ASSERT(d->tables[1].parent_row[0] == 0 && d->tables[1].parent_row[1] == 0 &&
              d->tables[1].parent_row[2] == 1);
    CU_ASSERT_FATAL(!when->projected && when->n == 3);
    CU_ASSERT_EQUAL(d->tables[1].order, data_column_index(&d->tables[1], "when"));
    CU_ASSERT_EQUAL(when->d[0], ymd(2020, 1, 5));
    CU_ASSERT_EQUAL(when->d[1], ymd(2020, 1, 2));
    CU_ASSERT(!col_missing(when, 0) && !col_missing(when, 1) && col_missing(when, 2));
    CU_ASSERT_FATAL(!v->projected && v->type == CT_REAL && v->n == 3);
    CU_ASSERT_DOUBLE_EQUAL(v->r[0], 1.5, 0);
    CU_ASSERT_DOUBLE_EQUAL(v->r[1], 2, 0);
    /* rows grouped by the parent, ordered by the re-read dates */
    const group_index *g = data_groups(d, 1, 0);
    CU_ASSERT_FATAL(g != NULL);
    CU_ASSERT(g->off[1] == 2 && group_row(g, 0) == 1 && group_row(g, 1) == 0);
    data_free(d);

    /* a root table's projected column is not checked */
    const char *qp = fx_file(&fx, "q.csv", "id,bad\n1,2019-02-30\n");
    table_spec q = {.name = "q", .path = qp, .key = "id", .want = want, .nwant = 2};
    d = load1(&q, 1, NULL, pool, &cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(cap.n, 0);
    data_free(d);

    /* a child's, before its first kept column but the key and the link,
     * is checked: it may be the first date column, the default order */
    const char *kp = fx_file(&fx, "k.csv", "cid,id,bad,v\n10,1,2019-02-30,1\n");
    table_spec sk[2] = {sp[0], {.name = "k", .path = kp, .key = "cid", .parent = "p", .want = want,
                                .nwant = 2}};
    CU_ASSERT_PTR_NULL(load1(sk, 2, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 1);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg, "column 'bad' has an impossible date '2019-02-30'");
    /* ... unless nothing visits the table's rows (unordered) */
    sk[1].unordered = 1;
    d = load1(sk, 2, NULL, pool, &cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(cap.n, 0);
    CU_ASSERT_EQUAL(d->tables[1].order, -1);
    data_free(d);

    /* after a kept column it is unchecked; when no kept column is a date,
     * it is checked after the pass (type_unchecked) and, a date, orders */
    const char *up = fx_file(&fx, "u.csv", "cid,id,v,note,when\n10,1,1.5,a,2020-01-05\n"
                                           "11,1,2,b,2020-01-02\n12,2,3,c,\n");
    table_spec su[2] = {sp[0], {.name = "u", .path = up, .key = "cid", .parent = "p", .want = want,
                                .nwant = 2}};
    d = load1(su, 2, NULL, pool, &cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(cap.n, 0);
    CU_ASSERT_EQUAL(d->tables[1].order, data_column_index(&d->tables[1], "when"));
    CU_ASSERT(col_named(d, 1, "note")->projected && col_named(d, 1, "note")->type == CT_TEXT);
    g = data_groups(d, 1, 0);
    CU_ASSERT_FATAL(g != NULL);
    CU_ASSERT(g->off[1] == 2 && group_row(g, 0) == 1 && group_row(g, 1) == 0);
    data_free(d);
    const char *bp = fx_file(&fx, "b.csv", "cid,id,v,when\n10,1,1.5,2020-01-05\n11,1,2,2019-02-30\n");
    su[1].path = bp;
    CU_ASSERT_PTR_NULL(load1(su, 2, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 1);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg, "column 'when' has an impossible date '2019-02-30'");
    /* a kept date column first: the ones after it are never checked */
    const char *dp = fx_file(&fx, "dd.csv", "cid,id,v,when\n10,1,2020-01-05,2019-02-30\n");
    su[1].path = dp;
    d = load1(su, 2, NULL, pool, &cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(cap.n, 0);
    CU_ASSERT_EQUAL(d->tables[1].order, data_column_index(&d->tables[1], "v"));
    data_free(d);

    /* a link a name refers to stays */
    static const char *const want_id[] = {"cid", "id", "v"};
    table_spec spi[2] = {sp[0], sp[1]};
    spi[0].want = spi[1].want = want_id;
    spi[0].nwant = spi[1].nwant = 3;
    d = load1(spi, 2, NULL, pool, &cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    id = col_named(d, 1, "id");
    CU_ASSERT(!id->projected && id->n == 3 && col_int(id, 2) == 2);
    data_free(d);

    /* a sample keeps every column */
    load_opts o = {NULL, 0, 10, NULL};
    d = load1(sp, 2, &o, pool, &cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT(!col_named(d, 0, "born")->projected && col_named(d, 0, "born")->n == 2);
    data_free(d);
    strpool_free(pool);
    fx_close(&fx);
}

static void test_too_many_errors(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    char text[4096];
    size_t n = (size_t)snprintf(text, sizeof text, "x\n");
    for (int i = 0; i < 30; i++) n += (size_t)snprintf(text + n, sizeof text - n, "bad%d\n", i);
    const char *p = fx_file(&fx, "many.csv", text);
    static const char *const names[] = {"x"};
    static const int types[] = {CT_INT};
    table_spec sp = {.name = "m", .path = p, .ndecl = 1, .decl_names = names,
                     .decl_types = types};
    strpool *pool = strpool_new();
    capture cap;
    CU_ASSERT_PTR_NULL(load1(&sp, 1, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 21);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg, "column 'x' expects an integer, found 'bad0'");
    CU_ASSERT_EQUAL(cap.r[19].line, 21);
    CU_ASSERT_EQUAL(cap.r[19].level, DIAG_ERROR);
    CU_ASSERT_EQUAL(cap.r[20].level, DIAG_NOTE);
    char want[1024];
    snprintf(want, sizeof want, "too many errors; the rest of %s was not checked", p);
    CU_ASSERT_STRING_EQUAL(cap.r[20].msg, want);
    strpool_free(pool);
    fx_close(&fx);
}

static void test_header_errors(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *p = fx_file(&fx, "h.csv", "a,,b,a\n1,2,3,4\n");
    table_spec sp = {.name = "h", .path = p};
    strpool *pool = strpool_new();
    capture cap;
    CU_ASSERT_PTR_NULL(load1(&sp, 1, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 2);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg, "column 2 has no name in the header");
    CU_ASSERT_EQUAL(cap.r[0].line, 1);
    CU_ASSERT_EQUAL(cap.r[0].col, 3);
    CU_ASSERT_STRING_EQUAL(cap.r[1].msg, "duplicate column name 'a' (also column 1)");
    CU_ASSERT_EQUAL(cap.r[1].col, 6);
    CU_ASSERT_STRING_EQUAL(cap.r[1].src, "a,,b,a");

    p = fx_file(&fx, "empty.csv", "");
    table_spec sp2 = {.name = "e", .path = p};
    CU_ASSERT_PTR_NULL(load1(&sp2, 1, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 1);
    char want[1024];
    snprintf(want, sizeof want, "%s is empty: a header row with the column names was expected", p);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg, want);

    table_spec sp3 = {.name = "x", .path = "/nonexistent/x.csv", .site = {"s.rules", 2, 3, 1, NULL, 0}};
    CU_ASSERT_PTR_NULL(load1(&sp3, 1, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 1);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg,
                           "cannot open /nonexistent/x.csv for table x: No such file or directory");
    CU_ASSERT_STRING_EQUAL(cap.r[0].file, "s.rules");

    /* a directory (like a FIFO or a device) is refused when it is opened */
    table_spec sp4 = {.name = "dir", .path = fx.dir, .site = {"s.rules", 3, 3, 1, NULL, 0}};
    CU_ASSERT_PTR_NULL(load1(&sp4, 1, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 1);
    snprintf(want, sizeof want, "cannot open %s for table dir: not a regular file (a FIFO, a device or a directory)",
             fx.dir);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg, want);
    CU_ASSERT_STRING_EQUAL(cap.r[0].file, "s.rules");
    strpool_free(pool);
    fx_close(&fx);
}

static void test_unterminated_in_load(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *p = fx_file(&fx, "u.csv", "a,b\n1,2\n3,\"oops\n4,5\n");
    table_spec sp = {.name = "u", .path = p};
    strpool *pool = strpool_new();
    capture cap;
    CU_ASSERT_PTR_NULL(load1(&sp, 1, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 1);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg, "unterminated quoted field");
    CU_ASSERT_EQUAL(cap.r[0].line, 3);
    CU_ASSERT_EQUAL(cap.r[0].col, 3);
    strpool_free(pool);
    fx_close(&fx);
}

/* ---- keys and links ----------------------------------------------------- */

static void test_duplicate_keys(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *p = fx_file(&fx, "courses.csv",
                            "patient,course_id\n"
                            "a,10\n"
                            "b,11\n"
                            "c,\"long\nvalue\"\n"
                            "d,11\n"
                            "e,\n"
                            "f,10\n");
    table_spec sp = {.name = "courses", .path = p, .key = "course_id"};
    strpool *pool = strpool_new();
    capture cap;
    CU_ASSERT_PTR_NULL(load1(&sp, 1, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 3);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg, "duplicate key course_id '11' (first at line 3)");
    CU_ASSERT_EQUAL(cap.r[0].line, 6);
    CU_ASSERT_EQUAL(cap.r[0].col, 3);
    CU_ASSERT_EQUAL(cap.r[0].len, 2);
    CU_ASSERT_STRING_EQUAL(cap.r[0].src, "d,11");
    CU_ASSERT_STRING_EQUAL(cap.r[1].msg, "missing value in key column 'course_id'");
    CU_ASSERT_EQUAL(cap.r[1].line, 7);
    CU_ASSERT_STRING_EQUAL(cap.r[2].msg, "duplicate key course_id '10' (first at line 2)");
    CU_ASSERT_EQUAL(cap.r[2].line, 8);

    /* integer keys print without quotes */
    p = fx_file(&fx, "p.csv", "patient_id\n1\n2\n1\n");
    table_spec sp2 = {.name = "patients", .path = p, .key = "patient_id"};
    CU_ASSERT_PTR_NULL(load1(&sp2, 1, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 1);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg, "duplicate key patient_id 1 (first at line 2)");
    CU_ASSERT_EQUAL(cap.r[0].line, 4);

    /* a real-valued key is refused at the declaration */
    p = fx_file(&fx, "k.csv", "k\n1.5\n2\n");
    table_spec sp3 = {.name = "k", .path = p, .key = "k", .site = {"s.rules", 9, 1, 5, NULL, 0}};
    CU_ASSERT_PTR_NULL(load1(&sp3, 1, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 1);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg,
                           "key column 'k' of table k holds real values; a key must be integer or text");
    CU_ASSERT_EQUAL(cap.r[0].line, 9);
    strpool_free(pool);
    fx_close(&fx);
}

static void test_unknown_parent_key(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *pp = fx_file(&fx, "patients.csv", "patient_id,sex\n1,F\n2,M\n");
    const char *pc = fx_file(&fx, "courses.csv",
                             "course_id,patient_id\n"
                             "10,1\n"
                             "11,17\n"
                             "12,\n"
                             "13,2\n"
                             "14,x\n");
    table_spec sp[2] = {{.name = "patients", .path = pp, .key = "patient_id"},
                        {.name = "courses", .path = pc, .key = "course_id", .parent = "patients"}};
    strpool *pool = strpool_new();
    capture cap;
    CU_ASSERT_PTR_NULL(load1(sp, 2, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 1);
    /* the link column takes the type of the parent key */
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg,
                           "column 'patient_id' expects an integer like the key "
                           "patients.patient_id, found 'x'");
    CU_ASSERT_EQUAL(cap.r[0].line, 6);
    CU_ASSERT_EQUAL(cap.r[0].col, 4);

    pc = fx_file(&fx, "courses2.csv",
                 "course_id,patient_id\n"
                 "10,1\n"
                 "11,17\n"
                 "12,\n"
                 "13,2\n");
    sp[1].path = pc;
    CU_ASSERT_PTR_NULL(load1(sp, 2, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 2);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg, "patient_id 17 not found in patients");
    CU_ASSERT_STRING_EQUAL(cap.r[0].file, pc);
    CU_ASSERT_EQUAL(cap.r[0].line, 3);
    CU_ASSERT_EQUAL(cap.r[0].col, 4);
    CU_ASSERT_EQUAL(cap.r[0].len, 2);
    CU_ASSERT_STRING_EQUAL(cap.r[0].src, "11,17");
    CU_ASSERT_STRING_EQUAL(cap.r[1].msg,
                           "missing patient_id: every row of courses must belong to a row of patients");
    CU_ASSERT_EQUAL(cap.r[1].line, 4);
    strpool_free(pool);
    fx_close(&fx);
}

static void test_text_keys(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *pp = fx_file(&fx, "patients.csv", "pid,x\nP1,1\n007,2\nP3,3\n");
    const char *pc = fx_file(&fx, "visits.csv", "pid,v\n007,a\nP3,b\nP1,c\n007,d\nP9,e\n");
    table_spec sp[2] = {{.name = "patients", .path = pp, .key = "pid"},
                        {.name = "visits", .path = pc, .parent = "patients"}};
    strpool *pool = strpool_new();
    capture cap;
    CU_ASSERT_PTR_NULL(load1(sp, 2, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 1);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg, "pid 'P9' not found in patients");
    CU_ASSERT_EQUAL(cap.r[0].line, 6);
    pc = fx_file(&fx, "visits2.csv", "pid,v\n007,a\nP3,b\nP1,c\n007,d\n");
    sp[1].path = pc;
    cohort_data *d = load1(sp, 2, NULL, pool, &cap);
    CU_ASSERT_EQUAL(cap.n, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const table *v = &d->tables[1];
    CU_ASSERT_EQUAL(v->cols[0].type, CT_TEXT);  /* "007" stays text like the key */
    CU_ASSERT_EQUAL(v->fk, 0);
    CU_ASSERT_EQUAL(v->parent, 0);
    CU_ASSERT(v->parent_row[0] == 1 && v->parent_row[1] == 2 && v->parent_row[2] == 0 &&
              v->parent_row[3] == 1);
    data_free(d);
    strpool_free(pool);
    fx_close(&fx);
}

/* Texts that the loader's intern cache hashes alike (the same length and
 * first and last eight bytes, differing in the middle; short texts
 * differing in one byte; a prefix of another), alternating row by row:
 * each row keeps its own text. */
static void test_intern_cache(void)
{
    static const char *const texts[] = {
        "abcdefgh-X-stuvwxyz", "abcdefgh-Y-stuvwxyz", "abcdefgh--stuvwxyz", "abcdefghstuvwxyz",
        "abcdefghZstuvwxyz",   "abcdefghWstuvwxyz",   "aXc",                "aYc",
        "ab",                  "ba",                  "a",                  "b",
        "abcd",                "abXcd",               "abYcd",              "abcdefg",
        "abcXefg",             "abcdefgh",            "abcdefgi",           "Aaa",
        /* the word cache's lengths: 8 and 16 bytes (two words), 17 to 24
         * (three: texts alike but in bytes 8-15), 25 (not cached) */
        "abcdefgh9",           "abcdefgi9",           "abcdefgh12345678",   "abcdefgh12345679",
        "abcdefgh12345678Z",   "abcdefgh1234567Xstuvwx", "abcdefgh1234567Ystuvwx",
        "abcdefghX2345678stuvwxyz", "abcdefghY2345678stuvwxyz", "abcdefghX2345678stuvwxyZ",
        "abcdefghijklmnopqrstuvwxy", "abcdefghijklmnopqrstuvwxZ", "3", "3,",
    };
    enum { NT = sizeof texts / sizeof *texts, ROWS = 3 * NT };
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    /* twice: the text last, then first (followed by ",id": short texts
     * followed by other bytes each time) */
    for (int first = 0; first < 2; first++) {
        char text[8192];
        size_t n = (size_t)snprintf(text, sizeof text, first ? "t,id\n" : "id,t\n");
        for (int k = 0; k < ROWS; k++) {
            const char *tx = texts[(k * 7) % NT];
            const char *q = strchr(tx, ',') ? "\"" : "";
            if (first) n += (size_t)snprintf(text + n, sizeof text - n, "%s%s%s,%d\n", q, tx, q, k);
            else n += (size_t)snprintf(text + n, sizeof text - n, "%d,%s%s%s\n", k, q, tx, q);
    }
    const char *pp = fx_file(&fx, first ? "p1.csv" : "p0.csv", text);
    table_spec sp = {.name = "patients", .path = pp, .key = "id"};
    strpool *pool = strpool_new();
    capture cap;
    cohort_data *d = load1(&sp, 1, NULL, pool, &cap);
    CU_ASSERT_EQUAL(cap.n, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const column *c = col_named(d, 0, "t");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL_FATAL(c->type, CT_TEXT);
    int bad = 0;
    for (int k = 0; k < ROWS; k++)
        if (strcmp(col_text(c, (size_t)k), texts[(k * 7) % NT]) != 0) bad++;
    CU_ASSERT_EQUAL(bad, 0);
    data_free(d);
    strpool_free(pool);
    }
    fx_close(&fx);
}

/* Integer keys numbered in the file's order (base + row) need no slots:
 * the loader finds them slice by slice.  Keys that are almost such a
 * sequence (two swapped, one twice, one missing, a slice starting where
 * the one before does not end) must still be checked and linked through
 * their slots, with the same problems found; links to a sequence find
 * rows by v - base, and values below or above it are unknown keys. */
static void test_key_sequences(void)
{
    enum { NP = 150, NV = 10, REP = 4 };
    static const long long bases[] = {1, -3, 9223372036854775807LL - NP + 1, 2147483647LL - NP + 1,
                                      -2147483647LL - 1};
    strpool *pool = strpool_new();
    capture cap;
    for (int bi = 0; bi < 5; bi++) {
        fixture fx;     /* a fixture a base: it holds MAXFILES files */
        CU_ASSERT_FATAL(fx_open(&fx) == 0);
        for (int v = 0; v < NV; v++) {
            long long base = bases[bi], key[NP];
            int kmiss = -1, nerr = 0;
            for (int i = 0; i < NP; i++) key[i] = base + i;
            if (v == 1) {                       /* two swapped: slots, no problem */
                key[17] = base + 18;
                key[18] = base + 17;
            }
            if (v == 2) key[25] = base + 24, nerr = 1;  /* one twice */
            if (v == 3) kmiss = 30, nerr = 1;           /* one missing */
            if (v == 4) key[0] = base - 1;              /* the first out of line: slots */
            if (v == 9) {                       /* two swapped in the second 64 */
                key[100] = base + 101;
                key[101] = base + 100;
            }
            if (v == 7)                                 /* halves swapped: each slice of
                                                           6 rows in sequence, the one at
                                                           75 not after the one before */
                for (int i = 0; i < NP; i++) key[i] = base + (i + NP / 2) % NP;
            textbuf pt = {0};
            tb_add(&pt, "pid,x\n");
            for (int i = 0; i < NP; i++)
                if (i == kmiss) tb_add(&pt, ",1\n"); else tb_printf(&pt, "%lld,1\n", key[i]);
            /* children: every key REP times, in the parents' order (blocks of
             * 64 rows linked at once), with (v 5, 8) one below the range or
             * the smallest 32-bit value at row 100, or (v 6) one above it
             * at row 127, the last of a block (in the parents' order) */
            textbuf ct = {0};
            tb_add(&ct, "pid\n");
            int nc = 0;
            long long child[REP * NP + 1];
            for (int i = 0; i < NP; i++)
                for (int r = 0; r < REP; r++) {
                    if (nc == 100 && v == 5) child[nc++] = base - 1, nerr = 1;
                    if (nc == 127 && v == 6 && base < 9223372036854775807LL - NP + 1)
                        child[nc++] = base + NP, nerr = 1;
                    if (nc == 100 && v == 8 && base != -2147483647LL - 1)
                        child[nc++] = -2147483647LL - 1, nerr = 1;
                    if (i != kmiss && !(v == 2 && i == 25)) child[nc++] = key[i];
                }
            for (int i = 0; i < nc; i++) tb_printf(&ct, "%lld\n", child[i]);
            char pn[32], cn[32];
            snprintf(pn, sizeof pn, "p%d-%d.csv", bi, v);
            snprintf(cn, sizeof cn, "c%d-%d.csv", bi, v);
            const char *pp = fx_file(&fx, pn, pt.s), *cp = fx_file(&fx, cn, ct.s);
            free(pt.s);
            free(ct.s);
            for (int sl = 0; sl < 8; sl++)
                for (int th = 1; th <= 3; th++) {
                    /* one slice, or slices of 6 (v 7: the break at row 75
                     * is a slice start), 7 and 13 rows; the link
                     * column read by the rules, or not (sl >= 4: the
                     * links are written over it) */
                    static const char *rows[] = {NULL, "6", "7", "13"};
                    static const char *const other[] = {"zz"};
                    part_bytes(rows[sl % 4]);
                    table_spec sp[2] = {{.name = "p", .path = pp, .key = "pid"},
                                        {.name = "c", .path = cp, .parent = "p",
                                         .want = sl >= 4 ? other : NULL, .nwant = sl >= 4}};
                    load_opts o = {.threads = th};
                    cohort_data *d = load1(sp, 2, &o, pool, &cap);
                    if (nerr) {
                        CU_ASSERT_PTR_NULL(d);
                        CU_ASSERT_EQUAL(cap.n, 1);
                        data_free(d);
                        continue;
                    }
                    CU_ASSERT_EQUAL(cap.n, 0);
                    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
                    size_t bad = 0;
                    for (int i = 0; i < nc; i++) {
                        int64_t pr = data_ancestor_row(d, 1, (size_t)i, 0);
                        bad += pr < 0 || pr >= NP || key[pr] != child[i];
                    }
                    bad += d->tables[1].nrows != (size_t)nc;
                    CU_ASSERT_EQUAL(bad, 0);
                    data_free(d);
                }
        }
        fx_close(&fx);
    }
    unsetenv("COHORT_CSV_PART_BYTES");
    strpool_free(pool);
}

static void test_spec_errors(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *pp = fx_file(&fx, "patients.csv", "patient_id\n1\n");
    const char *pc = fx_file(&fx, "courses.csv", "course_id,patient\n10,1\n");
    table_spec sp[2] = {
        {.name = "courses", .path = pc, .key = "course_id", .parent = "patients",
         .site = {"s.rules", 3, 3, 5, NULL, 0}},
        {.name = "patients", .path = pp, .key = "patient_id"}};
    strpool *pool = strpool_new();
    capture cap;
    CU_ASSERT_PTR_NULL(load1(sp, 2, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 1);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg,
                           "parent table patients of table courses must be declared before it");
    CU_ASSERT_EQUAL(cap.r[0].line, 3);

    table_spec sp2[2] = {
        {.name = "patients", .path = pp, .key = "patient_id"},
        {.name = "courses", .path = pc, .key = "course_id", .parent = "patients",
         .site = {"s.rules", 3, 3, 5, NULL, 0}}};
    CU_ASSERT_PTR_NULL(load1(sp2, 2, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 1);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg,
                           "table courses has no column 'patient_id' linking it to its parent "
                           "patients (did you mean 'patient'?)");
    sp2[1].parent = "patient";
    CU_ASSERT_PTR_NULL(load1(sp2, 2, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 1);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg, "unknown parent table patient of table courses");
    strpool_free(pool);
    fx_close(&fx);
}

/* ---- the linked cohort in tests/unit/data ----------------------------- */

typedef struct cohort_paths {
    char p[4][1024];
} cohort_paths;

static cohort_data *load_cohort(strpool *pool, capture *cap, cohort_paths *cp, size_t sample)
{
    const char *srcdir = getenv("srcdir");
    if (!srcdir || !*srcdir) srcdir = ".";
    static const char *const files[4] = {"patients", "courses", "lesions", "events"};
    for (int i = 0; i < 4; i++)
        snprintf(cp->p[i], sizeof cp->p[i], "%s/tests/unit/data/%s.csv", srcdir, files[i]);
    table_spec sp[4] = {
        {.name = "patients", .path = cp->p[0], .key = "patient_id"},
        {.name = "courses", .path = cp->p[1], .key = "course_id", .parent = "patients"},
        {.name = "lesions", .path = cp->p[2], .key = "lesion_id", .parent = "courses"},
        {.name = "events", .path = cp->p[3], .parent = "patients"},
    };
    load_opts o = {.sample_rows = sample};
    return load1(sp, 4, &o, pool, cap);
}

static void check_group(const group_index *g, size_t grp, const uint32_t *want, size_t n)
{
    CU_ASSERT_EQUAL_FATAL(g->off[grp + 1] - g->off[grp], n);
    for (size_t k = 0; k < n; k++) CU_ASSERT_EQUAL(group_row(g, g->off[grp] + k), want[k]);
}

/* Tables p (key pid) and its child c from the files pp and pc: c's rows
 * grouped by p's (*d to free). */
static const group_index *child_groups(const char *pp, const char *pc, strpool *pool, capture *cap, cohort_data **d)
{
    table_spec sp[2] = {{.name = "p", .path = pp, .key = "pid"}, {.name = "c", .path = pc, .parent = "p"}};
    *d = load1(sp, 2, NULL, pool, cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(*d);
    const group_index *g = data_groups(*d, 1, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    return g;
}

/* Rows listed in their parents' order are grouped in place; a group whose
 * dates are in order (ties, missing last) needs no row array, else its rows
 * are sorted: a missing date before a known one, a later date before an
 * earlier one (data_groups' date check). */
static void test_groups_in_place(void)
{
    static const struct {
        const char *rows;
        int in_place;
        uint32_t want[5];
    } cases[] = {
        {"1,2020-01-01\n1,2020-01-01\n1,\n2,2020-02-01\n2,2020-03-01\n", 1, {0, 1, 2, 3, 4}},
        {"1,\n1,2020-01-01\n1,2020-01-05\n2,2020-03-01\n2,2020-03-02\n", 0, {1, 2, 0, 3, 4}},
        {"1,2020-01-01\n1,2020-01-05\n1,\n2,2020-03-02\n2,2020-03-01\n", 0, {0, 1, 2, 4, 3}},
        {"1,\n1,\n1,2019-12-31\n2,2020-03-01\n2,\n", 0, {2, 0, 1, 3, 4}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        fixture fx;
        CU_ASSERT_FATAL(fx_open(&fx) == 0);
        char text[256];
        snprintf(text, sizeof text, "pid,when\n%s", cases[i].rows);
        const char *pp = fx_file(&fx, "p.csv", "pid\n1\n2\n3\n");
        const char *cp = fx_file(&fx, "c.csv", text);
        strpool *pool = strpool_new();
        capture cap;
        cohort_data *d;
        const group_index *g = child_groups(pp, cp, pool, &cap, &d);
        CU_ASSERT_EQUAL(g->rows == NULL, cases[i].in_place);
        CU_ASSERT(g->off[0] == 0 && g->off[1] == 3 && g->off[2] == 5 && g->off[3] == 5);
        for (size_t k = 0; k < 5; k++) CU_ASSERT_EQUAL(group_row(g, k), cases[i].want[k]);
        data_free(d);
        strpool_free(pool);
        fx_close(&fx);
    }
}

/* colmem_move puts a part's bytes into an array at any offset, for
 * lengths below, at and above the pages it moves (256) and around a page
 * boundary, and leaves its reservation mapped (msync fails on a hole):
 * another mapping cannot be placed inside it before it is given back.
 * Each byte is checked against the pattern written, as are the array's
 * bytes before and after. */
static void test_colmem_move(void)
{
    static const size_t lens[] = {0, 1, 4095, 4096, 4097, 255 * 4096 + 100, 257 * 4096,
                                  257 * 4096 + 1, 1200000};
    static const size_t offs[] = {0, 1, 16, 4000, 4096, 4097};
    for (size_t i = 0; i < sizeof lens / sizeof *lens; i++)
        for (size_t o = 0; o < sizeof offs / sizeof *offs; o++) {
            size_t len = lens[i], bytes = colmem_page_round(len + 1) + 8192;
            char *src = colmem_reserve(bytes);
            CU_ASSERT_PTR_NOT_NULL_FATAL(src);
            for (size_t k = 0; k < len; k++) src[k] = (char)(k * 7 + len);
            size_t alen = offs[o] + len + 64;
            char *arr = malloc(alen);
            CU_ASSERT_PTR_NOT_NULL_FATAL(arr);
            memset(arr, 0x5a, alen);
            colmem_move(arr + offs[o], src, len);
            size_t bad = 0;
            for (size_t k = 0; k < offs[o]; k++) bad += arr[k] != 0x5a;
            for (size_t k = 0; k < len; k++) bad += arr[offs[o] + k] != (char)(k * 7 + len);
            for (size_t k = offs[o] + len; k < alen; k++) bad += arr[k] != 0x5a;
            CU_ASSERT_EQUAL(bad, 0);
            CU_ASSERT_EQUAL(msync(src, bytes, MS_ASYNC), 0);
            colmem_release(src, bytes);
            free(arr);
        }
}

/* The grouping found while linking whole words of 64 rows at once
 * (link_block), in slices of 0 (one), 64, 100 and 130 rows on 1-3
 * threads: 300 rows of 50 of 51 parents, six a parent with dates in order; then
 * one date out of order, a parent row that goes back, a parent with no
 * rows, an unknown key and a missing one (each inside a word of 64 rows).
 * The groups expected are found here by hand: each parent's rows in file
 * order, stably sorted by date. */
static void test_groups_linked_blocks(void)
{
    enum { NP = 51, NC = 300 };
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    textbuf pt = {0};
    tb_add(&pt, "pid\n");
    for (int i = 1; i <= NP; i++) tb_printf(&pt, "%d\n", i);
    const char *pp = fx_file(&fx, "p.csv", pt.s);
    strpool *pool = strpool_new();
    capture cap;
    for (int v = 0; v < 6; v++) {
        int pid[NC], day[NC];
        for (int i = 0; i < NC; i++) {
            pid[i] = 1 + i / 6;
            day[i] = 1 + i % 6;
        }
        if (v == 1) day[200] = 1;               /* before row 199's date */
        if (v == 2) pid[130] = 3;               /* goes back */
        if (v == 3)                             /* parent 21 has no rows */
            for (int i = 120; i < NC; i++) pid[i] = 2 + i / 6;
        if (v == 4) pid[150] = 999;             /* unknown */
        if (v == 5) pid[170] = 0;               /* written missing */
        textbuf ct = {0};
        tb_add(&ct, "pid,date\n");
        for (int i = 0; i < NC; i++) {
            if (pid[i]) tb_printf(&ct, "%d,2020-01-%02d\n", pid[i], day[i]);
            else tb_printf(&ct, ",2020-01-%02d\n", day[i]);
        }
        char name[32];
        snprintf(name, sizeof name, "c%d.csv", v);
        const char *cp = fx_file(&fx, name, ct.s);
        free(ct.s);
        for (int sl = 0; sl < 8; sl++)
            for (int th = 1; th <= 3; th++) {
                /* sl >= 4: the rules read date, not pid (the links are
                 * written over pid's keys, which linking again reads) */
                static const char *rows[] = {NULL, "64", "100", "130"};
                static const char *const date[] = {"date"};
                part_bytes(rows[sl % 4]);
                table_spec sp[2] = {{.name = "p", .path = pp, .key = "pid"},
                                    {.name = "c", .path = cp, .parent = "p", .order = "date",
                                     .want = sl >= 4 ? date : NULL, .nwant = sl >= 4}};
                load_opts o = {.threads = th};
                cohort_data *d = load1(sp, 2, &o, pool, &cap);
                if (v >= 4) {   /* the key problem is reported, the file fails */
                    CU_ASSERT_PTR_NULL(d);
                    CU_ASSERT_EQUAL(cap.n, 1);
                    data_free(d);
                    continue;
                }
                CU_ASSERT_PTR_NOT_NULL_FATAL(d);
                const group_index *g = data_groups(d, 1, 0);
                CU_ASSERT_PTR_NOT_NULL_FATAL(g);
                size_t bad = 0, k = 0;
                for (int p = 1; p <= NP; p++) {
                    bad += g->off[p - 1] != k;
                    for (int dd = 1; dd <= 6; dd++)     /* by date, then file order */
                        for (int i = 0; i < NC; i++)
                            if (pid[i] == p && day[i] == dd) bad += group_row(g, k++) != (size_t)i;
                }
                bad += g->off[NP] != k || k != NC;
                CU_ASSERT_EQUAL(bad, 0);
                CU_ASSERT_EQUAL(g->rows == NULL, v != 1 && v != 2);   /* in place */
                data_free(d);
            }
    }
    unsetenv("COHORT_CSV_PART_BYTES");
    free(pt.s);
    strpool_free(pool);
    fx_close(&fx);
}

static void test_groups(void)
{
    strpool *pool = strpool_new();
    capture cap;
    cohort_paths cp;
    cohort_data *d = load_cohort(pool, &cap, &cp, 0);
    CU_ASSERT_EQUAL(cap.n, 0);
    if (cap.n) printf("\n%s:%d:%d: %s\n", cap.r[0].file, cap.r[0].line, cap.r[0].col, cap.r[0].msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    int P = data_table_index(d, "patients"), C = data_table_index(d, "courses");
    int L = data_table_index(d, "lesions"), E = data_table_index(d, "events");
    CU_ASSERT(P == 0 && C == 1 && L == 2 && E == 3);
    CU_ASSERT_EQUAL(d->tables[C].order, 2);
    CU_ASSERT_EQUAL(d->tables[L].order, -1);
    CU_ASSERT_EQUAL(d->tables[E].order, 1);
    CU_ASSERT_EQUAL(d->tables[C].fk, 1);
    CU_ASSERT_EQUAL(d->tables[L].fk, 1);

    /* courses by patient: by start_date, missing last, ties in file order */
    const group_index *g = data_groups(d, C, P);
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    CU_ASSERT_EQUAL(g->ancestor, P);
    CU_ASSERT_EQUAL(g->ngroups, 3);
    static const uint32_t c0[] = {4, 1, 2}, c1[] = {3, 5, 0};
    check_group(g, 0, c0, 3);
    check_group(g, 1, c1, 3);
    check_group(g, 2, NULL, 0);
    CU_ASSERT_PTR_EQUAL(data_groups(d, C, P), g);   /* cached */

    /* events by patient: NA and empty dates last, in file order */
    const group_index *ge = data_groups(d, E, P);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ge);
    static const uint32_t e0[] = {4, 2, 1, 5}, e1[] = {3, 0}, e2[] = {6};
    check_group(ge, 0, e0, 4);
    check_group(ge, 1, e1, 2);
    check_group(ge, 2, e2, 1);

    /* lesions by grandparent (no date column: file order) */
    const group_index *gl = data_groups(d, L, P);
    CU_ASSERT_PTR_NOT_NULL_FATAL(gl);
    static const uint32_t l0[] = {0, 2, 3, 5}, l1[] = {1, 4};
    check_group(gl, 0, l0, 4);
    check_group(gl, 1, l1, 2);
    check_group(gl, 2, NULL, 0);
    const group_index *glc = data_groups(d, L, C);
    CU_ASSERT_PTR_NOT_NULL_FATAL(glc);
    CU_ASSERT_EQUAL(glc->ngroups, 6);
    static const uint32_t lc4[] = {0, 3};
    check_group(glc, 4, lc4, 2);
    CU_ASSERT_PTR_EQUAL(data_groups(d, L, P), gl);  /* earlier pointers stay valid */

    /* a table grouped by itself; non-ancestors */
    const group_index *gs = data_groups(d, C, C);
    CU_ASSERT_PTR_NOT_NULL_FATAL(gs);
    CU_ASSERT_EQUAL(gs->ngroups, 6);
    static const uint32_t s3[] = {3};
    check_group(gs, 3, s3, 1);
    CU_ASSERT_PTR_NULL(data_groups(d, P, C));
    CU_ASSERT_PTR_NULL(data_groups(d, E, C));
    CU_ASSERT_PTR_NULL(data_groups(d, E, 9));

    CU_ASSERT_EQUAL(data_ancestor_row(d, L, 0, P), 0);     /* lesion 100 -> course 14 -> patient 1 */
    CU_ASSERT_EQUAL(data_ancestor_row(d, L, 4, P), 1);
    CU_ASSERT_EQUAL(data_ancestor_row(d, L, 4, C), 3);
    CU_ASSERT_EQUAL(data_ancestor_row(d, L, 4, L), 4);
    CU_ASSERT_EQUAL(data_ancestor_row(d, E, 6, P), 2);
    CU_ASSERT_EQUAL(data_ancestor_row(d, E, 6, C), -1);
    CU_ASSERT_EQUAL(data_ancestor_row(d, P, 0, C), -1);
    data_free(d);
    strpool_free(pool);
}

static void test_sample_rows(void)
{
    strpool *pool = strpool_new();
    capture cap;
    cohort_paths cp;
    cohort_data *d = load_cohort(pool, &cap, &cp, 2);
    CU_ASSERT_EQUAL(cap.n, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(d->tables[1].nrows, 2);
    CU_ASSERT_PTR_NULL(d->tables[1].parent_row);
    CU_ASSERT_EQUAL(d->tables[1].parent, 0);
    CU_ASSERT_EQUAL(d->tables[1].fk, 1);
    /* the first two volumes are 1.5 and 0.3: real */
    CU_ASSERT_EQUAL(col_named(d, 2, "volume_cc")->type, CT_REAL);
    CU_ASSERT_PTR_NULL(data_groups(d, 1, 0));
    CU_ASSERT_EQUAL(data_ancestor_row(d, 1, 0, 0), -1);
    data_free(d);

    /* a sample does not check keys: duplicates past it go unseen */
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *p = fx_file(&fx, "p.csv", "patient_id,x\n1,a\n2,b\n1,c\n");
    table_spec sp = {.name = "p", .path = p, .key = "patient_id"};
    load_opts o = {.sample_rows = 10};
    d = load1(&sp, 1, &o, pool, &cap);
    CU_ASSERT_EQUAL(cap.n, 0);
    CU_ASSERT_PTR_NOT_NULL(d);
    data_free(d);
    strpool_free(pool);
    fx_close(&fx);
}

static void test_order_column(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *pp = fx_file(&fx, "p.csv", "pid\n1\n2\n");
    const char *pe = fx_file(&fx, "e.csv",
                             "pid,first,second,seq,label\n"
                             "1,2020-01-01,2021-05-01,3,z\n"
                             "1,2020-02-01,2021-01-01,-1,y\n"
                             "2,2020-03-01,,2.5,x\n"
                             "1,2020-04-01,2021-03-01,,w\n");
    table_spec sp[2] = {{.name = "p", .path = pp, .key = "pid"},
                        {.name = "e", .path = pe, .parent = "p", .order = "second"}};
    strpool *pool = strpool_new();
    capture cap;
    cohort_data *d = load1(sp, 2, NULL, pool, &cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(d->tables[1].order, 2);
    static const uint32_t w0[] = {1, 3, 0};
    check_group(data_groups(d, 1, 0), 0, w0, 3);
    data_free(d);
    sp[1].order = "seq";                        /* a numeric order column works too */
    d = load1(sp, 2, NULL, pool, &cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    static const uint32_t s0[] = {1, 0, 3};
    check_group(data_groups(d, 1, 0), 0, s0, 3);
    data_free(d);
    sp[1].order = "label";
    sp[1].site = (decl_site){"s.rules", 5, 1, 1, NULL, 0};
    CU_ASSERT_PTR_NULL(load1(sp, 2, NULL, pool, &cap));
    CU_ASSERT_EQUAL_FATAL(cap.n, 1);
    CU_ASSERT_STRING_EQUAL(cap.r[0].msg, "order column 'label' of table e holds text values, not dates");
    strpool_free(pool);
    fx_close(&fx);
}

/* Big groups (the merge sort path) against a simple reference order. */
static void test_groups_large(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    enum { NP = 7, NE = 3000 };
    size_t cap_ = 64 + (size_t)NE * 24;
    char *text = malloc(cap_);
    size_t n = (size_t)snprintf(text, cap_, "pid\n");
    for (int i = 0; i < NP; i++) n += (size_t)snprintf(text + n, cap_ - n, "%d\n", 100 + i);
    const char *pp = fx_file(&fx, "p.csv", text);
    n = (size_t)snprintf(text, cap_, "pid,date\n");
    uint64_t s = 99;
    for (int i = 0; i < NE; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        int pid = 100 + (int)((s >> 33) % NP);
        int day = (int)((s >> 45) % 40);
        if ((s >> 20) % 9 == 0)
            n += (size_t)snprintf(text + n, cap_ - n, "%d,\n", pid);
        else
            n += (size_t)snprintf(text + n, cap_ - n, "%d,2020-01-%02d\n", pid, 1 + day % 28);
    }
    const char *pe = fx_file(&fx, "e.csv", text);
    free(text);
    strpool *pool = strpool_new();
    capture cap;
    cohort_data *d;
    const group_index *g = child_groups(pp, pe, pool, &cap, &d);
    const column *dc = &d->tables[1].cols[1];
    int bad = 0;
    size_t total = 0;
    for (size_t grp = 0; grp < NP; grp++) {
        for (uint32_t k = g->off[grp]; k < g->off[grp + 1]; k++) {
            uint32_t r = (uint32_t)group_row(g, k);
            if (data_ancestor_row(d, 1, r, 0) != (int64_t)grp) bad++;
            if (k == g->off[grp]) continue;
            uint32_t q = (uint32_t)group_row(g, k - 1);
            /* q must come before r: (missing, date, row) ascending */
            int before = col_missing(dc, q) != col_missing(dc, r) ? col_missing(dc, q) < col_missing(dc, r)
                         : !col_missing(dc, q) && dc->d[q] != dc->d[r] ? dc->d[q] < dc->d[r]
                         : q < r;
            if (!before) bad++;
        }
        total += g->off[grp + 1] - g->off[grp];
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(total, NE);
    data_free(d);
    strpool_free(pool);
    fx_close(&fx);
}

/* The grouping by parent found while linking in slices (data.c's test
 * hook COHORT_CSV_PART_BYTES: slices of 1-6 rows, on 1-3 threads), each
 * group's rows written here by hand: rows already grouped and in date order
 * (ties, a missing date last) keep the file's order; a date that goes back
 * or a parent row that goes back, wherever a slice begins, are ordered
 * as always. */
static void test_groups_linked(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *pp = fx_file(&fx, "p.csv", "pid\n1\n2\n3\n4\n");
    const char *files[3] = {
        fx_file(&fx, "e1.csv", "pid,date\n1,2020-01-01\n1,2020-01-02\n1,2020-01-02\n"
                               "2,2020-02-01\n4,2020-01-01\n4,\n"),
        fx_file(&fx, "e2.csv", "pid,date\n1,2020-01-03\n1,2020-01-01\n2,2020-01-01\n2,\n"
                               "2,2020-01-05\n"),
        fx_file(&fx, "e3.csv", "pid,date\n2,2020-01-01\n2,2020-01-02\n1,2020-01-01\n"
                               "3,2020-01-01\n1,2019-12-31\n"),
    };
    /* per file: each patient's rows, -1 ending a group */
    static const int want[3][12] = {
        {0, 1, 2, -1, 3, -1, -1, 4, 5, -1},
        {1, 0, -1, 2, 4, 3, -1, -1, -1},
        {4, 2, -1, 0, 1, -1, 3, -1, -1},
    };
    strpool *pool = strpool_new();
    capture cap;
    for (int f = 0; f < 3; f++)
        for (int rows = 0; rows <= 6; rows++)
            for (int th = 1; th <= 3; th++) {
                char num[16];
                snprintf(num, sizeof num, "%d", rows);
                part_bytes(rows ? num : NULL);
                table_spec sp[2] = {{.name = "p", .path = pp, .key = "pid"},
                                    {.name = "e", .path = files[f], .parent = "p"}};
                load_opts o = {.threads = th};
                cohort_data *d = load1(sp, 2, &o, pool, &cap);
                CU_ASSERT_PTR_NOT_NULL_FATAL(d);
                const group_index *g = data_groups(d, 1, 0);
                CU_ASSERT_PTR_NOT_NULL_FATAL(g);
                CU_ASSERT_EQUAL(g->ngroups, 4);
                size_t w = 0;
                for (size_t grp = 0; grp < 4; grp++) {
                    for (uint32_t k = g->off[grp]; k < g->off[grp + 1]; k++)
                        CU_ASSERT_EQUAL(want[f][w++], (int)group_row(g, k));
                    CU_ASSERT_EQUAL(want[f][w++], -1);
                }
                if (f == 0) CU_ASSERT_PTR_NULL(g->rows);    /* the file's order */
                data_free(d);
            }
    unsetenv("COHORT_CSV_PART_BYTES");
    strpool_free(pool);
    fx_close(&fx);
}

/* ---- calendar months and partial dates ----------------------------------- */

static int32_t day_of(const char *s)
{
    int32_t d = INT32_MIN;
    CU_ASSERT_EQUAL(date_parse(s, strlen(s), &d), 1);
    return d;
}

static void check_months(const char *from, int64_t n, const char *want)
{
    int32_t out = 0;
    CU_ASSERT_EQUAL_FATAL(date_add_months(day_of(from), n, &out), 0);
    char buf[11];
    date_format(out, buf);
    CU_ASSERT_STRING_EQUAL(buf, want);
}

static void test_add_months(void)
{
    check_months("2020-01-31", 1, "2020-02-29");
    check_months("2021-01-31", 1, "2021-02-28");
    check_months("2020-03-31", -1, "2020-02-29");
    check_months("2020-02-29", 12, "2021-02-28");
    check_months("2020-02-29", 48, "2024-02-29");
    check_months("2019-12-31", -12, "2018-12-31");
    check_months("2020-12-15", 1, "2021-01-15");
    check_months("2021-01-15", -1, "2020-12-15");
    check_months("2020-01-15", -25, "2017-12-15");
    check_months("2020-05-31", 0, "2020-05-31");
    int32_t out;
    CU_ASSERT_EQUAL(date_add_months(day_of("9999-12-01"), 1, &out), -1);
    CU_ASSERT_EQUAL(date_add_months(day_of("0001-01-01"), -1, &out), -1);
}

static void check_partial(const char *cell, int rule, int rc, const char *want)
{
    int32_t out = 0;
    CU_ASSERT_EQUAL(date_parse_partial(cell, strlen(cell), rule, &out), rc);
    if (rc == 1 && want) {
        char buf[11];
        date_format(out, buf);
        CU_ASSERT_STRING_EQUAL(buf, want);
    }
}

static void test_partial_dates(void)
{
    check_partial("2020-02", IMPUTE_FIRST, 1, "2020-02-01");
    check_partial("2020-02", IMPUTE_MIDDLE, 1, "2020-02-15");
    check_partial("2020-02", IMPUTE_LAST, 1, "2020-02-29");
    check_partial("1900-02", IMPUTE_LAST, 1, "1900-02-28");
    check_partial("2000-02", IMPUTE_LAST, 1, "2000-02-29");
    check_partial("2019", IMPUTE_FIRST, 1, "2019-01-01");
    check_partial("2019", IMPUTE_MIDDLE, 1, "2019-07-01");
    check_partial("2019", IMPUTE_LAST, 1, "2019-12-31");
    check_partial("2019-11", IMPUTE_LAST, 1, "2019-11-30");
    check_partial("2019-13", IMPUTE_FIRST, -1, NULL);
    check_partial("2019-00", IMPUTE_FIRST, -1, NULL);
    check_partial("0000", IMPUTE_FIRST, -1, NULL);
    check_partial("2019-02", IMPUTE_NONE, 0, NULL);
    check_partial("2019-2", IMPUTE_FIRST, 0, NULL);
    check_partial("201x", IMPUTE_FIRST, 0, NULL);
    check_partial("2019/02", IMPUTE_FIRST, 0, NULL);
    check_partial("2019-02-01", IMPUTE_FIRST, 0, NULL);
}


/* ---- the fast paths agree with the general ones ------------------------ */

/* date_parse (the loader's fixed-width path) against date_valid and
 * date_from_ymd on every year 0000-9999, every month 00-13 and every day
 * 00-32 (leap days of 1900, 2000, 2019, 2020 among them), and on texts of
 * the wrong shape. */
static void test_date_parse_every_day(void)
{
    int bad = 0;
    for (int y = 0; y <= 9999; y++)
        for (int m = 0; m <= 13; m++)
            for (int d = 0; d <= 32; d++) {
                char s[16];
                snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
                int32_t out = 12345;
                int rc = date_parse(s, 10, &out);
                int ok = m >= 1 && m <= 12 && date_valid(y, m, d);
                /* given no place for the day number: the same answer */
                if (rc != (ok ? 1 : -1) || date_parse(s, 10, NULL) != rc || (ok && out != date_from_ymd(y, m, d)) ||
                    (!ok && out != 12345))
                    bad++;
            }
    CU_ASSERT_EQUAL(bad, 0);
    static const struct {
        const char *s;
        int rc;
    } cases[] = {
        {"2019-02-29", -1}, {"2020-02-29", 1},  {"1900-02-29", -1}, {"2000-02-29", 1},
        {"2019-02-28", 1},  {"2019-04-31", -1}, {"2019-00-10", -1}, {"2019-13-01", -1},
        {"2019-12-00", -1}, {"2019-2-28", 0},   {"2019-02-2", 0},   {" 2019-02-28", 0},
        {"2019-02-28 ", 0}, {"2019/02/28", 0},  {"2019-02-2a", 0},  {"+019-02-28", 0},
        {"-019-02-28", 0},  {"2019-0a-28", 0},  {"2019-02--1", 0},  {"201a-02-28", 0},
        {"2019:02-28", 0},  {"\"2019-02-2", 0}, {"20190228", 0},    {"", 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        int32_t out;
        CU_ASSERT_EQUAL(date_parse(cases[k].s, strlen(cases[k].s), &out), cases[k].rc);
        CU_ASSERT_EQUAL(date_parse(cases[k].s, strlen(cases[k].s), NULL), cases[k].rc);
    }
    /* every representable day formats and parses back to itself */
    bad = 0;
    for (int32_t x = DATE_MIN_DAYS; x <= DATE_MAX_DAYS; x += 1) {
        char buf[11];
        int32_t back;
        date_format(x, buf);
        if (date_parse(buf, 10, &back) != 1 || back != x) bad++;
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* session 11's date_parse, byte by byte: the reference for the word-wide
 * checks of date.h's (one shape test, one digit test per byte). */
static int date_parse_bytes(const char *s, size_t len, int32_t *out)
{
    if (len != 10 || s[4] != '-' || s[7] != '-') return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return 0;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
    if (!date_valid(y, m, d)) return -1;
    if (out) *out = date_from_ymd(y, m, d);
    return 1;
}

/* date_parse against date_parse_bytes on ten-byte texts with one to three
 * bytes of valid dates replaced by bytes near the digits and the '-'
 * (0x2C-0x3A), the bytes whose high bit or low nibble tests could confuse
 * (0x00, 0x7F, 0x80, 0x8A, 0xB0, 0xFF, ' '), or any byte; and on every text
 * of one byte changed to any of the 256. */
static void test_date_parse_mutated(void)
{
    static const unsigned char odd[] = {0x00, 0x7F, 0x80, 0x8A, 0xB0, 0xFF, ' ', 0x3A, 0x2F, 0x2C};
    uint64_t st = 99;
    int bad = 0, shaped = 0;
    for (int k = 0; k < 2000000; k++) {
        st = st * 6364136223846793005ull + 1442695040888963407ull;
        char s[16];
        snprintf(s, sizeof s, "%04d-%02d-%02d", (int)((st >> 20) % 10000), (int)((st >> 34) % 14),
                 (int)((st >> 44) % 33));
        int nm = (int)((st >> 60) % 4);     /* 0-3 bytes changed */
        uint64_t r = st;
        for (int i = 0; i < nm; i++) {
            r = r * 6364136223846793005ull + 1;
            int at = (int)((r >> 33) % 10);
            unsigned pick = (unsigned)(r >> 50) % 3, v = (unsigned)(r >> 40) & 0xFF;
            s[at] = (char)(pick == 0 ? 0x2C + v % 15 : pick == 1 ? odd[v % sizeof odd] : v);
        }
        int32_t a = 7, b = 7;
        int ra = date_parse(s, 10, &a), rb = date_parse_bytes(s, 10, &b);
        if (ra != rb || a != b || date_parse(s, 10, NULL) != rb) bad++;
        shaped += rb != 0;
    }
    for (int at = 0; at < 10; at++)
        for (int v = 0; v < 256; v++) {
            char s[] = "2020-02-29";
            s[at] = (char)v;
            int32_t a = 7, b = 7;
            int ra = date_parse(s, 10, &a), rb = date_parse_bytes(s, 10, &b);
            if (ra != rb || a != b || date_parse(s, 10, NULL) != rb) bad++;
        }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(shaped > 500000);     /* the valid and the impossible dates among them */
}

/* One group of cells for a group parser (cellvec.h: fd for dates, or fi
 * for integers): cell j's text at buf + 64 j + 1 (its length len[j]), a
 * ',' before it and other bytes after it (the tokenizer's pad holds the
 * next fields); laid out as the column pass sees a column, both as field
 * 0 (record starts, a stride of 1) and as field 1 of two (the previous
 * field's ends, a stride of 2).  1 when the parser agrees with the cell
 * parser on both forms: every cell one date_parse takes (dates); every
 * cell empty or 1-8 bytes without a '-' that vp_int_padded takes
 * (integers: 0 and bit j of the empty mask for an empty cell j); with the
 * same values; or not (0, out and the mask untouched). */
static int group_agrees(dategroup_fn fd, intgroup_fn fi, char *buf, const size_t *len)
{
    enum { G = DATE_GROUP };
    _Static_assert(DATE_GROUP == INT_GROUP, "one group size");
    uint32_t start[G], ends[2 * G], want_empty = 0;
    int32_t want[G];
    int all = 1;
    for (int j = 0; j < G; j++) {
        uint32_t at = (uint32_t)(64 * j + 1);
        start[j] = at;
        ends[2 * j] = at - 1;
        ends[2 * j + 1] = at + (uint32_t)len[j];
        int64_t v = 0;
        if (fd)
            all &= date_parse(buf + at, len[j], &want[j]) == 1;
        else if (len[j] == 0)
            want_empty |= 1u << j;
        else
            all &= len[j] <= 8 && buf[at] != '-' && vp_int_padded(buf + at, len[j], &v) == 1;
        if (!fd) want[j] = (int32_t)v;
    }
    for (int form = 0; form < 2; form++) {
        int32_t out[G];
        uint32_t empty = 0x5a5a5a5a;
        for (int j = 0; j < G; j++) out[j] = 0x5a5a5a5a;
        const uint32_t *sp = form == 0 ? start : ends;
        size_t ss = form == 0 ? 1 : 2;
        int rc = fd ? fd(buf, sp, ss, (unsigned)form, ends + 1, 2, out)
                    : fi(buf, sp, ss, (unsigned)form, ends + 1, 2, out, &empty);
        if (rc != all || (!fd && empty != (all ? want_empty : 0x5a5a5a5a))) return 0;
        for (int j = 0; j < G; j++)
            if (out[j] != (all ? want[j] : 0x5a5a5a5a)) return 0;
    }
    return 1;
}

/* The group parser (cellvec.h, when this processor has one) against
 * date_parse, one cell at a time among valid dates, at every place of the
 * group: on every text YYYY-MM-DD of years 0000-9999, months 00-13 and
 * days 00-32 (leap days of 1900, 2000, 2019 and 2020 among them); on 2M
 * texts of valid dates of any year, one in 16 with month and day out of
 * range, one in 64 with one to three bytes changed (as
 * test_date_parse_mutated), one in about 90 cut or grown to 9 or 11 bytes
 * or to 0-9, in groups of such texts; and with every byte of one date of
 * a group changed to each of the 256. */
static void dategroup_agrees(dategroup_fn f)
{
    enum { G = DATE_GROUP };
    static char buf[64 * G + 64];
    size_t len[G];
    uint64_t st = 4242;
    /* valid dates around the cell under test */
    for (int j = 0; j < G; j++) {
        memset(buf + 64 * j, '7', 64);
        buf[64 * j] = ',';
        snprintf(buf + 64 * j + 1, 11, "%04d-%02d-%02d", 1950 + 7 * j, 1 + j % 12, 3 + j);
        buf[64 * j + 11] = ',';
        len[j] = 10;
    }
    int bad = 0, lanes_ok = 0;
    for (int y = 0; y <= 9999; y++)
        for (int m = 0; m <= 13; m++)
            for (int d = 0; d <= 32; d++) {
                int j = (y + m + d) % G;
                char save[12], s[16];
                memcpy(save, buf + 64 * j + 1, 11);
                snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
                memcpy(buf + 64 * j + 1, s, 10);
                if (!group_agrees(f, NULL, buf, len)) bad++;
                lanes_ok += date_parse(s, 10, NULL) == 1;
                memcpy(buf + 64 * j + 1, save, 11);
            }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(lanes_ok > 3000000);
    static const unsigned char odd[] = {0x00, 0x7F, 0x80, 0x8A, 0xB0, 0xFF, ' ', 0x3A, 0x2F, 0x2C};
    int groups_ok = 0, ngroups = 2000000 / G;
    bad = 0;
    for (int k = 0; k < ngroups; k++) {
        for (int j = 0; j < G; j++) {
            st = st * 6364136223846793005ull + 1442695040888963407ull;
            char *c = buf + 64 * j + 1;
            int y = (int)((st >> 20) % 10000), m = 1 + (int)((st >> 34) % 12), d = 1 + (int)((st >> 44) % 28);
            if ((st >> 40) % 16 == 0) {
                m = (int)((st >> 34) % 14);
                d = (int)((st >> 44) % 33);
            }
            snprintf(c, 11, "%04d-%02d-%02d", y, m, d);
            memset(c + 10, (st >> 8) & 1 ? '0' : '-', 20);     /* the pad: digits or dashes */
            len[j] = 10;
            uint64_t r = st;
            int nm = (st >> 58) % 64 == 0 ? 1 + (int)((st >> 61) % 3) : 0;
            for (int i = 0; i < nm; i++) {
                r = r * 6364136223846793005ull + 1;
                int at = (int)((r >> 33) % 10);
                unsigned pick = (unsigned)(r >> 50) % 3, v = (unsigned)(r >> 40) & 0xFF;
                c[at] = (char)(pick == 0 ? 0x2C + v % 15 : pick == 1 ? odd[v % sizeof odd] : v);
            }
            if ((st >> 4) % 97 == 0) len[j] = (st >> 12) & 1 ? 9 : 11;
            if ((st >> 4) % 211 == 1) len[j] = (size_t)((st >> 13) % 10);
        }
        if (!group_agrees(f, NULL, buf, len)) bad++;
        int all = 1;
        for (int j = 0; j < G; j++) all &= date_parse(buf + 64 * j + 1, len[j], NULL) == 1;
        groups_ok += all;
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(groups_ok > ngroups / 20 && groups_ok < ngroups - ngroups / 20);   /* both answers */
    bad = 0;
    for (int j = 0; j < G; j++) {
        snprintf(buf + 64 * j + 1, 11, "%04d-%02d-%02d", 2020, 2, 29 - j);
        buf[64 * j + 11] = ',';
        len[j] = 10;
    }
    for (int j = 0; j < G; j++)
        for (int at = 0; at < 10; at++)
            for (int v = 0; v < 256; v++) {
                char *c = buf + 64 * j + 1, keep = c[at];
                c[at] = (char)v;
                if (!group_agrees(f, NULL, buf, len)) bad++;
                c[at] = keep;
            }
    CU_ASSERT_EQUAL(bad, 0);
}

static void test_csv_fast_agrees(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    char wide[2048];
    size_t w = 0;
    /* 100 fields of growing length: field ends on every byte of a 64-byte
     * block, records longer than a block, more fields than the first array */
    for (int k = 0; k < 100; k++) w += (size_t)snprintf(wide + w, sizeof wide - w, "%s%.*s",
                                                         k ? "," : "", k % 17, "abcdefghijklmnopq");
    w += (size_t)snprintf(wide + w, sizeof wide - w, "\r\n");
    static const char *const texts[] = {
        "a,b,c\n1,2,3\n", "a,b,c\r\n1,2,3\r\n", "a,b\n1,2", "a,b\r\n1,2\r", "a,b\n1,2\r\n",
        "a,b\n\n\n1,2\n\r\n3,4\n", "a,b\n1,x\"y\"z\n", "a,b\n1,\"q,\"\"x\"\"\"\n",
        "a,b\n\"1\",2\n", "a,b\n1,\"open\n", "a,b\n1,\"x\"y\n", "a,b\nlone\rcr,2\n",
        "a,b\n1,2\r3\n", "\xEF\xBB\xBF" "a,b\n1,2\n", ",\n,\n", "\n", "", "a\n\"\"\n",
        "a,b\n1,2\n\"", "a\nx\r", "a\r", "\r\n\r\n", "a,b\n1,\"\"\r\n",
    };
    int bad = 0;
    for (size_t k = 0; k <= sizeof texts / sizeof *texts; k++) {
        const char *text = k < sizeof texts / sizeof *texts ? texts[k] : wide;
        size_t len = k < sizeof texts / sizeof *texts ? strlen(text) : w;
        char name[32];
        snprintf(name, sizeof name, "f%zu.csv", k);
        const char *p = fx_write(&fx, name, text, len);
        if (!p) {
            bad++;
            continue;
        }
        int ok = tokenizers_agree(p, 0, 1);
        for (size_t bs = 1; bs <= 150 && ok; bs += bs < 80 ? 1 : 7) ok = tokenizers_agree(p, bs, 0);
        ok = ok && batches_agree(p, 0, 1) && batches_agree(p, 64, 0) && batches_agree(p, 7, 0);
        if (!ok) {
            bad++;
            fprintf(stderr, "tokenizers differ on text %zu\n", k);
        }
        unlink(p);
        fx.n--;
    }
    /* random texts over the bytes that matter, CRLF and the CR before a
     * block's end among them */
    static const char alphabet[] = "ab,,,\n\n\r\"\" 9";
    unsigned seed = 12345;
    char text[700];
    for (int k = 0; k < 3000; k++) {
        seed = seed * 1103515245u + 12345u;
        size_t len = (seed >> 16) % sizeof text;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            text[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        const char *p = fx_write(&fx, "r.csv", text, len);
        if (!p || !tokenizers_agree(p, 0, 1) || !tokenizers_agree(p, 64, 0) ||
            !tokenizers_agree(p, 7, 0) || !batches_agree(p, 0, 1) || !batches_agree(p, 64, 0)) {
            bad++;
            fprintf(stderr, "tokenizers differ on random text %d\n", k);
        }
        if (p) unlink(p);
        fx.n--;
    }
    CU_ASSERT_EQUAL(bad, 0);
    fx_close(&fx);
}

/* The batches' whole-block tokenizer (batch_blocks in csv.c) on files of
 * plain records of one width, longer than a block, LF or CRLF line ends
 * (a third of the files CRLF throughout), with now and then what must stop
 * it: a blank line, a record of another width, a quoted field, a quote
 * inside a field, a lone CR, no final line end; every block mask, mapped
 * and through buffers of several sizes. */
static void test_csv_blocks_agree(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    static const char chars[] = "abcdefgh0123456789-.";
    unsigned seed = 777;
    char text[4096];
    int bad = 0;
#define RND(n) ((seed = seed * 1103515245u + 12345u), (size_t)((seed >> 16) % (n)))
    for (int k = 0; k < 400; k++) {
        size_t width = 2 + RND(9), rare = 1 + RND(40), len = 0, want = 200 + RND(3000);
        int crlf = RND(3) == 0;     /* every line ends in CRLF */
        while (len + 200 < sizeof text && len < want) {
            size_t odd = RND(rare) == 0 ? 1 + RND(8) : 0;
            size_t nf = odd == 1 ? width + 1 : odd == 2 ? width - 1 : width;
            if (odd == 3) {
                text[len++] = '\n';   /* a blank line */
                continue;
            }
            for (size_t j = 0; j < nf; j++) {
                if (j) text[len++] = ',';
                if (odd == 4 && j == nf - 1) text[len++] = '"';
                size_t fl = RND(13);
                for (size_t i = 0; i < fl; i++) text[len++] = chars[RND(sizeof chars - 1)];
                if (odd == 4 && j == nf - 1) text[len++] = '"';
                if (odd == 5 && j == 0) text[len++] = '"';     /* data, not quoting */
                if (odd == 6 && j == 0) text[len++] = '\r';    /* a lone CR */
            }
            if (odd == 7 || crlf) text[len++] = '\r';
            text[len++] = '\n';
        }
        if (RND(4) == 0) len--;     /* no final line end */
        const char *p = fx_write(&fx, "b.csv", text, len);
        if (!p || !batches_agree(p, 0, 1) || !batches_agree(p, 64, 0) ||
            !batches_agree(p, 200, 0) || !batches_agree(p, 1000, 0) || !tokenizers_agree(p, 0, 1)) {
            bad++;
            fprintf(stderr, "batches differ on blocks text %d\n", k);
        }
        if (p) unlink(p);
        fx.n--;
    }
#undef RND
    CU_ASSERT_EQUAL(bad, 0);
    fx_close(&fx);
}

/* Two loads of the same tables: the same rows, types, missing flags,
 * values (reals bit for bit, texts as strings) and diagnostics. */
static int loads_agree(const cohort_data *a, const capture *ca, const cohort_data *b,
                       const capture *cb)
{
    if (ca->n != cb->n) return 0;
    for (int k = 0; k < ca->n; k++)
        if (ca->r[k].level != cb->r[k].level || strcmp(ca->r[k].msg, cb->r[k].msg) != 0 ||
            ca->r[k].line != cb->r[k].line || ca->r[k].col != cb->r[k].col ||
            ca->r[k].len != cb->r[k].len || strcmp(ca->r[k].src, cb->r[k].src) != 0)
            return 0;
    return tables_agree(a, b);
}

/* Load with the fast paths and again without (COHORT_CSV_SLOW=1): equal;
 * the loaded tables are returned through *out for further checks. */
static int fast_load_agrees(const table_spec *sp, size_t n, const load_opts *o, strpool *pool,
                            cohort_data **out, capture *cap)
{
    static capture slowcap;
    unsetenv("COHORT_CSV_SLOW");
    cohort_data *a = load1(sp, n, o, pool, cap);
    setenv("COHORT_CSV_SLOW", "1", 1);
    cohort_data *b = load1(sp, n, o, pool, &slowcap);
    unsetenv("COHORT_CSV_SLOW");
    int same = loads_agree(a, cap, b, &slowcap);
    data_free(b);
    *out = a;
    return same;
}

/* The loader's fast path for cells (a value that fits its column's type as
 * it is) against store_cell alone, on the edge cases of each type:
 * undeclared columns (types guessed, promoted) and declared ones. */
static void test_cells_fast_agrees(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    /* no errors: signs, leading zeros, extreme integers and reals, leap
     * days, spaces, quoted numbers and dates, CRLF and LF; i turns real at
     * "+7", q (quoted cells) turns text at the date */
    static const char csv[] =
        "id,i,r,d,b,t,q\r\n"
        "1,7,1.5,2020-02-29,true,a,\"5\"\r\n"
        "2,-7,-0.25,2019-02-28,FALSE,2019-02-28,\"-3\"\r\n"
        "3,+7,+2.5,2000-02-29,True,x y,\"2019-02-28\"\n"
        "4,007,007.50,1900-02-28,false, 5,\"\"\r\n"
        "5,-0,-0.0,0001-01-01,NA,5 ,NA\n"
        "6,9223372036854775807,1e308,9999-12-31,,NA,\"x\"\"y\"\n"
        "7,-9223372036854775808,4.9e-324,1970-01-01,true,-,1\n"
        "8,,0.1,,false,,2\n"
        "9,NA,.5,0000-02-29,true,2019-2-28,3\n"
        "10,12,5.,2019-12-31,false,2019-02-28T00,4\n";
    const char *p = fx_write(&fx, "cells.csv", csv, sizeof csv - 1);
    /* promotions late in the file: i to real then text (overflow, "- 3"),
     * r to text (1e999), d to text (2020-1-3); and impossible dates in
     * columns of every type (errors) */
    static const char more[] =
        "id,i,r,d,b,t\n1,1,1.0,2020-01-01,true,a\n2,-1,2,2020-01-02,false,b\n"
        "3,9223372036854775808,1e999,2020-1-3,true,c\n4,-9223372036854775809,-,2020-01-04,x,d\n"
        "5,- 3,+,\"2020-01-05\",true,e\n";
    const char *p2 = fx_write(&fx, "more.csv", more, sizeof more - 1);
    static const char errs[] =
        "id,i,r,d,b,t\r\n1,1,1.5,2020-01-01,true,a\r\n2,2019-02-29,2019-02-30,2019-02-29,"
        "2019-04-31,2019-13-01\r\n3,2,2.5,1900-02-29,false,2019-00-10\r\n";
    const char *p3 = fx_write(&fx, "errs.csv", errs, sizeof errs - 1);
    strpool *pool = strpool_new();
    capture cap;
    cohort_data *d;
    table_spec sp = {.name = "t", .path = p, .key = "id"};
    CU_ASSERT(fast_load_agrees(&sp, 1, NULL, pool, &d, &cap));
    CU_ASSERT_EQUAL(cap.n, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    /* by hand, as the general path reads them */
    const column *c = col_named(d, 0, "i");
    CU_ASSERT_EQUAL(c->type, CT_REAL);
    CU_ASSERT(c->r[0] == 7 && c->r[1] == -7 && c->r[2] == 7 && c->r[3] == 7 && c->r[4] == 0 &&
              c->r[5] == 9223372036854775807.0 && c->r[6] == -9223372036854775808.0 &&
              col_missing(c, 7) && col_missing(c, 8) && c->r[9] == 12);
    c = col_named(d, 0, "r");
    CU_ASSERT_EQUAL(c->type, CT_REAL);
    CU_ASSERT(c->r[3] == 7.5 && signbit(c->r[4]) && c->r[5] == 1e308 && c->r[6] == 4.9e-324 &&
              c->r[8] == 0.5 && c->r[9] == 5);
    c = col_named(d, 0, "d");
    CU_ASSERT_EQUAL(c->type, CT_DATE);
    CU_ASSERT(c->d[0] == ymd(2020, 2, 29) && c->d[2] == ymd(2000, 2, 29) &&
              c->d[3] == ymd(1900, 2, 28) && c->d[4] == ymd(1, 1, 1) &&
              c->d[5] == ymd(9999, 12, 31) && c->d[6] == 0 && col_missing(c, 7) &&
              c->d[8] == ymd(0, 2, 29));
    c = col_named(d, 0, "t");
    CU_ASSERT_EQUAL(c->type, CT_TEXT);
    CU_ASSERT_STRING_EQUAL(col_text(c, 3), " 5");
    CU_ASSERT_STRING_EQUAL(col_text(c, 4), "5 ");
    c = col_named(d, 0, "q");
    CU_ASSERT_EQUAL(c->type, CT_TEXT);
    CU_ASSERT_STRING_EQUAL(col_text(c, 0), "5");
    CU_ASSERT_STRING_EQUAL(col_text(c, 5), "x\"y");
    data_free(d);
    table_spec s2 = {.name = "m", .path = p2};
    CU_ASSERT(fast_load_agrees(&s2, 1, NULL, pool, &d, &cap));
    CU_ASSERT_EQUAL(cap.n, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(col_named(d, 0, "i")->type, CT_TEXT);
    CU_ASSERT_EQUAL(col_named(d, 0, "r")->type, CT_TEXT);
    CU_ASSERT_EQUAL(col_named(d, 0, "d")->type, CT_TEXT);
    CU_ASSERT_EQUAL(col_named(d, 0, "b")->type, CT_TEXT);
    data_free(d);
    table_spec s3 = {.name = "e", .path = p3};
    CU_ASSERT(fast_load_agrees(&s3, 1, NULL, pool, &d, &cap));
    CU_ASSERT_PTR_NULL(d);
    CU_ASSERT_EQUAL(cap.n, 7);  /* the six impossible dates of row 2, 1900-02-29 */
    /* declared types: "+7", "-0.0"... against declared columns (errors) */
    static const char *const dn[] = {"i", "r", "d", "b"};
    static const int dt[] = {CT_INT, CT_REAL, CT_DATE, CT_BOOL};
    table_spec sd = {.name = "t", .path = p, .key = "id", .ndecl = 4, .decl_names = dn,
                     .decl_types = dt};
    CU_ASSERT(fast_load_agrees(&sd, 1, NULL, pool, &d, &cap));
    CU_ASSERT_PTR_NULL(d);
    CU_ASSERT(cap.n > 0);
    /* custom missing strings of several lengths, one of 64 bytes or more */
    static const char *const na[] = {"-", ".", "missing", "n/a", "x y",
        "a missing-value string of sixty-four bytes or more, which is long"};
    load_opts o = {.na = na, .nna = 6};
    CU_ASSERT(fast_load_agrees(&sp, 1, &o, pool, &d, &cap));
    CU_ASSERT_PTR_NOT_NULL(d);
    data_free(d);
    CU_ASSERT(fast_load_agrees(&s2, 1, &o, pool, &d, &cap));
    data_free(d);
    strpool_free(pool);
    fx_close(&fx);
}

/* The integer group parser against vp_int_padded: every number 0-99999
 * and every power of ten and its neighbours up to 10^10 with 0-3 leading
 * zeros, at every place of a group of 1-8 digit numbers; then 4M cells
 * in groups: lengths 0-11, digits mostly, one in 32 with a byte changed
 * to one near the digits ('/', ':', '-', '+', '.', ' ', 0x00, 0x80,
 * 0xB0, 0xFF, 0x39 + 16...) or any, a '-' first one in 64, and the
 * bytes after each cell digits or not. */
static void intgroup_agrees(intgroup_fn f)
{
    enum { G = INT_GROUP };
    static char buf[64 * G + 64];
    size_t len[G];
    for (int j = 0; j < G; j++) {
        memset(buf + 64 * j, '5', 64);
        buf[64 * j] = ',';
        len[j] = (size_t)snprintf(buf + 64 * j + 1, 12, "%d", 1 + 7 * j * j * j);
        buf[64 * j + 1 + len[j]] = '9';
    }
    int bad = 0;
    for (long x = 0; x < 100000 + 4 * 11 * 3; x++) {
        char s[24];
        if (x < 100000) {
            snprintf(s, sizeof s, "%ld", x);
        } else {
            long e = (x - 100000) / 12, r = (x - 100000) % 12, p = 1;
            for (long i = 0; i < e % 11; i++) p *= 10;
            snprintf(s, sizeof s, "%.*s%ld", (int)(r / 3), "000", p - 1 + r % 3);
        }
        int j = (int)(x % G);
        char save[16];
        size_t keep = len[j];
        memcpy(save, buf + 64 * j + 1, 16);
        len[j] = strlen(s);
        memcpy(buf + 64 * j + 1, s, len[j]);
        if (!group_agrees(NULL, f, buf, len)) bad++;
        memcpy(buf + 64 * j + 1, save, 16);
        len[j] = keep;
    }
    CU_ASSERT_EQUAL(bad, 0);
    static const unsigned char odd[] = {'/', ':', '-', '+', '.', ' ', 0x00, 0x80, 0xB0, 0xFF, 0x39 + 16,
                                        0x30 - 16, 0x30 + 128, 'e'};
    uint64_t st = 31337;
    int ngroups = 4000000 / G, groups_ok = 0, with_empty = 0;
    bad = 0;
    for (int k = 0; k < ngroups; k++) {
        for (int j = 0; j < G; j++) {
            st = st * 6364136223846793005ull + 1442695040888963407ull;
            char *c = buf + 64 * j + 1;
            size_t n = 1 + (size_t)((st >> 20) % 8);
            if ((st >> 24) % 16 == 0) n = (size_t)((st >> 28) % 12);    /* 0-11 */
            for (size_t i = 0; i < 16; i++) c[i] = (char)('0' + (st >> (i * 3 % 60)) % 10);
            if ((st >> 8) & 1) memset(c + n, (st >> 9) & 1 ? ',' : '7', 8);   /* after it */
            if ((st >> 32) % 64 == 0 && n) c[0] = '-';
            if ((st >> 38) % 32 == 0 && n) {
                unsigned v = (unsigned)(st >> 44);
                c[(st >> 52) % n] = (char)((v & 1) ? odd[(v >> 1) % sizeof odd] : (v >> 1) & 0xFF);
            }
            len[j] = n;
        }
        uint32_t em = 0;
        int all = 1;
        for (int j = 0; j < G; j++) {
            int64_t v;
            if (len[j] == 0) em = 1;
            else all &= len[j] <= 8 && buf[64 * j + 1] != '-' && vp_int_padded(buf + 64 * j + 1, len[j], &v) == 1;
        }
        groups_ok += all;
        with_empty += all && em;
        if (!group_agrees(NULL, f, buf, len)) bad++;
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(groups_ok > ngroups / 50 && groups_ok < ngroups - ngroups / 50);  /* both answers */
    CU_ASSERT(with_empty > 100);
}

/* Each form of the group parsers this processor runs (cellvec.h:
 * AVX-512, AVX2) on dategroup_agrees' cells (dates) or intgroup_agrees'
 * (not): the widest is the one picked by default; the dates and the
 * integers of a form come together, and "none" or an unknown name picks
 * none. */
static void each_group_form(int dates)
{
    static const char *const forms[] = {"avx512", "avx2"};
    CU_ASSERT(!dategroup_pick("none") && !intgroup_pick("none"));
    CU_ASSERT(!dategroup_pick("sse9") && !intgroup_pick("sse9"));
    int ran = 0;
    for (size_t k = 0; k < sizeof forms / sizeof *forms; k++) {
        dategroup_fn fd = dategroup_pick(forms[k]);
        intgroup_fn fi = intgroup_pick(forms[k]);
        CU_ASSERT((fd == NULL) == (fi == NULL));
        if (!fd || !fi) continue;
        if (!ran) CU_ASSERT(fd == dategroup_pick(NULL) && fi == intgroup_pick(NULL));
        if (dates)
            dategroup_agrees(fd);
        else
            intgroup_agrees(fi);
        ran++;
    }
    if (!ran) CU_ASSERT(!dategroup_pick(NULL) && !intgroup_pick(NULL));
}

static void test_dategroup_agrees(void)
{
    each_group_form(1);
}

static void test_intgroup_agrees(void)
{
    each_group_form(0);
}

/* The column pass with dates and integers taken a group at a time
 * (cellvec.h) against the general path (COHORT_CSV_SLOW=1): date and
 * integer columns as field 0 and further in, whose groups hold missing
 * cells ("", NA, a date-shaped missing string), impossible dates (errors),
 * partial and malformed dates (the column turns text), signed, 9-11
 * digit, 64-bit and real numbers (the column widens or turns real or
 * text) at every position of a group, in files of 513-591 rows and of
 * 1100-1699 (groups cut short at the end of a batch or the file); with
 * the default missing strings, with a date-shaped one (no date groups)
 * and with an all-digit one (no integer groups); undeclared and
 * declared. */
static void test_cell_groups_agree(void)
{
    strpool *pool = strpool_new();
    static const char *const na[] = {"NA", "1900-01-01"}, *const na9[] = {"NA", "999"};
    load_opts o = {.na = na, .nna = 2}, o9 = {.na = na9, .nna = 2};
    uint64_t st = 77;
    int bad = 0, loaded = 0;
    for (int trial = 0; trial < 400; trial++) {
        st = st * 6364136223846793005ull + 1442695040888963407ull;
        /* a column's type is settled by the first batch's rows (512 here),
         * stored row by row: groups from the second batch on */
        int rows = trial % 50 == 7 ? 1100 + (int)((st >> 33) % 600) : 512 + (int)((st >> 33) % 80);
        int dkind = trial % 3 == 2 && trial % 4 == 0 ? 2 : trial % 2, ikind = (trial / 3) % 3;
        int nfirst = trial & 1;     /* the integers as field 0 */
        textbuf tb = {0};
        tb_add(&tb, nfirst ? "n,d,id,e\n" : "d,id,e,n\n");
        for (int i = 0; i < rows; i++) {
            char cell[3][32];
            for (int c = 0; c < 2; c++) {
                st = st * 6364136223846793005ull + 1442695040888963407ull;
                snprintf(cell[c], sizeof cell[c], "%04d-%02d-%02d", 1900 + (int)((st >> 20) % 200),
                         1 + (int)((st >> 30) % 12), 1 + (int)((st >> 40) % 28));
                if ((st >> 50) % 23 == 0) {
                    static const char *const odd[3][4] = {
                        {"", "NA", "1900-01-01", "NA"},         /* missing (o: all 3) */
                        {"not a date", "2019-02", "2020-1-01", "20200101"},     /* text */
                        {"2019-02-29", "2019-13-01", "0000-02-30", "2020-01-011"}};  /* errors */
                    snprintf(cell[c], sizeof cell[c], "%s", odd[dkind][(st >> 56) % 4]);
                }
            }
            st = st * 6364136223846793005ull + 1442695040888963407ull;
            snprintf(cell[2], sizeof cell[2], "%0*d", (int)((st >> 20) % 4), (int)((st >> 24) % 100000000));
            if ((st >> 10) % 5 == 0) cell[2][0] = 0;    /* empty: missing */
            if ((st >> 50) % 29 == 0) {
                static const char *const odd[3][4] = {
                    {"NA", "999", "007", "0"},                              /* missing (o9), 32 bits */
                    {"-3", "123456789", "-2147483648", "2147483648"},       /* 64 bits at the last */
                    {"1.5", "x", "99999999999", "-"}};                      /* real, text */
                snprintf(cell[2], sizeof cell[2], "%s", odd[ikind][(st >> 56) % 4]);
            }
            if (nfirst)
                tb_printf(&tb, "%s,%s,%d,%s\n", cell[2], cell[0], i + 1, cell[1]);
            else
                tb_printf(&tb, "%s,%d,%s,%s\n", cell[0], i + 1, cell[1], cell[2]);
        }
        CU_ASSERT_FATAL(!tb.oom);
        fixture fx;     /* one a trial: a fixture holds MAXFILES files */
        CU_ASSERT_FATAL(fx_open(&fx) == 0);
        const char *p = fx_write(&fx, "cells.csv", tb.s, tb.n);
        free(tb.s);
        table_spec sp = {.name = "t", .path = p, .key = "id"};
        capture cap;
        cohort_data *d;
        if (!fast_load_agrees(&sp, 1, NULL, pool, &d, &cap)) bad++;
        data_free(d);
        if (!fast_load_agrees(&sp, 1, &o, pool, &d, &cap)) bad++;   /* no date groups */
        data_free(d);
        if (!fast_load_agrees(&sp, 1, &o9, pool, &d, &cap)) bad++;  /* no integer groups */
        loaded += d != NULL;
        data_free(d);
        static const char *const dn[] = {"d", "e", "n"};
        static const int dt[] = {CT_DATE, CT_DATE, CT_INT};
        table_spec sd = {.name = "t", .path = p, .key = "id", .ndecl = 3, .decl_names = dn,
                         .decl_types = dt};
        if (!fast_load_agrees(&sd, 1, NULL, pool, &d, &cap)) bad++;
        data_free(d);
        fx_close(&fx);
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(loaded > 250);    /* most without errors: values compared */
    strpool_free(pool);
}

/* Output temporary files: a symlink planted at the old predictable name
 * (DIR/.NAME.tmp) must not be followed; the file made is new and regular. */
static void test_outfile_symlink(void)
{
    char dir[] = "/tmp/cohort-outfile-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char victim[256], link[256], final[256], tmp[256];
    snprintf(victim, sizeof victim, "%s/victim", dir);
    snprintf(link, sizeof link, "%s/.out.csv.tmp", dir);
    snprintf(final, sizeof final, "%s/out.csv", dir);
    FILE *v = fopen(victim, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    fputs("keep\n", v);
    fclose(v);
    CU_ASSERT_EQUAL(symlink(victim, link), 0);
    FILE *f = outfile_create(final, tmp, sizeof tmp);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("new\n", f);
    CU_ASSERT_EQUAL(fclose(f), 0);
    struct stat st;
    CU_ASSERT_EQUAL(lstat(tmp, &st), 0);
    CU_ASSERT(S_ISREG(st.st_mode));
    CU_ASSERT_STRING_NOT_EQUAL(tmp, link);
    CU_ASSERT_EQUAL(strncmp(tmp, link, strlen(dir) + 10), 0);   /* DIR/.out.csv. */
    char buf[16] = {0};
    v = fopen(victim, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    CU_ASSERT_PTR_NOT_NULL(fgets(buf, sizeof buf, v));
    fclose(v);
    CU_ASSERT_STRING_EQUAL(buf, "keep\n");
    unlink(tmp);
    unlink(link);
    unlink(victim);
    rmdir(dir);
}

/* The missing-flag accessors on one bit per row: bits on both sides of
 * word boundaries set and cleared one at a time, the others untouched. */
static void test_missing_bits(void)
{
    uint64_t words[3] = {0, 0, 0};
    column c = {.miss = words};
    static const size_t at[] = {0, 1, 62, 63, 64, 65, 127, 128, 191};
    for (size_t k = 0; k < sizeof at / sizeof *at; k++) col_set_missing(&c, at[k]);
    for (size_t r = 0; r < 192; r++) {
        int want = 0;
        for (size_t k = 0; k < sizeof at / sizeof *at; k++) want |= at[k] == r;
        CU_ASSERT_EQUAL(col_missing(&c, r), want);
    }
    CU_ASSERT_EQUAL(words[0], 0x8000000000000000ull | 0x4000000000000000ull | 3);
    CU_ASSERT_EQUAL(words[1], 0x8000000000000000ull | 3);
    CU_ASSERT_EQUAL(words[2], 0x8000000000000000ull | 1);
    col_clear_missing(&c, 63);
    col_clear_missing(&c, 64);
    CU_ASSERT(!col_missing(&c, 63) && !col_missing(&c, 64) && col_missing(&c, 62) &&
              col_missing(&c, 65));
    CU_ASSERT_EQUAL(miss_words(0), 1);
    CU_ASSERT_EQUAL(miss_words(64), 1);
    CU_ASSERT_EQUAL(miss_words(65), 2);
}

/* One table of 300 rows read in one pass and in parts of 97 bytes on 1, 2
 * and 3 threads (COHORT_CSV_PART_BYTES): each part's first row falls
 * anywhere in a word of missing flags.  m is missing on rows next to word
 * boundaries; a fits 32 bits but for INT32_MAX + 1 in row 150, b but for
 * INT32_MIN - 1 in row 151 (both stay 64-bit, every value exact); c holds
 * INT32_MAX and INT32_MIN (kept in 32 bits); t is text (ids). */
static void test_lean_columns(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    enum { ROWS = 300 };
    static const size_t gaps[] = {0, 62, 63, 64, 65, 127, 128, 150, 191, 192, 255, 256, 299};
    size_t cap = 64 + ROWS * 80;
    char *csv = malloc(cap);
    CU_ASSERT_FATAL(csv != NULL);
    size_t len = (size_t)snprintf(csv, cap, "id,m,a,b,c,t\n");
    for (size_t r = 0; r < ROWS; r++) {
        int gap = 0;
        for (size_t k = 0; k < sizeof gaps / sizeof *gaps; k++) gap |= gaps[k] == r;
        long long a = r == 150 ? (long long)INT32_MAX + 1 : (long long)r;
        long long b = r == 151 ? (long long)INT32_MIN - 1 : -(long long)r;
        long long cv = r % 2 ? INT32_MAX : INT32_MIN;
        len += (size_t)snprintf(csv + len, cap - len, "%zu,%s,%lld,%lld,%lld,%s\n", r,
                                gap ? "" : "1.5", a, b, cv, r % 3 ? "x" : "yz");
    }
    const char *path = fx_write(&fx, "lean.csv", csv, len);
    free(csv);
    table_spec sp = {.name = "t", .path = path, .key = "id"};
    strpool *pool = strpool_new();
    capture cap1, cap2;
    unsetenv("COHORT_CSV_PART_BYTES");
    load_opts one = {.threads = 1};
    cohort_data *d1 = load1(&sp, 1, &one, pool, &cap1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d1);
    const column *m = col_named(d1, 0, "m"), *a = col_named(d1, 0, "a");
    const column *b = col_named(d1, 0, "b"), *c = col_named(d1, 0, "c"), *t = col_named(d1, 0, "t");
    for (size_t r = 0; r < ROWS; r++) {
        int gap = 0;
        for (size_t k = 0; k < sizeof gaps / sizeof *gaps; k++) gap |= gaps[k] == r;
        CU_ASSERT_EQUAL(col_missing(m, r), gap);
    }
    CU_ASSERT(a->i && !a->i32 && col_int(a, 150) == (int64_t)INT32_MAX + 1 && col_int(a, 149) == 149);
    CU_ASSERT(b->i && !b->i32 && col_int(b, 151) == (int64_t)INT32_MIN - 1 && col_int(b, 152) == -152);
    CU_ASSERT(c->i32 && !c->i && col_int(c, 0) == INT32_MIN && col_int(c, 1) == INT32_MAX);
    CU_ASSERT(col_named(d1, 0, "id")->i32 != NULL);
    CU_ASSERT_EQUAL(data_col_width(c), 4);
    CU_ASSERT_EQUAL(data_col_width(a), 8);
    CU_ASSERT_STRING_EQUAL(col_text(t, 0), "yz");
    CU_ASSERT_PTR_EQUAL(col_text(t, 1), col_text(t, 2));   /* one id, one pointer */
    CU_ASSERT_EQUAL(t->sid[1], t->sid[2]);
    setenv("COHORT_CSV_PART_BYTES", "97", 1);
    for (int th = 1; th <= 3; th++) {
        load_opts o = {.threads = th};
        cohort_data *d2 = load1(&sp, 1, &o, pool, &cap2);
        CU_ASSERT(loads_agree(d1, &cap1, d2, &cap2));
        CU_ASSERT(d2 && col_named(d2, 0, "a")->i && col_named(d2, 0, "c")->i32);
        data_free(d2);
    }
    unsetenv("COHORT_CSV_PART_BYTES");
    data_free(d1);
    strpool_free(pool);
    fx_close(&fx);
}

/* ---- one file read in parts: speculative parts ------------------------- */

/* Load sp in one pass (no hook, one thread) into *one / cap1, then in parts
 * of each size in bytes[] on 1, 2 and 3 threads: how many of those loads
 * differ from the one pass (tables or diagnostics). */
static int parts_differ(const table_spec *sp, strpool *pool, const size_t *bytes, size_t nb,
                        cohort_data **one, capture *cap1)
{
    static capture cap2;
    unsetenv("COHORT_CSV_PART_BYTES");
    load_opts o1 = {.threads = 1};
    *one = load1(sp, 1, &o1, pool, cap1);
    int differ = 0;
    for (size_t b = 0; b < nb; b++) {
        char num[32];
        snprintf(num, sizeof num, "%zu", bytes[b]);
        setenv("COHORT_CSV_PART_BYTES", num, 1);
        for (int th = 1; th <= 3; th++) {
            load_opts o = {.threads = th};
            cohort_data *d2 = load1(sp, 1, &o, pool, &cap2);
            if (!loads_agree(*one, cap1, d2, &cap2)) differ++;
            data_free(d2);
        }
    }
    unsetenv("COHORT_CSV_PART_BYTES");
    return differ;
}

/* Candidate part starts inside quoted fields: every fifth note holds line
 * ends followed by text shaped like a whole record ("9999,fake,77"), so a
 * part that starts just after such a line end reads a row that is not
 * there, and must be read again from where the part before it ended.  By
 * hand: 60 rows, ids 0..59, v = 2 * id, no id 9999. */
static void test_parts_wrong_start(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    enum { ROWS = 60 };
    char *csv = malloc(64 + ROWS * 64);
    CU_ASSERT_FATAL(csv != NULL);
    size_t len = (size_t)sprintf(csv, "id,note,v\n");
    for (int i = 0; i < ROWS; i++)
        len += (size_t)sprintf(csv + len, i % 5 ? "%d,plain,%d\n"
                                                 : "%d,\"line one\n9999,fake,77\nline three\",%d\n",
                               i, 2 * i);
    const char *path = fx_write(&fx, "wrong.csv", csv, len);
    free(csv);
    table_spec sp = {.name = "t", .path = path, .key = "id"};
    strpool *pool = strpool_new();
    static capture cap1;
    static const size_t bytes[] = {5, 9, 13, 17, 23, 31, 40, 57};
    cohort_data *d1;
    CU_ASSERT_EQUAL(parts_differ(&sp, pool, bytes, 8, &d1, &cap1), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d1);
    CU_ASSERT_EQUAL(cap1.n, 0);
    CU_ASSERT_EQUAL(d1->tables[0].nrows, ROWS);
    /* and in parts: the rows themselves, not only their agreement */
    setenv("COHORT_CSV_PART_BYTES", "13", 1);
    load_opts o = {.threads = 2};
    static capture cap2;
    cohort_data *d2 = load1(&sp, 1, &o, pool, &cap2);
    unsetenv("COHORT_CSV_PART_BYTES");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d2);
    CU_ASSERT_EQUAL(d2->tables[0].nrows, ROWS);
    const column *id = col_named(d2, 0, "id"), *v = col_named(d2, 0, "v");
    const column *note = col_named(d2, 0, "note");
    int bad = 0;
    for (int i = 0; i < ROWS; i++)
        bad += col_int(id, (size_t)i) != i || col_int(v, (size_t)i) != 2 * i;
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_STRING_EQUAL(col_text(note, 5), "line one\n9999,fake,77\nline three");
    CU_ASSERT_STRING_EQUAL(col_text(note, 6), "plain");
    data_free(d2);
    data_free(d1);
    strpool_free(pool);
    fx_close(&fx);
}

/* Parts with no rows: a run of blank lines (and, in the second file, a
 * ragged record among them) fills whole parts.  Their lines still count
 * for the lines of the diagnostics after them.  By hand: rows 1..10 on
 * lines 2..11, 200 blank lines (12..211), rows 11..20 on lines 212..221;
 * in the second file line 100 is "x" (one field, not 2) and row 15's d
 * (line 216) is the impossible date 2019-02-30. */
static void test_parts_zero_rows(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    char csv[2][1024];
    for (int f = 0; f < 2; f++) {
        size_t len = (size_t)sprintf(csv[f], "id,d\n");
        for (int i = 1; i <= 20; i++) {
            if (i == 11)
                for (int k = 12; k <= 211; k++) len += (size_t)sprintf(csv[f] + len, f && k == 100 ? "x\n" : "\n");
            len += (size_t)sprintf(csv[f] + len, "%d,%s\n", i,
                                   f && i == 15 ? "2019-02-30" : "2019-03-01");
        }
    }
    const char *p0 = fx_file(&fx, "blank.csv", csv[0]), *p1 = fx_file(&fx, "blankbad.csv", csv[1]);
    strpool *pool = strpool_new();
    static capture cap1;
    static const size_t bytes[] = {7, 20, 50, 90};
    cohort_data *d1;
    table_spec sp = {.name = "t", .path = p0, .key = "id"};
    CU_ASSERT_EQUAL(parts_differ(&sp, pool, bytes, 4, &d1, &cap1), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d1);
    CU_ASSERT_EQUAL(d1->tables[0].nrows, 20);
    CU_ASSERT_EQUAL(col_int(col_named(d1, 0, "id"), 10), 11);
    data_free(d1);
    sp.path = p1;
    CU_ASSERT_EQUAL(parts_differ(&sp, pool, bytes, 4, &d1, &cap1), 0);
    CU_ASSERT_PTR_NULL(d1);
    CU_ASSERT_EQUAL_FATAL(cap1.n, 2);
    CU_ASSERT_EQUAL(cap1.r[0].line, 100);
    CU_ASSERT_STRING_EQUAL(cap1.r[0].msg, "expected 2 fields as in the header, found 1");
    CU_ASSERT_EQUAL(cap1.r[1].line, 216);
    CU_ASSERT_STRING_EQUAL(cap1.r[1].src, "15,2019-02-30");
    strpool_free(pool);
    fx_close(&fx);
}

/* Parts that guess different types: a is integer but for 2.5 in row 150
 * (real: the integers of the other parts converted), b boolean but text
 * from row 120 (text: the booleans read again as text), c missing in rows
 * 0..99 then dates (a date column; parts that saw no value hold nothing),
 * w 32-bit but 5000000000 in row 180 (64-bit: the 32-bit parts widened).
 * By hand from the generator below. */
static void test_parts_types(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    enum { ROWS = 200 };
    char *csv = malloc(64 + ROWS * 64);
    CU_ASSERT_FATAL(csv != NULL);
    size_t len = (size_t)sprintf(csv, "id,a,b,c,w\n");
    for (int i = 0; i < ROWS; i++) {
        char a[16], c[16], w[24];
        snprintf(a, sizeof a, i == 150 ? "2.5" : "%d", i);
        if (i < 100) c[0] = 0;
        else snprintf(c, sizeof c, "2020-01-%02d", 1 + i % 28);
        snprintf(w, sizeof w, i == 180 ? "5000000000" : "%d", -i);
        len += (size_t)sprintf(csv + len, "%d,%s,%s,%s,%s\n", i, a,
                               i < 120 ? (i % 2 ? "true" : "false") : "maybe", c, w);
    }
    const char *path = fx_write(&fx, "types.csv", csv, len);
    free(csv);
    table_spec sp = {.name = "t", .path = path, .key = "id"};
    strpool *pool = strpool_new();
    static capture cap1;
    static const size_t bytes[] = {11, 64, 500, 3000};
    cohort_data *d1;
    CU_ASSERT_EQUAL(parts_differ(&sp, pool, bytes, 4, &d1, &cap1), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d1);
    data_free(d1);
    setenv("COHORT_CSV_PART_BYTES", "500", 1);
    load_opts o = {.threads = 2};
    static capture cap2;
    cohort_data *d = load1(&sp, 1, &o, pool, &cap2);
    unsetenv("COHORT_CSV_PART_BYTES");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    const column *a = col_named(d, 0, "a"), *b = col_named(d, 0, "b");
    const column *c = col_named(d, 0, "c"), *w = col_named(d, 0, "w");
    CU_ASSERT_EQUAL(a->type, CT_REAL);
    CU_ASSERT_EQUAL(b->type, CT_TEXT);
    CU_ASSERT_EQUAL(c->type, CT_DATE);
    CU_ASSERT(w->type == CT_INT && w->i && !w->i32);
    int bad = 0;
    for (int i = 0; i < ROWS; i++) {
        bad += a->r[i] != (i == 150 ? 2.5 : (double)i);
        bad += strcmp(col_text(b, (size_t)i), i < 120 ? (i % 2 ? "true" : "false") : "maybe") != 0;
        bad += col_missing(c, (size_t)i) != (i < 100);
        bad += i >= 100 && c->d[i] != ymd(2020, 1, 1 + i % 28);
        bad += col_int(w, (size_t)i) != (i == 180 ? 5000000000LL : -i);
    }
    CU_ASSERT_EQUAL(bad, 0);
    data_free(d);
    strpool_free(pool);
    fx_close(&fx);
}

/* Parts with more rows than their first estimates: each third of the file
 * is 4096 long rows (a 40-byte text) then 12000 short ones, so a part's
 * arrays, allocated for 4096 rows, then for what its first bytes promise,
 * must grow again.  By hand: 3 * 16096 rows, v = id, t long in the first
 * 4096 rows of each third. */
static void test_parts_grow(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    enum { LONG = 4096, SHORT = 12000, THIRD = LONG + SHORT, ROWS = 3 * THIRD };
    char *csv = malloc((size_t)ROWS * 64 + 64);
    CU_ASSERT_FATAL(csv != NULL);
    size_t len = (size_t)sprintf(csv, "id,t,v\n");
    for (int i = 0; i < ROWS; i++)
        len += (size_t)sprintf(csv + len, "%d,%s,%d\n", i,
                               i % THIRD < LONG ? "a text of forty bytes or so; give or take" : "s", i);
    const char *path = fx_write(&fx, "grow.csv", csv, len);
    free(csv);
    table_spec sp = {.name = "t", .path = path, .key = "id"};
    strpool *pool = strpool_new();
    static capture cap1;
    size_t bytes[] = {len / 3 + 1, len / 2 + 1};
    cohort_data *d1;
    CU_ASSERT_EQUAL(parts_differ(&sp, pool, bytes, 2, &d1, &cap1), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d1);
    data_free(d1);
    char num[32];
    snprintf(num, sizeof num, "%zu", len / 3 + 1);
    setenv("COHORT_CSV_PART_BYTES", num, 1);
    load_opts o = {.threads = 2};
    static capture cap2;
    cohort_data *d = load1(&sp, 1, &o, pool, &cap2);
    unsetenv("COHORT_CSV_PART_BYTES");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(d->tables[0].nrows, ROWS);
    const column *v = col_named(d, 0, "v"), *t = col_named(d, 0, "t");
    int bad = 0;
    for (int i = 0; i < ROWS; i++)
        bad += col_int(v, (size_t)i) != i || (strcmp(col_text(t, (size_t)i), "s") == 0) != (i % THIRD >= LONG);
    CU_ASSERT_EQUAL(bad, 0);
    data_free(d);
    strpool_free(pool);
    fx_close(&fx);
}

/* A generator of small random numbers (xorshift64), for test_parts_random. */
static unsigned rand_below(unsigned long long *st, unsigned n)
{
    *st ^= *st << 13;
    *st ^= *st >> 7;
    *st ^= *st << 17;
    return (unsigned)(*st % n);
}

/* Random files (integers, reals, booleans, dates, impossible and partial
 * dates, texts, quoted fields with commas, "" and line ends, one that
 * looks like records, blank lines, CRLF, ragged rows, malformed quoting,
 * no final line end), each read in parts of 1 to 400 bytes on 1 to 3
 * threads: the tables and the diagnostics of one pass, every time. */
static void test_parts_random(void)
{
    static const char *cells[] = {
        "1", "-7", "2.5", "", "NA", "true", "false", "2020-01-02", "abc",
        "\"q,\"\"x\"\"\ny\"", "\"\"", "5000000000", "\"a\nb\"", "x y", "2020-13",
        "\"\n\n1,2\n\"", "2019-02-30", "\"bad\"x"};
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    char *buf = malloc(1 << 16);
    CU_ASSERT_FATAL(buf != NULL);
    unsigned long long st = 88172645463325252ull;
    static capture c1, c2;
    int differ = 0, loaded = 0;
    const char *path = NULL;
    for (int it = 0; it < 400; it++) {
        int ncol = 1 + (int)rand_below(&st, 4), nrow = (int)rand_below(&st, 120);
        int bad = rand_below(&st, 4) == 0;  /* errors too */
        size_t len = 0;
        for (int j = 0; j < ncol; j++) len += (size_t)sprintf(buf + len, "%sc%d", j ? "," : "", j);
        len += (size_t)sprintf(buf + len, "\n");
        for (int i = 0; i < nrow; i++) {
            int nf = bad && rand_below(&st, 40) == 0 ? 1 + (int)rand_below(&st, (unsigned)ncol + 2) : ncol;
            if (rand_below(&st, 15) == 0) len += (size_t)sprintf(buf + len, rand_below(&st, 2) ? "\n" : "\r\n");
            for (int j = 0; j < nf; j++) {
                unsigned k = rand_below(&st, 100);
                if (j == 0 && k < 90) {
                    len += (size_t)sprintf(buf + len, "%d", i);
                    continue;
                }
                const char *c = k < 60 ? cells[j % 3 == 1 ? 2 : 8] : cells[rand_below(&st, bad ? 18 : 16)];
                len += (size_t)sprintf(buf + len, "%s%s", j ? "," : "", c);
            }
            len += (size_t)sprintf(buf + len, rand_below(&st, 10) == 0 ? "\r\n" : "\n");
        }
        if (rand_below(&st, 5) == 0) len--;     /* no final line end */
        if (!path) path = fx_write(&fx, "random.csv", buf, len);
        else {
            FILE *f = fopen(path, "wb");
            CU_ASSERT_FATAL(f != NULL);
            fwrite(buf, 1, len, f);
            fclose(f);
        }
        table_spec sp = {.name = "t", .path = path, .key = rand_below(&st, 2) ? "c0" : NULL};
        strpool *pool = strpool_new();
        unsetenv("COHORT_CSV_PART_BYTES");
        load_opts o1 = {.threads = 1};
        cohort_data *d1 = load1(&sp, 1, &o1, pool, &c1);
        loaded += d1 != NULL;
        for (int rep = 0; rep < 4; rep++) {
            char num[16];
            snprintf(num, sizeof num, "%u", 1 + rand_below(&st, rep == 3 ? 400 : 40));
            setenv("COHORT_CSV_PART_BYTES", num, 1);
            load_opts o = {.threads = 1 + (int)rand_below(&st, 3)};
            cohort_data *d2 = load1(&sp, 1, &o, pool, &c2);
            differ += !loads_agree(d1, &c1, d2, &c2);
            data_free(d2);
        }
        unsetenv("COHORT_CSV_PART_BYTES");
        data_free(d1);
        strpool_free(pool);
    }
    CU_ASSERT_EQUAL(differ, 0);
    CU_ASSERT(loaded > 100 && loaded < 300);    /* both kinds of files were read */
    free(buf);
    fx_close(&fx);
}

/* data_drop_unread: the columns not marked go but keys, order columns and
 * declared columns; the links stay in parent_row, the groups still order
 * by the kept date; a derived table is left alone; of a table not needed
 * (l) nothing stays but its row count. */
static void test_drop_unread(void)
{
    fixture fx;
    CU_ASSERT_FATAL(fx_open(&fx) == 0);
    const char *pp = fx_file(&fx, "p.csv", "id,born,x\n1,2000-01-01,5\n2,2001-02-03,6\n");
    const char *cp = fx_file(&fx, "c.csv", "cid,id,when,note,v,w\n10,1,2020-01-05,a,1.5,1\n"
                                           "11,1,2020-01-02,b,2,2\n12,2,,c,3,3\n");
    const char *lp = fx_file(&fx, "l.csv", "lid,cid,z\n1,10,x\n2,12,y\n");
    static const char *const names[] = {"w"};
    static const int types[] = {CT_INT};
    table_spec sp[3] = {{.name = "p", .path = pp, .key = "id"},
                        {.name = "c", .path = cp, .key = "cid", .parent = "p",
                         .ndecl = 1, .decl_names = names, .decl_types = types},
                        {.name = "l", .path = lp, .key = "lid", .parent = "c"}};
    strpool *pool = strpool_new();
    capture cap;
    cohort_data *d = load1(sp, 3, NULL, pool, &cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    static const char *const en[] = {"s"};
    static const int et[] = {CT_DATE};
    int e = data_add_table(d, "era", 0, en, et, 1, 0);
    CU_ASSERT_FATAL(e == 3 && data_set_rows(d, e, 2) == e);
    CU_ASSERT_FATAL(d->tables[2].parent_row && d->tables[2].ngroups_built == 1);
    unsigned char rp[3] = {0, 0, 0}, rc[6] = {0, 0, 0, 0, 1, 0}, rl[3] = {0, 0, 0}, re[1] = {0};
    const unsigned char *const read[] = {rp, rc, rl, re};
    unsigned char need[4] = {1, 1, 0, 0};
    data_drop_unread(d, read, need);
    const table *l = &d->tables[2];
    CU_ASSERT(l->nrows == 2 && !l->parent_row && !l->groups && l->ngroups_built == 0);
    for (size_t j = 0; j < l->ncols; j++) CU_ASSERT(l->cols[j].projected && !l->cols[j].miss);
    /* p's first date column is its order column (no want list: nothing projected) */
    CU_ASSERT_EQUAL(d->tables[0].order, data_column_index(&d->tables[0], "born"));
    CU_ASSERT(!col_named(d, 0, "id")->projected && !col_named(d, 0, "born")->projected &&
              col_named(d, 0, "x")->projected && !col_named(d, 0, "x")->i32);
    const column *id = col_named(d, 1, "id"), *note = col_named(d, 1, "note");
    CU_ASSERT(id->projected && id->n == 0 && !id->i32 && !id->miss);
    CU_ASSERT(note->projected && !note->sid);
    CU_ASSERT(!col_named(d, 1, "cid")->projected && !col_named(d, 1, "when")->projected &&
              !col_named(d, 1, "v")->projected && !col_named(d, 1, "w")->projected);
    CU_ASSERT(!d->tables[3].cols[0].projected && d->tables[3].cols[0].n == 2);
    CU_ASSERT(d->tables[1].parent_row[1] == 0 && d->tables[1].parent_row[2] == 1);
    const group_index *g = data_groups(d, 1, 0);
    CU_ASSERT_FATAL(g != NULL);
    CU_ASSERT(g->off[1] == 2 && group_row(g, 0) == 1 && group_row(g, 1) == 0 && group_row(g, 2) == 2);
    data_free(d);
    strpool_free(pool);
    fx_close(&fx);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    CU_pSuite s = CU_add_suite("data", NULL, NULL);
    if (!s) return 2;
    static const struct {
        const char *name;
        void (*fn)(void);
    } tests[] = {
        {"string pool basics", test_pool_basic},
        {"string pool growth and long strings", test_pool_many},
        {"string ids across chunks, a table that never moves", test_pool_ids},
        {"integer, real and boolean parsing", test_parse_values},
        {"reals are correctly rounded", test_parse_reals_exact},
        {"csv quoting, CRLF, BOM, refills", test_csv_tricky},
        {"csv physical lines and columns", test_csv_lines},
        {"csv malformed quoting", test_csv_errors},
        {"type inference and promotion", test_infer_types},
        {"inf, nan, hex and spaces are text", test_infer_not_numbers},
        {"quoted cells in a table", test_quoted_cells},
        {"declared types", test_declared_types},
        {"bad value in a declared column", test_declared_bad_value},
        {"declared column absent from the file", test_declared_absent},
        {"custom missing-value strings", test_na_strings},
        {"ragged rows", test_ragged_rows},
        {"impossible dates", test_impossible_date},
        {"projected columns", test_projection},
        {"projected columns checked as read ones", test_projected_checks},
        {"missing flags as bits", test_missing_bits},
        {"lean columns: flags, 32-bit integers, text ids, parts", test_lean_columns},
        {"parts: a start inside a quoted field is read again", test_parts_wrong_start},
        {"parts with no rows", test_parts_zero_rows},
        {"parts that guess different types", test_parts_types},
        {"parts that outgrow their first estimate", test_parts_grow},
        {"random files read in parts agree with one pass", test_parts_random},
        {"columns the rules do not read are dropped", test_drop_unread},
        {"too many errors", test_too_many_errors},
        {"header errors", test_header_errors},
        {"output temporary files do not follow symlinks", test_outfile_symlink},
        {"unterminated quote while loading", test_unterminated_in_load},
        {"duplicate and missing keys", test_duplicate_keys},
        {"unknown parent key", test_unknown_parent_key},
        {"text keys", test_text_keys},
        {"texts the intern cache hashes alike", test_intern_cache},
        {"integer keys numbered in the file's order", test_key_sequences},
        {"table spec errors", test_spec_errors},
        {"groups by parent and grandparent", test_groups},
        {"sampled schema", test_sample_rows},
        {"order column", test_order_column},
        {"large groups", test_groups_large},
        {"groups found while linking", test_groups_linked},
        {"calendar months", test_add_months},
        {"partial dates", test_partial_dates},
        {"date fast path on every day", test_date_parse_every_day},
        {"date fast path on mutated texts", test_date_parse_mutated},
        {"dates a group at a time agree with date_parse", test_dategroup_agrees},
        {"integers a group at a time agree with vp_int_padded", test_intgroup_agrees},
        {"cell groups of the column pass agree with the general path", test_cell_groups_agree},
        {"short reals fast path agrees with vp_real", test_parse_reals_padded},
        {"booleans read by one word agree with bytes", test_parse_bools},
        {"csv fast path agrees with the general tokenizer", test_csv_fast_agrees},
        {"csv batches of whole blocks agree with the general tokenizer", test_csv_blocks_agree},
        {"cell fast path agrees with the general one", test_cells_fast_agrees},
        {"rows in their parents' order grouped in place", test_groups_in_place},
        {"column pages moved into an array", test_colmem_move},
        {"groups found while linking 64 rows at once", test_groups_linked_blocks},
    };
    for (size_t i = 0; i < sizeof tests / sizeof *tests; i++)
        if (!CU_add_test(s, tests[i].name, tests[i].fn)) return 2;
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures != 0;
}
