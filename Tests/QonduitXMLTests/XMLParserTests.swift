import Testing

@testable import QonduitXML

@Suite struct XMLParserTests {
    @Test func parsesNamesNamespacesAttributesTextAndLines() throws {
        let root = try XMLDocumentParser.parse(
            """
            <?xml version="1.0"?>
            <a xmlns="urn:a" xmlns:b="urn:b" id="1">
              <b:c b:kind="x">hello &amp; <![CDATA[<world>]]></b:c>
              <!-- a comment -->
              <d/>
            </a>
            """)
        #expect(root.localName == "a" && root.namespaceURI == "urn:a" && root.line == 2)
        #expect(root.attribute("id") == "1")
        let c = try #require(root.firstChild(named: "c", namespace: "urn:b"))
        #expect(c.trimmedText == "hello & <world>")
        #expect(c.attribute("kind", namespace: "urn:b") == "x")
        #expect(c.line == 3)
        #expect(root.children.map(\.localName) == ["c", "d"])
    }

    @Test func mixedContentKeepsAllOfAnElementsTextInOrder() throws {
        let root = try XMLDocumentParser.parse("<a>one <b>inner</b>two<!-- c --> three <?pi x?>four <b/>five</a>")
        #expect(root.text == "one two three four five")
        #expect(root.children.map(\.text) == ["inner", ""])
    }

    @Test func qualifiedNameTextResolvesItsPrefixInScope() throws {
        let root = try XMLDocumentParser.parse(
            """
            <a xmlns="urn:default" xmlns:t="urn:outer">
              <v>t:ONE</v>
              <w xmlns:t="urn:inner">t:TWO</w>
              <x>PLAIN</x>
              <y>u:UNBOUND</y>
              <z>not a qname</z>
            </a>
            """)
        #expect(root.children.map(\.textNamespaceURI) == ["urn:outer", "urn:inner", "urn:default", nil, nil])
    }

