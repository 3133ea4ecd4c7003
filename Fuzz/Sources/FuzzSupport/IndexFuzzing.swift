#if canImport(Glibc)
import Glibc
#endif
import TrialIngest
@testable import TrialSearchCore

/// Feeds fuzzer inputs to the index readers: each input replaces one file of a small real index, which
/// is then opened, searched, read record by record and walked by `IndexCheck`. Any outcome is fine but
/// a crash, a hang, an allocation past libFuzzer's RSS limit, or an error that is not an `IndexError`
/// naming a file of the index (a violated property stops the run like a crash).
///
/// Checksums catch nearly every random change, so by default the harness makes the damage pass them,
/// as a buggy writer or a deliberate edit would: the input is the file's body, framed with the
/// original header and a valid footer, and the manifest is recommitted with the file's new length and
/// CRC-32. That puts the decoders behind the checksums (term dictionary, postings and skip data,
/// positions, norms, doc values, stored blocks, deletes, the manifest body) under the fuzzer.
///
/// Input: `selector:u8 bytes…`. `selector % (files + 1)` picks the file (the last choice is the
/// manifest), in the order of `files`; with bit 7 set, `bytes` is written as the whole file, unframed
/// (headers, footers and truncation are fuzzed too).
///
/// The seed index (built once per process in `$FUZZ_INDEX_DIR`, else a folder of `/dev/shm`, where
/// fsync is cheap; emptied first) holds real records (`build`): four XML trials of `Tests/Fixtures`
/// and 110 API v2 studies of `Corpus/ctgov-json.zip` in a first commit, then one JSON trial of
/// `Tests/Fixtures` and 70 more studies added, one XML trial and one study of the first commit
/// deleted: two segments of format 12, every file kind, and terms of more than
/// `IndexFormat.championMinimumDocs` docs in both, so that their postings end with champion lists.
///
/// Besides the parsed queries, every input runs keyword queries of one to four of those terms (and
/// of rarer ones, whose postings the seed walks) at top 1, 3, 10 (seeded by `ChampionSeed`) and
/// 1,000; and, when the damaged index opens and `check` finds nothing wrong, the differential
/// property (`differential`): each of those searches returns exactly the exhaustive search's hits
/// (ids and score bits), and the champion seed is below the exhaustive k-th score.
public final class IndexFuzzing {
    /// The index the inputs damage, restored after each input.
    let directory: String
    /// The seed index's file names, manifest excluded, sorted.
    public let files: [String]
    let originals: [String: [UInt8]]
    let manifestBytes: [UInt8]
    let manifest: Manifest
    let parser = QueryParser(analyzer: Analyzer())
    static let queries = ["hiv vaccine", "\"healthy volunteers\"", "+cancer -placebo", "title:study treatment"]
    /// Keyword queries of one to four terms of the seed index (`keywordQueries`).
    let keywordQueries: [WeightedQuery]
    /// The limits the keyword queries run at: the first three seeded by the champion lists.
    static let keywordLimits = [1, 3, 10, 1_000]

