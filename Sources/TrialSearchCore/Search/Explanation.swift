/// Why a hit has its score: a tree of named factors (idf, termFreq per field, field length, weight, k1,
/// b, …) whose root value is exactly the hit's score.
///
/// Each node says how its value comes from its children (`combination`): their sum, their product,
/// their maximum, or a formula written in its `description` (BM25F's saturation tf̃ / (k1 + tf̃), a
/// field's w · tf / B). Leaves are inputs (a termFreq, a length, a parameter). Nodes that take no part in
/// the score (filters, excluded clauses) have value 0 under a sum.
public struct Explanation: Sendable, Hashable {
    /// How a node's value derives from its children.
    public enum Combination: String, Sendable, Hashable {
        /// The sum of the children's values.
        case sum
        /// The product of the children's values.
        case product
        /// The largest of the children's values.
        case max
        /// A formula over the children given in the description; or an input (no children).
        case formula
    }

    public var value: Float
    public var description: String
    public var combination: Combination
    public var details: [Explanation]

    public init(value: Float, description: String, combination: Combination = .formula,
                details: [Explanation] = []) {
        self.value = value
        self.description = description
        self.combination = combination
        self.details = details
    }

    /// An input value (no children).
    public static func leaf(_ value: Double, _ description: String) -> Explanation {
        Explanation(value: Float(value), description: description)
    }

    /// Whether every `sum`, `product` and `max` node's value agrees with its children within a relative
    /// `tolerance` (the tree is computed in `Float`, in the same order as the score, but a child's value
    /// may be rounded for display).
    public func isConsistent(tolerance: Float = 1e-4) -> Bool {
        if !details.allSatisfy({ $0.isConsistent(tolerance: tolerance) }) { return false }
        let expected: Float
        switch combination {
        case .formula: return true
        case .sum: expected = details.reduce(0) { $0 + $1.value }
        case .product: expected = details.reduce(1) { $0 * $1.value }
        case .max: expected = details.map(\.value).max() ?? 0
        }
        return abs(expected - value) <= tolerance * max(1, abs(value))
    }

    /// The tree as indented lines: `value  description`, two spaces per level.
    public func render(indent: Int = 0) -> String {
        var lines: [String] = []
        func walk(_ node: Explanation, _ depth: Int) {
            let pad = String(repeating: "  ", count: depth)
            let combination = node.combination == .formula || node.details.isEmpty ? "" : " (\(node.combination.rawValue))"
            lines.append("\(pad)\(Self.format(node.value))  \(node.description)\(combination)")
            for child in node.details { walk(child, depth + 1) }
        }
        walk(self, indent)
        return lines.joined(separator: "\n")
    }

    /// A score or factor with up to 4 decimals, trailing zeros removed.
    public static func format(_ value: Float) -> String {
        let rounded = (Double(value) * 10_000).rounded() / 10_000
        var text = String(rounded)
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}
