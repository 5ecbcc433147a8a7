import CTandemPlugin
import Foundation
import Logging
import TandemArrow
public import TandemDocuments

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The plugin host process (`tandem plugin-host`, `isolation: process`):
/// loads one plugin, creates one transform and runs each batch the engine
/// sends through it, over the same C ABI as in the engine process.
///
/// What it holds: the control socket (descriptor 3), the shared batch
/// region (descriptor 4), standard error, and the plugin's library. The
/// engine closes every other descriptor as it starts it, so that it holds no side
/// database, state database or socket of the engine's; it is never told
/// where the sides are. A crash or hang here costs this process only: the
/// engine sees the call fail, starts a new one, and parks the row.
package enum PluginHostChild {
    /// The control socket's descriptor in the host process.
    package static let channelDescriptor: Int32 = 3
    /// The shared region's descriptor in the host process.
    package static let regionDescriptor: Int32 = 4

    /// Serves the engine until it closes the channel; returns the exit status.
    package static func serve(file: String, directory: String) -> Int32 {
        let channel = HostChannel(descriptor: channelDescriptor)
        exitWhenEngineEnds(channel)
        let region: SharedRegion
        do { region = try SharedRegion(descriptor: regionDescriptor) } catch {
            FileHandle.standardError.write(Data("tandem plugin-host: \(error)\n".utf8))
            return 1
        }
        var processor: PluginProcessor?
        while true {
            guard case .message(let message) = channel.receive(within: nil) else { return 0 }
            // Replies go after what the engine wrote: an output may point into the input until it is copied.
            let replyAt = SharedRegion.aligned(message.offset + message.length)
            let reply: HostChannel.Message
            do throws(PluginCallError) {
                switch message.kind {
                case .create:
                    let created = try create(message, file: file, directory: directory, region)
                    processor = created
                    reply = try json(HostChannel.columns(created.outputSchema), .created, region, at: replyAt)
                case .process:
                    guard let processor else { throw failure("process", "no transform was created first") }
                    reply = try process(message, processor, region, at: replyAt)
                default:
                    throw failure("serve", "unexpected message \(message.kind)")
                }
            } catch {
                let failure = HostChannel.Failure(
                    operation: error.operation, kind: error.kind.rawValue, status: error.status, message: error.message)
                guard let sent = try? json(failure, .failure, region, at: replyAt) else { return 1 }
                reply = sent
            }
            guard channel.send(reply) else { return 0 }
        }
    }

    private static func create(
        _ message: HostChannel.Message, file: String, directory: String, _ region: SharedRegion
    ) throws(PluginCallError) -> PluginProcessor {
        guard let bytes = region.read(offset: message.offset, length: message.length),
            let request = try? JSONDecoder().decode(HostChannel.CreateRequest.self, from: Data(bytes))
        else { throw failure("create", "the create request is not readable") }
        let plugin: LoadedPlugin
        do {
            let loader = PluginLoader(logger: Logger(label: "tandem.plugin-host") { _ in SwiftLogNoOpLogHandler() })
            plugin = try loader.load(file: file, directory: directory)
        } catch {
            throw failure("load", "\(error)")
        }
        let input: Schema
        let config: JSONValue
        do {
            input = try HostChannel.schema(request.input)
            config = try JSONValue.parse(request.config, document: "transform config")
        } catch {
            throw failure("create", "\(error)")
        }
        return try plugin.makeTransform(request.transform, config: config, input: input)
    }

    private static func process(
        _ message: HostChannel.Message, _ processor: PluginProcessor, _ region: SharedRegion, at replyAt: Int
    ) throws(PluginCallError) -> HostChannel.Message {
        guard let bytes = region.read(offset: message.offset, length: message.length), bytes.count % 8 == 0 else {
            throw failure("process", "the batch layout is not readable")
        }
        let layout = bytes.withUnsafeBytes { raw in
            (0..<bytes.count / 8).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self) }
        }
        var input = ArrowArray()
        do { try SharedArrowArray.read(layout, schema: processor.inputSchema, from: region, into: &input) } catch {
            throw failure("process", error.message)
        }
        defer { input.release?(&input) }
        var output = ArrowArray()
        try processor.process(array: &input, into: &output)
        defer { output.release?(&output) }
        let written: (layout: [Int64], end: Int)
        do {
            written = try SharedArrowArray.write(&output, schema: processor.outputSchema, into: region, at: replyAt)
        } catch {
            throw PluginCallError(
                plugin: processor.pluginID, operation: "process (\(processor.name))", kind: .contractViolation,
                status: 0,
                message: error.message)
        }
        let at = SharedRegion.aligned(written.end)
        let ok = written.layout.withUnsafeBytes { region.write($0, at: at) }
        guard ok else { throw failure("process", "the output does not fit the shared memory") }
        return HostChannel.Message(kind: .output, offset: at, length: written.layout.count * 8)
    }

    /// Writes `value` as JSON at `offset` and returns the message that points at it.
    private static func json<Value: Encodable>(
        _ value: Value, _ kind: HostChannel.Kind, _ region: SharedRegion, at offset: Int
    ) throws(PluginCallError) -> HostChannel.Message {
        guard let data = try? JSONEncoder().encode(value), data.withUnsafeBytes({ region.write($0, at: offset) }) else {
            throw failure("reply", "the reply does not fit the shared memory")
        }
        return HostChannel.Message(kind: kind, offset: offset, length: data.count)
    }

    private static func failure(_ operation: String, _ message: String) -> PluginCallError {
        PluginCallError(
            plugin: "plugin-host", operation: operation, kind: .reported, status: TANDEM_ERROR_INTERNAL,
            message: message)
    }

    /// Ends this process as soon as the engine's end of the channel closes,
    /// on a thread of its own: the serving thread may be inside a plugin
    /// call that never returns, and a host process must not outlive its
    /// engine (it would hold the plugin, and a CPU if it spins). A wait for
    /// a hang-up only: it costs nothing while the engine lives.
    private static func exitWhenEngineEnds(_ channel: HostChannel) {
        let watcher = Thread {
            // No events asked for: poll still reports POLLHUP and POLLERR, and never the messages the serving thread reads.
            var poller = pollfd(fd: channel.descriptor, events: 0, revents: 0)
            while poll(&poller, 1, -1) < 0, errno == EINTR {}
            _exit(0)
        }
        watcher.name = "engine-watch"
        watcher.start()
    }
}
