/* summary.c: descriptive statistics on plain arrays (mean, SD, type-7
 * quantiles, range) for the describe and table1 plugins, and the counts
 * of a 0/1 column.  Quantiles are taken by selection rather than by
 * sorting: a count of the values per bucket of their top 16 bits finds
 * the few buckets that hold the quartiles' ranks, and three-way
 * quickselect searches only their values.  After the first pass (sum,
 * range, counts; in integers with AVX-512 or AVX2 while every value is a
 * multiple of 2^-8 small enough for the sum to be exact) come three
 * passes that only read the values and may run at once (ds_stages: the
 * mean's second sum, the SD's sum of squares, the ranks' buckets), then
 * the selection; the long-double sums keep R's order, so the bits are
 * those of ds_mean and sd_about.  Work space: 256 KiB of counts, 64 KiB of
 * tags and a copy of the searched values when they are few. */
#include "summary.h"
#include <float.h>
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

/* The values of x[0..n-1] that finish ds_mean given the long-double
 * mean m of its first pass: the sum of x[i] - m in x's order. */
static long double mean_pass(const double *x, size_t n, long double m)
{
    long double a = 0;
    for (size_t i = 0; i < n; i++) {
        __builtin_prefetch(x + i + PREFETCH);
        a += x[i] - m;
    }
    return a;
}

/* The SD's sum of squares of x[0..n-1] about g, as sd_about takes it. */
static long double squares_pass(const double *x, size_t n, double g)
{
    long double b = 0;
    for (size_t i = 0; i < n; i++) {
        __builtin_prefetch(x + i + PREFETCH);
        long double d = x[i] - g;
        b += d * d;
    }
    return b;
}

/* The tagged buckets of x[0..n-1]: bit k of the result set when tagged
 * bucket k holds a value other than ref[k] (a value of it; bit 0, the
 * buckets not tagged, stays clear), and with keep the values of the
 * tagged buckets copied to keep[] in their order (room for one more).  No
 * branch and no counter in memory (a status's values fall in and out of
 * the tagged buckets at random). */
