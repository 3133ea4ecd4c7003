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

    /// Reads the profile from `text`.
    /// - Complexity: O(n) in the text's length.
    public init(text: String) {
        // Lowercase ASCII words and numbers, in order.
        var words: [String] = []
        var current: [UInt8] = []
        var previousWasDigit = false
        func flush() {
            if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
            current.removeAll(keepingCapacity: true)
        }
        for byte in text.utf8 {
            let b = byte >= 65 && byte <= 90 ? byte + 32 : byte
            let isDigit = b >= 48 && b <= 57
            let isLetter = b >= 97 && b <= 122
            if isDigit || isLetter {
                // "45f", "6yo": split digits from letters.
                if !current.isEmpty && isDigit != previousWasDigit { flush() }
                current.append(b)
                previousWasDigit = isDigit
            } else if b == UInt8(ascii: "/") && current == [UInt8(ascii: "y")] {
                current.append(b)  // y/o
            } else {
                flush()
            }
        }
        flush()

        var age: Double?
        var female = 0
        var male = 0
        for (i, word) in words.enumerated() {
            if Self.femaleWords.contains(word) { female += 1 }
            if Self.maleWords.contains(word) { male += 1 }
            guard age == nil, let first = word.utf8.first, first >= 48 && first <= 57, word.utf8.count <= 3,
                  let n = Double(word) else { continue }
            if i > 0, words[i - 1] == "aged" || words[i - 1] == "age" {
                age = n
                continue
            }
            guard i + 1 < words.count else { continue }
            let unit = words[i + 1]
            let followedByOld = i + 2 < words.count && words[i + 2] == "old"
            let yearsOld: Double?
            switch unit {
            case "year", "years", "yr", "yrs": yearsOld = 1
            case "month", "months", "mo", "mos": yearsOld = 1.0 / 12
            case "week", "weeks", "wk", "wks": yearsOld = 1.0 / 52
            case "day", "days": yearsOld = 1.0 / 365
            default: yearsOld = nil
            }
            if let yearsOld {
                if followedByOld { age = n * yearsOld }
                continue
            }
            switch unit {
            case "yo", "y/o":
                age = n
            case "y" where i + 2 < words.count && words[i + 2] == "o":
                age = n
            case "m":
                age = n
                male += 2
            case "f":
                age = n
                female += 2
            default:
                break
            }
        }
        ageYears = age.flatMap { $0 > 0 && $0 < 120 ? $0 : nil }
        sex = female > male ? .female : male > female ? .male : nil
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
