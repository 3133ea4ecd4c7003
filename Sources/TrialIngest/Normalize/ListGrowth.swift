extension Array {
    /// Appends `value`, giving an empty array room for eight values at once: a `Trial`'s list grown one
    /// append at a time was reallocated at 1, 2, 4 and 8 values (about 365 instructions each; 21,536
    /// reallocations for 2,000 replica records). Used by the XML handler's lists and the criteria's items.
    @inline(__always)
    mutating func appendWithRoomForEight(_ value: Element) {
        if capacity == 0 { reserveCapacity(8) }
        append(value)
    }
}
