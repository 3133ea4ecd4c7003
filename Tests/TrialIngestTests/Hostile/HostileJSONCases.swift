import Foundation
import Testing
@testable import TrialIngest
import TrialSearchCore

/// Hostile ClinicalTrials.gov API v2 JSON, made from the real study NCT02691897 and the website's
/// three-study `ctg-studies.json` array: wrong types, missing and duplicate ids, huge strings and
/// nesting, broken syntax and encodings.
enum HostileJSONCases {
    static let base = "ctgov-json/NCT02691897.json"
    static let array = "ctgov-json/ctg-studies.json"
    static let arrayIDs = ["NCT00205894", "NCT01165944", "NCT03651024"]

    static func study(_ target: String, _ replacement: String) throws -> [UInt8] {
        try Fixtures.bytes(base).replacing(target, with: replacement)
    }

    /// The study between the array's first and second studies: `[s1, study, s2, s3]`.
    static func inArray(_ study: [UInt8]) throws -> [UInt8] {
        try Fixtures.bytes(array).replacing("[\n  {", with: "[\n" + String(decoding: study, as: UTF8.self) + ",\n  {")
    }

    static let nctId = "\"nctId\": \"NCT02691897\""

    static var all: [HostileCase] {
        [
            // Wrong types: the id (the record is refused), optional fields (they are left out).
            HostileCase(name: "json/id-is-a-number.json", build: { _ in try study(nctId, "\"nctId\": 2691897") },
                        outcome: .error(.missingField, "ctgov-json record has no protocolSection.identificationModule.nctId")),
            HostileCase(name: "json/id-is-an-object.json", build: { _ in try study(nctId, "\"nctId\": {\"id\": \"NCT02691897\"}") },
                        outcome: .error(.missingField, "has no protocolSection.identificationModule.nctId")),
            HostileCase(name: "json/protocol-section-is-a-string.json", build: { _ in
                Array("{\"protocolSection\": \"NCT02691897\"}".utf8)
            }, outcome: .error(.missingField, "has no protocolSection.identificationModule.nctId")),
            HostileCase(name: "json/optional-fields-of-wrong-types.json", build: { _ in
                try study("\"briefTitle\": \"Melatonin's Effects on Treatment Of Diabetes Mellitus\"", "\"briefTitle\": [1, 2]")
                    .replacing("\"count\": 60", with: "\"count\": \"60\"")
                    .replacing("\"phases\": [", with: "\"phases\": \"PHASE2\", \"x\": [")
                    .replacing("\"conditions\": [", with: "\"conditions\": {\"a\": 1}, \"y\": [")
                    .replacing("\"briefSummary\": \"", with: "\"briefSummary\": 12, \"z\": \"")
            }, outcome: .read(id: "NCT02691897") {
                $0.briefTitle.isEmpty && $0.enrollment == nil && $0.phases.isEmpty && $0.conditions.isEmpty && $0.briefSummary.isEmpty
                    && $0.officialTitle.hasPrefix("The Effects of Melatonin")
            }),
            HostileCase(name: "json/huge-numbers.json", build: { _ in
                try study("\"count\": 60", "\"count\": 1e999999").replacing("\"NCT02691897\"", with: "\"NCT02691897\", \"n\": -99999999999999999999999999")
            }, outcome: .read(id: "NCT02691897") { $0.enrollment == nil }),
            // Missing ids.
            HostileCase(name: "json/no-id.json", build: { _ in try study(nctId + ",", "") },
                        outcome: .error(.missingField, "has no protocolSection.identificationModule.nctId")),
            HostileCase(name: "json/empty-id.json", build: { _ in try study(nctId, "\"nctId\": \"  \"") },
                        outcome: .error(.missingField, "has no protocolSection.identificationModule.nctId")),
            HostileCase(name: "json/no-id-in-an-array.json", build: { _ in try inArray(study(nctId + ",", "")) },
                        outcome: .error(.missingField, ": record 1: ctgov-json record has no"), alsoRead: arrayIDs),
            // Duplicate keys: refused (which one a reader takes is not defined).
            HostileCase(name: "json/duplicate-id.json", build: { _ in try study(nctId, nctId + ", \"nctId\": \"NCT99999999\"") },
                        outcome: .error(.malformedJSON, "duplicate key \"nctId\" in an object"), forbidden: ["NCT99999999"]),
            HostileCase(name: "json/duplicate-protocol-section.json", build: { _ in
                var bytes = try Fixtures.bytes(base)
                bytes.removeLast(2)  // "}\n"
                return bytes + Array(", \"protocolSection\": {\"identificationModule\": {\"nctId\": \"NCT99999999\"}}}".utf8)
            }, outcome: .error(.malformedJSON, "duplicate key \"protocolSection\""), forbidden: ["NCT99999999"]),
            HostileCase(name: "json/duplicate-key-in-an-array.json", build: { _ in
                try inArray(study(nctId, nctId + ", \"nctId\": \"NCT99999999\""))
            }, outcome: .error(.malformedJSON, "record 1: malformed JSON at byte"), alsoRead: arrayIDs, forbidden: ["NCT99999999"]),
            // 1 MB strings: a summary (read whole), a key (ignored), an id (refused), escapes.
            HostileCase(name: "json/1mb-summary.json", build: { _ in
                try study("\"briefSummary\": \"", "\"briefSummary\": \"" + String(repeating: "sugar ", count: 174_763))
            }, outcome: .read(id: "NCT02691897") { $0.briefSummary.utf8.count > 1_000_000 }, committed: false),
            HostileCase(name: "json/1mb-key.json", build: { _ in
                try study(nctId, nctId + ", \"" + String(repeating: "k", count: 1 << 20) + "\": 1")
            }, outcome: .read(id: "NCT02691897") { $0.briefTitle.hasPrefix("Melatonin") }, committed: false),
            HostileCase(name: "json/1mb-id.json", build: { _ in
                try study(nctId, "\"nctId\": \"NCT" + String(repeating: "0", count: 1 << 20) + "\"")
            }, outcome: .error(.tooLarge, "trial id is 1048579 bytes, more than the limit of 256"), committed: false),
            HostileCase(name: "json/1mb-of-escapes.json", build: { _ in
                try study("\"briefTitle\": \"", "\"briefTitle\": \"" + String(repeating: "\\u00e9\\n", count: 131_072))
            }, outcome: .read(id: "NCT02691897") { $0.briefTitle.hasPrefix("é é é") }, committed: false),
            // Escapes of control characters and lone surrogates.
            HostileCase(name: "json/control-character-escapes.json", build: { _ in
                try study("\"briefTitle\": \"", "\"briefTitle\": \"\\u001b[2J\\u0000\\u0007")
            }, outcome: .read(id: "NCT02691897") { $0.briefTitle.hasPrefix("[2J Melatonin") }),
            HostileCase(name: "json/control-character-in-id.json", build: { _ in try study(nctId, "\"nctId\": \"NCT02691897\\u001b[2J\"") },
                        outcome: .error(.invalidValue, "ctgov-json record has an invalid id: it contains the control character byte 0x1B")),
            HostileCase(name: "json/lone-surrogates.json", build: { _ in
                try study("\"briefTitle\": \"", "\"briefTitle\": \"\\ud800\\udc00x\\udfff ")
            }, outcome: .read(id: "NCT02691897") { $0.briefTitle.hasPrefix("\u{10000}x\u{FFFD} Melatonin") }),
            // Nesting.
            HostileCase(name: "json/deep-nesting.json", build: { _ in
                Array((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
            }, outcome: .error(.tooDeep, "record 1: JSON objects and arrays nest deeper than the limit of 64"), committed: false),
            HostileCase(name: "json/deep-nesting-unclosed.json", build: { _ in Array(String(repeating: "{\"a\":", count: 100_000).utf8) },
                        outcome: .error(.malformedJSON, "the input ends inside this record"), committed: false),
            HostileCase(name: "json/deep-nesting-in-an-array.json", build: { _ in
                try inArray(study("\"briefTitle\": \"", "\"x\": " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
                                  + ", \"briefTitle\": \""))
            }, outcome: .error(.tooDeep, "record 1: JSON objects and arrays nest deeper than the limit of 64"), alsoRead: arrayIDs),
            // Broken syntax.
            HostileCase(name: "json/truncated-study.json", build: { _ in Array(try Fixtures.bytes(base).prefix(3000)) },
                        outcome: .error(.malformedJSON, "the input ends inside this record")),
            HostileCase(name: "json/truncated-array.json", build: { _ in
                let bytes = try Fixtures.bytes(array)
                let third = try #require(indexOf(Array("\"NCT03651024\"".utf8), in: bytes))
                return Array(bytes[..<third])
            }, outcome: .error(.malformedJSON, "record 3: line 521: malformed JSON at byte 18043: the input ends inside this record"), alsoRead: Array(arrayIDs.prefix(2))),
            HostileCase(name: "json/missing-comma-in-an-array.json", build: { _ in
                try Fixtures.bytes(array).replacing("  },\n  {\n    \"protocolSection\": {\n      \"identificationModule\": {\n        \"nctId\": \"NCT01165944\"",
                                                     with: "  }\n  {\n    \"protocolSection\": {\n      \"identificationModule\": {\n        \"nctId\": \"NCT01165944\"")
            }, outcome: .error(.malformedJSON, "expected \",\" or \"]\" between records"), alsoRead: arrayIDs),
            HostileCase(name: "json/trailing-comma.json", build: { _ in try study("\"count\": 60", "\"count\": 60,") },
                        outcome: .error(.malformedJSON, "expected a string key")),
            HostileCase(name: "json/nan-literal.json", build: { _ in try study("\"count\": 60", "\"count\": NaN") },
                        outcome: .error(.malformedJSON, "expected a value, found \"N\"")),
            HostileCase(name: "json/garbage-between-lines.json", build: { _ in
                let line = String(decoding: try Fixtures.bytes(base).filter { $0 != 0x0A }, as: UTF8.self)
                return Array((line + "\n@@@ not json @@@\n" + line.replacingOccurrences(of: "NCT02691897", with: "NCT02691898")).utf8)
            }, outcome: .errors([(.malformedJSON, nil, "record 2: malformed JSON at byte 0: expected a value, found \"@\""),
                                 (.malformedJSON, nil, "record 3: malformed JSON at byte 0: invalid literal"),
                                 (.malformedJSON, nil, "record 4: malformed JSON at byte 0: expected a value, found \"j\""),
                                 (.malformedJSON, nil, "record 5: malformed JSON at byte 0: expected a value, found \"@\"")]),
               alsoRead: ["NCT02691897", "NCT02691898"]),
            // A bare JSON string does not start like JSON records ("{" or "["): it is plain text.
            HostileCase(name: "json/a-bare-string.json", build: { _ in Array("\"NCT02691897\"".utf8) },
                        outcome: .read(id: "a-json-a-bare-string") { $0.source.format == .plainText }),
            HostileCase(name: "json/studies-not-an-array.json", build: { _ in Array("{\"studies\": {\"nctId\": \"NCT02691897\"}}".utf8) },
                        outcome: .error(.unrecognizedFormat, "a JSON object without \"protocolSection\" or \"id\"")),
            HostileCase(name: "json/an-array-of-numbers.json", build: { _ in Array("[1, 2]".utf8) },
                        outcome: .errors([(.unrecognizedFormat, nil, "record 1: unrecognized format"),
                                          (.unrecognizedFormat, nil, "record 2: unrecognized format")])),
            HostileCase(name: "json/empty-array.json", build: { _ in Array("[]".utf8) }, outcome: .errors([])),
            // Encodings.
            HostileCase(name: "json/latin1-byte.json", build: { _ in
                try Fixtures.bytes(base).replacing(Array("Melatonin's".utf8), with: Array("M".utf8) + [0xE9] + Array("latonin's".utf8))
            }, outcome: .error(.notUTF8, "not UTF-8: invalid byte sequence at byte")),
            HostileCase(name: "json/utf8-bom.json", build: { _ in [0xEF, 0xBB, 0xBF] + (try Fixtures.bytes(base)) },
                        outcome: .read(id: "NCT02691897") { $0.briefTitle.hasPrefix("Melatonin") }),
            HostileCase(name: "json/utf16le-bom.json", build: { _ in
                [0xFF, 0xFE] + Array(try String(decoding: Fixtures.bytes(base), as: UTF8.self).data(using: .utf16LittleEndian) ?? Data())
            }, outcome: .error(.unrecognizedFormat, "UTF-16 text")),
            HostileCase(name: "json/raw-control-character.json", build: { _ in
                try Fixtures.bytes(base).replacing(Array("Melatonin's".utf8), with: [0x1B] + Array("Melatonin's".utf8))
            }, outcome: .error(.malformedJSON, "control character byte 0x1B in a string")),
        ]
    }
}
