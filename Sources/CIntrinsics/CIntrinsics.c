// Most of CIntrinsics is header-only (static inline functions in include/CIntrinsics.h); this file holds
// what needs a function of its own: the content hash's word loop on AVX2, chosen at run time.
#include "CIntrinsics.h"
#include <stdatomic.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

#define HASH64_K 0x9E3779B97F4A7C15ULL
#define HASH64_M1 0xBF58476D1CE4E5B9ULL
#define HASH64_M2 0x94D049BB133111EBULL

/// `Hash64.mix` (splitmix64's finalizer).
static inline uint64_t hash64_mix(uint64_t z) {
    z = (z ^ (z >> 30)) * HASH64_M1;
    z = (z ^ (z >> 27)) * HASH64_M2;
    return z ^ (z >> 31);
}

/// One word into the running hash: the step `Hash64.hash` takes for each 8 bytes.
static inline uint64_t hash64_step(uint64_t h, uint64_t mixed) {
    h = (h ^ mixed) * HASH64_K;
    return h ^ (h >> 32);
}

static uint64_t hash64_words_scalar(const unsigned char *bytes, size_t words, uint64_t h) {
    for (size_t i = 0; i < words; i++) {
        uint64_t w;
        __builtin_memcpy(&w, bytes + 8 * i, 8);  // little-endian: x86-64 and arm64
        h = hash64_step(h, hash64_mix(w * HASH64_K));
    }
    return h;
}

#if defined(__x86_64__)
/// The low 64 bits of each lane of `a` times `b` (given as its 32-bit halves): AVX2 has no 64-bit
/// multiply, so a·b = lo(a)·lo(b) + ((hi(a)·lo(b) + lo(a)·hi(b)) << 32), three 32×32→64 multiplies.
__attribute__((target("avx2")))
static inline __m256i hash64_mul(__m256i a, __m256i bLow, __m256i bHigh) {
    __m256i low = _mm256_mul_epu32(a, bLow);
    __m256i cross = _mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(a, 32), bLow), _mm256_mul_epu32(a, bHigh));
    return _mm256_add_epi64(low, _mm256_slli_epi64(cross, 32));
}

/// The words four at a time: each one's `mix(w · K)` computed in the four lanes of a vector (the
/// multiplies are most of a word's instructions), then taken into the hash one after the other in their
/// order, as the scalar loop does; the same result.
__attribute__((target("avx2")))
static uint64_t hash64_words_avx2(const unsigned char *bytes, size_t words, uint64_t h) {
    const __m256i kLow = _mm256_set1_epi64x((long long)(HASH64_K & 0xFFFFFFFFu));
    const __m256i kHigh = _mm256_set1_epi64x((long long)(HASH64_K >> 32));
    const __m256i m1Low = _mm256_set1_epi64x((long long)(HASH64_M1 & 0xFFFFFFFFu));
    const __m256i m1High = _mm256_set1_epi64x((long long)(HASH64_M1 >> 32));
    const __m256i m2Low = _mm256_set1_epi64x((long long)(HASH64_M2 & 0xFFFFFFFFu));
    const __m256i m2High = _mm256_set1_epi64x((long long)(HASH64_M2 >> 32));
    size_t i = 0;
    for (; i + 4 <= words; i += 4) {
        __m256i z = hash64_mul(_mm256_loadu_si256((const __m256i *)(bytes + 8 * i)), kLow, kHigh);
        z = hash64_mul(_mm256_xor_si256(z, _mm256_srli_epi64(z, 30)), m1Low, m1High);
        z = hash64_mul(_mm256_xor_si256(z, _mm256_srli_epi64(z, 27)), m2Low, m2High);
        z = _mm256_xor_si256(z, _mm256_srli_epi64(z, 31));
        uint64_t mixed[4];
        _mm256_storeu_si256((__m256i *)mixed, z);
        h = hash64_step(h, mixed[0]);
        h = hash64_step(h, mixed[1]);
        h = hash64_step(h, mixed[2]);
        h = hash64_step(h, mixed[3]);
    }
    return hash64_words_scalar(bytes + 8 * i, words - i, h);
}

/// Whether the CPU has AVX2 and the OS saves the YMM registers (CPUID leaf 7 EBX bit 5; leaf 1 ECX
/// OSXSAVE and AVX; XCR0 bits 1 and 2).
static int hash64_hasAVX2(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (!(c & bit_OSXSAVE) || !(c & bit_AVX)) return 0;
    unsigned xcr0Low, xcr0High;
    __asm__("xgetbv" : "=a"(xcr0Low), "=d"(xcr0High) : "c"(0));
    if ((xcr0Low & 6) != 6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b & bit_AVX2) != 0;
}
#endif

uint64_t trialsearch_hash64_words_using(const void *bytes, size_t words, uint64_t h, int vector) {
#if defined(__x86_64__)
    if (vector) return hash64_words_avx2((const unsigned char *)bytes, words, h);
#else
    (void)vector;
#endif
    return hash64_words_scalar((const unsigned char *)bytes, words, h);
}

int trialsearch_hash64_vector_available(void) {
#if defined(__x86_64__)
    // Asked once (two threads asking at once both store the same answer).
    static _Atomic int known = -1;
    int answer = atomic_load_explicit(&known, memory_order_relaxed);
    if (answer < 0) {
        answer = hash64_hasAVX2();
        atomic_store_explicit(&known, answer, memory_order_relaxed);
    }
    return answer;
#else
    return 0;
#endif
}

uint64_t trialsearch_hash64_words(const void *bytes, size_t words, uint64_t h) {
    return trialsearch_hash64_words_using(bytes, words, h, trialsearch_hash64_vector_available());
}
