/// Words that say nothing about which trials fit a long free-text query: English function words and
/// the boilerplate of clinical notes ("patient", "history", "presented", "reports", "year-old").
///
/// The index's own stop list is deliberately tiny (the analyzer keeps most words so that phrases and
/// criteria stay searchable); a patient's note, though, is mostly narrative, and its rare narrative
/// words (`though`, `underwent`, `ago`) have high idf without being about anything. `LongQueryRewriter`
/// drops these words, compared after stemming with the index's analyzer (so `presents`, `presented`
/// and `presenting` all go) when `LongQueryParameters.dropNarrativeWords` is set; the units of
/// measure always.
public enum LongQueryStopWords {
    /// English function words (pronouns, auxiliaries, prepositions, conjunctions, adverbs of time and
    /// degree), after the SMART and Lucene lists.
    public static let english: [String] = [
        "about", "above", "after", "again", "against", "ago", "all", "almost", "along", "already", "also",
        "although", "always", "am", "among", "an", "and", "another", "any", "anyone", "anything", "around",
        "as", "at", "away", "back", "be", "became", "because", "become", "been", "before", "began", "being",
        "below", "between", "both", "but", "by", "came", "can", "cannot", "could", "did", "do", "does",
        "doing", "done", "down", "due", "during", "each", "either", "else", "enough", "etc", "even", "ever",
        "every", "few", "first", "for", "from", "further", "gave", "get", "gets", "getting", "give", "given",
        "go", "goes", "going", "gone", "got", "had", "has", "have", "having", "he", "her", "here", "hers",
        "herself", "him", "himself", "his", "how", "however", "i", "if", "in", "into", "is", "it", "its",
        "itself", "just", "last", "later", "least", "less", "like", "likely", "made", "make", "many", "may",
        "me", "might", "more", "most", "much", "must", "my", "near", "nearly", "next", "now", "of", "off",
        "often", "on", "once", "one", "only", "onto", "or", "other", "others", "otherwise", "our", "out",
        "over", "own", "per", "perhaps", "put", "quite", "rather", "really", "same", "second", "seem",
        "seemed", "several", "she", "should", "since", "so", "some", "someone", "something", "sometimes",
        "soon", "still", "such", "than", "that", "the", "their", "them", "then", "there", "therefore",
        "these", "they", "third", "this", "those", "though", "three", "through", "thus", "to", "together",
        "too", "took", "toward", "towards", "two", "under", "until", "up", "upon", "us", "use", "used",
        "very", "via", "was", "we", "well", "went", "were", "what", "when", "where", "whether", "which",
        "while", "who", "whom", "whose", "why", "will", "with", "within", "without", "would", "yet", "you",
        "your",
    ]

    /// The boilerplate of case notes: who, when, where and how the story is told, not what the patient
    /// has.
    public static let clinicalNarrative: [String] = [
        "admission", "admit", "admitted", "age", "aged", "approximately", "arrival", "arrived", "brought",
        "came", "care", "case", "clinic", "complain", "complained", "complains", "complaint", "concern",
        "consistent", "continue", "continued", "course", "currently", "daughter", "day", "days", "denied",
        "denies", "department", "describe", "described", "developed", "discharge", "discharged", "doctor",
        "evaluation", "exam", "examination", "family", "father", "female", "finally", "found", "gentleman",
        "hospital", "husband", "initially", "lady", "last", "male", "man", "medical", "month", "months",
        "morning", "mother", "night", "note", "noted", "notes", "old", "patient", "patients", "performed",
        "physician", "present", "presentation", "presented", "presenting", "presents", "previously",
        "prior", "recent", "recently", "referred", "report", "reported", "reports", "revealed", "reveals",
        "said", "say", "says", "seen", "sent", "show", "showed", "shown", "shows", "son", "state", "stated",
        "states", "subsequently", "team", "time", "times", "today", "underwent", "undergo", "visit", "week",
        "weeks", "wife", "woman", "women", "year", "yearold", "years", "yesterday", "yo",
    ]

    /// Units of measure that case notes attach to their numbers (`120 mg/dl`, `38.5 C`, `98 bpm`): the
    /// numbers are dropped, and these would otherwise remain as terms that match every lab table. The
    /// list of Benchmarks/research/FINDINGS.md (dropping numbers and units: +0.015 NDCG@10).
    public static let units: [String] = [
        "bpm", "c", "cc", "cm", "dl", "f", "g", "h", "hr", "hrs", "iu", "kg", "l", "lb", "lbs", "m", "mcg", "mcl",
        "meq", "mg", "min", "ml", "mm", "mm3", "mmhg", "mmol", "mol", "mosm", "ng", "nmol", "oz", "pg", "pmol",
        "s", "sec", "u", "ug", "ul", "umol", "x",
    ]
}
