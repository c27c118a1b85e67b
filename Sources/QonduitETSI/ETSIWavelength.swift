import QonduitCore

/// The wavelength types of `etsi-qkd-node-types`: a DWDM channel number (1–9999, no leading
/// zero), and a comma-separated list of channels and ranges.
enum ETSIWavelength {
    static func isChannel(_ text: Substring) -> Bool {
        let bytes = text.utf8
        guard (1...4).contains(bytes.count), let first = bytes.first, first >= 0x31 && first <= 0x39 else { return false }
        return bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    static func isChannel(_ text: String) -> Bool { isChannel(text[...]) }

    static func isRange(_ text: String) -> Bool {
        text.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { item in
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
            return (1...2).contains(bounds.count) && bounds.allSatisfy(isChannel)
        }
    }
}
