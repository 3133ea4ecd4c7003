#if canImport(Glibc)
import Glibc
#endif
import TrialSearchCore

/// Opening the index for queries (`search`, `related`, `show`): the entry point the search commands
/// call.
public enum SearchIndex {
    /// The shipped sample corpus, relative to the working directory.
    public static let corpusPath = "Corpus"

    /// Opens a snapshot of the index named by `option` (see `IndexDirectory`). On a fresh clone — the
    /// default folder has no manifest and `Corpus/` exists (both relative to `root`, the working
    /// directory by default) — first builds the index from `Corpus/`, saying so through `log`, so that
    /// the README's first command works. Concurrent first queries wait for each other (the writer
    /// lock); the later ones find the index built and do not build it again.
    /// - Throws: `IndexError` (no index, corrupt, another analyzer), `IngestError` from the build.
    public static func open(option: String?, root: String = ".", analyzer: AnalyzerConfiguration = .default,
                            log: (String) -> Void = { Indexing.printError($0) }) throws -> IndexReader {
        let directory = IndexDirectory.resolve(option)
        let isDefault = directory == IndexDirectory.defaultPath
        let path = isDefault ? root + "/" + directory : directory
        let corpus = root + "/" + corpusPath
        if isDefault, !hasManifest(path), isDirectory(corpus) {
            log("trialsearch: no index in ./\(directory) yet; building it from ./\(corpusPath)/ (once)")
            var request = Indexing.Request(paths: [corpus], directory: path, waitForLock: true)
            request.onlyIfNoIndex = true
            let report = try Indexing.run(request)
            if report.summary.committed || !report.failures.isEmpty {
                for line in report.lines { log(line) }
            }
        }
        return try IndexReader.open(directory: path, analyzer: analyzer)
    }

    static func hasManifest(_ directory: String) -> Bool {
        access(directory + "/" + IndexFormat.manifestName, F_OK) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}
