import Foundation
import Testing
@testable import TrialIngest
import TrialSearchCore

/// Hostile WHO ICTRP exports, each made from the real 8-trial part of the export by breaking its second
/// trial (ChiCTR2000029935): the other seven must still be read.
enum HostileICTRPCases {
    static let part = "ictrp/ICTRP-Results_18Mar2020-part.xml"
    static let ids = ["ChiCTR2000029953", "ChiCTR2000029935", "ChiCTR2000029868", "ChiCTR2000029850",
                      "NCT00523276", "NCT04246242", "NCT00173563", "ChiCTR2000030005"]
    /// The ids read when the second trial fails.
    static var others: [String] { ids.enumerated().filter { $0.offset != 1 }.map(\.element) }

    /// The export with its second `<Trial>` element changed by `edit`.
    static func editingSecondTrial(_ edit: ([UInt8]) throws -> [UInt8]) throws -> [UInt8] {
        let bytes = try Fixtures.bytes(part)
        let open = Array("<Trial>".utf8)
        let close = Array("</Trial>".utf8)
        let first = try #require(indexOf(close, in: bytes))
        let rest = Array(bytes[first...])
        let start = first + (try #require(indexOf(open, in: rest)))
        let end = start + (try #require(indexOf(close, in: Array(bytes[start...])))) + close.count
        return Array(bytes[..<start]) + (try edit(Array(bytes[start..<end]))) + Array(bytes[end...])
    }

    static var all: [HostileCase] {
        [
            HostileCase(name: "ictrp/trial-without-trialid.xml", build: { _ in
                try editingSecondTrial { try $0.replacing("<TrialID>ChiCTR2000029935</TrialID>", with: "") }
            }, outcome: .error(.missingField, ": record 2: ictrp record has no <TrialID>"), alsoRead: others),
            HostileCase(name: "ictrp/trial-with-empty-trialid.xml", build: { _ in
                try editingSecondTrial { try $0.replacing("<TrialID>ChiCTR2000029935</TrialID>", with: "<TrialID>   </TrialID>") }
            }, outcome: .error(.missingField, "record 2: ictrp record has no <TrialID>"), alsoRead: others),
            HostileCase(name: "ictrp/trial-with-placeholder-trialid.xml", build: { _ in
                try editingSecondTrial { try $0.replacing("<TrialID>ChiCTR2000029935</TrialID>", with: "<TrialID>N/A</TrialID>") }
            }, outcome: .error(.missingField, "record 2: ictrp record has no <TrialID>"), alsoRead: others),
            HostileCase(name: "ictrp/mismatched-tags.xml", build: { _ in
                try editingSecondTrial { try $0.replacing("</Public_title>", with: "</Scientific_title>") }
            }, outcome: .error(.malformedXML, "record 2: line 43: malformed XML: Opening and ending tag mismatch"), alsoRead: others),
            HostileCase(name: "ictrp/entity-reference.xml", build: { _ in
                try editingSecondTrial { try $0.replacing("<Public_title>", with: "<Public_title>&xxe;") }
            }, outcome: .error(.malformedXML, "Entity 'xxe' not defined"), alsoRead: others),
            HostileCase(name: "ictrp/doctype-with-entity.xml", build: { _ in
                // The export declares the entity before its root; each trial is cut out without the
                // declaration, so the trial's reference is undefined (and nothing is loaded).
                try editingSecondTrial { try $0.replacing("<Public_title>", with: "<Public_title>&xxe;") }
                    .replacing("<Trials_downloaded_from_ICTRP>",
                               with: "<!DOCTYPE Trials_downloaded_from_ICTRP [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                                   + "<Trials_downloaded_from_ICTRP>")
            }, outcome: .error(.malformedXML, "Entity 'xxe' not defined"), alsoRead: others),
            HostileCase(name: "ictrp/deep-nesting.xml", build: { _ in
                try editingSecondTrial {
                    try $0.replacing("</Trial>", with: String(repeating: "<x>", count: 100) + String(repeating: "</x>", count: 100) + "</Trial>")
                }
            }, outcome: .error(.tooDeep, "record 2: XML elements nest deeper than the limit of 64"), alsoRead: others),
            HostileCase(name: "ictrp/trial-inside-trial.xml", build: { _ in
                try editingSecondTrial { try $0.replacing("<Public_title>", with: "<Trial><Public_title>") }
            }, outcome: .error(.malformedXML, "record 2"), alsoRead: others),
            HostileCase(name: "ictrp/latin1-byte.xml", build: { _ in
                try editingSecondTrial { try $0.replacing(Array("<Public_title>".utf8), with: Array("<Public_title>".utf8) + [0xE9]) }
            }, outcome: .error(.notUTF8, "record 2: line 43: not UTF-8: invalid byte sequence at byte 129"), alsoRead: others),
            HostileCase(name: "ictrp/last-trial-unclosed.xml", build: { _ in
                let bytes = try Fixtures.bytes(part)
                let last = try #require(indexOf(Array("</Trial>\r\n</Trials".utf8), in: bytes))
                return Array(bytes[..<last])
            }, outcome: .error(.malformedXML, "record 8: line 326: malformed XML: <Trial> is not closed before the end of the input"),
               alsoRead: Array(ids.prefix(7))),
            HostileCase(name: "ictrp/control-character-id.xml", build: { _ in
                try editingSecondTrial {
                    try $0.replacing("<TrialID>ChiCTR2000029935</TrialID>", with: "<TrialID>ChiCTR2000029935\u{7F}</TrialID>")
                }
            }, outcome: .error(.invalidValue, "record 2: ictrp record has an invalid id: it contains the control character byte 0x7F"),
               alsoRead: others),
            HostileCase(name: "ictrp/no-trials.xml", build: { _ in
                Array("<?xml version='1.0' encoding='UTF-8' ?><Trials_downloaded_from_ICTRP></Trials_downloaded_from_ICTRP>".utf8)
            }, outcome: .errors([])),
        ]
    }
}
