/// Where a `Trial` was read from, and in which format.
public struct RecordSource: Sendable, Hashable {
    /// The path of the file as given on the command line (or found inside a given folder).
    public var file: String
    /// The entry inside an archive (`NCT0450xxxx/NCT04502056.xml`), or "" for a plain file.
    public var entry: String
    /// The format the record was read from.
    public var format: RecordFormat

    public init(file: String = "", entry: String = "", format: RecordFormat = .plainText) {
        self.file = file
        self.entry = entry
        self.format = format
    }
}

/// The registry formats trialsearch reads, detected from content.
public enum RecordFormat: String, Sendable, Hashable, CaseIterable {
    /// ClinicalTrials.gov legacy XML (`<clinical_study>`).
    case clinicalStudyXML = "ctgov-xml"
    /// ClinicalTrials.gov API v2 JSON (`protocolSection`).
    case studyJSON = "ctgov-json"
    /// WHO ICTRP XML export (`<Trials_downloaded_from_ICTRP>`).
    case ictrp = "ictrp"
    /// A text dump of a trial's public web page.
    case textDump = "text-dump"
    /// Free text that is none of the above.
    case plainText = "plain-text"

    /// How authoritative a record of this format is for its trial, higher wins when the index holds the
    /// same trial id twice: a registry's own record (2) beats a page dump (1), which beats an aggregator's
    /// re-export (0). Between equal ranks, the newer `lastUpdated` wins.
    public var authority: Int {
        switch self {
        case .clinicalStudyXML, .studyJSON: return 2
        case .textDump: return 1
        case .ictrp, .plainText: return 0
        }
    }
}
