/// Verifies a whole index folder, file by file and against its manifest, and reports every problem
/// instead of stopping at the first: what `trialsearch check` runs (Lucene's CheckIndex).
///
/// In order:
/// 1. The manifest: its frame and body (`Manifest.read`), the analyzer that built the index against
///    this trialsearch's, unique segment names and ids below `nextSegmentNumber`.
/// 2. Every file the manifest references: present, its frame verified (header magic, format name,
///    version, the segment's id, length, CRC-32 of every byte) and equal to the length and CRC-32 the
///    manifest recorded at commit.
/// 3. Each segment whose files passed, opened (`SegmentReader`: doc counts of norms, doc values,
///    stored records and deletes against the manifest) and walked (`SegmentCheck`: every term,
///    posting, position and stored record).
/// 4. Across segments: a trial id is live in one segment only.
/// 5. The other files trialsearch owns: temporary manifests and unreferenced segment or deletes
///    files (left by an interrupted writer, removed by the next one) are notes; their frames are
///    verified too, and when the manifest is unreadable a corrupt one is a problem.
/// A folder without a manifest holds no committed index (`IndexError.noIndex`), whatever files a
/// writer killed before its first commit left in it.
/// Files trialsearch does not own (`write.lock`, `README.md`, anything else) are ignored.
public enum IndexCheck {
    /// Checks the index in `directory`. `analyzer`: the configuration queries will use (the index
    /// must have been built with it); nil skips that check. `walk: false` stops after opening each
    /// segment (steps 1–2, the decoders' counts, and 4–5): every byte's checksum, not every posting.
    /// - Throws: `IndexError.noIndex` when the folder does not exist or holds no manifest, `.io` when
    ///   it cannot be listed.
    /// - Complexity: O(index size): every byte is read, every posting and position decoded.
    public static func run(directory: String, analyzer: AnalyzerConfiguration? = .default,
                           walk: Bool = true) throws -> IndexCheckReport {
        var report = IndexCheckReport(directory: directory)
        guard FileSystem.exists(directory) else { throw IndexError.noIndex(directory: directory) }
        let names = try FileSystem.list(directory).sorted()
        let owned = names.filter { SegmentName.isOwnedFile($0) }
        let manifestPath = FileSystem.join(directory, IndexFormat.manifestName)
        // No manifest: nothing was ever committed here (a first build killed before its commit leaves
        // segment files and no manifest), or the manifest was removed; either way, no index.
        guard names.contains(IndexFormat.manifestName) else { throw IndexError.noIndex(directory: directory) }

        var manifest: Manifest?
        do {
            manifest = try Manifest.read(directory: directory)
            report.filesVerified += 1
            report.bytesVerified += FileSystem.fileSize(manifestPath) ?? 0
        } catch {
            report.problems.append(IndexProblem(error, orFile: manifestPath))
        }
        let referenced = manifest?.referencedFiles ?? []
        if let manifest {
            report.generation = manifest.generation
            report.segments = manifest.segments.count
            checkManifest(manifest, analyzer: analyzer, path: manifestPath, into: &report)
            var liveIDs: [TrialID: String] = [:]
            for (ordinal, info) in manifest.segments.enumerated() {
                guard let segment = openSegment(info, ordinal: ordinal, directory: directory, into: &report) else { continue }
                report.docs += segment.docCount
                report.liveDocs += segment.liveDocs.liveCount
                if walk { SegmentCheck(segment: segment, directory: directory).run(into: &report) }
                for d in 0..<segment.docCount where segment.isLive(DocID(d)) {
                    let id = segment.trialID(DocID(d))
                    if let other = liveIDs[id] {
                        report.problem(FileSystem.join(directory, info.name + ".dvs"),
                                       "trial \(id) is live in segments \(other) and \(info.name) (a trial id is indexed once)")
                    }
                    liveIDs[id] = info.name
                }
            }
        }
        for name in owned where !referenced.contains(name) {
            let path = FileSystem.join(directory, name)
            if name.hasPrefix(IndexFormat.manifestTempPrefix) {
                report.notes.append(IndexProblem(file: path, message: "temporary manifest of an interrupted commit "
                    + "(the next `trialsearch index` removes it)"))
                continue
            }
            let problem = verifyFrame(name: name, directory: directory, into: &report)
            if manifest == nil {
                // Without a readable manifest every file may be part of the index: a bad one is a problem.
                if let problem { report.problems.append(problem) }
            } else {
                report.notes.append(IndexProblem(file: path, message: "not referenced by the manifest (left by an "
                    + "interrupted or superseded writer; the next `trialsearch index` removes it)"
                    + (problem.map { "; also corrupt: \($0.message)" } ?? "")))
            }
        }
        return report
    }

