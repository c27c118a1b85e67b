public import QonduitCore

/// The codec's UUIDs are the domain's: `yang:uuid`, in lower case.
public typealias ETSIUUID = QKDUUID
