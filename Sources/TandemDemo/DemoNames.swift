import TandemEngine
/// Names for the demo's parties, in several scripts, and a small seeded
/// random generator so that every demo run writes the same data.
struct DemoNames {
    /// SplitMix64: tiny, fast and good enough for sample data.
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

    /// Whether an event with probability `percent`/100 happens.
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    mutating func pick<T>(_ list: [T]) -> T { list[below(list.count)] }

    /// A person: first name, last name and the language they are filed under.
    struct Person {
        let first: String
        let last: String
        let language: String
        let country: String
    }

    /// People by script: Latin (with diacritics), Cyrillic, Greek, CJK,
    /// Arabic, Devanagari, Hebrew, Thai and Hangul.
    static let people: [(first: [String], last: [String], language: String, country: String)] = [
        (["Ada", "José", "Søren", "Łukasz", "Zoë", "François", "Ingrid", "Matthias"],
         ["Lovelace", "García", "Kierkegaard", "Wróbel", "Müller", "Dubois", "Nyström", "Ó Briain"], "en-us", "USA"),
        (["Jürgen", "Anneliese", "Günther", "Käthe"], ["Schäfer", "Weiß", "Groß", "Häberle"], "de", "DEU"),
        (["Иван", "Ольга", "Дмитрий", "Татьяна"], ["Петров", "Смирнова", "Кузнецов", "Иванова"], "ru", "RUS"),
        (["Γιώργος", "Ελένη", "Νίκος"], ["Παπαδόπουλος", "Οικονόμου", "Γεωργίου"], "en-gb", "GRC"),
        (["太郎", "花子", "健"], ["山田", "佐藤", "鈴木"], "ja", "JPN"),
        (["伟", "芳", "磊"], ["王", "李", "张"], "zh-hans", "CHN"),
        (["محمد", "فاطمة", "أحمد"], ["علي", "حسن", "منصور"], "ar", "EGY"),
        (["राहुल", "प्रिया", "अमित"], ["शर्मा", "पटेल", "गुप्ता"], "en-in", "IND"),
        (["דוד", "שרה"], ["כהן", "לוי"], "en-us", "ISR"),
        (["สมชาย", "สุดา"], ["ใจดี", "ศรีสุข"], "th", "THA"),
        (["민준", "서연"], ["김", "이"], "en-us", "KOR"),
    ]

    mutating func person() -> Person {
        let group = pick(Self.people)
        return Person(first: pick(group.first), last: pick(group.last), language: group.language, country: group.country)
    }

    static let organisationStems = [
        "Contoso", "Fabrikam", "Northwind", "Adventure Works", "Tailspin", "Woodgrove", "Litware", "Proseware", "Wingtip",
        "Alpine Ski House", "Coho Vineyard", "Lucerne Publishing", "株式会社 山田商事", "ООО Ромашка", "Αλφα Εμπορική",
        "شركة النيل", "भारत ट्रेडर्स", "Żabka Hurt", "Smørrebrød ApS", "北京华信", "תעשיות גליל",
    ]
    static let organisationSuffixes = ["Ltd", "GmbH", "Inc.", "S.A.", "AG", "Trading", "Group", "& Söhne", "Holdings"]

    mutating func organisation(_ index: Int) -> String {
        "\(pick(Self.organisationStems)) \(pick(Self.organisationSuffixes)) \(index)"
    }

    static let streets = [
        "Main Street", "Hauptstraße", "Rue de Rivoli", "Тверская улица", "銀座通り", "Οδός Ερμού", "شارع التحرير", "Karl Johans gate",
        "Nowy Świat", "Calle de Alcalá",
    ]
    static let cities: [(city: String, country: String, zip: String)] = [
        ("Seattle", "USA", "98052"), ("München", "DEU", "80331"), ("Paris", "FRA", "75001"), ("Москва", "RUS", "125009"),
        ("東京", "JPN", "104-0061"), ("Αθήνα", "GRC", "105 63"), ("القاهرة", "EGY", "11511"), ("Oslo", "NOR", "0154"),
        ("Warszawa", "POL", "00-001"), ("Madrid", "ESP", "28014"),
    ]
}
