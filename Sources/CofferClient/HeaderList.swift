import CCurl

/// Owns a `curl_slist` of request header lines for the duration of one transfer.
final class HeaderList {
    /// The first list node, or `nil` for an empty list.
    private(set) var head: UnsafeMutablePointer<curl_slist>?

    /// Builds the list from complete `Name: value` lines.
    init(_ lines: [String]) {
        for line in lines {
            // curl_slist_append copies the string; on allocation failure it returns NULL and keeps the list.
            if let extended = curl_slist_append(head, line) { head = extended }
        }
    }

    deinit {
        curl_slist_free_all(head)
    }
}
