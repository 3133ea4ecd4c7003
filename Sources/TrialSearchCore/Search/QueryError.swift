/// A malformed query: what is wrong and where, with the query echoed and a caret under the problem.
///
/// `offset` is a UTF-8 byte offset into the query; `column` counts characters from 1, for people.
/// `description` is two or three lines, e.g.
/// ```
/// unclosed quote at column 12: a phrase needs a closing "
///   +condition:"ovarian insufficiency
///              ^
/// ```
public enum QueryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The query is empty or white space.
    case emptyQuery
    /// A `"` at `offset` opens a phrase that is never closed.
    case unclosedQuote(query: String, offset: Int)
    /// The phrase opened at `offset` has no words (`""`).
    case emptyPhrase(query: String, offset: Int)
    /// `field:` at `offset` is followed by nothing (white space, the end, or `""`).
    case emptyFieldValue(query: String, offset: Int, field: Field)
    /// `name:value` at `offset` names no field. (`name:` followed by white space is read as a word,
    /// and `http://`… as a URL.)
    case unknownField(query: String, offset: Int, name: String)
    /// Every clause left is excluded (`-word`); the first is at `offset`.
    case onlyExcludedTerms(query: String, offset: Int)
    /// Nothing is left after analysis: every word is a stop word or punctuation.
    case noSearchableTerms(query: String)

    /// The query text, or nil for `emptyQuery`.
    public var query: String? {
        switch self {
        case .emptyQuery: return nil
        case let .unclosedQuote(query, _), let .emptyPhrase(query, _), let .emptyFieldValue(query, _, _),
             let .unknownField(query, _, _), let .onlyExcludedTerms(query, _), let .noSearchableTerms(query):
            return query
        }
    }

    /// The UTF-8 byte offset of the problem in the query.
    public var offset: Int {
        switch self {
        case .emptyQuery, .noSearchableTerms: return 0
        case let .unclosedQuote(_, offset), let .emptyPhrase(_, offset), let .emptyFieldValue(_, offset, _),
             let .unknownField(_, offset, _), let .onlyExcludedTerms(_, offset):
            return offset
        }
    }

    /// The 1-based character column of the problem.
    public var column: Int {
        guard let query else { return 1 }
        let utf8 = query.utf8
        let end = utf8.index(utf8.startIndex, offsetBy: min(offset, utf8.count))
        return query[..<end].count + 1
    }

    /// The problem in one line, without the caret lines.
    public var message: String {
        switch self {
        case .emptyQuery:
            return "empty query: give words to search for"
        case .unclosedQuote:
            return "unclosed quote at column \(column): a phrase needs a closing \""
        case .emptyPhrase:
            return "empty phrase at column \(column): put words between the quotes"
        case let .emptyFieldValue(_, _, field):
            return "missing value for field '\(field.name)' at column \(column): "
                + "write \(field.name):word or \(field.name):\"a phrase\""
        case let .unknownField(_, _, name):
            return "unknown field '\(name)' at column \(column); fields are "
                + Field.allCases.map(\.name).joined(separator: ", ")
        case .onlyExcludedTerms:
            return "only excluded terms (the first at column \(column)): add a word to search for"
        case .noSearchableTerms:
            return "nothing to search for: every word is a stop word or punctuation"
        }
    }

    public var description: String {
        guard let query, !query.isEmpty else { return message }
        let echo = String(query.map { $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
        return message + "\n  " + echo + "\n  " + String(repeating: " ", count: column - 1) + "^"
    }
}
