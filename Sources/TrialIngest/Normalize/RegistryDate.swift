import TrialSearchCore

/// Parses the dates registries publish into `PartialDate`.
///
/// Accepted: "August 7, 2020", "Aug 7 2020", "August 2020", "17 February 2020", "2020-08-07",
/// "2020-08", "2020/08/07", ICTRP's "20200217" and "202002", and day-first "30/08/2007" (the ICTRP
/// export's `Date_registration` for ClinicalTrials.gov trials; when the first number exceeds 12 it
/// must be the day, when the second does it is month-first "08/30/2007"). Anything else, and impossible
/// dates, give nil.
///
/// The grammar: the text is cut into words, runs of ASCII digits (a number, at most 8 digits) and
/// runs of ASCII letters (a month: its English name, its first three letters, or "Sept", in any case;
/// any other word makes the text not a date); every other byte only separates words. The words must
/// be one number of 8 digits (`YYYYMMDD`) or 6 (`YYYYMM`); month year; year month; month day year;
/// day month year; year month day; or two numbers and a year (day first unless the second number
/// exceeds 12). A year has exactly four digits and lies in 1000–9999, and the date must be on the
/// calendar. (The fuzz target `FuzzDate` compares this parse with a reference written from this
/// grammar.)
enum RegistryDate {
    static func parse(_ text: String) -> PartialDate? {
        if let date = text.utf8.withContiguousStorageIfAvailable({ parse($0) }) { return date }
        return Array(text.utf8).withUnsafeBufferPointer { parse($0) }
    }

    /// Parses the UTF-8 bytes of a date. On bytes, with the (at most three) tokens in variables: the
    /// `String` form, with an array of tokens and a dictionary of month names, took about 5,500
    /// instructions a date (about 1 % of a zip build's).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> PartialDate? {
        var tokens = (Token.month(0), Token.month(0), Token.month(0))
        var count = 0
        var i = 0
        let n = bytes.count
        while i < n {
            let first = bytes[i]
            let token: Token
            if isDigit(first) {
                var value = 0, digits = 0
                while i < n, isDigit(bytes[i]) {
                    guard digits < 8 else { return nil }
                    value = value * 10 + Int(bytes[i] &- 48)
                    digits += 1
                    i += 1
                }
                token = .number(value, digits: digits)
            } else if isLetter(first) {
                let start = i
                while i < n, isLetter(bytes[i]) { i += 1 }
                guard let month = month(bytes, start, i) else { return nil }
                token = .month(month)
            } else {
                i += 1
                continue
            }
            switch count {
            case 0: tokens.0 = token
            case 1: tokens.1 = token
            case 2: tokens.2 = token
            default: return nil
            }
            count += 1
        }
        switch count {
        case 1:
            // 20200217, 202002
            guard case .number(let n, let digits) = tokens.0 else { return nil }
            if digits == 8 { return PartialDate(year: n / 10000, month: n / 100 % 100, day: n % 100) }
            if digits == 6 { return PartialDate(year: n / 100, month: n % 100) }
            return nil
        case 2:
            switch (tokens.0, tokens.1) {
            case (.month(let m), .number(let y, 4)): return PartialDate(year: y, month: m)
            case (.number(let y, 4), .number(let m, _)): return PartialDate(year: y, month: m)
            default: return nil
            }
        case 3:
            switch (tokens.0, tokens.1, tokens.2) {
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

    /// The month (1…12) named by the letters `bytes[start..<end]`: its English name, its first three
    /// letters, or "Sept", in any case; nil for any other word (a word that only begins like a month,
    /// "Junk 2020" or "Decade 2020", is not one).
    private static func month(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        let length = end - start
        guard length >= 3,
              let month = month(lowercased(bytes[start]), lowercased(bytes[start + 1]), lowercased(bytes[start + 2]))
        else { return nil }
        if length == 3 { return month }
        if month == 9, length == 4, lowercased(bytes[start + 3]) == UInt8(ascii: "t") { return month }
        let name = monthNames[month - 1]
        guard length == name.count else { return nil }
        for k in 3..<length where lowercased(bytes[start + k]) != name[k] { return nil }
        return month
    }

    /// The months' English names, lowercase.
    private static let monthNames: [[UInt8]] = ["january", "february", "march", "april", "may", "june", "july",
                                                "august", "september", "october", "november", "december"].map { Array($0.utf8) }

    /// The month (1…12) whose English name starts with the three lowercase letters, or nil.
    private static func month(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int? {
        let key = UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c)
        for (index, name) in monthKeys.enumerated() where name == key { return index + 1 }
        return nil
    }

    private static let monthKeys: [UInt32] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .map { $0.utf8.reduce(0) { $0 << 8 | UInt32($1) } }
}
