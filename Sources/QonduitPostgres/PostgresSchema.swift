import Foundation
import QonduitStorage

/// The schema, as named, append-only migrations (as SQLite's are): never edit one that has shipped;
/// add another. Constraints repeat the domain's rules so that no writer, however buggy, stores a bad
/// row. Text that is sorted or compared (ids, times) uses the "C" collation: bytes, as SQLite orders.
enum PostgresSchema {
    static let migrations: [(name: String, sql: String)] = [
        ("v1: the inventory as SQLite's v28 keeps it", v1), ("v2: controllers and the leader lease", v2),
    ]

    private static let text = #"text COLLATE "C""#
    private static let nodeStatus = "('up', 'down', 'unknown', 'unreachable')"
    private static let linkStatus = "('up', 'down', 'unknown')"

    /// Every controller that shares the database, and the one lease (holder, epoch, expiry) that makes
    /// one of them the leader; times are the database's.
    private static let v2 = """
        CREATE TABLE controller (
            id \(text) PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
            advertise_url text NOT NULL CHECK (length(advertise_url) BETWEEN 1 AND 2048),
            started_at timestamptz NOT NULL,
            last_seen_at timestamptz NOT NULL
        );
        CREATE TABLE leader_lease (
            singleton integer PRIMARY KEY CHECK (singleton = 1),
            holder \(text),
            epoch bigint NOT NULL CHECK (epoch >= 0),
            expires_at timestamptz NOT NULL
        );
        INSERT INTO leader_lease VALUES (1, NULL, 0, '-infinity');
        """

