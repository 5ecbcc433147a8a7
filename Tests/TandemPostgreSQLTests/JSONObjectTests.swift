import TandemPostgreSQL
import Testing

/// The change log's images are read from their `jsonb` text output on the client instead of
/// through `jsonb_each_text` on the server: the two must give the same members and values.
@Suite("PostgreSQL change log images read on the client", .enabled(if: TestServer.enabled, TestServer.skipReason))
struct JSONObjectTests {
    /// Objects that stress each part of the reader: escapes the server writes, text in other
    /// scripts and outside the BMP, control characters, numbers at their full precision, the
    /// literals, nested values holding brackets and quotes in strings, odd member names.
    static let objects: [String] = [
        #"jsonb_build_object('id', 1, 'name', 'plain')"#,
        #"jsonb_build_object('q', 'a "quoted" \back\slash', 'nl', E'line\nbreak\ttab\r', 'ctl', E'\x01\x1f\x7f')"#,
        #"jsonb_build_object('ü', 'Grüße 東京 😀 עברית', 'empty', '', 'null', NULL)"#,
        #"jsonb_build_object('n', 123456789012345678901234567890.1234567890::numeric, 'neg', -0.0000000001::numeric, 'e', 1e-7::float8, 'big', 1e300::float8)"#,
        #"jsonb_build_object('t', true, 'f', false, 'z', 0)"#,
        #"jsonb_build_object('nested', '{"a": [1, "x]}", {"b": null}], "c": "{"}'::jsonb, 'arr', '[]'::jsonb, 'obj', '{}'::jsonb)"#,
        #"jsonb_build_object('a"b', 1, 'c\d', 2, ' spaced ', 3, '', 4)"#,
        #"'{}'::jsonb"#,
    ]

    @Test("each object's members read from its text equal jsonb_each_text's, value for value")
    func matchesServer() async throws {
        try await TestSchema.with { schema in
            for object in Self.objects {
                let text = try #require(try await schema.rows("SELECT (\(object))::text").first?[0] ?? nil)
                let server = try await schema.rows("SELECT key, value FROM jsonb_each_text(\(object))")
                let client = try PostgreSQLJSONObject.members(text)
                #expect(client.map(\.name) == server.map { $0[0] ?? "" }, "names of \(text)")
                #expect(client.map(\.value) == server.map { $0[1] }, "values of \(text)")
            }
        }
    }

    @Test("JSON the server never writes is still read; what is not an object is refused with where")
    func generalAndRefused() throws {
        let spaced = try PostgreSQLJSONObject.members(#" { "a" :"\u00e9\/\ud83d\ude00" ,"b":[1,{"c":"]"}] } "#)
        #expect(spaced.map(\.name) == ["a", "b"])
        #expect(spaced.map(\.value) == ["é/😀", #"[1,{"c":"]"}]"#])
        for (bad, words) in [
            ("[1]", "expected '{' at byte 0"),
            (#"{"a": 1"#, "unexpected end at byte 7"),
            (#"{"a": 1} x"#, "text after the object at byte 9"),
            (#"{"a": "\ud800"}"#, "a lone surrogate"),
            (#"{"a": "\q"}"#, "an unknown escape"),
            (#"{"a": nul}"#, "unexpected byte at byte 6"),
            (#"{"a": "open}"#, "unterminated string"),
        ] {
            #expect {
                try PostgreSQLJSONObject.members(bad)
            } throws: { error in
                "\(error)".contains("a change log image is not a JSON object: \(words)")
            }
        }
    }
}
