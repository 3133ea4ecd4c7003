import Foundation
import Testing
@testable import TrialIngest
import TrialSearchCore

/// Hostile zip archives around real records: path-traversal names, zip bombs (absurd ratios, lying
/// sizes, overlapping entries), broken central directories, zips inside zips, unsupported features.
/// Each hostile entry sits beside an intact one (NCT04556630) that must still be read.
enum HostileArchiveCases {
    static let payload = "ctgov-xml/NCT04500626.xml"
    static let intact = "ctgov-xml/NCT04556630.xml"
    static let intactID = "NCT04556630"

    /// An archive of `hostile` then the intact record.
    static func zip(_ hostile: CraftedZip.Entry) throws -> [UInt8] {
        var zip = CraftedZip()
        zip.add(hostile)
        zip.add(CraftedZip.Entry("NCT0455xxxx/NCT04556630.xml", try Fixtures.bytes(intact), deflate: true))
        return zip.build()
    }

    static func entry(_ name: String = "NCT0450xxxx/NCT04500626.xml", deflate: Bool = true,
                      _ edit: (inout CraftedZip.Entry) -> Void = { _ in }) throws -> CraftedZip.Entry {
        var entry = CraftedZip.Entry(name, try Fixtures.bytes(payload), deflate: deflate)
        edit(&entry)
        return entry
    }

    /// `depth` archives nested in one another around the intact record (depth 1: a plain archive).
    static func nested(_ depth: Int) throws -> [UInt8] {
        var bytes = try zip(entry())
        for level in 1..<max(depth, 1) {
            var zip = CraftedZip()
            zip.add(CraftedZip.Entry("level\(level).zip", bytes))
            bytes = zip.build()
        }
        return bytes
    }

