/// Parses published age limits into years.
///
/// Accepted: a number (integer or decimal) and an optional unit: "18 Years", "6 Months", "2 Weeks",
/// "10 Days", "12 Hours", "30 Minutes", ICTRP's "18Y", "6M", "18 years old", and a bare "18" (ICTRP:
/// years). Months are 1/12 year, weeks 7 days, days 1/365.25 year, hours and minutes likewise. No limit
/// ("N/A", "no limit", "none", "-", "??", "") gives nil, and so does anything else that is not an age.
enum AgeLimit {
    /// The age in years, or nil when there is no limit.
    static func years(_ text: String) -> Double? {
        var utf8 = text.utf8[...]
        while let first = utf8.first, !isDigit(first) {
            // Only white space may come before the number ("≥18" and words are not ages).
            guard isSpace(first) else { return nil }
            utf8 = utf8.dropFirst()
        }
        let integer = utf8.prefix { isDigit($0) }
        guard !integer.isEmpty, integer.count <= 4 else { return nil }
        var value = Double(integer.reduce(0) { $0 * 10 + Int($1 - 48) })
        utf8 = utf8.dropFirst(integer.count)
        if let dot = utf8.first, dot == UInt8(ascii: "."), utf8.count > 1, isDigit(utf8[utf8.index(after: utf8.startIndex)]) {
            utf8 = utf8.dropFirst()
            let fraction = utf8.prefix { isDigit($0) }.prefix(6)
            var scale = 0.1
            for digit in fraction {
                value += Double(digit - 48) * scale
                scale /= 10
            }
            utf8 = utf8.drop { isDigit($0) }
        }
        while let first = utf8.first, isSpace(first) { utf8 = utf8.dropFirst() }
        let unit = String(decoding: utf8.prefix { isLetter($0) }.map(lowercased), as: UTF8.self)
        switch unit {
        case "", "y", "yr", "yrs", "year", "years", "a": return value
        case "m", "mo", "mos", "month", "months": return value / 12
        case "w", "wk", "wks", "week", "weeks": return value * 7 / 365.25
        case "d", "day", "days": return value / 365.25
        case "h", "hr", "hrs", "hour", "hours": return value / (365.25 * 24)
        case "min", "mins", "minute", "minutes": return value / (365.25 * 24 * 60)
        default: return nil
        }
    }

    /// The published text kept in `Eligibility.minimumAge`/`maximumAge`: trimmed, and "" for the
    /// placeholders that mean no limit ("N/A", "no limit", "none", "-", "??").
    static func published(_ text: String) -> String {
        years(text) == nil ? "" : text
    }
}
