#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits normalized eligibility criteria text into inclusion and exclusion criteria.
///
/// The text is read line by line (after `TextNormalizer`, one list item or paragraph per line). A
/// heading (`CriteriaHeading`) opens the inclusion or exclusion part; every following non-empty line
/// up to the next heading is one criterion, its list marker (or stacked markers, "* •", "- - 1)")
/// removed and otherwise kept whole. Text
/// before the first heading, and text with no heading at all, goes into neither list, so a record
/// whose criteria are not marked has both lists empty.
enum CriteriaSplitter {
    static func split(_ criteria: String) -> (inclusion: [String], exclusion: [String]) {
        var criteria = criteria
        return criteria.withUTF8 { split($0) }
    }

    /// The criteria are found first (their byte ranges in a temporary buffer) and then copied into
    /// lists allocated at their size, rather than appended to lists that grow as they fill.
    static func split(_ text: UnsafeBufferPointer<UInt8>) -> (inclusion: [String], exclusion: [String]) {
        guard let base = text.baseAddress, !text.isEmpty else { return ([], []) }
        // A criterion is at least one byte and its line end, so there are at most count / 2 + 1.
        let capacity = text.count / 2 + 1
        return withUnsafeTemporaryAllocation(of: Found.self, capacity: capacity) { found in
            let (total, inclusions) = find(text, base: base, into: found)
            var inclusion: [String] = []
            var exclusion: [String] = []
            inclusion.reserveCapacity(inclusions)
            exclusion.reserveCapacity(total - inclusions)
            for criterion in found[0..<total] {
                let item = String(decoding: UnsafeBufferPointer(rebasing: text[criterion.start..<criterion.stop]), as: UTF8.self)
                if criterion.inclusion { inclusion.append(item) } else { exclusion.append(item) }
            }
            return (inclusion, exclusion)
        }
    }

    /// A criterion: `text[start..<stop]`, and its list.
    private struct Found {
        var start: Int
        var stop: Int
        var inclusion: Bool
    }

    /// Writes the criteria of `text` into `found` in order; returns their number and how many are
    /// inclusion criteria.
    private static func find(_ text: UnsafeBufferPointer<UInt8>, base: UnsafePointer<UInt8>,
                             into found: UnsafeMutableBufferPointer<Found>) -> (total: Int, inclusions: Int) {
        var total = 0
        var inclusions = 0
        var current: CriteriaHeading.Kind? = nil
        let count = text.count
        var i = 0
        while i < count {
            // The line's end: `memchr` (vector compares) rather than a loop a byte at a time.
            let end = memchr(base + i, 0x0A, count - i).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? count
            var start = i
            i = end + 1
            var line = UnsafeBufferPointer(rebasing: text[start..<end])
            if let heading = CriteriaHeading.parse(line) {
                current = heading.kind
                start += heading.rest
            }
            guard let kind = current else { continue }
            while start < end, isSpace(text[start]) || text[start] == 0x0D { start += 1 }
            var stop = end
            while stop > start, isSpace(text[stop - 1]) || text[stop - 1] == 0x0D { stop -= 1 }
            guard start < stop else { continue }
            line = UnsafeBufferPointer(rebasing: text[start..<stop])
            // The marker, and up to two more when the registry stacked them ("* • Male", "- - 1) …").
            var marker = 0
            for _ in 0..<3 where marker < line.count {
                let next = ListMarker.length(in: UnsafeBufferPointer(rebasing: line[marker...]))
                if next == 0 { break }
                marker += next
            }
            guard marker < line.count else { continue }
            found[total] = Found(start: start + marker, stop: stop, inclusion: kind == .inclusion)
            total += 1
            if kind == .inclusion { inclusions += 1 }
        }
        return (total, inclusions)
    }
}
