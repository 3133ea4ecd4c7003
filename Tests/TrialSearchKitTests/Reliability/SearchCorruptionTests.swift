import Foundation
import Testing
@testable import TrialSearchCore
@testable import TrialSearchKit

/// Postings damaged behind valid checksums (a buggy writer, a deliberate edit) that decode as malformed
/// make a search fail with a corrupt-index error naming the file, never return quietly incomplete hits.
@Suite struct SearchCorruptionTests {
    @Test func aSearchOverMalformedPostingsIsACorruptIndexError() throws {
        let (root, directory) = try IndexCheckTests.index()
        defer { ReliabilityIndex.remove(root) }
        let manifest = try Manifest.read(directory: directory)
        let segmentName = manifest.segments[0].name
        let path = directory + "/" + SegmentFile.postings.fileName(segment: segmentName)
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let header = IndexOutput.headerLength(formatName: SegmentFile.postings.formatName)
        var malformed = 0
        var reported = 0
        // About a hundred body offsets, spread over the file.
        let step = max(7, (original.count - header - IndexFormat.footerLength) / 100)
        for offset in stride(from: header, to: original.count - IndexFormat.footerLength, by: step) {
            var bytes = original
            bytes[offset] ^= 0x5A
            try IndexCheckTests.writeWithValidFrame(bytes, to: path)
            try manifest.commit(directory: directory)
            guard let reader = try? IndexReader.open(directory: directory),
                  let segment = reader.segments.first(where: { $0.postingsFile.path == path }) else { continue }
            // The terms whose docs no longer decode: walking their postings sets `isCorrupt`.
            var damaged: [String] = []
            var terms = segment.terms.makeTermsEnum()
            while terms.next() && damaged.count < 3 {
                var cursor = segment.postings(terms.info)
                while cursor.next() != PostingsCursor.noMoreDocs {}
                if cursor.isCorrupt { damaged.append(String(decoding: terms.term, as: UTF8.self)) }
            }
            guard !damaged.isEmpty else { continue }
            malformed += 1
            let searcher = try IndexSearcher(reader: reader)
            for term in damaged {
                let query = WeightedQuery(clauses: [WeightedClause(match: .term(term))])
                do {
                    _ = try searcher.search(query, options: SearchOptions(limit: 1000, exhaustive: true))
                    Issue.record("offset \(offset): the search for \(term) returned hits from malformed postings")
                } catch let error as IndexError {
                    guard case let .corrupt(file, _) = error else {
                        Issue.record("offset \(offset): \(error)")
                        continue
                    }
                    #expect(file == path)
                    reported += 1
                }
            }
        }
        try Data(original).write(to: URL(fileURLWithPath: path))
        try manifest.commit(directory: directory)
        print("postings rewritten with valid checksums: \(malformed) left some term's postings malformed; \(reported) searches reported the file")
        #expect(malformed > 0 && reported >= malformed)
    }
}
