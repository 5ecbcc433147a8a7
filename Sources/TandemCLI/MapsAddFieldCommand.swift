import ArgumentParser
import Foundation
import TandemDocuments
import TandemEngine

/// `tandem maps add-field MAP --erp COLUMN --crm COLUMN`.
struct MapsAddFieldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-field",
        abstract: "Add a field to a map, running or not: columns, capture, existing values.",
        discussion: """
            One step instead of stop, ALTER, edit, install, copy. The engine (or this
            command, when none runs) does it between two batches:

            1. adds the column to each side's table that lacks it (ALTER TABLE; --type,
               else the other side's column type, else TEXT);
            2. adds the field under fields.add of the map's override file in
               ENV/maps/ (made when there is none; comments kept);
            3. compiles the map again, so capture records the new column;
            4. queues the rows that already hold a value on the side that had the
               column (--from to choose) as updates of that column alone, behind
               every change already waiting: they reach the other side in order,
               through the map's checks, conflicts and error list.

            Changes captured before the column existed leave it alone on the other
            side. Running the command again for the same field queues the existing
            values again. A plain copy only: for a transform or a lookup, edit the
            override file (docs/MAPS.md) and restart `tandem run`.

            Example:
              tandem maps add-field customers-accounts --erp LOYALTYTIER \\
                --crm contoso_loyaltytier --env ./prod
            """)

    @OptionGroup var options: EnvironmentOptions
    @Argument(help: "The map (see `tandem maps list`).") var name: String
    @Option(help: "The column in the map's ERP table.") var erp: String
    @Option(help: "The column in the map's CRM table.") var crm: String
    @Option(help: "both, erp-to-crm or crm-to-erp (or <->, ->, <- as --direction=->).")
    var direction = "both"
    @Option(help: "Type of a column this adds (default: the other side's, else TEXT).") var type: String?
    @Option(help: "erp or crm: the side whose existing values are sent (default: the one that had the column).")
    var from: String?
    @OptionGroup var output: OutputOptions

    /// `--direction` in the words of tandem.yaml's maps, or a field's arrow.
    var fieldDirection: FieldDirection? {
        switch direction {
        case "both": .both
        case "erp-to-crm": .erpToCrm
        case "crm-to-erp": .crmToErp
        default: FieldDirection(rawValue: direction)
        }
    }

    func validate() throws {
        guard fieldDirection != nil else {
            throw ValidationError(
                "--direction must be both, erp-to-crm or crm-to-erp (or <->, ->, <-), not '\(direction)'")
        }
        if let from, SideRole(rawValue: from) == nil {
            throw ValidationError("--from must be erp or crm, not '\(from)'")
        }
    }

    func run() throws {
        let field = FieldAddition(
            erp: erp, crm: crm, direction: fieldDirection!, type: type,
            from: from.flatMap(SideRole.init(rawValue:)))
        let results = try OperatorSubmission.submit(
            OperatorRequest(action: .addField, ids: [], map: name, field: field), options: options)
        try OperatorSubmission.report(results, json: output.json)
    }
}
