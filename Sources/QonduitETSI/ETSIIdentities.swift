import QonduitCore

/// The identities of `etsi-qkd-node-types`, each family a Swift enum whose raw values are the
/// identity names as they appear in XML (after the types module's prefix).
public protocol ETSIIdentity: RawRepresentable, CaseIterable, Sendable, Hashable where RawValue == String {
    /// The base identity, to name in errors.
    static var base: String { get }
}

extension ETSIIdentity {
    /// The identity named `local` (a QName's local part): matched as bytes, as decoding a document
    /// reads many and a String for each would cost more than the match.
    static func named(_ local: UnsafeBufferPointer<UInt8>) -> Self? {
        allCases.first { identity in
            let name = identity.rawValue.utf8
            guard name.count == local.count else { return false }
            return name.withContiguousStorageIfAvailable { stored in
                for index in 0..<stored.count where stored[index] != local[index] { return false }
                return true
            } ?? name.elementsEqual(local)
        }
    }
}

public enum ETSINodeStatus: String, ETSIIdentity {
    case new = "NEW"
    case operating = "OPERATING"
    case down = "DOWN"
    case failure = "FAILURE"
    case out = "OUT"
    public static let base = "QKDN-STATUS-TYPES"
}

public enum ETSILinkType: String, ETSIIdentity {
    case virtual = "VIRT"
    case physical = "PHYS"
    public static let base = "QKD-LINK-TYPES"
}

public enum ETSILinkStatus: String, ETSIIdentity {
    case active = "ACTIVE"
    case passive = "PASSIVE"
    case pending = "PENDING"
    case off = "OFF"
    public static let base = "LINK-STATUS-TYPES"
}

public enum ETSIInterfaceStatus: String, ETSIIdentity {
    case enabled = "ENABLED"
    case disabled = "DISABLED"
    case failed = "FAILED"
    public static let base = "IFACE-STATUS-TYPES"
}

public enum ETSIApplicationStatus: String, ETSIIdentity {
    case on = "ON"
    case disconnected = "DISCONNECTED"
    case outOfTime = "OUT-OF-TIME"
    case zombie = "ZOMBIE"
    public static let base = "APP-STATUS-TYPES"
}

public enum ETSIApplicationType: String, ETSIIdentity {
    case client = "CLIENT"
    case `internal` = "INTERNAL"
    public static let base = "QKD-APP-TYPES"
}

public enum ETSIRole: String, ETSIIdentity {
    case transmitter = "TRANSMITTER"
    case receiver = "RECEIVER"
    case transceiver = "TRANSCEIVER"
    public static let base = "QKD-ROLE-TYPES"
}

public enum ETSITechnology: String, ETSIIdentity {
    case continuousVariable = "CV-QKD"
    case discreteVariable = "DV-QKD"
    case coherentOneWay = "DV-QKD-COW"
    case twoWay = "DV-QKD-2Ws"
    public static let base = "QKD-TECHNOLOGY-TYPES"
}

public enum ETSIPerformanceType: String, ETSIIdentity {
    case qber = "QBER"
    case snr = "SNR"
    public static let base = "PHYS-PERF-TYPES"
}

public enum ETSISeverity: String, ETSIIdentity {
    case major = "MAJOR"
    case minor = "MINOR"
    public static let base = "SEVERITY-TYPES"
}
