/// The compact binary coding of a `Trial` in the stored-records file: exact round trip, so that
/// `show --json` prints exactly what `convert` printed.
///
/// Grammar (properties in `Trial`'s declaration order, `source` last so that the content hash can
/// exclude it):
/// ```
/// Trial        := id:Str registry:Str secondaryIds:StrList briefTitle:Str officialTitle:Str acronym:Str
///                 briefSummary:Str detailedDescription:Str conditions:StrList keywords:StrList
///                 conditionMeshTerms:StrList interventionMeshTerms:StrList
///                 count:vint Intervention^count count:vint ArmGroup^count
///                 count:vint Outcome^count (primary) count:vint Outcome^count (secondary)
///                 Eligibility overallStatus:Str phases:StrList studyType:Str enrollment:OptInt Design
///                 startDate:Date completionDate:Date firstPosted:Date lastUpdated:Date
///                 leadSponsor:Str collaborators:StrList countries:StrList count:vint Location^count
///                 count:vint Official^count relatedIds:StrList Source
/// Intervention := type:Str name:Str description:Str otherNames:StrList armGroupLabels:StrList
/// ArmGroup     := label:Str type:Str description:Str
/// Outcome      := measure:Str timeFrame:Str description:Str
/// Eligibility  := criteria:Str inclusion:StrList exclusion:StrList sex:Str minimumAge:Str maximumAge:Str
///                 minimumAgeYears:OptDouble maximumAgeYears:OptDouble healthyVolunteers:u8 (0 nil, 1 no, 2 yes)
/// Location     := facility:Str city:Str state:Str country:Str
/// Design       := allocation:Str interventionModel:Str primaryPurpose:Str masking:Str observationalModel:Str
///                 timePerspective:Str
/// Official     := name:Str role:Str affiliation:Str
/// Source       := file:Str entry:Str format:Str (RecordFormat raw value)
/// Str := length:vint utf8   StrList := count:vint Str^count   OptInt := 0 | 1 zigzag:vint
/// OptDouble := 0 | 1 bits:u64   Date := 0 | year:vint month:u8 day:u8 (0 = month only)
/// ```
/// Example: `Trial(id: "NCT01")` with every other property empty codes as `05 4E 43 54 30 31` followed by
/// zeros (empty strings and lists, nil dates), ending in the source `00 00 0A 70 6C 61 69 6E 2D 74 65 78 74`.
enum TrialCodec {
    /// Replaces `out` with the coding of `trial`; returns the offset where `Source` starts (the content
    /// hash covers the bytes before it).
    @discardableResult
    static func encode(_ t: Trial, into out: inout [UInt8]) -> Int {
        out.removeAll(keepingCapacity: true)
        var w = Writer(out: out)
        out = []
        w.str(t.id.rawValue); w.str(t.registry); w.list(t.secondaryIds)
        w.str(t.briefTitle); w.str(t.officialTitle); w.str(t.acronym)
        w.str(t.briefSummary); w.str(t.detailedDescription)
        w.list(t.conditions); w.list(t.keywords); w.list(t.conditionMeshTerms); w.list(t.interventionMeshTerms)
        w.count(t.interventions.count)
        for i in t.interventions {
            w.str(i.type); w.str(i.name); w.str(i.description); w.list(i.otherNames); w.list(i.armGroupLabels)
        }
        w.count(t.armGroups.count)
        for a in t.armGroups { w.str(a.label); w.str(a.type); w.str(a.description) }
        for outcomes in [t.primaryOutcomes, t.secondaryOutcomes] {
            w.count(outcomes.count)
            for o in outcomes { w.str(o.measure); w.str(o.timeFrame); w.str(o.description) }
        }
        let e = t.eligibility
        w.str(e.criteria); w.list(e.inclusion); w.list(e.exclusion); w.str(e.sex); w.str(e.minimumAge)
        w.str(e.maximumAge); w.double(e.minimumAgeYears); w.double(e.maximumAgeYears)
        w.out.append(e.healthyVolunteers.map { $0 ? 2 : 1 } ?? 0)
        w.str(t.overallStatus); w.list(t.phases); w.str(t.studyType); w.int(t.enrollment)
        let g = t.design
        w.str(g.allocation); w.str(g.interventionModel); w.str(g.primaryPurpose); w.str(g.masking)
        w.str(g.observationalModel); w.str(g.timePerspective)
        w.date(t.startDate); w.date(t.completionDate); w.date(t.firstPosted); w.date(t.lastUpdated)
        w.str(t.leadSponsor); w.list(t.collaborators); w.list(t.countries)
        w.count(t.locations.count)
        for l in t.locations { w.str(l.facility); w.str(l.city); w.str(l.state); w.str(l.country) }
        w.count(t.officials.count)
        for o in t.officials { w.str(o.name); w.str(o.role); w.str(o.affiliation) }
        w.list(t.relatedIds)
        let sourceStart = w.out.count
        w.str(t.source.file); w.str(t.source.entry); w.str(t.source.format.rawValue)
        out = w.out
        return sourceStart
    }

