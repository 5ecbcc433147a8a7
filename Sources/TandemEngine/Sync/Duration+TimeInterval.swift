extension Duration {
    /// The duration in seconds, for `Thread.sleep` and rates.
    public var timeInterval: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
