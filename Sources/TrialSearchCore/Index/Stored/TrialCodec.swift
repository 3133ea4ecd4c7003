#if canImport(Glibc)
import Glibc
#endif

/// The compact binary coding of a `Trial` in the stored-records file: exact round trip, so that
/// `show --json` prints exactly what `convert` printed.
///
/// A record is cut into `Part`s of alike content (titles, facts, summaries with descriptions, criteria,
/// sites, …) so that `StoredWriter` can gather each part of all the records of a block together: deflate
/// finds far more matches between 50 eligibility criteria than between a criteria text and the site
/// list that followed it (its window is 32 KB). Inclusion and exclusion criteria, which readers cut out
/// of the criteria text, are stored as byte ranges of it (`Excerpt`), not a second time.
///
/// Grammar (each part's values in `Trial`'s declaration order; `source` is the last part so that the
/// content hash can exclude it):
/// ```
/// Record       := length:vint^(partCount−1) Head Facts Terms Texts Criteria Outcomes Interventions Sites
///                 Source                          (the lengths of every part but the last, in order)
/// Head         := id:Str registry:Str secondaryIds:StrList briefTitle:Str officialTitle:Str acronym:Str
/// Facts        := inclusion:ExcerptList exclusion:ExcerptList sex:Str minimumAge:Str maximumAge:Str
///                 minimumAgeYears:OptDouble maximumAgeYears:OptDouble healthyVolunteers:u8 (0 nil, 1 no, 2 yes)
///                 overallStatus:Str phases:StrList studyType:Str enrollment:OptInt Design
///                 startDate:Date completionDate:Date firstPosted:Date lastUpdated:Date
///                 leadSponsor:Str collaborators:StrList countries:StrList
/// Terms        := conditions:StrList keywords:StrList conditionMeshTerms:StrList interventionMeshTerms:StrList
/// Texts        := briefSummary:Str detailedDescription:Str   (together: a description often restates
///                 the summary, which deflate then finds within its window)
/// Criteria     := eligibility.criteria:Str
/// Outcomes     := count:vint Outcome^count (primary) count:vint Outcome^count (secondary)
/// Interventions := count:vint Intervention^count count:vint ArmGroup^count
/// Sites        := count:vint Location^count count:vint Official^count relatedIds:StrList
/// Source       := file:Str entry:Str format:Str (RecordFormat raw value)
/// Intervention := type:Str name:Str description:Str otherNames:StrList armGroupLabels:StrList
/// ArmGroup     := label:Str type:Str description:Str
/// Outcome      := measure:Str timeFrame:Str description:Str
/// Location     := facility:Str city:Str state:Str country:Str
/// Design       := allocation:Str interventionModel:Str primaryPurpose:Str masking:Str observationalModel:Str
///                 timePerspective:Str
/// Official     := name:Str role:Str affiliation:Str
/// ExcerptList  := count:vint Excerpt^count
/// Excerpt      := 0 text:Str                  (not found in the criteria after the previous excerpt)
///               | (gap+1):vint length:vint    (the criteria's UTF-8 bytes start..<start+length, where
///                                              start = previous excerpt's end (0 for the first) + gap)
/// Str := length:vint utf8   StrList := count:vint Str^count   OptInt := 0 | 1 zigzag:vint
/// OptDouble := 0 | 1 bits:u64   Date := 0 | year:vint month:u8 day:u8 (0 = month only)
/// ```
/// Example: `Trial(id: "NCT01")` with every other property empty codes as the part lengths
/// `0B 19 04 02 01 02 02 03` (head 11 bytes, facts 25, terms 4, texts 2, …, sites 3), the head
/// `05 4E 43 54 30 31 00 00 00 00 00`, zeros for the other parts' empty values (a nil date is one
/// zero), and the source `00 00 0A 70 6C 61 69 6E 2D 74 65 78 74`.
enum TrialCodec {
    /// The parts of a record, in the order they are written.
    enum Part: Int, CaseIterable {
        case head, facts, terms, texts, criteria, outcomes, interventions, sites, source
    }

    static let partCount = Part.allCases.count

