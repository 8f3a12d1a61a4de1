import CofferBase
import Glibc
import Synchronization

/// An HTTP/1.1 server on libevent's evhttp, with TLS through OpenSSL bufferevents.
///
/// Several worker threads each run their own event loop and accept on their own socket bound to the
/// same port (SO_REUSEPORT), so the kernel spreads connections across them. Each request is handed to the
/// ``HTTPHandler`` on the worker that read it.
public final class HTTPServer: Sendable {
    private struct Running: Sendable {
        var workers: [EventLoopWorker]
        var threads: [pthread_t]
        var pool: BlockingPool?
        var outstandingReplies: OutstandingReplies
    }

    private enum State: Sendable {
        case idle
        case running(Running)
        case stopped
    }

    private let configuration: HTTPServerConfiguration
    private let handler: any HTTPHandler
    private let logger: Logger
    private let tls: ServerTLSContext?
    private let state = Mutex<State>(.idle)
    private let port = Atomic<Int>(0)

    /// Checks the configuration and loads the TLS material; nothing is bound until ``start()``.
    public init(
        configuration: HTTPServerConfiguration, handler: any HTTPHandler, logger: Logger
    )
        throws(HTTPServerError)
    {
        self.configuration = try configuration.validated()
        self.handler = handler
        self.logger = logger
        if let tlsConfiguration = configuration.tls {
            tls = try ServerTLSContext(configuration: tlsConfiguration)
        } else {
            tls = nil
        }
        try LibeventThreading.enable()
    }

    deinit {
        stop()
    }

    /// Whether ``stop()`` has been called; the server may still be finishing requests in flight.
    public var isStopping: Bool {
        state.withLock { state in
            if case .stopped = state { return true }
            return false
        }
    }

    /// The port the server listens on; meaningful once ``start()`` has returned.
    public var boundPort: Int { port.load(ordering: .acquiring) }

    /// Binds the listening sockets and starts the worker threads; returns once the port accepts connections.
    ///
    /// Also ignores SIGPIPE for the whole process (``ProcessSignals/ignoreSIGPIPE()``): a client that closes
    /// its connection while a TLS response is being written would otherwise kill the process.
    public func start() throws(HTTPServerError) {
        ProcessSignals.ignoreSIGPIPE()
        try state.withLock { (state: inout State) throws(HTTPServerError) in
            guard case .idle = state else {
                throw HTTPServerError(code: .state, reason: "the server can only be started once")
            }
            let sockets = try ListeningSocket.openGroup(
                host: configuration.host, port: configuration.port, count: configuration.workerThreads)
            port.store(try sockets[0].localPort(), ordering: .releasing)
            let pool =
                configuration.blockingThreads > 0 ? BlockingPool(threadCount: configuration.blockingThreads) : nil
            let outstandingReplies = OutstandingReplies()
            var workers: [EventLoopWorker] = []
            do throws(HTTPServerError) {
                for socket in sockets {
                    workers.append(
                        try EventLoopWorker(
                            socket: socket, configuration: configuration, tls: tls, handler: handler, logger: logger,
                            pool: pool, outstandingReplies: outstandingReplies))
                }
            } catch {
                pool?.shutdown()
                throw error
            }
            var threads: [pthread_t] = []
            for worker in workers {
                do throws(HTTPServerError) {
                    threads.append(try Self.startThread(for: worker))
                } catch {
                    Self.stop(
                        Running(workers: workers, threads: threads, pool: pool, outstandingReplies: outstandingReplies))
                    throw error
                }
            }
            state = .running(
                Running(workers: workers, threads: threads, pool: pool, outstandingReplies: outstandingReplies))
        }
        logger.info(
            "HTTP server listening",
            [
                "http.address": configuration.host, "http.port": String(boundPort), "http.tls": String(tls != nil),
                "http.workers": String(configuration.workerThreads),
            ])
    }

    /// Stops accepting, ends the event loops, joins their threads and frees every connection; idempotent.
    ///
    /// Called from a handler, it does not wait for that handler's own worker, which ends once the handler
    /// has returned.
    public func stop() {
        let previous = state.withLock { (state: inout State) -> State in
            let previous = state
            state = .stopped
            return previous
        }
        guard case .running(let running) = previous else { return }
        Self.stop(running)
        logger.info("HTTP server stopped", ["http.port": String(boundPort)])
    }

    private static func stop(_ running: Running) {
        // Requests already handed to the pool finish and their replies are written while the loops
        // still run; new ones are handled on the loops from now on.
        running.pool?.shutdown()
        let deadline = Clock.monotonicNanoseconds() + 5_000_000_000
        while !running.outstandingReplies.isEmpty, Clock.monotonicNanoseconds() < deadline { usleep(1_000) }
        for worker in running.workers { worker.requestStop() }
        let current = pthread_self()
        for thread in running.threads {
            if pthread_equal(thread, current) != 0 {
                pthread_detach(thread)
            } else {
                pthread_join(thread, nil)
            }
        }
    }

    private static func startThread(for worker: EventLoopWorker) throws(HTTPServerError) -> pthread_t {
        var thread = pthread_t()
        // The thread owns one retain of the worker until its loop has ended.
        let argument = Unmanaged.passRetained(worker).toOpaque()
        let result = pthread_create(
            &thread, nil,
            { argument in
                guard let argument else { return nil }
                let worker = Unmanaged<EventLoopWorker>.fromOpaque(argument).takeRetainedValue()
                worker.run()
                return nil
            }, argument)
        guard result == 0 else {
            Unmanaged<EventLoopWorker>.fromOpaque(argument).release()
            throw HTTPServerError(code: .eventLoop, reason: "pthread_create: \(String(cString: strerror(result)))")
        }
        return thread
    }
}
