#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import TrialIngest
import TrialSearchCore
import TrialSearchKit

/// What the index-reading commands share: opening the engine, printing, and turning failures into
/// messages on standard error and the documented exit statuses (`ExitStatus`).
enum Session {
    /// The engine over the index folder of `options` (built from `./Corpus` first on a fresh clone,
    /// see `SearchIndex.open`).
    static func openEngine(_ options: IndexOptions, similarity: Similarity = .default) throws -> SearchEngine {
        var configuration = RankingConfiguration.default
        if case .tfidf = similarity { configuration = .tfidf } else { configuration.similarity = similarity }
        return try run {
            try SearchEngine(reader: SearchIndex.open(option: options.index), configuration: configuration)
        }
    }

    /// The output format: JSON, TREC, or human with bold marks when standard output is a terminal.
    static func format(_ output: OutputOptions) -> OutputFormat {
        switch output.resolvedFormat {
        case .human: return .human(bold: isatty(STDOUT_FILENO) != 0)
        case .json: return .json
        case .trec: return .trec(tag: output.runTag)
        }
    }

    /// Prints `text` (lines, each with its line break) on standard output as it is.
    static func emit(_ text: String) {
        print(text, terminator: "")
    }

    /// Runs `body`; a failure is printed on standard error and becomes its exit status.
    static func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as QueryError {
            fail("malformed query: \(error)", .malformedQuery)
        } catch let error as IndexError {
            fail("\(error)", .indexUnavailable)
        } catch let error as AnalysisError {
            fail("\(error)", .indexUnavailable)
        } catch let error as EngineError {
            switch error {
            case .unknownTrial: fail("\(error)", .unknownTrial)
            case .unreadableFile, .badBatchFile: fail("\(error)", .nothingRead)
            }
        } catch let error as RankingConfigurationError {
            fail("\(error)", .usage)
        } catch let error as IngestError {
            fail("\(error)", .indexUnavailable)
        }
    }

    static func fail(_ message: String, _ status: ExitStatus) -> Never {
        var text = "trialsearch: " + message + "\n"
        text.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
        exit(status.rawValue)
    }
}
