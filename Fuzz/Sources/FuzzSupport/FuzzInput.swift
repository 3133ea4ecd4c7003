/// A fuzzer input read as a stream of choices (a byte, a small number, a run of raw bytes); past its
/// end every choice is 0 (so a short input still makes a whole, small test case).
public struct FuzzInput {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    public var isAtEnd: Bool { position >= bytes.count }

    /// The next byte, 0 past the end.
    public mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    /// A number in `0..<bound` from the next two bytes.
    public mutating func number(below bound: Int) -> Int {
        precondition(bound > 0, "bound \(bound)")
        let value = Int(byte()) << 8 | Int(byte())
        return value % bound
    }

    /// One of `choices`.
    public mutating func pick<T>(_ choices: [T]) -> T {
        choices[Int(byte()) % choices.count]
    }

    /// The next `count` bytes (fewer at the end).
    public mutating func raw(_ count: Int) -> [UInt8] {
        let end = min(bytes.count, position + count)
        defer { position = end }
        return position < end ? Array(bytes[position..<end]) : []
    }

    /// Everything not yet read.
    public mutating func rest() -> [UInt8] {
        raw(bytes.count - position)
    }
}
