import ArgumentParser
import TandemBenchmark
import TandemEngine

/// `--erp`, `--crm`, `--schema` and `--password-file` of the `tandem bench`
/// commands that can run against PostgreSQL sides, as `tandem init` has them.
struct BenchSideOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Put the ERP side on this PostgreSQL database.", valueName: "URL"))
    var erp: String?

    @Option(help: ArgumentHelp("Put the CRM side on this PostgreSQL database.", valueName: "URL"))
    var crm: String?

    @Option(help: ArgumentHelp("Prefix of the schemas made (default: tandem_bench).", valueName: "NAME"))
    var schema: String?

    @Option(help: ArgumentHelp("A file whose first line is the PostgreSQL password.", valueName: "FILE"))
    var passwordFile: String?

    /// The sides these options name; a bad url is refused with the option's name.
    func sides() throws -> BenchSides {
        do {
            return try BenchSides(erp: erp, crm: crm, schema: schema, passwordFile: passwordFile)
        } catch {
            throw ValidationError((error as? SyncError)?.message ?? "\(error)")
        }
    }
}
