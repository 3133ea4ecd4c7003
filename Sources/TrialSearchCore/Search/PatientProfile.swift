/// The patient a long query describes, as far as trial eligibility goes: age and sex, read from the
/// note's own words ("A 45-year-old man", "48 M with a h/o …", "32 yo woman", "a 6-month-old girl").
///
/// Rules, on the raw text (ASCII, case-insensitive):
/// - Age: the first number (1–3 digits) followed by `yo`, `y/o`, `y.o.`, by a unit and `old`
///   ("45-year-old", "6 months old", `year(s)`, `yr(s)`, `month(s)`, `week(s)`, `day(s)`), by `M`/`F`
///   ("48 M", "45F"), or preceded by `age`/`aged`. Months, weeks and days are converted to years. ("for
///   20 years" or "for 3 days" is not an age.)
/// - Sex: the majority of female words (woman, female, girl, lady, she, her, hers, mother, pregnant,
///   and `F` after the age) against male words (man, male, boy, gentleman, he, him, his, father, and
///   `M` after the age); none or a tie leaves it unknown.
public struct PatientProfile: Sendable, Hashable, CustomStringConvertible {
    public var ageYears: Double?
    public var sex: SearchFilter.Sex?

    public init(ageYears: Double? = nil, sex: SearchFilter.Sex? = nil) {
        self.ageYears = ageYears
        self.sex = sex
    }

    public var isEmpty: Bool { ageYears == nil && sex == nil }

    public var description: String {
        var parts: [String] = []
        if let ageYears { parts.append("age \(Explanation.format(Float(ageYears)))") }
        if let sex { parts.append(sex.rawValue) }
        return parts.isEmpty ? "unknown patient" : parts.joined(separator: ", ")
    }

    static let femaleWords: Set<String> = ["woman", "female", "girl", "lady", "she", "her", "hers", "herself",
                                           "mother", "pregnant", "women", "wife", "daughter", "postmenopausal"]
    static let maleWords: Set<String> = ["man", "male", "boy", "gentleman", "he", "him", "his", "himself", "father",
                                         "men", "husband", "son"]

    /// `femaleWords` and `maleWords` as UTF-8 bytes, matched against a word in place.
    static let femaleBytes: [[UInt8]] = femaleWords.sorted().map { Array($0.utf8) }
    static let maleBytes: [[UInt8]] = maleWords.sorted().map { Array($0.utf8) }

    /// Reads the profile from `text`.
    /// - Complexity: O(n) in the text's length.
    public init(text: String) {
        // Lowercase ASCII words and numbers, in order, one after another in one buffer.
        var words = Words()
        // At most one byte per byte of the text; about a word per two bytes or less (the array grows past
        // this if needed: "4f4f" is four words).
        words.bytes.reserveCapacity(text.utf8.count)
        words.ends.reserveCapacity(text.utf8.count / 2 + 1)
        var previousWasDigit = false
        for byte in text.utf8 {
            let b = byte >= 65 && byte <= 90 ? byte + 32 : byte
            let isDigit = b >= 48 && b <= 57
            let isLetter = b >= 97 && b <= 122
            if isDigit || isLetter {
                // "45f", "6yo": split digits from letters.
                if words.hasCurrent && isDigit != previousWasDigit { words.flush() }
                words.bytes.append(b)
                previousWasDigit = isDigit
            } else if b == UInt8(ascii: "/") && words.currentIs("y") {
                words.bytes.append(b)  // y/o
            } else {
                words.flush()
            }
        }
        words.flush()

        var age: Double?
        var female = 0
        var male = 0
        for i in 0..<words.count {
            if words.isAny(i, Self.femaleBytes) { female += 1 }
            if words.isAny(i, Self.maleBytes) { male += 1 }
            guard age == nil, let n = words.smallNumber(i) else { continue }
            if i > 0, words.is(i - 1, "aged") || words.is(i - 1, "age") {
                age = n
                continue
            }
            guard i + 1 < words.count else { continue }
            let unit = i + 1
            let followedByOld = i + 2 < words.count && words.is(i + 2, "old")
            let yearsOld: Double?
            if words.is(unit, "year") || words.is(unit, "years") || words.is(unit, "yr") || words.is(unit, "yrs") {
                yearsOld = 1
            } else if words.is(unit, "month") || words.is(unit, "months") || words.is(unit, "mo") || words.is(unit, "mos") {
                yearsOld = 1.0 / 12
            } else if words.is(unit, "week") || words.is(unit, "weeks") || words.is(unit, "wk") || words.is(unit, "wks") {
                yearsOld = 1.0 / 52
            } else if words.is(unit, "day") || words.is(unit, "days") {
                yearsOld = 1.0 / 365
            } else {
                yearsOld = nil
            }
            if let yearsOld {
                if followedByOld { age = n * yearsOld }
                continue
            }
            if words.is(unit, "yo") || words.is(unit, "y/o") {
                age = n
            } else if words.is(unit, "y") && i + 2 < words.count && words.is(i + 2, "o") {
                age = n
            } else if words.is(unit, "m") {
                age = n
                male += 2
            } else if words.is(unit, "f") {
                age = n
                female += 2
            }
        }
        ageYears = age.flatMap { $0 > 0 && $0 < 120 ? $0 : nil }
        sex = female > male ? .female : male > female ? .male : nil
    }
}

