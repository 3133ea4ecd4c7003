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
/// still an error.
enum ClinicalResultsSection {
    private static let open = Array("<clinical_results>".utf8)
    private static let close = Array("</clinical_results>".utf8)

    /// The byte range from the section's start tag through its end tag, or nil.
    /// - Complexity: O(n) byte comparisons, at `<` bytes only.
    static func range(in bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        guard let start = find(open, in: bytes, from: 0),
              let end = find(close, in: bytes, from: start + open.count) else { return nil }
        return start..<(end + close.count)
    }

    /// The first offset ≥ `from` where `pattern` (starting with `<`) occurs in `bytes`.
    private static func find(_ pattern: [UInt8], in bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
        pattern.withUnsafeBufferPointer { p -> Int? in
            guard let base = bytes.baseAddress, let pattern = p.baseAddress else { return nil }
            let n = bytes.count, m = p.count
            var i = from
            while i + m <= n {
                guard let lt = memchr(base + i, 0x3C, n - m + 1 - i) else { return nil }
                i = base.distance(to: UnsafeRawPointer(lt))
                if memcmp(base + i, pattern, m) == 0 { return i }
                i += 1
            }
            return nil
        }
    }
}
