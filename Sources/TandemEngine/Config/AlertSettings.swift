/// `tandem.yaml`'s `alerts:` section: the rules and how often they are checked.
public struct AlertSettings: Hashable, Sendable {
    /// How often the running engine checks the rules, in milliseconds.
    public var checkIntervalMilliseconds: Int
    /// The rules, in the order written.
    public var rules: [AlertRule]

    /// Creates settings.
    public init(checkIntervalMilliseconds: Int = 1000, rules: [AlertRule] = []) {
        self.checkIntervalMilliseconds = checkIntervalMilliseconds
        self.rules = rules
    }
}
