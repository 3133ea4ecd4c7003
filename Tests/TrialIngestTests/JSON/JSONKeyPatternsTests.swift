import Testing
@testable import TrialIngest
import TrialSearchCore

/// `TrialJSONDecoder.key(_:hint:)` compares a key, its quote and its colon with each candidate's
/// `JSONKeyPatterns` entry, and leaves every other key to `key(of:hint:)`: every key of every set reads,
/// in the writer's form and with white space around its colon, at a buffer's end as before a long tail;
/// a key one letter off, longer, shorter, in another case or escaped is refused as before (the tape
/// then gives the answer).
@Suite struct JSONKeyPatternsTests {
    /// A trial with a value under every key the writer prints.
    static func everyKey() throws -> Trial {
        var t = Trial(id: try #require(TrialID("NCT01234567")), registry: "ClinicalTrials.gov",
                      source: RecordSource(file: "NCT01234567.xml", entry: "a/NCT01234567.xml", format: .clinicalStudyXML))
        t.secondaryIds = ["S-1"]
        t.briefTitle = "Brief"
        t.officialTitle = "Official"
        t.acronym = "ACR"
        t.briefSummary = "Summary"
        t.detailedDescription = "Description"
        t.conditions = ["Asthma"]
        t.keywords = ["lungs"]
        t.conditionMeshTerms = ["Asthma"]
        t.interventionMeshTerms = ["Budesonide"]
        t.interventions = [Intervention(type: "Drug", name: "Budesonide", description: "Inhaled",
                                        otherNames: ["Pulmicort"], armGroupLabels: ["Arm A"])]
        t.armGroups = [ArmGroup(label: "Arm A", type: "Experimental", description: "Budesonide daily")]
        t.primaryOutcomes = [Outcome(measure: "FEV1", timeFrame: "12 weeks", description: "Lung function")]
        t.secondaryOutcomes = [Outcome(measure: "Symptoms", timeFrame: "6 weeks", description: "Diary")]
        t.eligibility = Eligibility(criteria: "Inclusion Criteria:\n\n- Adults", inclusion: ["Adults"],
                                    exclusion: ["Smokers"], sex: "All", minimumAge: "18 Years", maximumAge: "65 Years",
                                    minimumAgeYears: 18, maximumAgeYears: 65, healthyVolunteers: false)
        t.overallStatus = "Completed"
        t.phases = ["Phase 2"]
        t.studyType = "Interventional"
        t.design = StudyDesign(allocation: "Randomized", interventionModel: "Parallel Assignment",
                               primaryPurpose: "Treatment", masking: "Double", observationalModel: "Cohort",
                               timePerspective: "Prospective")
        t.enrollment = 120
        t.startDate = PartialDate(year: 2019, month: 3, day: 1)
        t.completionDate = PartialDate(year: 2021, month: 6)
        t.firstPosted = PartialDate(year: 2019, month: 2, day: 11)
        t.lastUpdated = PartialDate(year: 2022, month: 1, day: 5)
        t.leadSponsor = "Sponsor"
        t.collaborators = ["Partner"]
        t.officials = [Official(name: "Dr A", role: "Principal Investigator", affiliation: "Hospital")]
        t.countries = ["Norway"]
        t.locations = [Location(facility: "Hospital", city: "Oslo", state: "Oslo", country: "Norway")]
        t.relatedIds = ["NCT07654321"]
        return t
    }

