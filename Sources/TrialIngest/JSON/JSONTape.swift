/// A JSON document (RFC 8259) parsed into a flat tape of nodes over its bytes: the byte-level parser
/// behind the API v2 reader and `TrialJSONReader`.
///
/// One pass, no recursion (an explicit stack bounded by `maxDepth`), one allocation for the node
/// array; strings and numbers are decoded only when read. Each node records its kind, where its text
/// starts and ends, and the index just past its subtree, so a reader skips an unwanted object in one
/// step. An object's children alternate key and value nodes. The input must be UTF-8 (checked once,
/// up front); anything else, control characters in strings, bad escapes, trailing garbage, an object
/// that repeats a key and nesting deeper than `maxDepth` are errors with the byte offset.
final class JSONTape {
    enum Kind: UInt8 { case object, array, string, number, `true`, `false`, null }

    struct Node {
        var kind: Kind
        /// Strings: whether the text has backslash escapes.
        var escaped: Bool
        /// Strings: the first byte after the opening quote; others: the first byte of the value.
        var start: Int32
        /// Strings: the closing quote; numbers and literals: just past the value; containers: unused.
        var end: Int32
        /// The index of the first node after this node's subtree.
        var next: Int32
    }

    /// An error and the byte offset where it was found.
    struct Failure: Error {
        var offset: Int
        var message: String
        var notUTF8 = false
        /// Set when nesting exceeded this limit.
        var depthLimit: Int? = nil
    }

    let bytes: [UInt8]
    private(set) var nodes: [Node] = []

    /// Parses `source` (copied, so values outlive the caller's buffer).
    init(parsing source: UnsafeRawBufferPointer, maxDepth: Int) throws(Failure) {
        bytes = Array(source)
        guard bytes.count < Int(Int32.max) else {
            throw Failure(offset: 0, message: "document of \(bytes.count) bytes is too large")
        }
        if let bad = UTF8Validation.firstInvalidOffset(source) {
            throw Failure(offset: bad, message: "invalid UTF-8", notUTF8: true)
        }
        nodes.reserveCapacity(bytes.count / 16 + 4)
        try bytes.withUnsafeBufferPointer { b in
            catchingJSON { () throws(Failure) in try parse(b, maxDepth: maxDepth) }
        }.get()
    }

    /// The root value.
    var root: JSONValue { JSONValue(tape: self, index: 0) }

    /// An open container: its node index and how many child nodes (keys and values) it has so far.
    private struct Open {
        var index: Int
        var children: Int
        var isObject: Bool
    }

