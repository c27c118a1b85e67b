#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A WGS 84 position in degrees.
public struct GeoCoordinate: Sendable, Hashable {
    public var latitude: Double
    public var longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }

    /// Mean Earth radius (IUGG), the usual choice for great-circle estimates.
    public static let earthRadiusKm = 6_371.0088

    /// Great-circle distance by the haversine formula, which stays accurate for short metro spans.
    public func distanceKm(to other: GeoCoordinate) -> Double {
        let toRadians = Double.pi / 180
        let phi1 = latitude * toRadians
        let phi2 = other.latitude * toRadians
        let dPhi = (other.latitude - latitude) * toRadians
        let dLambda = (other.longitude - longitude) * toRadians
        let a = sin(dPhi / 2) * sin(dPhi / 2) + cos(phi1) * cos(phi2) * sin(dLambda / 2) * sin(dLambda / 2)
        return 2 * Self.earthRadiusKm * asin(min(1, a.squareRoot()))
    }

    /// Problems with the coordinate's range, each naming the field.
    public func validationIssues() -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if !latitude.isFinite || latitude < -90 || latitude > 90 {
            issues.append(.init(field: "latitude", message: "must be between -90 and 90 degrees, got \(latitude)"))
        }
        if !longitude.isFinite || longitude < -180 || longitude > 180 {
            issues.append(.init(field: "longitude", message: "must be between -180 and 180 degrees, got \(longitude)"))
        }
        return issues
    }
}
