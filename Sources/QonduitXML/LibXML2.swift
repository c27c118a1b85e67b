internal import CLibXML2

#if canImport(Glibc)
    import Glibc
#endif

/// Small bridges between libxml2's C world and Swift values.
enum LibXML2 {
    /// libxml2 must be initialised once before it is used from several threads.
    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    static func initializeOnce() { _ = initialized }

    static func string(_ characters: UnsafePointer<xmlChar>) -> String {
        String(cString: characters)
    }

    /// Frees memory libxml2 returned to us; it allocates with the C allocator unless told otherwise.
    static func free(_ pointer: UnsafeMutablePointer<xmlChar>) {
        Glibc.free(pointer)
    }

    static func withXMLString<Result>(_ text: String, _ body: (UnsafePointer<xmlChar>) -> Result) -> Result {
        text.withCString { chars in
            chars.withMemoryRebound(to: xmlChar.self, capacity: text.utf8.count + 1, body)
        }
    }
}
