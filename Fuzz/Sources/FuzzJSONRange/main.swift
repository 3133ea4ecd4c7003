import FuzzSupport

// Differential fuzzing of JSON Lines cut in ranges by the workers against the serial splitter (see
// JSONRangeFuzzing).
nonisolated(unsafe) let fuzzing = JSONRangeFuzzing()
FuzzDriver.run { data, size in
    fuzzing.run(FuzzDriver.bytes(data, size))
    return 0
}
