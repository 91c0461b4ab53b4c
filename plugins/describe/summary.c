/* summary.c: descriptive statistics on plain arrays (mean, SD, type-7
 * quantiles, range) for the describe and table1 plugins.  Quantiles are
 * taken by selection rather than by sorting: a count of the values per
 * bucket of their top 16 bits finds the few buckets that hold the
 * quartiles' ranks, and three-way quickselect searches only their values
 * (ds_summary_select: two passes over the values, the work space 320 KiB
 * of counts and tags and a copy of the searched values when they are
 * few). */
#include "summary.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The mean from the first pass's s / n (m) and the second's sum t of the
 * values minus m. */
static double mean_of(long double m, long double t, size_t n)
{
    return (double)(m + t / (long double)n);
}

/* ds_mean's second pass, given the sum s of x[0..n-1] (n > 0) from its first:
 * the same operations in the same order as R's mean. */
static double mean_finish(const double *x, size_t n, long double s)
{
    long double m = s / (long double)n;
    /* second pass removes most of the rounding error of the first */
    long double t = 0;
    for (size_t i = 0; i < n; i++) t += x[i] - m;
    return mean_of(m, t, n);
}

double ds_mean(const double *x, size_t n)
{
    if (n == 0) return NAN;
    long double s = 0;
    for (size_t i = 0; i < n; i++) s += x[i];
    return mean_finish(x, n, s);
}

/* The SD from the sum of squares ss about the mean of n > 1 values */
static double sd_of(long double ss, size_t n)
{
    return sqrt((double)(ss / (long double)(n - 1)));
}

/* SD of x about its mean m */
static double sd_about(const double *x, size_t n, double m)
{
    if (n < 2) return NAN;
    long double ss = 0;
    for (size_t i = 0; i < n; i++) {
        long double d = x[i] - m;
        ss += d * d;
    }
    return sd_of(ss, n);
}

double ds_sd(const double *x, size_t n)
{
    return n < 2 ? NAN : sd_about(x, n, ds_mean(x, n));
}

/* The 0-based rank (n - 1) * prob, prob clamped to [0, 1]. */
static double q7_index(size_t n, double prob)
{
    if (prob < 0) prob = 0;
    if (prob > 1) prob = 1;
    return (double)(n - 1) * prob;
}

/* Type-7 interpolation at `index` between the values of ranks floor(index)
 * (qlo) and ceil(index) (qhi). */
static double q7_value(double index, double qlo, double qhi)
{
    double lo = floor(index);
    if (index > lo && qhi != qlo) {
        double h = index - lo;
        return (1 - h) * qlo + h * qhi;
    }
    return qlo;
}

