/// The toolchain this host was built with, for checking Swift plugins.
///
/// Swift has no stable ABI between toolchain minor versions for a plugin
/// sharing the runtime with its host, so a Swift plugin must be built with the
/// same major.minor. C, C++ and Rust plugins do not depend on it.
public enum HostToolchain {
    /// `swift-MAJOR.MINOR` of the compiler that built this host.
    public static var swift: String {
        #if compiler(>=7.0)
        "swift-7.x"
        #elseif compiler(>=6.4)
        "swift-6.4"
        #elseif compiler(>=6.3)
        "swift-6.3"
        #elseif compiler(>=6.2)
        "swift-6.2"
        #else
        "swift-6.1"
        #endif
    }

    /// Toolchains whose plugins load into any host.
    public static let independent: Set<String> = ["c", "c++", "rust", "zig"]

    /// Nil when a plugin built with `toolchain` can load here, else the reason.
    public static func incompatibility(of toolchain: String) -> String? {
        let name = toolchain.lowercased()
        if independent.contains(name) { return nil }
        if name.hasPrefix("swift-") {
            return name == swift
                ? nil
                : "was built with \(toolchain) but this Tandem was built with \(swift); Swift plugins must match the host's toolchain minor version: rebuild it with \(swift)"
        }
        return "names toolchain '\(toolchain)'; expected c, c++, rust or \(swift)"
    }
}
