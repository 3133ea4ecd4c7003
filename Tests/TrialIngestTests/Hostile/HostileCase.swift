import Foundation
import Testing
@testable import TrialIngest
import TrialSearchCore

/// One hostile input: how to build its bytes from real records, and what reading it must give.
///
/// Every case is read the same way (`HostileRun`): the hostile file first and an intact real record
/// after it in one folder, so a case also proves that reading goes on. A case that builds a container
/// (a zip, a JSON array, an ICTRP export) puts real records inside it too and lists their ids in
/// `alsoRead`.
struct HostileCase: Sendable, CustomTestStringConvertible {
    /// What reading the hostile file must give.
    enum Outcome: Sendable {
        /// Errors of these kinds, in order, each located in the hostile file (and `entry`, when
        /// given), each message containing its fragment.
        case errors([(kind: ErrorKind, entry: String?, fragment: String)])
        /// Read without error as one record; `check` says what its `Trial` must (not) contain.
        case read(id: String, check: @Sendable (Trial) -> Bool)
    }

    /// The `IngestError` cases, by name, for expectations.
    enum ErrorKind: String, Sendable {
        case unreadable, unrecognizedFormat, notUTF8, malformedXML, malformedJSON, missingField, invalidValue,
             tooLarge, tooDeep, malformedArchive, unsupportedArchive, checksumMismatch

        init(_ error: IngestError) {
            switch error {
            case .pathNotFound, .unreadable: self = .unreadable
            case .unrecognizedFormat: self = .unrecognizedFormat
            case .notUTF8: self = .notUTF8
            case .malformedXML: self = .malformedXML
            case .malformedJSON: self = .malformedJSON
            case .missingField: self = .missingField
            case .invalidValue: self = .invalidValue
            case .tooLarge: self = .tooLarge
            case .tooDeep: self = .tooDeep
            case .malformedArchive: self = .malformedArchive
            case .unsupportedArchive: self = .unsupportedArchive
            case .checksumMismatch: self = .checksumMismatch
            }
        }
    }

    /// `format/what`, also the file's name under `Tests/Fixtures/hostile/` when `committed`.
    let name: String
    /// The hostile file's bytes.
    let build: @Sendable (HostileContext) throws -> [UInt8]
    let outcome: Outcome
    /// Ids of real records the hostile file itself holds, which must still be read (in this order).
    var alsoRead: [String] = []
    /// Text that must appear nowhere in what was read (besides the global sentinels).
    var forbidden: [String] = []
    /// Small and independent of the context: kept under `Tests/Fixtures/hostile/` (seeds for the
    /// fuzzers, and a folder `trialsearch convert` can be shown).
    var committed = true
    /// Options for the read (limits lowered to test them cheaply).
    var options = IngestOptions()

    var testDescription: String { name }

}

extension HostileCase.Outcome {
    /// One error of `kind` whose message contains `fragment` (in `entry`, when given).
    static func error(_ kind: HostileCase.ErrorKind, _ fragment: String, entry: String? = nil) -> Self {
        .errors([(kind, entry, fragment)])
    }
}

/// What a case may need at run time: a temporary folder, a local "secret" file, a TCP port that
/// records connections.
struct HostileContext: Sendable {
    /// The folder that is read (the hostile file and the intact record).
    let folder: String
    /// A folder beside it that is not read: the secret file and a DTD defining `&fromdtd;`.
    let outside: String
    /// A port on 127.0.0.1 where nothing may connect.
    let port: Int

    /// A file whose content (`HostileContext.secret`) must never be read into a record.
    var secretPath: String { outside + "/secret.txt" }
    var dtdPath: String { outside + "/evil.dtd" }

    static let secret = "SENTINEL-SECRET-5f3c"

    /// Makes the two folders and the files outside.
    static func make(port: Int) throws -> HostileContext {
        let root = try Fixtures.temporaryFolder()
        let context = HostileContext(folder: root + "/read", outside: root + "/outside", port: port)
        try FileManager.default.createDirectory(atPath: context.folder, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: context.outside, withIntermediateDirectories: true)
        try Fixtures.write(Array((secret + "\n").utf8), to: context.secretPath)
        try Fixtures.write(Array("<!ENTITY fromdtd \"SENTINEL-FROM-DTD\">".utf8), to: context.dtdPath)
        return context
    }

