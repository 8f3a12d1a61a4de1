/// The frame types of the replication conversation (ALPN `coffer-repl-v1`; DESIGN.md §4).
enum MessageType: UInt8 {
    /// Secondary → primary: who it is and where its copy stands.
    case hello = 1
    /// Primary → secondary: the plan (stream, merkle sync or bootstrap) and the primary's addresses.
    case welcome = 2
    /// Primary → secondary, bootstrap only: the keyring in clear, over this mutually authenticated channel.
    case keyring = 3
    /// Primary → secondary: replicated entries `(path, ciphertext)` of a snapshot or a merkle sync.
    case entries = 4
    /// Primary → secondary: the snapshot or sync is complete at this WAL index.
    case entriesEnd = 5
    /// Primary → secondary: WAL records in index order.
    case walBatch = 6
    /// Secondary → primary: applied up to this index.
    case ack = 7
    /// Both ways: liveness, clock and position.
    case heartbeat = 8
    /// Secondary → primary: its Merkle bucket hashes.
    case merkleBuckets = 9
    /// Primary → secondary: the leaves of the buckets that differ.
    case merkleLeaves = 10
    /// Secondary → primary: paths to send in full.
    case syncRequest = 11
    /// Secondary → primary: a write to apply on the primary.
    case forward = 12
    /// Primary → secondary: the forwarded write's response and the WAL index that holds it.
    case forwardResult = 13
    /// Either way, before closing: why.
    case failure = 14
    /// A newly promoted primary → an old primary of the same cluster: stop accepting writes.
    case announcePrimary = 15
}
