// Cache prefetch hints for Swift, which has no intrinsic for them (used by the in-memory term table and
// the scoring loop's norms rows).
#ifndef TRIALSEARCH_CPREFETCH_H
#define TRIALSEARCH_CPREFETCH_H

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

#endif
