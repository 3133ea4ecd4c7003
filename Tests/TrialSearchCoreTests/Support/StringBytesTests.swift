import Testing
@testable import TrialSearchCore

/// `StringBytes` reads a stored string's bytes from its two words (Swift's string layout): every form a
/// string takes here gives its `utf8` bytes, read where it is stored (a variable, an array's buffer, a
/// struct in an array's buffer).
@Suite struct StringBytesTests {
    static func forms() -> [String] {
        let literal = "a literal longer than fifteen bytes: immortal, not allocated"
        var appended = "grown"
        appended += " by appending, past the inline size"
        let decoded = String(decoding: Array("décodé, long enough to be allocated".utf8), as: UTF8.self)
        return [
            "", "a", "fifteen bytes!!", "sixteen bytes!!!", "é", "naïve", "中文😀", literal,
            String(repeating: "xy", count: 300), "interpolated \(literal.count) \(literal)",
            String(literal.dropFirst(3)), String(literal.prefix(15)), String(literal.prefix(16)), appended, decoded,
            String(decoding: Array("short é".utf8), as: UTF8.self),
        ]
    }

    @Test func everyFormReadsAsItsUTF8() {
        for var s in Self.forms() {
            let got = withUnsafePointer(to: &s) { address in StringBytes.withUTF8(at: address) { Array($0) } }
            #expect(got == Array(s.utf8), "\(s.debugDescription)")
        }
    }

    @Test func stringsInArraysAndStructsReadInPlace() {
        let strings = Self.forms()
        let read: [[UInt8]] = strings.withUnsafeBufferPointer { buffer in
            buffer.addresses.map { address in StringBytes.withUTF8(at: address) { Array($0) } }
        }
        #expect(read == strings.map { Array($0.utf8) })
        let locations = strings.map { Location(facility: $0, city: "Oslo", state: $0 + "!", country: "") }
        let cities: [[UInt8]] = locations.withUnsafeBufferPointer { buffer in
            buffer.addresses.compactMap { location in
                location.pointer(to: \.state).map { address in StringBytes.withUTF8(at: address) { Array($0) } }
            }
        }
        #expect(cities == strings.map { Array(($0 + "!").utf8) })
        #expect(UnsafeBufferPointer<Int>(start: nil, count: 0).addresses.map { $0 }.isEmpty)
    }
}
