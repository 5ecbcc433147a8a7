import Foundation
import TandemDocuments
package import TandemPluginHost

/// Loads the environment's declarative map files (`<env>/maps/*.yaml`,
/// `*.yml`, `*.json`, in name order) into a plugin catalog, beside the
/// plugins' maps, so that every command and the engine see them as they
/// see a plugin's maps.
///
/// A file that does not read, or whose map id a plugin or an earlier file
/// already provides, is refused (``MapFileRefusal``) and never stops the
/// others: the map it declares fails alone, with the refusal as its reason.
///
/// A file with `extends: NAME` is an override (``MapOverride``): once every
/// file has loaded, it is kept when its base map is loaded and no other file
/// overrides that map too, and ``PluginCatalog/map(_:)`` then answers with
/// the effective map under the base's name.
package enum MapFileLoader {
    /// The environment's map folder.
    package static let folder = "maps"
    /// The file name endings read; others in the folder (a README, a backup) are left alone.
    package static let extensions = ["yaml", "yml", "json"]

    /// Adds the map files of the environment folder `directory` to `catalog`.
    package static func load(environment directory: String, into catalog: inout PluginCatalog) {
        let folder = directory + "/" + Self.folder
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        var overrides: [MapOverride] = []
        for name in names.sorted() where extensions.contains((name as NSString).pathExtension.lowercased()) {
            // Editors' and the shell's hidden files (`.loyalty.yaml.swp`, `._x.yaml`) are not maps.
            guard !name.hasPrefix(".") else { continue }
            add(path: folder + "/" + name, name: Self.folder + "/" + name, into: &catalog, overrides: &overrides)
        }
        resolve(overrides, into: &catalog)
    }

    /// Adds the overrides whose base map is loaded to `catalog`, and
    /// refuses the others: an unknown base (with the closest loaded map),
    /// or a map two files override.
    static func resolve(_ overrides: [MapOverride], into catalog: inout PluginCatalog) {
        let known = catalog.mapIDs
        for override in overrides {
            let id = override.extends.value
            let place = override.place(override.extends)
            let rivals = overrides.filter { $0.extends.value == id }
            guard rivals.count == 1 else {
                // Neither applies, and the map does not run: which differences the admin meant is theirs to say.
                let others = rivals.filter { $0.path != override.path }.map(\.path).joined(separator: " and ")
                catalog.mapFileRefusals.append(
                    MapFileRefusal(
                        file: override.path, mapIDs: [id],
                        message:
                            "\(place): extends: map '\(id)' is also overridden by \(others); a map takes one override: merge the two files into one, or remove one"
                    ))
                continue
            }
            guard catalog.baseMap(id) != nil || catalog.mapFileRefusal(for: id) != nil else {
                let closest = StrictJSON.closest(id, in: known).map { " (did you mean '\($0)'?)" } ?? ""
                catalog.mapFileRefusals.append(
                    MapFileRefusal(
                        file: override.path, mapIDs: [],
                        message:
                            "\(place): extends: no loaded plugin or map file provides map '\(id)'\(closest); `tandem maps list` and `tandem plugins list` show the loaded maps"
                    ))
                continue
            }
            catalog.mapOverrides.append(override)
        }
    }

    /// The map files of the environment folder `directory` (as `maps/NAME`)
    /// written, added or renamed after `time` (ms since the epoch), or
    /// after `read[NAME]` when that is later: the engine reads the folder
    /// when it starts (and a map's files again when `maps add-field`
    /// changes it), so these are not what it runs.
    package static func changed(environment directory: String, since time: Double, read: [String: Double] = [:]) -> [String] {
        let folder = directory + "/" + Self.folder
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return names.sorted().filter { name in
            guard !name.hasPrefix("."), extensions.contains((name as NSString).pathExtension.lowercased()),
                let attributes = try? FileManager.default.attributesOfItem(atPath: folder + "/" + name),
                let modified = attributes[.modificationDate] as? Date
            else { return false }
            return modified.timeIntervalSince1970 * 1000 > max(time, read[Self.folder + "/" + name] ?? 0)
        }.map { Self.folder + "/" + $0 }
    }

    /// Reads one file and adds its map, or its refusal, to `catalog`.
    static func add(
        path: String, name: String, into catalog: inout PluginCatalog, overrides: inout [MapOverride]
    ) {
        let document: MapFileReader.Document
        do {
            document = try MapFileReader.read(path: path, name: name)
        } catch {
            catalog.mapFileRefusals.append(
                MapFileRefusal(file: path, mapIDs: error.mapIDs, message: error.error.description))
            return
        }
        let read: (file: MapFile, idError: (String) -> ConfigError)
        switch document {
        case .override(let override):
            // Resolved once every map file has loaded: an override may extend a file read after it.
            overrides.append(override)
            return
        case .map(let file, let idError):
            read = (file, idError)
        }
        let id = read.file.map.id
        let elsewhere = catalog.declarations(of: id)
        guard elsewhere.isEmpty else {
            // Neither runs: which one the admin meant is theirs to say, by renaming one of them.
            let message = read.idError(
                "map '\(id)' is also declared by \(elsewhere.joined(separator: " and ")); a map id names one map in an environment: rename this one (e.g. contoso.\(id)) or remove one of the two"
            ).description
            catalog.mapFileRefusals.append(MapFileRefusal(file: path, mapIDs: [id], message: message))
            return
        }
        catalog.mapFiles.append(read.file)
    }
}
