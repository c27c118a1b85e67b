/// The header that carries a controller's leader-lease epoch to its nodes: a node that has seen a
/// higher epoch refuses the request (409), so that a deposed leader cannot configure it.
public enum ControllerEpochHeader {
    public static let name = "Qonduit-Controller-Epoch"
}
