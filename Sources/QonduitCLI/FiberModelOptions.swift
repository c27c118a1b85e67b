import ArgumentParser
import Foundation
import QonduitCore

/// The fiber-link model's parameters, for commands that read topologies without key rates.
struct FiberModelOptions: ParsableArguments {
    @Option(help: "Fiber-link model: attenuation in dB/km, for links without a key rate.")
    var fiberLossDbPerKm = FiberLinkModel.standard.lossDbPerKm

    @Option(help: "Fiber-link model: key rate of a zero-length link, in bit/s.")
    var referenceRateBps = FiberLinkModel.standard.referenceRateBps

    @Option(help: "Fiber-link model: loss budget in dB; longer links are imported with key rate 0, status down.")
    var maxLossDb = FiberLinkModel.standard.maxLossDb

    func model() throws -> FiberLinkModel {
        let model = FiberLinkModel(lossDbPerKm: fiberLossDbPerKm, referenceRateBps: referenceRateBps, maxLossDb: maxLossDb)
        let issues = model.validationIssues()
        if let first = issues.first {
            throw ValidationError("--\(first.field.replacingOccurrences(of: "_", with: "-")) \(first.message)")
        }
        return model
    }
}
