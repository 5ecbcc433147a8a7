import CoreMetrics
import Dispatch
import Hummingbird
public import Logging
public import Prometheus
import Synchronization

/// The `GET /metrics` endpoint of `tandem run --metrics`: a Hummingbird HTTP
/// server that renders the Prometheus registry the engine's metrics go to, in
/// the text exposition format.
///
/// The engine runs on the calling thread and knows nothing of async code, so
/// the server runs in a task of its own that ``start(_:logger:)`` waits for
/// until it listens (or fails to) and ``stop()`` cancels and waits for: it
/// never outlives the engine.
public final class MetricsServer: Sendable {
    /// The address it listens on, with the actual port when 0 was asked for.
    public let address: MetricsAddress
    private let task: Task<Void, Never>
    private let finished: DispatchSemaphore
    private let stopped = Mutex(false)

    /// What a scrape config points at.
    public var url: String { "http://\(address)/metrics" }

    /// The content type of the Prometheus text exposition format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Buckets of the apply latency histogram: fine below the 5 ms / 20 ms latency
    /// targets, coarse up to the minute that a paused map's catch-up can take.
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(20),
        .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
        .seconds(10), .seconds(30), .seconds(60),
    ]

    /// Makes swift-metrics report to a new Prometheus registry and returns it;
    /// `help` (by metric name) becomes the scrape's `# HELP` lines.
    /// Call once, before the engine is created (it creates its metrics then).
    public static func bootstrapMetrics(help: [String: String] = [:]) -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = latencyBuckets
        MetricsSystem.bootstrap(DescribedMetricsFactory(base: factory, help: help))
        return registry
    }

    private init(address: MetricsAddress, task: Task<Void, Never>, finished: DispatchSemaphore) {
        self.address = address
        self.task = task
        self.finished = finished
    }

    /// Starts serving `registry` on `address` and returns once the server
    /// listens; throws when it cannot (the port is taken, the host is not local).
    public static func start(
        _ address: MetricsAddress, registry: PrometheusCollectorRegistry, logger: Logger
    ) throws(MetricsServerError) -> MetricsServer {
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            let body = registry.emitToBuffer()
            return Response(
                status: .ok, headers: [.contentType: contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
        // Filled once: the bound port, or why the server could not start.
        let outcome = Mutex<Result<Int, any Error>?>(nil)
        let started = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        // Hummingbird logs a cancelled server (our clean stop) as an error; its start-up errors come back
        // to us and are reported with what to do, so outside --verbose it only gets to say what is critical.
        var serverLogger = logger
        if serverLogger.logLevel > .debug { serverLogger.logLevel = .critical }
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(address.host, port: address.port), serverName: "tandem"),
            onServerRunning: { channel in
                outcome.withLock { $0 = .success(channel.localAddress?.port ?? address.port) }
                started.signal()
            },
            logger: serverLogger)
        // Owned, not fire-and-forget: ``stop()`` cancels it and waits for it to end.
        let task = Task.detached {
            var failure: (any Error)?
            do { try await app.run() } catch { failure = error }
            let neverListened = outcome.withLock { value -> Bool in
                guard value == nil else { return false }
                value = .failure(failure ?? MetricsServerError("the server ended before it listened"))
                return true
            }
            if neverListened {
                started.signal()
            } else if let failure, !Task.isCancelled {
                logger.error("metrics server stopped: \(failure); /metrics is not served any more")
            }
            finished.signal()
        }
        started.wait()
        switch outcome.withLock({ $0 })! {
        case .success(let port):
            var bound = address
            bound.port = port
            return MetricsServer(address: bound, task: task, finished: finished)
        case .failure(let error):
            finished.wait()
            let cause = "\(error)"
            let taken = cause.lowercased().contains("address already in use")
            throw MetricsServerError(
                taken
                    ? "--metrics \(address): cannot listen there, the port is taken (address already in use); "
                        + "choose another port, or 0 for any free one"
                    : "--metrics \(address): cannot listen there: \(cause); give an address of this machine, e.g. 127.0.0.1:9464"
            )
        }
    }

    /// Stops the server and waits until it has closed its socket; a second call does nothing.
    public func stop() {
        let first = stopped.withLock { wasStopped in
            defer { wasStopped = true }
            return !wasStopped
        }
        guard first else { return }
        task.cancel()
        finished.wait()
    }
}
