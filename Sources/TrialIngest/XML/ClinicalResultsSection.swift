#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds a ClinicalTrials.gov record's `<clinical_results>` element in its bytes, so that it can be
/// left out of the parse: `Trial` has no property for anything in it, and it is about a quarter of the
/// bytes of the registry's dumps (the results of the trials that report them) — libxml2 would spend a
/// quarter of its time on elements the handler skips anyway.
///
/// The section is therefore neither read nor validated: a malformed results section is not reported
/// (everything around it still is, with the file's line numbers). The search is on bytes: the element's
/// start tag `<clinical_results>` (markup, since text cannot hold a raw `<`) and the first
/// `</clinical_results>` after it; a record without both is parsed whole, so a truncated section is
/// still an error. Most records have no section, so the search usually reads the whole record: it looks
/// at 16 bytes at a time for places where two of the pattern's bytes match, and compares a
/// candidate's bytes as three loads (a `memchr` and a
/// `memcmp` at every `<` took about 4 % of ingestion time). The blocks are tested two at a time (one
/// branch per 32 bytes); a pair with a candidate is read block by block.
enum ClinicalResultsSection {
    static let open = Array("<clinical_results>".utf8)
    static let close = Array("</clinical_results>".utf8)

    /// The byte range from the section's start tag through its end tag, or nil.
    /// - Complexity: O(n), 16 bytes a step.
    static func range(in bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        guard let start = find(open, in: bytes, from: 0),
              let end = find(close, in: bytes, from: start + open.count) else { return nil }
        return start..<(end + close.count)
    }

    /// The section given its start tag's offset (`open` starts at `start`): through the first end tag
    /// after it, or nil (see `range(in:)`).
    static func range(in bytes: UnsafeRawBufferPointer, openingAt start: Int) -> Range<Int>? {
        guard let end = find(close, in: bytes, from: start + open.count) else { return nil }
        return start..<(end + close.count)
    }

    /// The first offset ≥ `from` where `pattern` (starting with `<`, 16 bytes or more) occurs in
    /// `bytes`.
    static func find(_ pattern: [UInt8], in bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
        precondition(pattern.count >= 16 && pattern.first == 0x3C, "pattern \(pattern)")
        guard let base = bytes.baseAddress else { return nil }
        return pattern.withUnsafeBytes { p -> Int? in
            guard let patternBase = p.baseAddress else { return nil }
            let m = p.count, n = bytes.count
            let head = patternBase.loadUnaligned(as: UInt64.self)
            let middle = patternBase.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let tail = patternBase.loadUnaligned(fromByteOffset: m - 8, as: UInt64.self)
            /// Whether the pattern starts at `i` (`i + m <= n`).
            func matches(at i: Int) -> Bool {
                base.loadUnaligned(fromByteOffset: i, as: UInt64.self) == head
                    && base.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self) == middle
                    && base.loadUnaligned(fromByteOffset: i + m - 8, as: UInt64.self) == tail
                    && (m <= 24 || memcmp(base + i, patternBase, m) == 0)
            }
            // A block of 16 candidate starts is looked at only where the bytes at offsets 0 and m/2 of
            // the pattern both match (in registry XML, a `<` alone starts every 20th byte or so; "_" or
            // "l" nine bytes after it is rare: `<clinical_study>`, `<location_countries>`).
            let mid = m / 2
            let midByte = patternBase.load(fromByteOffset: mid, as: UInt8.self)
            let lessThan = SIMD16<UInt8>(repeating: 0x3C)
            let middleBytes = SIMD16<UInt8>(repeating: midByte)
            var i = from
            while i &+ 16 &+ mid <= n {
                // Two blocks a step (one test of both) while neither holds a candidate.
                if i &+ 32 &+ mid <= n {
                    let first = (base.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self) .== lessThan)
                        .& (base.loadUnaligned(fromByteOffset: i &+ mid, as: SIMD16<UInt8>.self) .== middleBytes)
                    let next = (base.loadUnaligned(fromByteOffset: i &+ 16, as: SIMD16<UInt8>.self) .== lessThan)
                        .& (base.loadUnaligned(fromByteOffset: i &+ 16 &+ mid, as: SIMD16<UInt8>.self) .== middleBytes)
                    if !ByteBlock.any(first .| next) {
                        i &+= 32
                        continue
                    }
                }
                let candidates = (base.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self) .== lessThan)
                    .& (base.loadUnaligned(fromByteOffset: i &+ mid, as: SIMD16<UInt8>.self) .== middleBytes)
                if ByteBlock.any(candidates) {
                    for lane in 0..<16 where candidates[lane] {
                        let at = i &+ lane
                        if at &+ m > n { return nil }
                        if matches(at: at) { return at }
                    }
                }
                i &+= 16
            }
            while i + m <= n {
                if base.load(fromByteOffset: i, as: UInt8.self) == 0x3C && matches(at: i) { return i }
                i += 1
            }
            return nil
        }
    }
}