double ds_quantile7(const double *sorted, size_t n, double prob)
{
    if (n == 0) return NAN;
    double index = q7_index(n, prob);
    return q7_value(index, sorted[(size_t)floor(index)], sorted[(size_t)ceil(index)]);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The bits of x as an unsigned key in the order of the numbers (-0 as +0,
 * so equal numbers keep their order, as a stable sort would). */
static uint64_t sort_key(double x)
{
    uint64_t u;
    if (x == 0) x = 0;
    memcpy(&u, &x, sizeof u);
    return u >> 63 ? ~u : u | ((uint64_t)1 << 63);
}

/* LSD radix sort on 16-bit digits (stable; passes whose digit is the same
 * in every key are skipped): linear in n.  Small or NaN-holding inputs, or
 * no memory for the work space, fall back to qsort. */
void ds_sort(double *x, size_t n)
{
    enum { DIGITS = 4, RADIX = 1 << 16 };
    if (n < 2) return;
    uint64_t *key = n >= 512 ? malloc(2 * n * sizeof *key) : NULL;
    size_t *cnt = key ? calloc((size_t)DIGITS * RADIX, sizeof *cnt) : NULL;
    int nan = 0;
    for (size_t i = 0; cnt && i < n; i++) {
        if (x[i] != x[i]) {
            nan = 1;
            break;
        }
        key[i] = sort_key(x[i]);
        for (int d = 0; d < DIGITS; d++) cnt[(size_t)d * RADIX + ((key[i] >> (16 * d)) & 0xffff)]++;
    }
    if (!cnt || nan) {
        free(key);
        free(cnt);
        qsort(x, n, sizeof *x, cmp_double);
        return;
    }
    /* the keys move with their values: values ride in a parallel array */
    double *val = malloc(2 * n * sizeof *val);
    if (!val) {
        free(key);
        free(cnt);
        qsort(x, n, sizeof *x, cmp_double);
        return;
    }
    memcpy(val, x, n * sizeof *val);
    uint64_t *ka = key, *kb = key + n;
    double *va = val, *vb = val + n;
    for (int d = 0; d < DIGITS; d++) {
        size_t *c = cnt + (size_t)d * RADIX;
        if (c[(ka[0] >> (16 * d)) & 0xffff] == n) continue;   /* one digit value */
        size_t sum = 0;
        for (size_t b = 0; b < RADIX; b++) {
            size_t t = c[b];
            c[b] = sum;
            sum += t;
        }
        for (size_t i = 0; i < n; i++) {
            size_t to = c[(ka[i] >> (16 * d)) & 0xffff]++;
            kb[to] = ka[i];
            vb[to] = va[i];
        }
        uint64_t *kt = ka; ka = kb; kb = kt;
        double *vt = va; va = vb; vb = vt;
    }
    memcpy(x, va, n * sizeof *x);
    free(val);
    free(key);
    free(cnt);
}

int ds_merge_runs(double *x, const size_t *off, size_t nruns)
{
    size_t n = off[nruns];
    if (nruns < 2) return 0;
    double *tmp = malloc((n + 1) * sizeof *tmp);
    size_t *bound = malloc((nruns + 1) * sizeof *bound);
    if (!tmp || !bound) {
        free(tmp);
        free(bound);
        return -1;
    }
    memcpy(bound, off, (nruns + 1) * sizeof *bound);
    /* merge adjacent runs pairwise until one is left: log2(nruns) passes */
    while (nruns > 1) {
        size_t k = 0;
        for (size_t r = 0; r < nruns; r += 2) {
            size_t lo = bound[r], mid = bound[r + 1], hi = r + 2 <= nruns ? bound[r + 2] : mid;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi) tmp[o++] = x[j] < x[i] ? x[j++] : x[i++];
            while (i < mid) tmp[o++] = x[i++];
            while (j < hi) tmp[o++] = x[j++];
            bound[k++] = lo;
        }
        bound[k] = n;
        memcpy(x, tmp, n * sizeof *x);
        nruns = k;
    }
    free(tmp);
    free(bound);
    return 0;
}

/* Quantiles and range of n sorted values (NAN when n == 0). */
static void quantiles_sorted(const double *sorted, size_t n, ds_numeric *out)
{
    if (n == 0) {
        out->min = out->q1 = out->median = out->q3 = out->max = NAN;
        return;
    }
    out->min = sorted[0];
    out->max = sorted[n - 1];
    out->q1 = ds_quantile7(sorted, n, 0.25);
    out->median = ds_quantile7(sorted, n, 0.5);
    out->q3 = ds_quantile7(sorted, n, 0.75);
}

void ds_summary_sorted(const double *x, const double *sorted, size_t n, ds_numeric *out)
{
    out->n = n;
    out->mean = ds_mean(x, n);
    out->sd = n < 2 ? NAN : sd_about(x, n, out->mean);
    quantiles_sorted(sorted, n, out);
}

/* Put the value of rank k of x[lo..hi) at x[k], the smaller ones before it
 * and the larger ones after it (k in [lo, hi); no NaN).  Three-way
 * partitions around a median of three: a run of equal values (few distinct
 * values, as in a status column) ends the search at once.  After 64 rounds
 * (an unlucky input) the rest is sorted. */
