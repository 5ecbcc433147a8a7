/// `tandem.yaml`'s `alerts:` section: the rules and how often they are checked.
package struct AlertSettings: Hashable, Sendable {
    /// How often the running engine checks the rules, in milliseconds.
    package var checkIntervalMilliseconds: Int
    /// The rules, in the order written.
    package var rules: [AlertRule]

    /// Creates settings.
    package init(checkIntervalMilliseconds: Int = 1000, rules: [AlertRule] = []) {
        self.checkIntervalMilliseconds = checkIntervalMilliseconds
        self.rules = rules
    }
}