    /// The manifest against itself and against this trialsearch.
    private static func checkManifest(_ manifest: Manifest, analyzer: AnalyzerConfiguration?, path: String,
                                      into report: inout IndexCheckReport) {
        if let analyzer, analyzer.fingerprint != manifest.analyzerFingerprint {
            report.problem(path, "built with analyzer \"\(manifest.analyzerFingerprint)\", this trialsearch analyzes "
                + "with \"\(analyzer.fingerprint)\": queries would not match its terms; rebuild it")
        }
        var names = Set<String>()
        var ids = Set<UInt64>()
        for info in manifest.segments {
            if !names.insert(info.name).inserted { report.problem(path, "segment \(info.name) listed twice") }
            if !ids.insert(info.id).inserted { report.problem(path, "segment id \(hex(info.id)) used twice") }
            if let number = Int(info.name.dropFirst(), radix: 36), number >= manifest.nextSegmentNumber {
                report.problem(path, "segment \(info.name) is not below the next segment number \(manifest.nextSegmentNumber)")
            }
            if info.liveCount == 0 {
                report.problem(path, "segment \(info.name) has no live doc (a commit drops such segments)")
            }
        }
    }

    /// Verifies the frame and recorded digest of every file of `info`, then opens the segment; nil
    /// (with the problems reported) when any of that fails.
    private static func openSegment(_ info: SegmentInfo, ordinal: Int, directory: String,
                                    into report: inout IndexCheckReport) -> SegmentReader? {
        var intact = true
        var kinds = SegmentFile.immutable
        if info.deletesGeneration > 0 { kinds.append(.deletes) }
        for kind in kinds {
            let name = kind.fileName(segment: info.name, generation: info.deletesGeneration)
            let path = FileSystem.join(directory, name)
            do {
                let file = try IndexFile(path: path, formatName: kind.formatName, segmentID: info.id)
                try info.checkDigest(of: file, name: name)
                report.filesVerified += 1
                report.bytesVerified += file.bytes.count
            } catch {
                report.problems.append(IndexProblem(error, orFile: path))
                intact = false
            }
        }
        guard intact else { return nil }
        do {
            return try SegmentReader(directory: directory, info: info, ordinal: ordinal)
        } catch {
            report.problems.append(IndexProblem(error, orFile: FileSystem.join(directory, info.name)))
            return nil
        }
    }

    /// Verifies the frame of an owned file no manifest references (its kind from its name; any
    /// segment id); returns its problem, if any.
    private static func verifyFrame(name: String, directory: String, into report: inout IndexCheckReport) -> IndexProblem? {
        let path = FileSystem.join(directory, name)
        let kind: SegmentFile? = name.hasSuffix(".del") ? .deletes : SegmentFile(rawValue: String(name.split(separator: ".").last ?? ""))
        guard let kind else { return nil }
        do {
            let file = try IndexFile(path: path, formatName: kind.formatName, segmentID: nil)
            report.filesVerified += 1
            report.bytesVerified += file.bytes.count
            return nil
        } catch {
            return IndexProblem(error, orFile: path)
        }
    }
}