    private static let v1 = """
        CREATE TABLE node (
            id \(text) PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 256),
            trusted boolean NOT NULL DEFAULT true,
            latitude double precision CHECK (latitude BETWEEN -90 AND 90),
            longitude double precision CHECK (longitude BETWEEN -180 AND 180),
            site text CHECK (site IS NULL OR length(site) BETWEEN 1 AND 256),
            status text NOT NULL CHECK (status IN \(nodeStatus)),
            admin_status text NOT NULL CHECK (admin_status IN \(nodeStatus)),
            measured_status text CHECK (measured_status IN \(nodeStatus)),
            qkdn_id \(text) NOT NULL UNIQUE CHECK (length(qkdn_id) = 36 AND qkdn_id = lower(qkdn_id)),
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            CHECK ((latitude IS NULL) = (longitude IS NULL))
        );
        CREATE TABLE link (
            id \(text) PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
            node_a \(text) NOT NULL REFERENCES node(id) ON DELETE RESTRICT,
            node_b \(text) NOT NULL REFERENCES node(id) ON DELETE RESTRICT,
            length_km double precision NOT NULL CHECK (length_km >= 0),
            cost double precision NOT NULL CHECK (cost >= 0),
            nominal_key_rate_bps double precision NOT NULL CHECK (nominal_key_rate_bps >= 0),
            nominal_qber double precision CHECK (nominal_qber BETWEEN 0 AND 1),
            admin_status text NOT NULL CHECK (admin_status IN \(linkStatus)),
            key_rate_bps double precision NOT NULL CHECK (key_rate_bps >= 0),
            status text NOT NULL CHECK (status IN \(linkStatus)),
            qber double precision CHECK (qber BETWEEN 0 AND 1),
            a_status text CHECK (a_status IN \(linkStatus)),
            a_key_rate_bps double precision CHECK (a_key_rate_bps >= 0),
            a_qber double precision CHECK (a_qber BETWEEN 0 AND 1),
            b_status text CHECK (b_status IN \(linkStatus)),
            b_key_rate_bps double precision CHECK (b_key_rate_bps >= 0),
            b_qber double precision CHECK (b_qber BETWEEN 0 AND 1),
            qkdl_id \(text) UNIQUE CHECK (qkdl_id IS NULL OR (length(qkdl_id) = 36 AND qkdl_id = lower(qkdl_id))),
            reserved_bps double precision NOT NULL DEFAULT 0 CHECK (reserved_bps >= 0),
            held_down boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            CHECK (node_a <> node_b)
        );
        CREATE INDEX link_node_a ON link(node_a);
        CREATE INDEX link_node_b ON link(node_b);

        CREATE TABLE agent (
            node_id \(text) PRIMARY KEY REFERENCES node(id) ON DELETE CASCADE,
            restconf_url \(text) NOT NULL CHECK (length(restconf_url) BETWEEN 1 AND 2048),
            state text NOT NULL CHECK (state IN ('reachable', 'unreachable')),
            heartbeat_interval_ms bigint NOT NULL CHECK (heartbeat_interval_ms > 0),
            node_status text NOT NULL CHECK (node_status IN ('up', 'down', 'unknown')),
            stated_status text CHECK (stated_status IN ('up', 'down', 'unknown')),
            tree text NOT NULL,
            registered_at timestamptz NOT NULL,
            last_seen_at timestamptz NOT NULL,
            reconciled_at timestamptz,
            drift bigint NOT NULL DEFAULT 0 CHECK (drift >= 0),
            reconcile_error text,
            credential_id \(text),
            kind text NOT NULL DEFAULT 'registered' CHECK (kind IN ('registered', 'onboarded')),
            encoding text NOT NULL DEFAULT 'xml' CHECK (encoding IN ('xml', 'json')),
            sealed_credential bytea,
            polled_at timestamptz,
            poll_error text,
            etag text,
            identity_mismatch boolean NOT NULL DEFAULT false,
            stream_state text CHECK (stream_state IN ('none', 'connecting', 'open', 'retrying')),
            stream_error text,
            yang_patch boolean NOT NULL DEFAULT true,
            tls_ca text CHECK (length(tls_ca) <= 65536),
            write_method text NOT NULL DEFAULT 'put' CHECK (write_method IN ('put', 'post'))
        );
        CREATE INDEX agent_restconf_url ON agent(restconf_url);
        CREATE TABLE key_pool (
            link_id \(text) NOT NULL REFERENCES link(id) ON DELETE CASCADE,
            node_id \(text) NOT NULL REFERENCES agent(node_id) ON DELETE CASCADE,
            bits bigint NOT NULL CHECK (bits >= 0),
            reported_at timestamptz NOT NULL,
            PRIMARY KEY (link_id, node_id)
        );
        CREATE INDEX key_pool_node ON key_pool(node_id);
        CREATE TABLE desired_link (
            node_id \(text) NOT NULL REFERENCES node(id) ON DELETE CASCADE,
            qkdl_id \(text) NOT NULL CHECK (length(qkdl_id) = 36),
            entry text NOT NULL,
            PRIMARY KEY (node_id, qkdl_id)
        );
        CREATE TABLE desired_app (
            node_id \(text) NOT NULL REFERENCES node(id) ON DELETE CASCADE,
            app_id \(text) NOT NULL CHECK (length(app_id) = 36),
            entry text NOT NULL,
            PRIMARY KEY (node_id, app_id)
        );

        CREATE TABLE key_path (
            id \(text) PRIMARY KEY CHECK (length(id) = 36),
            source \(text) NOT NULL REFERENCES node(id) ON DELETE RESTRICT,
            destination \(text) NOT NULL REFERENCES node(id) ON DELETE RESTRICT,
            rate_bps double precision NOT NULL CHECK (rate_bps > 0),
            metric text NOT NULL,
            max_hops bigint CHECK (max_hops IS NULL OR max_hops >= 1),
            exclude_nodes text[] NOT NULL,
            exclude_links text[] NOT NULL,
            protection text NOT NULL CHECK (protection IN ('none', 'disjoint_backup', 'multipath')),
            path_count bigint NOT NULL CHECK (path_count >= 1),
            client_app_id text,
            server_app_id text,
            app_id \(text) NOT NULL CHECK (length(app_id) = 36),
            state text NOT NULL CHECK (state IN ('pending', 'active', 'failed', 'degraded')),
            reason text,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            CHECK (source <> destination)
        );
        CREATE INDEX key_path_created ON key_path(created_at, id);
        CREATE INDEX key_path_degraded ON key_path(state) WHERE state = 'degraded';
        CREATE INDEX key_path_protected ON key_path(state) WHERE protection = 'disjoint_backup';
        CREATE TABLE key_path_route (
            key_path_id \(text) NOT NULL REFERENCES key_path(id) ON DELETE CASCADE,
            position bigint NOT NULL CHECK (position >= 0),
            role text NOT NULL CHECK (role IN ('primary', 'backup')),
            rate_bps double precision NOT NULL CHECK (rate_bps > 0),
            nodes text[] NOT NULL,
            links text[] NOT NULL,
            qkdl_id \(text) NOT NULL CHECK (length(qkdl_id) = 36),
            PRIMARY KEY (key_path_id, position)
        );
        -- A link with reservations cannot be deleted from under its key paths.
        CREATE TABLE reservation (
            link_id \(text) NOT NULL REFERENCES link(id) ON DELETE RESTRICT,
            key_path_id \(text) NOT NULL,
            PRIMARY KEY (link_id, key_path_id)
        );
        CREATE TABLE retiring_route (
            key_path_id \(text) NOT NULL REFERENCES key_path(id) ON DELETE CASCADE,
            qkdl_id \(text) NOT NULL CHECK (length(qkdl_id) = 36),
            nodes text[] NOT NULL,
            PRIMARY KEY (key_path_id, qkdl_id)
        );

        -- Changes operators follow (GET /api/v1/events), numbered in commit order: writers are serialised.
        CREATE TABLE event (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            time \(text) NOT NULL,
            kind text NOT NULL,
            subject \(text) NOT NULL,
            data text NOT NULL CHECK (data::json IS NOT NULL)
        );
        CREATE INDEX event_subject ON event(subject, id);
        CREATE TABLE event_retention (singleton integer PRIMARY KEY CHECK (singleton = 1), keep bigint NOT NULL CHECK (keep >= 1));
        INSERT INTO event_retention VALUES (1, \(LogRetention.events));

        -- Only digests of secrets are stored: a copy of the database lets no one in.
        CREATE TABLE api_token (
            id \(text) PRIMARY KEY CHECK (length(id) = 16),
            role text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
            hash \(text) NOT NULL UNIQUE CHECK (length(hash) = 64),
            description text CHECK (description IS NULL OR length(description) <= 256),
            created_at \(text) NOT NULL,
            created_by text,
            expires_at \(text),
            revoked_at \(text)
        );
        CREATE TABLE api_session (
            hash \(text) PRIMARY KEY,
            token_id \(text) NOT NULL REFERENCES api_token(id) ON DELETE CASCADE,
            created_at \(text) NOT NULL,
            expires_at \(text) NOT NULL
        );
        CREATE INDEX api_session_token ON api_session(token_id);
        CREATE TABLE agent_credential (
            id \(text) PRIMARY KEY CHECK (length(id) = 16),
            qkdn_id \(text) NOT NULL CHECK (length(qkdn_id) = 36 AND qkdn_id = lower(qkdn_id)),
            verifier \(text) NOT NULL UNIQUE CHECK (length(verifier) = 64),
            controller_proof text NOT NULL CHECK (length(controller_proof) = 64),
            created_at \(text) NOT NULL,
            created_by text,
            revoked_at \(text)
        );
        CREATE INDEX agent_credential_qkdn_id ON agent_credential(qkdn_id, created_at);
        CREATE TABLE audit (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            time \(text) NOT NULL,
            actor \(text) NOT NULL,
            role text,
            action \(text) NOT NULL,
            target text NOT NULL,
            status bigint NOT NULL,
            outcome text NOT NULL CHECK (outcome IN ('success', 'refused', 'failed')),
            detail text
        );
        CREATE INDEX audit_actor ON audit(actor, id);
        CREATE TABLE audit_retention (singleton integer PRIMARY KEY CHECK (singleton = 1), keep bigint NOT NULL CHECK (keep >= 1));
        INSERT INTO audit_retention VALUES (1, \(LogRetention.audit));
        """
}

extension PostgresSchema {
    /// A migration's statements one by one: the extended query protocol takes one at a time.
    static func statements(of sql: String) -> [String] {
        sql.components(separatedBy: ";\n").map { statement in
            statement.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }.joined(separator: "\n")
        }.filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    }
}
