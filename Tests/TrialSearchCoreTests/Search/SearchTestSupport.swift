#if canImport(Glibc)
import Glibc
#endif
@testable import TrialSearchCore

/// A synthetic multi-segment index with some deleted trials, built once per test process and removed
/// when the process exits (`atexit`: a static is never deinitialized).
final class SyntheticSearchIndex: Sendable {
    static let shared: SyntheticSearchIndex? = {
        let index = try? SyntheticSearchIndex()
        if index != nil { atexit { SyntheticSearchIndex.shared?.directory.remove() } }
        return index
    }()

    let directory: TemporaryDirectory
    let trials: [Trial]
    let deleted: Set<TrialID>
    let reader: IndexReader

    init() throws {
        let directory = TemporaryDirectory("search")
        self.directory = directory
        do {
            let trials = SyntheticTrials.make(count: 2_400, seed: 2024)
            self.trials = trials
            let deleting = stride(from: 5, to: trials.count, by: 37).map { trials[$0].id }
            deleted = Set(deleting)
            // Two commits of two workers each: four segments, so statistics must be global. No merges.
            let noMerges = MergePolicy(mergeFactor: 1_000)
            let options = IndexWriterOptions(workerCount: 2, mergePolicy: noMerges)
            let half = trials.count / 2
            try indexTrials(Array(trials[..<half]), into: directory.path, options: options, workers: 2)
            try indexTrials(Array(trials[half...]), into: directory.path, options: options, workers: 2)
            // Deletes apply to committed trials: a second commit.
            let summary = try indexTrials([], into: directory.path, options: IndexWriterOptions(mergePolicy: noMerges),
                                          deleting: deleting)
            precondition(summary.deleted == deleting.count, "deleted \(summary.deleted) of \(deleting.count)")
            reader = try IndexReader.open(directory: directory.path)
        } catch {
            directory.remove()
            throw error
        }
    }
}

/// Random queries over the synthetic vocabulary: terms frequent and rare, phrases taken from real
/// text of the trials (so that they match), alternatives, field restrictions, boosts and filters.
struct RandomQueries {
    var rng: SeededRandom
    let trials: [Trial]

    init(seed: UInt64, trials: [Trial]) {
        rng = SeededRandom(seed: seed)
        self.trials = trials
    }

    mutating func int(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }

    mutating func word() -> String {
        // Half frequent (small indices), half anywhere in the vocabulary.
        let v = SyntheticTrials.vocabulary
        return int(2) == 0 ? v[int(20)] : v[int(v.count)]
    }

    /// Two or three consecutive words of some trial's summary.
    mutating func phrase() -> QueryMatch {
        for _ in 0..<10 {
            let words = trials[int(trials.count)].briefSummary.split(separator: " ").map(String.init)
            guard words.count >= 3 else { continue }
            let length = 2 + int(2)
            let start = int(words.count - length + 1)
            return .phrase((0..<length).map { PhraseTerm(term: words[start + $0], position: Int32($0)) })
        }
        return .term(word())
    }

    mutating func match() -> QueryMatch {
        switch int(10) {
        case 0, 1: return phrase()
        case 2: return .anyOf([.term(word()), phrase()])
        default: return .term(word())
        }
    }

    mutating func clause(occur: WeightedClause.Occur) -> WeightedClause {
        let fields: [Field?] = [nil, nil, nil, .title, .summary, .description, .eligibility, .condition]
        let boosts = [1.0, 1.0, 0.5, 2.0, 0.25, 3.5]
        return WeightedClause(occur: occur, field: fields[int(fields.count)], match: match(), boost: boosts[int(boosts.count)])
    }

    mutating func query() -> WeightedQuery {
        var clauses: [WeightedClause] = []
        let count = 1 + int(int(3) == 0 ? 12 : 4)
        for _ in 0..<count {
            let r = int(10)
            clauses.append(clause(occur: r < 7 ? .should : r < 9 ? .must : .mustNot))
        }
        if !clauses.contains(where: { $0.occur != .mustNot }) { clauses.append(clause(occur: .should)) }
        return WeightedQuery(clauses: clauses)
    }

    mutating func filter() -> SearchFilter {
        switch int(6) {
        case 0: return SearchFilter(statuses: ["recruiting"])
        case 1: return SearchFilter(phases: [.phase2])
        case 2: return SearchFilter(countries: ["france", "Canada"])
        case 3: return SearchFilter(age: 10)
        default: return SearchFilter()
        }
    }
}

extension PreparedQuery {
    /// `segmentQuery` in `segment` with a `TermScorer` for each term clause (and no scorer for any other
    /// kind), as the scorer tests walk them.
    func termScorerQuery(_ segment: SegmentReader, model: ScoringModel,
                         options: SearchOptions = SearchOptions()) -> SegmentQuery<TermScorer>? {
        segmentQuery(segment, model: model, options: options, make: { match -> TermScorer? in
            guard case let .term(weight, resolved) = match else { return nil }
            return PreparedQuery.termScorer(weight, resolved, segment: segment, model: model)
        })
    }
}
