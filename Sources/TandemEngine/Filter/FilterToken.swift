/// One token of a filter, with the character offset it starts at.
struct FilterToken: Hashable, Sendable {
    /// What the token is.
    enum Kind: Hashable, Sendable {
        /// A name: a column, a keyword or a function (`NAME`, `and`, `lower`).
        case word(String)
        /// A value.
        case literal(FilterLiteral)
        /// `(`.
        case open
        /// `)`.
        case close
        /// `,`.
        case comma
        /// An SQL comparison symbol (`=`, `<>`, `>=` …), which the language
        /// spells as a word: kept to say which word to write.
        case symbol(String)
        /// Text the language has no token for: its error, raised only when
        /// the parser reaches it, so that the leftmost mistake is reported.
        case invalid(FilterError)
        /// The end of the text.
        case end
    }

    /// What the token is.
    var kind: Kind
    /// 0-based character offset of its first character.
    var offset: Int

    /// The token as an error message quotes it.
    var quoted: String {
        switch kind {
        case .word(let word): "'\(word)'"
        case .literal(let literal): literal.description
        case .open: "'('"
        case .close: "')'"
        case .comma: "','"
        case .symbol(let symbol): "'\(symbol)'"
        case .invalid(let error): error.message
        case .end: "the end of the filter"
        }
    }

    /// The word in lower case when the token is one, for keyword tests.
    var keyword: String? {
        if case .word(let word) = kind { return word.lowercased() }
        return nil
    }
}
