/// A value in a `JSONTape`: typed accessors that decode on demand and return nil on a type mismatch,
/// so readers of optional registry fields are one line each.
struct JSONValue {
    let tape: JSONTape
    let index: Int

    var kind: JSONTape.Kind { tape.nodes[index].kind }

    /// The member `key` of an object (the first one when repeated), or nil.
    /// - Complexity: O(members), skipping each member's subtree in one step.
    subscript(key: StaticString) -> JSONValue? {
        guard kind == .object else { return nil }
        let nodes = tape.nodes
        let end = Int(nodes[index].next)
        var child = index + 1
        while child < end {
            let value = Int(nodes[child].next)
            if keyEquals(child, key) { return JSONValue(tape: tape, index: value) }
            child = Int(nodes[value].next)
        }
        return nil
    }

    /// A path of member names: `value["a", "b"]` is `value["a"]?["b"]`.
    subscript(first: StaticString, rest: StaticString...) -> JSONValue? {
        var value = self[first]
        for key in rest { value = value?[key] }
        return value
    }

    /// The elements of an array (empty for other kinds).
    var elements: [JSONValue] {
        guard kind == .array else { return [] }
        var result: [JSONValue] = []
        let end = Int(tape.nodes[index].next)
        var child = index + 1
        while child < end {
            result.append(JSONValue(tape: tape, index: child))
            child = Int(tape.nodes[child].next)
        }
        return result
    }

    /// The members of an object in order (keys decoded).
    var members: [(key: String, value: JSONValue)] {
        guard kind == .object else { return [] }
        var result: [(String, JSONValue)] = []
        let end = Int(tape.nodes[index].next)
        var child = index + 1
        while child < end {
            let value = Int(tape.nodes[child].next)
            result.append((JSONValue(tape: tape, index: child).string ?? "", JSONValue(tape: tape, index: value)))
            child = Int(tape.nodes[value].next)
        }
        return result
    }

    /// The string's text with escapes decoded (`\uD83D\uDE00` surrogate pairs joined; a lone
    /// surrogate becomes U+FFFD), or nil when not a string.
    var string: String? {
        let node = tape.nodes[index]
        guard node.kind == .string else { return nil }
        return tape.bytes.withUnsafeBufferPointer { b in
            let text = UnsafeBufferPointer(rebasing: b[Int(node.start)..<Int(node.end)])
            return node.escaped ? JSONValue.unescape(text) : String(decoding: text, as: UTF8.self)
        }
    }

    /// The string's raw bytes (escapes not decoded), passed to `body`; nil when not a string.
    func withRawString<T>(_ body: (UnsafeBufferPointer<UInt8>, _ escaped: Bool) -> T) -> T? {
        let node = tape.nodes[index]
        guard node.kind == .string else { return nil }
        return tape.bytes.withUnsafeBufferPointer { b in
            body(UnsafeBufferPointer(rebasing: b[Int(node.start)..<Int(node.end)]), node.escaped)
        }
    }

