import Hummingbird
import QonduitProvisioning
import QonduitStorage
import Testing

@testable import QonduitAPI

/// What a client reads when the controller itself fails: a 500 whose detail names none of the
/// controller's internals (those go to its log).
@Suite struct ProblemMappingTests {
    @Test func theControllersOwnFailuresAre500sThatEchoNothing() {
        let corrupt = Problem(StorageError.corrupt("key_path 7: route column is not JSON"))
        #expect(corrupt.status.code == 500 && !corrupt.detail.contains("route column"), "\(corrupt.detail)")
        let inconsistent = Problem(ProvisioningError.inconsistent("key path 42 was reserved in its batch but not found"))
        #expect(inconsistent.status.code == 500 && !inconsistent.detail.contains("42"), "\(inconsistent.detail)")
        #expect(Problem(KeyPathError.keyPathNotFound("k")).status.code == 404, "a path the client named that is not there")
    }
}
