import CTandemPlugin

/// The ABI version this host implements, from the header.
public enum HostABI {
    /// `TANDEM_ABI_MAJOR`.
    public static let major = UInt32(TANDEM_ABI_MAJOR)
    /// `TANDEM_ABI_MINOR`.
    public static let minor = UInt32(TANDEM_ABI_MINOR)
    /// The host's version, reported to plugins.
    public static let hostVersion = "0.1.0"
    /// `major.minor`.
    public static var version: String { "\(major).\(minor)" }
}