    @Test func mixedContentCannotAmplifyItsText() {
        // Each run after a child with text would copy the element's text so far: quadratic growth,
        // refused once the text outgrows the document.
        let document = "<a>" + String(repeating: "xxxxxxxxxxxxxxxx<b>y</b>", count: 20_000) + "</a>"
        #expect { try XMLDocumentParser.parse(document) } throws: {
            guard let error = $0 as? XMLParseError, case .tooLarge = error.kind else { return false }
            return error.line == 1
        }
    }

    @Test func aLargeDocumentLeavesNothingBehindForTheNextOnTheSameThread() throws {
        // Past a few megabytes the thread's builder lets its arrays go; the next parse starts afresh.
        let names = (0..<60_000).map { "<e\($0) a=\"\($0)\">text \($0)</e\($0)>" }.joined()
        let large = try XMLDocumentParser.parse("<root xmlns=\"urn:big\">\(names)</root>")
        #expect(large.children.count == 60_000 && large.children.last?.localName == "e59999" && large.children.last?.text == "text 59999")
        let small = try XMLDocumentParser.parse("<a xmlns=\"urn:a\"><b x=\"1\">two</b></a>")
        #expect(small.namespaceURI == "urn:a" && small.children.map(\.localName) == ["b"] && small.children[0].text == "two")
        #expect(small.children[0].attribute("x") == "1")
    }

    @Test func namesKeptBetweenDocumentsNeverShowInTheNext() throws {
        // The thread's builder keeps the names it has read (they keep their indices, so a stream of
        // similar documents is not interned again), forgets them past 1,024 and whenever libxml2's
        // dictionary is replaced (past 4,096 names): 200 documents of 30 new names each cross both.
        for document in 0..<200 {
            let names = (0..<30).map { "n\(document)_\($0)" }
            let text = "<r\(document) xmlns=\"urn:d\(document)\">\(names.map { "<\($0)>\($0)</\($0)>" }.joined())</r\(document)>"
            let root = try XMLDocumentParser.parseTree(Array(text.utf8)).root
            #expect(root.localName == "r\(document)" && root.namespaceURI == "urn:d\(document)")
            #expect(root.children.map(\.localName) == names && root.children.map(\.text) == names)
            let namespace = try #require(root.tree.index(of: "urn:d\(document)"))
            #expect(root.children(name: try #require(root.tree.index(of: names[7])), namespace: namespace).map(\.text) == [names[7]])
            if document > 0, let earlier = root.tree.index(of: "n\(document - 1)_7") {
                #expect(root.children(name: earlier, namespace: namespace).map(\.text).isEmpty)
            }
        }
    }

    @Test func aNameCacheAnswersForEachTreeFromItsOwnNames() throws {
        // Trees parsed one after the other on a thread share their names' indices and what caches
        // learnt of them; each must still get the answer its own names give.
        func tree(_ text: String) throws -> XMLTree { try XMLDocumentParser.parseTree(Array(text.utf8)) }
        let first = try tree("<a xmlns=\"urn:m\"><b/></a>")
        var cache = XMLNameCache()
        #expect(cache.index(of: "late", in: first) == -1 && cache.index(of: "b", in: first) == first.index(of: "b"))
        let second = try tree("<a xmlns=\"urn:m\"><late/></a>")
        var next = XMLNameCache()
        let late = try #require(second.index(of: "late"))
        #expect(
            next.index(of: "late", in: second) == late
                && second.root.children(name: late, namespace: second.root.namespaceIndex).map(\.localName) == ["late"])
        var again = XMLNameCache()
        #expect(again.index(of: "late", in: first) == -1 && again.index(of: "b", in: second) == first.index(of: "b"))
        let third = try tree("<a xmlns=\"urn:m\"><late/></a>")
        var last = XMLNameCache()
        #expect(last.index(of: "late", in: third) == late)
    }

    @Test func longDocumentsAreReadToTheEndWhateverTheirEncoding() throws {
        // UTF-8 is read in place; another declared encoding is converted as the parser goes.
        let items = (0..<5_000).map { "<i n=\"\($0)\">caf\u{E9} \($0)</i>" }.joined()
        let utf8 = try XMLDocumentParser.parse("<?xml version=\"1.0\" encoding=\"UTF-8\"?><r>\(items)</r>")
        #expect(utf8.children.count == 5_000 && utf8.children.last?.text == "caf\u{E9} 4999")
        let latin1 = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r>\(items)</r>".unicodeScalars.map { UInt8($0.value) })
        let converted = try XMLDocumentParser.parse(latin1)
        #expect(converted.children.count == 5_000 && converted.children.last?.text == "caf\u{E9} 4999")
        #expect(converted.children.last?.attribute("n") == "4999")
    }

    @Test func recordsAreCopiedFromTheCBuilderAsBytes() {
        // Not needed for correctness (a field-by-field copy takes over), but the fast path should be the one in use.
        #expect(XMLDocumentParser.recordLayoutsMatch)
    }

    @Test func malformedDocumentsNameTheLine() {
        #expect {
            try XMLDocumentParser.parse("<a>\n<b>\n</a>")
        } throws: { error in
            guard let error = error as? XMLParseError else { return false }
            return error.kind == .malformed && error.line == 3
        }
    }

    @Test func refusesExternalEntities() {
        let xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <foo>&xxe;</foo>
            """
        #expect(throws: XMLParseError.self) { try XMLDocumentParser.parse(xxe) }
        #expect { try XMLDocumentParser.parse(xxe) } throws: { ($0 as? XMLParseError)?.kind == .doctypeRefused }
    }

    @Test func refusesParameterEntitiesAndExternalDTDs() {
        for document in [
            #"<!DOCTYPE a [ <!ENTITY % p SYSTEM "http://127.0.0.1:1/evil.dtd"> %p; ]><a/>"#,
            #"<!DOCTYPE a SYSTEM "http://127.0.0.1:1/evil.dtd"><a/>"#,
        ] {
            #expect { try XMLDocumentParser.parse(document) } throws: { ($0 as? XMLParseError)?.kind == .doctypeRefused }
        }
    }

    @Test func refusesEntityExpansionBombs() {
        var declarations = #"<!ENTITY lol0 "lololololololololololol">"#
        for level in 1...9 {
            declarations += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">"
        }
        let bomb = "<!DOCTYPE lolz [\(declarations)]><lolz>&lol9;</lolz>"
        #expect { try XMLDocumentParser.parse(bomb) } throws: { ($0 as? XMLParseError)?.kind == .doctypeRefused }
    }

    @Test func refusesUndeclaredEntities() {
        #expect { try XMLDocumentParser.parse("<a>&nope;</a>") } throws: { ($0 as? XMLParseError)?.kind == .malformed }
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "<a>", count: 10_000) + String(repeating: "</a>", count: 10_000)
        #expect { try XMLDocumentParser.parse(deep) } throws: {
            if case .tooDeep = ($0 as? XMLParseError)?.kind { return true }
            return false
        }
        let fine = String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100)
        #expect(throws: Never.self) { try XMLDocumentParser.parse(fine) }
    }

    @Test func refusesDocumentsOverTheSizeLimit() {
        let document = "<a>" + String(repeating: "x", count: 2_000) + "</a>"
        #expect {
            try XMLDocumentParser.parse(document, limits: XMLParseLimits(maxBytes: 1_000))
        } throws: { ($0 as? XMLParseError)?.kind == .tooLarge(limitBytes: 1_000) }
    }

    @Test func refusesEmptyAndNonXMLInput() {
        #expect { try XMLDocumentParser.parse("") } throws: { ($0 as? XMLParseError)?.kind == .empty }
        #expect { try XMLDocumentParser.parse("{\"json\": true}") } throws: { ($0 as? XMLParseError)?.kind == .malformed }
        #expect { try XMLDocumentParser.parse([0xFF, 0xFE, 0x00, 0x3C]) } throws: { $0 is XMLParseError }
    }

    /// Thousands of mutated documents: each is either parsed or refused, never a crash.
    @Test func survivesMutatedDocuments() {
        let seed = Array(
            """
            <?xml version="1.0"?>
            <networks xmlns="urn:ietf:params:xml:ns:yang:ietf-network" xmlns:q="urn:q">
              <network><network-id>n</network-id><node><node-id>A&amp;B</node-id><q:x a="1">2.5</q:x></node></network>
            </networks>
            """.utf8)
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("<>/&;!?[]\"'=-:xmlns \n\u{0}".utf8) + [0xC3, 0xFF]
        var parsed = 0
        var refused = 0
        for _ in 0..<3_000 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[index] = alphabet.randomElement(using: &generator)!
                case 1: bytes.remove(at: index)
                default: bytes.insert(alphabet.randomElement(using: &generator)!, at: index)
                }
                if bytes.isEmpty { bytes = seed }
            }
            do {
                _ = try XMLDocumentParser.parse(bytes)
                parsed += 1
            } catch {
                refused += 1
            }
        }
        #expect(parsed + refused == 3_000)
        #expect(refused > 0)
    }
}

@Suite struct XMLWriterTests {
    @Test func escapesTextAndAttributesAndRoundTrips() throws {
        let element = XMLElement(
            "root", namespace: "urn:r",
            children: [
                XMLElement(
                    "item", namespace: "urn:i", attributes: [XMLAttribute("note", value: "a \"quoted\" <value> & more")],
                    text: "5 < 6 & 7 > 3")
            ])
        let xml = XMLDocumentWriter.serialize(
            element,
            namespaces: [
                .init(prefix: nil, uri: "urn:r"), .init(prefix: "i", uri: "urn:i"),
            ], comment: "made -- by a test")
        #expect(xml.contains("<!--made - - by a test-->") || xml.contains("made - -by a test"))
        let parsed = try XMLDocumentParser.parse(xml)
        let item = try #require(parsed.firstChild(named: "item", namespace: "urn:i"))
        #expect(item.text == "5 < 6 & 7 > 3")
        #expect(item.attribute("note") == "a \"quoted\" <value> & more")
    }
}
