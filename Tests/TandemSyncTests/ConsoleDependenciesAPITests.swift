import Foundation
import TandemDocuments
import TandemTestSupport
import Testing

/// The console's dependency graph (issue 20) for the standard master-data
/// maps (the demo's kind), through a real `tandem console`: the edges are
/// what the plugins' own maps say (read back with `tandem plugins inspect`),
/// the run order puts every parent first, and the page draws it as SVG made
/// on the server, with nothing loaded from elsewhere.
@Suite("Console dependencies API")
struct ConsoleDependenciesAPITests {
    /// The plugins that provide ``StandardEnvironment/maps``.
    static let plugins = [
        "tandem.std.reference", "tandem.std.party", "tandem.std.customers", "tandem.std.vendors", "tandem.std.products",
    ]

    /// An environment with the standard master-data maps: companies running, currencies paused,
    /// the rest never run.
    static func fixture(_ label: String) async throws -> SyncFixture {
        let fixture = try await Fixtures.offPool { try SyncFixture.make(label, maps: StandardEnvironment.maps) }
        let run = try await fixture.tandem(["maps", "run", "companies", "currencies"])
        #expect(run.status == 0, "\(run.stderr)")
        let pause = try await fixture.tandem(["maps", "pause", "currencies"])
        #expect(pause.status == 0, "\(pause.stderr)")
        return fixture
    }

    @Test(
        "The graph's edges are the maps' depends_on and lookups, its order puts parents first, its nodes carry the states"
    )
    func graph() async throws {
        let fixture = try await Self.fixture("console-dependencies")
        let console = try await ConsoleProcess.start(fixture)
        defer { kill(console.process.processIdentifier, SIGKILL) }
        let reply = try await console.request("GET", "/api/v1/dependencies")
        #expect(reply.status == 200, "\(reply)")
        let answer = try #require(reply.json as? [String: Any])
        let nodes = try #require(answer["maps"] as? [[String: Any]])
        let order = try #require(answer["order"] as? [String])
        let levels = try #require(answer["levels"] as? [[String]])
        let edges = Set(
            try #require(answer["edges"] as? [[String: String]]).map { "\($0["from"]!) -> \($0["to"]!) \($0["kind"]!)" }
        )
        let maps = StandardEnvironment.maps
        let enabled = Set(maps)

        // One node per map, in tandem.yaml's order, with its state.
        #expect(nodes.map { $0["name"] as? String } == maps)
        let states = Dictionary(
            uniqueKeysWithValues: nodes.map { ($0["name"] as? String ?? "", $0["state"] as? String ?? "") })
        #expect(states["companies"] == "running" && states["currencies"] == "paused", "\(states)")
        #expect(states["customers-accounts"] == "not running", "\(states)")

        // The edges: what the plugins' maps say, as `tandem plugins inspect` reads them back.
        var expected: Set<String> = []
        for plugin in Self.plugins {
            let document = try await Fixtures.offPool { try StandardEnvironment.mapsDocument(fixture, plugin: plugin) }
            for map in document.maps where enabled.contains(map.id) {
                for parent in map.dependsOn ?? [] where enabled.contains(parent) {
                    expected.insert("\(parent) -> \(map.id) depends_on")
                }
                for field in map.fields {
                    if let looked = field.lookup?.map, enabled.contains(looked), looked != map.id {
                        expected.insert("\(looked) -> \(map.id) lookup")
                    }
                }
            }
        }
        #expect(
            edges == expected,
            "only served: \(edges.subtracting(expected)); only in the maps: \(expected.subtracting(edges))")
        // A few written out, so that the check above cannot pass on two empty sets.
        for edge in [
            "companies -> customer-groups depends_on", "payment-terms -> customer-groups lookup",
            "unit-classes -> units depends_on", "unit-classes -> units lookup",
            "parties -> customers-accounts depends_on", "customer-groups -> customers-accounts depends_on",
        ] {
            #expect(edges.contains(edge), "\(edge) missing from \(edges.sorted())")
        }

        // The order: every map once, each after the maps it depends on; grouped into levels whose
        // maps need only earlier levels, each with a parent in the level just before.
        #expect(order.sorted() == maps.sorted())
        for edge in edges where edge.hasSuffix(" depends_on") {
            let parts = edge.split(separator: " ")
            let parent = order.firstIndex(of: String(parts[0]))
            let child = order.firstIndex(of: String(parts[2]))
            #expect(parent != nil && child != nil && parent! < child!, "\(edge) in \(order)")
        }
        #expect(levels.flatMap { $0 }.sorted() == maps.sorted())
        let level = Dictionary(
            uniqueKeysWithValues: levels.enumerated().flatMap { depth, group in group.map { ($0, depth) } })
        let parents = Dictionary(
            grouping: edges.filter { $0.hasSuffix(" depends_on") }.map { $0.split(separator: " ") }
        ) {
            String($0[2])
        }.mapValues { $0.map { String($0[0]) } }
        for map in maps {
            let own = parents[map] ?? []
            #expect(own.allSatisfy { level[$0]! < level[map]! }, "\(map) at \(level[map]!) needs \(own)")
            #expect(level[map] == (own.map { level[$0]! + 1 }.max() ?? 0), "\(map): \(levels)")
        }
        #expect(levels.first?.contains("companies") == true && levels.first?.contains("unit-classes") == true)
        #expect(level["payment-terms"] == 1 && level["customer-groups"] == 2, "\(levels)")
        #expect(try await console.stop() == 0)
    }

    @Test(
        "The dependencies page is one inline SVG made on the server: a node per map, coloured by state, nothing from elsewhere"
    )
    func page() async throws {
        let fixture = try await Self.fixture("console-dependencies-page")
        let console = try await ConsoleProcess.start(fixture)
        defer { kill(console.process.processIdentifier, SIGKILL) }
        let anonymous = try await console.request("GET", "/dependencies", bearer: false)
        #expect(anonymous.status == 303 && anonymous.header("Location") == "/login", "\(anonymous)")
        let (cookie, _, _) = try await console.login()
        let page = try await console.request("GET", "/dependencies", headers: ["Cookie": cookie], bearer: false)
        #expect(page.status == 200, "\(page)")
        let body = page.body
        #expect(body.components(separatedBy: "<svg ").count == 2, "one SVG")
        #expect(body.components(separatedBy: "<g class=\"node ").count - 1 == StandardEnvironment.maps.count)
        #expect(body.contains(#"<g class="node state-running" data-map="companies" data-state="running">"#))
        #expect(body.contains(#"<g class="node state-paused" data-map="currencies" data-state="paused">"#))
        #expect(body.contains(#"<g class="node state-not-running" data-map="units" data-state="not running">"#))
        #expect(body.contains(#"class="edge depends-on" data-from="unit-classes" data-to="units""#), "\(body)")
        // Nothing from elsewhere: the one URL is the SVG namespace's name, which is never fetched.
        let urls = body.components(separatedBy: "http").dropFirst().map { String($0.prefix(30)) }
        #expect(urls.allSatisfy { $0.hasPrefix("://www.w3.org/2000/svg\"") }, "\(urls)")
        #expect(page.header("Content-Security-Policy")?.contains("default-src 'self'") == true)
        #expect(try await console.stop() == 0)
    }
}