static void select_rank(double *x, size_t lo, size_t hi, size_t k)
{
    for (int round = 0; hi - lo > 1; round++) {
        if (round == 64) {
            ds_sort(x + lo, hi - lo);
            return;
        }
        double a = x[lo], b = x[lo + (hi - lo) / 2], c = x[hi - 1];
        double p = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
        /* x[lo..lt) < p, x[lt..i) == p, x[gt..hi) > p */
        size_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            double v = x[i];
            if (v < p) {
                x[i++] = x[lt];
                x[lt++] = v;
            } else if (v > p) {
                x[i] = x[--gt];
                x[gt] = v;
            } else {
                i++;
            }
        }
        if (k < lt) hi = lt;
        else if (k >= gt) lo = gt;
        else return;
    }
}

/* Buckets of the selection: the top 16 bits of sort_key, in the order of
 * the numbers.  Inputs shorter than SELECT_BUCKETED select on the whole. */
enum { BUCKET_BITS = 16, NBUCKETS = 1 << BUCKET_BITS, SELECT_BUCKETED = 4096 };
/* The tagged buckets' values are copied aside in the second pass when
 * they are at most 1 / KEEP_ASIDE of the values (continuous values: a
 * bucket holds a small share), else moved within x when a search needs
 * them (ties: often every rank's bucket holds one value, and none does). */
enum { KEEP_ASIDE = 4 };
/* The passes whose sums are chains of long-double additions run only
 * a few dozen values ahead of their loads, too few to hide a read from
 * memory (the columns summarised are long out of the caches): they ask
 * for the value PREFETCH places ahead (4 KiB) as they go.  At 1M the
 * passes then take about the time they take on values in the cache. */
enum { PREFETCH = 512 };

/* sort_key's top bits without its branch (x is no negative zero) */
static unsigned bucket_of(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    uint64_t flip = (uint64_t)((int64_t)u >> 63) | ((uint64_t)1 << 63);
    return (unsigned)((u ^ flip) >> (64 - BUCKET_BITS));
}

/* The first pass over x[0..n-1] (n > 0): the sum as ds_mean's first pass
 * takes it, the range, and with cnt the number of values per bucket.
 * Returns 1 when x holds a negative zero or a NaN: a negative zero's
 * place among equal zeros depends on the order of a sort, and NaN is
 * unordered, so such values are sorted (ds_sort, as before selection). */
static int first_pass(const double *x, size_t n, long double *sum, double *min, double *max,
                      uint32_t *cnt)
{
    long double s = 0;
    double lo = x[0], hi = x[0];
    int odd = 0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        __builtin_prefetch(x + i + PREFETCH);
        s += v;
        uint64_t u;
        memcpy(&u, &v, sizeof u);
        odd |= (u == (uint64_t)1 << 63) | (v != v);   /* no branch: zeros are common */
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
        if (cnt) cnt[bucket_of(v)]++;
    }
    *sum = s;
    *min = lo;
    *max = hi;
    return odd;
}

/* The second pass over x[0..n-1] (read only, x in its order): ds_mean's
 * second pass given the long-double mean m of the first (*t), and the
 * SD's sum of squares about g (*ss, as sd_about takes it), g being the
 * guess (double)m at the mean that mean_finish will give (it is right
 * unless m lies within |t / n| of a rounding boundary of doubles); with
 * tag the range of each tagged bucket's values (lo[tag], hi[tag]; [0]
 * gathers the others), and with keep too the values of the tagged
 * buckets copied to keep[] in their order (room for one more).  The two
 * sums are independent chains, so they take the time of one. */
static void second_pass(const double *x, size_t n, long double m, double g, const unsigned char *tag,
                        long double *t, long double *ss, double *lo, double *hi, double *keep)
{
    long double a = 0, b = 0;
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        __builtin_prefetch(x + i + PREFETCH);
        a += v - m;
        long double d = v - g;
        b += d * d;
        if (tag) {
            unsigned k = tag[bucket_of(v)];
            if (keep) {   /* few kept: a branch, taken now and then */
                if (k) {
                    lo[k] = v < lo[k] ? v : lo[k];
                    hi[k] = v > hi[k] ? v : hi[k];
                    keep[w++] = v;
                }
            } else {
                lo[k] = v < lo[k] ? v : lo[k];
                hi[k] = v > hi[k] ? v : hi[k];
            }
        }
    }
    *t = a;
    *ss = b;
}