    static var all: [HostileCase] {
        [
            // Names that leave the archive ("zip slip"); control characters in a name.
            HostileCase(name: "zip/path-traversal.zip", build: { _ in try zip(entry("../../NCT04500626.xml")) },
                        outcome: .error(.malformedArchive, "entry name is a \"..\" component (a path-traversal name)",
                                         entry: "../../NCT04500626.xml"), alsoRead: [intactID]),
            HostileCase(name: "zip/path-traversal-inside.zip", build: { _ in try zip(entry("NCT0450xxxx/../../../tmp/x.xml")) },
                        outcome: .error(.malformedArchive, "path-traversal name"), alsoRead: [intactID]),
            HostileCase(name: "zip/path-traversal-backslashes.zip", build: { _ in try zip(entry("..\\..\\x.xml")) },
                        outcome: .error(.malformedArchive, "path-traversal name"), alsoRead: [intactID]),
            HostileCase(name: "zip/absolute-path.zip", build: { _ in try zip(entry("/etc/cron.d/x.xml")) },
                        outcome: .error(.malformedArchive, "entry name is an absolute path"), alsoRead: [intactID]),
            HostileCase(name: "zip/drive-letter.zip", build: { _ in try zip(entry("C:\\Windows\\x.xml")) },
                        outcome: .error(.malformedArchive, "entry name is a drive letter"), alsoRead: [intactID]),
            HostileCase(name: "zip/control-characters-in-name.zip", build: { _ in try zip(entry("evil\u{1B}[2J\u{7}.xml")) },
                        outcome: .read(id: "NCT04500626") { $0.source.entry == "evil\u{FFFD}[2J\u{FFFD}.xml" }, alsoRead: [intactID]),
            HostileCase(name: "zip/invalid-utf8-name.zip", build: { _ in
                try zip(entry { $0.name = [0x6E, 0xFF, 0xFE, 0x2E, 0x78, 0x6D, 0x6C] })
            }, outcome: .read(id: "NCT04500626") { $0.source.entry == "n\u{FFFD}\u{FFFD}.xml" }, alsoRead: [intactID]),
            // Zip bombs. DEFLATE tops out near 1000:1 (100 MB of zeros in 106 KB): such an entry is
            // inflated within `maxEntryBytes` and then refused as not a record, or refused before
            // inflating when it exceeds a lower limit. A header declaring an absurd ratio (1 GB from
            // 1 KB); an entry that inflates far past its declared size (inflation stops at the declared
            // size); a declared size of 4 GB; the same data shared by a thousand entries.
            HostileCase(name: "zip/bomb-100mb-of-zeros.zip", build: { _ in
                try zip(CraftedZip.Entry("bomb.xml", [UInt8](repeating: 0, count: 100 << 20), deflate: true))
            }, outcome: .error(.unrecognizedFormat, "found binary data (NUL bytes)", entry: "bomb.xml"), alsoRead: [intactID],
               committed: false),
            HostileCase(name: "zip/bomb-100mb-of-zeros-over-the-entry-limit.zip", build: { _ in
                try zip(CraftedZip.Entry("bomb.xml", [UInt8](repeating: 0, count: 100 << 20), deflate: true))
            }, outcome: .error(.tooLarge, "archive entry is 104857600 bytes, more than the limit of 67108864", entry: "bomb.xml"),
               alsoRead: [intactID], committed: false, options: IngestOptions(maxEntryBytes: 64 << 20)),
            HostileCase(name: "zip/bomb-ratio.zip", build: { _ in
                var bomb = CraftedZip.Entry("bomb.xml", [UInt8](repeating: 0, count: 1 << 20), deflate: true)
                bomb.uncompressedSize = (1 << 30) - 1
                return try zip(bomb)
            }, outcome: .error(.tooLarge, "ratio limit 1000:1", entry: "bomb.xml"), alsoRead: [intactID]),
            HostileCase(name: "zip/bomb-lying-size.zip", build: { _ in
                var bomb = CraftedZip.Entry("bomb.xml", [UInt8](repeating: 0x20, count: 10 << 20), deflate: true)
                bomb.uncompressedSize = 12_100
                bomb.crc = 0
                return try zip(bomb)
            }, outcome: .error(.malformedArchive, "entry inflates to more than its declared 12100 bytes", entry: "bomb.xml"),
               alsoRead: [intactID], committed: false),
            HostileCase(name: "zip/bomb-declared-4gb.zip", build: { _ in try zip(entry { $0.uncompressedSize = 0xFFFF_FFF0 }) },
                        outcome: .error(.tooLarge, "archive entry is 4294967280 bytes, more than the limit of 1073741824"),
                        alsoRead: [intactID]),
            HostileCase(name: "zip/bomb-overlapping-entries.zip", build: { _ in
                var zip = CraftedZip()
                let shared = try entry()
                zip.add(shared)
                for k in 1..<1000 {
                    var copy = shared
                    copy.name = Array("NCT0450xxxx/copy\(k).xml".utf8)
                    copy.offset = 0
                    copy.data = []
                    copy.compressedSize = shared.data.count
                    copy.uncompressedSize = shared.uncompressed?.count
                    copy.crc = CraftedZip.crc32(shared.uncompressed ?? [])
                    zip.add(copy)
                }
                return zip.build()
            }, outcome: .error(.malformedArchive, "overlap: a zip bomb construction")),
            // Broken central directories.
            HostileCase(name: "zip/truncated-central-directory.zip", build: { _ in
                let bytes = try zip(entry())
                return Array(bytes.prefix(bytes.count - 40))
            }, outcome: .error(.malformedArchive, "no end-of-central-directory record")),
            HostileCase(name: "zip/entry-count-lies.zip", build: { _ in
                var zip = CraftedZip()
                zip.add(try entry())
                zip.declaredCount = 65_000
                return zip.build()
            }, outcome: .error(.malformedArchive, "central directory header 2 of 65000 missing")),
            HostileCase(name: "zip/directory-outside-the-file.zip", build: { _ in
                var zip = CraftedZip()
                zip.add(try entry())
                zip.declaredDirectoryOffset = 1 << 30
                return zip.build()
            }, outcome: .error(.malformedArchive, "is outside the archive")),
            HostileCase(name: "zip/only-a-local-header.zip", build: { _ in Array("PK\u{3}\u{4}garbage".utf8) },
                        outcome: .error(.malformedArchive, "no end-of-central-directory record")),
            HostileCase(name: "zip/empty.zip", build: { _ in CraftedZip().build() }, outcome: .errors([])),
            // Entries that are zips: two levels are read; deeper ones, up to 100, are refused with
            // the nested entry's name.
            HostileCase(name: "zip/zip-in-zip.zip", build: { _ in try nested(2) },
                        outcome: .read(id: "NCT04500626") { $0.source.entry == "level1.zip/NCT0450xxxx/NCT04500626.xml" },
                        alsoRead: [intactID]),
            HostileCase(name: "zip/zip-in-zip-in-zip.zip", build: { _ in try nested(3) },
                        outcome: .error(.tooDeep, "zip archives nest deeper than the limit of 2", entry: "level2.zip/level1.zip")),
            HostileCase(name: "zip/100-nested-zips.zip", build: { _ in try nested(100) },
                        outcome: .error(.tooDeep, "limit of 2", entry: "level99.zip/level98.zip"), committed: false),
            // Unsupported or broken entries.
            HostileCase(name: "zip/encrypted-entry.zip", build: { _ in try zip(entry { $0.flags = 1 }) },
                        outcome: .error(.unsupportedArchive, "entry is encrypted"), alsoRead: [intactID]),
            HostileCase(name: "zip/bzip2-entry.zip", build: { _ in try zip(entry { $0.method = 12 }) },
                        outcome: .error(.unsupportedArchive, "compression method 12"), alsoRead: [intactID]),
            HostileCase(name: "zip/crc-mismatch.zip", build: { _ in try zip(entry { $0.crc = 0xDEAD_BEEF }) },
                        outcome: .error(.checksumMismatch, "CRC-32 mismatch: expected 0xdeadbeef"), alsoRead: [intactID]),
            HostileCase(name: "zip/invalid-deflate-data.zip", build: { _ in
                try zip(entry { $0.data = [UInt8](repeating: 0xFF, count: $0.data.count) })
            }, outcome: .error(.malformedArchive, "invalid DEFLATE data"), alsoRead: [intactID]),
            // The DEFLATE stream cut in half (sizes declared for the half): the stream ends early.
            HostileCase(name: "zip/truncated-deflate.zip", build: { _ in
                try zip(entry { $0.data = Array($0.data.prefix($0.data.count / 2)); $0.uncompressedSize = $0.uncompressed?.count })
            }, outcome: .error(.malformedArchive, "invalid DEFLATE data", entry: "NCT0450xxxx/NCT04500626.xml"), alsoRead: [intactID]),
            HostileCase(name: "zip/local-header-offset-wrong.zip", build: { _ in try zip(entry { $0.offset = 7 }) },
                        outcome: .error(.malformedArchive, "no local header at offset 7"), alsoRead: [intactID]),
            HostileCase(name: "zip/data-past-the-end.zip", build: { _ in
                var zip = CraftedZip()
                zip.add(try entry { $0.compressedSize = $0.data.count + 50_000; $0.uncompressedSize = $0.uncompressed?.count })
                return zip.build()
            }, outcome: .error(.malformedArchive, "runs past the end of the archive")),
            HostileCase(name: "zip/stored-size-mismatch.zip", build: { _ in try zip(entry(deflate: false) { $0.uncompressedSize = 99 }) },
                        outcome: .error(.malformedArchive, "stored entry has compressed size 12100 but size 99"), alsoRead: [intactID]),
            HostileCase(name: "zip/empty-entry.zip", build: { _ in try zip(CraftedZip.Entry("empty.xml", [])) },
                        outcome: .error(.unrecognizedFormat, "found an empty input", entry: "empty.xml"), alsoRead: [intactID]),
        ]
    }
}
