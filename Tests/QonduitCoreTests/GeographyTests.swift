import QonduitCore
import Testing

@Suite struct GeographyTests {
    @Test func greatCircleDistanceMatchesKnownCityPairs() {
        let paris = GeoCoordinate(latitude: 48.8566, longitude: 2.3522)
        let london = GeoCoordinate(latitude: 51.5074, longitude: -0.1278)
        #expect(abs(paris.distanceKm(to: london) - 343.5) < 1.0)
        #expect(paris.distanceKm(to: paris) == 0)
        let sydney = GeoCoordinate(latitude: -33.8688, longitude: 151.2093)
        #expect(abs(london.distanceKm(to: sydney) - 16_990) < 30)
    }

    @Test func coordinatesOutOfRangeAreNamed() {
        let issues = GeoCoordinate(latitude: 91, longitude: -200).validationIssues()
        #expect(issues.map(\.field) == ["latitude", "longitude"])
        #expect(GeoCoordinate(latitude: .nan, longitude: 0).validationIssues().map(\.field) == ["latitude"])
    }
}

@Suite struct FiberLinkModelTests {
    @Test func keyRateFallsTenfoldPerFiftyKilometresAtPointTwoDecibels() throws {
        let model = FiberLinkModel.standard
        #expect(model.keyRateBps(lengthKm: 0) == 1_000_000)
        #expect(abs(try #require(model.keyRateBps(lengthKm: 50)) - 100_000) < 1e-6)
        #expect(abs(try #require(model.keyRateBps(lengthKm: 100)) - 10_000) < 1e-6)
    }

    @Test func linksBeyondTheLossBudgetYieldNoKey() {
        let model = FiberLinkModel(lossDbPerKm: 0.2, referenceRateBps: 1e6, maxLossDb: 30)
        #expect(model.reachKm == 150)
        #expect(model.keyRateBps(lengthKm: 150) != nil)
        #expect(model.keyRateBps(lengthKm: 150.1) == nil)
    }

    @Test func nonPositiveParametersAreRefused() {
        let issues = FiberLinkModel(lossDbPerKm: 0, referenceRateBps: -1, maxLossDb: .infinity).validationIssues()
        #expect(issues.map(\.field) == ["fiber_loss_db_per_km", "reference_rate_bps", "max_loss_db"])
    }
}
