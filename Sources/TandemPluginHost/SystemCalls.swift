#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every libc call the plugin host makes, wrapped once, returning Swift
/// values and errno text.
enum SystemCalls {
    /// What `lstat`/`stat` say about a path.
    struct FileStatus {
        var isRegular: Bool
        var isSymlink: Bool
        var mode: UInt32
        var owner: UInt32
        var device: UInt64
        var inode: UInt64
    }

    /// `lstat` (followSymlinks false) or `stat`; nil with the errno text when the path cannot be examined.
    static func status(_ path: String, followSymlinks: Bool) -> Result<FileStatus, SystemError> {
        var info = stat()
        let result = followSymlinks ? stat(path, &info) : lstat(path, &info)
        guard result == 0 else { return .failure(SystemError.fromErrno()) }
        let type = UInt32(info.st_mode) & UInt32(S_IFMT)
        return .success(
            FileStatus(
                isRegular: type == UInt32(S_IFREG), isSymlink: type == UInt32(S_IFLNK),
                mode: UInt32(info.st_mode) & 0o7777, owner: UInt32(info.st_uid), device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
    }

    /// The canonical absolute path, every symlink resolved.
    static func realPath(_ path: String) -> Result<String, SystemError> {
        guard let resolved = realpath(path, nil) else { return .failure(SystemError.fromErrno()) }
        defer { free(resolved) }
        return .success(String(cString: resolved))
    }

    /// Opens a shared library with the flags DESIGN.md fixes; the dlerror text on failure.
    static func openLibrary(_ path: String) -> Result<UnsafeMutableRawPointer, SystemError> {
        // RTLD_NOW: fail here, not at a later call. RTLD_LOCAL: plugins do not
        // see each other's symbols. RTLD_NODELETE: the image stays mapped even
        // if someone calls dlclose, because unloading Swift images crashes.
        _ = dlerror()
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            return .failure(SystemError(message: dlerror().map { String(cString: $0) } ?? "dlopen failed"))
        }
        return .success(handle)
    }

    /// Looks up an exported symbol.
    static func symbol(_ name: String, in handle: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
        dlsym(handle, name)
    }

    /// `malloc` for plugins (host vtable `allocate`).
    static func allocate(_ size: Int) -> UnsafeMutableRawPointer? {
        // size_t arrives as Int: a "negative" size is an overflowed request, not 1 byte.
        guard size >= 0 else { return nil }
        return malloc(max(size, 1))
    }

    /// `free` for plugins (host vtable `free`).
    static func release(_ pointer: UnsafeMutableRawPointer?) {
        free(pointer)
    }

    /// The effective user id of this process.
    static func effectiveUserID() -> UInt32 {
        UInt32(geteuid())
    }

    /// Sets permission bits (used when packing a plugin).
    static func setMode(_ path: String, _ mode: UInt32) -> Result<Void, SystemError> {
        chmod(path, mode_t(mode)) == 0 ? .success(()) : .failure(SystemError.fromErrno())
    }
}

/// The text of a failed system call.
struct SystemError: Error, CustomStringConvertible {
    var message: String

    static func fromErrno() -> SystemError {
        SystemError(message: String(cString: strerror(errno)))
    }

    var description: String { message }
}
