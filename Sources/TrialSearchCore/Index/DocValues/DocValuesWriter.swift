/// The per-doc values of one trial that go into the doc-values columns.
struct DocValuesRecord {
    var id: String
    var registry: String
    var overallStatus: String
    var studyType: String
    var sex: String
    var phases: UInt8
    var minimumAgeYears: Double
    var maximumAgeYears: Double
    var countries: [String]
    var lastUpdatedKey: Int32
    var authority: UInt8
    var contentHash: UInt64
    var enrollment: Int32

    /// Borrows `trial` (an owned parameter made every indexed `Trial` be copied for the call: a retain
    /// and a release of each of its strings and arrays).
    init(trial: borrowing Trial, contentHash: UInt64) {
        id = trial.id.rawValue
        registry = trial.registry
        overallStatus = trial.overallStatus
        studyType = trial.studyType
        sex = trial.eligibility.sex
        phases = PhaseSet(trial.phases).rawValue
        minimumAgeYears = trial.eligibility.minimumAgeYears ?? .nan
        maximumAgeYears = trial.eligibility.maximumAgeYears ?? .nan
        countries = trial.countries
        lastUpdatedKey = UpdateKey.dateKey(trial.lastUpdated)
        authority = UInt8(trial.source.format.authority)
        self.contentHash = contentHash
        enrollment = trial.enrollment.map { Int32(clamping: $0) } ?? -1
    }

    init(id: String, registry: String, overallStatus: String, studyType: String, sex: String, phases: UInt8,
         minimumAgeYears: Double, maximumAgeYears: Double, countries: [String], lastUpdatedKey: Int32,
         authority: UInt8, contentHash: UInt64, enrollment: Int32) {
        self.id = id
        self.registry = registry
        self.overallStatus = overallStatus
        self.studyType = studyType
        self.sex = sex
        self.phases = phases
        self.minimumAgeYears = minimumAgeYears
        self.maximumAgeYears = maximumAgeYears
        self.countries = countries
        self.lastUpdatedKey = lastUpdatedKey
        self.authority = authority
        self.contentHash = contentHash
        self.enrollment = enrollment
    }
}

/// The columns of doc values, in file order.
enum DocValuesColumn: Int, CaseIterable {
    case ids, idOrder, registry, overallStatus, studyType, sex, phases, minimumAge, maximumAge, countries,
         lastUpdated, authority, contentHash, enrollment
}

/// A string dictionary coding: each distinct value gets a code, in first-seen order.
struct StringDictionary {
    private(set) var values: [String] = []
    private var codes: [String: UInt16] = [:]
    /// The last value coded and its code: consecutive docs mostly share a registry, a sex, a status, a
    /// study type, a country, and comparing with the last value (a string compare, the two words of a
    /// small string) costs much less than hashing it for the dictionary (about 430 instructions a value).
    private var lastValue = ""
    private var lastCode: UInt16? = nil

    mutating func code(_ value: String) -> UInt16 {
        if let lastCode, value == lastValue { return lastCode }
        let c = dictionaryCode(value)
        lastValue = value
        lastCode = c
        return c
    }

    private mutating func dictionaryCode(_ value: String) -> UInt16 {
        if let c = codes[value] { return c }
        precondition(values.count < Int(UInt16.max), "more than 65,535 distinct doc values")
        let c = UInt16(values.count)
        values.append(value)
        codes[value] = c
        return c
    }

    /// `count:u32 (length:vint bytes)^count`.
    func encode(into out: inout [UInt8]) {
        out.appendU32(UInt32(values.count))
        for v in values { out.appendString(v) }
    }
}

