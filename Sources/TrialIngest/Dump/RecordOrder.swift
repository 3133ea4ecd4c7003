/// The place of a record in input order: the unit of work it came from (a file, an archive entry, a
/// record of a multi-record file, numbered in input order) and its index among that unit's records (a
/// unit such as a JSON array or an archive inside an archive holds many).
///
/// Lets a consumer that takes results as the workers produce them (`DumpReader.read`) settle ties by
/// input order afterwards, so that its outcome never depends on thread timing.
public struct RecordOrder: Sendable, Hashable, Comparable {
    /// The unit's number in input order.
    public var unit: Int
    /// The record's index among the unit's results (failures included).
    public var index: Int

    public init(unit: Int, index: Int) {
        self.unit = unit
        self.index = index
    }

    public static func < (a: RecordOrder, b: RecordOrder) -> Bool { (a.unit, a.index) < (b.unit, b.index) }

    /// Bits of `index` in `sequence`.
    static let indexBits = 24

    /// One integer with the same order: `unit · 2²⁴ + index`. Exact while a unit yields fewer than
    /// 2²⁴ (16.7 M) records and there are fewer than 2³⁹ units; a record past that index in its unit
    /// shares the last sequence number (input order among such records is then not kept).
    public var sequence: Int {
        precondition(unit >= 0 && unit < 1 << (63 - RecordOrder.indexBits), "unit \(unit)")
        return unit << RecordOrder.indexBits | min(index, (1 << RecordOrder.indexBits) - 1)
    }
}
