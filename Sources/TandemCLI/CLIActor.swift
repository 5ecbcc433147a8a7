import Foundation

/// Who a command acts as in the activity log and in map states: `cli:USER`.
enum CLIActor {
    /// `cli:` and the login name ($USER, else $LOGNAME, else the password entry of the user id).
    static let current: String = {
        let environment = ProcessInfo.processInfo.environment
        if let user = environment["USER"] ?? environment["LOGNAME"], !user.isEmpty { return "cli:\(user)" }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return "cli:\(String(cString: name))" }
        return "cli:uid-\(getuid())"
    }()
}
