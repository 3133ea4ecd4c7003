/// Evidence that two records are one trial registered twice (in two registries, or under two ids):
/// what `trialsearch related` reports as "possible duplicate registration".
///
/// Two kinds of evidence, either suffices:
/// - **Shared id**: one record's own id is among the other's secondary ids, or both list the same
///   secondary id *of a trial registry* (an id whose prefix names a registry: `NCT`, `ChiCTR`, `ISRCTN`,
///   `EUCTR`, `ACTRN`, … see `TrialID.impliedRegistry`). Ids compare case-insensitively on letters and
///   digits only (`ChiCTR-2000029953` = `ChiCTR2000029953`). Grant and protocol numbers do not count: in
///   the shipped corpus 49 of them are shared by distinct trials (an NIH cancer-center grant such as
///   P30CA016672 is listed by 17).
/// - **Near-identical text**: the Jaccard similarity of the two records' sets of word 3-shingles
///   (consecutive analyzed terms) of title and brief summary is at least `textThreshold` (0.8), with at
///   least 8 shingles on each side. In the shipped corpus the most similar pair of distinct trials
///   scores 0.71 (two collagen-scaffold stem-cell trials of one group) and 8 pairs reach 0.6 (a
///   sponsor's sibling trials, cancelled ChiCTR records sharing a template), so the threshold sits
///   above them.
public struct DuplicateRegistration: Sendable, Hashable {
    public enum Evidence: Sendable, Hashable, CustomStringConvertible {
        /// `id` of `listedBy`'s record is listed among the other's secondary ids, or both list it.
        case sharedID(String)
        /// Title and summary word 3-shingles with Jaccard similarity `similarity`.
        case nearIdenticalText(similarity: Double)

        public var description: String {
            switch self {
            case let .sharedID(id): return "shared id \(id)"
            case let .nearIdenticalText(similarity):
                return "near-identical title and summary (similarity \(Explanation.format(Float(similarity))))"
            }
        }
    }

    public var evidence: [Evidence]

    /// Jaccard similarity of title+summary shingles at or above which two records are near-identical.
    public static let textThreshold = 0.8
    static let minimumShingles = 8

    /// The evidence that `a` and `b` are one trial, or nil when there is none.
    /// - Complexity: O(length of their titles and summaries).
    public static func compare(_ a: Trial, _ b: Trial, analyzer: Analyzer) -> DuplicateRegistration? {
        Reference(a, analyzer: analyzer).compare(b, analyzer: analyzer)
    }

    /// One record prepared for comparison with many (a related-trials source with each of its hits):
    /// its title and summary shingles are made once, not once per comparison (callgrind, 50 sources of
    /// `related --ids` on the 16x replica with the human output: `compare` re-analyzing the source
    /// for each of the ten hits was 8.5 M instructions a source).
    public struct Reference: Sendable {
        public let trial: Trial
        let shingles: Set<String>

        public init(_ trial: Trial, analyzer: Analyzer) {
            self.trial = trial
            shingles = DuplicateRegistration.shingles(trial, analyzer: analyzer)
        }

        /// `DuplicateRegistration.compare(trial, other, analyzer:)`.
        /// - Complexity: O(length of `other`'s title and summary).
        public func compare(_ other: Trial, analyzer: Analyzer) -> DuplicateRegistration? {
            var evidence: [Evidence] = []
            if let id = sharedID(trial, other) { evidence.append(.sharedID(id)) }
            let similarity = DuplicateRegistration.similarity(shingles, DuplicateRegistration.shingles(other, analyzer: analyzer))
            if similarity >= textThreshold { evidence.append(.nearIdenticalText(similarity: similarity)) }
            return evidence.isEmpty ? nil : DuplicateRegistration(evidence: evidence)
        }
    }

    /// Letters and digits, uppercased; nil unless it could identify a trial (≥ 6 characters, a digit).
    static func idKey(_ id: String) -> String? {
        let kept = id.uppercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }
        let key = String(String.UnicodeScalarView(kept))
        guard key.count >= 6, key.contains(where: \.isNumber) else { return nil }
        return key
    }

    /// An id that ties the two records, as the first record writes it: one's own id among the other's
    /// secondary ids, or a trial-registry id both list.
    static func sharedID(_ a: Trial, _ b: Trial) -> String? {
        let aOwn = idKey(a.id.rawValue), bOwn = idKey(b.id.rawValue)
        var bSecondary: [String: String] = [:]
        for id in b.secondaryIds { if let k = idKey(id) { bSecondary[k] = id } }
        if let aOwn, bSecondary[aOwn] != nil { return a.id.rawValue }
        for id in a.secondaryIds {
            guard let k = idKey(id) else { continue }
            if k == bOwn { return id }
            if bSecondary[k] != nil, TrialID(id)?.impliedRegistry != nil || k.hasPrefix("CHICTR") || k.hasPrefix("EUCTR") {
                return id
            }
        }
        return nil
    }

    /// Jaccard similarity of the word 3-shingles of title and brief summary (0 with too few shingles).
    public static func textSimilarity(_ a: Trial, _ b: Trial, analyzer: Analyzer) -> Double {
        similarity(shingles(a, analyzer: analyzer), shingles(b, analyzer: analyzer))
    }

    /// Jaccard similarity of two records' shingle sets (0 with too few shingles).
    static func similarity(_ sa: Set<String>, _ sb: Set<String>) -> Double {
        guard sa.count >= minimumShingles, sb.count >= minimumShingles else { return 0 }
        let common = sa.intersection(sb).count
        return Double(common) / Double(sa.count + sb.count - common)
    }

    static func shingles(_ trial: Trial, analyzer: Analyzer) -> Set<String> {
        var terms: [String] = []
        for text in [trial.briefTitle.isEmpty ? trial.officialTitle : trial.briefTitle, trial.briefSummary] {
            analyzer.analyze(text, field: .summary) { token in
                if !token.isDerived { terms.append(token.text) }
            }
        }
        var set = Set<String>()
        if terms.count >= 3 {
            for i in 0..<(terms.count - 2) { set.insert(terms[i] + " " + terms[i + 1] + " " + terms[i + 2]) }
        }
        return set
    }
}
