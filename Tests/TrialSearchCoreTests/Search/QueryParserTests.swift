import Testing
@testable import TrialSearchCore

/// The query language: syntax to an analyzed query tree, and errors that point at the problem.
@Suite("Query parser")
struct QueryParserTests {
    /// A query and its canonical form (`Query.description`: analyzed terms, `+`/`-`, `field:`, phrases
    /// in quotes with `?` for stop-word gaps, `(a | b)` for a compound's alternatives).
    struct Case: Sendable, CustomTestStringConvertible {
        var query: String
        var expected: String
        var why = ""
        var testDescription: String { query }
    }

    static let cases: [Case] = [
        Case(query: "mesenchymal ovarian", expected: "mesenchym ovarian"),
        Case(query: "+condition:\"ovarian insufficiency\" stem -title:canine",
             expected: "+condition:\"ovarian insuffici\" stem -title:canin"),
        Case(query: "\"insufficiency of the ovary\"", expected: "\"insuffici ? ? ovari\"",
             why: "stop words leave gaps in a phrase"),
        Case(query: "COVID-19 vaccine", expected: "(covid19 | \"covid 19\") vaccin",
             why: "a hyphenated word: its joined term, or the phrase of its parts"),
        Case(query: "+IL-6 HER2/neu anti-PD-1",
             expected: "+(il6 | \"il 6\") (her2neu | \"her2 neu\") (antipd1 | \"anti pd 1\")"),
        Case(query: "\"COVID-19 vaccine\"", expected: "\"covid 19 vaccin\"",
             why: "in a longer phrase the parts are matched by position"),
        Case(query: "id:NCT05308342", expected: "id:nct05308342"),
        Case(query: "ID:sz-pof-2019-4", expected: "id:(sz-pof-2019-4 | \"sz pof 2019 4\")"),
        Case(query: "TITLE:Stem Mesh:\"Primary Ovarian Insufficiency\"",
             expected: "title:stem mesh:\"primari ovarian insuffici\"", why: "field names ignore case"),
        Case(query: "outcome:survival location:Shanghai sponsor:\"Sun Yat-sen\" keyword:MSC "
                 + "intervention:cells summary:x description:y eligibility:pregnant",
             expected: "outcome:surviv location:shanghai sponsor:\"sun yat sen\" keyword:msc intervention:cell "
                 + "summary:x description:y eligibility:pregnant"),
        Case(query: "the ovarian", expected: "ovarian", why: "a stop word drops out"),
        Case(query: "+the ovarian -of", expected: "ovarian", why: "required or excluded stop words drop out too"),
        Case(query: "foo - bar + baz", expected: "foo bar baz", why: "a lone + or - is ignored"),
        Case(query: "stem cells AND ovary OR NOT uterus", expected: "stem cell ovari not uterus",
             why: "no boolean operators"),
        Case(query: "≥18 years", expected: "\"gte 18\" year", why: "a word with several positions is a phrase"),
        Case(query: "新冠肺炎", expected: "\"新 冠 肺 炎\""),
        Case(query: "Diagnosis: diabetes", expected: "diagnosi diabet",
             why: "letters and a colon before white space are a word"),
        Case(query: "see https://clinicaltrials.gov/show/NCT04502056",
             expected: "see https://clinicaltrials.gov/show/nct04502056"),
        Case(query: "ratio 1:2", expected: "ratio \"1 2\"", why: "a colon after digits is text"),
        Case(query: "-title:canine stem", expected: "-title:canin stem"),
        Case(query: "+\"stem cell\" -\"bone marrow\"", expected: "+\"stem cell\" -\"bone marrow\""),
        Case(query: "title:\"COVID-19\"", expected: "title:(covid19 | \"covid 19\")"),
        Case(query: "state-of-the-art", expected: "(stateoftheart | \"state ? ? art\")"),
        Case(query: "(ovarian) [failure]", expected: "ovarian failur", why: "brackets are punctuation"),
    ]

    @Test("table of queries", arguments: cases)
    func parse(_ example: Case) throws {
        let parser = QueryParser(analyzer: Analyzer())
        let parsed = try parser.parse(example.query)
        #expect(parsed.description == example.expected, "\(example.why)")
    }