/* Moves the values of the tagged buckets of x[0..n-1] to x[0..kept) in
 * their order; returns kept.  Without a branch (a status column's values
 * fall in and out of the tagged buckets at random): every value is
 * swapped with x[w], which is x[i] itself or a value not kept, and w moves
 * on only past a kept one, so x stays a permutation of its values. */
static size_t keep_tagged(double *x, size_t n, const unsigned char *tag)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        x[i] = x[w];
        x[w] = v;
        w += tag[bucket_of(v)] != 0;
    }
    return w;
}

/* Quantiles by selection: two passes over x (sum, range and buckets;
 * ds_mean's second pass with the SD about a guess at the mean and the
 * range of the few buckets that hold a quartile's ranks, whose values
 * it copies aside when they are few), a third only when the guess
 * missed (the SD again, about the mean: same bits as sd_about's) or when
 * many values must be searched (moved to the front of x), then
 * three-way quickselect on the kept values only, whose ranks among
 * themselves follow from the buckets' counts; a rank in a bucket of one
 * value (few distinct values, as in a status column) needs no search.
 * The value of a rank is the same whatever the order of the search (no
 * -0 or NaN here), so the bits equal a sort's. */
static int summary_rest(const double *src, double *x, size_t n, long double sum, int odd,
                        uint32_t *cnt, unsigned char *tag, ds_numeric *out);

/* The counts and tags of the buckets when n values are summarised
 * (*cnt, *tag NULL when too few or no memory: select on the whole). */
static void buckets_alloc(size_t n, uint32_t **cnt, unsigned char **tag)
{
    *cnt = n >= SELECT_BUCKETED && n <= UINT32_MAX ? calloc(NBUCKETS, sizeof **cnt) : NULL;
    *tag = *cnt ? calloc(NBUCKETS, 1) : NULL;
    if (!*tag) {
        free(*cnt);
        *cnt = NULL;
    }
}

int ds_summary_select(double *x, size_t n, ds_numeric *out)
{
    out->n = n;
    if (n == 0) {
        out->mean = out->sd = NAN;
        quantiles_sorted(x, 0, out);
        return 0;
    }
    uint32_t *cnt;
    unsigned char *tag;
    buckets_alloc(n, &cnt, &tag);
    long double sum;
    int odd = first_pass(x, n, &sum, &out->min, &out->max, cnt);
    return summary_rest(x, x, n, sum, odd, cnt, tag, out);
}

/* first_pass over the values kept of num[0..n-1] (not missing, finite);
 * returns their number.  Nothing is written: when every value is kept
 * the values are read in place.  A value not kept adds +0 to the sum,
 * which leaves it as it is (a sum that starts at +0 is never -0), and
 * nothing to the counts or range. */
static size_t scan_pass(const double *num, const unsigned char *missing, size_t n, long double *sum,
                        double *min, double *max, uint32_t *cnt, int *odd)
{
    long double s = 0;
    double lo = INFINITY, hi = -INFINITY;
    int o = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        double v = num[i];
        __builtin_prefetch(num + i + PREFETCH);
        __builtin_prefetch(missing + i + PREFETCH);
        int keep = (missing[i] == 0) & (isfinite(v) != 0);
        m += (size_t)keep;
        s += keep ? v : 0.0;
        uint64_t u;
        memcpy(&u, &v, sizeof u);
        o |= keep & (u == (uint64_t)1 << 63);
        lo = keep & (v < lo) ? v : lo;
        hi = keep & (v > hi) ? v : hi;
        if (cnt) cnt[bucket_of(v)] += (uint32_t)keep;
    }
    *sum = s;
    *min = lo;
    *max = hi;
    *odd = o;
    return m;
}

