extension Duration {
    /// The duration in seconds, for `Thread.sleep` and rates.
    package var timeInterval: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
