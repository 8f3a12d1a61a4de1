/// Names of users and roles in auth methods: Vault's generic name rule (word characters at both
/// ends, `-`, `.` and `@` inside), compared without case.
enum AuthName {
    /// The lower-cased name, or a 400 naming the kind of name (never echoing it back).
    static func normalized(_ name: String, kind: String) throws(CofferError) -> String {
        let characters = Array(name.unicodeScalars)
        guard let first = characters.first, let last = characters.last, characters.count <= 512,
            isWord(first), isWord(last), characters.allSatisfy({ isWord($0) || "-.@".unicodeScalars.contains($0) })
        else {
            throw CofferError.badRequest(
                "invalid \(kind) name: use letters, digits and _ - . @, starting and ending with a letter or digit")
        }
        return name.lowercased()
    }

    private static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
    }
}
