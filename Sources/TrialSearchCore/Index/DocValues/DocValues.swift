/// Reads a segment's doc values (`.dvs`, see `DocValuesWriter`): per-doc columns for filters, display
/// and updates, straight from the mapping.
public struct DocValues: Sendable {
    let file: IndexFile
    public let docCount: Int
    /// Where the columns lie and how they are coded (format 10 or older).
    let layout: DocValuesLayout
    /// Distinct values of the dictionary-coded columns, by code.
    public var registries: [String] { layout.registries }
    public var statuses: [String] { layout.statuses }
    public var studyTypes: [String] { layout.studyTypes }
    public var sexes: [String] { layout.sexes }
    public var countryNames: [String] { layout.countryNames }

    init(file: IndexFile, expectedDocCount: Int) throws {
        self.file = file
        docCount = expectedDocCount
        layout = try DocValuesLayout(file: file, expectedDocCount: expectedDocCount)
    }

    /// The trial id's UTF-8 bytes of `doc` (valid while the segment is open).
    @inline(__always)
    public func idBytes(_ doc: DocID) -> UnsafeRawBufferPointer {
        idColumn.idBytes(doc)
    }

    /// The id column's pointers (`IDColumn`).
    var idColumn: IDColumn {
        let packed = file.version >= IndexFormat.packedDocValuesVersion
        return IDColumn(strings: file.base + layout.idStrings, length: layout.idLength,
                        offsets: file.base + (packed ? layout.idOffsets.anchors - 5 : layout.idOffsets.anchors),
                        count: packed ? docCount + 1 : -2 - docCount)
    }

    /// The trial id of `doc`.
    @inline(__always)
    public func trialID(_ doc: DocID) -> TrialID { Self.trialID(idBytes(doc)) }

    /// The trial id whose stored bytes are `bytes`. Ids of 8–15 ASCII bytes (`NCT00000102`) are built
    /// as small strings from two loads (`SmallASCIIString`, about 15 instructions); others are copied
    /// into the new string's storage, which repairs invalid UTF-8 as `String(decoding:as:)` does (that
    /// took about 190 instructions an id, its generic validation path; the copy about 150).
    @inline(__always)
    static func trialID(_ bytes: UnsafeRawBufferPointer) -> TrialID {
        if let small = SmallASCIIString.make(bytes) { return TrialID(storedRawValue: small) }
        return copiedTrialID(bytes)
    }

    /// `trialID` for ids that are not small ASCII strings. Static and not inlined: an instance method
    /// that is not inlined had the hits' loop copy the whole `DocValues` (its arrays retained and
    /// released) for every hit.
    @inline(never)
    static func copiedTrialID(_ bytes: UnsafeRawBufferPointer) -> TrialID {
        TrialID(storedRawValue: String(unsafeUninitializedCapacity: bytes.count) { target in
            // Ids are a dozen bytes: a loop, not a `memcpy` call.
            for i in 0..<bytes.count { target[i] = bytes[i] }
            return bytes.count
        })
    }

    /// The positions in the id order (`doc(inIDOrder:)`) of the docs whose trial id is `id`, in DocID
    /// order (a segment holds several only when all but one are deleted: records replaced within the
    /// run that wrote it). No allocation.
    /// - Complexity: O(log docCount) comparisons.
    public func idOrderRange(for id: TrialID) -> Range<Int> {
        var key = id.rawValue
        return key.withUTF8 { keyBytes in
            let key = UnsafeRawBufferPointer(keyBytes)
            var low = 0, high = docCount
            while low < high {
                let mid = (low + high) >> 1
                if compareBytes(idBytes(doc(inIDOrder: mid)), key) < 0 { low = mid + 1 } else { high = mid }
            }
            var end = low
            while end < docCount, compareBytes(idBytes(doc(inIDOrder: end)), key) == 0 { end += 1 }
            return low..<end
        }
    }

    /// The doc at `position` of the docs sorted by id bytes (then DocID).
    @inline(__always)
    public func doc(inIDOrder position: Int) -> DocID { DocID(truncatingIfNeeded: layout.idOrder.value(file.base, position)) }

    /// The docs whose trial id is `id`, in DocID order.
    public func docs(for id: TrialID) -> [DocID] { idOrderRange(for: id).map { doc(inIDOrder: $0) } }

    /// The first doc whose trial id is `id` (deleted or not), or nil.
    public func doc(for id: TrialID) -> DocID? {
        let range = idOrderRange(for: id)
        return range.isEmpty ? nil : doc(inIDOrder: range.lowerBound)
    }

