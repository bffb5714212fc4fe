import Foundation

/// Monotonic wall-clock seconds.
public enum Clock {
    /// Seconds since an arbitrary fixed point (CLOCK_MONOTONIC).
    @inline(__always)
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
