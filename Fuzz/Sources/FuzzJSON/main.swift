import FuzzSupport

// Fuzzes the ingestion of one input read as kind .json (see RecordFuzzing).
nonisolated(unsafe) let fuzzing = RecordFuzzing(kind: .json)
FuzzDriver.run { data, size in
    fuzzing.run(FuzzDriver.bytes(data, size))
    return 0
}
