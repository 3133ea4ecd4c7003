import Testing
@testable import TrialSearchCore

/// The clinical tokenizer and its filters on the cases the analysis is designed for.
@Suite("Analyzer: text fields")
struct AnalyzerTests {
    static let cases: [AnalysisCase] = [
        // Hyphenated and slashed compounds: parts, and the joined form at the first part's position.
        AnalysisCase(text: "COVID-19", expected: "covid@0 covid19@0(joined) 19@1(number)"),
        AnalysisCase(text: "IL-6", expected: "il@0 il6@0(joined) 6@1(number)"),
        AnalysisCase(text: "UC-MSCs", expected: "uc@0 ucmsc@0(joined) msc@1",
                     why: "acronym plural MSCs → msc"),
        AnalysisCase(text: "HER2/neu", expected: "her2@0 her2neu@0(joined) neu@1"),
        AnalysisCase(text: "anti-PD-1", expected: "anti@0 antipd1@0(joined) pd@1 1@2(number)"),
        AnalysisCase(text: "non-small-cell lung cancer",
                     expected: "non@0 nonsmallcel@0(joined) small@1 cell@2 lung@3 cancer@4"),
        AnalysisCase(text: "HIV-1/AIDS", expected: "hiv@0 hiv1aids@0(joined) 1@1(number) aid@2"),
        AnalysisCase(text: "state-of-the-art", expected: "state@0 stateoftheart@0(joined) art@3",
                     why: "stop-word parts dropped, the joined form kept"),
        AnalysisCase(text: "2020-01-15 120/80 18-65",
                     expected: "2020@0(number) 01@1(number) 15@2(number) 120@3(number) 80@4(number) "
                         + "18@5(number) 65@6(number)",
                     why: "digits-only compounds are not joined"),
        AnalysisCase(text: "s/p h/o", expected: "s@0 sp@0(joined) p@1 h@2 ho@2(joined) o@3"),
        // Compound parts scanned 8 bytes at a time (`foldBlock`): parts of 8 bytes and longer, digits in
        // a block, a part ending at the text's end, URL-like first letters that are no URL.
        AnalysisCase(text: "immunohistochemistry-guided therapy",
                     expected: "immunohistochemistri@0 immunohistochemistryguid@0(joined) guid@1 therapi@2"),
        AnalysisCase(text: "CD34-positive/CD38-negative cells",
                     expected: "cd34@0 cd34positivecd38negative@0(joined) posit@1 cd38@2 negat@3 cell@4"),
        AnalysisCase(text: "abcdefgh-ijklmnop-q", expected: "abcdefgh@0 abcdefghijklmnopq@0(joined) ijklmnop@1 q@2"),
        AnalysisCase(text: "pharmacokinetics/pharmacodynamics",
                     expected: "pharmacokinet@0 pharmacokineticspharmacodynam@0(joined) pharmacodynam@1"),
        AnalysisCase(text: "12345678-90123456", expected: "12345678@0(number) 90123456@1(number)"),
        AnalysisCase(text: "MSCs-derived exosomes", expected: "msc@0 mscderiv@0(joined) deriv@1 exosom@2"),
        AnalysisCase(text: "ftp-site fast-track wide-ranging high-dose",
                     expected: "ftp@0 ftpsite@0(joined) site@1 fast@2 fasttrack@2(joined) track@3 wide@4 "
                         + "widerang@4(joined) rang@5 high@6 highdos@6(joined) dose@7"),
        AnalysisCase(text: "e-mail: info@example.com www.example.com/path",
                     expected: "e@0 email@0(joined) mail@1 info@example.com@2(email) www.example.com/path@3(url)"),
        // Greek letters and µ.
        AnalysisCase(text: "α-synuclein", expected: "alpha@0 alphasynuclein@0(joined) synuclein@1"),
        AnalysisCase(text: "TNFα NF-κB", expected: "tnf@0 tnfalpha@0(joined) alpha@1 nf@2 nfkappab@2(joined) "
                         + "kappa@3 b@4"),
        AnalysisCase(text: "IL-1β TGF-β1", expected: "il@0 il1beta@0(joined) 1@1(number) beta@2 tgf@3 "
                         + "tgfbeta1@3(joined) beta@4 1@5(number)"),
        AnalysisCase(text: "γ δ λ ω", expected: "gamma@0 delta@1 lambda@2 omega@3"),
        AnalysisCase(text: "5 µg/mL μmol μ-opioid",
                     expected: "5@0(number) ug@1 ugml@1(joined) ml@2 umol@3 mu@4 muopioid@4(joined) opioid@5",
                     why: "µ/μ before a unit letter is the prefix u, otherwise mu"),
        AnalysisCase(text: "TNF\u{F061} FPG \u{F0B3} 7.0",
                     expected: "tnf@0 tnfalpha@0(joined) alpha@1 fpg@2 gte@3(symbol) 7.0@4(number)",
                     why: "the Symbol font's private-use alpha and ≥, as in NCT00498862"),
        // Symbols.
        AnalysisCase(text: "≥18 years", expected: "gte@0(symbol) 18@1(number) year@2"),
        AnalysisCase(text: "age >= 18 and <= 65, BMI > 30, HbA1c < 7%",
                     expected: "age@0 gte@1(symbol) 18@2(number) lte@4(symbol) 65@5(number) bmi@6 gt@7(symbol) "
                         + "30@8(number) hba1c@9 lt@10(symbol) 7@11(number)"),
        AnalysisCase(text: "≤ 2 × ULN ± 5 ⩾1 ≦3", expected: "lte@0(symbol) 2@1(number) uln@2 5@3(number) "
                         + "gte@4(symbol) 1@5(number) lte@6(symbol) 3@7(number)",
                     why: "× and ± separate, leaving no token"),
        AnalysisCase(text: "37℃ 37 °C", expected: "37@0(number) c@1(symbol) 37@2(number) c@3"),
        AnalysisCase(text: "10×106 cells", expected: "10@0(number) 106@1(number) cell@2"),
        AnalysisCase(text: "10⁹/L kg/m²", expected: "10@0(number) 109l@0(joined) 9@1(number) l@2 kg@3 "
                         + "kgm2@3(joined) m@4 2@5(number)",
                     why: "superscripts are parts of their own"),
        AnalysisCase(text: "phase Ⅱ ① ②", expected: "phase@0 ii@1 1@2(number) 2@3(number)"),
        // Numbers.
        AnalysisCase(text: "2.5 mg, 1,000,000 units; EF was 25%.",
                     expected: "2.5@0(number) mg@1 1000000@2(number) unit@3 ef@4 25@6(number)"),
        AnalysisCase(text: "1,2,3 and 2020,2021", expected: "1@0(number) 2@1(number) 3@2(number) "
                         + "2020@4(number) 2021@5(number)",
                     why: "a comma is a thousands separator only before exactly three digits"),
        AnalysisCase(text: "1.15x10⁷ pfu", expected: "1.15x10@0 1.15x107@0(joined) 7@1(number) pfu@2"),
        // Apostrophes and acronyms.
        AnalysisCase(text: "Crohn's disease", expected: "crohn@0 diseas@1"),
        AnalysisCase(text: "Crohn’s patients’ O'Brien", expected: "crohn@0 patient@1 obrien@2"),
        AnalysisCase(text: "patient´s", expected: "patient@0", why: "´ typed for an apostrophe"),
        AnalysisCase(text: "e.g. U.S.A. Dr. Smith", expected: "eg@0 usa@1 dr@2 smith@3"),
        AnalysisCase(text: "NSAIDs MSCs CD34s IgGs ALS", expected: "nsaid@0 msc@1 cd34@2 igg@3 al@4",
                     why: "ALS is no plural; Porter2 stems als → al"),
        AnalysisCase(text: "the MRIs, CTs. Cs Gs: cells CELLs\tPETs\nABCs", expected: "mri@1 ct@2 cs@3 gs@4 cell@5 cell@6 pet@7 abc@8",
                     why: "acronym plurals before a space, a tab, a newline, `,`, `.`, `:` and at the text's end; "
                         + "a two-byte word ending in s is no plural"),
        // URLs and e-mail addresses.
        AnalysisCase(text: "https://clinicaltrials.gov/show/NCT04502056",
                     expected: "https://clinicaltrials.gov/show/nct04502056@0(url)"),
        AnalysisCase(text: "(see www.who.int/ictrp).", expected: "see@0 www.who.int/ictrp@1(url)"),
        AnalysisCase(text: "https://example.org/a_(b)).", expected: "https://example.org/a_(b)@0(url)",
                     why: "balanced brackets stay, unbalanced ones and trailing punctuation go"),
        AnalysisCase(text: "contact j.doe@example.org.", expected: "contact@0 j.doe@example.org@1(email)"),
        AnalysisCase(text: "mail jean-luc_picard+trial@hospital.example.fr now",
                     expected: "mail@0 jean-luc_picard+trial@hospital.example.fr@1(email) now@2"),
        AnalysisCase(text: "user@localhost", expected: "user@0 localhost@1",
                     why: "no dot in the domain: not an address"),
        // Folding.
        AnalysisCase(text: "résumé São Paulo Zürich Ødegaard Łódź Straße naïve",
                     expected: "resum@0 sao@1 paulo@2 zurich@3 odegaard@4 lodz@5 strass@6 naiv@7"),
        AnalysisCase(text: "Yıldırım İstanbul Æther ﬁbrosis", expected: "yildirim@0 istanbul@1 aether@2 fibrosi@3"),
        AnalysisCase(text: "e\u{0301}tude", expected: "etud@0", why: "a decomposed é folds like a precomposed one"),
        AnalysisCase(text: "ＣＯＶＩＤ－１９，Ｆｕｌｌ（ｗｉｄｔｈ）",
                     expected: "covid@0 covid19@0(joined) 19@1(number) full@2 width@3"),
        AnalysisCase(text: "Наталья Ivanova", expected: "наталья@0 ivanova@1",
                     why: "other scripts are lowercased, not transliterated"),
        AnalysisCase(text: "新型冠状病毒肺炎 患者", expected: "新@0(ideograph) 型@1(ideograph) 冠@2(ideograph) 状@3(ideograph) "
                         + "病@4(ideograph) 毒@5(ideograph) 肺@6(ideograph) 炎@7(ideograph) 患@8(ideograph) 者@9(ideograph)",
                     why: "CJK characters are unigrams"),
        AnalysisCase(text: "Ⅲ期临床", expected: "iii@0 期@1(ideograph) 临@2(ideograph) 床@3(ideograph)"),
        // Stop words leave gaps; negations and clinical words are kept.
        AnalysisCase(text: "The patients were randomized to placebo.",
                     expected: "patient@1 were@2 random@3 placebo@5"),
        AnalysisCase(text: "no prior chemotherapy; not pregnant; HER2-positive or negative",
                     expected: "no@0 prior@1 chemotherapi@2 not@3 pregnant@4 her2@5 her2positive@5(joined) posit@6 "
                         + "negat@8",
                     why: "a joined form with digits is not stemmed"),
        AnalysisCase(text: "ALL and AML", expected: "all@0 aml@2", why: "all is no stop word"),
        // Malformed UTF-8 and edge cases.
        AnalysisCase(text: "", expected: ""),
        AnalysisCase(text: " -- / ' . ", expected: ""),
        AnalysisCase(text: "end-", expected: "end@0"),
        AnalysisCase(text: "-20 mg", expected: "20@0(number) mg@1"),
    ]

