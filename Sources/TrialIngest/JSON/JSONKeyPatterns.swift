/// The member keys `TrialJSONDecoder` reads, one set per object of the writer's form, and each key's
/// bytes as `TrialJSONDecoder.key(_:hint:)` compares them: the key's letters, its closing quote and the
/// colon (`registry":`), at most 24 bytes, as three little-endian 8-byte words and their masks. The
/// bytes after a key's opening quote are loaded once, as three words, and each candidate is three
/// masked compares: the letters, the quote and the colon at once, with no byte loop, no length test
/// and no separate colon. (`build24`'s key table compared one word of letters and kept the quote
/// test, the colon and the function's frame: no gain; here the whole key and its colon are one test,
/// inline.) A key the patterns do not match (white space before its colon, the record's last bytes,
/// an escape, an unknown key) is read by `key(of:hint:)`, which gives the same answer or refuses.
///
/// One table for the process, built once and never freed (`shared`), immutable after: a decoder
/// copies its pointer.
struct JSONKeyPatterns: @unchecked Sendable {
    /// The key sets: each is a range of the table's entries, in the order of its `keys`.
    enum KeySet: Int, CaseIterable {
        case trial, intervention, armGroup, outcome, official, location, source, design, eligibility

        /// The keys in the writer's order (`Trial.writeJSON`): a key's number is its index here.
        var keys: [StaticString] {
            switch self {
            case .trial: return JSONKeyPatterns.trialKeys
            case .intervention: return ["type", "name", "description", "otherNames", "armGroupLabels"]
            case .armGroup: return ["label", "type", "description"]
            case .outcome: return ["measure", "timeFrame", "description"]
            case .official: return ["name", "role", "affiliation"]
            case .location: return ["facility", "city", "state", "country"]
            case .source: return ["file", "entry", "format"]
            case .design:
                return ["allocation", "interventionModel", "primaryPurpose", "masking", "observationalModel",
                        "timePerspective"]
            case .eligibility:
                return ["sex", "minimumAge", "maximumAge", "minimumAgeYears", "maximumAgeYears", "healthyVolunteers",
                        "criteria", "inclusion", "exclusion"]
            }
        }

        /// The number of keys (`keys.count`), a constant.
        @inline(__always)
        var count: Int {
            switch self {
            case .trial: return 34
            case .intervention: return 5
            case .armGroup, .outcome, .official, .source: return 3
            case .location: return 4
            case .design: return 6
            case .eligibility: return 9
            }
        }

        /// The table's entry of the set's first key, a constant (the sets' counts summed in order).
        @inline(__always)
        var first: Int {
            switch self {
            case .trial: return 0
            case .intervention: return 34
            case .armGroup: return 39
            case .outcome: return 42
            case .official: return 45
            case .location: return 48
            case .source: return 52
            case .design: return 55
            case .eligibility: return 61
            }
        }
    }

    static let trialKeys: [StaticString] = [
        "id", "registry", "secondaryIds", "briefTitle", "officialTitle", "acronym", "briefSummary",
        "detailedDescription", "conditions", "keywords", "meshTerms", "conditionMeshTerms",
        "interventionMeshTerms", "interventions", "armGroups", "primaryOutcomes", "secondaryOutcomes",
        "eligibility", "overallStatus", "phases", "studyType", "design", "enrollment", "startDate",
        "completionDate", "firstPosted", "lastUpdated", "leadSponsor", "collaborators", "officials",
        "countries", "locations", "relatedIds", "source",
    ]

    /// Words of an entry: pattern words 0-2, mask words 3-5, then the pattern's length (the key's
    /// letters, quote and colon), then padding: 64 bytes, one cache line.
    static let entryWords = 8
    /// The longest pattern, in bytes (three words).
    static let maxPattern = 24

    /// The entries of every set, in `KeySet` order.
    let entries: UnsafePointer<UInt64>

    static let shared = JSONKeyPatterns()

    private init() {
        let sets = KeySet.allCases
        let total = sets.reduce(0) { $0 + $1.count }
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: total * Self.entryWords)
        table.initialize(repeating: 0, count: total * Self.entryWords)
        var next = 0
        for set in sets {
            let keys = set.keys
            precondition(keys.count == set.count && set.first == next,
                         "key set \(set): \(keys.count) keys from \(next), stated \(set.count) from \(set.first)")
            next += keys.count
            for (k, key) in keys.enumerated() {
                let entry = table + (set.first + k) * Self.entryWords
                var pattern = Array(UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
                pattern += [UInt8(ascii: "\""), UInt8(ascii: ":")]
                precondition(pattern.count <= Self.maxPattern, "key \(key) longer than a pattern")
                for (j, byte) in pattern.enumerated() {
                    let shift = UInt64(j % 8 * 8)
                    entry[j / 8] |= UInt64(byte) << shift
                    entry[3 + j / 8] |= 0xFF << shift
                }
                entry[6] = UInt64(pattern.count)
            }
        }
        entries = UnsafePointer(table)
    }
}
