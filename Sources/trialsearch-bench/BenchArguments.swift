/// The arguments of a bench subcommand: `--name value` options (for the names it declares) and the
/// other arguments in order, which the subcommand interprets (paths, `key=value` overrides).
struct BenchArguments {
    private(set) var options: [String: String] = [:]
    private(set) var others: [String] = []

    /// Splits `arguments`; an option without a value gets "".
    init(_ arguments: [String], options names: Set<String>) {
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if names.contains(a) {
                options[a] = i + 1 < arguments.count ? arguments[i + 1] : ""
                i += 2
            } else {
                others.append(a)
                i += 1
            }
        }
    }

    subscript(_ name: String) -> String? { options[name] }
}
