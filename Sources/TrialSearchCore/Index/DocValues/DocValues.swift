/// Reads a segment's doc values (`.dvs`, see `DocValuesWriter`): per-doc columns for filters, display
/// and updates, straight from the mapping.
public struct DocValues: Sendable {
    let file: IndexFile
    public let docCount: Int
    private let offsets: [Int]
    /// Distinct values of the dictionary-coded columns, by code.
    public let registries: [String]
    public let statuses: [String]
    public let studyTypes: [String]
    public let sexes: [String]
    public let countryNames: [String]
    private let registryCodes: Int, statusCodes: Int, studyTypeCodes: Int, sexCodes: Int
    private let countryOffsets: Int, countryCodes: Int

    init(file: IndexFile, expectedDocCount: Int) throws {
        self.file = file
        var r = file.reader()
        docCount = Int(r.readU32())
        let columnCount = Int(r.readU8())
        guard columnCount == DocValuesColumn.allCases.count, docCount == expectedDocCount else {
            throw file.corrupt("doc values: \(columnCount) columns for \(docCount) docs vs expected "
                + "\(DocValuesColumn.allCases.count) for \(expectedDocCount)")
        }
        var offsets: [Int] = []
        var lengths: [Int] = []
        for _ in 0..<columnCount {
            offsets.append(Int(truncatingIfNeeded: r.readU64()))
            lengths.append(Int(truncatingIfNeeded: r.readU64()))
        }
        for (i, column) in DocValuesColumn.allCases.enumerated() {
            guard offsets[i] >= r.position, lengths[i] >= 0, offsets[i] <= file.body.upperBound - lengths[i] else {
                throw file.corrupt("doc values column \(column) at \(offsets[i]) (+\(lengths[i])) outside the body")
            }
        }
        self.offsets = offsets
        let n = docCount
        func dictionary(_ column: DocValuesColumn) throws -> ([String], Int) {
            var d = file.reader(at: offsets[column.rawValue])
            let count = Int(d.readU32())
            guard count <= 65_536 else { throw file.corrupt("doc values dictionary of \(column): \(count) values") }
            var values: [String] = []
            for _ in 0..<count { values.append(d.readString()) }
            let end = offsets[column.rawValue] + lengths[column.rawValue]
            guard !d.failed, d.position + 2 * n <= end else {
                throw file.corrupt("doc values dictionary of \(column) overruns its column")
            }
            return (values, d.position)
        }
        (registries, registryCodes) = try dictionary(.registry)
        (statuses, statusCodes) = try dictionary(.overallStatus)
        (studyTypes, studyTypeCodes) = try dictionary(.studyType)
        (sexes, sexCodes) = try dictionary(.sex)
        let (countries, countryStart) = try dictionary(.countries)
        countryNames = countries
        countryOffsets = countryStart
        countryCodes = countryStart + 4 * (n + 1)
        // Fixed-width columns must have exactly their size, and offsets must stay in their column.
        let fixed: [(DocValuesColumn, Int)] = [(.idOrder, 4 * n), (.phases, n), (.minimumAge, 8 * n),
            (.maximumAge, 8 * n), (.lastUpdated, 4 * n), (.authority, n), (.contentHash, 8 * n), (.enrollment, 4 * n)]
        for (column, size) in fixed where lengths[column.rawValue] != size {
            throw file.corrupt("doc values column \(column): actual \(lengths[column.rawValue]) bytes vs expected \(size)")
        }
        let idsLength = lengths[DocValuesColumn.ids.rawValue]
        guard idsLength >= 4 * (n + 1),
              Int(Self.u32(file.base, offsets[0] + 4 * n)) == idsLength - 4 * (n + 1) else {
            throw file.corrupt("doc values ids column: string table length does not match its offsets")
        }
        let countriesEnd = offsets[DocValuesColumn.countries.rawValue] + lengths[DocValuesColumn.countries.rawValue]
        guard countryCodes <= countriesEnd,
              countryCodes + 2 * Int(Self.u32(file.base, countryOffsets + 4 * n)) == countriesEnd else {
            throw file.corrupt("doc values countries column: code list length does not match its offsets")
        }
        for d in 0..<n {
            let a = Self.u32(file.base, offsets[0] + 4 * d), b = Self.u32(file.base, offsets[0] + 4 * d + 4)
            let c = Self.u32(file.base, countryOffsets + 4 * d), e = Self.u32(file.base, countryOffsets + 4 * d + 4)
            guard a < b, c <= e, Int(Self.u32(file.base, offsets[1] + 4 * d)) < n else {
                throw file.corrupt("doc values of doc \(d): empty id, offsets out of order or doc number out of range")
            }
        }
    }

