import FuzzSupport

// Fuzzes the ingestion of one input read as kind .ictrpExport (see RecordFuzzing).
nonisolated(unsafe) let fuzzing = RecordFuzzing(kind: .ictrpExport)
FuzzDriver.run { data, size in
    fuzzing.run(FuzzDriver.bytes(data, size))
    return 0
}
