#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import TrialSearchCore

/// Corruption, truncation, commit atomicity and the writer lock.
@Suite struct IndexIntegrityTests {
    static func readFile(_ path: String) -> [UInt8] {
        guard let f = fopen(path, "rb") else { return [] }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return bytes
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) {
        unlink(path)
        guard let f = fopen(path, "wb") else { return }
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        fclose(f)
    }

    static func openError(_ dir: TemporaryDirectory) -> IndexError? {
        do {
            _ = try IndexReader.open(directory: dir.path)
            return nil
        } catch {
            return error as? IndexError
        }
    }

    /// An index with two segments and a deletes file, so that every kind of file exists.
    static func makeIndex(_ dir: TemporaryDirectory) throws -> [Trial] {
        let a = SyntheticTrials.make(count: 150, seed: 21, idPrefix: "NCTA")
        let b = SyntheticTrials.make(count: 20, seed: 22, idPrefix: "NCTB")
        try indexTrials(a, into: dir.path)
        try indexTrials(b, into: dir.path, deleting: [a[0].id])
        return a + b
    }

    @Test func everyFlippedByteOrTruncationIsACorruptError() throws {
        let dir = TemporaryDirectory("corrupt")
        defer { dir.remove() }
        _ = try Self.makeIndex(dir)
        let files = try FileSystem.list(dir.path).filter { $0 != IndexFormat.lockName }.sorted()
        let kinds = Set(files.map { $0 == IndexFormat.manifestName ? "manifest" : String($0.split(separator: ".").last ?? "") })
        #expect(kinds == Set(SegmentFile.allCases.map(\.rawValue) + ["manifest"]), "every file kind is exercised")
        var checked = 0
        for name in files {
            let path = dir.file(name)
            let original = Self.readFile(path)
            // Every byte of small files, an even spread of 97 bytes of larger ones, first and last included.
            let step = max(1, original.count / 97)
            var offsets = Array(stride(from: 0, to: original.count, by: step))
            offsets.append(original.count - 1)
            for offset in offsets {
                var bytes = original
                bytes[offset] ^= 0x5A
                Self.writeFile(path, bytes)
                switch Self.openError(dir) {
                case .corrupt(let file, let reason)?:
                    #expect(file.hasSuffix(name) && reason.contains("vs"), "\(reason)")
                case let other:
                    Issue.record("flip at \(offset) of \(name): \(String(describing: other))")
                }
                checked += 1
            }
            for length in [0, original.count / 2, original.count - 1] {
                Self.writeFile(path, Array(original[0..<length]))
                guard case .corrupt(let file, let reason)? = Self.openError(dir) else {
                    Issue.record("truncating \(name) to \(length) bytes: \(String(describing: Self.openError(dir)))")
                    continue
                }
                #expect(file.hasSuffix(name) && reason.contains("vs"))
            }
            Self.writeFile(path, original)
        }
        #expect(checked > 500)
        _ = try IndexReader.open(directory: dir.path)
    }

    @Test func filesWrittenWithoutManifestLeaveTheOldIndex() throws {
        let dir = TemporaryDirectory("atomic")
        defer { dir.remove() }
        let trials = try Self.makeIndex(dir)
        let before = try IndexReader.open(directory: dir.path)
        // A writer that flushes a segment and dies before commit: its files exist, the manifest is old.
        do {
            let writer = try IndexWriter(directory: dir.path)
            let worker = writer.makeWorker()
            for t in SyntheticTrials.make(count: 30, seed: 9, idPrefix: "NCTZ") { try worker.add(t, sequence: 0) }
            try worker.finish()
            // No commit: the writer is dropped, like a process killed here.
        }
        Self.writeFile(dir.file(IndexFormat.manifestTempPrefix + "999"), [1, 2, 3])
        // A merge's scratch output, left by a crash between its open and its unlink.
        let scratch = SegmentName.make(900) + ".pst" + SegmentName.scratchSuffix
        Self.writeFile(dir.file(scratch), [4, 5, 6])
        #expect(SegmentName.isOwnedFile(scratch) && !SegmentName.isOwnedFile("notes" + SegmentName.scratchSuffix))
        let strays = try FileSystem.list(dir.path).filter { SegmentName.isOwnedFile($0) }
        #expect(strays.count > before.manifest.referencedFiles.count)
        let after = try IndexReader.open(directory: dir.path)
        #expect(after.manifest == before.manifest && after.liveDocCount == trials.count - 1)
        // A file trialsearch does not own is never touched.
        Self.writeFile(dir.file("README.md"), Array("notes".utf8))
        Self.writeFile(dir.file("notes" + SegmentName.scratchSuffix), Array("notes".utf8))
        // The next writer removes the leftovers and works.
        let s = try indexTrials(SyntheticTrials.make(count: 5, seed: 4, idPrefix: "NCTY"), into: dir.path)
        #expect(s.added == 5)
        let reader = try IndexReader.open(directory: dir.path)
        let owned = Set(try FileSystem.list(dir.path).filter { SegmentName.isOwnedFile($0) })
        #expect(owned == reader.manifest.referencedFiles)
        #expect(FileSystem.exists(dir.file("README.md")))
        #expect(FileSystem.exists(dir.file("notes" + SegmentName.scratchSuffix)))
        #expect(!FileSystem.exists(dir.file(scratch)))
    }

