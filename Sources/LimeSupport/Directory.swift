import Foundation

/// Directory operations whose failures name the path and the system's reason (not a
/// Foundation error dump).
public enum Directory {
    /// Creates `path` and any missing parents; an existing directory is fine.
    public static func create(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw FileError(path: path, "cannot create directory: \(reason(error))")
        }
    }

    /// Removes the file at `path`.
    public static func remove(_ path: String, what: String = "file") throws {
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            throw FileError(path: path, "cannot remove \(what): \(reason(error))")
        }
    }

    /// The POSIX reason under a Foundation file error, or its description.
    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }
}
