@testable import TrialIngest
@testable import TrialSearchCore

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
        if kind == .clinicalStudyXML, bytes.count <= RecordFuzzing.options.maxRecordBytes {
            checkLineEnds(bytes)
        }
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

    /// A ClinicalTrials.gov record with CR LF (or lone CR) line ends and its twin with LF line ends give
    /// the same `Trial`, or the same kind of error at the same place (file, record, line; a byte
    /// offset in the message counts the CRs, so messages may differ there): XML reads every line end
    /// as LF, and the reader hands CRLF records to libxml2 with LF line ends (re-parsing the bytes as
    /// published on error). An input without CR is compared with its CRLF twin.
    /// Inputs with a NUL byte (UTF-16 or UTF-32 records, whose CR is not one byte) are skipped: the
    /// twin is made byte by byte (the input `crash-65d8…`, UTF-16BE, in `Tests/Fixtures/fuzz/xml/`).
    func checkLineEnds(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.contains(0) else { return }
        var twin: [UInt8] = []
        twin.reserveCapacity(bytes.count + bytes.count / 8)
        if bytes.contains(0x0D) {
            var i = 0
            while i < bytes.count {
                if bytes[i] == 0x0D {
                    twin.append(0x0A)
                    if i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                } else {
                    twin.append(bytes[i])
                }
                i += 1
            }
        } else if bytes.contains(0x0A) {
            for byte in bytes {
                if byte == 0x0A { twin.append(0x0D) }
                twin.append(byte)
            }
        } else {
            return
        }
        let original = outcomes(bytes)
        let other = twin.withUnsafeBytes { outcomes($0) }
        precondition(original == other, "line ends changed the outcome:\n\(original)\nvs\n\(other)")
    }

    private func outcomes(_ bytes: UnsafeRawBufferPointer) -> [String] {
        var outcomes: [String] = []
        decoder.decode(bytes, kind: kind, file: "fuzz-input", entry: "", archiveDepth: 0) { result in
            switch result {
            case .success(let trial): outcomes.append(trial.jsonString)
            case .failure(let error): outcomes.append(RecordFuzzing.kindAndPlace(error))
            }
        }
        return outcomes
    }

    /// An error's case and location (`malformedXML fuzz-input line 3`), without its message.
    static func kindAndPlace(_ error: IngestError) -> String {
        let kind = Mirror(reflecting: error).children.first?.label ?? "\(error)"
        let at = error.location
        return "\(kind) \(at?.file ?? "-") \(at?.entry ?? "-") record \(at?.record.map(String.init) ?? "-") "
            + "line \(at?.line.map(String.init) ?? "-")"
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
        // The stored record's coding (one buffer, unchecked writes) reads back the same `Trial`.
        var stored: [UInt8] = []
        TrialCodec.encode(trial, into: &stored)
        do {
            let decoded = try stored.withUnsafeBytes { try TrialCodec.decode($0, file: "round-trip") }
            precondition(decoded == trial, "stored-record round trip changed the record:\n\(trial)\n\(decoded)")
        } catch {
            preconditionFailure("stored-record round trip failed: \(error)")
        }
    }
}
