#if canImport(Glibc)
import Glibc
#endif
import FuzzSupport

// Fuzzes the index readers with one file of a small real index replaced by the input (see
// IndexFuzzing). `FUZZ_INDEX_SEEDS=DIR` writes the seed inputs (each file's body) to DIR and exits;
// `FUZZ_INDEX_SWEEP=DIR` runs the champion-list sweep (`sweepChampionLists`), writes what violates the
// differential property to DIR and exits (status 1 if anything did).
nonisolated(unsafe) let fuzzing = IndexFuzzing()
if let folder = getenv("FUZZ_INDEX_SEEDS").map({ String(cString: $0) }) {
    for (k, seed) in fuzzing.seeds().enumerated() {
        let fd = open(folder + "/seed-\(k)", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0, "open \(folder)/seed-\(k): errno \(errno)")
        _ = seed.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
    exit(0)
}
if let folder = getenv("FUZZ_INDEX_SWEEP").map({ String(cString: $0) }) {
    let (cases, searched, differed, violations) = fuzzing.sweepChampionLists(writingViolationsTo: folder)
    print("champion-list sweep: \(cases) cases, \(searched) opened and searched, \(differed) of them with pruned "
        + "searches unlike the exhaustive ones, \(violations) of those that check passes (violations)")
    exit(violations == 0 ? 0 : 1)
}
FuzzDriver.run { data, size in
    fuzzing.run(FuzzDriver.bytes(data, size))
    return 0
}
