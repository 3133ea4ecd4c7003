/// A trial's phases as a bit set, the `phases` doc-values column and the `--phase` filter.
public struct PhaseSet: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let earlyPhase1 = PhaseSet(rawValue: 1 << 0)
    public static let phase1 = PhaseSet(rawValue: 1 << 1)
    public static let phase2 = PhaseSet(rawValue: 1 << 2)
    public static let phase3 = PhaseSet(rawValue: 1 << 3)
    public static let phase4 = PhaseSet(rawValue: 1 << 4)
    /// "N/A" (not applicable: e.g. device or behavioural trials).
    public static let notApplicable = PhaseSet(rawValue: 1 << 5)
    /// A phase text outside the vocabulary above.
    public static let other = PhaseSet(rawValue: 1 << 6)

    /// The set for `Trial.phases` (ClinicalTrials.gov's display words: "Early Phase 1", "Phase 1" …
    /// "Phase 4", "N/A").
    public init(_ phases: [String]) {
        var set = PhaseSet()
        for phase in phases { set.insert(PhaseSet(phase: phase)) }
        self = set
    }

    /// The bit of one phase text (case-insensitive; "Phase 2", "phase2", "2" and "II" are phase 2).
    /// ClinicalTrials.gov's own words first, compared as they are: the general key (lowercased, white
    /// space, "_" and "-" removed, by `Character`) cost about 5,500 instructions a phase at every
    /// indexed trial.
    public init(phase: String) {
        switch phase {
        case "Phase 1": self = .phase1; return
        case "Phase 2": self = .phase2; return
        case "Phase 3": self = .phase3; return
        case "Phase 4": self = .phase4; return
        case "N/A": self = .notApplicable; return
        case "Early Phase 1": self = .earlyPhase1; return
        default: break
        }
        let key = String(phase.lowercased().filter { !$0.isWhitespace && $0 != "_" && $0 != "-" })
        switch key {
        case "earlyphase1", "phase0", "0": self = .earlyPhase1
        case "phase1", "1", "i": self = .phase1
        case "phase2", "2", "ii": self = .phase2
        case "phase3", "3", "iii": self = .phase3
        case "phase4", "4", "iv": self = .phase4
        case "n/a", "na", "notapplicable": self = .notApplicable
        case "": self = []
        default: self = .other
        }
    }
}

/// The comparison keys of an update: which of two records of one trial id wins.
///
/// A record replaces the indexed one of the same id when it is more authoritative
/// (`RecordFormat.authority`), or equally authoritative and updated later (`lastUpdated`; a missing date
/// is older than any date), or equal on both and read later with different content. The same content
/// is always "unchanged". `IndexWriter` applies this to the index and to duplicates within one run.
public enum UpdateKey {
    /// `lastUpdated` as an `Int32` that orders like `PartialDate` (a month before its days): 0 when
    /// missing, else `ordinal · 2 + (day given ? 1 : 0)`.
    public static func dateKey(_ date: PartialDate?) -> Int32 {
        guard let date else { return 0 }
        return Int32(clamping: date.ordinal * 2 + (date.day == nil ? 0 : 1))
    }
}