/// Accumulates doc values in memory, then writes the doc-values file (`.dvs`), format 10.
///
/// Format 10 (every column O(1) to read at any doc):
/// ```
/// Body    := docCount:u32 columnCount:u8 (offset:u64 length:u64)^columnCount Column^columnCount
/// ids         := PackedOffsets(docCount+1) utf8Bytes      (trial id of doc d = bytes[offset(d)..<offset(d+1)])
/// idOrder     := PackedInts(docCount)                     (docs sorted by id bytes: TrialID → DocID)
/// registry, overallStatus, studyType, sex := Dictionary PackedInts(docCount)   (codes)
/// phases      := bits:u8^docCount                         (`PhaseSet`)
/// minimumAge, maximumAge := count:u32 years:f64^count PackedInts(docCount)
///                                                         (distinct bit patterns in first-seen order, then
///                                                          each doc's code; NaN when none)
/// countries   := Dictionary PackedOffsets(docCount+1) PackedInts(offset(docCount))   (codes)
/// lastUpdated := PackedInts(docCount)                     (`UpdateKey.dateKey`, none 0)
/// authority   := u8^docCount                              (`RecordFormat.authority`)
/// contentHash := u64^docCount                             (`TrialCodec.contentHash`)
/// enrollment  := PackedInts(docCount)                     (none −1)
/// Dictionary  := count:u32 (length:vint utf8Bytes)^count  (codes in first-seen order)
/// ```
/// `PackedInts` and `PackedOffsets` are specified where they are defined: fixed-width offsets from a
/// base (1 byte for a dictionary of up to 256 values), and a `u32` anchor every 2^shift offsets with
/// a stride and narrow deltas. Columns appear in `DocValuesColumn` order, each exactly its length; offsets are file
/// offsets. Example: two docs `NCT01` (Recruiting) and `NCT02` (Completed) give the ids column
/// `03 05 00 00 00 00 00 00 00 00 00×8 00×8 4E 43 54 30 31 4E 43 54 30 32` (shift 3, stride 5,
/// one anchor 0, deltas of width 0), idOrder `01 00×8 00×8 00 01` and overallStatus
/// `02 00 00 00 0A 52 65 63 72 75 69 74 69 6E 67 09 43 6F 6D 70 6C 65 74 65 64 01 00×8 00×8 00 01`.
///
/// Formats 5 to 9 (still read by `DocValues`) had the same body and columns with plain fields:
/// ```
/// ids         := offset:u32^(docCount+1) utf8Bytes
/// idOrder     := doc:u32^docCount
/// registry, overallStatus, studyType, sex := Dictionary code:u16^docCount
/// minimumAge, maximumAge := years:f64^docCount
/// countries   := Dictionary offset:u32^(docCount+1) code:u16^offset[docCount]
/// lastUpdated := key:i32^docCount
/// enrollment  := i32^docCount
/// ```
/// (phases, authority and contentHash as in format 10).
struct DocValuesWriter {
    private(set) var docCount = 0
    private var idBytes: [UInt8] = []
    private var idOffsets: [UInt32] = [0]
    private var registry = StringDictionary(), registryCodes: [UInt16] = []
    private var status = StringDictionary(), statusCodes: [UInt16] = []
    private var studyType = StringDictionary(), studyTypeCodes: [UInt16] = []
    private var sex = StringDictionary(), sexCodes: [UInt16] = []
    private var phases: [UInt8] = []
    private var minimumAge: [Double] = []
    private var maximumAge: [Double] = []
    private var countries = StringDictionary(), countryOffsets: [UInt32] = [0], countryCodes: [UInt16] = []
    private var lastUpdated: [Int32] = []
    private var authority: [UInt8] = []
    private var contentHash: [UInt64] = []
    private var enrollment: [Int32] = []

    /// Approximate heap bytes held (for the RAM budget).
    var memoryUsage: Int {
        idBytes.capacity + idOffsets.capacity * 4 + docCount * 40 + countryCodes.capacity * 2
    }

    mutating func add(_ r: DocValuesRecord) {
        idBytes.append(contentsOf: r.id.utf8)
        idOffsets.append(UInt32(idBytes.count))
        registryCodes.append(registry.code(r.registry))
        statusCodes.append(status.code(r.overallStatus))
        studyTypeCodes.append(studyType.code(r.studyType))
        sexCodes.append(sex.code(r.sex))
        phases.append(r.phases)
        minimumAge.append(r.minimumAgeYears)
        maximumAge.append(r.maximumAgeYears)
        for c in r.countries { countryCodes.append(countries.code(c)) }
        countryOffsets.append(UInt32(countryCodes.count))
        lastUpdated.append(r.lastUpdatedKey)
        authority.append(r.authority)
        contentHash.append(r.contentHash)
        enrollment.append(r.enrollment)
        docCount += 1
    }

