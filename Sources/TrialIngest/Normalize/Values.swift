/// Small value helpers shared by the readers.

/// The elements in their first order, without repeats.
func uniqued(_ values: [String]) -> [String] {
    guard values.count > 1 else { return values }
    var seen = Set<String>()
    return values.filter { seen.insert($0).inserted }
}

extension String {
    /// One-line form: leading and trailing white space dropped, inner runs (line ends included)
    /// collapsed to one space (`TextNormalizer.line`).
    var trimmed: String {
        TextNormalizer.line(self)
    }
}
