/// Parses published age limits into years.
///
/// Accepted: a number (integer or decimal) and an optional unit: "18 Years", "6 Months", "2 Weeks",
/// "10 Days", "12 Hours", "30 Minutes", ICTRP's "18Y", "6M", "18 years old", and a bare "18" (ICTRP:
/// years). Months are 1/12 year, weeks 7 days, days 1/365.25 year, hours and minutes likewise. No limit
/// ("N/A", "no limit", "none", "-", "??", "") gives nil, and so does anything else that is not an age.
enum AgeLimit {
    /// The age in years, or nil when there is no limit.
    static func years(_ text: String) -> Double? {
        if let years = text.utf8.withContiguousStorageIfAvailable({ years($0) }) { return years }
        return Array(text.utf8).withUnsafeBufferPointer { years($0) }
    }

    /// The age in years of the UTF-8 bytes of a limit, or nil. On the buffer with offsets: the same steps
    /// on the `String`'s `Substring.UTF8View` (`dropFirst`, `prefix`, `drop`) took about 900
    /// instructions a limit.
    static func years(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = bytes.count
        var i = 0
        while i < n, !isDigit(bytes[i]) {
            // Only white space may come before the number ("≥18" and words are not ages).
            guard isSpace(bytes[i]) else { return nil }
            i += 1
        }
        let integerStart = i
        while i < n, isDigit(bytes[i]) { i += 1 }
        guard i > integerStart, i - integerStart <= 4 else { return nil }
        var integer = 0
        for k in integerStart..<i { integer = integer * 10 + Int(bytes[k] &- 48) }
        var value = Double(integer)
        if i + 1 < n, bytes[i] == UInt8(ascii: "."), isDigit(bytes[i + 1]) {
            i += 1
            var scale = 0.1
            var digits = 0
            while i < n, isDigit(bytes[i]) {
                // The first six digits count; the rest are skipped.
                if digits < 6 {
                    value += Double(bytes[i] &- 48) * scale
                    scale /= 10
                    digits += 1
                }
                i += 1
            }
        }
        while i < n, isSpace(bytes[i]) { i += 1 }
        // The unit's letters, lowercased, packed into one word (`packed`); a longer word is no unit.
        var unit: UInt64 = 0
        var length: UInt64 = 0
        while i < n, isLetter(bytes[i]) {
            guard length < 8 else { return nil }
            unit |= UInt64(lowercased(bytes[i])) << (8 * length)
            length += 1
            i += 1
        }
        let units = Units.all
        if units.years.contains(unit) { return value }
        if units.months.contains(unit) { return value / 12 }
        if units.weeks.contains(unit) { return value * 7 / 365.25 }
        if units.days.contains(unit) { return value / 365.25 }
        if units.hours.contains(unit) { return value / (365.25 * 24) }
        if units.minutes.contains(unit) { return value / (365.25 * 24 * 60) }
        return nil
    }

    /// The unit words, each packed into a word as `years` packs the text's (its bytes from the lowest,
    /// zeros after): compared as integers, where a `String` of the unit and a `switch` on it took about
    /// 1,700 instructions a value.
    private struct Units {
        let years: [UInt64], months: [UInt64], weeks: [UInt64], days: [UInt64], hours: [UInt64], minutes: [UInt64]

        static let all = Units(
            years: packed(["", "y", "yr", "yrs", "year", "years", "a"]),
            months: packed(["m", "mo", "mos", "month", "months"]),
            weeks: packed(["w", "wk", "wks", "week", "weeks"]),
            days: packed(["d", "day", "days"]),
            hours: packed(["h", "hr", "hrs", "hour", "hours"]),
            minutes: packed(["min", "mins", "minute", "minutes"]))

        private static func packed(_ words: [String]) -> [UInt64] {
            words.map { word in
                word.utf8.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
            }
        }
    }

    /// The published text kept in `Eligibility.minimumAge`/`maximumAge`: trimmed, and "" for the
    /// placeholders that mean no limit ("N/A", "no limit", "none", "-", "??").
    static func published(_ text: String) -> String {
        years(text) == nil ? "" : text
    }
}
