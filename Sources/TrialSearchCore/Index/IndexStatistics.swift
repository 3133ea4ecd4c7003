/// What `trialsearch stats` reports about an index.
public struct IndexStatistics: Sendable {
    /// Live trials.
    public var trials: Int
    /// Docs including deleted ones not yet merged away.
    public var docs: Int
    /// Live trials per registry.
    public var registries: [(name: String, trials: Int)]
    /// Distinct terms over all segments.
    public var terms: Int
    public var segments: Int
    /// Bytes of every index file.
    public var bytes: Int
    /// Bytes by file kind: the `SegmentFile` extensions and "manifest".
    public var bytesByKind: [(kind: String, bytes: Int)]
    public var analyzerFingerprint: String
    /// Unix seconds of the last commit.
    public var commitTime: Int64
    public var generation: Int

    /// Gathers the statistics of `reader`.
    /// - Complexity: O(docs + terms · segments).
    public init(reader: IndexReader) throws {
        trials = reader.liveDocCount
        docs = reader.docCount
        segments = reader.segments.count
        analyzerFingerprint = reader.manifest.analyzerFingerprint
        commitTime = reader.manifest.commitTime
        generation = reader.manifest.generation
        var byRegistry: [String: Int] = [:]
        for s in reader.segments {
            var counts = [Int](repeating: 0, count: s.docValues.registries.count)
            for d in 0..<s.docCount where s.isLive(DocID(d)) { counts[s.docValues.registryCode(DocID(d))] += 1 }
            for (code, n) in counts.enumerated() where n > 0 {
                byRegistry[s.docValues.registries[code].isEmpty ? "(unknown)" : s.docValues.registries[code], default: 0] += n
            }
        }
        registries = byRegistry.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { ($0.key, $0.value) }
        terms = try Self.distinctTerms(reader)
        var byKind: [String: Int] = [:]
        for s in reader.segments {
            for (kind, bytes) in s.files { byKind[kind.rawValue, default: 0] += bytes }
        }
        byKind["manifest"] = FileSystem.fileSize(FileSystem.join(reader.directory, IndexFormat.manifestName)) ?? 0
        bytesByKind = byKind.sorted { $0.value > $1.value }.map { ($0.key, $0.value) }
        bytes = byKind.values.reduce(0, +)
    }

    /// Distinct terms: the term count of a single segment, else a k-way merge of the dictionaries.
    static func distinctTerms(_ reader: IndexReader) throws -> Int {
        if reader.segments.count == 1 { return reader.segments[0].terms.termCount }
        var enums = reader.segments.map { $0.terms.makeTermsEnum() }
        var live = enums.indices.map { enums[$0].next() }
        var count = 0
        while true {
            var smallest = -1
            for i in enums.indices where live[i] {
                if smallest < 0 || enums[i].term.lexicographicallyPrecedes(enums[smallest].term) { smallest = i }
            }
            guard smallest >= 0 else { break }
            let term = enums[smallest].term
            count += 1
            for i in enums.indices where live[i] && enums[i].term == term {
                live[i] = enums[i].next()
                if enums[i].failed { throw reader.segments[i].terms.file.corrupt("term dictionary does not decode") }
            }
        }
        return count
    }
}