int ds_summary_gather(const double *num, const unsigned char *missing, size_t n, double *x,
                      ds_numeric *out)
{
    uint32_t *cnt;
    unsigned char *tag;
    buckets_alloc(n, &cnt, &tag);
    long double sum;
    int odd;
    size_t m = scan_pass(num, missing, n, &sum, &out->min, &out->max, cnt, &odd);
    const double *src = num;
    if (m < n) {   /* some not kept: the others gathered, in their order */
        size_t w = 0;
        for (size_t i = 0; i < n; i++) {
            x[w] = num[i];   /* every value written, kept by moving on */
            w += (missing[i] == 0) & (isfinite(num[i]) != 0);
        }
        src = x;
    }
    if (m < SELECT_BUCKETED) {   /* as ds_summary_select would: on the whole */
        free(cnt);
        free(tag);
        if (src != x) memcpy(x, src, m * sizeof *x);
        return ds_summary_select(x, m, out);
    }
    out->n = m;
    return summary_rest(src, x, m, sum, odd, cnt, tag, out);
}

/* ds_summary_select after its first pass (the sum, odd: -0 seen, the
 * buckets' counts; cnt and tag are freed) over the values src[0..n-1]:
 * they are copied to x only when they must be moved (sorted, or searched
 * in place). */
static int summary_rest(const double *src, double *x, size_t n, long double sum, int odd,
                        uint32_t *cnt, unsigned char *tag, ds_numeric *out)
{
    /* the ranks asked for: floor and ceil of each quartile's index */
    static const double probs[3] = {0.25, 0.5, 0.75};
    double index[3], lo[7], hi[7];   /* by tag: [0] the values not kept */
    size_t rank[6], at[6];   /* at: the rank among the kept values */
    int slot[6];             /* the tag of the rank's bucket, or 0 */
    for (int j = 0; j < 3; j++) {
        index[j] = q7_index(n, probs[j]);
        rank[2 * j] = (size_t)floor(index[j]);
        rank[2 * j + 1] = (size_t)ceil(index[j]);
    }
    int bucketed = cnt && !odd, ntag = 0;
    size_t keptall = 0;      /* the values of the tagged buckets */
    for (int r = 0; r < 7; r++) {
        lo[r] = INFINITY;
        hi[r] = -INFINITY;
    }
    for (int r = 0; r < 6; r++) {
        at[r] = rank[r];
        slot[r] = 0;
    }
    if (bucketed) {
        /* the bucket of each rank (ranks ascend), tagged; the kept values
         * below a bucket are those of the tagged buckets before it */
        size_t below = 0, keptbelow = 0;
        int r = 0;
        for (size_t b = 0; b < NBUCKETS && r < 6; b++) {
            size_t c = cnt[b];
            for (; r < 6 && rank[r] < below + c; r++) {
                if (!tag[b]) tag[b] = (unsigned char)++ntag;
                slot[r] = tag[b];
                at[r] = rank[r] - below + keptbelow;
            }
            if (tag[b]) keptbelow += c;
            below += c;
        }
        keptall = keptbelow;   /* every tagged bucket is at or below the last rank's */
    }
    /* the mean, and the SD about the guess at it unless the guess missed */
    long double m = sum / (long double)n, t, ss;
    double g = (double)m;
    /* few values kept (continuous values): copied aside in the same pass;
     * many (ties): moved to the front after it, when a search needs them */
    double *keep = bucketed && keptall <= n / KEEP_ASIDE ? malloc((keptall + 1) * sizeof *keep) : NULL;
    second_pass(src, n, m, g, bucketed ? tag : NULL, &t, &ss, lo, hi, keep);
    out->mean = mean_of(m, t, n);
    out->sd = n < 2 ? NAN : memcmp(&out->mean, &g, sizeof g) == 0 ? sd_of(ss, n) : sd_about(src, n, out->mean);
    int search = 0;   /* a rank's bucket holds more than one value */
    for (int r = 0; r < 6; r++) search |= !slot[r] || lo[slot[r]] != hi[slot[r]];
    if (src != x && (odd || (search && !keep))) memcpy(x, src, n * sizeof *x);
    size_t kept = n;
    double *sel = x;   /* the values searched: sel[0..kept) */
    if (keep) {
        sel = keep;
        kept = keptall;
    } else if (bucketed && search) {
        kept = keep_tagged(x, n, tag);
    }
    free(cnt);
    free(tag);
    if (odd) {
        ds_sort(x, n);
        quantiles_sorted(x, n, out);
        return 1;
    }
    double *q[3] = {&out->q1, &out->median, &out->q3}, val[6];
    /* each selection searches only above the last: x[0..done) are placed
     * and no greater than x[done..kept) */
    size_t done = 0;
    for (int r = 0; r < 6; r++) {
        if (slot[r] && lo[slot[r]] == hi[slot[r]]) {
            val[r] = lo[slot[r]];   /* its bucket holds one value */
            continue;
        }
        if (at[r] >= done) {
            select_rank(sel, done, kept, at[r]);
            done = at[r] + 1;
        }
        val[r] = sel[at[r]];
    }
    for (int j = 0; j < 3; j++) *q[j] = q7_value(index[j], val[2 * j], val[2 * j + 1]);
    free(keep);
    return 0;
}

