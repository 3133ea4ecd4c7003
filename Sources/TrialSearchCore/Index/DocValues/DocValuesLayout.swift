/// Where each column of a doc-values file (`.dvs`, `DocValuesWriter`) lies and how it is coded: read
/// and checked once when the segment opens, for format 10's packed columns and formats 5–9's plain ones
/// alike, so that every accessor of `DocValues` reads any format the same way.
struct DocValuesLayout: Sendable {
    var idOffsets: PackedOffsets
    /// File offset of the ids' UTF-8 bytes.
    var idStrings: Int
    /// The length of every id when they all have one (then doc d's id is at `idStrings + idLength · d`),
    /// else 0.
    var idLength = 0
    var idOrder: PackedInts
    var registry: PackedInts, overallStatus: PackedInts, studyType: PackedInts, sex: PackedInts
    /// File offset of the `u8` phase bits.
    var phases: Int
    var minimumAge: AgeColumn, maximumAge: AgeColumn
    var countryOffsets: PackedOffsets
    var countryCodes: PackedInts
    var lastUpdated: PackedInts
    /// File offsets of the `u8` authorities and `u64` content hashes.
    var authority: Int, contentHash: Int
    var enrollment: PackedInts
    /// Dictionaries of registry, overallStatus, studyType, sex and countries.
    var registries: [String], statuses: [String], studyTypes: [String], sexes: [String], countryNames: [String]

    /// An age column: format 10's table of distinct values and codes into it, or formats 5–9's `f64`s.
    struct AgeColumn: Sendable {
        /// File offset of the `f64` table (format 10) or of the docs' `f64`s (older formats).
        let table: Int
        let tableCount: Int
        /// Codes into the table; nil for older formats.
        let codes: PackedInts?

