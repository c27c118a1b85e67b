/// The two encodings of RESTCONF data (RFC 8040 §5.2): XML and RFC 7951 JSON.
public enum ETSIEncoding: String, Sendable, CaseIterable {
    case xml, json

    /// The media type written for this encoding.
    public var mediaType: String {
        switch self {
        case .xml: "application/yang-data+xml"
        case .json: "application/yang-data+json"
        }
    }

    /// The encoding a `Content-Type` (or one `Accept` entry) names: the RFC's media types, and the
    /// plain ones devices send instead (`application/json`, `application/xml`, `text/xml`). Nil for
    /// anything else.
    public init?(mediaType: String) {
        let type = mediaType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces.lowercased() } ?? ""
        switch type {
        case "application/yang-data+json", "application/json", "application/yang-patch+json": self = .json
        case "application/yang-data+xml", "application/xml", "text/xml", "application/yang-patch+xml": self = .xml
        default: return nil
        }
    }

    /// A body's encoding: the one its `Content-Type` names, else the one it starts like.
    public init(contentType: String?, body: some Collection<UInt8>) {
        self = contentType.flatMap(ETSIEncoding.init(mediaType:)) ?? ETSIEncoding(sniffing: body)
    }

    /// What a body that names no type is, by its first character that is not white space.
    public init(sniffing bytes: some Collection<UInt8>) {
        let first = bytes.first { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }
        self = first == UInt8(ascii: "{") || first == UInt8(ascii: "[") ? .json : .xml
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
