import TrialSearchCore

/// The fast path for `Trial` JSON objects in the form `Trial.writeJSON` prints (the lines of
/// `trialsearch convert`): one pass over the bytes that maps each key as it is scanned and decodes
/// strings straight into the `Trial`'s `String`s, with no `JSONTape`, no copy of the record and no
/// `JSONValue` lookups (each of which walked the object's members again, once per property).
///
/// It accepts only what `JSONTape` + `TrialJSONReader.read` read the same way, and gives up (nil) on
/// anything else: invalid UTF-8, malformed or trailing text, an escaped, unknown or repeated key, a
/// value of another type than the writer's (`null` included), a non-integral `enrollment`, an unknown
/// `source.format`, nesting deeper than `maxDepth`. The caller then takes the general path, which
/// gives the same `Trial` or the exact error: the result never depends on which path read the record.
struct TrialJSONDecoder {
    /// Why the fast path gave up; the general path says what is wrong.
    struct Reject: Error {}

    /// The record, and the offset of the next byte to read.
    let b: UnsafeBufferPointer<UInt8>
    var i = 0
    /// Where escaped strings are decoded (`unescapedString`).
    let scratch: JSONScratch
    /// `scratch.repeated`, copied (its pointers) so that a look-up retains nothing.
    let repeated: JSONRepeatedValues
    /// When all of `b` was validated as UTF-8 before the parse: the offsets in `b` of its non-ASCII
    /// characters' first bytes, in order, ending with `Int.max`. The strings are then made without
    /// validating them again, ASCII when no offset falls inside them (`text(_:_:)`). Nil: each string is
    /// validated as it is made (`String(decoding:as:)`).
    let nonASCII: UnsafePointer<Int>?
    /// The first entry of `nonASCII` at or past the strings made so far (they are made in order).
    var nextNonASCII = 0
    /// `JSONKeyPatterns.shared.entries`, copied once per record (`key(_:hint:)`).
    let keyEntries: UnsafePointer<UInt64>

    private init(_ bytes: UnsafeBufferPointer<UInt8>, scratch: JSONScratch, nonASCII: UnsafePointer<Int>? = nil) {
        b = bytes
        self.scratch = scratch
        repeated = scratch.repeated
        self.nonASCII = nonASCII
        keyEntries = JSONKeyPatterns.shared.entries
    }

    /// The `Trial` in `bytes`, or nil when the general path must read them (see the type's comment).
    /// - Parameter maxDepth: `IngestOptions.maxJSONDepth`; the writer's form nests four containers deep.
    /// - Parameter scratch: the buffer escaped strings are decoded into (a worker's own, kept).
    static func decode(_ bytes: UnsafeRawBufferPointer, maxDepth: Int, scratch: JSONScratch = JSONScratch()) -> Trial? {
        guard maxDepth >= 4, bytes.count < Int(Int32.max) else { return nil }
        let typed = bytes.bindMemory(to: UInt8.self)
        var decoder = TrialJSONDecoder(typed, scratch: scratch)
        do {
            // The opening `{"id":` first (ASCII only, bounds-checked): an API v2 study or any other record
            // is given up before the UTF-8 pass over all of it, which the tape then makes again.
            try decoder.open(UInt8(ascii: "{"))
            guard try decoder.key(.trial) == 0, UTF8Validation.firstInvalidOffset(bytes) == nil else {
                return nil
            }
            guard let id = TrialID(try decoder.string()) else { return nil }
            // Filled in place: a `Trial` returned by the reading function was copied (a retain and a
            // release per string), and so was `cond ? trial : nil`.
            var trial = Trial(id: id)
            try decoder.members(of: &trial)
            decoder.skipSpace()
            guard decoder.i == typed.count else { return nil }
            return trial
        } catch {
            return nil
        }
    }

