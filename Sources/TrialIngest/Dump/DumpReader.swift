#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import TrialSearchCore

/// Reads any mix of registry dumps (files, folders, zip archives; every format `FormatSniffer`
/// recognizes) into `Trial`s, in parallel, one error per bad record.
///
/// The parallel read: `workers` threads each take the next unit of work from a shared `WorkQueue` (a
/// single-record file, a zip entry, or one record of a multi-record file), parse it with their own
/// `RecordDecoder` (own libxml2 context, own buffers), and hand each result to the consumer:
/// - `read(workers:progress:_:)` calls `body(worker, result)` on the worker threads as results come,
///   in no particular order: for building index segments, one per worker.
/// - `read(workers:progress:_:workerDone:restart:)` does the same with each worker taking consecutive
///   JSON Lines ranges (and zip entries) from its own region of the input (`RangeLedger.Mode.regions`,
///   `WorkQueue`), so that a worker's records come in long runs of input order; should that speculative read prove wrong, the
///   consumer discards it (`restart`) and the input is read again.
/// - `readInOrder(workers:progress:_:)` calls `body(result)` on the calling thread in input order
///   (files in the order listed, entries in archive order, records in file order) through a reorder
///   step: for `trialsearch convert`, whose output must not depend on thread timing.
///
/// Input order: the paths as given; a folder's files recursively, sorted by name (byte order), hidden
/// names (starting with ".") and README files skipped, symbolic links to folders not followed. Memory stays bounded by
/// the largest record (times the number of workers and, in order, the reorder window), not by the
/// dump: archives are read entry by entry with `pread`, multi-record files record by record.
///
/// Limits (`IngestOptions`): record, entry and compression-ratio sizes, archive nesting, XML and JSON
/// nesting, folder depth, reorder window. Exceeding one is an error for that record, entry or file.
public struct DumpReader: Sendable {
    public let options: IngestOptions
    /// Every file to read, in input order (folders expanded).
    public let files: [String]
    /// The total size of `files` in bytes.
    public let totalBytes: Int
    /// The size of the ranges a JSON Lines input is cut in for the workers (`JSONRange`); 0 cuts every
    /// JSON input with one serial `RecordSplitter` (tests compare the two).
    @_spi(Testing) public var jsonRangeBytes = JSONRange.defaultBytes
    /// Tests: the fewest entries of a zip archive's region in a regions read (`WorkQueue`).
    @_spi(Testing) public var zipRegionEntries = WorkQueue.defaultRegionEntries
    /// Tests: a read with `restart` reports its speculation failed once, after reading everything, so
    /// that the consumer discards it and the input is read again.
    @_spi(Testing) public var forcesRestart = false

    /// Lists the inputs.
    /// - Throws: `IngestError.pathNotFound` when a path does not exist or a folder cannot be listed:
    ///   nothing is read then (bad usage, not bad data).
    public init(paths: [String], options: IngestOptions = IngestOptions()) throws(IngestError) {
        self.options = options
        var files: [String] = []
        var total = 0
        for path in paths {
            try DumpReader.collect(path, depth: 0, options: options, into: &files, total: &total, given: true)
        }
        self.files = files
        self.totalBytes = total
    }

    /// Reads everything, calling `body(worker, result)` on the worker threads (concurrently, in no
    /// particular order). Returns when every input has been read.
    /// - Parameter workers: the number of threads (at least 1).
    public func read(workers: Int, progress: IngestProgress? = nil,
                     _ body: @Sendable (_ worker: Int, _ result: Result<Trial, IngestError>) -> Void) {
        read(workers: workers, progress: progress, { worker, _, result in body(worker, result) }, workerDone: { _ in })
    }

    /// Reads everything, calling `body(worker, order, result)` on the worker threads (concurrently, in
    /// no particular order) with each result's place in input order, and `workerDone(worker)` on each
    /// worker thread after its last result. Returns when every input has been read.
    ///
    /// For consumers that do their own work per result on the parsing thread (an index worker per
    /// thread: no hand-off between threads) and need input order only to settle ties afterwards.
    /// JSON Lines ranges go to the workers in turn (`RangeLedger.Mode.inOrder`).
    /// - Parameter workers: the number of threads (at least 1).
    public func read(workers: Int, progress: IngestProgress? = nil,
                     _ body: @Sendable (_ worker: Int, _ order: RecordOrder, _ result: Result<Trial, IngestError>) -> Void,
                     workerDone: @Sendable (_ worker: Int) -> Void) {
        _ = readOnce(workers: workers, regions: false, progress: progress, body, workerDone: workerDone)
    }

