import Dispatch
import Foundation
import Synchronization
import TandemEngine
import _TandemProcessShims

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// `tandem run` as a supervisor (issue 17 §2): the engine runs in a child
/// process (the same executable, `run --engine-process`), which is started
/// again when it dies by a signal, so that a plugin that crashes on a row
/// costs that row (the engine finds it from the plugin call journal) rather
/// than the environment.
///
/// SIGINT and SIGTERM are forwarded to the engine process, which stops
/// cleanly; the supervisor then exits with its exit code. An engine process
/// that exits (0 after a stop, 1 for an error such as a second engine) ends
/// the supervisor with that code: only a death by a signal is a crash.
/// The engine process asks the kernel for SIGKILL when the supervisor dies,
/// so a `kill -9` of `tandem run` stops both and frees the environment.
struct EngineSupervisor {
    /// The engine process's arguments (after the executable).
    let arguments: [String]
    /// The environment's folder, to read the plugin call journal after a
    /// crash (nil: it could not be loaded; the engine process reports why).
    let directory: String?
    /// The child's plugin call journal file in `directory`.
    var journal = PluginCallJournal.engineFile
    /// What the child is, for the crash line (`engine process`).
    var label = "engine process"
    /// Whether a child that died outside any plugin call is started again:
    /// yes for `tandem run` (a service that must go on), no for a command
    /// such as initial sync, which then ends as a killed command does and
    /// resumes when run again, instead of a crash loop.
    var restartsOutsidePluginCalls = true

    /// The environment variable that tells the engine process its supervisor's pid.
    static let supervisorVariable = "TANDEM_SUPERVISOR_PID"
    /// The environment variable that tells the engine process how the previous one died (`SIGSEGV`).
    static let crashVariable = "TANDEM_ENGINE_CRASH"

    /// The first wait before a restart; it doubles with each crash up to
    /// ``longestDelay`` and starts again after an engine that ran a minute.
    static let firstDelay = Duration.milliseconds(500)
    /// The longest wait before a restart.
    static let longestDelay = Duration.seconds(30)
    /// The wait after a crash while a crashed batch is narrowed down: each
    /// such crash is expected, and finds the row sooner.
    static let narrowingDelay = Duration.milliseconds(100)

    /// Runs engine processes until one exits; returns its exit code.
    func run() -> Int32 {
        let signals = ForwardedSignals()
        defer { signals.cancel() }
        var delay = Self.firstDelay
        var crash: String?
        var quiet = false
        while true {
            let started = ContinuousClock.now
            let child: pid_t
            do { child = try spawn(crash: crash, quiet: quiet) } catch {
                printError("error: cannot start the \(label): \(error)")
                return 1
            }
            signals.forward(to: child)
            let status = Self.wait(child)
            signals.forward(to: 0)
            // Exited (the low 7 bits are 0): a stop, or an error the engine process reported.
            if status & 0x7f == 0 { return (status >> 8) & 0xff }
            let signal = status & 0x7f
            if signals.received { return 128 + signal }
            let name = Self.name(signal)
            let calls = directory.map { PluginCallJournal.unfinished(in: $0, file: journal) } ?? []
            if calls.isEmpty, !restartsOutsidePluginCalls {
                printError("the \(label) (pid \(child)) died (\(name)) outside any plugin call; run the command again to resume")
                return 128 + signal
            }
            let narrowing = calls.contains { $0.narrowing }
            // A crash in a plugin call is narrowed down by the crashes that follow: its backtrace is printed once.
            quiet = !calls.isEmpty
            if ContinuousClock.now - started > .seconds(60) { delay = Self.firstDelay }
            let pause = narrowing ? Self.narrowingDelay : delay
            if !narrowing { delay = min(delay * 2, Self.longestDelay) }
            printError(
                "the \(label) (pid \(child)) crashed (\(name)); starting it again in "
                    + String(format: "%.1f s", Double(pause.components.attoseconds) / 1e18 + Double(pause.components.seconds)))
            // A stop during the pause ends here: there is no engine process to stop.
            let resume = ContinuousClock.now + pause
            while ContinuousClock.now < resume {
                if signals.received { return 0 }
                usleep(20_000)
            }
            crash = name
        }
    }

