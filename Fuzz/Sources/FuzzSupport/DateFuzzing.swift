@testable import TrialIngest
import TrialSearchCore

/// Differential fuzzing of `RegistryDate.parse` (on bytes) against `ReferenceDate.parse`, a
/// straightforward parse on `String`s written from `RegistryDate`'s documented grammar (not from its
/// code). Also checks that the `String` entry point agrees with the bytes one, and that a date found
/// is a real calendar date that prints as ISO 8601 and reads back.
public enum DateFuzzing {
    public static func run(_ data: UnsafeRawBufferPointer) {
        let bytes = data.bindMemory(to: UInt8.self)
        let found = RegistryDate.parse(bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        // Invalid UTF-8 becomes U+FFFD in the String: compare only inputs that are valid UTF-8.
        if Array(text.utf8) == Array(bytes) {
            let expected = ReferenceDate.parse(text)
            precondition(found == expected, "\(debug(text)): \(describe(found)), the reference \(describe(expected))")
            precondition(RegistryDate.parse(text) == found, "\(debug(text)): the String entry point differs")
        }
        if let found {
            precondition(PartialDate(iso: found.description) == found, "\(found) does not read back")
        }
    }

    static func describe(_ date: PartialDate?) -> String { date.map { $0.description } ?? "nil" }

    static func debug(_ text: String) -> String { "\"" + text.unicodeScalars.map { $0.escaped(asASCII: true) }.joined() + "\"" }
}

/// The dates `RegistryDate` documents, parsed the plain way: cut into words, match the word list
/// against each form. Written from the documented grammar (see `RegistryDate`), not from its code:
///
/// - Words: runs of ASCII digits (a number, at most 8 digits) and runs of ASCII letters (a month:
///   its English name, its first three letters, or "Sept", in any case); any other character only
///   separates words.
/// - Forms: `YYYYMMDD` and `YYYYMM` (one number of 8 or 6 digits); month year; year month; month day
///   year; day month year; year month day; and three numbers ending in a year, day first unless the
///   second number exceeds 12 (then month first). A year has exactly four digits. Anything else, and
///   dates that are not on the calendar (year 1000–9999), give nil.
enum ReferenceDate {
    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                         "october", "november", "december"]

    enum Word: Equatable {
        case number(String)
        case month(Int)
    }

    static func parse(_ text: String) -> PartialDate? {
        // Cut into words.
        var words: [Word] = []
        var current = ""
        var currentIsDigits = false
        func flush() -> Bool {
            defer { current = "" }
            guard !current.isEmpty else { return true }
            if currentIsDigits {
                guard current.count <= 8 else { return false }
                words.append(.number(current))
            } else {
                guard let m = monthNamed(current) else { return false }
                words.append(.month(m))
            }
            return true
        }
        for scalar in text.unicodeScalars {
            let isDigit = ("0"..."9").contains(scalar)
            let isLetter = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
            if isDigit || isLetter {
                if !current.isEmpty, currentIsDigits != isDigit { guard flush() else { return nil } }
                currentIsDigits = isDigit
                current.unicodeScalars.append(scalar)
            } else {
                guard flush() else { return nil }
            }
        }
        guard flush() else { return nil }

        func year(_ word: Word) -> Int? {
            guard case .number(let digits) = word, digits.count == 4 else { return nil }
            return Int(digits)
        }
        func number(_ word: Word) -> Int? {
            guard case .number(let digits) = word else { return nil }
            return Int(digits)
        }
        func month(_ word: Word) -> Int? {
            guard case .month(let m) = word else { return nil }
            return m
        }
        switch words.count {
        case 1:
            guard case .number(let digits) = words[0], let n = Int(digits) else { return nil }
            if digits.count == 8 { return PartialDate(year: n / 10000, month: n / 100 % 100, day: n % 100) }
            if digits.count == 6 { return PartialDate(year: n / 100, month: n % 100) }
            return nil
        case 2:
            if let m = month(words[0]), let y = year(words[1]) { return PartialDate(year: y, month: m) }
            if let y = year(words[0]), let m = number(words[1]) { return PartialDate(year: y, month: m) }
            return nil
        case 3:
            if let m = month(words[0]), let d = number(words[1]), let y = year(words[2]) {
                return PartialDate(year: y, month: m, day: d)
            }
            if let d = number(words[0]), let m = month(words[1]), let y = year(words[2]) {
                return PartialDate(year: y, month: m, day: d)
            }
            if let y = year(words[0]), let m = number(words[1]), let d = number(words[2]) {
                return PartialDate(year: y, month: m, day: d)
            }
            if let a = number(words[0]), let b = number(words[1]), let y = year(words[2]) {
                return b > 12 ? PartialDate(year: y, month: a, day: b) : PartialDate(year: y, month: b, day: a)
            }
            return nil
        default:
            return nil
        }
    }

    static func monthNamed(_ word: String) -> Int? {
        let lower = word.lowercased()
        for (k, name) in months.enumerated() where lower == name || lower == String(name.prefix(3)) { return k + 1 }
        return lower == "sept" ? 9 : nil
    }
}