    /// Reads everything as `read(workers:progress:_:workerDone:)` does, but each worker takes consecutive
    /// JSON Lines ranges, and consecutive entries of a zip archive of at least `zipRegionEntries` entries
    /// a worker, from its own part of the input (`RangeLedger.Mode.regions`, `WorkQueue`): its records come
    /// in runs of input order (a worker's index segment compresses as one worker's would), emitted
    /// before the other parts are scanned. When that speculation turns out wrong (an input whose
    /// values span lines or do not end, found in an earlier part after a later part's records were
    /// given), every result given so far is void: `restart()` is called on the calling thread, once the
    /// workers are done (each has had its `workerDone`), for the consumer to discard them, and the input
    /// is read again with the ranges taken in turn, from the start (`progress` counted again). The
    /// results, their orders and their errors are the same either way.
    public func read(workers: Int, progress: IngestProgress? = nil,
                     _ body: @Sendable (_ worker: Int, _ order: RecordOrder, _ result: Result<Trial, IngestError>) -> Void,
                     workerDone: @Sendable (_ worker: Int) -> Void, restart: () -> Void) {
        if workers > 1, !readOnce(workers: workers, regions: true, progress: progress, body, workerDone: workerDone) {
            progress?.restart()
            restart()
            _ = readOnce(workers: workers, regions: false, progress: progress, body, workerDone: workerDone)
        } else if workers == 1 {
            _ = readOnce(workers: workers, regions: false, progress: progress, body, workerDone: workerDone)
        }
    }

    /// One read of everything; false when its JSON ranges' speculation failed (`regions`).
    private func readOnce(workers: Int, regions: Bool, progress: IngestProgress?,
                          _ body: @Sendable (_ worker: Int, _ order: RecordOrder, _ result: Result<Trial, IngestError>) -> Void,
                          workerDone: @Sendable (_ worker: Int) -> Void) -> Bool {
        precondition(workers >= 1, "workers \(workers)")
        let queue = WorkQueue(files: files, options: options, rangeBytes: jsonRangeBytes, regions: regions ? workers : 0,
                              regionEntries: zipRegionEntries)
        let options = self.options
        withoutActuallyEscaping(body) { body in
            withoutActuallyEscaping(workerDone) { workerDone in
                runThreads(workers) { worker in
                    let decoder = RecordDecoder(options: options)
                    // Ranges whose failures wait for their record numbers (`RecordDecoder.decodeRange`).
                    var deferred: [(JSONRange, unit: Int)] = []
                    while let unit = queue.next(worker: worker) {
                        var index = 0
                        if case .range(let range) = unit.kind {
                            let done = decoder.decodeRange(range, emit: { result in
                                progress?.count(result)
                                body(worker, RecordOrder(unit: unit.sequence, index: index), result)
                                index += 1
                            }, skip: { index += 1 })
                            if done.deferred { deferred.append((range, unit.sequence)) }
                            progress?.add(bytes: done.bytes, content: done.content)
                        } else {
                            let done = DumpReader.process(unit, decoder) { result in
                                progress?.count(result)
                                body(worker, RecordOrder(unit: unit.sequence, index: index), result)
                                index += 1
                            }
                            progress?.add(bytes: done.bytes, content: done.content)
                        }
                    }
                    // Every range is published by now (the queue hands out nothing more until an
                    // input's ranges are all known, or its speculation failed).
                    for (range, unit) in deferred {
                        decoder.decodeRangeFailures(range) { index, result in
                            progress?.count(result)
                            body(worker, RecordOrder(unit: unit, index: index), result)
                        }
                    }
                    workerDone(worker)
                }
            }
        }
        progress?.finish()
        if regions && forcesRestart { return false }
        return !queue.speculationFailed
    }

