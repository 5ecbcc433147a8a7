import Testing
import TandemTestSupport
import TandemConformance
import TandemPluginHost

/// Runs the conformance kit on a file in its own directory.
enum PluginConformanceRunner {
    static func run(_ file: String) -> ConformanceReport {
        PluginConformance.run(file: file)
    }
}

@Suite("The conformance kit that plugin authors run")
struct ConformanceKitTests {
    @Test("the bundled standard transforms pass every check, examples included")
    func standardTransforms() throws {
        let report = PluginConformanceRunner.run(try Fixtures.packStandardTransforms(into: try Fixtures.temporaryDirectory()))
        #expect(report.plugin == "tandem.std.transforms")
        #expect(report.failures.isEmpty, "\(report.failures)")
        // 11 examples over 6 transforms: an ownership and an output check per example.
        #expect(report.checks.filter { $0.name.hasPrefix("example ") && $0.outcome == .pass }.count == 11)
        #expect(report.checks.filter { $0.name.hasPrefix("ownership") && $0.outcome == .pass }.count == 11)
    }

    @Test("a plugin that releases its borrowed input fails the ownership check")
    func ownershipViolation() throws {
        let directory = try Fixtures.temporaryDirectory()
        let report = PluginConformanceRunner.run(try Fixtures.hostilePlugin("HOSTILE_DOUBLE_RELEASE_INPUT", into: directory))
        #expect(!report.passed)
        let ownership = try #require(report.checks.first { $0.name == "ownership in example 1 of test.hostile.echo" })
        #expect(ownership.outcome == .fail)
        #expect(ownership.detail == "process released the borrowed input array (the host owns it)")
    }

    @Test("a plugin whose output differs from its documented example fails, naming row and column")
    func wrongOutput() throws {
        let directory = try Fixtures.temporaryDirectory()
        let report = PluginConformanceRunner.run(try Fixtures.hostilePlugin("HOSTILE_WRONG_LENGTH", into: directory))
        let example = try #require(report.checks.first { $0.name == "example 1 of test.hostile.echo" })
        #expect(example.outcome == .fail)
        #expect(example.detail == "plugin test.hostile: process (transform test.hostile.echo) broke the plugin ABI: column 'n' has 1 values but the batch needs 3 (3 rows at offset 0)")
    }

    @Test("a refused file reports the loader's reason as its only check")
    func refused() throws {
        let directory = try Fixtures.temporaryDirectory()
        let report = PluginConformanceRunner.run(try Fixtures.hostilePlugin("HOSTILE_NULL_DESCRIPTOR", into: directory))
        #expect(report.plugin == nil)
        #expect(report.checks == [
            ConformanceCheck("load", .fail, "no-descriptor: tandem_plugin_entry_v1 returned no descriptor for host ABI 1.0; the plugin may need a newer Tandem")
        ])
    }
}