extension PatientProfile {
    /// The lowercase ASCII words and numbers of a text, one after another in one buffer: compared with
    /// the rules' words byte for byte, without a `String` per word.
    struct Words {
        var bytes: [UInt8] = []
        /// Where each word ends in `bytes` (the next starts there).
        var ends: [Int] = []

        var count: Int { ends.count }

        /// Where word `k` starts in `bytes`.
        private func start(_ k: Int) -> Int { k == 0 ? 0 : ends[k - 1] }

        /// Whether a word is being read (bytes after the last word's end).
        var hasCurrent: Bool { bytes.count > (ends.last ?? 0) }

        /// Ends the word being read, if any.
        mutating func flush() {
            if hasCurrent { ends.append(bytes.count) }
        }

        /// Whether the word being read is `word`.
        func currentIs(_ word: StaticString) -> Bool {
            ASCIIWord.equals(bytes, ends.last ?? 0, bytes.count, word)
        }

        /// Whether word `k` is `word`.
        func `is`(_ k: Int, _ word: StaticString) -> Bool {
            ASCIIWord.equals(bytes, start(k), ends[k], word)
        }

        /// Whether word `k` is one of `words`.
        func isAny(_ k: Int, _ words: [[UInt8]]) -> Bool {
            ASCIIWord.isAny(bytes, start(k), ends[k], words)
        }

        /// Word `k`'s value when it is a number of at most three digits (a number's word is digits only).
        func smallNumber(_ k: Int) -> Double? {
            let first = start(k), end = ends[k]
            guard end - first <= 3, bytes[first] >= 48 && bytes[first] <= 57 else { return nil }
            var value = 0
            for j in first..<end { value = value * 10 + Int(bytes[j] - 48) }
            return Double(value)
        }
    }
}

/// Parameters of the rescoring stage: how much a trial that would not admit the patient described by a
/// long query loses.
public struct RescoringParameters: Sendable, Equatable {
    /// Read the patient's age and sex from long queries and re-weigh trials by them.
    public var usesPatientProfile: Bool
    /// Score factor of a trial whose age limits exclude the patient's age (1 = no effect).
    public var ageMismatchFactor: Double
    /// Score factor of a trial open only to the other sex.
    public var sexMismatchFactor: Double

    public init(usesPatientProfile: Bool = true, ageMismatchFactor: Double = 0.7, sexMismatchFactor: Double = 0.7) {
        self.usesPatientProfile = usesPatientProfile
        self.ageMismatchFactor = ageMismatchFactor
        self.sexMismatchFactor = sexMismatchFactor
    }