static unsigned tags_pass(const double *x, size_t n, const unsigned char *tag, const double *ref, double *keep)
{
    unsigned dm = 0;
    size_t w = 0;
    if (keep) {
        for (size_t i = 0; i < n; i++) {
            double v = x[i];
            unsigned k = tag[bucket_of(v)];
            dm |= (unsigned)(v != ref[k]) << k;
            keep[w] = v;   /* written always, kept by moving on */
            w += k != 0;
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            double v = x[i];
            unsigned k = tag[bucket_of(v)];
            dm |= (unsigned)(v != ref[k]) << k;
        }
    }
    return dm & ~1u;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define TAGS_TARGET __attribute__((target("avx512f,popcnt")))

/* tags_pass on x[0..n-1], 8 values at a time (the tail by tags_pass):
 * each lane's tag gathered from the table (8 bytes read a tag: the
 * table has 8 more), its ref[] taken from a register, the kept values
 * compressed to keep. */
static TAGS_TARGET unsigned tags_avx512(const double *x, size_t n, const unsigned char *tag, const double *ref,
                                        double *keep)
{
    const __m512i sign = _mm512_set1_epi64((long long)(UINT64_C(1) << 63)), low = _mm512_set1_epi64(0xff);
    const __m512i one = _mm512_set1_epi64(1);
    const __m512d refs = _mm512_loadu_pd(ref);
    __m512i dm = _mm512_setzero_si512();
    size_t i = 0, w = 0;
    for (; i + 8 <= n; i += 8) {
        __m512i u = _mm512_loadu_si512(x + i);
        __m512d v = _mm512_castsi512_pd(u);
        _mm_prefetch((const char *)(x + i + PREFETCH), _MM_HINT_T0);
        __m512i b = _mm512_srli_epi64(_mm512_xor_si512(u, _mm512_or_si512(_mm512_srai_epi64(u, 63), sign)),
                                      64 - BUCKET_BITS);
        __m512i k = _mm512_and_si512(_mm512_i64gather_epi64(b, (const void *)tag, 1), low);
        __mmask8 ne = _mm512_cmp_pd_mask(v, _mm512_permutexvar_pd(k, refs), _CMP_NEQ_UQ);
        dm = _mm512_mask_or_epi64(dm, ne, dm, _mm512_sllv_epi64(one, k));
        if (keep) {
            __mmask8 kt = _mm512_test_epi64_mask(k, k);
            _mm512_mask_compressstoreu_pd(keep + w, kt, v);
            w += (size_t)__builtin_popcount(kt);
        }
    }
    unsigned d = (unsigned)_mm512_reduce_or_epi64(dm);
    return (d | tags_pass(x + i, n - i, tag, ref, keep ? keep + w : NULL)) & ~1u;
}

#define AVX2_TARGET __attribute__((target("avx2,popcnt")))

/* The sum of the four 64-bit lanes of v. */
static inline AVX2_TARGET uint64_t lanes_sum(__m256i v)
{
    __m128i h = _mm_add_epi64(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    return (uint64_t)_mm_cvtsi128_si64(h) + (uint64_t)_mm_extract_epi64(h, 1);
}

/* tags_pass with AVX2, 4 values at a time: the tags and the ref[]
 * values gathered, the kept values moved to the front of the vector by
 * a permute of its 32-bit halves (lanes[m]: the halves' places for mask
 * m, a byte each) and stored as far as they go (a masked store: keep
 * has room for one more only). */
/* v's 32-bit halves at places idx, as doubles */
static inline AVX2_TARGET __m256d halves_at(__m256i v, __m256i idx)
{
    return _mm256_castsi256_pd(_mm256_permutevar8x32_epi32(v, idx));
}

static AVX2_TARGET unsigned tags_avx2(const double *x, size_t n, const unsigned char *tag, const double *ref,
                                      double *keep)
{
    /* lanes[m]: for the i-th lane p set in m, 2p and 2p + 1 in bytes 2i
     * and 2i + 1 (the rest 0) */
    static const uint64_t lanes[16] = {
        0, 0x100, 0x302, 0x3020100, 0x504, 0x5040100, 0x5040302, 0x50403020100,
        0x706, 0x7060100, 0x7060302, 0x70603020100, 0x7060504, 0x70605040100, 0x70605040302, 0x706050403020100};
    const __m256i sign = _mm256_set1_epi64x((long long)(UINT64_C(1) << 63)), low = _mm256_set1_epi64x(0xff);
    const __m256i one = _mm256_set1_epi64x(1), zero = _mm256_setzero_si256();
    const __m256i iota = _mm256_setr_epi64x(0, 1, 2, 3), three = _mm256_set1_epi64x(3);
    const __m256i r0 = _mm256_loadu_si256((const __m256i *)(const void *)ref);
    const __m256i r1 = _mm256_loadu_si256((const __m256i *)(const void *)(ref + 4));
    __m256i dm = zero;
    size_t i = 0, w = 0;
    for (; i + 4 <= n; i += 4) {
        __m256i u = _mm256_loadu_si256((const __m256i *)(const void *)(x + i));
        __m256d v = _mm256_castsi256_pd(u);
        _mm_prefetch((const char *)(x + i + PREFETCH), _MM_HINT_T0);
        __m256i flip = _mm256_or_si256(_mm256_cmpgt_epi64(zero, u), sign);
        __m256i b = _mm256_srli_epi64(_mm256_xor_si256(u, flip), 64 - BUCKET_BITS);
        __m256i k = _mm256_and_si256(_mm256_i64gather_epi64((const long long *)(const void *)tag, b, 1), low);
        /* ref[k] by two permutes of the halves' 32-bit pairs (a gather
         * took more: 134 against 59-60 samples at 1M) */
        __m256i t = _mm256_slli_epi64(_mm256_and_si256(k, three), 1);
        __m256i pair = _mm256_or_si256(t, _mm256_slli_epi64(_mm256_add_epi64(t, one), 32));
        __m256d r = _mm256_blendv_pd(halves_at(r0, pair), halves_at(r1, pair),
                                     _mm256_castsi256_pd(_mm256_cmpgt_epi64(k, three)));
        __m256i ne = _mm256_castpd_si256(_mm256_cmp_pd(v, r, _CMP_NEQ_UQ));
        dm = _mm256_or_si256(dm, _mm256_and_si256(ne, _mm256_sllv_epi64(one, k)));
        if (keep) {
            unsigned kt = (unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64(k, zero))) ^ 0xFu;
            __m256i at = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)&lanes[kt]));
            long long c = __builtin_popcount(kt);
            __m256i room = _mm256_cmpgt_epi64(_mm256_set1_epi64x(c), iota);
            _mm256_maskstore_pd(keep + w, room, _mm256_castsi256_pd(_mm256_permutevar8x32_epi32(u, at)));
            w += (size_t)c;
        }
    }
    __m256i d2 = _mm256_or_si256(dm, _mm256_permute4x64_epi64(dm, 0x4E));
    unsigned d = (unsigned)(_mm256_extract_epi64(d2, 0) | _mm256_extract_epi64(d2, 1));
    return (d | tags_pass(x + i, n - i, tag, ref, keep ? keep + w : NULL)) & ~1u;
}
#endif

