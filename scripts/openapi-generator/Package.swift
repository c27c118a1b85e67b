// swift-tools-version:6.1
// The OpenAPI generator, apart from the controller's package so that its build (OpenAPIKit, Yams) is not
// part of every build: `scripts/generate-openapi-client.sh` runs it, and `.ci/run` checks that the committed
// code is what it generates.
import PackageDescription

let package = Package(
    name: "OpenAPIGeneratorTool",
    dependencies: [
        .package(url: "https://github.com/apple/swift-openapi-generator.git", exact: "1.14.3")
    ]
)
