/// A trial's id as its registry publishes it (`NCT05308342`, `ChiCTR2000029953`, `ISRCTN12345678`, …).
///
/// The only id a user ever sees. Comparison is by the id's UTF-8 bytes, which is also the order used to
/// break score ties, so output is deterministic.
public struct TrialID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The id as published, trimmed of surrounding white space.
    public let rawValue: String

    /// Wraps an id; surrounding white space is dropped. Returns nil when nothing is left.
    public init?(_ text: some StringProtocol) {
        // Most ids start and end with a printable ASCII character: nothing to trim, and no walk over
        // Unicode scalars and their properties (about 8,000 instructions an id).
        let string = String(text)
        if let first = string.utf8.first, let last = string.utf8.last, (0x21...0x7E).contains(first),
           (0x21...0x7E).contains(last) {
            self.rawValue = string
            return
        }
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        guard !scalars.isEmpty else { return nil }
        self.rawValue = String(String.UnicodeScalarView(scalars))
    }

    public var description: String { rawValue }

    public static func < (lhs: TrialID, rhs: TrialID) -> Bool {
        lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
    }

    /// The registry that issues ids of this shape, judged from the prefix, or nil when unknown.
    /// `NCT` → ClinicalTrials.gov, `ChiCTR` → ChiCTR, `ISRCTN` → ISRCTN, `EUCTR` → EU-CTR,
    /// `ACTRN` → ANZCTR, `DRKS` → DRKS, `IRCT` → IRCT, `JPRN` → JPRN, `KCT` → CRIS, `CTRI` → CTRI,
    /// `NTR`/`NL` → NTR, `PACTR` → PACTR, `RBR` → ReBec, `TCTR` → TCTR, `SLCTR` → SLCTR, `RPCEC` → RPCEC,
    /// `LBCTR` → LBCTR, `PER` → REPEC.
    public var impliedRegistry: String? {
        let prefixes: [(String, String)] = [
            ("NCT", "ClinicalTrials.gov"), ("ChiCTR", "ChiCTR"), ("ISRCTN", "ISRCTN"), ("EUCTR", "EU-CTR"),
            ("ACTRN", "ANZCTR"), ("DRKS", "DRKS"), ("IRCT", "IRCT"), ("JPRN", "JPRN"), ("KCT", "CRIS"),
            ("CTRI", "CTRI"), ("NTR", "NTR"), ("PACTR", "PACTR"), ("RBR", "ReBec"), ("TCTR", "TCTR"),
            ("SLCTR", "SLCTR"), ("RPCEC", "RPCEC"), ("LBCTR", "LBCTR"), ("PER-", "REPEC"), ("NL", "NTR"),
        ]
        for (prefix, registry) in prefixes where rawValue.hasPrefix(prefix) { return registry }
        return nil
    }
}