    /// Removes both folders.
    func remove() {
        Fixtures.remove(URL(fileURLWithPath: folder).deletingLastPathComponent().path)
    }
}

/// Runs a case: writes its file and an intact record into a fresh folder, reads the folder, and checks
/// the outcome, that the intact records were read, and that nothing forbidden leaked into any record.
enum HostileRun {
    /// The intact record read after every hostile file.
    static let goodRecord = "ctgov-xml/NCT01827488.xml"
    static let goodID = "NCT01827488"
    /// Never allowed in any record: the local secret, `/etc/passwd`'s first line, the DTD's entity.
    static let globalForbidden = [HostileContext.secret, "root:x:0:0", "root:*:0:0", "SENTINEL-FROM-DTD"]

    static func check(_ hostile: HostileCase, context: HostileContext, workers: Int = 2) throws {
        let name = "a-" + hostile.name.replacingOccurrences(of: "/", with: "-")
        let path = context.folder + "/" + name
        try Fixtures.write(try hostile.build(context), to: path)
        try Fixtures.write(try Fixtures.bytes(goodRecord), to: context.folder + "/z-good.xml")
        let (trials, errors, _) = try readAll([context.folder], workers: workers, options: hostile.options)
        let ids = trials.map(\.id.rawValue)
        #expect(ids.last == goodID, "\(hostile.name): the record after the hostile file is read: \(ids)")
        #expect(Array(ids.dropLast()).filter { hostile.alsoRead.contains($0) } == hostile.alsoRead,
                "\(hostile.name): the intact records inside the hostile file are read: \(ids)")
        for error in errors {
            #expect(error.location?.file == path, "\(hostile.name): the error names the file: \(error)")
            #expect(error.description.hasPrefix(path), "\(hostile.name): \(error)")
            #expect(!error.description.contains("\u{1B}") && !error.description.contains("\u{0}"),
                    "\(hostile.name): no control characters reach a message: \(error)")
        }
        let json = trials.map(\.jsonString).joined(separator: "\n")
        for text in globalForbidden + hostile.forbidden {
            #expect(!json.contains(text), "\(hostile.name): \"\(text)\" must not be read")
        }
        #expect(!json.contains("\\u001b") && !json.contains("\\u0000"),
                "\(hostile.name): control characters never reach a record")
        switch hostile.outcome {
        case .errors(let expected):
            #expect(errors.count == expected.count, "\(hostile.name): errors \(errors)")
            for (error, want) in zip(errors, expected) {
                #expect(HostileCase.ErrorKind(error) == want.kind, "\(hostile.name): \(error)")
                #expect(error.description.contains(want.fragment), "\(hostile.name): \(error) lacks \"\(want.fragment)\"")
                if let entry = want.entry {
                    #expect(error.location?.entry == entry, "\(hostile.name): the error names the entry: \(error)")
                }
            }
            #expect(ids.count == hostile.alsoRead.count + 1, "\(hostile.name): nothing else is read: \(ids)")
        case .read(let id, let check):
            #expect(errors.isEmpty, "\(hostile.name): \(errors)")
            let trial = trials.first { $0.id.rawValue == id && $0.source.file == path }
            #expect(trial != nil, "\(hostile.name): \(id) is read from the hostile file: \(ids)")
            if let trial { #expect(check(trial), "\(hostile.name): \(trial.jsonString.prefix(2000))") }
        }
    }
}

extension Array where Element == UInt8 {
    /// The bytes with the first occurrence of `target` replaced (the case builders' one edit tool).
    func replacing(_ target: String, with replacement: String) throws -> [UInt8] {
        try replacing(Array(target.utf8), with: Array(replacement.utf8))
    }

    func replacing(_ target: [UInt8], with replacement: [UInt8]) throws -> [UInt8] {
        let at = try #require(indexOf(target, in: self), "\(String(decoding: target, as: UTF8.self)) not in the record")
        return Array(self[..<at]) + replacement + Array(self[(at + target.count)...])
    }
}
