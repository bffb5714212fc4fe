/// Scratch buffers of one `tokenize` call: the current chunk's scalars, class bits and
/// byte offsets, and the suffixes split off it. Grown on demand, freed on deinit.
final class PretokenizerWorkspace {
    private(set) var capacity = 0
    private(set) var scalars: UnsafeMutablePointer<UInt32>
    private(set) var classes: UnsafeMutablePointer<UInt16>
    /// Byte offset of each scalar; one more entry for the chunk's end.
    private(set) var offsets: UnsafeMutablePointer<Int32>
    /// Suffix ranges, innermost last (emitted in reverse).
    var suffixes: [Range<Int>] = []

    init(capacity: Int = 256) {
        self.capacity = capacity
        scalars = .allocate(capacity: capacity)
        classes = .allocate(capacity: capacity)
        offsets = .allocate(capacity: capacity + 1)
        suffixes.reserveCapacity(16)
    }

    deinit {
        scalars.deallocate()
        classes.deallocate()
        offsets.deallocate()
    }

    /// Doubles the capacity, keeping the first `count` entries.
    func grow(keeping count: Int) {
        let newCapacity = capacity * 2
        let newScalars = UnsafeMutablePointer<UInt32>.allocate(capacity: newCapacity)
        let newClasses = UnsafeMutablePointer<UInt16>.allocate(capacity: newCapacity)
        let newOffsets = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity + 1)
        newScalars.update(from: scalars, count: count)
        newClasses.update(from: classes, count: count)
        newOffsets.update(from: offsets, count: count)
        scalars.deallocate()
        classes.deallocate()
        offsets.deallocate()
        scalars = newScalars
        classes = newClasses
        offsets = newOffsets
        capacity = newCapacity
    }

    var chunk: Chunk { Chunk(scalars: scalars, classes: classes) }
}
