import Foundation
import TrialSearchCore
import TrialSearchKit

/// `trialsearch-bench rank`: ranking quality of a `RankingConfiguration` on a relevance set, in
/// process, so that parameters can be compared quickly (tuning is done on `../shared/eval` only).
///
///     trialsearch-bench rank --index DIR --topics TSV --qrels QRELS [--limit N] [key=value...]
///     trialsearch-bench rank --index DIR --related IDS --qrels QRELS [--limit N] [key=value...]
///
/// `--run FILE` also writes the scored run in TREC format (per-query comparisons of two settings);
/// `--show ID` prints that topic's or source's query and top ten (for a source, each clause's boost and
/// doc freq too).
///
/// `--limit` (default 1,000, at least 10) is the depth of the scored run; `--limit 10` runs only the
/// top-10 searches (the work of `search --limit 10`, for callgrind).
/// Prints NDCG@10, P@10, recall@100 and MAP computed as `../shared/eval/score.py` does (gain = grade,
/// topics with at least one relevant judgment, unjudged = not relevant), and the median time of a top-10
/// search of each query (parse, rewrite, retrieve), and for topics the long queries' clauses and the sum
/// of their terms' doc freqs (the postings a search reads at most), over all topics and the median
/// topic's (for related trials, the same of the sources' queries). Overrides: `k1`, `b.FIELD`, `w.FIELD`, `similarity=tfidf`, `long.maxTerms`, `long.minTerms`,
/// `long.weightMass`, `long.relativeWeight`, `long.costDocFreqRatio`, `long.maxDocFreqRatio`, `long.countExponent`,
/// `long.dropNumbers`, `long.minimumWords`, `long.narrative`, `long.conditionPrior`, `long.firstBoost`,
/// `long.k1`, `long.b.FIELD`, `long.w.FIELD`, `mlt.k1`, `mlt.b.FIELD`, `mlt.sw.FIELD` (search-side weight),
/// `mlt.classicIDF`, `rescore.on`, `rescore.age`, `rescore.sex`, `mlt.maxTerms`,
/// `mlt.minDocFreq`, `mlt.maxDocFreqRatio`, `mlt.tfExponent`, `mlt.w.FIELD`, `mlt.minTerms`, `mlt.scoreMass`,
/// `mlt.relativeScore`, `mlt.costDocFreqRatio`, `mlt.costScore`.
enum RankingEvaluation {
    static func run(_ arguments: [String]) -> Int32 {
        let parsed = BenchArguments(arguments, options: ["--index", "--topics", "--related", "--qrels", "--show", "--limit", "--run"])
        let index = parsed["--index"] ?? "", topics = parsed["--topics"] ?? ""
        let related = parsed["--related"] ?? "", qrels = parsed["--qrels"] ?? ""
        let show = parsed["--show"], runPath = parsed["--run"]
        let limit = max(10, parsed["--limit"].flatMap { Int($0) } ?? 1000)
        var overrides: [(String, String)] = []
        for a in parsed.others {
            guard let eq = a.firstIndex(of: "=") else {
                print("rank: unknown argument \(a)")
                return 2
            }
            overrides.append((String(a[..<eq]), String(a[a.index(after: eq)...])))
        }
        do {
            var configuration = RankingConfiguration.default
            for (key, value) in overrides { try apply(key, value, to: &configuration) }
            let engine = try SearchEngine(directory: index, configuration: configuration)
            let judgments = qrels.isEmpty ? [:] : try readQrels(qrels)
            var run: [String: [String]] = [:]
            var latencies: [Double] = []
            var clauses = 0, postings: [Int] = []
            let options = SearchOptions(limit: limit)
            let top10 = SearchOptions(limit: 10)
            if !topics.isEmpty {
                for (qid, text) in try BatchInput.topics(path: topics) {
                    let start = WallClock.now
                    let first = try engine.search(text, options: top10)
                    latencies.append(WallClock.now - start)
                    let result = limit == 10 ? first : try engine.search(text, options: options)
                    run[qid] = result.hits.map(\.id.rawValue)
                    var notePostings = 0
                    for clause in first.query.query.clauses {
                        clauses += 1
                        if case let .term(term) = clause.match { notePostings += try engine.reader.docFreq(term) }
                    }
                    postings.append(notePostings)
                    if qid == show {
                        print("query: \(result.query.query)")
                        print("profile: \(result.query.profile.map(String.init(describing:)) ?? "none")")
                        for hit in result.hits.prefix(10) {
                            let trial = try engine.trial(for: hit)
                            print("\(judgments[qid]?[hit.id.rawValue].map(String.init) ?? "-") \(hit.id) \(hit.score) \(trial.displayTitle)")
                        }
                        for (id, grade) in (judgments[qid] ?? [:]).sorted(by: { $0.key < $1.key }) where grade > 0 {
                            let rank = result.hits.firstIndex { $0.id.rawValue == id }.map { String($0 + 1) } ?? "-"
                            print("relevant \(id) grade \(grade) rank \(rank)")
                        }
                    }
                }
            } else {
                for id in try BatchInput.ids(path: related) {
                    guard let trialID = TrialID(id) else { continue }
                    let start = WallClock.now
                    let first = try engine.related(to: trialID, options: top10)
                    latencies.append(WallClock.now - start)
                    let result = limit == 10 ? first : try engine.related(to: trialID, options: options)
                    run[id] = result.hits.map(\.id.rawValue)
                    var sourcePostings = 0
                    for clause in first.query.clauses {
                        clauses += 1
                        if case let .term(term) = clause.match { sourcePostings += try engine.reader.docFreq(term) }
                    }
                    postings.append(sourcePostings)
                    if id == show {
                        print("query: \(result.query)")
                        for clause in first.query.clauses {
                            if case let .term(term) = clause.match {
                                print("clause \(term) boost \(clause.boost) docFreq \(try engine.reader.docFreq(term))")
                            }
                        }
                        for hit in result.hits.prefix(10) {
                            let trial = try engine.trial(for: hit)
                            print("\(judgments[id]?[hit.id.rawValue].map(String.init) ?? "-") \(hit.id) \(hit.score) \(trial.displayTitle)")
                        }
                    }
                }
            }
            let m = measures(judgments, run)
            if let runPath { try writeRun(run, to: runPath) }
            latencies.sort()
            let median = latencies.isEmpty ? 0 : latencies[latencies.count / 2] * 1000
            print(String(format: "ndcg@10 %.4f  p@10 %.4f  recall@100 %.4f  map %.4f  (%d topics)  top-10 median %.3f ms",
                         m.ndcg, m.precision, m.recall, m.map, m.topics, median)
                  + (clauses > 0 ? "  clauses \(clauses)  postings \(postings.reduce(0, +)) (median \(postings.sorted()[postings.count / 2]))" : ""))
            return 0
        } catch {
            print("rank: \(error)")
            return 1
        }
    }

