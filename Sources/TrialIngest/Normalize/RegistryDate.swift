import TrialSearchCore

/// Parses the dates registries publish into `PartialDate`.
///
/// Accepted: "August 7, 2020", "Aug 7 2020", "August 2020", "17 February 2020", "2020-08-07",
/// "2020-08", "2020/08/07", ICTRP's "20200217" and "202002", and day-first "30/08/2007" (the ICTRP
/// export's `Date_registration` for ClinicalTrials.gov trials; when the first number exceeds 12 it
/// must be the day, when the second does it is month-first "08/30/2007"). Anything else, and impossible
/// dates, give nil.
enum RegistryDate {
    static func parse(_ text: String) -> PartialDate? {
        var tokens: [Token] = []
        var utf8 = text.utf8[...]
        while let first = utf8.first {
            if isDigit(first) {
                let run = utf8.prefix { isDigit($0) }
                guard run.count <= 8 else { return nil }
                tokens.append(.number(run.reduce(0) { $0 * 10 + Int($1 - 48) }, digits: run.count))
                utf8 = utf8.dropFirst(run.count)
            } else if isLetter(first) {
                let run = utf8.prefix { isLetter($0) }
                let word = String(decoding: run.prefix(3).map(lowercased), as: UTF8.self)
                guard let month = months[word], run.count >= 3 else { return nil }
                tokens.append(.month(month))
                utf8 = utf8.dropFirst(run.count)
            } else {
                utf8 = utf8.dropFirst()
            }
            if tokens.count > 3 { return nil }
        }
        switch tokens.count {
        case 1:
            // 20200217, 202002
            guard case .number(let n, let digits) = tokens[0] else { return nil }
            if digits == 8 { return PartialDate(year: n / 10000, month: n / 100 % 100, day: n % 100) }
            if digits == 6 { return PartialDate(year: n / 100, month: n % 100) }
            return nil
        case 2:
            switch (tokens[0], tokens[1]) {
            case (.month(let m), .number(let y, 4)): return PartialDate(year: y, month: m)
            case (.number(let y, 4), .number(let m, _)): return PartialDate(year: y, month: m)
            default: return nil
            }
        case 3:
            switch (tokens[0], tokens[1], tokens[2]) {
            case (.month(let m), .number(let d, _), .number(let y, 4)): return PartialDate(year: y, month: m, day: d)
            case (.number(let d, _), .month(let m), .number(let y, 4)): return PartialDate(year: y, month: m, day: d)
            case (.number(let y, 4), .number(let m, _), .number(let d, _)): return PartialDate(year: y, month: m, day: d)
            case (.number(let a, _), .number(let b, _), .number(let y, 4)):
                // Day first unless the second number can only be a day.
                return b > 12 ? PartialDate(year: y, month: a, day: b) : PartialDate(year: y, month: b, day: a)
            default: return nil
            }
        default:
            return nil
        }
    }

    private enum Token {
        case number(Int, digits: Int)
        case month(Int)
    }

    private static let months: [String: Int] = [
        "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
        "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    ]
}
