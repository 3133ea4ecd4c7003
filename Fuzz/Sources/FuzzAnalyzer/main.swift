import FuzzSupport

// Differential fuzzing of the tokenizer's stem-cache fast path against the uncached analyzer (see
// AnalyzerFuzzing).
nonisolated(unsafe) let fuzzing = AnalyzerFuzzing()
FuzzDriver.run { data, size in
    fuzzing.run(FuzzDriver.bytes(data, size))
    return 0
}
