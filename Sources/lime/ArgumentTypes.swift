import ArgumentParser
import LimeData
import LimeText
import LimeTraining

/// Option values parsed by ArgumentParser, so a bad value is reported with the option's
/// name and the accepted values.
extension TokenizationMode: ExpressibleByArgument {}
extension AnnotationContext: ExpressibleByArgument {}

extension Partition: ExpressibleByArgument {
    public init?(argument: String) { try? self.init(parsing: argument) }
}

/// `lime probe --metadata`: what feeds the answer's metadata (`none` is refused by `validate`).
extension MetadataSource: ExpressibleByArgument {
    public static var allValueStrings: [String] { [MetadataSource.oracle, .predicted].map(\.rawValue) }
}
