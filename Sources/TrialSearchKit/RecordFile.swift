import TrialIngest
import TrialSearchCore

/// A record given by path (`trialsearch related --file PATH`): read through `TrialIngest` in whichever
/// format its content is (registry XML or JSON, an ICTRP export, a trial-page text dump, or plain text,
/// which becomes a free-text record).
public enum RecordFile {
    /// The first record of the file at `path`.
    /// - Throws: `EngineError.unreadableFile` when the path cannot be read or holds no readable record
    ///   (with the reader's own error).
    public static func read(_ path: String) throws -> Trial {
        let reader: DumpReader
        do {
            reader = try DumpReader(paths: [path])
        } catch {
            throw EngineError.unreadableFile(path: path, reason: "\(error)")
        }
        var first: Trial?
        var firstError: IngestError?
        reader.readInOrder(workers: 1) { result in
            switch result {
            case let .success(trial): if first == nil { first = trial }
            case let .failure(error): if firstError == nil { firstError = error }
            }
        }
        if let first { return first }
        throw EngineError.unreadableFile(path: path, reason: firstError.map { "\($0)" } ?? "no record in the file")
    }
}
