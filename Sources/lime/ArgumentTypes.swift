import ArgumentParser
import LimeData

/// Option values parsed by ArgumentParser, so a bad value is reported with the option's
/// name and the accepted values.
extension TokenizationMode: ExpressibleByArgument {}

extension Partition: ExpressibleByArgument {
    public init?(argument: String) { try? self.init(parsing: argument) }
}
