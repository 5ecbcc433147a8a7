#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Which file a path names, as the kernel sees it: device and inode. Two
/// spellings of one file (a symlink, `./`, `..`) have the same identity; a
/// file deleted and created again under the same name does not.
package struct FileIdentity: Hashable, Sendable, CustomStringConvertible {
    /// The device the file lives on.
    package let device: UInt64
    /// The inode on that device.
    package let inode: UInt64

    /// The identity of the file `path` names now (following symlinks), nil
    /// when there is none (deleted, or never created).
    package init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    /// `device:inode`, for messages.
    package var description: String { "inode \(inode) on device \(device)" }
}