    /// Appends the docs of `other` after these (a flush joining several in-memory segments), its
    /// dictionary codes translated into this writer's.
    mutating func append(_ other: DocValuesWriter) {
        func translate(_ codes: [UInt16], from source: StringDictionary, into target: inout StringDictionary) -> [UInt16] {
            let map = source.values.map { target.code($0) }
            return codes.map { map[Int($0)] }
        }
        let base = UInt32(idBytes.count)
        idBytes.append(contentsOf: other.idBytes)
        idOffsets.append(contentsOf: other.idOffsets.dropFirst().map { $0 + base })
        registryCodes += translate(other.registryCodes, from: other.registry, into: &registry)
        statusCodes += translate(other.statusCodes, from: other.status, into: &status)
        studyTypeCodes += translate(other.studyTypeCodes, from: other.studyType, into: &studyType)
        sexCodes += translate(other.sexCodes, from: other.sex, into: &sex)
        phases += other.phases
        minimumAge += other.minimumAge
        maximumAge += other.maximumAge
        let countryBase = UInt32(countryCodes.count)
        countryCodes += translate(other.countryCodes, from: other.countries, into: &countries)
        countryOffsets.append(contentsOf: other.countryOffsets.dropFirst().map { $0 + countryBase })
        lastUpdated += other.lastUpdated
        authority += other.authority
        contentHash += other.contentHash
        enrollment += other.enrollment
        docCount += other.docCount
    }

    /// The id of doc `d` added so far.
    func id(_ d: Int) -> String {
        String(decoding: idBytes[Int(idOffsets[d])..<Int(idOffsets[d + 1])], as: UTF8.self)
    }

    func write(path: String, segmentID: UInt64, durable: Bool = true) throws -> Int {
        let output = try IndexOutput(path: path, formatName: SegmentFile.docValues.formatName, segmentID: segmentID,
                                     durable: durable)
        var columns: [[UInt8]] = []
        for column in DocValuesColumn.allCases { columns.append(encode(column)) }
        var head: [UInt8] = []
        head.appendU32(UInt32(docCount))
        head.append(UInt8(columns.count))
        var offset = output.position + 5 + 16 * columns.count
        for c in columns {
            head.appendU64(UInt64(offset))
            head.appendU64(UInt64(c.count))
            offset += c.count
        }
        try output.write(head)
        for c in columns { try output.write(c) }
        return try output.finish()
    }

    private func encode(_ column: DocValuesColumn) -> [UInt8] {
        var out: [UInt8] = []
        switch column {
        case .ids:
            PackedOffsets.encode(idOffsets, into: &out)
            out.append(contentsOf: idBytes)
        case .idOrder:
            let order = idBytes.withUnsafeBytes { bytes in
                (0..<docCount).sorted { a, b in
                    let x = UnsafeRawBufferPointer(rebasing: bytes[Int(idOffsets[a])..<Int(idOffsets[a + 1])])
                    let y = UnsafeRawBufferPointer(rebasing: bytes[Int(idOffsets[b])..<Int(idOffsets[b + 1])])
                    let c = compareBytes(x, y)
                    return c != 0 ? c < 0 : a < b
                }
            }
            PackedIntsWriter.encode(order.lazy.map { Int64($0) }, into: &out)
        case .registry: Self.encode(registry, registryCodes, into: &out)
        case .overallStatus: Self.encode(status, statusCodes, into: &out)
        case .studyType: Self.encode(studyType, studyTypeCodes, into: &out)
        case .sex: Self.encode(sex, sexCodes, into: &out)
        case .phases: out.append(contentsOf: phases)
        case .minimumAge: Self.encode(minimumAge, into: &out)
        case .maximumAge: Self.encode(maximumAge, into: &out)
        case .countries:
            countries.encode(into: &out)
            PackedOffsets.encode(countryOffsets, into: &out)
            PackedIntsWriter.encode(countryCodes.lazy.map { Int64($0) }, into: &out)
        case .lastUpdated: PackedIntsWriter.encode(lastUpdated.lazy.map { Int64($0) }, sentinel: 0, into: &out)
        case .authority: out.append(contentsOf: authority)
        case .contentHash: for v in contentHash { out.appendU64(v) }
        case .enrollment: PackedIntsWriter.encode(enrollment.lazy.map { Int64($0) }, sentinel: -1, into: &out)
        }
        return out
    }

    private static func encode(_ dictionary: StringDictionary, _ codes: [UInt16], into out: inout [UInt8]) {
        dictionary.encode(into: &out)
        PackedIntsWriter.encode(codes.lazy.map { Int64($0) }, into: &out)
    }

    /// `count:u32 years:f64^count PackedInts(codes)`: the distinct bit patterns in first-seen order.
    private static func encode(_ years: [Double], into out: inout [UInt8]) {
        var table: [UInt64] = []
        var codes: [UInt64: Int64] = [:]
        let docCodes = years.map { y in
            let bits = y.bitPattern
            if let c = codes[bits] { return c }
            let c = Int64(table.count)
            table.append(bits)
            codes[bits] = c
            return c
        }
        out.appendU32(UInt32(table.count))
        for bits in table { out.appendU64(bits) }
        PackedIntsWriter.encode(docCodes, into: &out)
    }
}
