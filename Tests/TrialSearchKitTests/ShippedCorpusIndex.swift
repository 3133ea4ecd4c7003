import Foundation
import TrialSearchCore
@testable import TrialSearchKit

/// An index of the shipped `Corpus/`, built once per test run into a temporary folder (as a fresh
/// clone's first query builds `./Index`), for the ranking scenarios and the command-line tests.
final class ShippedCorpusIndex: Sendable {
    static let shared: ShippedCorpusIndex? = try? ShippedCorpusIndex()

    let directory: String

    init() throws {
        let folder = IndexingTests.Folder("shipped")
        directory = folder.path + "/Index"
        let report = try Indexing.run(Indexing.Request(paths: [CorpusIndexTests.corpus], directory: directory))
        guard report.summary.committed else { throw EngineError.unreadableFile(path: directory, reason: "nothing committed") }
    }

    deinit { _ = system("rm -rf '\((directory as NSString).deletingLastPathComponent)'") }

    func engine(_ configuration: RankingConfiguration = .default) throws -> SearchEngine {
        try SearchEngine(directory: directory, configuration: configuration)
    }
}