    @Test("table of analyzer cases", arguments: cases)
    func analyze(_ example: AnalysisCase) {
        let analyzer = Analyzer()
        #expect(analyzer.rendered(example.text, field: example.field) == example.expected,
                "\(example.why)")
    }

    @Test("invalid UTF-8 separates words and never crashes")
    func invalidUTF8() {
        let analyzer = Analyzer()
        let bytes: [UInt8] = Array("ab".utf8) + [0xC3] + Array("cd".utf8) + [0xE2, 0x89] + [0xFF, 0xF0, 0x9F]
            + Array(" ef".utf8)
        var terms: [String] = []
        bytes.withUnsafeBufferPointer { buffer in
            _ = analyzer.analyze(bytes: buffer, field: .summary) { terms.append($0.text) }
        }
        #expect(terms == ["ab", "cd", "ef"])
    }

    @Test("a word longer than 255 bytes is dropped but keeps its position")
    func longWord() {
        let analyzer = Analyzer()
        let long = String(repeating: "a", count: 300)
        #expect(analyzer.rendered("one \(long) two") == "one@0 two@2")
        #expect(analyzer.rendered(String(repeating: "b", count: 255)) == String(repeating: "b", count: 255) + "@0")
    }

    @Test("a compound part longer than 255 bytes is dropped with the joined form, its position kept")
    func longCompoundPart() {
        let analyzer = Analyzer()
        #expect(analyzer.rendered("x-\(String(repeating: "a", count: 300))-y") == "x@0 y@2")
        let b255 = String(repeating: "b", count: 255)
        #expect(analyzer.rendered("x-\(b255)-y") == "x@0 \(b255)@1 y@2", "the joined form is past 255 bytes")
        #expect(analyzer.rendered("\(b255)c1-z") == "z@1")
    }

    @Test("options off: no stemming, no stop words, no joined forms, no symbol words")
    func optionsOff() {
        let configuration = AnalyzerConfiguration(stemmer: nil, stopWords: .none, foldsDiacritics: false,
                                                  foldsGreekLetters: false, foldsSymbols: false,
                                                  joinsCompounds: false, dropsAcronymPlurals: false)
        let analyzer = Analyzer(configuration: configuration)
        #expect(analyzer.rendered("The MSCs of COVID-19 ≥18 café α") ==
                "the@0 mscs@1 of@2 covid@3 19@4(number) 18@5(number) café@6 α@7")
    }
}
