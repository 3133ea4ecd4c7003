import Foundation
import Testing
@testable import TrialSearchCore
@testable import TrialSearchKit

/// Single-byte flips and truncations of every file of a real-record index, each caught both by a
/// normal open (`IndexReader.open`: a corrupt-index error naming the file) and by `IndexCheck` (a
/// problem naming the file), never a crash or a silently different answer.
///
/// The index (`ReliabilityIndex.buildTwoSegments`) has every file kind: two segments, a deletes file
/// and the manifest. Offsets are deterministic: every byte of the smallest file of each kind, and for
/// the other files every header and footer byte plus an even spread over the body.
@Suite struct IndexCorruptionTests {
    /// What one corruption did.
    enum Outcome: Equatable {
        case detected
        case missed(String)
    }

    /// Opens and checks `directory` after `path` was damaged.
    static func outcome(_ directory: String, damaged path: String) -> Outcome {
        do {
            _ = try IndexReader.open(directory: directory)
            return .missed("open succeeded")
        } catch IndexError.corrupt(let file, let reason) {
            guard file == path, reason.contains("vs") || reason.contains("truncated") else {
                return .missed("open: corrupt \(file): \(reason)")
            }
        } catch {
            return .missed("open: \(error)")
        }
        do {
            // Checksums catch every flip; the walk of the intact segments is checked once in
            // `IndexCheckTests` (and would make this sweep of thousands of cases slow).
            let report = try IndexCheck.run(directory: directory, walk: false)
            guard report.problems.contains(where: { $0.file == path }) else {
                return .missed("check: \(report.problems)")
            }
        } catch {
            return .missed("check: \(error)")
        }
        return .detected
    }

    /// Offsets to flip in a file of `length` bytes: all of them, or the 40 first and 16 last (header
    /// and footer) and `spread` evenly between.
    static func offsets(length: Int, all: Bool, spread: Int = 64) -> [Int] {
        if all || length <= 40 + 16 + spread { return Array(0..<length) }
        var set = Set(0..<40).union((length - 16)..<length)
        for k in 0..<spread { set.insert(40 + k * (length - 56) / spread) }
        return set.sorted()
    }

    @Test func everyFlippedByteAndTruncationOfEveryFileKindIsDetected() throws {
        let root = try ReliabilityIndex.folder("corrupt")
        defer { ReliabilityIndex.remove(root) }
        let directory = root + "/Index"
        try ReliabilityIndex.buildTwoSegments(in: directory, scratch: root)
        let baseline = try ReliabilityIndex.fingerprint(IndexReader.open(directory: directory))
        #expect(try IndexCheck.run(directory: directory).isClean)

        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0 != IndexFormat.lockName }.sorted()
        func kind(_ name: String) -> String { name == IndexFormat.manifestName ? "manifest" : String(name.split(separator: ".").last ?? "") }
        #expect(Set(names.map(kind)) == Set(SegmentFile.allCases.map(\.rawValue) + ["manifest"]), "every file kind: \(names)")
        var smallest: [String: (name: String, size: Int)] = [:]
        for name in names {
            let size = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)).count
            if size < smallest[kind(name)]?.size ?? .max { smallest[kind(name)] = (name, size) }
        }

        var flips = 0
        var truncations = 0
        var missed: [String] = []
        for name in names {
            let path = directory + "/" + name
            let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            for offset in Self.offsets(length: original.count, all: smallest[kind(name)]?.name == name) {
                var bytes = original
                bytes[offset] ^= UInt8(1 + offset % 255)
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                if case .missed(let why) = Self.outcome(directory, damaged: path) { missed.append("\(name) flip at \(offset): \(why)") }
                flips += 1
            }
            var cuts = [0, 1, 16, original.count / 2, original.count - 16, original.count - 1].filter { $0 >= 0 && $0 < original.count }
            cuts = Array(Set(cuts)).sorted()
            for length in cuts {
                try Data(original.prefix(length)).write(to: URL(fileURLWithPath: path))
                if case .missed(let why) = Self.outcome(directory, damaged: path) { missed.append("\(name) cut to \(length): \(why)") }
                truncations += 1
            }
            try Data(original + [0]).write(to: URL(fileURLWithPath: path))
            if case .missed(let why) = Self.outcome(directory, damaged: path) { missed.append("\(name) + 1 byte: \(why)") }
            truncations += 1
            try Data(original).write(to: URL(fileURLWithPath: path))
        }
        #expect(missed.isEmpty, "\(missed.prefix(20))")
        print("index corruption: \(flips) byte flips and \(truncations) truncations or extensions of \(names.count) files, "
            + "\(flips + truncations - missed.count) detected by open and check")
        #expect(flips > 1500)
        // Restored, the index answers as before.
        #expect(try ReliabilityIndex.fingerprint(IndexReader.open(directory: directory)) == baseline)
        #expect(try IndexCheck.run(directory: directory).isClean)
    }
}
