import LimeCompute
/// Embedding lookup (gather) and its scatter-add gradient.
public enum Embedding {
    /// `out[i] (= or +=) factor * table[ids[i]]` for `rows` ids.
    public static func gather(
        ids: UnsafePointer<Int32>, table: UnsafePointer<Float>, width: Int, factor: Float,
        out: UnsafeMutablePointer<Float>, rows: Int, accumulate: Bool, pool: ThreadPool
    ) {
        pool.forEachChunk(rows, chunk: 64, Gather(ids: ids, table: table, width: width, factor: factor, out: out, accumulate: accumulate))
    }

    /// `dtable[ids[i]] += factor * dy[i]`. Table rows are split across threads and every
    /// row sums its positions in increasing order, so the result is thread-count independent.
    public static func scatterAdd(
        ids: UnsafePointer<Int32>, dy: UnsafePointer<Float>, width: Int, factor: Float,
        dtable: UnsafeMutablePointer<Float>, tableRows: Int, rows: Int, pool: ThreadPool
    ) {
        pool.run(tasks: pool.threadCount, job: Scatter(
            ids: ids, dy: dy, width: width, factor: factor, dtable: dtable, tableRows: tableRows, rows: rows, parts: pool.threadCount))
    }

    /// `factor * sum_i <dy[i], table[ids[i]]>`, summed in fixed chunks then in chunk order.
    /// `partials` holds `ceil(rows / 64)` floats of scratch.
    public static func dotGathered(
        ids: UnsafePointer<Int32>, table: UnsafePointer<Float>, dy: UnsafePointer<Float>, width: Int,
        factor: Float, rows: Int, partials: UnsafeMutablePointer<Float>, pool: ThreadPool
    ) -> Float {
        pool.forEachChunk(rows, chunk: 64, Dot(ids: ids, table: table, dy: dy, width: width, partials: partials))
        var total: Float = 0
        for c in 0..<((rows + 63) / 64) { total += partials[c] }
        return factor * total
    }

    private struct Gather: ChunkJob {
        let ids: UnsafePointer<Int32>, table: UnsafePointer<Float>, width: Int, factor: Float
        let out: UnsafeMutablePointer<Float>, accumulate: Bool
        func run(_ range: Range<Int>, chunk: Int, thread: Int) {
            for i in range {
                let src = table + Int(ids[i]) * width, dst = out + i * width
                if accumulate {
                    for j in 0..<width { dst[j] += factor * src[j] }
                } else {
                    for j in 0..<width { dst[j] = factor * src[j] }
                }
            }
        }
    }

    private struct Scatter: ParallelJob {
        let ids: UnsafePointer<Int32>, dy: UnsafePointer<Float>, width: Int, factor: Float
        let dtable: UnsafeMutablePointer<Float>, tableRows: Int, rows: Int, parts: Int
        func run(task part: Int, thread: Int) {
            let lo = tableRows * part / parts, hi = tableRows * (part + 1) / parts
            for i in 0..<rows {
                let id = Int(ids[i])
                if id < lo || id >= hi { continue }
                let src = dy + i * width, dst = dtable + id * width
                for j in 0..<width { dst[j] += factor * src[j] }
            }
        }
    }

    private struct Dot: ChunkJob {
        let ids: UnsafePointer<Int32>, table: UnsafePointer<Float>, dy: UnsafePointer<Float>, width: Int
        let partials: UnsafeMutablePointer<Float>
        func run(_ range: Range<Int>, chunk c: Int, thread: Int) {
            var s: Float = 0
            for i in range {
                let e = table + Int(ids[i]) * width, d = dy + i * width
                for j in 0..<width { s += e[j] * d[j] }
            }
            partials[c] = s
        }
    }
}
