import Testing
@testable import TrialSearchCore

/// Porter2 through libstemmer, checked against expected stems that do not come from libstemmer.
@Suite("Snowball English stemmer")
struct SnowballStemmerTests {
    /// Snowball's published English vocabulary and stemmed output (`snowball-data/english/voc.txt` and
    /// `output.txt`): the evenly spaced sample of 1,000 pairs that the SnowballC package ships
    /// (`words/english.RData`, version 0.7.0), converted to text. See `Tests/Fixtures/analysis/README.md`.
    @Test("Snowball's published vocabulary sample: 1,000 word → stem pairs")
    func publishedVocabulary() throws {
        let text = String(decoding: try AnalysisFixtures.bytes("snowball-english-sample.txt"), as: UTF8.self)
        let pairs = text.split(separator: "\n").filter { !$0.hasPrefix("# ") }.map { $0.split(separator: " ") }
        #expect(pairs.count == 1000)
        let analyzer = Analyzer()
        var mismatches: [String] = []
        for pair in pairs where pair.count == 2 {
            let stem = analyzer.stem(String(pair[0]))
            if stem != pair[1] { mismatches.append("\(pair[0]): \(stem), expected \(pair[1])") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }

    /// The examples of the algorithm's definition (snowballstem.org, English stemmer): its special
    /// cases, its invariant words, the words exempt from step 1a, the gener/commun/arsen prefixes, and
    /// the two sample columns of its vocabulary table.
    static let documented: [(String, String)] = [
        ("skis", "ski"), ("skies", "sky"), ("dying", "die"), ("lying", "lie"), ("tying", "tie"),
        ("idly", "idl"), ("gently", "gentl"), ("ugly", "ugli"), ("early", "earli"), ("only", "onli"),
        ("singly", "singl"), ("sky", "sky"), ("news", "news"), ("howe", "howe"), ("atlas", "atlas"),
        ("cosmos", "cosmos"), ("bias", "bias"), ("andes", "andes"), ("inning", "inning"), ("outing", "outing"),
        ("canning", "canning"), ("herring", "herring"), ("earring", "earring"), ("proceed", "proceed"),
        ("exceed", "exceed"), ("succeed", "succeed"), ("generate", "generat"), ("generously", "generous"),
        ("communism", "communism"), ("community", "communiti"), ("arsenal", "arsenal"),
        ("consign", "consign"), ("consigned", "consign"), ("consigning", "consign"), ("consignment", "consign"),
        ("consist", "consist"), ("consisted", "consist"), ("consistency", "consist"), ("consistent", "consist"),
        ("consistently", "consist"), ("consisting", "consist"), ("consists", "consist"),
        ("consolation", "consol"), ("consolations", "consol"), ("consolatory", "consolatori"),
        ("console", "consol"), ("consoled", "consol"), ("consoles", "consol"), ("consolidate", "consolid"),
        ("consolidated", "consolid"), ("consolidating", "consolid"), ("consoling", "consol"),
        ("consolingly", "consol"), ("consols", "consol"), ("consonant", "conson"), ("consort", "consort"),
        ("consorted", "consort"), ("consorting", "consort"), ("conspicuous", "conspicu"),
        ("conspicuously", "conspicu"), ("conspiracy", "conspiraci"), ("conspirator", "conspir"),
        ("conspirators", "conspir"), ("conspire", "conspir"), ("conspired", "conspir"), ("conspiring", "conspir"),
        ("constable", "constabl"), ("constables", "constabl"), ("constance", "constanc"),
        ("constancy", "constanc"), ("constant", "constant"),
        ("knack", "knack"), ("knackeries", "knackeri"), ("knacks", "knack"), ("knag", "knag"), ("knave", "knave"),
        ("knaves", "knave"), ("knavish", "knavish"), ("kneaded", "knead"), ("kneading", "knead"), ("knee", "knee"),
        ("kneel", "kneel"), ("kneeled", "kneel"), ("kneeling", "kneel"), ("kneels", "kneel"), ("knees", "knee"),
        ("knell", "knell"), ("knelt", "knelt"), ("knew", "knew"), ("knick", "knick"), ("knif", "knif"),
        ("knife", "knife"), ("knight", "knight"), ("knightly", "knight"), ("knights", "knight"), ("knit", "knit"),
        ("knits", "knit"), ("knitted", "knit"), ("knitting", "knit"), ("knives", "knive"), ("knob", "knob"),
        ("knobs", "knob"), ("knock", "knock"), ("knocked", "knock"), ("knocker", "knocker"),
        ("knockers", "knocker"), ("knocking", "knock"), ("knocks", "knock"), ("knopp", "knopp"), ("knot", "knot"),
        ("knots", "knot"),
    ]

    @Test("the algorithm definition's documented examples")
    func documentedExamples() {
        let analyzer = Analyzer()
        for (word, expected) in Self.documented {
            #expect(analyzer.stem(word) == expected, "\(word)")
        }
    }

    /// Clinical vocabulary. Expected stems worked out from the Porter2 definition (R1/R2 regions and
    /// steps 0–5) for the words below, and cross-checked with Snowball's Python implementation
    /// (snowballstemmer, generated from the same algorithm source, independent of libstemmer's C code).
    static let clinical: [(String, String)] = [
        ("patients", "patient"), ("randomized", "random"), ("randomised", "randomis"),
        ("randomization", "random"), ("efficacy", "efficaci"), ("safety", "safeti"), ("tolerability", "toler"),
        ("pharmacokinetics", "pharmacokinet"), ("chemotherapy", "chemotherapi"), ("radiotherapy", "radiotherapi"),
        ("immunotherapy", "immunotherapi"), ("therapies", "therapi"), ("therapeutic", "therapeut"),
        ("treatments", "treatment"), ("treated", "treat"), ("diabetes", "diabet"), ("diabetic", "diabet"),
        ("mellitus", "mellitus"), ("hypertension", "hypertens"), ("hypertensive", "hypertens"),
        ("cardiovascular", "cardiovascular"), ("cardiomyopathy", "cardiomyopathi"), ("myocardial", "myocardi"),
        ("infarction", "infarct"), ("ischemia", "ischemia"), ("ischemic", "ischem"), ("carcinomas", "carcinoma"),
        ("metastatic", "metastat"), ("metastases", "metastas"), ("metastasis", "metastasi"), ("tumors", "tumor"),
        ("neoplasms", "neoplasm"), ("malignant", "malign"), ("malignancy", "malign"),
        ("malignancies", "malign"), ("leukemia", "leukemia"), ("lymphomas", "lymphoma"), ("ovarian", "ovarian"),
        ("ovary", "ovari"), ("ovaries", "ovari"), ("insufficiency", "insuffici"), ("premature", "prematur"),
        ("menopausal", "menopaus"), ("infertility", "infertil"), ("mesenchymal", "mesenchym"),
        ("stromal", "stromal"), ("cells", "cell"), ("transplantation", "transplant"), ("umbilical", "umbil"),
        ("infections", "infect"), ("infectious", "infecti"), ("inflammatory", "inflammatori"),
        ("inflammation", "inflamm"), ("antibodies", "antibodi"), ("antibiotics", "antibiot"),
        ("antiviral", "antivir"), ("vaccines", "vaccin"), ("vaccination", "vaccin"), ("vaccinated", "vaccin"),
        ("immunogenicity", "immunogen"), ("pneumonia", "pneumonia"), ("respiratory", "respiratori"),
        ("ventilation", "ventil"), ("hospitalized", "hospit"), ("hospitalization", "hospit"),
        ("hospitalised", "hospitalis"), ("syndromes", "syndrom"), ("eligibility", "elig"), ("eligible", "elig"),
        ("inclusion", "inclus"), ("exclusion", "exclus"), ("criteria", "criteria"), ("enrolled", "enrol"),
        ("enrollment", "enrol"), ("enrolment", "enrol"), ("participants", "particip"),
        ("pregnancy", "pregnanc"), ("lactating", "lactat"), ("breastfeeding", "breastfeed"),
        ("contraception", "contracept"), ("diagnosed", "diagnos"), ("diagnosis", "diagnosi"),
        ("diagnostic", "diagnost"), ("prognosis", "prognosi"), ("adverse", "advers"), ("outcomes", "outcom"),
        ("measurement", "measur"), ("dosing", "dose"), ("dosage", "dosag"), ("administered", "administ"),
        ("administration", "administr"), ("intravenously", "intraven"), ("subcutaneous", "subcutan"),
        ("orally", "oral"), ("hepatic", "hepat"), ("failure", "failur"), ("impairment", "impair"),
        ("depressive", "depress"), ("anxiety", "anxieti"), ("schizophrenia", "schizophrenia"),
        ("psychiatric", "psychiatr"), ("cognitive", "cognit"), ("surgery", "surgeri"), ("surgically", "surgic"),
        ("postoperative", "postop"), ("preoperative", "preoper"), ("analgesic", "analges"),
        ("opioids", "opioid"), ("healthy", "healthi"), ("volunteers", "volunt"), ("assessments", "assess"),
        ("evaluated", "evalu"), ("progression", "progress"), ("survival", "surviv"), ("relapsed", "relaps"),
        ("refractory", "refractori"), ("remission", "remiss"), ("inhibitors", "inhibitor"),
        ("inhibition", "inhibit"), ("receptors", "receptor"), ("biopsies", "biopsi"), ("imaging", "imag"),
        ("magnetic", "magnet"), ("resonance", "reson"), ("tomography", "tomographi"), ("pediatric", "pediatr"),
        ("adolescents", "adolesc"), ("elderly", "elder"), ("women", "women"), ("female", "femal"),
        ("daily", "daili"), ("weekly", "week"), ("injections", "inject"), ("infusions", "infus"),
        ("symptomatic", "symptomat"), ("asymptomatic", "asymptomat"), ("history", "histori"),
        ("previously", "previous"), ("positive", "posit"), ("negative", "negat"),
    ]

    @Test("clinical vocabulary")
    func clinicalVocabulary() {
        let analyzer = Analyzer()
        for (word, expected) in Self.clinical {
            #expect(analyzer.stem(word) == expected, "\(word)")
            // Analysis of the word in text gives the same term.
            #expect(analyzer.terms(word) == [expected], "\(word) in text")
        }
    }

    @Test("a word of two letters or fewer is left alone; no stemmer, no stemming")
    func shortWordsAndNoStemmer() {
        #expect(Analyzer().stem("as") == "as")
        #expect(Analyzer(configuration: AnalyzerConfiguration(stemmer: nil)).stem("patients") == "patients")
    }
}
