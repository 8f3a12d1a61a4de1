import CEvent

/// A worker's per-connection state, keyed by `evhttp_connection` address.
///
/// An entry appears when a connection's first bytes arrive (that is when evhttp has attached the
/// connection to the bufferevent and a close callback can be registered) and goes when evhttp closes it.
final class ConnectionTable {
    /// The state of every connection that has sent bytes and is not yet closed.
    private(set) var states: [UInt: ConnectionState] = [:]
    /// Set while an output buffer is being rewritten, so the rewrite's own edits are not inspected again.
    private var isRewritingOutput = false

    /// Feeds newly received bytes to the connection's request-line watcher, registering it on first sight.
    func inputArrived(_ input: OpaquePointer, bufferEvent: OpaquePointer) {
        var connectionArgument: UnsafeMutableRawPointer?
        bufferevent_getcb(bufferEvent, nil, nil, nil, &connectionArgument)
        // evhttp sets its callbacks, with the connection as argument, before it enables reading; a reset
        // connection clears them and receives nothing more.
        guard let connectionArgument else { return }
        let key = UInt(bitPattern: connectionArgument)
        if let index = states.index(forKey: key) {
            states.values[index].observe(input: input)
            return
        }
        var state = ConnectionState()
        state.observe(input: input)
        states[key] = state
        let argument = Unmanaged.passUnretained(self).toOpaque()
        evhttp_connection_set_closecb(OpaquePointer(connectionArgument), Self.connectionClosed, argument)
    }

    /// Replaces the state of a tracked connection; untracked connections stay untracked.
    func update(_ key: UInt, _ state: ConnectionState) {
        if let index = states.index(forKey: key) { states.values[index] = state }
    }

    /// Forgets a connection that evhttp is closing.
    static let connectionClosed: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void = {
        connection, argument in
        guard let connection, let argument else { return }
        let table = Unmanaged<ConnectionTable>.fromOpaque(argument).takeUnretainedValue()
        table.states.removeValue(forKey: UInt(bitPattern: UnsafeMutableRawPointer(connection)))
    }

    /// Watches a connection's input buffer; its argument is the connection's bufferevent.
    static let inputChanged:
        @convention(c) (OpaquePointer?, UnsafePointer<evbuffer_cb_info>?, UnsafeMutableRawPointer?) -> Void = {
            buffer, info, bufferEvent in
            guard let buffer, let info, info.pointee.n_added > 0, let bufferEvent,
                let table = EventLoopWorker.currentConnections
            else { return }
            table.inputArrived(buffer, bufferEvent: OpaquePointer(bufferEvent))
        }

    /// Watches a connection's output buffer for evhttp's own error pages; its argument is the table.
    static let outputChanged:
        @convention(c) (OpaquePointer?, UnsafePointer<evbuffer_cb_info>?, UnsafeMutableRawPointer?) -> Void = {
            buffer, info, argument in
            guard let buffer, let info, let argument,
                ErrorPageRewriter.pagesByLength[info.pointee.n_added] != nil
            else { return }
            let table = Unmanaged<ConnectionTable>.fromOpaque(argument).takeUnretainedValue()
            table.rewriteErrorPage(in: buffer, added: info.pointee.n_added)
        }

    private func rewriteErrorPage(in buffer: OpaquePointer, added: Int) {
        guard !isRewritingOutput else { return }
        let length = evbuffer_get_length(buffer)
        guard length <= ErrorPageRewriter.maximumInspectedBytes,
            let bytes = evbuffer_pullup(buffer, length)
        else { return }
        guard
            let replacement = ErrorPageRewriter.rewrite(UnsafeBufferPointer(start: bytes, count: length), added: added)
        else { return }
        isRewritingOutput = true
        defer { isRewritingOutput = false }
        _ = evbuffer_drain(buffer, length)
        _ = replacement.withUnsafeBytes { evbuffer_add(buffer, $0.baseAddress, $0.count) }
    }
}
