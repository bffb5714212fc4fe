import Foundation
import LimeData
import LimeFuzzSupport

/// The manifest reader: JSON decoding and the checks on what it says. A manifest that is
/// accepted must survive being written and read back unchanged.
func fuzzManifest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let name = "fuzz/manifest.json"
    guard let manifest = Fuzz.expectNamedError(name, { try Manifest.decode(Data(Fuzz.bytes(data, size)), path: name) }) else {
        return 0
    }
    for shard in manifest.shards {
        let path = Manifest.shardPath(shard.file, in: "/data")
        Fuzz.check(path.hasPrefix("/data/shards/") && !path.dropFirst(13).contains("/"), "shard path \(path) leaves the directory")
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    guard let again = try? encoder.encode(manifest) else { Fuzz.check(false, "an accepted manifest does not encode"); return 0 }
    let decoded = Fuzz.expectNamedError(name) { try Manifest.decode(again, path: name) }
    Fuzz.check(decoded == manifest, "manifest changes when written and read back")
    return 0
}

// Last, after the globals above are initialized: libFuzzer runs `fuzzManifest` on every input.
Fuzz.main { fuzzManifest($0, $1) }