    /// Throws unless both factors are in 0…1 (a factor above 1 would break pruning's bounds).
    public func validate() throws(RankingConfigurationError) {
        for (name, value) in [("ageMismatchFactor", ageMismatchFactor), ("sexMismatchFactor", sexMismatchFactor)]
            where !(value >= 0 && value <= 1) {
            throw .invalid(parameter: "rescoring.\(name)", value: value, expected: "0 ≤ factor ≤ 1")
        }
    }
}

/// The rescoring of candidates by a `PatientProfile`: a trial's score is multiplied by
/// `ageMismatchFactor` when its age limits exclude the patient and by `sexMismatchFactor` when it is
/// open only to the other sex.
///
/// Applied as each candidate is collected, inside retrieval: every factor is ≤ 1, so the clause bounds
/// that pruning compares with the threshold remain upper bounds and the top k stays exact (no
/// "retrieve 100, rescore, keep 10" approximation).
public struct PatientPrior: Sendable, Hashable {
    public var profile: PatientProfile
    public var ageMismatchFactor: Float
    public var sexMismatchFactor: Float

    public init(profile: PatientProfile, parameters: RescoringParameters) {
        self.profile = profile
        ageMismatchFactor = Float(parameters.ageMismatchFactor)
        sexMismatchFactor = Float(parameters.sexMismatchFactor)
    }

    /// Compiled for one segment.
    func segmentPrior(_ segment: SegmentReader) -> SegmentPrior {
        let otherSex: String? = profile.sex.flatMap { $0 == .female ? "male" : $0 == .male ? "female" : nil }
        let mismatch = segment.docValues.sexes.map { otherSex != nil && SearchFilter.normalize($0) == otherSex }
        return SegmentPrior(docValues: segment.docValues, age: profile.ageYears, ageFactor: ageMismatchFactor,
                            sexMismatch: mismatch, sexFactor: sexMismatchFactor)
    }
}

/// A `PatientPrior` for one segment's doc values.
struct SegmentPrior {
    let docValues: DocValues
    let age: Double?
    let ageFactor: Float
    let sexMismatch: [Bool]
    let sexFactor: Float

    /// The factor of `doc` (1 when it admits the patient).
    @inline(__always)
    func factor(_ doc: DocID) -> Float {
        var f: Float = 1
        if let age {
            if let min = docValues.minimumAgeYears(doc), age < min { f *= ageFactor }
            else if let max = docValues.maximumAgeYears(doc), age > max { f *= ageFactor }
        }
        let code = docValues.sexCode(doc)
        if code < sexMismatch.count && sexMismatch[code] { f *= sexFactor }
        return f
    }

    /// The factor of `doc` with its reasons.
    func explain(_ doc: DocID, profile: PatientProfile) -> Explanation {
        var details: [Explanation] = []
        if let age {
            let min = docValues.minimumAgeYears(doc), max = docValues.maximumAgeYears(doc)
            let limits = "ages \(min.map { Explanation.format(Float($0)) } ?? "any")–\(max.map { Explanation.format(Float($0)) } ?? "any")"
            let excluded = (min.map { age < $0 } ?? false) || (max.map { age > $0 } ?? false)
            details.append(Explanation(value: excluded ? ageFactor : 1,
                                       description: "patient age \(Explanation.format(Float(age))) vs trial \(limits)"))
        }
        let code = docValues.sexCode(doc)
        let mismatched = code < sexMismatch.count && sexMismatch[code]
        if let sex = profile.sex {
            details.append(Explanation(value: mismatched ? sexFactor : 1,
                                       description: "patient \(sex.rawValue) vs trial sex \"\(docValues.sex(doc))\""))
        }
        return Explanation(value: factor(doc), description: "patient profile (\(profile)), product of", combination: .product,
                           details: details)
    }
}
