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

    static func split(_ text: UnsafeBufferPointer<UInt8>) -> (inclusion: [String], exclusion: [String]) {
        var inclusion: [String] = []
        var exclusion: [String] = []
        var current: CriteriaHeading.Kind? = nil
        let count = text.count
        var i = 0
        guard let base = text.baseAddress else { return (inclusion, exclusion) }
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
            let item = String(decoding: UnsafeBufferPointer(rebasing: line[marker...]), as: UTF8.self)
            switch kind {
            case .inclusion: inclusion.appendWithRoomForEight(item)
            case .exclusion: exclusion.appendWithRoomForEight(item)
            }
        }
        return (inclusion, exclusion)
    }
}
