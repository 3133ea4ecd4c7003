import Testing
@testable import TrialIngest

@Suite struct TextNormalizerTests {
    /// A ClinicalTrials.gov XML text block as libxml2 hands it over (2022 dump: `&#xD;` before each
    /// line end, 6–8 spaces of indentation, wrapped lines, list items).
    static let textblock = "\n        Inclusion Criteria:\r\n\r\n          -  Male or non-pregnant female patients\r\n\r\n          -  Diagnosed with pneumonia requiring 21%<FIO2≤100% to maintain saturation by pulse\r\n             oximetry (SpO2) ≥90%\r\n\r\n        Exclusion Criteria:\r\n\r\n          -  Pregnancy\r\n      "

    @Test func dedentsJoinsWrappedLinesAndKeepsParagraphs() {
        let text = TextNormalizer.paragraphs(TextNormalizerTests.textblock)
        #expect(text == "Inclusion Criteria:\n\n- Male or non-pregnant female patients\n\n- Diagnosed with pneumonia requiring 21%<FIO2≤100% to maintain saturation by pulse oximetry (SpO2) ≥90%\n\nExclusion Criteria:\n\n- Pregnancy")
    }

    @Test func listItemsAndHeadingsStartTheirOwnLine() {
        let text = TextNormalizer.paragraphs("Inclusion Criteria:\n* Type 2 diabetes\n* FBS=120-160mg/dl\nwrapped on\n  two lines\nExclusion Criteria:\n1. Pregnancy\n2) Lactation")
        #expect(text == "Inclusion Criteria:\n* Type 2 diabetes\n* FBS=120-160mg/dl wrapped on two lines\nExclusion Criteria:\n1. Pregnancy\n2) Lactation")
    }

    @Test func loneCarriageReturnsEndLinesToo() {
        #expect(TextNormalizer.paragraphs("first line\rsecond line\r\rnext paragraph") == "first line second line\n\nnext paragraph")
    }

    @Test func markdownCharacterReferences() {
        // As in API v2 studies (NCT06605508: "participants&#39; sexual health"), "&#8805;" (≥), "&lt;".
        #expect(TextNormalizer.line("participants&#39; sexual health &#8805; 100 &lt; 37", .markdown)
                == "participants' sexual health ≥ 100 < 37")
        // A backslash makes the reference literal text; <br> is not a tag in Markdown text.
        #expect(TextNormalizer.line("\\&amp; and <br> and (typically &amp;lt;1 cm)", .markdown) == "&amp; and <br> and (typically &lt;1 cm)")
        // Not decoded without the option (ClinicalTrials.gov XML keeps its double escapes).
        #expect(TextNormalizer.line("tobacco &amp; alcohol") == "tobacco &amp; alcohol")
    }

    @Test func markdownEscapes() {
        #expect(TextNormalizer.paragraphs("HbA1C\\<8% and \\[AJCC\\] \\* not \\a", .markdownEscapes) == "HbA1C<8% and [AJCC] * not \\a")
        #expect(TextNormalizer.line("a \\> b", .markdownEscapes) == "a > b")
        #expect(TextNormalizer.line("a \\> b") == "a \\> b")
    }

    @Test func htmlNoiseOfTheICTRPExport() {
        // "\n<br>" is one line end; a <br> inside a line is another; "&#32;" a space.
        let raw = "<br>        Inclusion Criteria:\n<br>\n<br>          -  Healthy adults\n<br>\n<br>mission.<br>1. Index test:SARS-Cov-2&#32;nucleic&#32;acid &amp; more"
        #expect(TextNormalizer.paragraphs(raw, .htmlNoise) == "Inclusion Criteria:\n\n- Healthy adults\n\nmission.\n1. Index test:SARS-Cov-2 nucleic acid & more")
    }

    @Test func lineCollapsesWhiteSpaceAndTrimsPadding() {
        #expect(TextNormalizer.line("  Novel Coronavirus Pneumonia  (COVID-19)\r\n      ") == "Novel Coronavirus Pneumonia (COVID-19)")
        #expect(TextNormalizer.line("plain") == "plain")
        #expect(TextNormalizer.line("   ") == "")
        #expect(TextNormalizer.paragraphs("") == "")
    }

    @Test func neverSplitsMultiByteCharacters() {
        let text = "  ≥90% — naïve 中文 ✓  \n  ×10⁶  "
        #expect(TextNormalizer.paragraphs(text) == "≥90% — naïve 中文 ✓ ×10⁶")
    }
}

@Suite struct CriteriaSplitterTests {
    @Test func headingsOfEveryCommonShape() {
        let cases: [(String, [String], [String])] = [
            ("Inclusion Criteria:\n\n- a\n\n- b\n\nExclusion Criteria:\n\n- c", ["a", "b"], ["c"]),
            ("Key inclusion criteria\n1. a\n2. b\nKey exclusion criteria\n1. c", ["a", "b"], ["c"]),
            ("INCLUSION CRITERIA:\n- a\nEXCLUSION CRITERIA:\n- c", ["a"], ["c"]),
            ("-  INCLUSION CRITERIA:\n\nPatients over 18.", ["Patients over 18."], []),
            ("Inclusion criteria: aged 18 to 65;\n2. consent\n\nExclusion criteria: 1. pregnancy;", ["aged 18 to 65;", "consent"], ["pregnancy;"]),
            ("A. INCLUSION CRITERIA\n\n1. a\n\nB. EXCLUSION CRITERIA\n\n1. c", ["a"], ["c"]),
            ("Recipient Inclusion Criteria:\n* a\nRecipient Exclusion Criteria:\n* c", ["a"], ["c"]),
            ("Criteria for inclusion:\n• a\nCriteria for exclusion:\n• c", ["a"], ["c"]),
            ("Inclusion:\n- a\nExclusions:\n- c", ["a"], ["c"]),
            ("Inclusion Criteria:\n\n* • Male patients between 19-70 years old", ["Male patients between 19-70 years old"], []),
            ("Exclusion Criteria:\n\n- - 1) Significant comorbid illness", [], ["Significant comorbid illness"]),
        ]
        for (text, inclusion, exclusion) in cases {
            let split = CriteriaSplitter.split(text)
            #expect(split.inclusion == inclusion, "\(text)")
            #expect(split.exclusion == exclusion, "\(text)")
        }
    }

    @Test func textWithoutHeadingsGoesInNeitherList() {
        for text in ["DISEASE CHARACTERISTICS: Histologically proven small cell lung cancer",
                     "1. Positive COVID-19 PCR AND\n\n2. Inpatient OR outpatient management",
                     "Inclusion/Exclusion Criteria:\n- a", "Inclusion and exclusion criteria:\n- a",
                     "There are no exclusion criteria.", "Must meet all inclusion criteria of the parent study", ""] {
            let split = CriteriaSplitter.split(text)
            #expect(split.inclusion.isEmpty && split.exclusion.isEmpty, "\(text)")
        }
    }

    @Test func criteriaAreKeptWhole() {
        // A wrapped criterion (joined by the normalizer) stays one criterion, inner punctuation included.
        let text = TextNormalizer.paragraphs("Inclusion Criteria:\n  -  Diagnosed with pneumonia requiring 21%<FIO2≤100%; to maintain\n     saturation - by pulse oximetry\n  -  b")
        #expect(CriteriaSplitter.split(text).inclusion == ["Diagnosed with pneumonia requiring 21%<FIO2≤100%; to maintain saturation - by pulse oximetry", "b"])
    }
}
