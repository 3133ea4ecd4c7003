/// A calendar date as precise as the registry gave it: a year and month, or a full day.
///
/// Registries publish "August 7, 2020", "August 2020", "2020-08-07", "2020-08", "17 February 2020";
/// readers normalize all of them to this value. Ordered chronologically, a month before any of its days.
public struct PartialDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    /// 1…12.
    public let month: Int
    /// 1…31, or nil when the registry gave only a month.
    public let day: Int?

    /// Nil unless the parts form a real calendar date (year 1000…9999, month 1…12, day within the month).
    public init?(year: Int, month: Int, day: Int? = nil) {
        guard (1000...9999).contains(year), (1...12).contains(month) else { return nil }
        if let day {
            guard day >= 1, day <= PartialDate.daysIn(month: month, year: year) else { return nil }
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses ISO 8601 `YYYY-MM` or `YYYY-MM-DD` (the form `description` prints).
    public init?(iso text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3,
              parts[0].count == 4, let year = Int(parts[0]),
              parts[1].count == 2, let month = Int(parts[1]) else { return nil }
        var day: Int? = nil
        if parts.count == 3 {
            guard parts[2].count == 2, let d = Int(parts[2]) else { return nil }
            day = d
        }
        self.init(year: year, month: month, day: day)
    }

    /// ISO 8601: `YYYY-MM` or `YYYY-MM-DD`.
    public var description: String {
        let m = month < 10 ? "0\(month)" : "\(month)"
        guard let day else { return "\(year)-\(m)" }
        return "\(year)-\(m)-" + (day < 10 ? "0\(day)" : "\(day)")
    }

    /// Days since 0000-03-01 of the date (the first of the month when no day is given); a total order
    /// that fits a fixed-width column.
    public var ordinal: Int {
        let y = month <= 2 ? year - 1 : year
        let m = month <= 2 ? month + 12 : month
        return 365 * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + (day ?? 1) - 1
    }

    public static func < (lhs: PartialDate, rhs: PartialDate) -> Bool {
        if lhs.year != rhs.year { return lhs.year < rhs.year }
        if lhs.month != rhs.month { return lhs.month < rhs.month }
        return (lhs.day ?? 0) < (rhs.day ?? 0)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
