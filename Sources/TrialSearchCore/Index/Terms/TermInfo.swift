/// What the term dictionary knows about one term of a segment: its statistics and where its postings
/// and positions are.
///
/// `docFreq` counts the docs of the segment (deleted ones included, as in Lucene) that contain the term
/// in any field; `fieldDocFreq` the docs that contain it in one field, for field-restricted queries.
public struct TermInfo: Sendable, Equatable {
    /// Docs containing the term in at least one field.
    public var docFreq: Int
    /// Occurrences of the term over all docs and fields.
    public var totalTermFreq: Int
    /// Bit `f` set when some doc has the term in field `f`.
    public var fieldMask: UInt16
    /// Docs containing the term in each field (0 for fields outside `fieldMask`).
    public var fieldDocFreqs: FieldCounts
    /// File offset of the term's postings in the postings file.
    public var postingsOffset: Int
    /// Bytes of the term's postings.
    public var postingsLength: Int
    /// File offset of the term's positions in the positions file.
    public var positionsOffset: Int
    /// Bytes of the term's positions.
    public var positionsLength: Int

    public init(docFreq: Int = 0, totalTermFreq: Int = 0, fieldMask: UInt16 = 0,
                fieldDocFreqs: FieldCounts = FieldCounts(), postingsOffset: Int = 0, postingsLength: Int = 0,
                positionsOffset: Int = 0, positionsLength: Int = 0) {
        self.docFreq = docFreq
        self.totalTermFreq = totalTermFreq
        self.fieldMask = fieldMask
        self.fieldDocFreqs = fieldDocFreqs
        self.postingsOffset = postingsOffset
        self.postingsLength = postingsLength
        self.positionsOffset = positionsOffset
        self.positionsLength = positionsLength
    }

    /// Docs containing the term in `field`.
    public func docFreq(in field: Field) -> Int { Int(fieldDocFreqs[field]) }
}

/// One `UInt32` per `Field`, stored inline (no allocation): per-field docFreqs, termFreqs, sums.
public struct FieldCounts: Sendable, Equatable {
    private var storage: InlineArray<12, UInt32>

    public init() { storage = InlineArray(repeating: 0) }

    @inline(__always)
    public subscript(field: Field) -> UInt32 {
        get { storage[Int(field.rawValue)] }
        set { storage[Int(field.rawValue)] = newValue }
    }

    @inline(__always)
    public subscript(index: Int) -> UInt32 {
        get { storage[index] }
        set { storage[index] = newValue }
    }

    public static func == (lhs: FieldCounts, rhs: FieldCounts) -> Bool {
        for i in 0..<IndexFormat.fieldCount where lhs.storage[i] != rhs.storage[i] { return false }
        return true
    }
}

/// Iterates the fields whose bits are set in `mask`, lowest first.
@inline(__always)
func forEachField(in mask: UInt16, _ body: (Int) -> Void) {
    var m = mask
    while m != 0 {
        body(m.trailingZeroBitCount)
        m &= m - 1
    }
}
