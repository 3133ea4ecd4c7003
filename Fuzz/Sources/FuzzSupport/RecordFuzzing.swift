@testable import TrialIngest
import TrialSearchCore

/// Feeds fuzzer inputs to the ingestion layer as `RecordDecoder` sees a file of a given kind, and
/// checks what comes out: every error names the input, and every record read survives its JSON form
/// (`convert`'s output read back by `TrialJSONReader` is the same `Trial`). A violated property stops
/// the run like a crash (`preconditionFailure`), so libFuzzer saves the input.
public final class RecordFuzzing {
    /// Limits lowered so a fuzzer input can reach them (and so memory stays small).
    public static let options = IngestOptions(maxRecordBytes: 1 << 20, maxEntryBytes: 8 << 20, maxArchiveEntries: 1000)

    private let decoder = RecordDecoder(options: RecordFuzzing.options)
    private let kind: FormatSniffer.Kind?

    /// `kind`: read every input as this kind (nil: sniff it, as for a file).
    public init(kind: Kind?) {
        switch kind {
        case .clinicalStudyXML: self.kind = .clinicalStudyXML
        case .json: self.kind = .json
        case .ictrpExport: self.kind = .ictrpExport
        case .textDump: self.kind = .textDump
        case nil: self.kind = nil
        }
    }

    /// The kinds of input the targets force.
    public enum Kind {
        case clinicalStudyXML, json, ictrpExport, textDump
    }

    public func run(_ bytes: UnsafeRawBufferPointer) {
        decoder.decode(bytes, kind: kind, file: "fuzz-input", entry: "", archiveDepth: 0) { result in
            switch result {
            case .success(let trial):
                RecordFuzzing.checkRoundTrip(trial)
            case .failure(let error):
                precondition(error.location?.file == "fuzz-input", "error without the input's name: \(error)")
                precondition(!error.description.utf8.contains(0x1B), "escape character in a message: \(error)")
            }
        }
    }

    /// `convert`'s JSON of `trial`, read back, is `trial`.
    static func checkRoundTrip(_ trial: Trial) {
        let json = Array(trial.jsonString.utf8)
        precondition(!json.contains(0x1B), "escape character in a record: \(trial.id)")
        let copy = json.withUnsafeBytes { raw in
            catching { () throws(IngestError) in try TrialJSONReader.read(raw, at: IngestLocation(file: "round-trip")) }
        }
        switch copy {
        case .success(let copy):
            precondition(copy == trial, "JSON round trip changed the record:\n\(trial)\n\(copy)")
        case .failure(let error):
            preconditionFailure("JSON round trip failed: \(error)\n\(trial.jsonString)")
        }
    }
}
