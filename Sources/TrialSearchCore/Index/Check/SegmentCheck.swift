import CLibDeflate

/// Walks everything one opened segment holds and checks it against itself: what a checksum cannot
/// catch (a writer bug, a file rewritten with a valid checksum) and what would otherwise give silently
/// wrong results.
///
/// - Terms: `termCount` of them, in strictly increasing byte order, each with docFreq > 0 and a field
///   mask of known fields (`.tdx`).
/// - Postings of every term (`.pst`): docs strictly increasing within 0..<docCount, as many as docFreq;
///   each doc's fields within the term's mask with termFreqs ≥ 1; per-field doc counts equal to
///   fieldDocFreqs and the termFreqs summing to totalTermFreq; every termFreq and norm within the
///   block's and the term's impacts (the bounds dynamic pruning trusts); for a term of several blocks
///   of a format-6 segment, the stored maximum x (`TermMaxima`) equal to the largest x recomputed from
///   its docs' termFreqs and norms (a bound that pruning trusts too); of a format-7 segment also the
///   keyword maximum x and each block's maximum byte (`BlockMaxima`) equal to those recomputed.
/// - Positions (`.pos`): every block decodes within the term's positions (`PositionsBlockReader`), as
///   many per (doc, field) as the termFreq, non-decreasing, non-negative.
/// - Every doc is reachable: it has postings in the `id` field.
/// - Stored records (`.sto`): every doc decodes, with the trial id of its doc values (`.dvs`), which
///   finds the doc again.
struct SegmentCheck {
    let segment: SegmentReader
    let directory: String

    private func path(_ kind: SegmentFile) -> String {
        FileSystem.join(directory, kind.fileName(segment: segment.info.name, generation: segment.info.deletesGeneration))
    }

    /// Adds the problems found to `report` (at most a few per kind, so a badly broken file does not
    /// print a line per posting).
    func run(into report: inout IndexCheckReport) {
        var problems = Problems()
        checkTerms(&problems, &report)
        checkStored(&problems)
        report.problems += problems.list
    }

    /// Collects problems, keeping the first `limit` of each file.
    private struct Problems {
        var list: [IndexProblem] = []
        var counts: [String: Int] = [:]
        static let limit = 5

        mutating func add(_ file: String, _ message: String) {
            let count = counts[file, default: 0] + 1
            counts[file] = count
            if count <= Problems.limit { list.append(IndexProblem(file: file, message: message)) }
            if count == Problems.limit + 1 { list.append(IndexProblem(file: file, message: "(more problems not shown)")) }
        }
    }

