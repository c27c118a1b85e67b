/// The OpenAPI 3.1 description of the northbound API, served at `GET /openapi.json`.
///
/// `openapi.json` beside this file is the source of truth, embedded in the binary as written; the
/// CLI's client types are generated from it (`scripts/generate-openapi-types.sh`, whose `--check` CI runs). Tests check that
/// its operations are exactly the router's routes, and that each states the role `AccessPolicy`
/// enforces.
enum OpenAPIDocument {
    static let json: [UInt8] = PackageResources.openapi_json
}