        /// The years of `doc` (NaN when none).
        @inline(__always)
        func years(_ file: UnsafeRawPointer, _ doc: Int) -> Double {
            var at = table + 8 * doc
            if let codes { at = table + 8 * Int(codes.value(file, doc)) }
            return Double(bitPattern: UInt64(littleEndian: file.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
        }
    }

    init(file: IndexFile, expectedDocCount: Int) throws {
        var r = file.reader()
        let n = Int(r.readU32())
        let columnCount = Int(r.readU8())
        guard !r.failed, columnCount == DocValuesColumn.allCases.count, n == expectedDocCount else {
            throw file.corrupt("doc values: \(columnCount) columns for \(n) docs vs expected "
                + "\(DocValuesColumn.allCases.count) for \(expectedDocCount)")
        }
        var spans: [Range<Int>] = []
        for column in DocValuesColumn.allCases {
            let offset = Int(truncatingIfNeeded: r.readU64()), length = Int(truncatingIfNeeded: r.readU64())
            guard !r.failed, length >= 0, offset >= r.position, offset <= file.body.upperBound - length else {
                throw file.corrupt("doc values column \(column) at \(offset) (+\(length)) outside the body")
            }
            spans.append(offset..<(offset + length))
        }
        func span(_ c: DocValuesColumn) -> Range<Int> { spans[c.rawValue] }
        func dictionary(_ c: DocValuesColumn) throws -> ([String], Int) {
            var d = ByteReader(base: file.base, end: span(c).upperBound, position: span(c).lowerBound)
            let count = Int(d.readU32())
            guard count <= 65_536 else { throw file.corrupt("doc values dictionary of \(c): \(count) values") }
            var values: [String] = []
            for _ in 0..<count { values.append(d.readString()) }
            guard !d.failed else { throw file.corrupt("doc values dictionary of \(c) overruns its column") }
            return (values, d.position)
        }
        func exact(_ c: DocValuesColumn, _ end: Int) throws {
            guard end == span(c).upperBound else {
                throw file.corrupt("doc values column \(c): actual \(span(c).count) bytes vs expected "
                    + "\(end - span(c).lowerBound)")
            }
        }
        func fixed(_ c: DocValuesColumn, _ width: Int) throws -> Int {
            try exact(c, span(c).lowerBound + width * n)
            return span(c).lowerBound
        }
        let base = file.base
        let dictionaries = try [DocValuesColumn.registry, .overallStatus, .studyType, .sex, .countries].map(dictionary)
        (registries, statuses, studyTypes, sexes, countryNames) = (dictionaries[0].0, dictionaries[1].0,
            dictionaries[2].0, dictionaries[3].0, dictionaries[4].0)
        phases = try fixed(.phases, 1)
        authority = try fixed(.authority, 1)
        contentHash = try fixed(.contentHash, 8)
        let countriesAt = dictionaries[4].1
        if file.version >= IndexFormat.packedDocValuesVersion {
            func packed(_ c: DocValuesColumn, at offset: Int, count: Int) throws -> (PackedInts, Int) {
                guard offset <= span(c).upperBound - PackedInts.headerLength,
                      let p = PackedInts.read(base, at: offset),
                      p.start + p.byteCount(count) <= span(c).upperBound else {
                    throw file.corrupt("doc values column \(c): bad packed integers at \(offset)")
                }
                return (p, p.start + p.byteCount(count))
            }
            func whole(_ c: DocValuesColumn, at offset: Int? = nil) throws -> PackedInts {
                let (p, end) = try packed(c, at: offset ?? span(c).lowerBound, count: n)
                try exact(c, end)
                return p
            }
            func offsets(_ c: DocValuesColumn, at offset: Int) throws -> (PackedOffsets, Int) {
                guard let (o, end) = PackedOffsets.read(base, at: offset, count: n + 1, end: span(c).upperBound) else {
                    throw file.corrupt("doc values column \(c): bad packed offsets at \(offset)")
                }
                return (o, end)
            }
            func age(_ c: DocValuesColumn) throws -> AgeColumn {
                var t = ByteReader(base: base, end: span(c).upperBound, position: span(c).lowerBound)
                let count = Int(t.readU32())
                t.skip(8 * count)
                guard !t.failed else { throw file.corrupt("doc values column \(c): table overruns its column") }
                return AgeColumn(table: span(c).lowerBound + 4, tableCount: count, codes: try whole(c, at: t.position))
            }
            let ids = try offsets(.ids, at: span(.ids).lowerBound)
            idOffsets = ids.0
            idStrings = ids.1
            idOrder = try whole(.idOrder)
            registry = try whole(.registry, at: dictionaries[0].1)
            overallStatus = try whole(.overallStatus, at: dictionaries[1].1)
            studyType = try whole(.studyType, at: dictionaries[2].1)
            sex = try whole(.sex, at: dictionaries[3].1)
            minimumAge = try age(.minimumAge)
            maximumAge = try age(.maximumAge)
            let countries = try offsets(.countries, at: countriesAt)
            countryOffsets = countries.0
            let codeCount = countryOffsets.offset(base, n)
            guard codeCount >= 0 else { throw file.corrupt("doc values countries column: negative code count") }
            let (codes, codesEnd) = try packed(.countries, at: countries.1, count: codeCount)
            countryCodes = codes
            try exact(.countries, codesEnd)
            lastUpdated = try whole(.lastUpdated)
            enrollment = try whole(.enrollment)
        } else {
            idOffsets = .plain(at: span(.ids).lowerBound)
            idStrings = span(.ids).lowerBound + 4 * (n + 1)
            guard idStrings <= span(.ids).upperBound else { throw file.corrupt("doc values ids column: too short") }
            idOrder = .plain(at: try fixed(.idOrder, 4), width: 4)
            func codes(_ c: DocValuesColumn, _ at: Int) throws -> PackedInts {
                try exact(c, at + 2 * n)
                return .plain(at: at, width: 2)
            }
            registry = try codes(.registry, dictionaries[0].1)
            overallStatus = try codes(.overallStatus, dictionaries[1].1)
            studyType = try codes(.studyType, dictionaries[2].1)
            sex = try codes(.sex, dictionaries[3].1)
            minimumAge = AgeColumn(table: try fixed(.minimumAge, 8), tableCount: 0, codes: nil)
            maximumAge = AgeColumn(table: try fixed(.maximumAge, 8), tableCount: 0, codes: nil)
            countryOffsets = .plain(at: countriesAt)
            let codesAt = countriesAt + 4 * (n + 1)
            guard codesAt <= span(.countries).upperBound else {
                throw file.corrupt("doc values countries column: too short")
            }
            countryCodes = .plain(at: codesAt, width: 2)
            try exact(.countries, codesAt + 2 * countryOffsets.offset(base, n))
            lastUpdated = .plain(at: try fixed(.lastUpdated, 4), width: 4, signed32: true)
            enrollment = .plain(at: try fixed(.enrollment, 4), width: 4, signed32: true)
        }
        guard idOffsets.offset(base, n) == span(.ids).upperBound - idStrings else {
            throw file.corrupt("doc values ids column: string table length does not match its offsets")
        }
        idLength = try check(file, docCount: n)
    }

    /// Every doc's id non-empty and offsets in order, `idOrder` a doc number, codes within their
    /// dictionaries and tables: what the accessors rely on to stay inside the file. Returns the length
    /// of every id when they all have one, else 0.
    private func check(_ file: IndexFile, docCount n: Int) throws -> Int {
        let base = file.base
        let dictionaries = [(registry, registries.count), (overallStatus, statuses.count),
                            (studyType, studyTypes.count), (sex, sexes.count)]
        let ages = [minimumAge, maximumAge]
        var idEnd = idOffsets.offset(base, 0), countryEnd = countryOffsets.offset(base, 0)
        guard idEnd >= 0, countryEnd >= 0 else { throw file.corrupt("doc values: negative first offset") }
        let firstLength = n > 0 ? idOffsets.offset(base, 1) - idEnd : 0
        var sameLength = idEnd == 0
        for d in 0..<n {
            let a = idEnd, c = countryEnd
            idEnd = idOffsets.offset(base, d + 1)
            countryEnd = countryOffsets.offset(base, d + 1)
            let order = idOrder.value(base, d)
            guard a < idEnd, c <= countryEnd, order >= 0, order < Int64(n) else {
                throw file.corrupt("doc values of doc \(d): empty id, offsets out of order or doc number out of range")
            }
            if idEnd - a != firstLength { sameLength = false }
            for (column, count) in dictionaries {
                let code = column.value(base, d)
                guard code >= 0, code < Int64(count) else {
                    throw file.corrupt("doc values of doc \(d): code \(code) outside a dictionary of \(count)")
                }
            }
            for age in ages {
                guard let codes = age.codes else { continue }
                let code = codes.value(base, d)
                guard code >= 0, code < Int64(age.tableCount) else {
                    throw file.corrupt("doc values of doc \(d): age code \(code) outside a table of \(age.tableCount)")
                }
            }
        }
        for i in 0..<countryOffsets.offset(base, n) {
            let code = countryCodes.value(base, i)
            guard code >= 0, code < Int64(countryNames.count) else {
                throw file.corrupt("doc values country code \(code) outside a dictionary of \(countryNames.count)")
            }
        }
        return sameLength ? firstLength : 0
    }
}
