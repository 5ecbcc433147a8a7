import CTandemPlugin
import Foundation
import _TandemProcessShims
public import TandemArrow
public import TandemDocuments

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A transform whose plugin runs in a plugin host process of its own
/// (`isolation: process`, issue 17 §3), seen from the engine.
///
/// Each batch is exported as usual, its buffers copied whole into shared
/// memory, and a 17-byte message tells the host process where they lie;
/// the output comes back the same way and is read with the same checks as
/// an in-process plugin's. If the host process dies during a call (the
/// plugin crashed it) or does not answer within the call timeout (it is
/// killed), the call throws ``IsolatedCallFailure`` and the next call
/// starts a new host process, creating the transform again.
///
/// Calls are serialised by a lock: the region and the socket carry one call at a time.
package final class IsolatedProcessor: BatchProcessor {
    /// How the host process is started and how long a call may take.
    package struct Launch: Sendable {
        /// The `tandem` executable, run as `tandem plugin-host FILE DIRECTORY`.
        package var executable: String
        /// How long one call may take before the host process is killed, in milliseconds.
        package var callTimeoutMilliseconds: Int
        /// The shared memory reserved per host process, in bytes.
        package var regionSize: Int

        /// Creates launch settings.
        package init(executable: String, callTimeoutMilliseconds: Int, regionSize: Int = 256 << 20) {
            self.executable = executable
            self.callTimeoutMilliseconds = callTimeoutMilliseconds
            self.regionSize = regionSize
        }
    }

    /// A running host process.
    private struct Host {
        let pid: pid_t
        let channel: HostChannel
        let region: SharedRegion
    }

    /// The plugin's id.
    package let pluginID: String
    /// The transform's name.
    package let transform: String
    /// The columns the instance expects.
    package let inputSchema: Schema
    /// The columns the instance returns.
    package private(set) var outputSchema: Schema
    private let file: String
    private let directory: String
    private let config: JSONValue
    private let launch: Launch
    private var host: Host?
    /// Held for a whole call, so that a write-through and the engine's loop never share the region.
    private let lock = NSLock()

    /// Starts a host process for `plugin` and creates the transform `transform` in it.
    package init(plugin: LoadedPlugin, transform: String, config: JSONValue, input: Schema, launch: Launch) throws {
        pluginID = plugin.id
        self.transform = transform
        inputSchema = input
        outputSchema = Schema([])
        file = plugin.file
        directory = plugin.directory
        self.config = config
        self.launch = launch
        try start()
    }

    deinit { stop(kill: false) }

    /// The pid of the running host process, if one runs (tests kill it).
    package var hostPID: Int32? { host?.pid }

    /// Maps one batch through the plugin in the host process.
    package func process(_ batch: RecordBatch) throws -> RecordBatch {
        guard batch.schema == inputSchema else {
            throw ArrowError(
                .shapeMismatch, "transform \(transform) expects columns \(inputSchema), got \(batch.schema)")
        }
        lock.lock()
        defer { lock.unlock() }
        if host == nil { try start() }
        guard let host else { throw failure(.exited(status: 0)) }
        var input = ArrowArray()
        try ArrowCExport.exportBatch(batch, into: &input)
        let written: (layout: [Int64], end: Int)
        do {
            defer { input.release?(&input) }
            written = try SharedArrowArray.write(&input, schema: inputSchema, into: host.region, at: 0)
        }
        let at = SharedRegion.aligned(written.end)
        guard written.layout.withUnsafeBytes({ host.region.write($0, at: at) }) else {
            throw SharedArrowArray.Failure(message: "the batch layout does not fit the shared memory")
        }
        let reply = try call(HostChannel.Message(kind: .process, offset: at, length: written.layout.count * 8), host)
        guard reply.kind == .output, let bytes = host.region.read(offset: reply.offset, length: reply.length),
            bytes.count % 8 == 0
        else { throw violation("the plugin host process sent an unreadable reply") }
        let layout = bytes.withUnsafeBytes { raw in
            (0..<bytes.count / 8).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self) }
        }
        var output = ArrowArray()
        do { try SharedArrowArray.read(layout, schema: outputSchema, from: host.region, into: &output) } catch {
            throw violation(error.message)
        }
        defer { output.release?(&output) }
        let result: RecordBatch
        do { result = try ArrowCImport.batch(&output, schema: outputSchema) } catch { throw violation(error.message) }
        if result.rowCount != batch.rowCount {
            throw violation(
                "it returned \(result.rowCount) rows for a batch of \(batch.rowCount); a transform returns one row per input row"
            )
        }
        return result
    }

    /// Starts the host process and creates the transform in it.
    private func start() throws {
        let region = try SharedRegion(size: launch.regionSize)
        let (ours, theirs) = try HostChannel.pair()
        defer { theirs.close() }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // Its output goes to the engine's standard error, with the plugin's own lines.
        posix_spawn_file_actions_adddup2(&actions, 2, 1)
        // Copies above 9 first, so that moving one to 3 or 4 cannot overwrite the other.
        let channelCopy = fcntl(theirs.descriptor, F_DUPFD_CLOEXEC, 10)
        let regionCopy = fcntl(region.descriptor, F_DUPFD_CLOEXEC, 10)
        defer {
            close(channelCopy)
            close(regionCopy)
        }
        posix_spawn_file_actions_adddup2(&actions, channelCopy, PluginHostChild.channelDescriptor)
        posix_spawn_file_actions_adddup2(&actions, regionCopy, PluginHostChild.regionDescriptor)
        // Every other descriptor is closed between fork and exec, so the host process holds no side database,
        // state database or socket of the engine's. Closing them in the host process instead raced with its own
        // runtime: a descriptor number it had just reused (the library it was hashing) was closed under it.
        let closing = tandem_spawn_close_from(&actions, PluginHostChild.regionDescriptor + 1)
        guard closing == 0 else {
            ours.close()
            throw PluginCallError(
                plugin: pluginID, operation: "start plugin-host", kind: .reported, status: TANDEM_ERROR_INTERNAL,
                message: "cannot start a plugin host process that holds none of the engine's files: \(String(cString: strerror(closing))); run this plugin without isolation: process")
        }
        let arguments = [launch.executable, "plugin-host", file, directory]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // A crash is expected here and reported by the engine: the Swift runtime's backtrace would only slow it.
        var environment = ProcessInfo.processInfo.environment
        if environment["SWIFT_BACKTRACE"] == nil { environment["SWIFT_BACKTRACE"] = "enable=no" }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, launch.executable, &actions, nil, argv, envp)
        guard spawned == 0 else {
            ours.close()
            throw PluginCallError(
                plugin: pluginID, operation: "start plugin-host", kind: .reported, status: TANDEM_ERROR_INTERNAL,
                message: "could not start \(launch.executable) plugin-host: \(String(cString: strerror(spawned)))")
        }
        let host = Host(pid: pid, channel: ours, region: region)
        self.host = host
        do { try create(host) } catch {
            stop(kill: true)
            throw error
        }
    }

    /// Creates the transform in a host process just started, and learns its output columns.
    private func create(_ host: Host) throws {
        let region = host.region
        let request = HostChannel.CreateRequest(
            transform: transform, config: config.jsonText, input: HostChannel.columns(inputSchema))
        let data = try JSONEncoder().encode(request)
        guard data.withUnsafeBytes({ region.write($0, at: 0) }) else {
            throw violation("the transform config does not fit the shared memory")
        }
        let reply = try call(HostChannel.Message(kind: .create, offset: 0, length: data.count), host)
        guard reply.kind == .created, let bytes = region.read(offset: reply.offset, length: reply.length),
            let columns = try? JSONDecoder().decode([HostChannel.Column].self, from: Data(bytes))
        else { throw violation("the plugin host process sent an unreadable schema") }
        outputSchema = try HostChannel.schema(columns)
    }

    /// Sends `message` and waits for the answer within the call timeout; a
    /// death or a timeout ends the host process and throws ``IsolatedCallFailure``,
    /// a failure the plugin reported throws ``PluginCallError``.
    private func call(_ message: HostChannel.Message, _ host: Host) throws -> HostChannel.Message {
        host.channel.send(message)
        switch host.channel.receive(within: launch.callTimeoutMilliseconds) {
        case .timedOut:
            stop(kill: true)
            throw failure(.timedOut(milliseconds: launch.callTimeoutMilliseconds))
        case .closed:
            let status = stop(kill: false)
            let signal = status & 0x7f
            throw failure(
                signal != 0
                    ? .crashed(signal: IsolatedCallFailure.signalName(signal)) : .exited(status: (status >> 8) & 0xff))
        case .message(let reply):
            guard reply.kind == .failure else { return reply }
            guard let bytes = host.region.read(offset: reply.offset, length: reply.length),
                let failure = try? JSONDecoder().decode(HostChannel.Failure.self, from: Data(bytes))
            else { throw violation("the plugin host process sent an unreadable failure") }
            throw PluginCallError(
                plugin: pluginID, operation: failure.operation,
                kind: PluginCallError.Kind(rawValue: failure.kind) ?? .reported,
                status: failure.status, message: failure.message)
        }
    }

    /// Ends the host process (closing the channel lets an idle one exit by
    /// itself; `kill` sends SIGKILL first) and returns its wait status.
    @discardableResult
    private func stop(kill killIt: Bool) -> Int32 {
        guard let host else { return 0 }
        self.host = nil
        if killIt { kill(host.pid, SIGKILL) }
        host.channel.close()
        var status: Int32 = 0
        // A host process that closed its end exits by itself; one that does not within 2 s is killed.
        let deadline = ContinuousClock.now + .seconds(2)
        while true {
            let ended = waitpid(host.pid, &status, killIt ? 0 : WNOHANG)
            if ended == host.pid || (ended < 0 && errno != EINTR) { return status }
            if ended == 0, ContinuousClock.now >= deadline { kill(host.pid, SIGKILL) }
            if ended == 0 { usleep(1_000) }
        }
    }

    private func failure(_ cause: IsolatedCallFailure.Cause) -> IsolatedCallFailure {
        IsolatedCallFailure(plugin: pluginID, transform: transform, cause: cause)
    }

    private func violation(_ message: String) -> PluginCallError {
        PluginCallError(
            plugin: pluginID, operation: "process (transform \(transform))", kind: .contractViolation, status: 0,
            message: message)
    }
}
