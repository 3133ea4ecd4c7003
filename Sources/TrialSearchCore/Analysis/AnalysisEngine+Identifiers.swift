/// Analysis of the `id` field: trial ids and secondary ids as identifiers, not prose.
///
/// The value is cut at white space, `,` and `;` into ids. Each id is emitted whole, lowercased and
/// folded, without leading or trailing punctuation (`NCT05308342` → `nct05308342`, kind `identifier`);
/// when it has separators inside, its letter/digit parts follow, the first at the whole id's position
/// (`SZ-POF-2019-4` → `sz`@0, `sz-pof-2019-4`@0, `pof`@1, `2019`@2, `4`@3). No stop words, no stemming:
/// `id:` queries match ids exactly or by their parts.
extension AnalysisEngine {
    /// Tokenizes an `id` field value; returns the next free position.
    /// - Complexity: O(n) in the byte count.
    mutating func analyzeIdentifiers(_ text: UnsafeBufferPointer<UInt8>, firstPosition: Int32,
                                     _ body: (Token) -> Void) -> Int32 {
        guard let p = text.baseAddress else { return firstPosition }
        let n = text.count
        var position = firstPosition
        var i = 0
        while i < n {
            while i < n, Self.separatesIdentifiers(p[i]) { i += 1 }
            guard i < n else { break }
            var out = 0
            var partCount = 0
            var open = false
            while i < n, !Self.separatesIdentifiers(p[i]), out < Self.scratchCapacity - 64 {
                let b = p[i]
                var bytes: UnsafeBufferPointer<UInt8>
                var length = 1
                var isWordPart: Bool
                var flags: UInt8
                if b < 0x80 {
                    let folded = Self.isLetter(b) ? b | 0x20 : b
                    scratch[out] = folded
                    bytes = UnsafeBufferPointer(start: scratch + out, count: 1)
                    isWordPart = Self.isAlnum(b)
                    flags = Self.isLetter(b) ? PartFlags.letter : PartFlags.digit
                } else {
                    let (scalar, scalarLength) = Self.decode(p, n, i)
                    length = scalarLength
                    let fold = classify(scalar, p, n, i, length)
                    switch fold.kind {
                    case .letters, .digits, .ownPart:
                        bytes = fold.bytes
                        isWordPart = true
                    case .connector:
                        bytes = fold.bytes
                        isWordPart = false
                    case .ignorable:
                        i += length
                        continue
                    default:
                        bytes = UnsafeBufferPointer(start: p + i, count: length)
                        isWordPart = false
                    }
                    flags = fold.kind == .digits ? PartFlags.digit : PartFlags.letter | PartFlags.nonASCII
                }
                if isWordPart {
                    if !open && partCount < Self.maxParts {
                        parts[partCount] = Part(scratchStart: Int32(out), scratchEnd: Int32(out),
                                                sourceStart: Int32(truncatingIfNeeded: i),
                                                sourceEnd: Int32(truncatingIfNeeded: i), flags: 0)
                        partCount += 1
                        open = true
                    }
                } else {
                    open = false
                }
                for byte in bytes {
                    scratch[out] = byte
                    out += 1
                }
                i += length
                if open {
                    parts[partCount - 1].scratchEnd = Int32(out)
                    parts[partCount - 1].sourceEnd = Int32(truncatingIfNeeded: i)
                    parts[partCount - 1].flags |= flags
                }
            }
            while i < n, !Self.separatesIdentifiers(p[i]) { i += 1 }  // an id too long for the scratch
            emitIdentifier(partCount: partCount, position: &position, body)
        }
        return position
    }

    /// White space, `,` and `;` separate ids in one value.
    @inline(__always)
    static func separatesIdentifiers(_ b: UInt8) -> Bool { b <= 0x20 || b == 0x2C || b == 0x3B }

    /// Emits the whole id (from its first part to its last) and, when it has more than one part, the
    /// parts, the first before the whole at the same position.
    private mutating func emitIdentifier(partCount: Int, position: inout Int32, _ body: (Token) -> Void) {
        guard partCount > 0 else { return }
        let first = parts[0]
        let last = parts[partCount - 1]
        let wholeLength = Int(last.scratchEnd - first.scratchStart)
        func emitWhole(_ body: (Token) -> Void) {
            guard wholeLength <= Self.maxTermBytes else { return }
            body(Token(term: UnsafeBufferPointer(start: scratch + Int(first.scratchStart), count: wholeLength),
                       position: position, startOffset: first.sourceStart, endOffset: last.sourceEnd,
                       kind: .identifier))
        }
        guard partCount > 1 else {
            emitWhole(body)
            position += 1
            return
        }
        for k in 0..<partCount {
            let part = parts[k]
            let length = Int(part.scratchEnd - part.scratchStart)
            if length <= Self.maxTermBytes {
                body(Token(term: UnsafeBufferPointer(start: scratch + Int(part.scratchStart), count: length),
                           position: position + Int32(k), startOffset: part.sourceStart, endOffset: part.sourceEnd,
                           kind: part.flags & PartFlags.letter != 0 ? .word : .number))
            }
            if k == 0 { emitWhole(body) }
        }
        position += Int32(partCount)
    }
}
