#if canImport(Glibc)
import Glibc
#endif

/// Where the index lives: `--index DIR`, else `$TRIALSEARCH_INDEX`, else `./Index`.
public enum IndexDirectory {
    public static let defaultPath = "Index"
    public static let environmentVariable = "TRIALSEARCH_INDEX"

    /// The folder for an optional `--index` value.
    public static func resolve(_ option: String?) -> String {
        if let option, !option.isEmpty { return option }
        if let value = getenv(environmentVariable), let text = String(validatingCString: value), !text.isEmpty {
            return text
        }
        return defaultPath
    }
}
