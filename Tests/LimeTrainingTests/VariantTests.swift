import Foundation
import LimeText
import LimeTransformer
import Testing
@testable import LimeTraining

@Suite struct VariantTests {
    /// Sequential windows of the fixture, with at least one document boundary inside.
    func windows(_ length: Int = 16) throws -> (ShardDataset, [TrainingWindow]) {
        let dataset = try TestData.dataset()
        let all = try SequentialWindows.make(dataset: dataset, length: length, limit: 400) { _ in true }
        return (dataset, all)
    }

    @Test func limeFeedsOwnMetadataAndLimePlus1TheNextTokens() throws {
        let (dataset, all) = try windows()
        let lime = try VariantSpec(variant: .lime, metadata: [.tag, .ner])
        let plus = try VariantSpec(variant: .limePlus1, metadata: [.tag, .ner])
        let base = try VariantSpec(variant: .baseline, metadata: [.tag])
        var boundaries = 0
        for w in all {
            let a = lime.batch([w]), b = plus.batch([w]), c = base.batch([w])
            #expect(c.metadata.isEmpty && c.tokens == a.tokens && c.targets == a.targets)
            #expect(a.tokens == w.tokens.dropLast() && a.targets == Array(w.tokens.dropFirst()))
            for i in 0..<w.length {
                #expect(a.metadata[0][i] == Int32(w.tag[i]) && a.metadata[1][i] == Int32(w.ner[i]))
                #expect(b.metadata[0][i] == Int32(w.tag[i + 1]) && b.metadata[1][i] == Int32(w.ner[i + 1]))
            }
            // At a boundary: the document's last piece is told "<sep> comes next", and the
            // separator is told the metadata of the next document's first piece.
            for i in 0..<(w.length - 1) where w.tokens[i + 1] == dataset.separator {
                boundaries += 1
                #expect(w.tokens[i] != dataset.separator)
                #expect(b.metadata[0][i] == Int32(TagSet.separatorID) && b.metadata[1][i] == Int32(TagSet.separatorID))
                #expect(b.metadata[0][i + 1] == Int32(w.tag[i + 2]) && w.tag[i + 2] != TagSet.separatorID)
                #expect(a.metadata[0][i + 1] == Int32(TagSet.separatorID))
            }
        }
        #expect(boundaries > 5)
    }

    @Test func metadataTablesAreASmallShareOfTheModel() throws {
        var config = TrainConfig()
        config.dModel = 256
        config.layers = 4
        config.heads = 4
        let lime = try VariantSpec(variant: .lime, metadata: [.tag, .pos, .ner])
        let base = try VariantSpec(variant: .baseline)
        let withMeta = Transformer.layout(config.model(vocabSize: 8000, spec: lime)).reduce(0) { $0 + $1.1.reduce(1, *) }
        let without = Transformer.layout(config.model(vocabSize: 8000, spec: base)).reduce(0) { $0 + $1.1.reduce(1, *) }
        #expect(withMeta - without == lime.metadataParameters(dModel: 256))
        #expect(lime.metadataParameters(dModel: 256) == (53 + 21 + 40) * 256 + 3)
        #expect(Double(withMeta - without) / Double(withMeta) < 0.01)
    }

    @Test func metadataGradientsMatchFiniteDifferences() throws {
        let (_, all) = try windows(8)
        let spec = try VariantSpec(variant: .limePlus1, metadata: [.tag, .pos])
        let config = ModelConfig(vocabSize: 600, contextLength: 8, layers: 1, dModel: 16, heads: 2, mlpWidth: 16, metadataVocabSizes: spec.metadataVocabSizes)
        let model = try Transformer(config: config, maxBatch: 2, threads: 1, seed: 5)
        // Larger metadata rows and non-unit scales so their gradients stand above float noise.
        for k in 0..<2 {
            let t = model.parameters.tensor("embed.meta\(k)")
            for i in 0..<t.count { model.parameters.values[t.offset + i] *= 20 }
            model.parameters.value("embed.meta\(k).scale")[0] = 0.7 + 0.4 * Float(k)
        }
        let batch = spec.batch(Array(all[3..<5]))
        _ = try model.loss(batch, gradients: true)
        let grads = Array(UnsafeBufferPointer(start: model.parameters.grads, count: model.parameters.count))
        for k in 0..<2 {
            for name in ["embed.meta\(k)", "embed.meta\(k).scale"] {
                let t = model.parameters.tensor(name)
                let used = Set(batch.metadata[k].map(Int.init))
                // Coordinates in rows the batch uses (and the scale), where the gradient is non-zero.
                let indices = name.hasSuffix("scale") ? [0] : used.sorted().prefix(3).flatMap { r in [r * 16, r * 16 + 7, r * 16 + 15] }
                for i in indices {
                    let p = model.parameters.values + t.offset + i
                    let keep = p.pointee, h: Float = 1e-2
                    p.pointee = keep + h
                    let up = Double(try model.loss(batch, gradients: false))
                    p.pointee = keep - h
                    let down = Double(try model.loss(batch, gradients: false))
                    p.pointee = keep
                    let numeric = (up - down) / Double(2 * h)
                    let analytic = Double(grads[t.offset + i])
                    #expect(abs(analytic - numeric) <= 2e-3 + 5e-2 * abs(numeric), "\(name)[\(i)]: analytic \(analytic), numeric \(numeric)")
                }
                if !name.hasSuffix("scale") {
                    let unused = (0..<(t.count / 16)).first { !used.contains($0) }!
                    #expect((0..<16).allSatisfy { grads[t.offset + unused * 16 + $0] == 0 })
                    #expect(used.contains { r in (0..<16).contains { grads[t.offset + r * 16 + $0] != 0 } })
                }
            }
        }
    }
}