    /// Code of `doc` in `registries`.
    public func registryCode(_ doc: DocID) -> Int { code(layout.registry, doc) }
    public func registry(_ doc: DocID) -> String { Self.value(registries, registryCode(doc)) }
    /// Code of `doc` in `statuses`.
    public func statusCode(_ doc: DocID) -> Int { code(layout.overallStatus, doc) }
    public func overallStatus(_ doc: DocID) -> String { Self.value(statuses, statusCode(doc)) }
    /// Code of `doc` in `studyTypes`.
    public func studyTypeCode(_ doc: DocID) -> Int { code(layout.studyType, doc) }
    public func studyType(_ doc: DocID) -> String { Self.value(studyTypes, studyTypeCode(doc)) }
    /// Code of `doc` in `sexes`.
    public func sexCode(_ doc: DocID) -> Int { code(layout.sex, doc) }
    public func sex(_ doc: DocID) -> String { Self.value(sexes, sexCode(doc)) }

    @inline(__always)
    private func code(_ column: PackedInts, _ doc: DocID) -> Int { Int(truncatingIfNeeded: column.value(file.base, Int(doc))) }

    public func phases(_ doc: DocID) -> PhaseSet {
        PhaseSet(rawValue: file.base.load(fromByteOffset: layout.phases + Int(doc), as: UInt8.self))
    }

    /// Minimum age in years, nil when none.
    public func minimumAgeYears(_ doc: DocID) -> Double? {
        let v = layout.minimumAge.years(file.base, Int(doc))
        return v.isNaN ? nil : v
    }

    /// Maximum age in years, nil when none.
    public func maximumAgeYears(_ doc: DocID) -> Double? {
        let v = layout.maximumAge.years(file.base, Int(doc))
        return v.isNaN ? nil : v
    }

    /// Codes (in `countryNames`) of the countries of `doc`.
    public func countryCodes(_ doc: DocID) -> [Int] {
        let a = layout.countryOffsets.offset(file.base, Int(doc)), b = layout.countryOffsets.offset(file.base, Int(doc) + 1)
        return (a..<b).map { Int(truncatingIfNeeded: layout.countryCodes.value(file.base, $0)) }
    }

    public func countries(_ doc: DocID) -> [String] { countryCodes(doc).map { Self.value(countryNames, $0) } }

    /// `UpdateKey.dateKey` of the trial's `lastUpdated` (0 when none).
    public func lastUpdatedKey(_ doc: DocID) -> Int32 {
        Int32(truncatingIfNeeded: layout.lastUpdated.value(file.base, Int(doc)))
    }

    /// `PartialDate.ordinal` of the trial's `lastUpdated`, nil when none.
    public func lastUpdatedOrdinal(_ doc: DocID) -> Int? {
        let key = lastUpdatedKey(doc)
        return key == 0 ? nil : Int(key >> 1)
    }

    /// `RecordFormat.authority` of the record's format.
    public func authority(_ doc: DocID) -> Int {
        Int(file.base.load(fromByteOffset: layout.authority + Int(doc), as: UInt8.self))
    }

    /// Hash of the record's content (source file and entry excluded).
    public func contentHash(_ doc: DocID) -> UInt64 {
        UInt64(littleEndian: file.base.loadUnaligned(fromByteOffset: layout.contentHash + 8 * Int(doc), as: UInt64.self))
    }

    /// Number of participants, nil when not given.
    public func enrollment(_ doc: DocID) -> Int? {
        let v = Int32(truncatingIfNeeded: layout.enrollment.value(file.base, Int(doc)))
        return v < 0 ? nil : Int(v)
    }

    private static func value(_ values: [String], _ code: Int) -> String {
        code >= 0 && code < values.count ? values[code] : ""
    }

    /// The record of `doc` as the writer took it (for merging).
    func record(_ doc: DocID) -> DocValuesRecord {
        DocValuesRecord(
            id: String(decoding: idBytes(doc), as: UTF8.self), registry: registry(doc),
            overallStatus: overallStatus(doc), studyType: studyType(doc), sex: sex(doc), phases: phases(doc).rawValue,
            minimumAgeYears: minimumAgeYears(doc) ?? .nan, maximumAgeYears: maximumAgeYears(doc) ?? .nan,
            countries: countries(doc), lastUpdatedKey: lastUpdatedKey(doc), authority: UInt8(authority(doc)),
            contentHash: contentHash(doc), enrollment: Int32(enrollment(doc) ?? -1))
    }
}

extension TrialID {
    /// An id read back from the index, where it was stored already trimmed and non-empty.
    init(storedRawValue: String) { self.rawValue = storedRawValue }
}