    @Test func oneWriterAtATime() throws {
        let dir = TemporaryDirectory("lock")
        defer { dir.remove() }
        do {
            let first = try IndexWriter(directory: dir.path)
            #expect {
                _ = try IndexWriter(directory: dir.path)
            } throws: { error in
                guard case IndexError.locked(_, let holder)? = error as? IndexError else { return false }
                return holder.contains("pid")
            }
            _ = try first.commit()
        }
        // Released with the writer.
        _ = try IndexWriter(directory: dir.path)
    }

    @Test func analyzerMismatchIsRefusedWithRebuildAdvice() throws {
        let dir = TemporaryDirectory("analyzer")
        defer { dir.remove() }
        try indexTrials(SyntheticTrials.make(count: 5, seed: 1), into: dir.path)
        let other = AnalyzerConfiguration(version: 999)
        #expect {
            _ = try IndexReader.open(directory: dir.path, analyzer: other)
        } throws: { error in
            "\(error)".contains("--rebuild") && "\(error)".contains(other.fingerprint)
        }
        #expect(throws: IndexError.self) { _ = try IndexWriter(directory: dir.path, options: IndexWriterOptions(analyzer: other)) }
        _ = try IndexWriter(directory: dir.path, options: IndexWriterOptions(rebuild: true, analyzer: other))
    }

    /// `TrialCodec` lists every stored property by hand: this fails when `Trial` or its parts gain one,
    /// so that the codec (and `IndexFormat.version`) are updated with it.
    @Test func trialCodecKnowsEveryProperty() {
        let t = Trial(id: TrialID("NCT1")!)
        #expect(Mirror(reflecting: t).children.count == 33)
        #expect(Mirror(reflecting: t.eligibility).children.count == 9)
        #expect(Mirror(reflecting: Intervention()).children.count == 5)
        #expect(Mirror(reflecting: ArmGroup()).children.count == 3)
        #expect(Mirror(reflecting: Outcome()).children.count == 3)
        #expect(Mirror(reflecting: Location()).children.count == 4)
        #expect(Mirror(reflecting: StudyDesign()).children.count == 6)
        #expect(Mirror(reflecting: Official()).children.count == 3)
        #expect(Mirror(reflecting: RecordSource()).children.count == 3)
    }

    @Test func trialCodecRoundTripsEveryProperty() throws {
        var t = Trial(id: TrialID("NCT05308342")!, registry: "ClinicalTrials.gov",
                      source: RecordSource(file: "a.zip", entry: "x/y.xml", format: .studyJSON))
        t.secondaryIds = ["ORG-1", "EUCTR2020-001234-56"]
        t.briefTitle = "Umbilical cord MSCs — α ≥ 18"
        t.officialTitle = "Official"; t.acronym = "UC-MSC"
        t.briefSummary = "line1\nline2\n\npara"; t.detailedDescription = "d"
        t.conditions = ["POI"]; t.keywords = ["k1", "k2"]; t.conditionMeshTerms = ["Menopause, Premature"]
        t.interventionMeshTerms = ["x"]
        t.interventions = [Intervention(type: "Biological", name: "MSC", description: "cells", otherNames: ["a"], armGroupLabels: ["arm"])]
        t.armGroups = [ArmGroup(label: "arm", type: "Experimental", description: "desc")]
        t.primaryOutcomes = [Outcome(measure: "m", timeFrame: "12 months", description: "d")]
        t.secondaryOutcomes = [Outcome(measure: "s")]
        t.eligibility = Eligibility(criteria: "c", inclusion: ["i"], exclusion: ["e"], sex: "Female", minimumAge: "20 Years",
                                    maximumAge: "39 Years", minimumAgeYears: 20, maximumAgeYears: 39.5, healthyVolunteers: false)
        t.overallStatus = "Recruiting"; t.phases = ["Phase 1", "Phase 2"]; t.studyType = "Interventional"
        t.enrollment = -3
        t.startDate = PartialDate(year: 2022, month: 4); t.completionDate = PartialDate(year: 2024, month: 12, day: 31)
        t.firstPosted = PartialDate(year: 2022, month: 4, day: 4); t.lastUpdated = nil
        t.leadSponsor = "S"; t.collaborators = ["C"]; t.countries = ["China"]
        t.locations = [Location(facility: "F", city: "Nanjing", state: "", country: "China")]
        t.relatedIds = ["NCT06132542"]
        t.design = StudyDesign(allocation: "Randomized", interventionModel: "Parallel Assignment", primaryPurpose: "Treatment",
                               masking: "None (Open Label)", observationalModel: "", timePerspective: "")
        t.officials = [Official(name: "A. Person, MD", role: "Principal Investigator", affiliation: "Hospital")]
        var bytes: [UInt8] = []
        let sourceStart = TrialCodec.encode(t, into: &bytes)
        let decoded = try bytes.withUnsafeBytes { try TrialCodec.decode($0, file: "test") }
        #expect(decoded == t)
        var moved = t
        moved.source.file = "elsewhere"
        var movedBytes: [UInt8] = []
        let movedStart = TrialCodec.encode(moved, into: &movedBytes)
        let h1 = bytes.withUnsafeBytes { TrialCodec.contentHash($0, sourceStart: sourceStart) }
        let h2 = movedBytes.withUnsafeBytes { TrialCodec.contentHash($0, sourceStart: movedStart) }
        #expect(h1 == h2, "the source file does not change the content hash")
        moved.briefTitle += "!"
        _ = TrialCodec.encode(moved, into: &movedBytes)
        #expect(h1 != movedBytes.withUnsafeBytes { TrialCodec.contentHash($0, sourceStart: movedStart + 1) })
        // Truncated records are errors, not crashes.
        for n in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: IndexError.self) { _ = try bytes[0..<n].withUnsafeBytes { try TrialCodec.decode($0, file: "test") } }
        }
    }

    /// The worked example of `TrialCodec`'s doc comment, byte for byte.
    @Test func trialCodecWorkedExample() {
        var bytes: [UInt8] = []
        let sourceStart = TrialCodec.encode(Trial(id: TrialID("NCT01")!), into: &bytes)
        #expect(Array(bytes[0..<8]) == [0x0B, 0x19, 0x04, 0x02, 0x01, 0x02, 0x02, 0x03])
        #expect(Array(bytes[8..<19]) == [0x05, 0x4E, 0x43, 0x54, 0x30, 0x31, 0, 0, 0, 0, 0])
        #expect(Array(bytes[sourceStart...]) == [0, 0, 0x0A] + Array("plain-text".utf8))
        #expect(bytes.count == 8 + 63)
        #expect(bytes[19..<sourceStart].allSatisfy { $0 == 0 })
    }

    /// Inclusion and exclusion items found in the criteria text in order are stored as byte ranges of
    /// it; items that are not (reordered, edited, empty) as text; both decode to the same strings.
    @Test func trialCodecExcerptsOfTheCriteria() throws {
        var t = Trial(id: TrialID("NCT02")!)
        let criteria = "Inclusion Criteria:\n\n- Âge ≥ 18 ans\n- ECOG 0–1\n\nExclusion Criteria:\n\n- pregnancy\n- ECOG 0–1"
        t.eligibility = Eligibility(criteria: criteria, inclusion: ["Âge ≥ 18 ans", "ECOG 0–1"],
                                    exclusion: ["pregnancy", "ECOG 0–1", "Âge ≥ 18 ans", "", "not in the text"])
        var bytes: [UInt8] = []
        TrialCodec.encode(t, into: &bytes)
        let decoded = try bytes.withUnsafeBytes { try TrialCodec.decode($0, file: "test") }
        #expect(decoded == t)
        #expect(decoded.eligibility.inclusion.elementsEqual(t.eligibility.inclusion) { Array($0.utf8) == Array($1.utf8) })
        #expect(decoded.eligibility.exclusion.elementsEqual(t.eligibility.exclusion) { Array($0.utf8) == Array($1.utf8) })
        // The found items cost a few bytes, not their text: only the text of the three others is there.
        var plain = t
        plain.eligibility.inclusion = []; plain.eligibility.exclusion = []
        var plainBytes: [UInt8] = []
        TrialCodec.encode(plain, into: &plainBytes)
        let literal = ("Âge ≥ 18 ans" + "not in the text").utf8.count
        #expect(bytes.count - plainBytes.count < literal + 20)
        #expect(bytes.count - plainBytes.count >= literal)
    }
}
