import Foundation
import Testing
@testable import TrialIngest
import TrialSearchCore

/// The hostile-input suite: every case of the catalogs is read beside an intact real record, with a
/// watch on a local TCP port that its URLs point to (see `HostileRun.check` for what is asserted).
@Suite struct HostileInputTests {
    static let cases = HostileXMLCases.all + HostileICTRPCases.all + HostileJSONCases.all + HostileTextCases.all
        + HostileArchiveCases.all + HostileLargeCases.all

    @Test(arguments: HostileInputTests.cases)
    func hostileInput(_ hostile: HostileCase) throws {
        let watch = try ConnectionWatch()
        let context = try HostileContext.make(port: watch.port)
        defer { context.remove() }
        try HostileRun.check(hostile, context: context)
        #expect(watch.connections() == 0, "\(hostile.name): no network access is attempted")
    }

    @Test func casesHaveDistinctNames() {
        let names = HostileInputTests.cases.map(\.name)
        #expect(Set(names).count == names.count)
    }

    /// The small cases are also files under `Tests/Fixtures/hostile/` (seeds for the fuzzers, and a
    /// folder to show `trialsearch convert` on). They must be exactly what the catalog builds; set
    /// `TRIALSEARCH_WRITE_HOSTILE_FIXTURES=1` to rewrite them after changing a case.
    @Test func committedFilesAreTheCatalogs() throws {
        let watch = try ConnectionWatch()
        let context = try HostileContext.make(port: watch.port)
        defer { context.remove() }
        let write = ProcessInfo.processInfo.environment["TRIALSEARCH_WRITE_HOSTILE_FIXTURES"] == "1"
        let committed = HostileInputTests.cases.filter(\.committed)
        for hostile in committed {
            let path = Fixtures.path("hostile/" + hostile.name)
            let bytes = try hostile.build(context)
            if write {
                try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path,
                                                        withIntermediateDirectories: true)
                try Fixtures.write(bytes, to: path)
            }
            if hostile.name.hasSuffix(".zip") {
                // Deflated data depends on the libdeflate version: archives are compared by presence.
                #expect(FileManager.default.fileExists(atPath: path), "\(path) is missing")
            } else {
                #expect((try? Fixtures.bytes("hostile/" + hostile.name)) == bytes, "\(path) differs from its case")
            }
        }
        let onDisk = FileManager.default.enumerator(atPath: Fixtures.path("hostile"))?.compactMap { $0 as? String }
            .filter { $0.contains(".") && !$0.hasSuffix("README.md") } ?? []
        #expect(Set(onDisk) == Set(committed.map(\.name)), "no stale files under Tests/Fixtures/hostile")
    }

    /// A named pipe in a dump folder is refused without opening it for reading (which would wait for a
    /// writer forever), and so is a device given as a path.
    @Test func namedPipesAndDevicesAreRefused() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { Fixtures.remove(folder) }
        #expect(mkfifo(folder + "/a-pipe.xml", 0o644) == 0)
        try Fixtures.write(try Fixtures.bytes(HostileRun.goodRecord), to: folder + "/z-good.xml")
        let (trials, errors, _) = try readAll([folder, "/dev/zero"])
        #expect(trials.map(\.id.rawValue) == [HostileRun.goodID])
        #expect(errors.map(\.description) == [
            folder + "/a-pipe.xml: cannot read: a named pipe, not a regular file",
            "/dev/zero: cannot read: a device, not a regular file",
        ])
    }
}
