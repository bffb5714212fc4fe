/// Embedding lookup (gather) and its scatter-add gradient.
public enum Embedding {
    /// `out[i] (= or +=) factor * table[ids[i]]` for `rows` ids.
    public static func gather(
        ids: UnsafePointer<Int32>, table: UnsafePointer<Float>, width: Int, factor: Float,
        out: UnsafeMutablePointer<Float>, rows: Int, accumulate: Bool, pool: ThreadPool
    ) {
        pool.forEachChunk(rows, chunk: 64) { range, _, _ in
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

    /// `dtable[ids[i]] += factor * dy[i]`. Table rows are split across threads and every
    /// row sums its positions in increasing order, so the result is thread-count independent.
    public static func scatterAdd(
        ids: UnsafePointer<Int32>, dy: UnsafePointer<Float>, width: Int, factor: Float,
        dtable: UnsafeMutablePointer<Float>, tableRows: Int, rows: Int, pool: ThreadPool
    ) {
        let parts = pool.threadCount
        pool.run(tasks: parts) { part, _ in
            let lo = tableRows * part / parts, hi = tableRows * (part + 1) / parts
            for i in 0..<rows {
                let id = Int(ids[i])
                if id < lo || id >= hi { continue }
                let src = dy + i * width, dst = dtable + id * width
                for j in 0..<width { dst[j] += factor * src[j] }
            }
        }
    }

    /// `factor * sum_i <dy[i], table[ids[i]]>`, summed in fixed chunks then in chunk order.
    /// `partials` holds `ceil(rows / 64)` floats of scratch.
    public static func dotGathered(
        ids: UnsafePointer<Int32>, table: UnsafePointer<Float>, dy: UnsafePointer<Float>, width: Int,
        factor: Float, rows: Int, partials: UnsafeMutablePointer<Float>, pool: ThreadPool
    ) -> Float {
        pool.forEachChunk(rows, chunk: 64) { range, c, _ in
            var s: Float = 0
            for i in range {
                let e = table + Int(ids[i]) * width, d = dy + i * width
                for j in 0..<width { s += e[j] * d[j] }
            }
            partials[c] = s
        }
        var total: Float = 0
        for c in 0..<((rows + 63) / 64) { total += partials[c] }
        return factor * total
    }
}
