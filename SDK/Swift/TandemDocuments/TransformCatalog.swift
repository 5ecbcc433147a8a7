/// The transforms a transform plugin provides (`tandem.transforms/1`).
public struct TransformCatalog: JSONDocument, Hashable {
    /// `tandem.transforms/1`.
    public static let formatName = "tandem.transforms/1"

    /// The document format.
    public var format: String
    /// The transforms.
    public var transforms: [TransformDefinition]

    /// Creates a catalog.
    public init(transforms: [TransformDefinition]) {
        self.format = Self.formatName
        self.transforms = transforms
    }

    /// Every member of a transform and of its examples.
    public static var members: StrictJSON.Members? {
        let example = memberNames(TransformExample.CodingKeys.self)
        let transform = memberNames(TransformDefinition.CodingKeys.self, ["examples": .list(example)])
        return .object(["format": .any, "transforms": .list(transform)])
    }

    /// Checks names and examples.
    public func validate(document: String) throws(DocumentError) {
        var seen: Set<String> = []
        for (index, transform) in transforms.enumerated() {
            let place = "transforms[\(index)]"
            guard !transform.name.isEmpty else {
                throw DocumentError(document: document, path: "\(place).name", reason: "the transform name is empty")
            }
            guard seen.insert(transform.name).inserted else {
                throw DocumentError(
                    document: document, path: "\(place).name", reason: "transform '\(transform.name)' is listed twice")
            }
            for (number, example) in (transform.examples ?? []).enumerated() {
                let examplePlace = "\(place).examples[\(number)]"
                do {
                    _ = try example.input.recordBatch()
                } catch {
                    throw DocumentError(document: document, path: "\(examplePlace).input", reason: error.reason)
                }
                do {
                    _ = try example.output.recordBatch()
                } catch {
                    throw DocumentError(document: document, path: "\(examplePlace).output", reason: error.reason)
                }
            }
        }
    }
}

/// One named transform: what it does, what it takes and an example.
public struct TransformDefinition: Codable, Hashable, Sendable {
    /// Globally unique name, e.g. `tandem.std.value-map`.
    public var name: String
    /// What it does.
    public var description: String
    /// Number of input columns.
    public var inputs: Int?
    /// Number of output columns.
    public var outputs: Int?
    /// The config members, each with a sentence saying what it means.
    public var config: [String: String]?
    /// Worked examples; the conformance kit runs them.
    public var examples: [TransformExample]?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, inputs, outputs, config, examples
    }

    /// Creates a definition.
    public init(
        name: String, description: String, inputs: Int? = nil, outputs: Int? = nil, config: [String: String]? = nil,
        examples: [TransformExample]? = nil
    ) {
        self.name = name
        self.description = description
        self.inputs = inputs
        self.outputs = outputs
        self.config = config
        self.examples = examples
    }
}

/// A config, an input batch and the output the transform must produce.
public struct TransformExample: Codable, Hashable, Sendable {
    /// The transform's configuration.
    public var config: JSONValue?
    /// Input rows.
    public var input: ExampleBatch
    /// Expected output rows.
    public var output: ExampleBatch

    enum CodingKeys: String, CodingKey, CaseIterable {
        case config, input, output
    }

    /// Creates an example.
    public init(config: JSONValue? = nil, input: ExampleBatch, output: ExampleBatch) {
        self.config = config
        self.input = input
        self.output = output
    }
}
