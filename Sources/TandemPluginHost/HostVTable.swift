import CTandemPlugin
import Logging

/// Builds the `tandem_host` vtable a plugin receives in `init`.
///
/// Each plugin gets its own vtable, so that log lines carry the plugin's id.
/// Vtables are never freed: a plugin may keep the pointer until process exit.
enum HostVTable {
    /// A new, immortal vtable for the plugin `pluginID`.
    static func make(pluginID: String, logger: Logger) -> UnsafePointer<tandem_host> {
        let context = Unmanaged.passRetained(PluginContext(pluginID: pluginID, logger: logger))
        let vtable = UnsafeMutablePointer<tandem_host>.allocate(capacity: 1)
        vtable.initialize(
            to: tandem_host(
                struct_size: MemoryLayout<tandem_host>.size,
                abi_major: HostABI.major,
                abi_minor: HostABI.minor,
                host_name: immortal("tandem"),
                host_version: immortal(HostABI.hostVersion),
                host_data: context.toOpaque(),
                log: { host, level, message in
                    guard let host, let message, let data = host.pointee.host_data else { return }
                    let context = Unmanaged<PluginContext>.fromOpaque(data).takeUnretainedValue()
                    context.log(level: level, message: String(cString: message))
                },
                allocate: { _, size in SystemCalls.allocate(size) },
                free: { _, pointer in SystemCalls.release(pointer) },
                get_extension: { _, _ in nil }
            ))
        return UnsafePointer(vtable)
    }

    private static func immortal(_ text: String) -> UnsafePointer<CChar> {
        let bytes = text.utf8CString
        let copy = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        bytes.withUnsafeBufferPointer { copy.initialize(from: $0.baseAddress!, count: bytes.count) }
        return UnsafePointer(copy)
    }
}

/// Who a vtable belongs to. Immutable, so safe to read from any thread.
private final class PluginContext: Sendable {
    let pluginID: String
    let logger: Logger

    init(pluginID: String, logger: Logger) {
        self.pluginID = pluginID
        self.logger = logger
    }

    func log(level: Int32, message: String) {
        let mapped: Logger.Level =
            switch level {
            case TANDEM_LOG_TRACE: .trace
            case TANDEM_LOG_DEBUG: .debug
            case TANDEM_LOG_INFO: .info
            case TANDEM_LOG_WARNING: .warning
            default: .error
            }
        logger.log(level: mapped, "\(message)", metadata: ["plugin": "\(pluginID)"])
    }
}