    /// The run in TREC format (`QID Q0 ID RANK SCORE TAG`, the score a descending count), queries sorted.
    static func writeRun(_ run: [String: [String]], to path: String) throws {
        var text = ""
        for (qid, ids) in run.sorted(by: { $0.key < $1.key }) {
            for (i, id) in ids.enumerated() { text += "\(qid) Q0 \(id) \(i + 1) \(ids.count - i) rank\n" }
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func apply(_ key: String, _ value: String, to c: inout RankingConfiguration) throws {
        guard let number = Double(value) ?? (value == "true" ? 1 : value == "false" ? 0 : nil) else {
            if key == "similarity" && value == "tfidf" {
                c = .tfidf
                return
            }
            throw RankingConfigurationError.invalid(parameter: key, value: .nan, expected: "a number")
        }
        func field(_ name: Substring) throws -> Field {
            guard let f = Field(name: name) else {
                throw RankingConfigurationError.invalid(parameter: key, value: number, expected: "a field name")
            }
            return f
        }
        let parts = key.split(separator: ".")
        // k1, b.FIELD, w.FIELD: keyword queries; long.k1 ...: long queries; mlt.k1, mlt.b.FIELD, mlt.sw.FIELD: related.
        func bm25(_ similarity: inout Similarity, _ parts: ArraySlice<Substring>) throws {
            guard case var .bm25f(p) = similarity else { return }
            switch parts.first {
            case "k1": p.k1 = number
            case "b": p.b[try field(parts[parts.startIndex + 1])] = number
            case "w" where parts.count == 2: p.weights[try field(parts[parts.startIndex + 1])] = number
            default: return
            }
            similarity = .bm25f(p)
        }
        if parts.first == "long" { try bm25(&c.longQuerySimilarity, parts.dropFirst()) }
        else if parts.first == "mlt" {
            if parts.count == 3, parts[1] == "sw" {
                if case var .bm25f(p) = c.relatedSimilarity { p.weights[try field(parts[2])] = number; c.relatedSimilarity = .bm25f(p) }
            } else { try bm25(&c.relatedSimilarity, parts.dropFirst()) }
        } else { try bm25(&c.similarity, parts[...]) }
        switch key {
        case "long.maxTerms": c.longQuery.maxTerms = Int(number)
        case "long.minTerms": c.longQuery.minTerms = Int(number)
        case "long.weightMass": c.longQuery.weightMass = number
        case "long.relativeWeight": c.longQuery.relativeWeight = number
        case "long.costDocFreqRatio": c.longQuery.costDocFreqRatio = number
        case "long.maxDocFreqRatio": c.longQuery.maxDocFreqRatio = number
        case "long.countExponent": c.longQuery.countExponent = number
        case "long.dropNumbers": c.longQuery.dropNumbers = number != 0
        case "long.minimumWords": c.longQuery.minimumWords = Int(number)
        case "long.conceptSelection": c.longQuery.conceptSelection = number
        case "long.conceptBoost": c.longQuery.conceptBoost = number
        case "long.dropJoined": c.longQuery.dropJoinedForms = number != 0
        case "long.dropNegated": c.longQuery.dropNegated = number != 0
        case "long.narrative": c.longQuery.dropNarrativeWords = number != 0
        case "long.conditionPrior": c.longQuery.conditionPrior = number
        case "long.firstBoost": c.longQuery.firstSentenceBoost = number
        case "long.minimumTermLength": c.longQuery.minimumTermLength = Int(number)
        case "mlt.classicIDF": c.moreLikeThis.classicSelectionIDF = number != 0
        case "mlt.dropNumbers": c.moreLikeThis.dropNumbers = number != 0
        case "mlt.minimumTermLength": c.moreLikeThis.minimumTermLength = Int(number)
        case "rescore.on": c.rescoring.usesPatientProfile = number != 0
        case "rescore.age": c.rescoring.ageMismatchFactor = number
        case "rescore.sex": c.rescoring.sexMismatchFactor = number
        case "mlt.maxTerms": c.moreLikeThis.maxQueryTerms = Int(number)
        case "mlt.minTerms": c.moreLikeThis.minQueryTerms = Int(number)
        case "mlt.scoreMass": c.moreLikeThis.scoreMass = number
        case "mlt.relativeScore": c.moreLikeThis.relativeScore = number
        case "mlt.costDocFreqRatio": c.moreLikeThis.costDocFreqRatio = number
        case "mlt.costScore": c.moreLikeThis.costScore = number
        case "mlt.minDocFreq": c.moreLikeThis.minDocFreq = Int(number)
        case "mlt.maxDocFreqRatio": c.moreLikeThis.maxDocFreqRatio = number
        case "mlt.tfExponent": c.moreLikeThis.tfExponent = number
        case "mlt.concept": c.moreLikeThis.conceptWeight = number
        case "mlt.descriptionShare": c.moreLikeThis.descriptionShare = number
        default:
            if parts.count == 3, parts[0] == "mlt", parts[1] == "w" { c.moreLikeThis.fieldWeights[try field(parts[2])] = number }
        }
    }

    static func readQrels(_ path: String) throws -> [String: [String: Int]] {
        var qrels: [String: [String: Int]] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(whereSeparator: \.isNewline) {
            let parts = line.split(whereSeparator: \.isWhitespace)
            guard parts.count >= 4, let grade = Int(parts[3]) else { continue }
            qrels[String(parts[0]), default: [:]][String(parts[2])] = grade
        }
        return qrels
    }

    /// score.py's measures: NDCG@10 (gain = grade), P@10, recall@100, MAP over topics with a relevant doc.
    static func measures(_ qrels: [String: [String: Int]], _ run: [String: [String]])
        -> (ndcg: Double, precision: Double, recall: Double, map: Double, topics: Int) {
        func dcg(_ gains: [Int]) -> Double {
            gains.enumerated().reduce(0) { $0 + Double($1.element) / log2(Double($1.offset) + 2) }
        }
        var ndcg = 0.0, precision = 0.0, recall = 0.0, map = 0.0
        let topics = qrels.filter { $0.value.values.contains { $0 > 0 } }
        for (topic, judged) in topics {
            let gains = (run[topic] ?? []).map { max(judged[$0] ?? 0, 0) }
            let ideal = judged.values.filter { $0 > 0 }.sorted(by: >)
            ndcg += dcg(Array(gains.prefix(10))) / dcg(Array(ideal.prefix(10)))
            let relevant = Double(ideal.count)
            precision += Double(gains.prefix(10).filter { $0 > 0 }.count) / 10
            recall += Double(gains.prefix(100).filter { $0 > 0 }.count) / relevant
            var hits = 0.0, sum = 0.0
            for (rank, gain) in gains.enumerated() where gain > 0 {
                hits += 1
                sum += hits / Double(rank + 1)
            }
            map += sum / relevant
        }
        let n = Double(max(topics.count, 1))
        return (ndcg / n, precision / n, recall / n, map / n, topics.count)
    }
}
