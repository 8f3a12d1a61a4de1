/// Byte-order key arithmetic shared by the backends' `list` and `keys`.
///
/// Keys sort by their UTF-8 bytes (SQLite's BINARY collation), so every key under a prefix lies in
/// one contiguous range, and so does every key under one subfolder: listing can jump over a
/// subfolder instead of reading each key inside it.
enum FolderListing {
    /// What a key contributes to the listing of a folder.
    enum Entry: Equatable {
        /// A key directly in the folder, by its name.
        case key(String)
        /// A subfolder (`name/`), and the smallest key that sorts after everything inside it.
        case folder(String, resumeAt: [UInt8])
    }

    /// The byte value of `/`, the folder separator.
    static let separator = UInt8(ascii: "/")

    /// The smallest byte string greater than every string that starts with `prefix`, or `nil` when no
    /// such string exists (empty prefix, or only `0xFF` bytes).
    static func successor(of prefix: [UInt8]) -> [UInt8]? {
        var bytes = prefix
        while let last = bytes.last {
            if last < 0xFF {
                bytes[bytes.count - 1] = last + 1
                return bytes
            }
            bytes.removeLast()
        }
        return nil
    }

    /// A valid UTF-8 upper bound for the keys that start with `prefix`: each of them sorts below it, and
    /// every other key that sorts after `prefix` sorts at or above it; `nil` when no such string exists
    /// (empty prefix, or only U+10FFFF).
    ///
    /// For a server that accepts only valid text, where `successor(of:)` may produce invalid bytes: the
    /// last scalar is replaced by the next one. UTF-8 keeps scalar order in byte order and no scalar's
    /// encoding is a prefix of another's, so the bound works byte by byte.
    static func successor(ofText prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            // Surrogate code points are not scalars: the next scalar after U+D7FF is U+E000.
            let next = last.value == 0xD7FF ? 0xE000 : last.value + 1
            if let scalar = Unicode.Scalar(next) {
                var bound = String.UnicodeScalarView()
                bound.append(contentsOf: scalars)
                bound.append(scalar)
                return String(bound)
            }
        }
        return nil
    }

    /// The listing entry for `key`, which starts with a prefix of `prefixLength` bytes; `nil` when the
    /// key is the prefix itself and so names nothing inside the folder.
    static func entry(forKey key: [UInt8], prefixLength: Int) -> Entry? {
        let rest = key[prefixLength...]
        guard !rest.isEmpty else { return nil }
        guard let slash = rest.firstIndex(of: separator) else {
            return .key(String(decoding: rest, as: UTF8.self))
        }
        let folder = key[prefixLength...slash]
        // `/` is never 0xFF, so the successor of `prefix + name/` always exists.
        let resume = successor(of: Array(key[...slash])) ?? []
        return .folder(String(decoding: folder, as: UTF8.self), resumeAt: resume)
    }
}
