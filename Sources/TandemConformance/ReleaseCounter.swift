import CTandemPlugin
import Synchronization

/// Wraps an exported ArrowArray's release callback to count calls, so the
/// kit can tell whether a plugin released an input it only borrowed.
final class ReleaseCounter: Sendable {
    private struct Original {
        var release: (@convention(c) (UnsafeMutablePointer<ArrowArray>?) -> Void)?
        var privateData: UnsafeMutableRawPointer?
    }

    private let calls = Atomic<Int>(0)
    // Written once in `wrap`, before the array is handed out.
    nonisolated(unsafe) private var original = Original()

    /// Number of times the wrapped release ran.
    var count: Int { calls.load(ordering: .sequentiallyConsistent) }

    /// Installs the counting release on `array`; the counter stays alive
    /// until the release runs.
    func wrap(_ array: UnsafeMutablePointer<ArrowArray>) {
        original = Original(release: array.pointee.release, privateData: array.pointee.private_data)
        array.pointee.private_data = Unmanaged.passRetained(self).toOpaque()
        array.pointee.release = { array in
            guard let array, let context = array.pointee.private_data else { return }
            let counter = Unmanaged<ReleaseCounter>.fromOpaque(context).takeRetainedValue()
            counter.calls.add(1, ordering: .sequentiallyConsistent)
            array.pointee.private_data = counter.original.privateData
            array.pointee.release = counter.original.release
            array.pointee.release?(array)
        }
    }
}
