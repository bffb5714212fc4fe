import Foundation

/// Clock readings in seconds: monotonic wall time and CPU time (named `Timing` so as not
/// to shadow the standard library's `Clock`).
public enum Timing {
    /// Seconds since an arbitrary fixed point (CLOCK_MONOTONIC).
    @inlinable @inline(__always)
    public static func now() -> Double { seconds(CLOCK_MONOTONIC) }

    /// CPU seconds (user + system) used by the whole process so far.
    @inlinable
    public static func processCPU() -> Double { seconds(CLOCK_PROCESS_CPUTIME_ID) }

    /// CPU seconds used by the calling thread so far.
    @inlinable
    public static func threadCPU() -> Double { seconds(CLOCK_THREAD_CPUTIME_ID) }

    @inlinable @inline(__always)
    static func seconds(_ clock: clockid_t) -> Double {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
