// CPU instructions Swift has no intrinsic for: cache prefetch hints (used by the in-memory term table and
// the scoring loop's norms rows), a byte mask's high bits as an integer (`UnreadElements`' scan), the
// content hash's word loop on AVX2 (`Hash64`), chosen at run time, and the few atomic operations on
// plain memory that the workers' shared stems (`SharedStems`) publish and read their slots with.
#ifndef TRIALSEARCH_CINTRINSICS_H
#define TRIALSEARCH_CINTRINSICS_H

#include <stddef.h>
#include <stdint.h>

/// Asks the CPU to bring the cache line holding `address` into the cache for a coming write, without
/// waiting for it. A hint only: any address may be given, nothing is read or faulted.
static inline __attribute__((always_inline)) void trialsearch_prefetch_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

/// Asks the CPU to bring the cache line holding `address` into the cache for a coming read, without
/// waiting for it. A hint only: any address may be given, nothing is read or faulted.
static inline __attribute__((always_inline)) void trialsearch_prefetch_read(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// 16 bytes as a vector (Swift's `SIMD16<UInt8>`).
typedef unsigned char trialsearch_u8x16 __attribute__((ext_vector_type(16)));

/// The high bit of each of the 16 bytes of `v`, byte `i` as bit `i` (one `pmovmskb` on x86-64; Swift
/// has no intrinsic for it: a mask's lanes gathered by multiplications cost about 12 instructions).
static inline __attribute__((always_inline)) unsigned trialsearch_movemask(trialsearch_u8x16 v) {
#if defined(__SSE2__)
    return (unsigned)__builtin_ia32_pmovmskb128((__attribute__((vector_size(16))) char)v);
#else
    unsigned bits = 0;
    for (int i = 0; i < 16; i++) bits |= (unsigned)(v[i] >> 7) << i;
    return bits;
#endif
}

/// The 64-bit word at `p`, read with acquire ordering: the writes made before a release store or
/// exchange of the value read (`trialsearch_cas_release_u64`) are visible after it.
static inline __attribute__((always_inline)) uint64_t trialsearch_load_acquire_u64(const uint64_t *p) {
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/// Stores `desired` at `p` if it holds `*expected`, with release ordering, and returns 1; else writes the
/// value found to `*expected` and returns 0.
static inline __attribute__((always_inline)) int trialsearch_cas_release_u64(uint64_t *p, uint64_t *expected,
                                                                             uint64_t desired) {
    return __atomic_compare_exchange_n(p, expected, desired, 0, __ATOMIC_RELEASE, __ATOMIC_ACQUIRE);
}

/// Adds `v` to the word at `p` atomically (no ordering) and returns the value before the addition.
static inline __attribute__((always_inline)) uint64_t trialsearch_fetch_add_u64(uint64_t *p, uint64_t v) {
    return __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

/// `Hash64.hash`'s loop over `words` whole 8-byte words at `bytes` (little-endian), from the running hash
/// `h`: for each word w in order, h = (h ^ mix(w·K))·K, h ^= h >> 32. The mixes of four words at a time
/// in AVX2 lanes when the CPU has AVX2 (about 13 instructions a word instead of 19), else word by word;
/// the same result either way.
uint64_t trialsearch_hash64_words(const void *bytes, size_t words, uint64_t h);

/// `trialsearch_hash64_words` with the path chosen by the caller (`vector` non-zero: AVX2, which the CPU
/// must have), for tests.
uint64_t trialsearch_hash64_words_using(const void *bytes, size_t words, uint64_t h, int vector);

/// Whether `trialsearch_hash64_words` takes the AVX2 path on this CPU.
int trialsearch_hash64_vector_available(void);

#endif
