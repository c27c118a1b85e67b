import Logging
public import PostgresNIO
import Synchronization

/// One controller per database until controllers elect a leader: a session advisory lock held on a
/// connection of its own while the controller serves. PostgreSQL releases it when that connection
/// ends, however the controller ends (SIGKILL included), so a dead controller never keeps the next out.
final class PostgresExclusiveHold: Sendable {
    /// `pg_try_advisory_lock(int4, int4)`'s keys: 'qonx' in ASCII, and the inventory's schema.
    static let lockClass: Int32 = 0x716f_6e78

    private let holding: Task<Void, Never>

    /// Takes the lock at once on one of `client`'s connections, or throws naming who holds it.
    init(client: PostgresClient, logger: Logger) async throws {
        let (taken, signal) = AsyncStream<Result<Void, any Error>>.makeStream()
        holding = Task {
            do {
                try await client.withConnection { connection in
                    let got = try await connection.query(
                        "SELECT pg_try_advisory_lock(\(Self.lockClass), hashtext(current_schema()))", logger: logger
                    ).collect().first?.decode(Bool.self)
                    guard got == true else {
                        let holder = try await connection.query(
                            """
                            SELECT a.application_name, host(a.client_addr) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                                AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                                AND l.classid = \(Int64(Self.lockClass))::text::oid
                                AND l.objid = ((hashtext(current_schema())::bigint & 4294967295)::text)::oid
                            """, logger: logger
                        ).collect().first?.decode((String?, String?).self)
                        throw PostgresInUse(application: holder?.0, address: holder?.1)
                    }
                    signal.yield(.success(()))
                    while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                    _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockClass), hashtext(current_schema()))", logger: logger)
                }
            } catch {
                signal.yield(.failure(error))
            }
            signal.finish()
        }
        for await result in taken {
            try result.get()
            return
        }
    }

    /// Lets the lock go and gives its connection back.
    func release() async {
        holding.cancel()
        await holding.value
    }
}

/// Another controller serves the database.
public struct PostgresInUse: Error, Sendable, CustomStringConvertible {
    public let application: String?
    public let address: String?

    public var description: String {
        let who = [application, address.map { "from \($0)" }].compactMap { $0 }.joined(separator: " ")
        return "the database is in use by another controller\(who.isEmpty ? "" : " (\(who))"); stop it first, or serve another --db"
    }
}