    /// Starts the engine process, telling it `crash` (how the previous one died).
    /// `quiet` after a crash in a plugin call: the crashes that narrow it down
    /// are expected and the first one's backtrace has been printed, so the Swift
    /// runtime's backtracer is off, unless `SWIFT_BACKTRACE` says otherwise.
    private func spawn(crash: String?, quiet: Bool) throws -> pid_t {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        var environment = ProcessInfo.processInfo.environment
        if quiet, environment["SWIFT_BACKTRACE"] == nil { environment["SWIFT_BACKTRACE"] = "enable=no" }
        environment[Self.supervisorVariable] = String(getpid())
        environment[Self.crashVariable] = crash
        let argv = ([CommandLine.arguments.first ?? executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The supervisor ignores SIGINT and SIGTERM (it forwards them); the engine process must not inherit that.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, nil, &attributes, argv, envp)
        guard result == 0 else { throw SupervisorError(String(cString: strerror(result))) }
        return child
    }

    /// Waits for `child` to end; returns its wait status.
    private static func wait(_ child: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    /// `SIGSEGV` for 11: the name the crash reason and the log give.
    static func name(_ signal: Int32) -> String {
        let names: [Int32: String] = [
            SIGSEGV: "SIGSEGV", SIGBUS: "SIGBUS", SIGILL: "SIGILL", SIGFPE: "SIGFPE", SIGABRT: "SIGABRT",
            SIGKILL: "SIGKILL", SIGTRAP: "SIGTRAP", SIGSYS: "SIGSYS", SIGQUIT: "SIGQUIT", SIGTERM: "SIGTERM",
            SIGINT: "SIGINT", SIGHUP: "SIGHUP", SIGUSR1: "SIGUSR1", SIGUSR2: "SIGUSR2", SIGXCPU: "SIGXCPU",
        ]
        return names[signal] ?? "signal \(signal)"
    }

    /// Called first in the engine process when a supervisor started it: it
    /// dies with the supervisor (a `kill -9` of `tandem run` leaves no engine
    /// behind holding the environment). Returns how the previous engine
    /// process died, if it crashed.
    static func engineProcessStarted() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let supervisor = environment[supervisorVariable].flatMap({ pid_t($0) }) {
            _ = tandem_set_parent_death_signal(SIGKILL)
            // The supervisor may have died before the request was made.
            if getppid() != supervisor { exit(1) }
        }
        return environment[crashVariable]
    }
}

/// SIGINT and SIGTERM, caught by the supervisor and passed on to the engine process.
private final class ForwardedSignals {
    /// What the signal handlers' queue and the supervisor's thread share.
    private final class Shared: Sendable {
        /// The engine process to pass signals to (0: none right now).
        let child = Atomic<Int32>(0)
        /// The last signal caught (0: none).
        let caught = Atomic<Int32>(0)
    }

    /// The state the handlers write.
    private let shared = Shared()
    /// The signal sources, cancelled by ``cancel()``.
    private let sources: [any DispatchSourceSignal]

    /// Starts catching both signals (their default action is ignored while this lives).
    init() {
        var sources: [any DispatchSourceSignal] = []
        let shared = shared
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                shared.caught.store(signalNumber, ordering: .relaxed)
                let pid = shared.child.load(ordering: .relaxed)
                if pid > 0 { kill(pid, signalNumber) }
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    /// Whether a stop signal arrived.
    var received: Bool { shared.caught.load(ordering: .relaxed) != 0 }

    /// Passes signals to `pid` from now on (0: to nobody); a signal caught
    /// before it was known is passed at once.
    func forward(to pid: pid_t) {
        shared.child.store(pid, ordering: .relaxed)
        let signal = shared.caught.load(ordering: .relaxed)
        if pid > 0, signal != 0 { kill(pid, signal) }
    }

    /// Stops catching them.
    func cancel() {
        sources.forEach { $0.cancel() }
    }
}

/// The engine process could not be started.
struct SupervisorError: Error, CustomStringConvertible {
    /// What went wrong.
    let description: String

    /// Creates an error saying `description`.
    init(_ description: String) { self.description = description }
}
