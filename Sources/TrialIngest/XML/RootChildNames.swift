/// The names `UnreadElements` looks up at the start of a record's two-space lines: the root children
/// `ClinicalStudyXMLHandler` reads (`readsRootChild`, with `clinical_results` and `clinical_study`),
/// which are kept, and the registry's other root children (`public.xsd`: `required_header`, `reference`,
/// …), which may be left out; a name in neither is looked at byte by byte (`UnreadElements`).
///
/// An open-addressing table keyed by a name's first eight bytes (a shorter name's bytes, zero-padded),
/// so that a start tag `<name>` is looked up from one load of the bytes after its `<`, without finding
/// its `>` first (about 127,000 lines a 2,000-record sample, most of them kept names).
final class RootChildNames {
    /// What a line's start tag is: a kept name, a known unread name of `count` bytes, or neither.
    enum Lookup: Equatable {
        case kept
        case unread(count: Int)
        case unknown
    }

    private static let slots = 256
    private let keys: UnsafeMutablePointer<UInt64>
    /// Each slot's name length (0: empty) and whether the name is kept.
    private let counts: UnsafeMutablePointer<Int>
    private let kept: UnsafeMutablePointer<Bool>
    /// Each slot's name's bytes, at its offset in `names`.
    private let offsets: UnsafeMutablePointer<Int>
    private let names: UnsafeMutablePointer<UInt8>

    /// The registry's root children (`public.xsd`, 2013-2023) the handler does not read. A name that is
    /// also read is kept (`init` puts the read names first).
    static let registryUnread = [
        "required_header", "source", "oversight_info", "has_expanded_access", "expanded_access_info",
        "primary_completion_date", "target_duration", "number_of_arms", "number_of_groups", "other_outcome",
        "why_stopped", "biospec_retention", "biospec_descr", "overall_contact", "overall_contact_backup",
        "reference", "results_reference", "link", "verification_date", "study_first_submitted",
        "study_first_submitted_qc", "results_first_submitted", "results_first_submitted_qc",
        "results_first_posted", "disposition_first_submitted", "disposition_first_submitted_qc",
        "disposition_first_posted", "last_update_submitted", "last_update_submitted_qc", "responsible_party",
        "patient_data", "study_docs", "provided_document_section", "pending_results", "removed_countries",
        "last_known_status", "firstreceived_results_date", "firstreceived_results_disposition_date",
    ]

    init() {
        let read = ClinicalStudyTag.allCases.filter { ClinicalStudyXMLHandler.readsRootChild($0) }.map(\.xmlName)
            + ["clinical_results", "clinical_study"]
        let unread = RootChildNames.registryUnread.filter { !read.contains($0) }
        let slots = RootChildNames.slots
        keys = .allocate(capacity: slots)
        keys.initialize(repeating: 0, count: slots)
        counts = .allocate(capacity: slots)
        counts.initialize(repeating: 0, count: slots)
        kept = .allocate(capacity: slots)
        kept.initialize(repeating: false, count: slots)
        offsets = .allocate(capacity: slots)
        offsets.initialize(repeating: 0, count: slots)
        let all = read + unread
        let bytes = all.flatMap { Array($0.utf8) }
        names = .allocate(capacity: bytes.count)
        names.initialize(from: bytes, count: bytes.count)
        var offset = 0
        for (index, name) in all.enumerated() {
            let utf8 = Array(name.utf8)
            var key: UInt64 = 0
            for (i, b) in utf8.prefix(8).enumerated() { key |= UInt64(b) << (8 * UInt64(i)) }
            var slot = RootChildNames.slot(of: key)
            while counts[slot] != 0 { slot = (slot + 1) & (slots - 1) }
            keys[slot] = key
            counts[slot] = utf8.count
            kept[slot] = index < read.count
            offsets[slot] = offset
            offset += utf8.count
        }
    }

    deinit {
        keys.deallocate()
        counts.deallocate()
        kept.deallocate()
        offsets.deallocate()
        names.deallocate()
    }

    /// Whether the `count` bytes (at least 8) at `a` and `b` past their first eight are equal, compared as
    /// words (the last one overlapping the one before).
    @inline(__always)
    private static func sameTail(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        let a = UnsafeRawPointer(a), b = UnsafeRawPointer(b)
        var i = 8
        while i &+ 8 <= count {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i &+= 8
        }
        return i == count || a.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
            == b.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
    }

    @inline(__always)
    private static func slot(of key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 56)
    }

    /// The start tag whose name starts at `start` (`limit` bytes readable from it, at least 8): a table
    /// name followed by `>` (or, a kept name of eight bytes or more, by a space: attributes).
    @inline(__always)
    func lookup(_ start: UnsafePointer<UInt8>, limit: Int) -> Lookup {
        let word = UInt64(littleEndian: UnsafeRawPointer(start).loadUnaligned(as: UInt64.self))
        // The first `>` in the word (the lowest zero byte of `word ^ ">>>>>>>>"`), if any.
        let x = word ^ 0x3E3E_3E3E_3E3E_3E3E
        let zeros = (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
        let close = zeros == 0 ? 8 : zeros.trailingZeroBitCount &>> 3
        let key = close == 8 ? word : word & ((1 &<< (8 &* UInt64(close))) &- 1)
        var slot = RootChildNames.slot(of: key)
        while true {
            let count = counts[slot]
            if count == 0 { return .unknown }
            if keys[slot] == key {
                if close < 8 {
                    if count == close { return kept[slot] ? .kept : .unread(count: count) }
                } else if count >= 8, count < limit, start[count] == UInt8(ascii: ">")
                            || (start[count] == UInt8(ascii: " ") && kept[slot]),
                          RootChildNames.sameTail(start, names + offsets[slot], count) {
                    // (A kept name's start tag with attributes is kept too, without looking further.)
                    return kept[slot] ? .kept : .unread(count: count)
                }
            }
            slot = (slot &+ 1) & (RootChildNames.slots &- 1)
        }
    }
}
