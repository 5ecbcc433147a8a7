public import CTandemPlugin
import TandemPluginKit

/// The bundled transforms that the standard maps use: value maps, defaults,
/// concat/split, currency precision, unit conversion, date effectivity and
/// F&O's null date.
enum StandardTransforms: TandemPlugin {
    static let id = "tandem.std.transforms"
    static let version = "1.0.0"
    static let name = "Standard transforms"
    static let summary =
        "Value maps, defaults, concat/split, currency precision, unit conversion, date effectivity and null dates for the standard maps"
    static var transforms: [any Transform.Type] {
        [
            ValueMapTransform.self, DefaultTransform.self, ConcatTransform.self, CurrencyPrecisionTransform.self,
            UnitConversionTransform.self, DateEffectivityTransform.self, NullDateTransform.self,
        ]
    }
}

/// The plugin's only exported symbol; the compiler checks it against tandem_plugin.h.
@c @implementation
public func tandem_plugin_entry_v1(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<tandem_plugin_descriptor>? {
    PluginExport.descriptor(for: StandardTransforms.self, hostMajor: major, hostMinor: minor)
}
