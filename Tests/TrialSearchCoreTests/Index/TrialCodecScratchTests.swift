import Testing
@testable import TrialSearchCore

/// `TrialCodec.encode(_:scratch:)`, the index worker's path (one buffer for all its records, the part
/// lengths written just before the body): the same record bytes and source offset as
/// `encode(_:into:)`, whatever came before in the same scratch.
@Suite struct TrialCodecScratchTests {
    @Test func aReusedScratchCodesEachRecordAsAFreshEncode() throws {
        var trials = StoredLeadingPartsTests.trials()
        // A record past the buffer's kept size (1 MB): the buffer grows, and is replaced at the next record.
        var huge = Trial(id: TrialID("NCT09999999")!)
        huge.detailedDescription = String(repeating: "a long description ", count: 70_000)
        huge.primaryOutcomes = [Outcome(measure: "m", timeFrame: "t", description: "d")]
        trials.insert(huge, at: 7)
        trials.append(huge)
        trials.append(Trial(id: TrialID("NCT1")!))
        var scratch = TrialCodec.Scratch()
        var fresh: [UInt8] = []
        for (n, t) in trials.enumerated() {
            let sourceStart = TrialCodec.encode(t, scratch: &scratch)
            let freshStart = TrialCodec.encode(t, into: &fresh)
            #expect(sourceStart == freshStart, "record \(n)")
            #expect(Array(scratch.record) == fresh, "record \(n)")
            #expect(try TrialCodec.decode(scratch.record, file: "test") == t, "record \(n)")
        }
    }

    /// The worked example of `TrialCodec`'s doc comment through a scratch that coded a larger record
    /// before: its part lengths (one byte each) start the record.
    @Test func workedExampleAfterALargerRecord() {
        var scratch = TrialCodec.Scratch()
        var large = Trial(id: TrialID("NCT02")!)
        large.briefSummary = String(repeating: "x", count: 100_000)  // part lengths of 3 bytes
        TrialCodec.encode(large, scratch: &scratch)
        let sourceStart = TrialCodec.encode(Trial(id: TrialID("NCT01")!), scratch: &scratch)
        let bytes = Array(scratch.record)
        #expect(Array(bytes[0..<8]) == [0x0B, 0x19, 0x04, 0x02, 0x01, 0x02, 0x02, 0x03])
        #expect(Array(bytes[sourceStart...]) == [0, 0, 0x0A] + Array("plain-text".utf8))
        #expect(bytes.count == 8 + 63)
    }
}
