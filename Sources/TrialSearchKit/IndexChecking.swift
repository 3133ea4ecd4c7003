import TrialSearchCore

/// `trialsearch check`: runs `IndexCheck` on an index folder and words its report.
///
/// Output (standard output), one line each: `note: FILE: what` for harmless findings, `error: FILE:
/// what` for each problem, then a summary line `check: …`. Exit status 0 when the index is sound, 5
/// when it is damaged, missing or built by another analyzer (the status the search commands give for
/// an unusable index).
public enum IndexChecking {
    /// The exit status of a damaged or missing index.
    public static let damagedStatus: Int32 = 5

    /// The report's lines and exit status for the index in `directory`.
    /// `quick`: checksums and counts only, without walking every term, posting and record.
    public static func run(directory: String, quick: Bool = false) -> (lines: [String], status: Int32) {
        let report: IndexCheckReport
        do {
            report = try IndexCheck.run(directory: directory, walk: !quick)
        } catch {
            return (["check: \(error)"], damagedStatus)
        }
        return (lines(report), report.isClean ? 0 : damagedStatus)
    }

    /// The lines for `report`: notes, problems, then what was verified and the verdict.
    public static func lines(_ report: IndexCheckReport) -> [String] {
        var lines = report.notes.map { "note: \($0)" } + report.problems.map { "error: \($0)" }
        let generation = report.generation.map { "generation \($0), " } ?? ""
        let walked = report.terms > 0 || report.postings > 0 ? ", \(report.terms) terms, \(report.postings) postings" : ""
        lines.append("check: \(report.directory): \(generation)\(report.segments) segment\(report.segments == 1 ? "" : "s"), "
            + "\(report.liveDocs) trials (\(report.docs) docs)\(walked); "
            + "\(report.filesVerified) files (\(report.bytesVerified) bytes) verified")
        if report.isClean {
            lines.append("check: the index is sound")
        } else {
            let count = report.problems.count
            lines.append("check: \(count) problem\(count == 1 ? "" : "s"): the index is damaged; rebuild it with "
                + "`trialsearch index --rebuild --index \(report.directory) PATH...`")
        }
        return lines
    }
}
