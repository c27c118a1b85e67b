import QonduitXML

/// A RESTCONF server's event streams, `ietf-restconf-monitoring:restconf-state/streams` (RFC 8040
/// §9.3): each stream's name and, per encoding, where to subscribe to it.
public struct RESTCONFStreams: Sendable, Equatable {
    public struct Stream: Sendable, Equatable {
        public var name: String
        public var description: String?
        /// Where to subscribe, by encoding (`xml`, `json`).
        public var locations: [(encoding: String, location: String)]

        public init(name: String, description: String? = nil, locations: [(encoding: String, location: String)]) {
            self.name = name
            self.description = description
            self.locations = locations
        }

        public static func == (lhs: Stream, rhs: Stream) -> Bool {
            lhs.name == rhs.name && lhs.description == rhs.description
                && lhs.locations.map(\.encoding) == rhs.locations.map(\.encoding) && lhs.locations.map(\.location) == rhs.locations.map(\.location)
        }

        /// Where to subscribe in `encoding`, else in any encoding Qonduit reads.
        public func location(preferring encoding: ETSIEncoding) -> (location: String, encoding: ETSIEncoding)? {
            let readable = locations.compactMap { entry in ETSIEncoding(rawValue: entry.encoding).map { (entry.location, $0) } }
            return readable.first { $0.1 == encoding } ?? readable.first
        }
    }

    public var streams: [Stream]

    public init(_ streams: [Stream]) {
        self.streams = streams
    }

    var element: XMLElement {
        let ns = ETSINamespace.restconfMonitoring
        return XMLElement(
            "streams", namespace: ns,
            children: streams.map { stream in
                var children: [XMLElement] = [.leaf("name", namespace: ns, stream.name)]
                if let description = stream.description { children.append(.leaf("description", namespace: ns, description)) }
                children += stream.locations.map { access in
                    XMLElement(
                        "access", namespace: ns,
                        children: [.leaf("encoding", namespace: ns, access.encoding), .leaf("location", namespace: ns, access.location)])
                }
                return XMLElement("stream", namespace: ns, children: children)
            })
    }

    public func encoded(_ encoding: ETSIEncoding) -> String {
        switch encoding {
        case .xml: XMLDocumentWriter.serialize(element, namespaces: [.init(prefix: nil, uri: ETSINamespace.restconfMonitoring)])
        case .json: ETSIJSONWriter.document(element)
        }
    }

    /// Reads a `streams` document; nil when `bytes` is not one.
    public static func decode(_ bytes: some Collection<UInt8>, encoding: ETSIEncoding) -> RESTCONFStreams? {
        let ns = ETSINamespace.restconfMonitoring
        let root: XMLElement?
        switch encoding {
        case .xml: root = try? XMLDocumentParser.parse(bytes, limits: .init(maxBytes: 1 << 20, maxDepth: 16))
        case .json: root = try? ETSIJSONReader.root(bytes, limits: .init(maxBytes: 1 << 20, maxDepth: 16), name: "streams", namespace: ns)
        }
        guard let root, root.localName == "streams", root.namespaceURI == ns else { return nil }
        return RESTCONFStreams(
            root.children(named: "stream", namespace: ns).compactMap { stream in
                guard let name = stream.firstChild(named: "name", namespace: ns)?.trimmedText else { return nil }
                return Stream(
                    name: name, description: stream.firstChild(named: "description", namespace: ns)?.trimmedText,
                    locations: stream.children(named: "access", namespace: ns).compactMap { access in
                        guard let encoding = access.firstChild(named: "encoding", namespace: ns)?.trimmedText,
                            let location = access.firstChild(named: "location", namespace: ns)?.trimmedText
                        else { return nil }
                        return (encoding, location)
                    })
            })
    }
}
