import Foundation
import Testing
@testable import TrialIngest
import TrialSearchCore

/// Hostile ClinicalTrials.gov XML, each made from the real record NCT04500626: external entities,
/// entity bombs, deep nesting, huge text, empty and truncated records, bad encodings, bad structure.
enum HostileXMLCases {
    static let base = "ctgov-xml/NCT04500626.xml"
    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"

    /// The base record with `doctype` after its declaration and `&name;` (or `reference`) at the start
    /// of its brief title.
    static func withDoctype(_ doctype: String, reference: String = "") throws -> [UInt8] {
        var bytes = try Fixtures.bytes(base).replacing(declaration, with: declaration + "\n" + doctype)
        if !reference.isEmpty { bytes = try bytes.replacing("<brief_title>", with: "<brief_title>" + reference) }
        return bytes
    }

    static var all: [HostileCase] {
        var cases: [HostileCase] = [
            // External entities: a local file, the local secret, a URL. Refused at the declaration.
            HostileCase(name: "xml/xxe-etc-passwd.xml", build: { _ in
                try withDoctype("<!DOCTYPE clinical_study [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>", reference: "&xxe;")
            }, outcome: .error(.malformedXML, "declares entity \"xxe\"")),
            HostileCase(name: "xml/xxe-secret.xml", build: { context in
                try withDoctype("<!DOCTYPE clinical_study [<!ENTITY xxe SYSTEM \"file://\(context.secretPath)\">]>", reference: "&xxe;")
            }, outcome: .error(.malformedXML, "declares entity \"xxe\""), committed: false),
            HostileCase(name: "xml/xxe-url.xml", build: { context in
                try withDoctype("<!DOCTYPE clinical_study [<!ENTITY xxe SYSTEM \"http://127.0.0.1:\(context.port)/xxe\">]>",
                                reference: "&xxe;")
            }, outcome: .error(.malformedXML, "declares entity \"xxe\""), committed: false),
            // A parameter entity that would pull a DTD in (from the secret file or a URL).
            HostileCase(name: "xml/parameter-entity-file.xml", build: { context in
                try withDoctype("<!DOCTYPE clinical_study [<!ENTITY % p SYSTEM \"file://\(context.secretPath)\"> %p;]>")
            }, outcome: .error(.malformedXML, "declares entity \"p\""), committed: false),
            HostileCase(name: "xml/parameter-entity-url.xml", build: { context in
                try withDoctype("<!DOCTYPE clinical_study [<!ENTITY % p SYSTEM \"http://127.0.0.1:\(context.port)/p.dtd\"> %p;]>")
            }, outcome: .error(.malformedXML, "declares entity \"p\""), committed: false),
            // An external DTD that would define the entity: never loaded, so the entity is undefined.
            HostileCase(name: "xml/external-dtd-url.xml", build: { context in
                try withDoctype("<!DOCTYPE clinical_study SYSTEM \"http://127.0.0.1:\(context.port)/evil.dtd\">",
                                reference: "&fromdtd;")
            }, outcome: .error(.malformedXML, "Entity 'fromdtd' not defined"), committed: false),
            HostileCase(name: "xml/external-dtd-file.xml", build: { context in
                try withDoctype("<!DOCTYPE clinical_study SYSTEM \"file://\(context.dtdPath)\">", reference: "&fromdtd;")
            }, outcome: .error(.malformedXML, "Entity 'fromdtd' not defined"), committed: false),
            // The same DTD reference without a use of its entities: the record is read, the DTD is not.
            HostileCase(name: "xml/external-dtd-unused.xml", build: { context in
                try withDoctype("<!DOCTYPE clinical_study SYSTEM \"http://127.0.0.1:\(context.port)/evil.dtd\">")
            }, outcome: .read(id: "NCT04500626") { $0.briefTitle.hasPrefix("Hyperbaric") }, committed: false),
            // XInclude is not processed: the element is unknown and skipped.
            HostileCase(name: "xml/xinclude.xml", build: { context in
                try Fixtures.bytes(base).replacing("<brief_title>", with: "<brief_title><xi:include xmlns:xi="
                    + "\"http://www.w3.org/2001/XInclude\" href=\"file://\(context.secretPath)\" parse=\"text\"/>")
            }, outcome: .read(id: "NCT04500626") { $0.briefTitle.hasPrefix("Hyperbaric") }, committed: false),
            // Entity-expansion bombs: exponential (billion laughs) and quadratic (one big entity used
            // 10,000 times: 40 KB that libxml2 would expand to 50 MB).
            HostileCase(name: "xml/billion-laughs.xml", build: { _ in
                var dtd = "<!DOCTYPE clinical_study [\n<!ENTITY lol \"lol\">\n"
                for n in 1...9 {
                    dtd += "<!ENTITY lol\(n) \"" + String(repeating: "&lol\(n == 1 ? "" : String(n - 1));", count: 10) + "\">\n"
                }
                return try withDoctype(dtd + "]>", reference: "&lol9;")
            }, outcome: .error(.malformedXML, "declares entity \"lol\"")),
            HostileCase(name: "xml/quadratic-blowup.xml", build: { _ in
                try withDoctype("<!DOCTYPE clinical_study [<!ENTITY a \"" + String(repeating: "x", count: 5000) + "\">]>",
                                reference: String(repeating: "&a;", count: 10_000))
            }, outcome: .error(.malformedXML, "declares entity \"a\""), forbidden: [String(repeating: "x", count: 5000)]),
            // An undeclared entity and a character reference to a control character.
            HostileCase(name: "xml/undeclared-entity.xml", build: { _ in
                try Fixtures.bytes(base).replacing("<brief_title>", with: "<brief_title>&nbsp;")
            }, outcome: .error(.malformedXML, "Entity 'nbsp' not defined")),
            HostileCase(name: "xml/control-character-reference.xml", build: { _ in
                try Fixtures.bytes(base).replacing("<brief_title>", with: "<brief_title>&#x1B;[2J")
            }, outcome: .error(.malformedXML, "invalid xmlChar value 27")),
            // Nesting: past our limit (64), and 100,000 deep (past libxml2's too; no recursion blow-up).
            HostileCase(name: "xml/deep-nesting.xml", build: { _ in
                try Fixtures.bytes(base).replacing("</clinical_study>", with:
                    String(repeating: "<x>", count: 100) + String(repeating: "</x>", count: 100) + "</clinical_study>")
            }, outcome: .error(.tooDeep, "XML elements nest deeper than the limit of 64")),
            HostileCase(name: "xml/very-deep-nesting.xml", build: { _ in
                try Fixtures.bytes(base).replacing("</clinical_study>", with:
                    String(repeating: "<x>", count: 100_000) + String(repeating: "</x>", count: 100_000) + "</clinical_study>")
            }, outcome: .error(.tooDeep, "limit of 64"), committed: false),
            HostileCase(name: "xml/deep-nesting-unclosed.xml", build: { _ in
                try Fixtures.bytes(base).replacing("</clinical_study>", with: String(repeating: "<x>", count: 100_000))
            }, outcome: .error(.tooDeep, "limit of 64"), committed: false),
            // Empty and nearly empty records.
            HostileCase(name: "xml/empty.xml", build: { _ in [] },
                        outcome: .error(.unrecognizedFormat, "found an empty input")),
            HostileCase(name: "xml/only-declaration.xml", build: { _ in Array(declaration.utf8) },
                        outcome: .error(.unrecognizedFormat, "XML without a root element")),
            HostileCase(name: "xml/only-white-space.xml", build: { _ in Array("\n \t\r\n".utf8) },
                        outcome: .error(.unrecognizedFormat, "only white space")),
            HostileCase(name: "xml/empty-root.xml", build: { _ in Array((declaration + "<clinical_study/>").utf8) },
                        outcome: .error(.missingField, "has no <nct_id>")),
            // Mismatched tags, an unknown root, a root that is not closed, garbage after the root.
            HostileCase(name: "xml/mismatched-tags.xml", build: { _ in
                try Fixtures.bytes(base).replacing("</brief_title>", with: "</official_title>")
            }, outcome: .error(.malformedXML, "line 14: malformed XML: Opening and ending tag mismatch")),
            HostileCase(name: "xml/unknown-root.xml", build: { _ in
                try Fixtures.bytes(base).replacing("<clinical_study rank=\"724\">", with: "<study>")
                    .replacing("</clinical_study>", with: "</study>")
            }, outcome: .error(.unrecognizedFormat, "XML with root element <study>")),
            HostileCase(name: "xml/two-roots.xml", build: { _ in
                try Fixtures.bytes(base) + Fixtures.bytes(base).replacing(declaration, with: "")
            }, outcome: .error(.malformedXML, "Extra content at the end of the document")),
            HostileCase(name: "xml/nul-byte.xml", build: { _ in
                try Fixtures.bytes(base).replacing(Array("<brief_title>".utf8), with: Array("<brief_title>".utf8) + [0])
            }, outcome: .error(.malformedXML, "line 14")),
            // Element names of 100 KB and 100,000 distinct names (the parser's name dictionary).
            HostileCase(name: "xml/huge-element-name.xml", build: { _ in
                let name = String(repeating: "n", count: 100_000)
                return try Fixtures.bytes(base).replacing("</clinical_study>", with: "<\(name)/></clinical_study>")
            }, outcome: .error(.malformedXML, "Name"), committed: false),
            HostileCase(name: "xml/many-distinct-names.xml", build: { _ in
                try Fixtures.bytes(base).replacing("</clinical_study>", with:
                    (0..<100_000).map { "<n\($0)/>" }.joined() + "</clinical_study>")
            }, outcome: .read(id: "NCT04500626") { $0.briefTitle.hasPrefix("Hyperbaric") }, committed: false),
            // Encodings: UTF-16 with and without a byte-order mark, a lying or unknown declaration,
            // Latin-1 bytes, overlong and surrogate UTF-8, a sequence cut at the end.
            HostileCase(name: "xml/utf16le-bom.xml", build: { _ in
                [0xFF, 0xFE] + Array(try String(decoding: Fixtures.bytes(base), as: UTF8.self).data(using: .utf16LittleEndian) ?? Data())
            }, outcome: .error(.unrecognizedFormat, "UTF-16 text (convert it to UTF-8)")),
            HostileCase(name: "xml/utf16be-no-bom.xml", build: { _ in
                Array(try String(decoding: Fixtures.bytes(base), as: UTF8.self).data(using: .utf16BigEndian) ?? Data())
            }, outcome: .error(.unrecognizedFormat, "UTF-16 text without a byte-order mark")),
            HostileCase(name: "xml/utf8-bom.xml", build: { _ in [0xEF, 0xBB, 0xBF] + (try Fixtures.bytes(base)) },
                        outcome: .read(id: "NCT04500626") { $0.briefTitle.hasPrefix("Hyperbaric") }),
            HostileCase(name: "xml/declared-utf16.xml", build: { _ in
                try Fixtures.bytes(base).replacing("encoding=\"UTF-8\"", with: "encoding=\"UTF-16\"")
            }, outcome: .error(.malformedXML, "Document labelled UTF-16 but has UTF-8 content")),
            HostileCase(name: "xml/unknown-encoding.xml", build: { _ in
                try Fixtures.bytes(base).replacing("encoding=\"UTF-8\"", with: "encoding=\"X-NO-SUCH-CHARSET\"")
            }, outcome: .error(.malformedXML, "Unsupported encoding X-NO-SUCH-CHARSET")),
            HostileCase(name: "xml/latin1-byte.xml", build: { _ in
                try Fixtures.bytes(base).replacing(Array("Hyperbaric".utf8), with: Array("Hyp".utf8) + [0xE9] + Array("rbaric".utf8))
            }, outcome: .error(.notUTF8, "not UTF-8: invalid byte sequence at byte")),
            HostileCase(name: "xml/overlong-utf8.xml", build: { _ in
                try Fixtures.bytes(base).replacing(Array("Hyperbaric".utf8), with: [0xC0, 0xAF] + Array("Hyperbaric".utf8))
            }, outcome: .error(.notUTF8, "not UTF-8")),
            HostileCase(name: "xml/surrogate-utf8.xml", build: { _ in
                try Fixtures.bytes(base).replacing(Array("Hyperbaric".utf8), with: [0xED, 0xA0, 0x80] + Array("Hyperbaric".utf8))
            }, outcome: .error(.notUTF8, "not UTF-8")),
            HostileCase(name: "xml/cut-utf8-sequence.xml", build: { _ in
                try Fixtures.bytes(base).replacing(Array("Hyperbaric".utf8), with: [0xE2, 0x89] + Array("Hyperbaric".utf8))
            }, outcome: .error(.notUTF8, "not UTF-8")),
            // Ids no registry would publish: XML allows no control character but tab and line ends,
            // which become spaces like in any value; a huge id is refused.
            HostileCase(name: "xml/tab-in-id.xml", build: { _ in
                try Fixtures.bytes(base).replacing("<nct_id>NCT04500626</nct_id>", with: "<nct_id>NCT04500626&#x9;X</nct_id>")
            }, outcome: .read(id: "NCT04500626 X") { $0.briefTitle.hasPrefix("Hyperbaric") }),
            HostileCase(name: "xml/huge-id.xml", build: { _ in
                try Fixtures.bytes(base).replacing("<nct_id>NCT04500626</nct_id>",
                                                    with: "<nct_id>NCT" + String(repeating: "0", count: 5000) + "</nct_id>")
            }, outcome: .error(.tooLarge, "trial id is 5003 bytes, more than the limit of 256")),
        ]
        // Truncated records: cut at a spread of points through the record.
        let size = (try? Fixtures.bytes(base).count) ?? 12_100
        for cut in [1, 2, 39, 41, 100, size / 3, size / 2, size - 20, size - 6] {
            cases.append(HostileCase(name: "xml/truncated-\(cut).xml", build: { _ in
                Array(try Fixtures.bytes(base).prefix(cut))
            }, outcome: .error(cut < 100 ? .unrecognizedFormat : .malformedXML, cut < 100 ? "XML without a root element" : ": line ")))
        }
        return cases
    }
}