    /// Decodes one trial from `bytes`; `file` names the stored file in errors.
    static func decode(_ bytes: UnsafeRawBufferPointer, file: String) throws -> Trial {
        var r = Reader(r: ByteReader(bytes))
        let idText = r.str()
        guard let id = TrialID(idText) else {
            throw IndexError.corrupt(file: file, reason: "stored record with an empty trial id")
        }
        var t = Trial(id: id, registry: r.str())
        t.secondaryIds = r.list()
        t.briefTitle = r.str(); t.officialTitle = r.str(); t.acronym = r.str()
        t.briefSummary = r.str(); t.detailedDescription = r.str()
        t.conditions = r.list(); t.keywords = r.list(); t.conditionMeshTerms = r.list()
        t.interventionMeshTerms = r.list()
        t.interventions = (0..<r.count()).map { _ in
            Intervention(type: r.str(), name: r.str(), description: r.str(), otherNames: r.list(),
                         armGroupLabels: r.list())
        }
        t.armGroups = (0..<r.count()).map { _ in ArmGroup(label: r.str(), type: r.str(), description: r.str()) }
        t.primaryOutcomes = (0..<r.count()).map { _ in Outcome(measure: r.str(), timeFrame: r.str(), description: r.str()) }
        t.secondaryOutcomes = (0..<r.count()).map { _ in Outcome(measure: r.str(), timeFrame: r.str(), description: r.str()) }
        var e = Eligibility()
        e.criteria = r.str(); e.inclusion = r.list(); e.exclusion = r.list(); e.sex = r.str()
        e.minimumAge = r.str(); e.maximumAge = r.str(); e.minimumAgeYears = r.double(); e.maximumAgeYears = r.double()
        switch r.r.readU8() {
        case 0: e.healthyVolunteers = nil
        case 1: e.healthyVolunteers = false
        case 2: e.healthyVolunteers = true
        default: r.r.failed = true
        }
        t.eligibility = e
        t.overallStatus = r.str(); t.phases = r.list(); t.studyType = r.str(); t.enrollment = r.int()
        t.design = StudyDesign(allocation: r.str(), interventionModel: r.str(), primaryPurpose: r.str(), masking: r.str(),
                               observationalModel: r.str(), timePerspective: r.str())
        t.startDate = r.date(); t.completionDate = r.date(); t.firstPosted = r.date(); t.lastUpdated = r.date()
        t.leadSponsor = r.str(); t.collaborators = r.list(); t.countries = r.list()
        t.locations = (0..<r.count()).map { _ in Location(facility: r.str(), city: r.str(), state: r.str(), country: r.str()) }
        t.officials = (0..<r.count()).map { _ in Official(name: r.str(), role: r.str(), affiliation: r.str()) }
        t.relatedIds = r.list()
        let sourceFile = r.str(), entry = r.str(), formatName = r.str()
        guard let format = RecordFormat(rawValue: formatName) else {
            throw IndexError.corrupt(file: file, reason: "stored record \(idText): unknown record format \"\(formatName)\"")
        }
        t.source = RecordSource(file: sourceFile, entry: entry, format: format)
        guard !r.r.failed, r.r.position == r.r.end else {
            throw IndexError.corrupt(file: file, reason: "stored record \(idText) does not decode "
                + "(read \(r.r.position) of \(r.r.end) bytes)")
        }
        return t
    }

    /// A 64-bit hash of the record's content (everything but its source file and entry): equal for a
    /// re-indexed identical record, so it counts as unchanged.
    static func contentHash(_ encoded: UnsafeRawBufferPointer, sourceStart: Int) -> UInt64 {
        Hash64.hash(UnsafeRawBufferPointer(rebasing: encoded[0..<sourceStart]))
    }

    private struct Writer {
        var out: [UInt8]
        mutating func str(_ s: String) { out.appendString(s) }
        mutating func count(_ n: Int) { out.appendVInt(n) }
        mutating func list(_ l: [String]) { out.appendVInt(l.count); for s in l { out.appendString(s) } }
        mutating func int(_ v: Int?) {
            guard let v else { out.append(0); return }
            out.append(1)
            out.appendVInt(UInt64(bitPattern: Int64((v << 1) ^ (v >> 63))))
        }
        mutating func double(_ v: Double?) {
            guard let v else { out.append(0); return }
            out.append(1)
            out.appendU64(v.bitPattern)
        }
        mutating func date(_ d: PartialDate?) {
            guard let d else { out.append(0); return }
            out.appendVInt(d.year)
            out.append(UInt8(d.month))
            out.append(UInt8(d.day ?? 0))
        }
    }

    private struct Reader {
        var r: ByteReader
        mutating func str() -> String { r.readString(limit: 1 << 30) }
        mutating func count() -> Int { r.readCount(limit: 1 << 24) }
        mutating func list() -> [String] { (0..<count()).map { _ in str() } }
        mutating func int() -> Int? {
            guard r.readU8() == 1 else { return nil }
            let z = r.readVInt()
            return Int(Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1))))
        }
        mutating func double() -> Double? {
            guard r.readU8() == 1 else { return nil }
            return Double(bitPattern: r.readU64())
        }
        mutating func date() -> PartialDate? {
            let year = Int(r.readVInt() & 0xFFFF)
            guard year != 0 else { return nil }
            let month = Int(r.readU8()), day = Int(r.readU8())
            guard let d = PartialDate(year: year, month: month, day: day == 0 ? nil : day) else {
                r.failed = true
                return nil
            }
            return d
        }
    }
}

/// A fast 64-bit hash of bytes (multiply-xorshift over 8-byte words), for change detection.
enum Hash64 {
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let k: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return mix(h) }
        var i = 0
        while i + 8 <= bytes.count {
            let w = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            h = (h ^ mix(w &* k)) &* k
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
            shift += 8
            i += 1
        }
        h = (h ^ mix(tail &* k &+ shift)) &* k
        return mix(h)
    }

    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