/* ds_count01 on num[0..n-1] from i on (portable), added to c[] */
static void count01_portable(const double *num, const unsigned char *missing, size_t i, size_t n, size_t c[3])
{
    /* on the bits, without a floating-point compare: 1 is one pattern,
     * 0 two (+0, -0); any other known value (NaN too) is neither */
    const uint64_t one = UINT64_C(0x3ff0000000000000);
    size_t nmiss = 0, yes = 0, no = 0;
    for (; i < n; i++) {
        uint64_t u;
        memcpy(&u, &num[i], sizeof u);
        size_t known = missing[i] == 0;
        nmiss += known ^ 1;
        yes += known & (u == one);
        no += known & ((u << 1) == 0);
    }
    c[0] += no;
    c[1] += yes;
    c[2] += nmiss;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SIMD_OK() (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw"))
#define TARGET __attribute__((target("avx512f,avx512bw,popcnt")))

/* ds_count01 on whole blocks of 64 values: the missing bytes as one mask,
 * each 8 values' compares as a mask and counted per lane; returns the
 * values counted (the tail is the portable loop's) */
static TARGET size_t count01_avx512(const double *num, const unsigned char *missing, size_t n, size_t c[3])
{
    const __m512i one = _mm512_set1_epi64((long long)UINT64_C(0x3ff0000000000000));
    const __m512i abs = _mm512_set1_epi64((long long)(~UINT64_C(0) >> 1)), inc = _mm512_set1_epi64(1);
    __m512i yes = _mm512_setzero_si512(), no = _mm512_setzero_si512();
    size_t nmiss = 0, whole = n - n % 64;
    for (size_t i = 0; i < whole; i += 64) {
        __m512i mb = _mm512_loadu_si512(missing + i);
        uint64_t known = (uint64_t)_mm512_testn_epi8_mask(mb, mb);
        nmiss += 64 - (size_t)__builtin_popcountll(known);
        for (size_t k = 0; k < 8; k++) {
            __m512i w = _mm512_loadu_si512(num + i + 8 * k);
            __mmask8 kn = (__mmask8)(known >> (8 * k));
            yes = _mm512_mask_add_epi64(yes, _mm512_mask_cmpeq_epi64_mask(kn, w, one), yes, inc);
            no = _mm512_mask_add_epi64(no, _mm512_mask_testn_epi64_mask(kn, w, abs), no, inc);
        }
    }
    c[0] += (size_t)_mm512_reduce_add_epi64(no);
    c[1] += (size_t)_mm512_reduce_add_epi64(yes);
    c[2] += nmiss;
    return whole;
}
#endif

int ds_count01(const double *num, const unsigned char *missing, size_t n, size_t count[3], int simd)
{
    size_t i = 0;
    count[0] = count[1] = count[2] = 0;
#if defined(__x86_64__) && defined(__GNUC__)
    if (simd && SIMD_OK()) i = count01_avx512(num, missing, n, count);
#else
    (void)simd;
#endif
    count01_portable(num, missing, i, n, count);
    return count[0] + count[1] + count[2] != n;
}

int ds_numeric_summary(const double *x, size_t n, ds_numeric *out)
{
    double *s = malloc((n + 1) * sizeof *s);
    if (!s) return -1;
    memcpy(s, x, n * sizeof *s);
    ds_summary_select(s, n, out);
    free(s);
    return 0;
}
