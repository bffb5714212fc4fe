import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Large tables read at random (the tagger's weight slots and entries, the entity scorer's
/// cache) in memory aligned to 2 MiB and advised for transparent huge pages: one TLB entry
/// then covers 2 MiB instead of 4 KiB, so random reads over tens of megabytes stop missing
/// the TLB on top of the cache. Where the kernel gives no huge pages this is plain memory.
enum HugePageMemory {
    static let alignment = 2 << 20

    /// Uninitialized memory for `count` values of `T` (trivial types only); give it back
    /// with `release(_:)`. Pages cost nothing until first written.
    static func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let bytes = max(1, count) * MemoryLayout<T>.stride
        var raw: UnsafeMutableRawPointer? = nil
        guard posix_memalign(&raw, alignment, bytes) == 0, let raw else {
            fatalError("out of memory: \(bytes) bytes")
        }
        #if os(Linux)
        if bytes >= alignment { madvise(raw, bytes, 14) }  // MADV_HUGEPAGE
        #endif
        return raw.bindMemory(to: T.self, capacity: max(1, count))
    }

    static func release<T>(_ pointer: UnsafeMutablePointer<T>) {
        free(UnsafeMutableRawPointer(pointer))
    }
}
