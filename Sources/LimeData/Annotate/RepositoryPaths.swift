import Foundation

/// Locates files of the lime repository (worker scripts, schemas) at run time: from
/// `$LIME_HOME`, the current directory or its parents, or the source tree this binary
/// was built from.
public enum RepositoryPaths {
    public static func file(_ relative: String) -> String {
        var candidates: [String] = []
        if let home = ProcessInfo.processInfo.environment["LIME_HOME"] { candidates.append(home) }
        var directory = FileManager.default.currentDirectoryPath
        for _ in 0..<6 {
            candidates.append(directory)
            directory = (directory as NSString).deletingLastPathComponent
        }
        // Sources/LimeData/Annotate/RepositoryPaths.swift -> repository root
        var source = #filePath as NSString
        for _ in 0..<4 { source = source.deletingLastPathComponent as NSString }
        candidates.append(source as String)
        for root in candidates {
            let path = (root as NSString).appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return (source as NSString).appendingPathComponent(relative)
    }
}