    /// The `Trial` object that begins at `b[start]` (its `{`), with `end` set just past its `}` (left as it
    /// is otherwise), or nil when
    /// the general path must read it: what `decode` gives for the bytes `b[start..<end]`, read without
    /// first knowing `end`. `JSONRange.cut` cuts a JSON Lines range with it, so a record the fast path
    /// reads is scanned once, not cut by `RecordSplitter.scanValue` first and decoded after.
    ///
    /// The same records as `decode` on the cut: every byte the parse decides on lies before `end` (the
    /// closing quote of a key or string comes before any byte past it, so the word and block scans find
    /// the same specials; the key patterns mask off the bytes past a key's colon, a short string's block
    /// stops at its quote, a date is tested up to its closing quote), and the bytes it accepts are one
    /// well-formed JSON object, which
    /// `scanValue` ends at the same `}`. The UTF-8 pass runs after the parse, over `b[start..<end]`:
    /// a record that fails it is refused as `decode` refuses it (the strings made before are dropped).
    /// The end is not returned in a tuple with the `Trial`: the tuple was copied out of the optional (a
    /// retain and a release per string).
    /// - Parameter nonASCII: when all of `b` is known to be UTF-8 (`RecordDecoder` validates a JSON
    ///   Lines range once, before cutting it), the offsets of its non-ASCII characters' first bytes in
    ///   order, then `Int.max` (`UTF8Validation.firstInvalidOffset(_:nonASCII:)`): the record's UTF-8
    ///   pass is skipped and its strings are made without one.
    static func decodeValue(in b: UnsafeBufferPointer<UInt8>, at start: Int, maxDepth: Int, end: inout Int,
                            scratch: JSONScratch = JSONScratch(), nonASCII: UnsafeBufferPointer<Int>? = nil) -> Trial? {
        guard maxDepth >= 4, start < b.count, b[start] == UInt8(ascii: "{") else { return nil }
        var decoder = TrialJSONDecoder(b, scratch: scratch, nonASCII: nonASCII?.baseAddress)
        if let nonASCII { decoder.nextNonASCII = Self.firstIndex(in: nonASCII, notBelow: start) }
        decoder.i = start + 1
        do {
            guard try decoder.key(.trial) == 0 else { return nil }
            guard let id = TrialID(try decoder.string()) else { return nil }
            var trial = Trial(id: id)
            try decoder.members(of: &trial)
            let stop = decoder.i
            guard stop - start < Int(Int32.max),
                  nonASCII != nil
                    || UTF8Validation.firstInvalidOffset(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: b[start..<stop]))) == nil else {
                return nil
            }
            end = stop
            return trial
        } catch {
            return nil
        }
    }

    /// The first index of the sorted `offsets` (ending with `Int.max`) whose offset is `offset` or more.
    private static func firstIndex(in offsets: UnsafeBufferPointer<Int>, notBelow offset: Int) -> Int {
        var low = 0, high = offsets.count - 1
        while low < high {
            let middle = (low + high) / 2
            if offsets[middle] < offset { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The `String` of a string's decoded bytes `bytes`, whose text spans `b[start..<end]`: when the
    /// record was validated before the parse, made without a second UTF-8 pass, ASCII when none of
    /// `nonASCII` lies in the text and `ascii` (no escape wrote a non-ASCII character); else by
    /// `String(decoding:as:)`, which validates it (the record's own UTF-8 pass comes after the parse).
    @inline(__always)
    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, ascii: Bool = true) -> String {
        guard let marks = nonASCII else { return String(decoding: bytes, as: UTF8.self) }
        var k = nextNonASCII
        while marks[k] < start { k &+= 1 }
        nextNonASCII = k
        return UTF8Validation.string(validated: bytes, isASCII: ascii && marks[k] >= end)
    }

    // MARK: - Records

    /// The root object's members after its `"id"` (read by `decode`, which creates `t` from it). The
    /// writer puts `"id"` first, and the fast path needs it there: the `Trial` is filled member by member.
    private mutating func members(of t: inout Trial) throws(Reject) {
        var seen: UInt64 = 1
        while try nextMember(closer: UInt8(ascii: "}")) {
            let k = try member(.trial, seen: &seen)
            switch k {
            case 1: t.registry = try repeatedString(.registry)
            case 2: t.secondaryIds = try strings()
            case 3: t.briefTitle = try string()
            case 4: t.officialTitle = try string()
            case 5: t.acronym = try string()
            case 6: t.briefSummary = try string()
            case 7: t.detailedDescription = try string()
            case 8: t.conditions = try strings()
            case 9: t.keywords = try strings()
            case 10: try skipStrings()  // meshTerms: derived, not read back
            case 11: t.conditionMeshTerms = try strings()
            case 12: t.interventionMeshTerms = try strings()
            case 13: t.interventions = try array { (d: inout TrialJSONDecoder) throws(Reject) in try d.intervention() }
            case 14: t.armGroups = try array { (d: inout TrialJSONDecoder) throws(Reject) in try d.armGroup() }
            case 15: t.primaryOutcomes = try array { (d: inout TrialJSONDecoder) throws(Reject) in try d.outcome() }
            case 16: t.secondaryOutcomes = try array { (d: inout TrialJSONDecoder) throws(Reject) in try d.outcome() }
            case 17: t.eligibility = try eligibility()
            case 18: t.overallStatus = try repeatedString(.overallStatus)
            case 19: t.phases = try strings()
            case 20: t.studyType = try string()
            case 21: t.design = try design()
            case 22: t.enrollment = try int()
            case 23: t.startDate = try date()
            case 24: t.completionDate = try date()
            case 25: t.firstPosted = try date()
            case 26: t.lastUpdated = try date()
            case 27: t.leadSponsor = try string()
            case 28: t.collaborators = try strings()
            case 29: t.officials = try array { (d: inout TrialJSONDecoder) throws(Reject) in try d.official() }
            case 30: t.countries = try strings()
            case 31: t.locations = try array { (d: inout TrialJSONDecoder) throws(Reject) in try d.location() }
            case 32: t.relatedIds = try strings()
            case 33: t.source = try source()
            default: throw Reject()  // a second "id"
            }
        }
    }

    private mutating func intervention() throws(Reject) -> Intervention {
        var item = Intervention()
        try members(.intervention, into: &item) {
            (d: inout TrialJSONDecoder, k: Int, item: inout Intervention) throws(Reject) in
            switch k {
            case 0: item.type = try d.string()
            case 1: item.name = try d.string()
            case 2: item.description = try d.string()
            case 3: item.otherNames = try d.strings()
            default: item.armGroupLabels = try d.strings()
            }
        }
        return item
    }

    private mutating func armGroup() throws(Reject) -> ArmGroup {
        var group = ArmGroup()
        try members(.armGroup, into: &group) {
            (d: inout TrialJSONDecoder, k: Int, group: inout ArmGroup) throws(Reject) in
            switch k {
            case 0: group.label = try d.string()
            case 1: group.type = try d.repeatedString(.armGroupType)
            default: group.description = try d.string()
            }
        }
        return group
    }

    private mutating func outcome() throws(Reject) -> Outcome {
        var outcome = Outcome()
        try members(.outcome, into: &outcome) {
            (d: inout TrialJSONDecoder, k: Int, outcome: inout Outcome) throws(Reject) in
            switch k {
            case 0: outcome.measure = try d.string()
            case 1: outcome.timeFrame = try d.repeatedString(.timeFrame)
            default: outcome.description = try d.string()
            }
        }
        return outcome
    }

    private mutating func official() throws(Reject) -> Official {
        var official = Official()
        try members(.official, into: &official) {
            (d: inout TrialJSONDecoder, k: Int, official: inout Official) throws(Reject) in
            switch k {
            case 0: official.name = try d.string()
            case 1: official.role = try d.repeatedString(.officialRole)
            default: official.affiliation = try d.string()
            }
        }
        return official
    }

    /// Its strings read into locals and the `Location` made from them: assigned into a `Location()`,
    /// each replaced an empty string (a release call per member).
    private mutating func location() throws(Reject) -> Location {
        var facility = "", city = "", state = "", country = ""
        try open(UInt8(ascii: "{"))
        skipSpace()
        if i < b.count, b[i] == UInt8(ascii: "}") {
            i += 1
            return Location()
        }
        var seen: UInt64 = 0
        repeat {
            switch try member(.location, seen: &seen) {
            case 0: facility = try string()
            case 1: city = try string()
            case 2: state = try string()
            default: country = try string()
            }
        } while try nextMember(closer: UInt8(ascii: "}"))
        return Location(facility: facility, city: city, state: state, country: country)
    }

    private mutating func design() throws(Reject) -> StudyDesign {
        var design = StudyDesign()
        try members(.design, into: &design) {
            (d: inout TrialJSONDecoder, k: Int, design: inout StudyDesign) throws(Reject) in
            switch k {
            case 0: design.allocation = try d.string()
            case 1: design.interventionModel = try d.repeatedString(.interventionModel)
            case 2: design.primaryPurpose = try d.string()
            case 3: design.masking = try d.repeatedString(.masking)
            case 4: design.observationalModel = try d.string()
            default: design.timePerspective = try d.string()
            }
        }
        return design
    }

    /// `TrialJSONReader` refuses a `source` without a known `format`.
    private mutating func source() throws(Reject) -> RecordSource {
        var source = RecordSource()
        var format: RecordFormat? = nil
        try members(.source, into: &source) {
            (d: inout TrialJSONDecoder, k: Int, source: inout RecordSource) throws(Reject) in
            switch k {
            case 0: source.file = try d.repeatedString(.sourceFile)
            case 1: source.entry = try d.string()
            default: format = RecordFormat(rawValue: try d.string())
            }
        }
        guard let format else { throw Reject() }
        source.format = format
        return source
    }

    private mutating func eligibility() throws(Reject) -> Eligibility {
        var e = Eligibility()
        try members(.eligibility, into: &e) {
            (d: inout TrialJSONDecoder, k: Int, e: inout Eligibility) throws(Reject) in
            switch k {
            case 0: e.sex = try d.string()
            case 1: e.minimumAge = try d.string()
            case 2: e.maximumAge = try d.string()
            case 3: e.minimumAgeYears = try d.double()
            case 4: e.maximumAgeYears = try d.double()
            case 5: e.healthyVolunteers = try d.bool()
            case 6: e.criteria = try d.string()
            case 7: e.inclusion = try d.strings()
            default: e.exclusion = try d.strings()
            }
        }
        return e
    }
}

