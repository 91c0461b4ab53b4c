/* strpool.c: string interning.  An open-addressing (linear probing) hash
 * table of {hash, length, pointer, id} slots over an arena of large blocks,
 * so interned strings never move and equal strings share one pointer, and
 * a table of the strings by id (their order of interning, from 1), in
 * chunks of POOL_CHUNK under a top array that never moves, so a thread may
 * read the string of an id it was given while another interns. */
#include "strpool.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { POOL_BLOCK = 64 * 1024, POOL_MIN_SLOTS = 64 };
/* ids per chunk of the table by id, and chunks: 2^16 * 2^16 covers every uint32_t id */
#define POOL_CHUNK_BITS 16
#define POOL_CHUNK ((size_t)1 << POOL_CHUNK_BITS)
#define POOL_NCHUNKS ((size_t)1 << (32 - POOL_CHUNK_BITS))

typedef struct pool_slot {
    const char *s;          /* NULL: empty slot */
    uint32_t hash;          /* low bits of the hash */
    uint32_t len;           /* strings of 4 GiB or more are not pooled */
    uint32_t id;
} pool_slot;

typedef struct pool_block {
    struct pool_block *next;
    char data[];
} pool_block;

struct strpool {
    pool_slot *slots;
    size_t mask;            /* number of slots - 1 (a power of two) */
    size_t count;
    pool_block *blocks;
    char *cur;              /* free space in the newest block */
    size_t left;
    const char **byid[POOL_NCHUNKS];  /* [id >> 16][id & 0xffff]: the string
                               ([0][0] = NULL); chunks allocated as ids reach them */
};

static uint64_t load64(const char *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    return w;
}

static uint64_t load32(const char *s)
{
    uint32_t w;
    memcpy(&w, s, 4);
    return w;
}

/* A fast 64-bit hash: eight bytes at a time, multiply-xorshift mixing; the
 * last partial word is read as overlapping loads, never past the end. */
static uint64_t pool_hash(const char *s, size_t len)
{
    const uint64_t k = 0x9e3779b97f4a7c15ull;
    uint64_t h = (uint64_t)len * k ^ 0x2545f4914f6cdd1dull;
    uint64_t w;
    if (len >= 8) {
        const char *end = s + len - 8;
        while (s < end) {
            h = (h ^ load64(s)) * k;
            h ^= h >> 29;
            s += 8;
        }
        w = load64(end);
    } else if (len >= 4) {
        w = load32(s) << 32 | load32(s + len - 4);
    } else if (len > 0) {
        w = (uint64_t)(unsigned char)s[0] << 16 | (uint64_t)(unsigned char)s[len / 2] << 8 |
            (unsigned char)s[len - 1];
    } else {
        w = 0;
    }
    h = (h ^ w) * k;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return h;
}

strpool *strpool_new(void)
{
    strpool *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->slots = calloc(POOL_MIN_SLOTS, sizeof *p->slots);
    if (!p->slots) {
        free(p);
        return NULL;
    }
    p->mask = POOL_MIN_SLOTS - 1;
    /* the first chunk at once: id 0 (missing) reads NULL from it */
    if (!(p->byid[0] = calloc(POOL_CHUNK, sizeof *p->byid[0]))) {
        free(p->slots);
        free(p);
        return NULL;
    }
    return p;
}

void strpool_free(strpool *p)
{
    if (!p) return;
    pool_block *b = p->blocks;
    while (b) {
        pool_block *next = b->next;
        free(b);
        b = next;
    }
    free(p->slots);
    for (size_t k = 0; k < POOL_NCHUNKS && p->byid[k]; k++) free(p->byid[k]);
    free(p);
}

size_t strpool_count(const strpool *p)
{
    return p->count;
}

/* Double the table, re-placing the slots by their stored hashes. */
static int pool_grow(strpool *p)
{
    size_t n = (p->mask + 1) * 2;
    pool_slot *ns = calloc(n, sizeof *ns);
    if (!ns) return -1;
    for (size_t i = 0; i <= p->mask; i++) {
        if (!p->slots[i].s) continue;
        size_t j = (size_t)p->slots[i].hash & (n - 1);
        while (ns[j].s) j = (j + 1) & (n - 1);
        ns[j] = p->slots[i];
    }
    free(p->slots);
    p->slots = ns;
    p->mask = n - 1;
    return 0;
}

/* Copy s[0..len) and a NUL into the arena. */
static const char *pool_store(strpool *p, const char *s, size_t len)
{
    size_t need = len + 1;
    if (need > p->left) {
        if (need > POOL_BLOCK / 4) {
            /* a long string gets its own block, kept behind the current one */
            pool_block *b = malloc(sizeof *b + need);
            if (!b) return NULL;
            if (p->blocks) {
                b->next = p->blocks->next;
                p->blocks->next = b;
            } else {
                b->next = NULL;
                p->blocks = b;
            }
            memcpy(b->data, s, len);
            b->data[len] = 0;
            return b->data;
        }
        pool_block *b = malloc(sizeof *b + POOL_BLOCK);
        if (!b) return NULL;
        b->next = p->blocks;
        p->blocks = b;
        p->cur = b->data;
        p->left = POOL_BLOCK;
    }
    char *d = p->cur;
    memcpy(d, s, len);
    d[len] = 0;
    p->cur += need;
    p->left -= need;
    return d;
}

/* The slot of s[0..len), interned if new; NULL when out of memory. */
static const pool_slot *pool_find(strpool *p, const char *s, size_t len)
{
    if (len >= UINT32_MAX || p->count + 1 >= UINT32_MAX) return NULL;
    /* keep the load factor at most 2/3; an empty slot must always remain */
    if ((p->count + 1) * 3 > (p->mask + 1) * 2 && pool_grow(p) != 0 &&
        p->count + 1 >= p->mask + 1)
        return NULL;
    uint32_t h = (uint32_t)pool_hash(s, len);
    size_t i = (size_t)h & p->mask;
    for (;;) {
        pool_slot *sl = &p->slots[i];
        if (!sl->s) break;
        if (sl->hash == h && sl->len == len && strpool_same_bytes(sl->s, s, len)) return sl;
        i = (i + 1) & p->mask;
    }
    size_t id = p->count + 1, k = id >> POOL_CHUNK_BITS;
    if (!p->byid[k] && !(p->byid[k] = calloc(POOL_CHUNK, sizeof *p->byid[k]))) return NULL;
    const char *copy = pool_store(p, s, len);
    if (!copy) return NULL;
    p->count = id;
    p->byid[k][id & (POOL_CHUNK - 1)] = copy;
    p->slots[i] = (pool_slot){copy, h, (uint32_t)len, (uint32_t)id};
    return &p->slots[i];
}

const char *strpool_intern(strpool *p, const char *s, size_t len)
{
    const pool_slot *sl = pool_find(p, s, len);
    return sl ? sl->s : NULL;
}

uint32_t strpool_id(strpool *p, const char *s, size_t len)
{
    const pool_slot *sl = pool_find(p, s, len);
    return sl ? sl->id : 0;
}

const char *const *const *strpool_strings(const strpool *p)
{
    return (const char *const *const *)p->byid;
}
