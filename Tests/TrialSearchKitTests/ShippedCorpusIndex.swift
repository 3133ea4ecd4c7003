import Foundation
import TrialSearchCore
@testable import TrialSearchKit

/// An index of the shipped `Corpus/`, built once per test run into a temporary folder (as a fresh
/// clone's first query builds `./Index`), for the ranking scenarios and the command-line tests.
/// A static is never deinitialized, so the folder is removed when the test process exits (`atexit`).
final class ShippedCorpusIndex: Sendable {
    static let shared: ShippedCorpusIndex? = {
        let index = try? ShippedCorpusIndex()
        if index != nil { atexit { ShippedCorpusIndex.shared?.remove() } }
        return index
    }()

    let directory: String

    init() throws {
        let folder = IndexingTests.Folder("shipped")
        directory = folder.path + "/Index"
        do {
            let report = try Indexing.run(Indexing.Request(paths: [CorpusIndexTests.corpus], directory: directory))
            guard report.summary.committed else { throw EngineError.unreadableFile(path: directory, reason: "nothing committed") }
        } catch {
            folder.remove()
            throw error
        }
    }

    /// Removes the index and its folder.
    func remove() { _ = system("rm -rf '\((directory as NSString).deletingLastPathComponent)'") }

    func engine(_ configuration: RankingConfiguration = .default) throws -> SearchEngine {
        try SearchEngine(directory: directory, configuration: configuration)
    }
}