    /// The repository's `Tests/Fixtures`.
    static var fixtures: String {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)
        return parts.joined(separator: "/") + "/Tests/Fixtures"
    }

    public init() {
        if let folder = getenv("FUZZ_INDEX_DIR") {
            directory = String(cString: folder)
        } else {
            directory = (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") + "/trialsearch-fuzz-index-\(getpid())"
        }
        do {
            try FileSystem.makeDirectory(directory)
            for name in try FileSystem.list(directory) { unlink(FileSystem.join(directory, name)) }
            try IndexFuzzing.build(directory)
            manifest = try Manifest.read(directory: directory)
            files = manifest.referencedFiles.sorted()
            var originals: [String: [UInt8]] = [:]
            for name in files { originals[name] = try IndexFuzzing.read(FileSystem.join(directory, name)) }
            self.originals = originals
            manifestBytes = try IndexFuzzing.read(FileSystem.join(directory, IndexFormat.manifestName))
            let reader = try IndexReader.open(directory: directory)
            keywordQueries = IndexFuzzing.keywordQueries(reader)
            let seeded = try keywordQueries.filter { try IndexFuzzing.championSeed(reader, $0, limit: 10) > -.infinity }.count
            precondition(seeded * 2 >= keywordQueries.count, "only \(seeded) of \(keywordQueries.count) keyword queries seeded")
            let lists = reader.segments.map { segment in
                var terms = segment.terms.makeTermsEnum(), n = 0
                while terms.next() { if terms.info.docFreq > IndexFormat.championMinimumDocs { n += 1 } }
                return "\(n) of \(segment.docCount) docs' terms"
            }
            let line = Array("seed index: champion lists in \(lists); \(seeded) of \(keywordQueries.count) keyword queries seeded at top 10\n".utf8)
            _ = line.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
            try IndexFuzzing.differential(reader, keywordQueries)
        } catch {
            fatalError("building the seed index in \(directory): \(error)")
        }
    }

    /// Builds the seed index (see the type's comment); `IndexFuzzRegressionTests.championSeedIndex`
    /// builds the same.
    static func build(_ directory: String) throws {
        let xml = ["NCT00001070", "NCT00001981", "NCT00501553", "NCT04556630"].map { fixtures + "/ctgov-xml/\($0).xml" }
        let studies = try read(paths: [corpus + "/ctgov-json.zip"])
        precondition(studies.count >= 180, "\(studies.count) studies in Corpus/ctgov-json.zip")
        try commit(directory, trials: read(paths: xml) + studies[0..<110], deleting: [])
        try commit(directory, trials: read(paths: [fixtures + "/ctgov-json/NCT02385136.json"]) + studies[110..<180],
                   deleting: [TrialID("NCT00501553"), studies[5].id].compactMap { $0 })
    }

    /// The repository's `Corpus`.
    static var corpus: String { fixtures.dropLast("Tests/Fixtures".count) + "Corpus" }

    /// The trials of `paths`, in input order; every record must read.
    static func read(paths: [String]) throws -> [Trial] {
        var trials: [Trial] = []
        var failures = 0
        try DumpReader(paths: paths).readInOrder(workers: 1) {
            if case .success(let trial) = $0 { trials.append(trial) } else { failures += 1 }
        }
        precondition(failures == 0, "seed records of \(paths): \(failures) failed")
        return trials
    }

    static func commit(_ directory: String, trials: [Trial], deleting: [TrialID]) throws {
        let writer = try IndexWriter(directory: directory, options: IndexWriterOptions(workerCount: 1))
        let worker = writer.makeWorker()
        for (k, trial) in trials.enumerated() { try worker.add(trial, sequence: k) }
        try worker.finish()
        writer.delete(deleting)
        _ = try writer.commit()
    }

    static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw IndexError.system("open", path) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    static func write(_ bytes: [UInt8], to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        precondition(fd >= 0, "open \(path): errno \(errno)")
        defer { close(fd) }
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        precondition(n == bytes.count, "write \(path): \(n) of \(bytes.count) bytes")
    }

    /// The seed inputs: each file's body with its selector (framed mode).
    public func seeds() -> [[UInt8]] {
        (files + [IndexFormat.manifestName]).enumerated().map { k, name in
            let bytes = name == IndexFormat.manifestName ? manifestBytes : originals[name] ?? []
            return [UInt8(k)] + Array(bytes[headerLength(name)..<(bytes.count - IndexFormat.footerLength)])
        }
    }

    func headerLength(_ name: String) -> Int {
        let formatName = name == IndexFormat.manifestName ? Manifest.formatName
            : SegmentFile.allCases.first { name.hasSuffix("." + $0.rawValue) }?.formatName ?? ""
        return IndexOutput.headerLength(formatName: formatName)
    }

    /// Writes `body` to `name` the way the writers frame it (`IndexOutput`: header with the file's
    /// format name and segment id, CRC-32 footer).
    func writeFramed(_ body: UnsafeRawBufferPointer, name: String) throws {
        let path = FileSystem.join(directory, name)
        unlink(path)
        let isManifest = name == IndexFormat.manifestName
        let formatName = isManifest ? Manifest.formatName : SegmentFile.allCases.first { name.hasSuffix("." + $0.rawValue) }?.formatName ?? ""
        let segmentID = isManifest ? 0 : manifest.segments.first { name.hasPrefix($0.name) }?.id ?? 0
        let output = try IndexOutput(path: path, formatName: formatName, segmentID: segmentID)
        try output.write(body)
        _ = try output.finish()
    }

    public func run(_ input: UnsafeRawBufferPointer) {
        guard let selector = input.first else { return }
        let all = files + [IndexFormat.manifestName]
        let name = all[Int(selector & 0x7F) % all.count]
        let path = FileSystem.join(directory, name)
        let body = UnsafeRawBufferPointer(rebasing: input.dropFirst())
        let original = name == IndexFormat.manifestName ? manifestBytes : originals[name] ?? []
        if selector & 0x80 != 0 {
            IndexFuzzing.write(Array(body), to: path)
        } else {
            do {
                try writeFramed(body, name: name)
                if name != IndexFormat.manifestName { try manifest.commit(directory: directory) }
            } catch {
                preconditionFailure("framing the input: \(error)")
            }
        }
        exercise()
        IndexFuzzing.write(original, to: path)
        IndexFuzzing.write(manifestBytes, to: FileSystem.join(directory, IndexFormat.manifestName))
    }

    /// Opens, searches, reads every live record and walks the index; only `IndexError`s naming a file
    /// of the index may come out.
    func exercise() {
        do {
            let reader = try IndexReader.open(directory: directory)
            let searcher = try IndexSearcher(reader: reader)
            for text in IndexFuzzing.queries {
                let hits = try searcher.search(WeightedQuery(parser.parse(text)), options: SearchOptions(limit: 20))
                for hit in hits.hits { _ = try searcher.trial(hit) }
            }
            for query in keywordQueries {
                for limit in [10, 1_000] { _ = try searcher.search(query, options: SearchOptions(limit: limit)) }
            }
            for segment in reader.segments {
                for d in 0..<segment.docCount where segment.isLive(DocID(d)) {
                    _ = segment.trialID(DocID(d))
                    _ = try segment.trial(DocID(d))
                }
            }
        } catch let error as IndexError {
            check(error)
        } catch {
            preconditionFailure("not an IndexError: \(error)")
        }
        do {
            let report = try IndexCheck.run(directory: directory)
            for problem in report.problems { precondition(problem.file.hasPrefix(directory), "problem without a file: \(problem)") }
            guard report.isClean else { return }
            // Sound by `check`: the pruned searches must be exact.
            let reader: IndexReader
            do { reader = try IndexReader.open(directory: directory) } catch { return }
            try IndexFuzzing.differential(reader, keywordQueries)
        } catch let error as IndexError {
            check(error)
        } catch {
            preconditionFailure("check: not an IndexError: \(error)")
        }
    }

    func check(_ error: IndexError) {
        let text = "\(error)"
        precondition(text.contains(directory), "an index error that names no file of the index: \(text)")
    }

    /// Keyword queries over `reader`'s terms: terms of more than `IndexFormat.championMinimumDocs` docs
    /// in a segment (champion lists) and terms of 8 to 64 docs (walked by the seed), alone, in twos,
    /// threes and fours, and four pairs with one term restricted to a field; deterministic.
    static func keywordQueries(_ reader: IndexReader) -> [WeightedQuery] {
        var frequent = Set<String>(), rare = Set<String>()
        for segment in reader.segments {
            var terms = segment.terms.makeTermsEnum()
            while terms.next() {
                let docFreq = terms.info.docFreq
                guard terms.term.allSatisfy({ $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }), terms.term.count > 2 else { continue }
                let text = String(decoding: terms.term, as: UTF8.self)
                if docFreq > IndexFormat.championMinimumDocs { frequent.insert(text) } else if docFreq >= 8 { rare.insert(text) }
            }
        }
        let f = spread(frequent.sorted(), 10), r = spread(rare.sorted(), 6)
        precondition(f.count >= 4 && r.count >= 2, "seed index terms: \(f.count) with champion lists, \(r.count) rarer")
        let term = { (text: String) in WeightedClause(match: .term(text)) }
        var queries: [[String]] = f.map { [$0] } + r.prefix(2).map { [$0] }
        for i in f.indices { queries.append([f[i], f[(i + 3) % f.count]]) }
        for i in r.indices { queries.append([r[i], f[i % f.count]]) }
        for i in stride(from: 0, to: f.count, by: 2) { queries.append([f[i], f[(i + 1) % f.count], r[i % r.count]]) }
        for i in stride(from: 0, to: f.count, by: 3) { queries.append([f[i], f[(i + 5) % f.count], r[(i + 1) % r.count], f[(i + 7) % f.count]]) }
        // And a few restricted to a field (a champion counts only with the term in it).
        let restricted = [Field.title, .condition, .summary, .eligibility].enumerated().map { k, field in
            WeightedQuery(clauses: [WeightedClause(field: field, match: .term(f[k])), term(f[(k + 2) % f.count])])
        }
        return queries.map { WeightedQuery(clauses: $0.map(term)) } + restricted
    }

    /// `count` elements of `sorted` spread evenly.
    static func spread(_ sorted: [String], _ count: Int) -> [String] {
        guard sorted.count > count else { return sorted }
        return (0..<count).map { sorted[$0 * sorted.count / count] }
    }

    /// The differential property: at every `keywordLimits` limit each of `queries` returns the
    /// exhaustive search's hits (ids and score bits), and at top 10 or less the champion seed
    /// (`ChampionSeed.lowerBound`) is below the exhaustive k-th score. A violation stops the run.
    static func differential(_ reader: IndexReader, _ queries: [WeightedQuery]) throws {
        let searcher = try IndexSearcher(reader: reader)
        for query in queries {
            for limit in keywordLimits {
                let exhaustive = try searcher.search(query, options: SearchOptions(limit: limit, exhaustive: true)).hits
                let pruned = try searcher.search(query, options: SearchOptions(limit: limit)).hits
                precondition(pruned.map(\.id) == exhaustive.map(\.id)
                             && pruned.map(\.score.bitPattern) == exhaustive.map(\.score.bitPattern),
                             "\(query) at \(limit): pruned \(pruned.map { "\($0.id) \($0.score)" }) vs exhaustive "
                             + "\(exhaustive.map { "\($0.id) \($0.score)" })")
                guard limit <= IndexFormat.championCount else { continue }
                let seed = try championSeed(reader, query, limit: limit, model: searcher.model)
                let kth = exhaustive.count == limit ? exhaustive[limit - 1].score : -Float.infinity
                precondition(seed < kth || seed == -.infinity, "\(query) at \(limit): champion seed \(seed) above the \(limit)th score \(kth)")
            }
        }
    }

    /// `ChampionSeed.lowerBound` of `query` at `limit` over `reader`, as the searcher computes it.
    static func championSeed(_ reader: IndexReader, _ query: WeightedQuery, limit: Int, model: ScoringModel? = nil) throws -> Float {
        let model = try model ?? IndexSearcher(reader: reader).model
        let prepared = try PreparedQuery(query, reader: reader, model: model)
        let queries = reader.segments.compactMap { segment in
            prepared.segmentQuery(segment, model: model, options: SearchOptions(limit: limit), make: { match -> TermScorer? in
                guard case let .term(weight, resolved) = match else { return nil }
                return PreparedQuery.termScorer(weight, resolved, segment: segment, model: model)
            })
        }
        return try ChampionSeed.lowerBound(queries, limit: limit)
    }

    /// A systematic pass over the champion lists (`FUZZ_INDEX_SWEEP=1`), which random mutations of a
    /// whole postings file reach seldom: every byte of every list of the seed index (its champions and
    /// its length) set in turn to six other values (bit 0 and bit 7 flipped, ±1, 0x00, 0xFF), framed and
    /// recommitted as a fuzz input is; each damaged index is opened and its keyword queries searched
    /// (seeded and exhaustive); when they differ (or the seed is above the k-th score) and `check`
    /// finds nothing wrong, the input is written to `folder` as a fuzz input (`selector body`) and
    /// counted. Returns the cases, the opened ones, those whose searches differed (all found by `check`
    /// unless violations), and the violations.
    public func sweepChampionLists(writingViolationsTo folder: String) -> (cases: Int, searched: Int, differed: Int, violations: Int) {
        var cases = 0, searched = 0, differed = 0, violations = 0
        guard let reader = try? IndexReader.open(directory: directory) else { preconditionFailure("the seed index does not open") }
        for segment in reader.segments {
            let name = String(segment.postingsFile.path.split(separator: "/").last ?? "")
            guard let selector = files.firstIndex(of: name), let original = originals[name] else { continue }
            var regions: [Range<Int>] = []
            var terms = segment.terms.makeTermsEnum()
            while terms.next() {
                let info = terms.info, end = info.postingsOffset + info.postingsLength
                guard info.docFreq > IndexFormat.championMinimumDocs else { continue }
                let length = Int(original[end - 2]) | Int(original[end - 1]) << 8
                regions.append((end - 2 - length)..<end)
            }
            let header = headerLength(name), footer = original.count - IndexFormat.footerLength
            for region in regions {
                for position in region {
                    let byte = original[position]
                    for value in Set([byte ^ 1, byte ^ 0x80, byte &+ 1, byte &- 1, 0, 0xFF]) where value != byte {
                        cases += 1
                        var body = Array(original[header..<footer])
                        body[position - header] = value
                        let outcome = damaged(name, body)
                        if outcome.searched { searched += 1 }
                        if outcome.differed { differed += 1 }
                        if let violation = outcome.violation {
                            violations += 1
                            IndexFuzzing.write([UInt8(selector)] + body, to: folder + "/violation-\(name)-\(position)-\(value)")
                            let line = Array("\(name) byte \(position) \(byte) -> \(value): \(violation)\n".utf8)
                            _ = line.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
                        }
                    }
                }
            }
        }
        return (cases, searched, differed, violations)
    }

    /// `name` with `body`, framed and recommitted, opened and searched; whether the searches ran, whether
    /// a pruned search differed from the exhaustive one (or the seed was above the k-th score), and such
    /// a violation of the differential property that `check` does not explain. Restores the index.
    func damaged(_ name: String, _ body: [UInt8]) -> (searched: Bool, differed: Bool, violation: String?) {
        defer {
            IndexFuzzing.write(originals[name] ?? [], to: FileSystem.join(directory, name))
            IndexFuzzing.write(manifestBytes, to: FileSystem.join(directory, IndexFormat.manifestName))
        }
        do {
            try body.withUnsafeBytes { try writeFramed($0, name: name) }
            try manifest.commit(directory: directory)
        } catch {
            preconditionFailure("framing the input: \(error)")
        }
        var mismatch: String? = nil
        do {
            let reader = try IndexReader.open(directory: directory)
            let searcher = try IndexSearcher(reader: reader)
            outer: for query in keywordQueries {
                for limit in IndexFuzzing.keywordLimits {
                    let exhaustive = try searcher.search(query, options: SearchOptions(limit: limit, exhaustive: true)).hits
                    let pruned = try searcher.search(query, options: SearchOptions(limit: limit)).hits
                    if pruned.map(\.id) != exhaustive.map(\.id) || pruned.map(\.score.bitPattern) != exhaustive.map(\.score.bitPattern) {
                        mismatch = "\(query) at \(limit): pruned \(pruned.map(\.score)) vs exhaustive \(exhaustive.map(\.score))"
                        break outer
                    }
                    guard limit <= IndexFormat.championCount else { continue }
                    let seed = try IndexFuzzing.championSeed(reader, query, limit: limit, model: searcher.model)
                    let kth = exhaustive.count == limit ? exhaustive[limit - 1].score : -Float.infinity
                    if !(seed < kth || seed == -.infinity) { mismatch = "\(query) at \(limit): seed \(seed) vs \(kth)"; break outer }
                }
            }
        } catch let error as IndexError {
            check(error)
            return (false, false, nil)
        } catch {
            preconditionFailure("not an IndexError: \(error)")
        }
        guard let mismatch else { return (true, false, nil) }
        let clean = (try? IndexCheck.run(directory: directory).isClean) ?? false
        return (true, true, clean ? mismatch : nil)
    }
}