    /// An integral number (no fraction or exponent) that fits an `Int`, or nil.
    var int: Int? {
        let node = tape.nodes[index]
        guard node.kind == .number else { return nil }
        return tape.bytes.withUnsafeBufferPointer { b in
            var i = Int(node.start)
            let end = Int(node.end)
            var negative = false
            if b[i] == UInt8(ascii: "-") { negative = true; i += 1 }
            var value = 0
            while i < end {
                guard isDigit(b[i]) else { return nil }
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int(b[i] - 48))
                guard !o1, !o2 else { return nil }
                value = a
                i += 1
            }
            return negative ? -value : value
        }
    }

    /// Any number as a `Double`, or nil.
    var double: Double? {
        let node = tape.nodes[index]
        guard node.kind == .number else { return nil }
        let text = String(decoding: tape.bytes[Int(node.start)..<Int(node.end)], as: UTF8.self)
        return Double(text)
    }

    var bool: Bool? {
        switch kind {
        case .true: return true
        case .false: return false
        default: return nil
        }
    }

    /// The array's string elements (non-strings skipped).
    var strings: [String] { elements.compactMap(\.string) }

    private func keyEquals(_ child: Int, _ key: StaticString) -> Bool {
        let node = tape.nodes[child]
        let length = Int(node.end - node.start)
        if node.escaped { return JSONValue(tape: tape, index: child).string == key.description }
        guard length == key.utf8CodeUnitCount else { return false }
        return tape.bytes.withUnsafeBufferPointer { b in
            key.withUTF8Buffer { k in
                let start = Int(node.start)
                for j in 0..<length where b[start + j] != k[j] { return false }
                return true
            }
        }
    }

    /// Decodes the escapes of a JSON string's text (already validated by the tape) straight into the
    /// `String`'s storage: the decoded text is never longer than the escaped one (`\\n` is 2 bytes for
    /// 1, `\\uXXXX` 6 for at most 3, a surrogate pair 12 for 4).
    static func unescape(_ text: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: text.count) { out in
            var i = 0
            var n = 0
            let count = text.count
            guard let input = text.baseAddress, let output = out.baseAddress else { return 0 }
            while i < count {
                // Eight bytes at a time up to the next backslash (n <= i, so n + 8 <= count too). The word
                // holding it is stored whole too, and only its bytes before the backslash counted: the
                // rest are written over (they were copied a byte at a time below).
                while i + 8 <= count {
                    let word = ByteWord.load(input + i)
                    UnsafeMutableRawPointer(output + n).storeBytes(of: word.littleEndian, as: UInt64.self)
                    let marks = ByteWord.equal(word, UInt8(ascii: "\\"))
                    if marks != 0 {
                        let k = ByteWord.firstIndex(marks)
                        i += k
                        n += k
                        break
                    }
                    i += 8
                    n += 8
                }
                guard i < count else { break }
                let byte = text[i]
                guard byte == UInt8(ascii: "\\"), i + 1 < count else {
                    out[n] = byte
                    n += 1
                    i += 1
                    continue
                }
                let e = text[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "u"):
                    var scalar = hex4(text, i)
                    i += 4
                    if (0xD800..<0xDC00).contains(scalar), i + 5 < count, text[i] == UInt8(ascii: "\\"),
                       text[i + 1] == UInt8(ascii: "u") {
                        let low = hex4(text, i + 2)
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            i += 6
                        }
                    }
                    JSONValue.writeUTF8(of: scalar, to: output, at: &n)
                    continue
                default: out[n] = escapedByte(e) ?? e  // validated: e is one of n t r b f " \ /
                }
                n += 1
            }
            return n
        }
    }

    /// The byte a one-character escape `\e` stands for (`n` `t` `r` `b` `f` `"` `\` `/`), nil for any other
    /// `e` (`u` included): shared by `unescape` and `TrialJSONDecoder`'s one-pass unescaping.
    @inline(__always)
    static func escapedByte(_ e: UInt8) -> UInt8? {
        switch e {
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "t"): 0x09
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): e
        default: nil
        }
    }

    /// Writes the UTF-8 of an escape's `scalar` at `out[n]` (U+FFFD for a lone surrogate), `n` advanced:
    /// the last step of `unescape` and of `TrialJSONDecoder`'s one-pass unescaping.
    @inline(__always)
    static func writeUTF8(of scalar: UInt32, to out: UnsafeMutablePointer<UInt8>, at n: inout Int) {
        let value = Unicode.Scalar(scalar) ?? "\u{FFFD}"
        for unit in value.utf8 {
            out[n] = unit
            n += 1
        }
    }

    private static func hex4(_ text: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt32 {
        var value: UInt32 = 0
        for j in 0..<4 where i + j < text.count {
            let c = text[i + j]
            let digit: UInt32 = isDigit(c) ? UInt32(c - 48) : UInt32((c | 0x20) - 87)
            value = value << 4 | digit
        }
        return value
    }
}