    /// The offsets of the line's keys (their opening quotes): every `"letters":` outside a string.
    static func keyOffsets(_ line: [UInt8]) -> [(Int, String)] {
        var found: [(Int, String)] = []
        var inString = false, escape = false, start = 0
        for (k, byte) in line.enumerated() {
            if inString {
                if escape {
                    escape = false
                } else if byte == UInt8(ascii: "\\") {
                    escape = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if k + 1 < line.count, line[k + 1] == UInt8(ascii: ":") {
                        found.append((start, String(decoding: line[(start + 1)..<k], as: UTF8.self)))
                    }
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
                start = k
            }
        }
        return found
    }

    /// The fast decoder's `Trial` of `line`, alone in its buffer and with `tail` after it, or nil when
    /// either gives up (both must agree).
    static func decoded(_ line: [UInt8], tail: Int) -> Trial?? {
        let alone = line.withUnsafeBytes { TrialJSONDecoder.decode($0, maxDepth: 64) }
        let padded = line + Array(repeating: UInt8(ascii: "\n"), count: tail)
        var end = -1
        let cut = padded.withUnsafeBufferPointer { TrialJSONDecoder.decodeValue(in: $0, at: 0, maxDepth: 64, end: &end) }
        guard alone == cut, cut == nil || end == line.count else { return nil }
        return .some(alone)
    }

    @Test func everyKeyReadsInEveryForm() throws {
        let trial = try Self.everyKey()
        let line = Array(trial.jsonString.utf8)
        let keys = Self.keyOffsets(line)
        // Every key of every set is in the line (meshTerms is skipped by the decoder but read as a key).
        let printed = Set(keys.map(\.1))
        for set in JSONKeyPatterns.KeySet.allCases {
            #expect(set.keys.count == set.count)
            for key in set.keys {
                #expect(printed.contains(key.description), "\(set) \(key)")
            }
        }
        #expect(Self.decoded(line, tail: 0) == .some(trial))
        #expect(Self.decoded(line, tail: 64) == .some(trial))
        // White space before and after each key's colon, one key at a time: `key(of:hint:)` reads it.
        for (offset, key) in keys {
            let colon = offset + key.utf8.count + 2
            for space in [" ", "\t", "\r\n "] {
                var spaced = line
                spaced.insert(contentsOf: Array(space.utf8), at: colon)
                #expect(Self.decoded(spaced, tail: 64) == .some(trial), "space before \(key)'s colon")
                spaced = line
                spaced.insert(contentsOf: Array(space.utf8), at: colon + 1)
                #expect(Self.decoded(spaced, tail: 64) == .some(trial), "space after \(key)'s colon")
            }
        }
    }

    /// A short record whose keys lie within 24 bytes of the buffer's end (the patterns need three words):
    /// read by `key(of:hint:)`, alone and cut from a longer buffer.
    @Test func keysNearTheBuffersEndRead() throws {
        for text in [#"{"id":"N"}"#, #"{"id":"NCT1","acronym":"A"}"#, #"{"id":"NCT1","phases":["Phase 1"]}"#,
                     #"{"id":"NCT1","locations":[{"city":"Oslo","country":"Norway"}]}"#] {
            let line = Array(text.utf8)
            let tape = try TrialJSONDecoderTests.viaTape(text).get()
            for tail in 0...30 {
                #expect(Self.decoded(line, tail: tail) == .some(tape), "\(text) + \(tail)")
            }
        }
    }

    /// Each key of the writer's line changed into one the writer never prints: a letter changed, one
    /// more, one fewer, capitalized, escaped, or its quote doubled. The fast decoder gives up; the reader
    /// gives the tape's answer.
    @Test func keysOffByALetterAreRefused() throws {
        let line = Array(try Self.everyKey().jsonString.utf8)
        for (offset, key) in Self.keyOffsets(line) where key != "meshTerms" {
            let letters = Array(key.utf8)
            var changedLast = letters
            changedLast[letters.count - 1] ^= 0x01
            let variants: [[UInt8]] = [
                changedLast,
                letters + Array("s".utf8),
                Array(letters.dropLast()),
                [letters[0] & ~0x20] + letters.dropFirst(),
                Array(#"\u00"#.utf8) + Array(String(letters[0], radix: 16).utf8) + letters.dropFirst(),
                letters + Array("\"\"".utf8).dropLast(),
            ]
            for variant in variants {
                var changed = line
                changed.replaceSubrange((offset + 1)..<(offset + 1 + letters.count), with: variant)
                if changed == line || variant.isEmpty { continue }
                #expect(Self.decoded(changed, tail: 64) == .some(nil), "\(key) as \(String(decoding: variant, as: UTF8.self))")
                let text = String(decoding: changed, as: UTF8.self)
                let reader = changed.withUnsafeBytes { raw in
                    catching { () throws(IngestError) in try TrialJSONReader.read(raw, at: IngestLocation(file: "line")) }
                }
                #expect("\(reader)" == "\(TrialJSONDecoderTests.viaTape(text))", "\(key)")
            }
        }
    }
}
