#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CIntrinsics

/// Finds the children of a ClinicalTrials.gov record's root element that `ClinicalStudyXMLHandler` does
/// not read (`required_header`, `source`, `oversight_info`, `reference`, `verification_date`, the
/// `*_submitted*` dates, `responsible_party`, …: about a sixth of the bytes libxml2 is handed), so that
/// `SAXParser` can leave them out of the parse as it leaves out `clinical_results`, whose range is found
/// in the same pass (the range `ClinicalResultsSection.range(in:)` gives).
///
/// The elements are found on the registry's layout, cheaply, and proved by libxml2: a candidate is a
/// plain start tag `<name>` (no attribute, no namespace prefix) at the start of a line indented by two
/// spaces (a child of the root in the dumps' pretty printing; lines are found 16 bytes at a time, where an
/// LF has a `<` three bytes after it, in the pass that looks for `<clinical_results>`), whose name is not one the handler reads as a child of
/// `clinical_study` (`ClinicalStudyXMLHandler.readsRootChild`; `clinical_results` and `clinical_study`
/// are kept too). Its end is its own end tag `</name>`: the first `<` after the start tag (a one-line
/// element, text only) or else the next such indented line. An element is left in place when anything in
/// it is unusual: a comment, CDATA section, processing instruction or document type declaration (`<!`,
/// `<?`), a start or end tag of its own name, no end tag where expected, or an overlap with the results
/// section. Neighbouring elements with only white space between them are one range.
///
/// The layout alone proves nothing (a two-space line could be in a comment or inside an element the
/// handler reads as text), so `SAXParser` puts a processing instruction in each range's place and
/// checks that libxml2 reported every one, in order, as a child of the root element and that no other
/// processing instruction came; when it did not, the record is parsed again without these cuts
/// (`ClinicalStudyXML.read`). What is then no longer checked is inside the cut elements only:
/// well-formedness (as inside `clinical_results`), the bytes' UTF-8 and the element depth limit.
final class UnreadElements {
    /// The offsets of the `<` of the two-space lines of the current record, in order: `lineCount` of
    /// `lineCapacity`. Unsafe memory (an array's uniqueness check and exclusivity cost about 30
    /// instructions an appended line; about 137,000 lines for 2,000 replica records).
    private var lines: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private var lineCount = 0
    private var lineCapacity = 256
    /// The ranges found by the last `find`, in order, disjoint.
    @exclusivity(unchecked) private(set) var ranges: [Range<Int>] = []
    /// The record's results section (`ClinicalResultsSection.range(in:)`), found by the last `find`.
    @exclusivity(unchecked) private(set) var results: Range<Int>?

    /// The names looked up at the lines' start tags.
    private let names = RootChildNames()

    /// The most ranges one record is given (one `SAXParser` marker each).
    static let maxRanges = 64

    init() {
        lines = .allocate(capacity: lineCapacity)
        ranges.reserveCapacity(16)
    }

    deinit {
        lines.deallocate()
    }

    /// Appends a line start (doubling the memory when it is full).
    @inline(__always)
    private func addLine(_ at: Int) {
        if lineCount == lineCapacity {
            let grown = UnsafeMutablePointer<Int>.allocate(capacity: lineCapacity * 2)
            grown.moveInitialize(from: lines, count: lineCount)
            lines.deallocate()
            lines = grown
            lineCapacity *= 2
        }
        lines[lineCount] = at
        lineCount &+= 1
    }