    @inline(__always)
    private static func u32(_ base: UnsafeRawPointer, _ offset: Int) -> UInt32 {
        UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    private func u16(_ offset: Int) -> UInt16 {
        UInt16(littleEndian: file.base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    private func column(_ c: DocValuesColumn) -> Int { offsets[c.rawValue] }

    /// The trial id's UTF-8 bytes of `doc` (valid while the segment is open).
    @inline(__always)
    public func idBytes(_ doc: DocID) -> UnsafeRawBufferPointer {
        let base = column(.ids)
        let n = docCount
        let start = Int(Self.u32(file.base, base + 4 * Int(doc)))
        let end = Int(Self.u32(file.base, base + 4 * Int(doc) + 4))
        return UnsafeRawBufferPointer(start: file.base + base + 4 * (n + 1) + start, count: end - start)
    }

    /// The id column's pointers (`IDColumn`).
    var idColumn: IDColumn {
        let start = file.base + column(.ids)
        return IDColumn(offsets: start, strings: start + 4 * (docCount + 1))
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

    /// The docs whose trial id is `id`, in DocID order (a segment holds several only when all but one
    /// are deleted: records replaced within the run that wrote it).
    /// - Complexity: O(log docCount) comparisons.
    public func docs(for id: TrialID) -> [DocID] {
        var key = id.rawValue
        return key.withUTF8 { keyBytes in
            let key = UnsafeRawBufferPointer(keyBytes)
            let order = column(.idOrder)
            var low = 0, high = docCount
            while low < high {
                let mid = (low + high) >> 1
                let d = DocID(Self.u32(file.base, order + 4 * mid))
                if compareBytes(idBytes(d), key) < 0 { low = mid + 1 } else { high = mid }
            }
            var found: [DocID] = []
            while low < docCount {
                let d = DocID(Self.u32(file.base, order + 4 * low))
                guard compareBytes(idBytes(d), key) == 0 else { break }
                found.append(d)
                low += 1
            }
            return found
        }
    }

    /// The first doc whose trial id is `id` (deleted or not), or nil.
    public func doc(for id: TrialID) -> DocID? { docs(for: id).first }

    /// Code of `doc` in `registries`.
    public func registryCode(_ doc: DocID) -> Int { Int(u16(registryCodes + 2 * Int(doc))) }
    public func registry(_ doc: DocID) -> String { Self.value(registries, registryCode(doc)) }
    /// Code of `doc` in `statuses`.
    public func statusCode(_ doc: DocID) -> Int { Int(u16(statusCodes + 2 * Int(doc))) }
    public func overallStatus(_ doc: DocID) -> String { Self.value(statuses, statusCode(doc)) }
    /// Code of `doc` in `studyTypes`.
    public func studyTypeCode(_ doc: DocID) -> Int { Int(u16(studyTypeCodes + 2 * Int(doc))) }
    public func studyType(_ doc: DocID) -> String { Self.value(studyTypes, studyTypeCode(doc)) }
    /// Code of `doc` in `sexes`.
    public func sexCode(_ doc: DocID) -> Int { Int(u16(sexCodes + 2 * Int(doc))) }
    public func sex(_ doc: DocID) -> String { Self.value(sexes, sexCode(doc)) }

    public func phases(_ doc: DocID) -> PhaseSet {
        PhaseSet(rawValue: file.base.load(fromByteOffset: column(.phases) + Int(doc), as: UInt8.self))
    }

    /// Minimum age in years, nil when none.
    public func minimumAgeYears(_ doc: DocID) -> Double? { double(.minimumAge, doc) }
    /// Maximum age in years, nil when none.
    public func maximumAgeYears(_ doc: DocID) -> Double? { double(.maximumAge, doc) }

    private func double(_ c: DocValuesColumn, _ doc: DocID) -> Double? {
        let v = Double(bitPattern: UInt64(littleEndian: file.base.loadUnaligned(fromByteOffset: column(c) + 8 * Int(doc), as: UInt64.self)))
        return v.isNaN ? nil : v
    }

    /// Codes (in `countryNames`) of the countries of `doc`.
    public func countryCodes(_ doc: DocID) -> [Int] {
        let a = Int(Self.u32(file.base, countryOffsets + 4 * Int(doc)))
        let b = Int(Self.u32(file.base, countryOffsets + 4 * Int(doc) + 4))
        return (a..<b).map { Int(u16(countryCodes + 2 * $0)) }
    }

    public func countries(_ doc: DocID) -> [String] { countryCodes(doc).map { Self.value(countryNames, $0) } }

    /// `UpdateKey.dateKey` of the trial's `lastUpdated` (0 when none).
    public func lastUpdatedKey(_ doc: DocID) -> Int32 {
        Int32(bitPattern: Self.u32(file.base, column(.lastUpdated) + 4 * Int(doc)))
    }

    /// `PartialDate.ordinal` of the trial's `lastUpdated`, nil when none.
    public func lastUpdatedOrdinal(_ doc: DocID) -> Int? {
        let key = lastUpdatedKey(doc)
        return key == 0 ? nil : Int(key >> 1)
    }

    /// `RecordFormat.authority` of the record's format.
    public func authority(_ doc: DocID) -> Int {
        Int(file.base.load(fromByteOffset: column(.authority) + Int(doc), as: UInt8.self))
    }

    /// Hash of the record's content (source file and entry excluded).
    public func contentHash(_ doc: DocID) -> UInt64 {
        UInt64(littleEndian: file.base.loadUnaligned(fromByteOffset: column(.contentHash) + 8 * Int(doc), as: UInt64.self))
    }

    /// Number of participants, nil when not given.
    public func enrollment(_ doc: DocID) -> Int? {
        let v = Int32(bitPattern: Self.u32(file.base, column(.enrollment) + 4 * Int(doc)))
        return v < 0 ? nil : Int(v)
    }

    private static func value(_ values: [String], _ code: Int) -> String { code < values.count ? values[code] : "" }

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
