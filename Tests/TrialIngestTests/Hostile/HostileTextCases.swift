import Foundation
import Testing
@testable import TrialIngest
import TrialSearchCore

/// Hostile trial-page text dumps and plain text, made from the real dump of NCT05308342: missing
/// sections, no id, sections repeated by the thousand, bad encodings, control characters.
enum HostileTextCases {
    static let base = "text/NCT05308342.txt"

    static func dump(_ target: String, _ replacement: String) throws -> [UInt8] {
        try Fixtures.bytes(base).replacing(target, with: replacement)
    }

    /// The dump cut before its first section heading that follows `keepThrough` lines.
    static func dumpPrefix(lines: Int) throws -> [UInt8] {
        let text = String(decoding: try Fixtures.bytes(base), as: UTF8.self)
        return Array(text.split(separator: "\n", omittingEmptySubsequences: false).prefix(lines).joined(separator: "\n").utf8)
    }

    static var all: [HostileCase] {
        [
            // No id: without its "NCT ID:" line the page is not recognized as a dump and is read as
            // plain text, named after its file; with an empty or broken one it is refused.
            HostileCase(name: "text/dump-without-id-line.txt", build: { _ in try dump("NCT ID: NCT05308342\n", "") },
                        outcome: .read(id: "a-text-dump-without-id-line") { $0.source.format == .plainText && $0.registry.isEmpty }),
            HostileCase(name: "text/dump-with-empty-id.txt", build: { _ in try dump("NCT ID: NCT05308342", "NCT ID:   ") },
                        outcome: .error(.missingField, "text-dump record has no \"NCT ID:\" line")),
            // Control characters in the id line become spaces, like in every value of a dump.
            HostileCase(name: "text/dump-with-control-character-id.txt", build: { _ in
                try dump("NCT ID: NCT05308342", "NCT ID: NCT05308342\u{1B}[2J")
            }, outcome: .read(id: "NCT05308342 [2J") { $0.briefTitle.hasPrefix("Clinical Study") }),
            HostileCase(name: "text/dump-with-huge-id.txt", build: { _ in
                try dump("NCT ID: NCT05308342", "NCT ID: NCT" + String(repeating: "5", count: 100_000))
            }, outcome: .error(.tooLarge, "trial id is 100003 bytes, more than the limit of 256"), committed: false),
            // Missing sections: only the title and id; the header without any section; sections
            // with headings but nothing under them; a heading as the last line.
            HostileCase(name: "text/dump-title-and-id-only.txt", build: { _ in try dumpPrefix(lines: 3) },
                        outcome: .read(id: "NCT05308342") { $0.briefTitle.hasPrefix("Clinical Study") && $0.briefSummary.isEmpty }),
            HostileCase(name: "text/dump-empty-sections.txt", build: { _ in
                Array(("Title\n\nNCT ID: NCT05308342\n\n" + TextDumpPage.headings.sorted().joined(separator: "\n\n")).utf8)
            }, outcome: .read(id: "NCT05308342") { $0.briefTitle == "Title" && $0.interventions.isEmpty && $0.locations.isEmpty }),
            HostileCase(name: "text/dump-labels-without-values.txt", build: { _ in
                Array(("Title\nNCT ID: NCT05308342\nBasic Information\nRecruitment Status\nStudy Design\nBlinding Strategy\n"
                       + "Eligibility Criteria\nMinimum Eligible Age\nSponsors\nSponsor Role lead\nPrincipal Investigators\nRole: PI\n"
                       + "Locations\nSite Status RECRUITING\nStudy Groups\nGroup Type EXPERIMENTAL\nInterventions\nIntervention Type DRUG\n"
                       + "More Related Trials\nNCT").utf8)
            }, outcome: .read(id: "NCT05308342") { $0.overallStatus.isEmpty && $0.relatedIds.isEmpty }),
            // Sections repeated by the thousand: 20,000 interventions, arms and other names (a
            // quadratic matching of names would take minutes).
            HostileCase(name: "text/dump-20000-interventions.txt", build: { _ in
                var text = "Title\n\nNCT ID: NCT05308342\n\nStudy Groups\n\n"
                for k in 0..<20_000 { text += "Arm \(k)\n\nGroup Type EXPERIMENTAL\n\nDrug \(k)\n\nIntervention Type DRUG\n\n" }
                text += "Interventions\n\n"
                for k in 0..<20_000 { text += "Drug \(k)\n\nIntervention Type DRUG\n\n" }
                text += "Other Intervention Names\n\n"
                for k in 0..<20_000 { text += "D\(k)\n\n" }
                return Array(text.utf8)
            }, outcome: .read(id: "NCT05308342") {
                $0.interventions.count == 20_000 && $0.armGroups.count == 20_000 && $0.interventions[7].armGroupLabels == ["Arm 7"]
            }, committed: false),
            HostileCase(name: "text/dump-one-intervention-in-20000-arms.txt", build: { _ in
                var text = "Title\n\nNCT ID: NCT05308342\n\nStudy Groups\n\n"
                for k in 0..<20_000 { text += "Arm \(k)\n\nGroup Type EXPERIMENTAL\n\nDrug\n\nIntervention Type DRUG\n\n" }
                text += "Interventions\n\nDrug\n\nIntervention Type DRUG\n\n"
                return Array(text.utf8)
            }, outcome: .read(id: "NCT05308342") { $0.interventions.first?.armGroupLabels.count == 20_000 }, committed: false),
            // Encodings and bytes.
            HostileCase(name: "text/dump-latin1-byte.txt", build: { _ in
                try Fixtures.bytes(base).replacing(Array("Premature".utf8), with: [0xE9] + Array("Premature".utf8))
            }, outcome: .error(.notUTF8, "not UTF-8: invalid byte sequence at byte 82")),
            HostileCase(name: "text/dump-utf8-bom.txt", build: { _ in [0xEF, 0xBB, 0xBF] + (try Fixtures.bytes(base)) },
                        outcome: .read(id: "NCT05308342") { $0.briefTitle.hasPrefix("Clinical Study") }),
            HostileCase(name: "text/dump-control-characters.txt", build: { _ in
                try dump("This study was", "This\u{1B}[31m study\u{8}\u{7}was")
            }, outcome: .read(id: "NCT05308342") { $0.briefSummary.hasPrefix("This [31m study was") }),
            // Windows and classic Mac line ends.
            HostileCase(name: "text/dump-crlf-line-ends.txt", build: { _ in
                try Fixtures.bytes(base).flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }
            }, outcome: .read(id: "NCT05308342") { $0.relatedIds == ["NCT06132542", "NCT06578039"] && $0.briefSummary.hasPrefix("This study") }),
            HostileCase(name: "text/dump-cr-line-ends.txt", build: { _ in
                try Fixtures.bytes(base).map { $0 == 0x0A ? 0x0D : $0 }
            }, outcome: .read(id: "NCT05308342") { $0.relatedIds == ["NCT06132542", "NCT06578039"] && $0.briefSummary.hasPrefix("This study") }),
            HostileCase(name: "text/nul-bytes.txt", build: { _ in Array("some text\u{0}more".utf8) },
                        outcome: .error(.unrecognizedFormat, "binary data (NUL bytes)")),
            HostileCase(name: "text/plain-latin1.txt", build: { _ in Array("patient note: caf".utf8) + [0xE9] },
                        outcome: .error(.notUTF8, "not UTF-8: invalid byte sequence at byte 17")),
            HostileCase(name: "text/plain-control-characters.txt", build: { _ in Array("\u{1B}]0;title\u{7}note \u{1B}[2J text".utf8) },
                        outcome: .read(id: "a-text-plain-control-characters") { $0.briefSummary == "]0;title note [2J text" }),
            HostileCase(name: "text/plain-one-huge-line.txt", build: { _ in Array(String(repeating: "word ", count: 400_000).utf8) },
                        outcome: .read(id: "a-text-plain-one-huge-line") { $0.briefTitle.utf8.count <= 200 }, committed: false),
        ]
    }
}
