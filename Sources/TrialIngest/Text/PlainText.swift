import TrialSearchCore

/// Turns a plain text file that is no registry format into a free-text `Trial` record, so that a piece
/// of text (a patient note, an abstract) can be searched with or compared against the trials.
///
/// The record's id is the file's name without its directory and last extension
/// (`notes/patient-12.txt` → `patient-12`; inside an archive, the entry's name; "text" if that leaves
/// nothing), its registry is empty, its brief title is the first non-empty line (cut at 200 bytes, at
/// a word boundary when there is one), and its brief summary is the whole text, normalized like
/// registry text (paragraphs kept, wrapped lines joined).
enum PlainText {
    /// - Throws: `IngestError.notUTF8` for text in another encoding.
    static func read(_ bytes: UnsafeRawBufferPointer, source: RecordSource, at location: IngestLocation) throws(IngestError) -> Trial {
        let text = UTF8Validation.droppingByteOrderMark(bytes)
        if let bad = UTF8Validation.firstInvalidOffset(text) { throw .notUTF8(location, offset: bad + bytes.count - text.count) }
        let bytes = text
        let id = TrialID(idFromName(source.entry.isEmpty ? source.file : source.entry)) ?? TrialID("text")
        guard let id else { preconditionFailure("\"text\" is a valid TrialID") }
        var trial = Trial(id: id, registry: "", source: source)
        fill(&trial, summary: TextNormalizer.paragraphs(bytes.bindMemory(to: UInt8.self)), title: "")
        return trial
    }

    /// Sets `trial`'s brief summary to `text`, normalized, and its brief title to `title`, or when that
    /// is empty to the text's first line (cut at 200 bytes).
    static func fill(_ trial: inout Trial, text: String, title: String) {
        fill(&trial, summary: TextNormalizer.paragraphs(text), title: TextNormalizer.paragraphs(title))
    }

    private static func fill(_ trial: inout Trial, summary: String, title: String) {
        trial.briefSummary = summary
        let firstLine = summary.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        trial.briefTitle = title.isEmpty ? cut(firstLine, at: 200) : title
    }

    /// `dir/name.ext` → `name`.
    static func idFromName(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// `text` cut to at most `limit` bytes, at the last space before the limit when there is one.
    private static func cut(_ text: String, at limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var end = text.utf8.index(text.utf8.startIndex, offsetBy: limit)
        while end > text.startIndex, !text.utf8[end...].isEmpty, (text.utf8[end] & 0xC0) == 0x80 {
            end = text.utf8.index(before: end)
        }
        let prefix = text[..<end]
        if let space = prefix.lastIndex(of: " "), space > prefix.startIndex { return String(prefix[..<space]) }
        return String(prefix)
    }
}
