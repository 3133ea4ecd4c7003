import FuzzSupport

// Fuzzes the ingestion of one input read as kind .clinicalStudyXML (see RecordFuzzing).
nonisolated(unsafe) let fuzzing = RecordFuzzing(kind: .clinicalStudyXML)
FuzzDriver.run { data, size in
    fuzzing.run(FuzzDriver.bytes(data, size))
    return 0
}
