/// A word of a byte buffer compared with ASCII words in place, without a `String` per word: the rules
/// that read a patient's note word by word (`Negation`'s triggers and terminators, `PatientProfile`'s
/// age units and sex words).
enum ASCIIWord {
    /// Whether `bytes[start..<end]`, its ASCII capitals lowercased when `foldingCase`, is `word`.
    @inline(__always)
    static func equals(_ bytes: [UInt8], _ start: Int, _ end: Int, _ word: UnsafeBufferPointer<UInt8>,
                       foldingCase: Bool) -> Bool {
        guard end - start == word.count else { return false }
        var k = 0
        while k < word.count {
            let b = bytes[start + k]
            if (foldingCase && b >= 65 && b <= 90 ? b + 32 : b) != word[k] { return false }
            k += 1
        }
        return true
    }

    /// `equals` with a literal word.
    @inline(__always)
    static func equals(_ bytes: [UInt8], _ start: Int, _ end: Int, _ word: StaticString, foldingCase: Bool = false) -> Bool {
        end - start == word.utf8CodeUnitCount
            && word.withUTF8Buffer { equals(bytes, start, end, $0, foldingCase: foldingCase) }
    }

    /// Whether `bytes[start..<end]` (ASCII capitals lowercased when `foldingCase`) is one of `words`.
    @inline(__always)
    static func isAny(_ bytes: [UInt8], _ start: Int, _ end: Int, _ words: [[UInt8]], foldingCase: Bool = false) -> Bool {
        for word in words where word.count == end - start {
            if word.withUnsafeBufferPointer({ equals(bytes, start, end, $0, foldingCase: foldingCase) }) { return true }
        }
        return false
    }
}