    private func checkTerms(_ problems: inout Problems, _ report: inout IndexCheckReport) {
        let docCount = segment.docCount
        let termsPath = path(.terms)
        let postingsPath = path(.postings)
        let positionsPath = path(.positions)
        var reachable = [Bool](repeating: false, count: docCount)
        var terms = segment.terms.makeTermsEnum()
        var previous: [UInt8]? = nil
        var termCount = 0
        var positions: [Int32] = []
        var freqs: [(Field, Int)] = []
        var cursor: PostingsCursor? = nil
        let maxima = segment.termMaxima.map { TermMaximumFactors($0) }
        let blockMaxima = segment.blockMaxima.map { TermMaximumFactors($0) }
        var blockXs: [Float] = []
        // The keyword x of every doc of a term with a champion list (`checkChampions`).
        var champions: [(doc: DocID, y: Float)] = []
        while terms.next() {
            termCount += 1
            let term = terms.term
            let info = terms.info
            let name = String(decoding: term.prefix(64), as: UTF8.self)
            if let previous, !previous.lexicographicallyPrecedes(term) {
                problems.add(termsPath, "term \"\(name)\" does not follow \"\(String(decoding: previous.prefix(64), as: UTF8.self))\"")
            }
            previous = term
            guard info.docFreq > 0, info.docFreq <= docCount, info.fieldMask != 0,
                  Int(info.fieldMask) < 1 << IndexFormat.fieldCount else {
                problems.add(termsPath, "term \"\(name)\": docFreq \(info.docFreq) of \(docCount) docs, field mask \(hex(info.fieldMask))")
                continue
            }
            var postings = cursor.map { segment.postings(info, reusing: $0) } ?? segment.postings(info)
            var count = 0
            var last: DocID = -1
            var fieldDocs = FieldCounts()
            var occurrences = 0
            let termImpacts = postings.termImpacts
            var largestX: Float = 0
            blockXs.removeAll(keepingCapacity: true)
            champions.removeAll(keepingCapacity: true)
            let hasChampions = postings.hasChampions && blockMaxima != nil
            while true {
                let doc = postings.next()
                if doc == PostingsCursor.noMoreDocs { break }
                count += 1
                guard doc > last, doc < docCount else {
                    problems.add(postingsPath, "term \"\(name)\": doc \(doc) after doc \(last) (docs 0..<\(docCount))")
                    break
                }
                last = doc
                let mask = postings.fieldMask
                if mask == 0 || mask & ~info.fieldMask != 0 {
                    problems.add(postingsPath, "term \"\(name)\", doc \(doc): fields \(hex(mask)) outside the term's \(hex(info.fieldMask))")
                }
                if mask & (1 << UInt16(Field.id.rawValue)) != 0 { reachable[Int(doc)] = true }
                _ = postings.advanceShallow(to: doc)
                let block = postings.blockImpacts
                var bad: String? = nil
                freqs.removeAll(keepingCapacity: true)
                postings.forEachTermFreq { freqs.append(($0, $1)) }
                if let maxima {
                    var x: Float = 0
                    for (field, freq) in freqs {
                        x += Float(freq) * maxima.factor(Int(field.rawValue), segment.norms.normByte(doc, field))
                    }
                    largestX = max(largestX, x)
                }
                if let blockMaxima {
                    var y: Float = 0
                    for (field, freq) in freqs {
                        y += Float(freq) * blockMaxima.factor(Int(field.rawValue), segment.norms.normByte(doc, field))
                    }
                    while blockXs.count <= postings.block { blockXs.append(0) }
                    blockXs[postings.block] = max(blockXs[postings.block], y)
                    if hasChampions { champions.append((doc, y)) }
                }
                for (field, freq) in freqs {
                    let f = Int(field.rawValue)
                    fieldDocs[f] += 1
                    occurrences += freq
                    let norm = UInt32(segment.norms.normByte(doc, field))
                    if freq < 1 || UInt32(freq) > block.maxTermFreq[f] || norm < block.minNorm[f]
                        || UInt32(freq) > termImpacts.maxTermFreq[f] || norm < termImpacts.minNorm[f] {
                        bad = "term \"\(name)\", doc \(doc), \(field): termFreq \(freq) and norm \(norm) outside the impacts "
                            + "(block: max termFreq \(block.maxTermFreq[f]), min norm \(block.minNorm[f]))"
                    }
                    postings.positions(in: field, into: &positions)
                    if positions.count != freq || zip(positions, positions.dropFirst()).contains(where: { $0 > $1 })
                        || (positions.first ?? 0) < 0 {
                        problems.add(positionsPath, "term \"\(name)\", doc \(doc), \(field): positions \(positions.prefix(8)) "
                            + "for termFreq \(freq)")
                    }
                }
                if let bad { problems.add(postingsPath, bad) }
            }
            if postings.positionsAreCorrupt {
                // Reported above, at the (doc, field) whose positions do not decode.
            } else if postings.isCorrupt {
                problems.add(postingsPath, "term \"\(name)\": postings extent outside the file")
            } else if count != info.docFreq || occurrences != info.totalTermFreq || fieldDocs != info.fieldDocFreqs {
                problems.add(postingsPath, "term \"\(name)\": \(count) docs and \(occurrences) occurrences vs docFreq "
                    + "\(info.docFreq) and totalTermFreq \(info.totalTermFreq) in the term dictionary")
            }
            if maxima != nil && info.docFreq > IndexFormat.blockSize && !postings.isCorrupt {
                let stored = postings.termMaximum
                if stored != largestX {
                    problems.add(postingsPath, "term \"\(name)\": stored maximum x \(stored.map { "\($0)" } ?? "missing") "
                        + "vs \(largestX) recomputed from its docs")
                }
            }
            if blockMaxima != nil && info.docFreq > IndexFormat.blockSize && !postings.isCorrupt
                && blockXs.count == postings.blockCount {
                let largest = blockXs.max() ?? 0
                let stored = postings.keywordTermMaximum
                if stored != largest {
                    problems.add(postingsPath, "term \"\(name)\": stored keyword maximum x \(stored.map { "\($0)" } ?? "missing") "
                        + "vs \(largest) recomputed from its docs")
                } else if let b = blockXs.indices.first(where: {
                    postings.blockMaximumCode($0) != BlockMaxima.encode(blockXs[$0], termMaximum: largest)
                }) {
                    problems.add(postingsPath, "term \"\(name)\", block \(b): stored block maximum "
                        + "\(postings.blockMaximumCode(b)) vs \(BlockMaxima.encode(blockXs[b], termMaximum: largest)) "
                        + "recomputed from its docs (x \(blockXs[b]) of \(largest))")
                }
            }
            if hasChampions && !postings.isCorrupt && count == info.docFreq,
               let problem = Self.checkChampions(segment.postings(info), walked: champions) {
                problems.add(postingsPath, "term \"\(name)\": \(problem)")
            }
            report.postings += count
            cursor = postings
        }
        if terms.failed { problems.add(termsPath, "a block of the term dictionary could not be decoded") }
        if termCount != segment.terms.termCount {
            problems.add(termsPath, "\(termCount) terms walked vs \(segment.terms.termCount) in the trailer")
        }
        report.terms += termCount
        if let doc = reachable.firstIndex(of: false) {
            problems.add(postingsPath, "doc \(doc) (\(segment.trialID(DocID(doc)))) has no postings in the id field: "
                + "no query can find it")
        }
    }