    @Test("clause structure: occur, field, match, source range")
    func structure() throws {
        let query = try QueryParser(analyzer: Analyzer()).parse("+condition:\"ovarian insufficiency\" stem -title:canine")
        #expect(query.clauses.count == 3)
        #expect(query.clauses[0] == QueryClause(
            occur: .must, field: .condition,
            match: .phrase([PhraseTerm(term: "ovarian", position: 0), PhraseTerm(term: "insuffici", position: 1)]),
            sourceRange: 0..<34))
        #expect(query.clauses[1] == QueryClause(occur: .should, field: nil, match: .term("stem"), sourceRange: 35..<39))
        #expect(query.clauses[2] == QueryClause(occur: .mustNot, field: .title, match: .term("canin"),
                                                sourceRange: 40..<53))
        #expect(query.terms == ["ovarian", "insuffici", "stem", "canin"])
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var query: String
        var expected: String
        var testDescription: String { query }
    }

    static let errors: [ErrorCase] = [
        ErrorCase(query: "+condition:\"ovarian insufficiency", expected: """
            unclosed quote at column 12: a phrase needs a closing "
              +condition:"ovarian insufficiency
                         ^
            """),
        ErrorCase(query: "stem \"\" cells", expected: """
            empty phrase at column 6: put words between the quotes
              stem "" cells
                   ^
            """),
        ErrorCase(query: "title: stem", expected: """
            missing value for field 'title' at column 7: write title:word or title:"a phrase"
              title: stem
                    ^
            """),
        ErrorCase(query: "stem -title:", expected: """
            missing value for field 'title' at column 13: write title:word or title:"a phrase"
              stem -title:
                          ^
            """),
        ErrorCase(query: "mesh:\"\"", expected: """
            missing value for field 'mesh' at column 6: write mesh:word or mesh:"a phrase"
              mesh:""
                   ^
            """),
        ErrorCase(query: "ovarian titel:stem", expected: """
            unknown field 'titel' at column 9; fields are id, title, condition, keyword, mesh, intervention, \
            summary, description, eligibility, outcome, sponsor, location
              ovarian titel:stem
                      ^
            """),
        ErrorCase(query: "-canine -title:dog", expected: """
            only excluded terms (the first at column 1): add a word to search for
              -canine -title:dog
              ^
            """),
        ErrorCase(query: "the of and", expected: """
            nothing to search for: every word is a stop word or punctuation
              the of and
              ^
            """),
        ErrorCase(query: "  \t ", expected: "empty query: give words to search for"),
        ErrorCase(query: "", expected: "empty query: give words to search for"),
        ErrorCase(query: "café \"α-synuclein", expected: """
            unclosed quote at column 6: a phrase needs a closing "
              café "α-synuclein
                   ^
            """),
    ]

    @Test("malformed queries give errors with exact messages", arguments: errors)
    func malformed(_ example: ErrorCase) {
        let parser = QueryParser(analyzer: Analyzer())
        do {
            let query = try parser.parse(example.query)
            Issue.record("parsed as \(query)")
        } catch {
            #expect(error.description == example.expected)
        }
    }

    @Test("error offsets are UTF-8 byte offsets, columns are characters")
    func offsets() {
        do {
            _ = try QueryParser(analyzer: Analyzer()).parse("café \"α")
            Issue.record("no error")
        } catch {
            #expect(error == .unclosedQuote(query: "café \"α", offset: 6))
            #expect(error.column == 6)
        }
    }

    @Test("no input crashes the parser")
    func robustness() {
        let parser = QueryParser(analyzer: Analyzer())
        let pieces = ["+", "-", "\"", ":", "title:", "id:", "a", "é", "α", "-x", "\"\"", " ", "http://", "foo:",
                      "新", "≥", "\u{FFFD}", "\n"]
        var generator = SplitMix64(seed: 2026)
        for _ in 0..<2000 {
            let count = Int.random(in: 1...8, using: &generator)
            let text = (0..<count).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
            do {
                let query = try parser.parse(text)
                #expect(!query.clauses.isEmpty && query.clauses.contains { $0.occur != .mustNot }, "\(text)")
            } catch {
                #expect(!error.description.isEmpty, "\(text)")
            }
        }
    }
}

/// A seeded generator, so that the robustness test is reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
