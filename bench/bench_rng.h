/*
 * bench_rng.h — the small deterministic generator (splitmix64) the benchmark and demo
 * data generators share, so a seed gives the same data on every machine.
 */
#ifndef QG_BENCH_RNG_H
#define QG_BENCH_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s;
} rng;

/* Returns the next 64 random bits of r. */
static inline uint64_t rng_next(rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Returns a number from 0 to n - 1 (n > 0). */
static inline unsigned rng_below(rng *r, unsigned n)
{
    return (unsigned)(rng_next(r) % n);
}

#endif
