import QonduitCore

/// A `qkd_interface`: one QKD module of the node and where it attaches.
public struct ETSIInterface: Sendable, Equatable {
    public var id: UInt32
    public var model: String?
    public var type: ETSITechnology?
    public var attachmentDevice: String?
    public var attachmentPort: UInt32?
    public var roleSupport: ETSIRole?
    /// DWDM channels, e.g. `1,12-20,40`.
    public var wavelengthRange: String?
    /// dB.
    public var maxAbsorption: ETSIDecimal?
    /// State data (`config false`).
    public var status: ETSIInterfaceStatus?

    public init(
        id: UInt32, model: String? = nil, type: ETSITechnology? = nil, attachmentDevice: String? = nil,
        attachmentPort: UInt32? = nil, roleSupport: ETSIRole? = nil, wavelengthRange: String? = nil,
        maxAbsorption: ETSIDecimal? = nil, status: ETSIInterfaceStatus? = nil
    ) {
        self.id = id
        self.model = model
        self.type = type
        self.attachmentDevice = attachmentDevice
        self.attachmentPort = attachmentPort
        self.roleSupport = roleSupport
        self.wavelengthRange = wavelengthRange
        self.maxAbsorption = maxAbsorption
        self.status = status
    }
}
