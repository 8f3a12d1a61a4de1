/// Checks the key paths the KV engines accept: `/`-separated, no empty segment, no `..`.
///
/// Messages never repeat the path, so a mistyped secret pasted into a URL does not reach a log.
enum KVPath {
    /// The key itself when it is a usable secret path; a 400 otherwise.
    static func key(_ path: String) throws(CofferError) -> String {
        guard !path.isEmpty else { throw .badRequest("missing path") }
        try checkSegments(path)
        return path
    }

    /// The folder in its storage form: empty for the root, otherwise ending with `/`.
    static func folder(_ path: String) throws(CofferError) -> String {
        guard !path.isEmpty, path != "/" else { return "" }
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        try checkSegments(trimmed)
        return trimmed + "/"
    }

    /// Whether `path` would pass `key(_:)`.
    static func isValidKey(_ path: String) -> Bool {
        (try? key(path)) != nil
    }

    private static func checkSegments(_ path: String) throws(CofferError) {
        for segment in path.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty { throw .badRequest("invalid path: empty segment") }
            if segment == ".." { throw .badRequest("invalid path: \"..\" segment") }
        }
    }
}
