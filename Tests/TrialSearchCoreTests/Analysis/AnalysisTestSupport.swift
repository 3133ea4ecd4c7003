import Foundation
import Testing
@testable import TrialSearchCore

/// Where the analysis fixtures are: real registry records copied from the shared corpus, and Snowball's
/// published English vocabulary sample.
enum AnalysisFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/analysis")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// The registry records (XML, text dump, an ICTRP trial) in the folder.
    static let recordNames = [
        "NCT00498862.xml", "NCT03033277.xml", "NCT04501796.xml", "NCT04502056.xml", "NCT05308342.txt",
        "ICTRP-ChiCTR2000029953.xml",
    ]
}

/// One analyzer case: text in, tokens out, rendered as `term@position` with the kind when it is not
/// `word` (`covid19@0(joined)`), separated by spaces.
struct AnalysisCase: Sendable, CustomTestStringConvertible {
    var text: String
    var expected: String
    var field: Field = .summary
    var why: String = ""

    var testDescription: String { text }
}

extension Analyzer {
    /// The tokens of `text` in the compact form of `AnalysisCase.expected`.
    func rendered(_ text: String, field: Field = .summary) -> String {
        tokens(text, field: field).map(\.description).joined(separator: " ")
    }
}
