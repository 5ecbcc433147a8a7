import TandemEngine

/// `tandem.yaml` as the loader reads it: Yams' parser, then Tandem's
/// settings, alert rules and subscriptions, each error a `FILE:LINE:COLUMN`
/// message.
enum ConfigHarness {
    static func run(_ bytes: [UInt8]) {
        _ = try? ConfigLoader.parse(String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml")
    }
}