    /// Finds the record's results section into `results` and, when the record starts with `<` and a byte
    /// other than 0 (`SAXParser`'s condition for the cuts), its unread root children outside it into
    /// `ranges` (see the type's comment).
    /// - Complexity: O(n), 16 bytes a step, plus the interiors of multi-line elements.
    func find(in bytes: UnsafeRawBufferPointer) {
        ranges.removeAll(keepingCapacity: true)
        lineCount = 0
        results = nil
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let n = bytes.count
        scan(bytes, base, n)
        guard n >= 2, base[0] == 0x3C, base[1] != 0 else { return }
        var k = 0
        while k < lineCount, ranges.count < UnreadElements.maxRanges {
            let p = lines[k]
            k &+= 1
            // `<name>`, `name` an ASCII name that is not kept: looked up, else its first `>` within 65 bytes.
            guard p &+ 9 <= n, UnreadElements.isNameStart(base[p &+ 1]) else { continue }
            let j: Int
            switch names.lookup(base + p + 1, limit: n &- p &- 1) {
            case .kept:
                continue
            case .unread(let count):
                j = p &+ 1 &+ count
            case .unknown:
                let limit = min(n, p &+ 66)
                guard let found = memchr(base + p + 1, 0x3E, limit &- p &- 1) else { continue }
                j = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                guard UnreadElements.isName(UnsafeBufferPointer(start: base + p + 1, count: j &- p &- 1)) else { continue }
            }
            let name = UnsafeBufferPointer(start: base + p + 1, count: j &- p &- 1)
            // Its end tag: the first `<` after the start tag, or the next two-space line.
            let contentStart = j &+ 1
            guard contentStart < n, let less = memchr(base + contentStart, 0x3C, n &- contentStart) else { break }
            let q = base.distance(to: less.assumingMemoryBound(to: UInt8.self))
            var close = q
            if !UnreadElements.isEndTag(of: name, base, at: q, n) {
                guard k < lineCount, UnreadElements.isEndTag(of: name, base, at: lines[k], n),
                      UnreadElements.isPlain(base, q..<lines[k], name) else { continue }
                close = lines[k]
                k &+= 1
            }
            let range = p..<(close &+ name.count &+ 3)
            if let results, results.overlaps(range) { continue }
            if let last = ranges.last, UnreadElements.isBlank(base, last.upperBound..<p) {
                ranges[ranges.count &- 1] = last.lowerBound..<range.upperBound
            } else {
                ranges.append(range)
            }
        }
    }

    /// One pass over the record: the two-space lines into `lines` and the first `<clinical_results>`
    /// and the section it starts into `results`. Both are found at a `<`: the lines' has an LF three
    /// bytes before it, the results' start tag a `_` nine bytes after it (compared whole then;
    /// `ClinicalResultsSection.find` for the first three and the last bytes), three loads a block.
    private func scan(_ bytes: UnsafeRawBufferPointer, _ base: UnsafePointer<UInt8>, _ n: Int) {
        let raw = UnsafeRawPointer(base)
        let lineFeed = SIMD16<UInt8>(repeating: 0x0A)
        let lessThan = SIMD16<UInt8>(repeating: 0x3C)
        let underscore = SIMD16<UInt8>(repeating: UInt8(ascii: "_"))
        let open = ClinicalResultsSection.open
        /// Whether the results' start tag starts at `at`.
        func opens(at: Int) -> Bool {
            at &+ open.count <= n && base[at] == 0x3C && open.withUnsafeBytes { pattern in
                pattern.baseAddress.map { memcmp(base + at, $0, pattern.count) == 0 } ?? false
            }
        }
        // A start tag at 0, 1 or 2 (before the first block).
        for at in 0..<min(3, n) where opens(at: at) {
            results = ClinicalResultsSection.range(in: bytes, openingAt: at)
            collectLines(base, from: (results?.upperBound ?? 0) &- 3, n)
            return
        }
        /// Takes the mark at `at` (a `<` with an LF three bytes before it or a `_` nine bytes after it);
        /// true when the pass is over (the results' start tag found, or none can fit any more: the line
        /// starts after `at` are then collected on their own).
        func take(_ at: Int) -> Bool {
            if base[at &- 3] == 0x0A && base[at &- 2] == 0x20 && base[at &- 1] == 0x20 { addLine(at) }
            guard base[at &+ 9] == UInt8(ascii: "_") else { return false }
            // No match starts at or after `at` when it does not fit (as in `find`).
            guard at &+ open.count <= n else {
                collectLines(base, from: at &- 2, n)
                return true
            }
            guard opens(at: at) else { return false }
            results = ClinicalResultsSection.range(in: bytes, openingAt: at)
            collectLines(base, from: max(at &- 2, (results?.upperBound ?? 0) &- 3), n)
            return true
        }
        // Blocks of 16 `<` positions `j`, reading `j - 3` through `j + 9 + 15`, two a step (one test of
        // both; the marks of both taken in order when there are any).
        var j = 3
        while j &+ 41 <= n {
            let a = raw.loadUnaligned(fromByteOffset: j, as: SIMD16<UInt8>.self) .== lessThan
            let b = raw.loadUnaligned(fromByteOffset: j &+ 16, as: SIMD16<UInt8>.self) .== lessThan
            let aBefore = raw.loadUnaligned(fromByteOffset: j &- 3, as: SIMD16<UInt8>.self) .== lineFeed
            let aAfter = raw.loadUnaligned(fromByteOffset: j &+ 9, as: SIMD16<UInt8>.self) .== underscore
            let bBefore = raw.loadUnaligned(fromByteOffset: j &+ 13, as: SIMD16<UInt8>.self) .== lineFeed
            let bAfter = raw.loadUnaligned(fromByteOffset: j &+ 25, as: SIMD16<UInt8>.self) .== underscore
            let first = a .& (aBefore .| aAfter)
            let second = b .& (bBefore .| bAfter)
            if ByteBlock.any(first .| second) {
                var bits = UnreadElements.laneBits(first) | UnreadElements.laneBits(second) &<< 16
                while bits != 0 {
                    let at = j &+ bits.trailingZeroBitCount
                    bits &= bits &- 1
                    if take(at) { return }
                }
            }
            j &+= 32
        }
        // One block more when it fits.
        if j &+ 25 <= n {
            let marks = (raw.loadUnaligned(fromByteOffset: j, as: SIMD16<UInt8>.self) .== lessThan)
                .& ((raw.loadUnaligned(fromByteOffset: j &- 3, as: SIMD16<UInt8>.self) .== lineFeed)
                    .| (raw.loadUnaligned(fromByteOffset: j &+ 9, as: SIMD16<UInt8>.self) .== underscore))
            var bits = UnreadElements.laneBits(marks)
            while bits != 0 {
                let at = j &+ bits.trailingZeroBitCount
                bits &= bits &- 1
                if take(at) { return }
            }
            j &+= 16
        }
        // The last bytes, a position at a time.
        for at in min(j, n)..<n where opens(at: at) {
            results = ClinicalResultsSection.range(in: bytes, openingAt: at)
            break
        }
        collectLines(base, from: j &- 3, n)
    }

