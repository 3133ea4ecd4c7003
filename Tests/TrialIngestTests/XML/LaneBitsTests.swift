import Testing
@testable import TrialIngest

/// `UnreadElements.laneBits` (one `pmovmskb`: `trialsearch_movemask`) gives lane `i` of a 16-byte mask as bit
/// `i`, as a lane-by-lane count does: every single lane, every pair of lanes, all and none, and masks of
/// real comparisons.
@Suite struct LaneBitsTests {
    static func expected(_ mask: SIMDMask<SIMD16<Int8>>) -> UInt32 {
        var bits: UInt32 = 0
        for lane in 0..<16 where mask[lane] { bits |= 1 << UInt32(lane) }
        return bits
    }

    @Test func everyLaneAndPair() {
        #expect(UnreadElements.laneBits(SIMDMask<SIMD16<Int8>>(repeating: false)) == 0)
        #expect(UnreadElements.laneBits(SIMDMask<SIMD16<Int8>>(repeating: true)) == 0xFFFF)
        for first in 0..<16 {
            for second in first..<16 {
                var mask = SIMDMask<SIMD16<Int8>>(repeating: false)
                mask[first] = true
                mask[second] = true
                #expect(UnreadElements.laneBits(mask) == Self.expected(mask), "lanes \(first), \(second)")
            }
        }
    }

    @Test func comparisonsOfRecordBytes() {
        let text = Array("<a>&#xD;\n  <b>x</b>&#xD;\n<clinical_results>&amp;</clinical_results>\n".utf8)
        for start in 0...(text.count - 16) {
            let block = SIMD16<UInt8>(text[start..<(start + 16)])
            for byte in [UInt8(ascii: "<"), UInt8(ascii: "&"), 0x0A, UInt8(ascii: "_"), 0x80] {
                let mask = block .== SIMD16<UInt8>(repeating: byte)
                #expect(UnreadElements.laneBits(mask) == Self.expected(mask), "start \(start), byte \(byte)")
            }
        }
    }
}