/* tags_pass, with AVX-512 when simd is 1 and the CPU has it, else with
 * AVX2 when simd and the CPU has that */
static unsigned tags_any(const double *x, size_t n, const unsigned char *tag, const double *ref, double *keep,
                         int simd)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (simd == 1 && __builtin_cpu_supports("avx512f")) return tags_avx512(x, n, tag, ref, keep);
    if (simd && __builtin_cpu_supports("avx2")) return tags_avx2(x, n, tag, ref, keep);
#else
    (void)simd;
#endif
    return tags_pass(x, n, tag, ref, keep);
}

/* ref[k] = the first value of x[0..n-1] in the bucket tagged k, for k
 * from 1 to ntag (each holds some: a scan that ends when all are found,
 * soon when they are crowded, as ties make them; at worst one pass that
 * only reads). */
static void first_of_tags(const double *x, size_t n, const unsigned char *tag, int ntag, double *ref)
{
    unsigned want = ((1u << ntag) - 1) << 1;   /* bits 1..ntag: not found yet */
    for (size_t i = 0; i < n && want; i++) {
        unsigned k = tag[bucket_of(x[i])];
        if (want >> k & 1) {   /* bit 0 is never wanted */
            ref[k] = x[i];
            want &= ~(1u << k);
        }
    }
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

/* The counts and tags of the buckets when n values are summarised
 * (*cnt, *tag NULL when too few or no memory: select on the whole). */
static void buckets_alloc(size_t n, uint32_t **cnt, unsigned char **tag)
{
    *cnt = n >= SELECT_BUCKETED && n <= UINT32_MAX ? calloc(NBUCKETS, sizeof **cnt) : NULL;
    *tag = *cnt ? calloc(NBUCKETS + 8, 1) : NULL;   /* + 8: tags_avx512 reads 8 bytes a tag */
    if (!*tag) {
        free(*cnt);
        *cnt = NULL;
    }
}

/* The stages after the first pass over the values src[0..n-1] (its sum,
 * odd: a -0 or NaN seen, the buckets' counts cnt, freed here; tag, zeroed,
 * kept in s): the ranks' buckets tagged, a value of each, the mean's
 * guess, and the buffer of the values kept aside when they are few. */
static void stages_begin(ds_stages *s, const double *src, double *x, size_t n, long double sum, int odd,
                         uint32_t *cnt, unsigned char *tag, int simd)
{
    s->simd = simd;
    /* the ranks asked for: floor and ceil of each quartile's index */
    static const double probs[3] = {0.25, 0.5, 0.75};
    s->src = src;
    s->x = x;
    s->n = n;
    s->odd = odd;
    s->tag = tag;
    s->keep = NULL;
    s->diff = 0;
    s->ntag = 0;
    s->keptall = 0;   /* the values of the tagged buckets */
    for (int j = 0; j < 3; j++) {
        s->index[j] = q7_index(n, probs[j]);
        s->rank[2 * j] = (size_t)floor(s->index[j]);
        s->rank[2 * j + 1] = (size_t)ceil(s->index[j]);
    }
    for (int r = 0; r < 8; r++) s->ref[r] = 0;
    for (int r = 0; r < 6; r++) {
        s->at[r] = s->rank[r];
        s->slot[r] = 0;
    }
    s->bucketed = cnt && !odd;
    if (s->bucketed) {
        /* the bucket of each rank (ranks ascend), tagged; the kept values
         * below a bucket are those of the tagged buckets before it */
        size_t below = 0, keptbelow = 0;
        int r = 0;
        for (size_t b = 0; b < NBUCKETS && r < 6; b++) {
            size_t c = cnt[b];
            for (; r < 6 && s->rank[r] < below + c; r++) {
                if (!tag[b]) tag[b] = (unsigned char)++s->ntag;
                s->slot[r] = tag[b];
                s->at[r] = s->rank[r] - below + keptbelow;
            }
            if (tag[b]) keptbelow += c;
            below += c;
        }
        s->keptall = keptbelow;   /* every tagged bucket is at or below the last rank's */
        first_of_tags(src, n, tag, s->ntag, s->ref);
        /* few values kept (continuous values): copied aside in the same
         * pass; many (ties): moved to the front after it, when a search
         * needs them */
        if (s->keptall <= n / KEEP_ASIDE) s->keep = malloc((s->keptall + 1) * sizeof *s->keep);
    }
    free(cnt);
    /* the mean, and the SD about the guess at it unless the guess missed */
    s->m = sum / (long double)n;
    s->g = (double)s->m;
}

void ds_stages_pass(ds_stages *s, int part)
{
    if (s->finished) return;
    if (part == 0) s->t = mean_pass(s->src, s->n, s->m);
    else if (part == 1) s->ss = squares_pass(s->src, s->n, s->g);
    else if (s->bucketed) s->diff = tags_any(s->src, s->n, s->tag, s->ref, s->keep, s->simd);
}

int ds_stages_finish(ds_stages *s, ds_numeric *out)
{
    if (s->finished) return s->rc;
    s->finished = 1;
    const double *src = s->src;
    size_t n = s->n;
    out->n = n;
    out->mean = mean_of(s->m, s->t, n);
    out->sd = n < 2 ? NAN : memcmp(&out->mean, &s->g, sizeof s->g) == 0 ? sd_of(s->ss, n)
                                                                      : sd_about(src, n, out->mean);
    int search = 0;   /* a rank's bucket holds more than one value */
    for (int r = 0; r < 6; r++) search |= !s->slot[r] || (s->diff >> s->slot[r] & 1);
    int move = s->odd || (search && !s->keep);   /* the values are moved: in x */
    if (move && !s->x) {
        s->own = 1;
        if (!(s->x = malloc((n + 1) * sizeof *s->x))) {
            free(s->tag);
            free(s->keep);
            return s->rc = -1;
        }
    }
    double *x = s->x;
    if (src != x && move) memcpy(x, src, n * sizeof *x);
    size_t kept = n;
    double *sel = x;   /* the values searched: sel[0..kept) */
    if (s->keep) {
        sel = s->keep;
        kept = s->keptall;
    } else if (s->bucketed && search) {
        kept = keep_tagged(x, n, s->tag);
    }
    free(s->tag);
    s->tag = NULL;
    if (s->odd) {
        ds_sort(x, n);
        quantiles_sorted(x, n, out);
        if (s->own) free(x);
        return s->rc = 1;
    }
    double *q[3] = {&out->q1, &out->median, &out->q3}, val[6];
    /* each selection searches only above the last: x[0..done) are placed
     * and no greater than x[done..kept) */
    size_t done = 0;
    for (int r = 0; r < 6; r++) {
        int k = s->slot[r];
        if (k && !(s->diff >> k & 1)) {
            val[r] = s->ref[k];   /* its bucket holds one value */
            continue;
        }
        if (s->at[r] >= done) {
            select_rank(sel, done, kept, s->at[r]);
            done = s->at[r] + 1;
        }
        val[r] = sel[s->at[r]];
    }
    for (int j = 0; j < 3; j++) *q[j] = q7_value(s->index[j], val[2 * j], val[2 * j + 1]);
    free(s->keep);
    s->keep = NULL;
    if (s->own) free(s->x);
    return s->rc = 0;
}

/* The stages one after the other */
static int stages_all(ds_stages *s, ds_numeric *out)
{
    for (int part = 0; part < DS_PARTS; part++) ds_stages_pass(s, part);
    return ds_stages_finish(s, out);
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
    ds_stages s;
    s.finished = s.own = 0;
    stages_begin(&s, x, x, n, sum, odd, cnt, tag, 1);
    return stages_all(&s, out);
}

/* What the first pass over the values kept (not missing, finite) has
 * seen so far: their number, their sum as ds_mean's first pass takes it
 * (s; in isum * 2^-SCALE_BITS while every value so far is a multiple of
 * 2^-SCALE_BITS small enough that every partial sum is exact: then the
 * long-double sum is exact too, whatever the order of the additions), the
 * range, odd: a -0 seen. */
typedef struct scan_acc {
    size_t m;
    long double s;
    int64_t isum;
    double lo, hi;
    int odd;
} scan_acc;
enum { SCALE_BITS = 8 };

/* first_pass over the values kept of num[from..n) (portable), added to a
 * (a->s the sum so far).  Nothing is written: when every value is kept
 * the values are read in place.  A value not kept adds +0 to the sum,
 * which leaves it as it is (a sum that starts at +0 is never -0), and
 * nothing to the counts or range. */
static void scan_pass(const double *num, const unsigned char *missing, size_t from, size_t n, uint32_t *cnt,
                      scan_acc *a)
{
    long double s = a->s;
    double lo = a->lo, hi = a->hi;
    int o = 0;
    size_t m = 0;
    for (size_t i = from; i < n; i++) {
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
    a->s = s;
    a->lo = lo;
    a->hi = hi;
    a->odd |= o;
    a->m += m;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SCAN_TARGET __attribute__((target("avx512f,avx512dq,popcnt")))
#define SCAN_OK() (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq"))

/* scan_pass from 0 on, 8 values at a time, while every value kept is a
 * multiple of 2^-SCALE_BITS below 2^(36 - SCALE_BITS) in magnitude (n <
 * 2^26: every partial sum is below 2^62 units, exact in an int64 and in a
 * long double of 64 bits): the sum in integers (a->isum), the buckets
 * counted from the lanes.  Returns where it stopped (a multiple of 8: the
 * first 8 with another value kept, or the tail), for scan_pass to go on
 * from (a->s = the exact sum so far). */
static SCAN_TARGET size_t scan_avx512(const double *num, const unsigned char *missing, size_t n, uint32_t *cnt,
                                      scan_acc *a)
{
    const __m512i expo = _mm512_set1_epi64(0x7ff0000000000000LL), zero = _mm512_setzero_si512();
    const __m512i sign = _mm512_set1_epi64((long long)(UINT64_C(1) << 63));
    const __m512d scale = _mm512_set1_pd((double)(1 << SCALE_BITS)), big = _mm512_set1_pd(0x1p36);
    __m512i sum = zero;
    __m512d lo = _mm512_set1_pd(INFINITY), hi = _mm512_set1_pd(-INFINITY);
    size_t m = 0, i = 0;
    int odd = 0;
    for (; i + 8 <= n; i += 8) {
        __m512i w = _mm512_loadu_si512(num + i);
        __m512d v = _mm512_castsi512_pd(w);
        _mm_prefetch((const char *)(num + i + PREFETCH), _MM_HINT_T0);
        _mm_prefetch((const char *)(missing + i + PREFETCH), _MM_HINT_T0);
        __mmask8 known = _mm512_cmpeq_epi64_mask(_mm512_cvtepu8_epi64(_mm_loadl_epi64((const __m128i *)(missing + i))), zero);
        __mmask8 keep = _mm512_mask_cmpneq_epi64_mask(known, _mm512_and_si512(w, expo), expo);
        __m512d sc = _mm512_mul_pd(v, scale);
        __mmask8 small = _mm512_mask_cmp_pd_mask(keep, _mm512_abs_pd(sc), big, _CMP_LE_OQ);
        __m512i q = _mm512_maskz_cvttpd_epi64(small, sc);
        __mmask8 whole = _mm512_mask_cmp_pd_mask(small, _mm512_cvtepi64_pd(q), sc, _CMP_EQ_OQ);
        if (whole != keep) break;   /* the portable loop goes on from here */
        sum = _mm512_add_epi64(sum, q);
        m += (size_t)__builtin_popcount(keep);
        odd |= _mm512_mask_cmpeq_epi64_mask(keep, w, sign) != 0;
        lo = _mm512_mask_blend_pd(_mm512_mask_cmp_pd_mask(keep, v, lo, _CMP_LT_OQ), lo, v);
        hi = _mm512_mask_blend_pd(_mm512_mask_cmp_pd_mask(keep, v, hi, _CMP_GT_OQ), hi, v);
        for (unsigned k = 0; cnt && k < 8; k++)
            cnt[bucket_of(num[i + k])] += (keep >> k) & 1u;
    }
    a->isum += _mm512_reduce_add_epi64(sum);
    a->m += m;
    a->odd |= odd;
    /* the lanes' minima: the same value as in order (no -0 among them
     * unless odd, when the range is taken from the sorted values) */
    double l = _mm512_reduce_min_pd(lo), h = _mm512_reduce_max_pd(hi);
    a->lo = l < a->lo ? l : a->lo;
    a->hi = h > a->hi ? h : a->hi;
    return i;
}

/* scan_avx512 with AVX2, 4 values at a time: without AVX-512DQ's
 * conversion, a scaled value sc (|sc| <= 2^36) is whole when sc + 1.5 *
 * 2^52 - 1.5 * 2^52 == sc, and that sum's bits less those of 1.5 * 2^52
 * are then sc as an int64.  It may stop up to 4 values later than
 * scan_avx512 (a multiple of 4): the values between are whole, which the
 * portable loop adds exactly too, so the sums are the same bits. */
static AVX2_TARGET size_t scan_avx2(const double *num, const unsigned char *missing, size_t n, uint32_t *cnt,
                                    scan_acc *a)
{
    const __m256i expo = _mm256_set1_epi64x(0x7ff0000000000000LL), zero = _mm256_setzero_si256();
    const __m256i sign = _mm256_set1_epi64x((long long)(UINT64_C(1) << 63));
    const __m256d scale = _mm256_set1_pd((double)(1 << SCALE_BITS)), big = _mm256_set1_pd(0x1p36);
    const __m256d magic = _mm256_set1_pd(0x1.8p52);
    const __m256d absm = _mm256_castsi256_pd(_mm256_set1_epi64x((long long)(~UINT64_C(0) >> 1)));
    __m256i sum = zero, odd = zero;
    __m256d lo = _mm256_set1_pd(INFINITY), hi = _mm256_set1_pd(-INFINITY);
    size_t m = 0, i = 0;
    for (; i + 4 <= n; i += 4) {
        __m256i w = _mm256_loadu_si256((const __m256i *)(const void *)(num + i));
        __m256d v = _mm256_castsi256_pd(w);
        _mm_prefetch((const char *)(num + i + PREFETCH), _MM_HINT_T0);
        _mm_prefetch((const char *)(missing + i + PREFETCH), _MM_HINT_T0);
        __m256i known = _mm256_cmpeq_epi64(_mm256_cvtepu8_epi64(_mm_loadu_si32(missing + i)), zero);
        __m256i keep = _mm256_andnot_si256(_mm256_cmpeq_epi64(_mm256_and_si256(w, expo), expo), known);
        __m256d sc = _mm256_mul_pd(v, scale);
        __m256d t = _mm256_add_pd(sc, magic);
        __m256d whole = _mm256_and_pd(_mm256_cmp_pd(_mm256_and_pd(sc, absm), big, _CMP_LE_OQ),
                                      _mm256_cmp_pd(_mm256_sub_pd(t, magic), sc, _CMP_EQ_OQ));
        int kk = _mm256_movemask_pd(_mm256_castsi256_pd(keep));
        if ((_mm256_movemask_pd(whole) & kk) != kk) break;   /* the portable loop goes on from here */
        __m256i q = _mm256_sub_epi64(_mm256_castpd_si256(t), _mm256_castpd_si256(magic));
        sum = _mm256_add_epi64(sum, _mm256_and_si256(q, keep));
        m += (size_t)__builtin_popcount((unsigned)kk);
        odd = _mm256_or_si256(odd, _mm256_and_si256(keep, _mm256_cmpeq_epi64(w, sign)));
        __m256d kd = _mm256_castsi256_pd(keep);
        lo = _mm256_blendv_pd(lo, v, _mm256_and_pd(kd, _mm256_cmp_pd(v, lo, _CMP_LT_OQ)));
        hi = _mm256_blendv_pd(hi, v, _mm256_and_pd(kd, _mm256_cmp_pd(v, hi, _CMP_GT_OQ)));
        for (unsigned k = 0; cnt && k < 4; k++)
            cnt[bucket_of(num[i + k])] += ((unsigned)kk >> k) & 1u;
    }
    a->isum += (int64_t)lanes_sum(sum);
    a->m += m;
    a->odd |= !_mm256_testz_si256(odd, odd);
    /* the lanes' minima (as scan_avx512's) */
    double l[4], h[4];
    _mm256_storeu_pd(l, lo);
    _mm256_storeu_pd(h, hi);
    for (int k = 0; k < 4; k++) {
        a->lo = l[k] < a->lo ? l[k] : a->lo;
        a->hi = h[k] > a->hi ? h[k] : a->hi;
    }
    return i;
}
#endif

/* The first pass over num[0..n-1] (scan_pass; with AVX-512 while the sum
 * can be taken in integers, simd given and the CPU has it); returns the
 * number of values kept. */
static size_t scan_all(const double *num, const unsigned char *missing, size_t n, uint32_t *cnt, int simd,
                       long double *sum, double *min, double *max, int *odd)
{
    scan_acc a = {0, 0, 0, INFINITY, -INFINITY, 0};
    size_t i = 0;
#if defined(__x86_64__) && defined(__GNUC__) && LDBL_MANT_DIG >= 64
    if (simd && n < ((size_t)1 << 26) && (SCAN_OK() || __builtin_cpu_supports("avx2"))) {
        i = simd == 1 && SCAN_OK() ? scan_avx512(num, missing, n, cnt, &a) : scan_avx2(num, missing, n, cnt, &a);
        a.s = (long double)a.isum / (long double)(1 << SCALE_BITS);   /* exact */
    }
#else
    (void)simd;
#endif
    scan_pass(num, missing, i, n, cnt, &a);
    *sum = a.s;
    *min = a.lo;
    *max = a.hi;
    *odd = a.odd;
    return a.m;
}

int ds_stages_scan(ds_stages *s, const double *num, const unsigned char *missing, size_t n, double *x,
                   ds_numeric *out, int simd)
{
    uint32_t *cnt;
    unsigned char *tag;
    buckets_alloc(n, &cnt, &tag);
    long double sum;
    int odd;
    size_t m = scan_all(num, missing, n, cnt, simd, &sum, &out->min, &out->max, &odd);
    const double *src = num;
    s->finished = 0;
    s->own = 0;
    if (!x && (m < n || m < SELECT_BUCKETED)) {   /* room to gather or to select */
        x = malloc((n + 1) * sizeof *x);
        s->own = 1;
        if (!x) {
            free(cnt);
            free(tag);
            s->finished = 1;
            s->rc = -1;
            return -1;
        }
    }
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
        s->rc = ds_summary_select(x, m, out);
        s->finished = 1;
        if (s->own) free(x);
        return 1;
    }
    out->n = m;
    stages_begin(s, src, x, m, sum, odd, cnt, tag, simd);
    return 0;
}

int ds_summary_gather(const double *num, const unsigned char *missing, size_t n, double *x,
                      ds_numeric *out)
{
    ds_stages s;
    ds_stages_scan(&s, num, missing, n, x, out, 1);
    return stages_all(&s, out);
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

/* The same with AVX2 on blocks of 32 values: each 4 values' missing
 * bytes widened to lanes, the compares' all-ones lanes subtracted. */
static AVX2_TARGET size_t count01_avx2(const double *num, const unsigned char *missing, size_t n, size_t c[3])
{
    const __m256i one = _mm256_set1_epi64x((long long)UINT64_C(0x3ff0000000000000));
    const __m256i abs = _mm256_set1_epi64x((long long)(~UINT64_C(0) >> 1)), zero = _mm256_setzero_si256();
    __m256i yes = zero, no = zero;
    size_t nmiss = 0, whole = n - n % 32;
    for (size_t i = 0; i < whole; i += 32) {
        __m256i mb = _mm256_loadu_si256((const __m256i *)(const void *)(missing + i));
        nmiss += 32 - (size_t)__builtin_popcount((unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(mb, zero)));
        for (size_t k = 0; k < 8; k++) {
            __m256i w = _mm256_loadu_si256((const __m256i *)(const void *)(num + i + 4 * k));
            __m256i kn = _mm256_cmpeq_epi64(_mm256_cvtepu8_epi64(_mm_loadu_si32(missing + i + 4 * k)), zero);
            yes = _mm256_sub_epi64(yes, _mm256_and_si256(kn, _mm256_cmpeq_epi64(w, one)));
            no = _mm256_sub_epi64(no, _mm256_and_si256(kn, _mm256_cmpeq_epi64(_mm256_and_si256(w, abs), zero)));
        }
    }
    c[0] += (size_t)lanes_sum(no);
    c[1] += (size_t)lanes_sum(yes);
    c[2] += nmiss;
    return whole;
}
#endif

int ds_count01(const double *num, const unsigned char *missing, size_t n, size_t count[3], int simd)
{
    size_t i = 0;
    count[0] = count[1] = count[2] = 0;
#if defined(__x86_64__) && defined(__GNUC__)
    if (simd == 1 && SIMD_OK())
        i = count01_avx512(num, missing, n, count);
    else if (simd && __builtin_cpu_supports("avx2"))
        i = count01_avx2(num, missing, n, count);
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
