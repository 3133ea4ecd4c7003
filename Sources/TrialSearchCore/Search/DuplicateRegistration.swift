/// Evidence that two records are one trial registered twice (in two registries, or under two ids):
/// what `trialsearch related` reports as "possible duplicate registration".
///
/// Two kinds of evidence, either suffices:
/// - **Shared id**: one record's id is among the other's secondary ids, or both list the same secondary
///   id. Ids compare case-insensitively on letters and digits only (`ChiCTR-2000029953` =
///   `ChiCTR2000029953`); a secondary id counts only with at least 6 such characters and a digit, so
///   that generic org-study ids such as "1" or "Pilot" do not match.
/// - **Near-identical text**: the Jaccard similarity of the two records' sets of word 3-shingles
///   (consecutive analyzed terms) of title and brief summary is at least `textThreshold` (0.6 by
///   default, set where the ClinicalTrials.gov and ChiCTR registrations of one COVID-19 study score
///   0.7–0.9 and distinct trials of one sponsor on one drug stay below 0.4), with at least 8 shingles
///   on each side.
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
    public static let textThreshold = 0.6
    static let minimumShingles = 8

    /// The evidence that `a` and `b` are one trial, or nil when there is none.
    /// - Complexity: O(length of their titles and summaries).
    public static func compare(_ a: Trial, _ b: Trial, analyzer: Analyzer) -> DuplicateRegistration? {
        var evidence: [Evidence] = []
        if let id = sharedID(a, b) { evidence.append(.sharedID(id)) }
        let similarity = textSimilarity(a, b, analyzer: analyzer)
        if similarity >= textThreshold { evidence.append(.nearIdenticalText(similarity: similarity)) }
        return evidence.isEmpty ? nil : DuplicateRegistration(evidence: evidence)
    }

    /// Letters and digits, uppercased; nil unless it could identify a trial (≥ 6 characters, a digit).
    static func idKey(_ id: String) -> String? {
        let kept = id.uppercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }
        let key = String(String.UnicodeScalarView(kept))
        guard key.count >= 6, key.contains(where: \.isNumber) else { return nil }
        return key
    }

    /// An id the two records share, as the first record writes it.
    static func sharedID(_ a: Trial, _ b: Trial) -> String? {
        var bKeys: [String: String] = [:]
        for id in [b.id.rawValue] + b.secondaryIds { if let k = idKey(id) { bKeys[k] = id } }
        let aOwn = idKey(a.id.rawValue)
        for id in [a.id.rawValue] + a.secondaryIds {
            guard let k = idKey(id), let other = bKeys[k] else { continue }
            // The two primary ids are different trials by construction; a match involves a secondary id.
            if k == aOwn && other == b.id.rawValue { continue }
            return id
        }
        return nil
    }

    /// Jaccard similarity of the word 3-shingles of title and brief summary (0 with too few shingles).
    public static func textSimilarity(_ a: Trial, _ b: Trial, analyzer: Analyzer) -> Double {
        let sa = shingles(a, analyzer: analyzer), sb = shingles(b, analyzer: analyzer)
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