    /// Replaces `out` with the coding of `trial`; returns the offset where the `Source` part starts (the
    /// content hash covers the bytes before it).
    @discardableResult
    static func encode(_ t: Trial, into out: inout [UInt8]) -> Int {
        var scratch = Scratch()
        let sourceStart = encode(t, scratch: &scratch)
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: scratch.record)
        return sourceStart
    }

    /// What a caller that encodes many records (an index worker) keeps between them: the buffer the
    /// records are encoded into, reused (allocating a 16-64 KB buffer per record cost `malloc` about
    /// 3,800 instructions a record), and the coding of the last record, `record`.
    struct Scratch: ~Copyable {
        fileprivate var writer = Writer()

        init() {}

        /// The coding of the record last encoded (`encode(_:scratch:)`): valid until the next one.
        var record: UnsafeRawBufferPointer { writer.record }
    }

    /// Encodes `t` into `scratch` (its coding is then `scratch.record`); returns the offset in the
    /// record where the `Source` part starts (the content hash covers the bytes before it).
    ///
    /// The parts are written in their order (every value of the head, then of the facts, …), so the
    /// record's body is built in one buffer with unchecked writes (`ByteBuffer`), the part boundaries
    /// noted as it goes, after room for the part lengths, which are then written just before the body:
    /// the record is one piece of the buffer, not copied.
    @discardableResult
    static func encode(_ t: Trial, scratch: inout Scratch) -> Int {
        scratch.writer.begin()
        body(of: t, into: &scratch.writer)
        return scratch.writer.finish()
    }

    private static func body(of t: Trial, into w: inout Writer) {
        w.str(t.id.rawValue); w.str(t.registry); w.list(t.secondaryIds)
        w.str(t.briefTitle); w.str(t.officialTitle); w.str(t.acronym)
        w.end(.head)
        let e = t.eligibility
        var criteria = e.criteria
        criteria.withUTF8 { text in
            w.excerpts(e.inclusion, of: text)
            w.excerpts(e.exclusion, of: text)
        }
        w.str(e.sex); w.str(e.minimumAge); w.str(e.maximumAge)
        w.double(e.minimumAgeYears); w.double(e.maximumAgeYears)
        w.byte(e.healthyVolunteers.map { $0 ? 2 : 1 } ?? 0)
        w.str(t.overallStatus); w.list(t.phases); w.str(t.studyType); w.int(t.enrollment)
        let g = t.design
        w.str(g.allocation); w.str(g.interventionModel); w.str(g.primaryPurpose); w.str(g.masking)
        w.str(g.observationalModel); w.str(g.timePerspective)
        w.date(t.startDate); w.date(t.completionDate); w.date(t.firstPosted); w.date(t.lastUpdated)
        w.str(t.leadSponsor); w.list(t.collaborators); w.list(t.countries)
        w.end(.facts)
        w.list(t.conditions); w.list(t.keywords); w.list(t.conditionMeshTerms); w.list(t.interventionMeshTerms)
        w.end(.terms)
        w.str(t.briefSummary); w.str(t.detailedDescription)
        w.end(.texts)
        w.str(e.criteria)
        w.end(.criteria)
        w.count(t.primaryOutcomes.count)
        // The lists of structs are read through their buffers, in place, each string by its address
        // (`str(_:_:)`): `for o in array` copied each element, and `w.str(os[k].measure)` each string
        // (a retain and a release).
        t.primaryOutcomes.withUnsafeBufferPointer { os in
            for o in os.addresses { w.str(o, \.measure); w.str(o, \.timeFrame); w.str(o, \.description) }
        }
        w.count(t.secondaryOutcomes.count)
        t.secondaryOutcomes.withUnsafeBufferPointer { os in
            for o in os.addresses { w.str(o, \.measure); w.str(o, \.timeFrame); w.str(o, \.description) }
        }
        w.end(.outcomes)
        w.count(t.interventions.count)
        t.interventions.withUnsafeBufferPointer { items in
            for item in items.addresses {
                w.str(item, \.type); w.str(item, \.name); w.str(item, \.description)
                w.list(item.pointee.otherNames); w.list(item.pointee.armGroupLabels)
            }
        }
        w.count(t.armGroups.count)
        t.armGroups.withUnsafeBufferPointer { gs in
            for g in gs.addresses { w.str(g, \.label); w.str(g, \.type); w.str(g, \.description) }
        }
        w.end(.interventions)
        w.count(t.locations.count)
        t.locations.withUnsafeBufferPointer { ls in
            for l in ls.addresses { w.str(l, \.facility); w.str(l, \.city); w.str(l, \.state); w.str(l, \.country) }
        }
        w.count(t.officials.count)
        t.officials.withUnsafeBufferPointer { os in
            for o in os.addresses { w.str(o, \.name); w.str(o, \.role); w.str(o, \.affiliation) }
        }
        w.list(t.relatedIds)
        w.end(.sites)
        w.str(t.source.file); w.str(t.source.entry); w.str(t.source.format.rawValue)
        w.end(.source)
    }

    /// The parts of the record `bytes`, or nil when its part lengths do not fit it.
    static func parts(of bytes: UnsafeRawBufferPointer) -> [UnsafeRawBufferPointer]? {
        var r = ByteReader(bytes)
        var lengths: [Int] = []
        lengths.reserveCapacity(partCount)
        for _ in 1..<partCount { lengths.append(r.readCount(limit: 1 << 30)) }
        guard !r.failed else { return nil }
        var parts: [UnsafeRawBufferPointer] = []
        parts.reserveCapacity(partCount)
        for length in lengths { parts.append(r.readBytes(length)) }
        parts.append(r.readBytes(r.remaining))
        return r.failed ? nil : parts
    }

    /// Decodes one trial from `bytes`; `file` names the stored file in errors.
    static func decode(_ bytes: UnsafeRawBufferPointer, file: String) throws -> Trial {
        guard let parts = parts(of: bytes) else {
            throw IndexError.corrupt(file: file, reason: "stored record of \(bytes.count) bytes: its part lengths overrun it")
        }
        return try decode(parts: parts, file: file)
    }

    /// Decodes one trial from its `partCount` parts (`parts(of:)` of its record, or the slices of a stored
    /// block, `StoredRecords.forEachRecordParts`); `file` names the stored file in errors.
    static func decode(parts: [UnsafeRawBufferPointer], file: String) throws -> Trial {
        precondition(parts.count == partCount, "\(parts.count) parts of a stored record instead of \(partCount)")
        var r = Reader(parts: parts.map { ByteReader($0) })
        let idText = r.str(.head)
        guard let id = TrialID(idText) else {
            throw IndexError.corrupt(file: file, reason: "stored record with an empty trial id")
        }
        var t = Trial(id: id, registry: r.str(.head))
        t.secondaryIds = r.list(.head)
        t.briefTitle = r.str(.head); t.officialTitle = r.str(.head); t.acronym = r.str(.head)
        t.briefSummary = r.str(.texts); t.detailedDescription = r.str(.texts)
        t.conditions = r.list(.terms); t.keywords = r.list(.terms); t.conditionMeshTerms = r.list(.terms)
        t.interventionMeshTerms = r.list(.terms)
        t.interventions = (0..<r.count(.interventions)).map { _ in
            Intervention(type: r.str(.interventions), name: r.str(.interventions), description: r.str(.interventions),
                         otherNames: r.list(.interventions), armGroupLabels: r.list(.interventions))
        }
        t.armGroups = (0..<r.count(.interventions)).map { _ in
            ArmGroup(label: r.str(.interventions), type: r.str(.interventions), description: r.str(.interventions))
        }
        t.primaryOutcomes = (0..<r.count(.outcomes)).map { _ in r.outcome() }
        t.secondaryOutcomes = (0..<r.count(.outcomes)).map { _ in r.outcome() }
        var e = Eligibility()
        let criteria = r.bytes(.criteria)
        e.criteria = String(decoding: criteria, as: UTF8.self)
        e.inclusion = r.excerpts(of: criteria); e.exclusion = r.excerpts(of: criteria)
        e.sex = r.str(.facts); e.minimumAge = r.str(.facts); e.maximumAge = r.str(.facts)
        e.minimumAgeYears = r.double(); e.maximumAgeYears = r.double()
        switch r.parts[Part.facts.rawValue].readU8() {
        case 0: e.healthyVolunteers = nil
        case 1: e.healthyVolunteers = false
        case 2: e.healthyVolunteers = true
        default: r.parts[Part.facts.rawValue].failed = true
        }
        t.eligibility = e
        t.overallStatus = r.str(.facts); t.phases = r.list(.facts); t.studyType = r.str(.facts); t.enrollment = r.int()
        t.design = StudyDesign(allocation: r.str(.facts), interventionModel: r.str(.facts), primaryPurpose: r.str(.facts),
                               masking: r.str(.facts), observationalModel: r.str(.facts), timePerspective: r.str(.facts))
        t.startDate = r.date(); t.completionDate = r.date(); t.firstPosted = r.date(); t.lastUpdated = r.date()
        t.leadSponsor = r.str(.facts); t.collaborators = r.list(.facts); t.countries = r.list(.facts)
        t.locations = (0..<r.count(.sites)).map { _ in
            Location(facility: r.str(.sites), city: r.str(.sites), state: r.str(.sites), country: r.str(.sites))
        }
        t.officials = (0..<r.count(.sites)).map { _ in Official(name: r.str(.sites), role: r.str(.sites), affiliation: r.str(.sites)) }
        t.relatedIds = r.list(.sites)
        let sourceFile = r.str(.source), entry = r.str(.source), formatName = r.str(.source)
        guard let format = RecordFormat(rawValue: formatName) else {
            throw IndexError.corrupt(file: file, reason: "stored record \(idText): unknown record format \"\(formatName)\"")
        }
        t.source = RecordSource(file: sourceFile, entry: entry, format: format)
        for (p, part) in r.parts.enumerated() where part.failed || part.position != part.end {
            throw IndexError.corrupt(file: file, reason: "stored record \(idText) does not decode: "
                + "read \(part.position) of \(part.end) bytes of part \(Part(rawValue: p).map { "\($0)" } ?? "\(p)")")
        }
        return t
    }

    /// A 64-bit hash of the record's content (everything but its source file and entry): equal for a
    /// re-indexed identical record, so it counts as unchanged.
    static func contentHash(_ encoded: UnsafeRawBufferPointer, sourceStart: Int) -> UInt64 {
        Hash64.hash(UnsafeRawBufferPointer(rebasing: encoded[0..<sourceStart]))
    }

    /// Where `needle` first occurs in `text` at or after `from` (nil for an empty needle): `memchr` for
    /// its first byte, `memcmp` for the rest.
    static func firstIndex(of needle: UnsafeBufferPointer<UInt8>, in text: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard let n = needle.baseAddress, let base = text.baseAddress, !needle.isEmpty else { return nil }
        var i = from
        while i + needle.count <= text.count {
            guard let hit = memchr(base + i, Int32(n.pointee), text.count - needle.count + 1 - i) else { return nil }
            i = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if memcmp(base + i, n, needle.count) == 0 { return i }
            i += 1
        }
        return nil
    }

    /// The record being encoded: room for the part lengths (`lengthsRoom` bytes), then the body, every
    /// part's values in order, and where each part ends. Kept from record to record (`Scratch`).
    fileprivate struct Writer: ~Copyable {
        /// Room before the body for the part lengths: `partCount − 1` vints of at most 10 bytes each.
        static let lengthsRoom = 80
        /// A buffer grown past this for a large record is replaced by a smaller one at the next record.
        static let keptCapacity = 1 << 20

        var buffer = ByteBuffer(capacity: 1 << 16)
        /// The body's length at the end of each part (`end(_:)`).
        var ends = [Int](repeating: 0, count: TrialCodec.partCount)
        /// The next part `end(_:)` may close: parts end in their order, each once.
        private var part = 0
        /// Where the record starts in `buffer` (its part lengths end at `lengthsRoom`), once finished.
        private var start = Self.lengthsRoom

        init() {}

        /// Starts a record: an empty body after the room for the part lengths.
        mutating func begin() {
            if buffer.capacity > Self.keptCapacity { buffer = ByteBuffer(capacity: 1 << 16) }
            buffer.removeAll()
            buffer.reserve(Self.lengthsRoom)
            buffer.appendInPlace { _ in Self.lengthsRoom }
            part = 0
            start = Self.lengthsRoom
        }

        /// Writes the part lengths just before the body; returns the offset of the `Source` part in the
        /// record (`record`).
        mutating func finish() -> Int {
            precondition(part == TrialCodec.partCount, "record finished after part \(part - 1)")
            var lengths = InlineArray<80, UInt8>(repeating: 0)
            var n = 0
            var previous = 0
            for p in 0..<(TrialCodec.partCount - 1) {
                var v = UInt64(ends[p] - previous)
                while v >= 0x80 {
                    lengths[n] = UInt8(truncatingIfNeeded: v) | 0x80
                    n += 1
                    v >>= 7
                }
                lengths[n] = UInt8(truncatingIfNeeded: v)
                n += 1
                previous = ends[p]
            }
            start = Self.lengthsRoom - n
            for k in 0..<n { buffer.base[start + k] = lengths[k] }
            return n + ends[TrialCodec.partCount - 2]
        }

        var record: UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(start: buffer.base + start, count: buffer.count - start)
        }

        /// Closes part `p`: the values written since the previous part's end are its values.
        mutating func end(_ p: Part) {
            precondition(p.rawValue == part, "part \(p) ended after part \(part - 1)")
            ends[part] = buffer.count - Self.lengthsRoom
            part += 1
        }

        mutating func byte(_ b: UInt8) {
            buffer.reserve(1)
            buffer.u8(b)
        }

        mutating func count(_ n: Int) {
            buffer.reserve(10)
            buffer.vint(n)
        }

        /// A `Str`: the vint length, then the UTF-8 bytes copied in one piece (read in place: a native
        /// string's storage, or a small string's bytes; any other is made contiguous first).
        mutating func str(_ s: String) {
            let done: Void? = s.utf8.withContiguousStorageIfAvailable { bytes in raw(bytes) }
            if done == nil {
                var s = s
                s.withUTF8 { bytes in raw(bytes) }
            }
        }

        /// The `Str` of `element`'s string property `field`, read in place (`StringBytes`): a string
        /// in an array's buffer passed by value was copied (a retain and a release).
        @inline(__always)
        mutating func str<Element>(_ element: UnsafePointer<Element>, _ field: KeyPath<Element, String>) {
            guard let address = element.pointer(to: field) else { return str(element.pointee[keyPath: field]) }
            StringBytes.withUTF8(at: address) { raw($0) }
        }

        private mutating func raw(_ bytes: UnsafeBufferPointer<UInt8>) {
            buffer.reserve(bytes.count + 10)
            buffer.vint(bytes.count)
            buffer.append(UnsafeRawBufferPointer(bytes))
        }

        mutating func list(_ l: [String]) {
            count(l.count)
            l.withUnsafeBufferPointer { strings in
                for address in strings.addresses { StringBytes.withUTF8(at: address) { raw($0) } }
            }
        }

        mutating func int(_ v: Int?) {
            buffer.reserve(11)
            guard let v else { buffer.u8(0); return }
            buffer.u8(1)
            buffer.vint(UInt64(bitPattern: Int64((v << 1) ^ (v >> 63))))
        }

        mutating func double(_ v: Double?) {
            buffer.reserve(9)
            guard let v else { buffer.u8(0); return }
            buffer.u8(1)
            buffer.u64(v.bitPattern)
        }

        mutating func date(_ d: PartialDate?) {
            buffer.reserve(12)
            guard let d else { buffer.u8(0); return }
            buffer.vint(d.year)
            buffer.u8(UInt8(d.month))
            buffer.u8(UInt8(d.day ?? 0))
        }

        /// `items` as excerpts of `text` (the criteria) where they occur in it in order, else as text.
        mutating func excerpts(_ items: [String], of text: UnsafeBufferPointer<UInt8>) {
            count(items.count)
            var end = 0
            for var item in items {
                let start = item.withUTF8 { TrialCodec.firstIndex(of: $0, in: text, from: end) }
                if let start {
                    count(start - end + 1)
                    count(item.utf8.count)
                    end = start + item.utf8.count
                } else {
                    byte(0)
                    str(item)
                }
            }
        }
    }

    private struct Reader {
        var parts: [ByteReader]
        mutating func str(_ p: Part) -> String { parts[p.rawValue].readString(limit: 1 << 30) }
        mutating func bytes(_ p: Part) -> UnsafeRawBufferPointer {
            let n = parts[p.rawValue].readCount(limit: 1 << 30)
            return parts[p.rawValue].readBytes(n)
        }
        mutating func count(_ p: Part) -> Int { parts[p.rawValue].readCount(limit: 1 << 24) }
        mutating func list(_ p: Part) -> [String] { (0..<count(p)).map { _ in str(p) } }
        mutating func outcome() -> Outcome { Outcome(measure: str(.outcomes), timeFrame: str(.outcomes), description: str(.outcomes)) }
        mutating func int() -> Int? {
            guard parts[Part.facts.rawValue].readU8() == 1 else { return nil }
            let z = parts[Part.facts.rawValue].readVInt()
            return Int(Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1))))
        }
        mutating func double() -> Double? {
            guard parts[Part.facts.rawValue].readU8() == 1 else { return nil }
            return Double(bitPattern: parts[Part.facts.rawValue].readU64())
        }
        mutating func date() -> PartialDate? {
            let year = Int(parts[Part.facts.rawValue].readVInt() & 0xFFFF)
            guard year != 0 else { return nil }
            let month = Int(parts[Part.facts.rawValue].readU8()), day = Int(parts[Part.facts.rawValue].readU8())
            guard let d = PartialDate(year: year, month: month, day: day == 0 ? nil : day) else {
                parts[Part.facts.rawValue].failed = true
                return nil
            }
            return d
        }
        /// An `ExcerptList` of `text` (the criteria's bytes).
        mutating func excerpts(of text: UnsafeRawBufferPointer) -> [String] {
            var end = 0
            return (0..<count(.facts)).map { _ in
                let tag = parts[Part.facts.rawValue].readCount(limit: 1 << 30)
                guard tag > 0 else { return str(.facts) }
                let start = end + tag - 1
                let length = parts[Part.facts.rawValue].readCount(limit: 1 << 30)
                guard start + length <= text.count else { parts[Part.facts.rawValue].failed = true; return "" }
                end = start + length
                return String(decoding: UnsafeRawBufferPointer(rebasing: text[start..<end]), as: UTF8.self)
            }
        }
    }
}
