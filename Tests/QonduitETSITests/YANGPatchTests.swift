import QonduitCore
import QonduitETSI
import Testing

@Suite struct YANGPatchTests {
    let link = QKDUUID("7e1a0000-0000-4000-8000-000000000001")!
    let application = QKDUUID("a991c000-0000-4000-8000-000000000001")!

    func patch(_ edits: String, patchID: String = "<patch-id>p</patch-id>") -> [UInt8] {
        Array("<yang-patch xmlns='\(YANGPatch.namespace)'>\(patchID)\(edits)</yang-patch>".utf8)
    }

    func edit(_ id: String = "1", operation: String = "remove", target: String? = nil, extra: String = "") -> String {
        "<edit><edit-id>\(id)</edit-id><operation>\(operation)</operation><target>\(target ?? "/qkd_links/qkd_link=\(link.text)")</target>\(extra)</edit>"
    }

    @Test func aPatchOfRemovalsIsWrittenAndReadBack() throws {
        let written = YANGPatch(patchID: "retire-1", removing: [.application(application), .link(link)])
        #expect(written.edits.map(\.id) == ["1", "2"] && written.edits.allSatisfy { $0.operation == .remove })
        #expect(try YANGPatch.decode(Array(written.encoded().utf8)) == written)
        let strict = YANGPatch(patchID: "x", edits: [.init(id: "only", operation: .delete, target: .link(link))])
        #expect(try YANGPatch.decode(Array(strict.encoded().utf8)) == strict)
        #expect(written.encoded().contains("<target>/qkd_applications/qkd_app=\(application.text)</target>"))
    }

    @Test(
        arguments: [
            ("not xml", nil, "malformed-message", "not well-formed"),
            ("<yang-patch/>", nil, "malformed-message", "root element"),
            ("NOID", nil, "missing-element", "no patch-id"),
            ("UNKNOWN", nil, "unknown-element", "no element stray"),
            ("MERGE", "1", "operation-not-supported", "operation 'merge'"),
            ("BADTARGET", "1", "invalid-value", "target '/qkd_links/qkd_link=nope'"),
            ("VALUE", "1", "invalid-value", "takes no value"),
            ("REPEATED", "1", "invalid-value", "edit-id is repeated"),
            ("NOTARGET", "1", "missing-element", "no target"),
        ] as [(String, String?, String, String)])
    func aBadPatchIsRefusedNamingTheEditAndWhy(_ input: String, _ editID: String?, _ tag: String, _ words: String) {
        let bytes: [UInt8] =
            switch input {
            case "NOID": patch(edit(), patchID: "")
            case "UNKNOWN": patch("<stray/>")
            case "MERGE": patch(edit(operation: "merge"))
            case "BADTARGET": patch(edit(target: "/qkd_links/qkd_link=nope"))
            case "VALUE": patch(edit(extra: "<value/>"))
            case "REPEATED": patch(edit() + edit())
            case "NOTARGET": patch("<edit><edit-id>1</edit-id><operation>remove</operation></edit>")
            default: Array(input.utf8)
            }
        do {
            _ = try YANGPatch.decode(bytes)
            Issue.record("\(input) was accepted")
        } catch {
            #expect(error.tag == tag && error.editID == editID && error.message.contains(words), "\(error)")
        }
    }

    @Test func aStatusSaysOkOrWhichEditsFailed() throws {
        let ok = YANGPatchStatus(patchID: "p")
        #expect(ok.encoded().contains("<ok/>") && YANGPatchStatus.decode(Array(ok.encoded().utf8)) == ok)
        let failed = YANGPatchStatus(
            patchID: "p",
            errors: [
                .init(tag: "malformed-message", message: "bad"), .init(tag: "data-missing", editID: "3", message: "no qkd_link"),
            ])
        let text = failed.encoded()
        #expect(!text.contains("<ok/>") && text.contains("<edit-id>3</edit-id>"))
        #expect(YANGPatchStatus.decode(Array(text.utf8)) == failed)
        #expect(YANGPatchStatus.decode(Array("<errors/>".utf8)) == nil)
    }
}