    /// Reads everything, calling `body(result)` on the calling thread in input order. Returns when
    /// every input has been read.
    /// - Parameter workers: the number of parsing threads (at least 1).
    public func readInOrder(workers: Int, progress: IngestProgress? = nil,
                            _ body: (_ result: Result<Trial, IngestError>) -> Void) {
        precondition(workers >= 1, "workers \(workers)")
        // Smaller JSON ranges: the reorder window counts units, and a range is one.
        let queue = WorkQueue(files: files, options: options, rangeBytes: min(jsonRangeBytes, JSONRange.inOrderBytes))
        let reorder = ReorderBuffer(window: options.reorderWindow)
        let options = self.options
        let threads = ThreadGroup.start(workers) { _ in
            let decoder = RecordDecoder(options: options)
            while let unit = queue.next(worker: 0) {
                reorder.waitForRoom(unit.sequence)
                let done = DumpReader.process(unit, decoder) { result in
                    progress?.count(result)
                    reorder.append(unit.sequence, result)
                }
                reorder.finish(unit.sequence)
                progress?.add(bytes: done.bytes, content: done.content)
            }
            reorder.workerDone(unitCount: queue.unitCount)
        }
        if threads.count == 0 {
            // No thread could be started: read on this thread, already in order.
            let decoder = RecordDecoder(options: options)
            while let unit = queue.next(worker: 0) {
                let done = DumpReader.process(unit, decoder) { result in
                    progress?.count(result)
                    body(result)
                }
                progress?.add(bytes: done.bytes, content: done.content)
            }
        } else {
            reorder.drain(workers: threads.count, body)
        }
        threads.join()
        progress?.finish()
    }

    /// Decodes `unit`; returns the input bytes and record bytes it accounts for (progress).
    private static func process(_ unit: WorkUnit, _ decoder: RecordDecoder,
                                _ emit: (Result<Trial, IngestError>) -> Void) -> (bytes: Int, content: Int) {
        switch unit.kind {
        case .range(let range):
            // Ranges taken in turn always know their first record: nothing is held back.
            let done = decoder.decodeRange(range, emit: emit, skip: {})
            return (done.bytes, done.content)
        case .file(let file, let kind):
            decoder.decodeFile(file, kind: kind, emit: emit)
        case .entry(let archive, let index):
            decoder.decodeEntry(index, of: archive, depth: 1, emit: emit)
        case .record(let record, let grammar, let encoding, let file):
            decoder.decodeRecord(record, grammar: grammar, encoding: encoding, file: file, entry: "", emit: emit)
        case .failure(let error):
            emit(.failure(error))
        }
        return (unit.bytes, unit.contentBytes)
    }

    // MARK: - Listing

    /// Documentation that dump folders carry (`README`, `README.md`, `readme.txt`): skipped when a
    /// folder is listed, read when given explicitly.
    static func isReadme(_ name: String) -> Bool {
        let base = name.split(separator: ".", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        return base == "readme"
    }

    private static func collect(_ path: String, depth: Int, options: IngestOptions, into files: inout [String],
                                total: inout Int, given: Bool) throws(IngestError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if given { throw .pathNotFound(path: path, reason: systemError()) }
            return  // a dangling link inside a folder
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            guard depth <= options.maxFolderDepth else { return }
            guard let directory = opendir(path) else {
                throw .pathNotFound(path: path, reason: systemError())
            }
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name.hasPrefix(".") || DumpReader.isReadme(name) { continue }
                names.append(name)
            }
            closedir(directory)
            names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for name in names {
                let child = path.hasSuffix("/") ? path + name : path + "/" + name
                // Do not follow links to folders (cycles); links to files are read.
                var linkInfo = stat()
                if lstat(child, &linkInfo) == 0, (linkInfo.st_mode & S_IFMT) == S_IFLNK {
                    var target = stat()
                    if stat(child, &target) == 0, (target.st_mode & S_IFMT) == S_IFDIR { continue }
                }
                try collect(child, depth: depth + 1, options: options, into: &files, total: &total, given: false)
            }
        } else {
            files.append(path)
            total += Int(info.st_size)
        }
    }
}
