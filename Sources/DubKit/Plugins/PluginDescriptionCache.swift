import Foundation

/// The descriptors plugins gave when they were last run, one file per plugin id, each kept with the
/// identity of the executable that gave it (``PluginFile``: resolved path, device, inode, size and
/// times). `provider list` shows a cached descriptor without running the plugin; a plugin whose file
/// changed in any of these is described again. Only successful descriptions are kept, so a plugin that
/// failed is tried again next time.
public struct PluginDescriptionCache: Sendable {
    /// The folder of the cache files.
    public let folder: URL

    private struct Entry: Codable {
        var file: PluginFile
        var descriptor: ProviderDescriptor
    }

    public init(folder: URL) {
        self.folder = folder
    }

    /// The descriptor cached for plugin `id` when it was given by exactly `file`; nil otherwise.
    public func descriptor(id: String, file: PluginFile) -> ProviderDescriptor? {
        guard let data = try? Data(contentsOf: url(id)),
              let entry = try? JSONDecoder().decode(Entry.self, from: data),
              entry.file == file, entry.descriptor.id == id
        else { return nil }
        return entry.descriptor
    }

    /// Keeps `descriptor` as what `file` answers for plugin `id`. A cache that cannot be written only
    /// means the plugin is run again next time, so a failure is not an error of the caller.
    public func store(_ descriptor: ProviderDescriptor, id: String, file: PluginFile) {
        guard let data = try? JSONEncoder().encode(Entry(file: file, descriptor: descriptor)) else { return }
        try? AtomicFile.write(data, to: url(id), flush: false)
    }

    private func url(_ id: String) -> URL {
        folder.appendingPathComponent("\(id).json", isDirectory: false)
    }
}