    /// What is wrong with the champion list of `postings`' term (`ChampionList`), whose docs have the
    /// keyword x of `walked`: nil when it holds the 10 largest (ties to the smaller doc) with their postings.
    private static func checkChampions(_ postings: PostingsCursor, walked: [(doc: DocID, y: Float)]) -> String? {
        let expected = walked.sorted { $0.y != $1.y ? $0.y > $1.y : $0.doc < $1.doc }
            .prefix(IndexFormat.championCount).map(\.doc).sorted()
        var probe = postings
        var stored: [DocID] = []
        var mismatch: DocID? = nil
        let decoded = postings.forEachChampion { doc, mask, termFreqs in
            stored.append(doc)
            guard probe.advance(to: doc) == doc, probe.fieldMask == mask else { mismatch = mismatch ?? doc; return }
            probe.forEachTermFreq { field, tf in
                if termFreqs[Int(field.rawValue)] != UInt32(tf) { mismatch = mismatch ?? doc }
            }
        }
        guard decoded else { return "champion list does not decode" }
        if stored != expected { return "champion list \(stored) vs \(expected) recomputed from its docs" }
        if let mismatch { return "champion \(mismatch)'s stored posting differs from its postings' one" }
        return nil
    }

    private func checkStored(_ problems: inout Problems) {
        // Block by block: each block is inflated once, not once per doc.
        let stored = segment.stored
        for b in 0..<stored.blockCount {
            do {
                try stored.forEachRecord(inBlock: b) { d, record in
                    let id = segment.trialID(DocID(d))
                    do {
                        let trial = try TrialCodec.decode(record, file: stored.file.path)
                        if trial.id != id {
                            problems.add(path(.stored), "doc \(d): stored trial \(trial.id) vs \(id) in the doc values")
                        }
                    } catch {
                        problems.add(path(.stored), "doc \(d) (\(id)): \(error)")
                    }
                }
            } catch {
                problems.add(path(.stored), "stored block \(b): \(error)")
            }
            // Format 9: the leading bytes a related-trials source inflates alone are the block's (their CRC
            // is the stated one), and end where its leading parts do; format 10: so do the stated criteria ends.
            guard stored.blocksHaveLeadingParts else { continue }
            do {
                let s = try stored.stream(b)
                let whole = try stored.inflate(b)
                let crc = whole.withUnsafeBytes { UInt32(libdeflate_crc32(0, $0.baseAddress, s.leadingLength)) }
                if crc != s.leadingCRC {
                    problems.add(path(.stored), "stored block \(b): its \(s.leadingLength) leading bytes have CRC-32 "
                        + "\(crc) vs \(s.leadingCRC) stated")
                } else if s.leadingLength + StoredBlockCoding.leadingSlack < whole.count, try stored.inflateLeading(b) == nil {
                    problems.add(path(.stored), "stored block \(b): its \(s.leadingLength) leading bytes do not inflate alone")
                } else if try !stored.criteriaEndsFit(b, whole: whole) {
                    problems.add(path(.stored), "stored block \(b): its stated criteria ends are not its docs'")
                }
                try stored.forEachRecordParts(inBlock: b, leadingOnly: true) { _, _ in }
            } catch {
                problems.add(path(.stored), "stored block \(b), leading parts: \(error)")
            }
        }
        for d in 0..<segment.docCount {
            let doc = DocID(d)
            let id = segment.trialID(doc)
            if !segment.docValues.docs(for: id).contains(doc) {
                problems.add(path(.docValues), "doc \(d): looking up its id \(id) does not find it")
            }
        }
    }
}
