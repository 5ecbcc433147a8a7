public import TandemDocuments

/// What loading a set of plugin directories produced: the plugins that
/// loaded and, for every file that did not, the reason.
public struct PluginCatalog: Sendable {
    /// Plugins that loaded, in discovery order.
    public var plugins: [LoadedPlugin]
    /// Files that were refused, each with its reason.
    public var refusals: [PluginRefusal]
    /// Directories that were scanned.
    public var directories: [PluginDirectory]

    /// The plugin with id `id`.
    public func plugin(_ id: String) -> LoadedPlugin? {
        plugins.first { $0.id == id }
    }

    /// The plugin that provides the transform `name`, with its definition.
    public func transform(_ name: String) -> (plugin: LoadedPlugin, definition: TransformDefinition)? {
        for plugin in plugins {
            if let definition = plugin.transforms?.transforms.first(where: { $0.name == name }) {
                return (plugin, definition)
            }
        }
        return nil
    }

    /// The plugin that provides the map `id`, with the map.
    public func map(_ id: String) -> (plugin: LoadedPlugin, map: TableMap)? {
        for plugin in plugins {
            if let map = plugin.maps?.maps.first(where: { $0.id == id }) {
                return (plugin, map)
            }
        }
        return nil
    }
}