    private func parse(_ b: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(Failure) {
        var stack: [Open] = []
        var i = skipSpace(b, 0)
        // Whether a value (or, in an object, a key) comes next, rather than "," or a closer.
        var expectValue = true
        while true {
            guard i < b.count else {
                if stack.isEmpty && !expectValue { return }
                let what = stack.last.map { $0.isObject ? "unterminated object" : "unterminated array" }
                throw Failure(offset: i, message: what ?? "expected a value, found the end")
            }
            let byte = b[i]
            if expectValue {
                if let top = stack.last, top.isObject, top.children % 2 == 0 {
                    // A key, or "}" when the object is still empty.
                    if byte == UInt8(ascii: "}"), top.children == 0 {
                        close(&stack, at: i)
                        i = skipSpace(b, i + 1)
                        expectValue = false
                        continue
                    }
                    guard byte == UInt8(ascii: "\"") else {
                        throw Failure(offset: i, message: "expected a string key, found \(describe(byte))")
                    }
                    i = try string(b, i)
                    stack[stack.count - 1].children += 1
                    i = skipSpace(b, i)
                    guard i < b.count, b[i] == UInt8(ascii: ":") else {
                        throw Failure(offset: i, message: "expected \":\" after an object key")
                    }
                    i = skipSpace(b, i + 1)
                    continue
                }
                switch byte {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    guard stack.count < maxDepth else {
                        throw Failure(offset: i, message: "nesting deeper than \(maxDepth)", depthLimit: maxDepth)
                    }
                    let object = byte == UInt8(ascii: "{")
                    stack.append(Open(index: nodes.count, children: 0, isObject: object))
                    nodes.append(Node(kind: object ? .object : .array, escaped: false, start: Int32(i), end: 0, next: 0))
                    i = skipSpace(b, i + 1)
                    if !object, i < b.count, b[i] == UInt8(ascii: "]") {
                        close(&stack, at: i)
                        i = skipSpace(b, i + 1)
                        expectValue = false
                    }
                    continue
                case UInt8(ascii: "\""):
                    i = try string(b, i)
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    i = try number(b, i)
                case UInt8(ascii: "t"): i = try literal(b, i, "true", .true)
                case UInt8(ascii: "f"): i = try literal(b, i, "false", .false)
                case UInt8(ascii: "n"): i = try literal(b, i, "null", .null)
                default:
                    throw Failure(offset: i, message: "expected a value, found \(describe(byte))")
                }
                if !stack.isEmpty { stack[stack.count - 1].children += 1 }
                i = skipSpace(b, i)
                expectValue = false
                continue
            }
            // After a value: "," or the closer of the innermost container.
            guard let top = stack.last else {
                throw Failure(offset: i, message: "unexpected \(describe(byte)) after the document")
            }
            let closer = top.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            if byte == UInt8(ascii: ",") {
                i = skipSpace(b, i + 1)
                expectValue = true
            } else if byte == closer {
                if top.isObject { try checkUniqueKeys(top.index, b) }
                close(&stack, at: i)
                i = skipSpace(b, i + 1)
            } else {
                throw Failure(offset: i, message: "expected \",\" or \(describe(closer)), found \(describe(byte))")
            }
        }
    }

    /// Refuses an object whose members repeat a key (RFC 8259 leaves the meaning open: some readers
    /// take the first, some the last, so a crafted record could show one id to one tool and another
    /// to the next). `object` is the index of the object being closed: its members are the nodes from
    /// it to the end of the tape. Pairwise for small objects (no allocation), sorted by a hash for
    /// large ones.
    private func checkUniqueKeys(_ object: Int, _ b: UnsafeBufferPointer<UInt8>) throws(Failure) {
        var keys = 0
        var child = object + 1
        while child < nodes.count {
            keys += 1
            child = Int(nodes[child + 1].next)
        }
        guard keys > 1 else { return }
        if keys <= 32 {
            var first = object + 1
            while first < nodes.count {
                var second = Int(nodes[first + 1].next)
                while second < nodes.count {
                    if keysEqual(first, second, b) { throw duplicate(first, second, b) }
                    second = Int(nodes[second + 1].next)
                }
                first = Int(nodes[first + 1].next)
            }
            return
        }
        var hashed: [(hash: UInt64, key: Int)] = []
        hashed.reserveCapacity(keys)
        child = object + 1
        while child < nodes.count {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a of the raw bytes (escaped keys: of the decoded text)
            let node = nodes[child]
            let text = node.escaped ? Array(JSONValue.unescape(UnsafeBufferPointer(rebasing: b[Int(node.start)..<Int(node.end)])).utf8)
                                    : Array(b[Int(node.start)..<Int(node.end)])
            for byte in text { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            hashed.append((hash, child))
            child = Int(nodes[child + 1].next)
        }
        hashed.sort { $0.hash < $1.hash || ($0.hash == $1.hash && $0.key < $1.key) }
        for k in hashed.indices.dropFirst() where hashed[k].hash == hashed[k - 1].hash {
            if keysEqual(hashed[k - 1].key, hashed[k].key, b) { throw duplicate(hashed[k - 1].key, hashed[k].key, b) }
        }
    }

    private func keysEqual(_ x: Int, _ y: Int, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let p = nodes[x]
        let q = nodes[y]
        if p.escaped || q.escaped {
            return JSONValue.unescape(UnsafeBufferPointer(rebasing: b[Int(p.start)..<Int(p.end)]))
                == JSONValue.unescape(UnsafeBufferPointer(rebasing: b[Int(q.start)..<Int(q.end)]))
        }
        let length = Int(p.end - p.start)
        guard length == Int(q.end - q.start) else { return false }
        let i = Int(p.start)
        let j = Int(q.start)
        for k in 0..<length where b[i + k] != b[j + k] { return false }
        return true
    }

    private func duplicate(_ first: Int, _ second: Int, _ b: UnsafeBufferPointer<UInt8>) -> Failure {
        let node = nodes[second]
        var key = String(decoding: b[Int(node.start)..<min(Int(node.end), Int(node.start) + 64)], as: UTF8.self)
        if node.end - node.start > 64 { key += "…" }
        return Failure(offset: Int(node.start) - 1,
                       message: "duplicate key \"\(key)\" in an object (first at byte \(nodes[first].start - 1))")
    }

    /// Closes the innermost container at its closer `b[i]`; it becomes a value of its parent.
    private func close(_ stack: inout [Open], at i: Int) {
        guard let top = stack.popLast() else { return }
        nodes[top.index].end = Int32(i)
        nodes[top.index].next = Int32(nodes.count)
        if !stack.isEmpty { stack[stack.count - 1].children += 1 }
    }

    /// Reads the string starting at the quote `b[i]`; returns the index after the closing quote.
    private func string(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) throws(Failure) -> Int {
        var j = i + 1
        var escaped = false
        let count = b.count
        while j < count {
            let byte = b[j]
            if byte == UInt8(ascii: "\"") {
                nodes.append(Node(kind: .string, escaped: escaped, start: Int32(i + 1), end: Int32(j), next: Int32(nodes.count + 1)))
                return j + 1
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                guard j + 1 < count else { break }
                switch b[j + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    j += 2
                case UInt8(ascii: "u"):
                    guard j + 5 < count, (2...5).allSatisfy({ isHexDigit(b[j + $0]) }) else {
                        throw Failure(offset: j, message: "invalid \\u escape")
                    }
                    j += 6
                default:
                    throw Failure(offset: j, message: "invalid escape \\\(describe(b[j + 1]))")
                }
                continue
            }
            if byte < 0x20 {
                throw Failure(offset: j, message: "control character \(describe(byte)) in a string")
            }
            j += 1
        }
        throw Failure(offset: i, message: "unterminated string")
    }

    private func number(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) throws(Failure) -> Int {
        var j = i
        let count = b.count
        if b[j] == UInt8(ascii: "-") { j += 1 }
        guard j < count, isDigit(b[j]) else { throw Failure(offset: i, message: "invalid number") }
        if b[j] == UInt8(ascii: "0") { j += 1 } else { while j < count, isDigit(b[j]) { j += 1 } }
        if j < count, b[j] == UInt8(ascii: ".") {
            j += 1
            guard j < count, isDigit(b[j]) else { throw Failure(offset: i, message: "invalid number") }
            while j < count, isDigit(b[j]) { j += 1 }
        }
        if j < count, b[j] | 0x20 == UInt8(ascii: "e") {
            j += 1
            if j < count, b[j] == UInt8(ascii: "+") || b[j] == UInt8(ascii: "-") { j += 1 }
            guard j < count, isDigit(b[j]) else { throw Failure(offset: i, message: "invalid number") }
            while j < count, isDigit(b[j]) { j += 1 }
        }
        nodes.append(Node(kind: .number, escaped: false, start: Int32(i), end: Int32(j), next: Int32(nodes.count + 1)))
        return j
    }

    private func literal(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ word: StaticString, _ kind: Kind) throws(Failure) -> Int {
        let length = word.utf8CodeUnitCount
        let matches = i + length <= b.count && word.withUTF8Buffer { w in
            (0..<length).allSatisfy { b[i + $0] == w[$0] }
        }
        guard matches else { throw Failure(offset: i, message: "invalid literal") }
        nodes.append(Node(kind: kind, escaped: false, start: Int32(i), end: Int32(i + length), next: Int32(nodes.count + 1)))
        return i + length
    }

    private func skipSpace(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        var j = i
        while j < b.count, b[j] == 0x20 || b[j] == 0x0A || b[j] == 0x0D || b[j] == 0x09 { j += 1 }
        return j
    }
}

func describe(_ byte: UInt8) -> String {
    if byte >= 0x21 && byte < 0x7F { return "\"\(Character(Unicode.Scalar(byte)))\"" }
    let digits = String(byte, radix: 16, uppercase: true)
    return "byte 0x" + (digits.count == 1 ? "0" + digits : digits)
}

@inline(__always) func isHexDigit(_ byte: UInt8) -> Bool {
    isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
}

@inline(__always)
func catchingJSON<T>(_ body: () throws(JSONTape.Failure) -> T) -> Result<T, JSONTape.Failure> {
    do {
        return .success(try body())
    } catch {
        return .failure(error)
    }
}
