public import QonduitCore

/// A route a re-route replaced that still carries key: its virtual links stay on its nodes, and the
/// reconciler leaves them alone, until the path is active on its new routes (make before break).
public struct RetiringRoute: Sendable {
    public var keyPath: QKDUUID
    public var route: KeyPathRoute

    public init(keyPath: QKDUUID, route: KeyPathRoute) {
        self.keyPath = keyPath
        self.route = route
    }
}
