extension Duration {
    /// The duration in milliseconds, with fractions: for timings in logs and benchmark figures.
    public var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