    /// The set lanes of `mask` as the low 16 bits of a word, lane 0 the lowest (one `pmovmskb`: gathered
    /// by two multiplications, it cost about 12 instructions a mask).
    @inline(__always)
    static func laneBits(_ mask: SIMDMask<SIMD16<Int8>>) -> UInt32 {
        UInt32(trialsearch_movemask(unsafeBitCast(mask, to: SIMD16<UInt8>.self)))
    }

    /// Appends the line starts of `mask` (an LF at `i + lane`, a `<` three bytes on) that have two spaces
    /// after the LF.
    @inline(__always)
    private func addLines(_ mask: SIMDMask<SIMD16<Int8>>, at i: Int, _ base: UnsafePointer<UInt8>) {
        var bits = UnreadElements.laneBits(mask)
        while bits != 0 {
            let at = i &+ bits.trailingZeroBitCount
            bits &= bits &- 1
            if base[at &+ 1] == 0x20 && base[at &+ 2] == 0x20 { addLine(at &+ 3) }
        }
    }

    /// Collects into `lines` the two-space line starts whose LF is at `from` or after.
    private func collectLines(_ base: UnsafePointer<UInt8>, from: Int, _ n: Int) {
        let raw = UnsafeRawPointer(base)
        let lineFeed = SIMD16<UInt8>(repeating: 0x0A)
        let lessThan = SIMD16<UInt8>(repeating: 0x3C)
        var i = max(from, 0)
        while i &+ 19 <= n {
            if i &+ 35 <= n {
                let first = (raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self) .== lineFeed)
                    .& (raw.loadUnaligned(fromByteOffset: i &+ 3, as: SIMD16<UInt8>.self) .== lessThan)
                let next = (raw.loadUnaligned(fromByteOffset: i &+ 16, as: SIMD16<UInt8>.self) .== lineFeed)
                    .& (raw.loadUnaligned(fromByteOffset: i &+ 19, as: SIMD16<UInt8>.self) .== lessThan)
                if !ByteBlock.any(first .| next) {
                    i &+= 32
                    continue
                }
            }
            let starts = (raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self) .== lineFeed)
                .& (raw.loadUnaligned(fromByteOffset: i &+ 3, as: SIMD16<UInt8>.self) .== lessThan)
            if ByteBlock.any(starts) { addLines(starts, at: i, base) }
            i &+= 16
        }
        while i &+ 4 <= n {
            if base[i] == 0x0A && base[i &+ 1] == 0x20 && base[i &+ 2] == 0x20 && base[i &+ 3] == 0x3C {
                addLine(i &+ 3)
            }
            i &+= 1
        }
    }

    /// Whether `</name>` starts at `at`.
    @inline(__always)
    private static func isEndTag(of name: UnsafeBufferPointer<UInt8>, _ base: UnsafePointer<UInt8>, at: Int, _ n: Int) -> Bool {
        guard at &+ name.count &+ 3 <= n, base[at &+ 1] == UInt8(ascii: "/"),
              base[at &+ 2 &+ name.count] == UInt8(ascii: ">"), let start = name.baseAddress else { return false }
        return memcmp(base + at + 2, start, name.count) == 0
    }

    /// Whether the interior `range` of an element `name` holds no `<!`, no `<?` and no start or end tag
    /// of `name`; read 16 bytes at a time for a `<` followed by `!`, `?`, `/` or the name's first byte.
    private static func isPlain(_ base: UnsafePointer<UInt8>, _ range: Range<Int>, _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawPointer(base)
        let lessThan = SIMD16<UInt8>(repeating: 0x3C)
        let bang = SIMD16<UInt8>(repeating: UInt8(ascii: "!"))
        let question = SIMD16<UInt8>(repeating: UInt8(ascii: "?"))
        let slash = SIMD16<UInt8>(repeating: UInt8(ascii: "/"))
        let first = SIMD16<UInt8>(repeating: name[0])
        /// Whether the `<` at `at` (`at < range.upperBound`) starts something that makes the range unusual.
        func unusual(_ at: Int) -> Bool {
            let next = base[at &+ 1]
            if next == UInt8(ascii: "!") || next == UInt8(ascii: "?") { return true }
            let nameAt = next == UInt8(ascii: "/") ? at &+ 2 : at &+ 1
            guard nameAt &+ name.count < range.upperBound, let start = name.baseAddress,
                  memcmp(base + nameAt, start, name.count) == 0 else { return false }
            let after = base[nameAt &+ name.count]
            return !isNameByte(after) && after != UInt8(ascii: ":")
        }
        var i = range.lowerBound
        // The block's second load reads one byte past it: inside the range but for its last block.
        while i &+ 17 <= range.upperBound {
            let block = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            let next = raw.loadUnaligned(fromByteOffset: i &+ 1, as: SIMD16<UInt8>.self)
            let marks = (block .== lessThan) .& ((next .== bang) .| (next .== question) .| (next .== slash) .| (next .== first))
            if ByteBlock.any(marks) {
                var bits = laneBits(marks)
                while bits != 0 {
                    if unusual(i &+ bits.trailingZeroBitCount) { return false }
                    bits &= bits &- 1
                }
            }
            i &+= 16
        }
        while i < range.upperBound {
            if base[i] == 0x3C && i &+ 1 < range.upperBound && unusual(i) { return false }
            i &+= 1
        }
        return true
    }

    /// Whether `range` holds only spaces, tabs, CRs and LFs.
    private static func isBlank(_ base: UnsafePointer<UInt8>, _ range: Range<Int>) -> Bool {
        for i in range {
            let b = base[i]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return false }
        }
        return true
    }

    @inline(__always)
    private static func isNameStart(_ b: UInt8) -> Bool {
        (b | 0x20) &- 0x61 < 26 || b == UInt8(ascii: "_")
    }

    /// ASCII letters, digits, `_`, `-`, `.` (a `:` ends the scan, and the tag is then not taken).
    @inline(__always)
    private static func isNameByte(_ b: UInt8) -> Bool {
        (b | 0x20) &- 0x61 < 26 || b &- 0x30 < 10 || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
            || b == UInt8(ascii: ".")
    }

    /// Whether `name` is an ASCII name (`isNameStart`, then `isNameByte`s: no `:`, no white space).
    private static func isName(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = name.first, isNameStart(first) else { return false }
        for b in name where !isNameByte(b) { return false }
        return true
    }
}
