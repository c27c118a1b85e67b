import GRDB
import QonduitStorage

/// The schema, as named, append-only migrations: never edit one that has shipped; add another.
enum InventoryMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        // v1 to v9: the schema as it was first built.
        migrator.registerMigration("v1: nodes and links") { db in
            // Constraints repeat the domain's rules so that no writer, however buggy, stores a bad row.
            try db.execute(
                sql: """
                    CREATE TABLE node (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
                        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 256),
                        trusted INTEGER NOT NULL DEFAULT 1 CHECK (trusted IN (0, 1)),
                        latitude REAL CHECK (latitude BETWEEN -90 AND 90),
                        longitude REAL CHECK (longitude BETWEEN -180 AND 180),
                        site TEXT CHECK (site IS NULL OR length(site) BETWEEN 1 AND 256),
                        status TEXT NOT NULL CHECK (status IN ('up', 'down', 'unknown')),
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        CHECK ((latitude IS NULL) = (longitude IS NULL))
                    ) STRICT, WITHOUT ROWID
                    """)
            try db.execute(
                sql: """
                    CREATE TABLE link (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
                        node_a TEXT NOT NULL REFERENCES node(id) ON DELETE RESTRICT,
                        node_b TEXT NOT NULL REFERENCES node(id) ON DELETE RESTRICT,
                        length_km REAL NOT NULL CHECK (length_km >= 0),
                        key_rate_bps REAL NOT NULL CHECK (key_rate_bps >= 0),
                        status TEXT NOT NULL CHECK (status IN ('up', 'down', 'unknown')),
                        qber REAL CHECK (qber BETWEEN 0 AND 1),
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        CHECK (node_a <> node_b)
                    ) STRICT, WITHOUT ROWID
                    """)
            try db.execute(sql: "CREATE INDEX link_node_a ON link(node_a)")
            try db.execute(sql: "CREATE INDEX link_node_b ON link(node_b)")
        }
        migrator.registerMigration("v2: GS QKD 015 identities, unreachable nodes, agents") { db in
            // A CHECK constraint cannot be altered in SQLite: the node table is rebuilt (links keep
            // referring to it by name), and every existing row gets a random version-4 UUID.
            let randomUUID = """
                lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-'
                    || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))
                """
            try db.execute(
                sql: """
                    CREATE TABLE node_v2 (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
                        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 256),
                        trusted INTEGER NOT NULL DEFAULT 1 CHECK (trusted IN (0, 1)),
                        latitude REAL CHECK (latitude BETWEEN -90 AND 90),
                        longitude REAL CHECK (longitude BETWEEN -180 AND 180),
                        site TEXT CHECK (site IS NULL OR length(site) BETWEEN 1 AND 256),
                        status TEXT NOT NULL CHECK (status IN ('up', 'down', 'unknown', 'unreachable')),
                        qkdn_id TEXT NOT NULL UNIQUE CHECK (length(qkdn_id) = 36 AND qkdn_id = lower(qkdn_id)),
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        CHECK ((latitude IS NULL) = (longitude IS NULL))
                    ) STRICT, WITHOUT ROWID
                    """)
            try db.execute(
                sql: """
                    INSERT INTO node_v2 (id, name, trusted, latitude, longitude, site, status, qkdn_id, created_at, updated_at)
                    SELECT id, name, trusted, latitude, longitude, site, status, \(randomUUID), created_at, updated_at FROM node
                    """)
            try db.execute(sql: "DROP TABLE node")
            try db.execute(sql: "ALTER TABLE node_v2 RENAME TO node")
            try db.execute(
                sql: "ALTER TABLE link ADD COLUMN qkdl_id TEXT CHECK (qkdl_id IS NULL OR (length(qkdl_id) = 36 AND qkdl_id = lower(qkdl_id)))")
            try db.execute(sql: "UPDATE link SET qkdl_id = \(randomUUID)")
            try db.execute(sql: "CREATE UNIQUE INDEX link_qkdl_id ON link(qkdl_id)")
        }
        migrator.registerMigration("v3: agents") { db in
            // One agent per node; the tree is the agent's last qkd_node document, as it sent it.
            try db.execute(
                sql: """
                    CREATE TABLE agent (
                        node_id TEXT PRIMARY KEY NOT NULL REFERENCES node(id) ON DELETE CASCADE,
                        restconf_url TEXT NOT NULL CHECK (length(restconf_url) BETWEEN 1 AND 2048),
                        state TEXT NOT NULL CHECK (state IN ('reachable', 'unreachable')),
                        heartbeat_interval_ms INTEGER NOT NULL CHECK (heartbeat_interval_ms > 0),
                        node_status TEXT NOT NULL CHECK (node_status IN ('up', 'down', 'unknown')),
                        tree TEXT NOT NULL,
                        registered_at TEXT NOT NULL,
                        last_seen_at TEXT NOT NULL
                    ) STRICT, WITHOUT ROWID
                    """)
            // Key held in each link's pool, as the agent at either end last reported it.
            try db.execute(
                sql: """
                    CREATE TABLE key_pool (
                        link_id TEXT NOT NULL REFERENCES link(id) ON DELETE CASCADE,
                        node_id TEXT NOT NULL REFERENCES agent(node_id) ON DELETE CASCADE,
                        bits INTEGER NOT NULL CHECK (bits >= 0),
                        reported_at TEXT NOT NULL,
                        PRIMARY KEY (link_id, node_id)
                    ) STRICT, WITHOUT ROWID
                    """)
            try db.execute(sql: "CREATE INDEX key_pool_node ON key_pool(node_id)")
        }
        migrator.registerMigration("v4: desired configuration of agents") { db in
            // What each node's agent should be configured with (virtual links, as qkd_link entries);
            // the reconciler makes the agents match and records what it had to correct.
            try db.execute(
                sql: """
                    CREATE TABLE desired_link (
                        node_id TEXT NOT NULL REFERENCES node(id) ON DELETE CASCADE,
                        qkdl_id TEXT NOT NULL CHECK (length(qkdl_id) = 36),
                        entry TEXT NOT NULL,
                        PRIMARY KEY (node_id, qkdl_id)
                    ) STRICT, WITHOUT ROWID
                    """)
            try db.execute(sql: "ALTER TABLE agent ADD COLUMN reconciled_at TEXT")
            try db.execute(sql: "ALTER TABLE agent ADD COLUMN drift INTEGER NOT NULL DEFAULT 0 CHECK (drift >= 0)")
            try db.execute(sql: "ALTER TABLE agent ADD COLUMN reconcile_error TEXT")
        }
        migrator.registerMigration("v5: desired applications of agents") { db in
            // The qkd_app entries each node's agent should have, as desired_link holds its virtual links.
            try db.execute(
                sql: """
                    CREATE TABLE desired_app (
                        node_id TEXT NOT NULL REFERENCES node(id) ON DELETE CASCADE,
                        app_id TEXT NOT NULL CHECK (length(app_id) = 36),
                        entry TEXT NOT NULL,
                        PRIMARY KEY (node_id, app_id)
                    ) STRICT, WITHOUT ROWID
                    """)
        }
        migrator.registerMigration("v6: key paths and reservations") { db in
            // A key path while it holds rate (pending, active, degraded) has routes and reservations;
            // a failed one keeps only its row and the reason.
            try db.execute(
                sql: """
                    CREATE TABLE key_path (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
                        source TEXT NOT NULL REFERENCES node(id) ON DELETE RESTRICT,
                        destination TEXT NOT NULL REFERENCES node(id) ON DELETE RESTRICT,
                        rate_bps REAL NOT NULL CHECK (rate_bps > 0),
                        metric TEXT NOT NULL,
                        max_hops INTEGER CHECK (max_hops IS NULL OR max_hops >= 1),
                        exclude_nodes TEXT NOT NULL,
                        exclude_links TEXT NOT NULL,
                        protection TEXT NOT NULL CHECK (protection IN ('none', 'disjoint_backup', 'multipath')),
                        path_count INTEGER NOT NULL CHECK (path_count >= 1),
                        client_app_id TEXT,
                        server_app_id TEXT,
                        app_id TEXT NOT NULL CHECK (length(app_id) = 36),
                        state TEXT NOT NULL CHECK (state IN ('pending', 'active', 'failed', 'degraded')),
                        reason TEXT,
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        CHECK (source <> destination)
                    ) STRICT, WITHOUT ROWID
                    """)
            try db.execute(sql: "CREATE INDEX key_path_state ON key_path(state)")
            try db.execute(
                sql: """
                    CREATE TABLE key_path_route (
                        key_path_id TEXT NOT NULL REFERENCES key_path(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL CHECK (position >= 0),
                        role TEXT NOT NULL CHECK (role IN ('primary', 'backup')),
                        rate_bps REAL NOT NULL CHECK (rate_bps > 0),
                        nodes TEXT NOT NULL,
                        links TEXT NOT NULL,
                        qkdl_id TEXT NOT NULL UNIQUE CHECK (length(qkdl_id) = 36),
                        PRIMARY KEY (key_path_id, position)
                    ) STRICT, WITHOUT ROWID
                    """)
            // A link with reservations cannot be deleted from under its key paths.
            try db.execute(
                sql: """
                    CREATE TABLE reservation (
                        key_path_id TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        link_id TEXT NOT NULL REFERENCES link(id) ON DELETE RESTRICT,
                        rate_bps REAL NOT NULL CHECK (rate_bps > 0),
                        PRIMARY KEY (key_path_id, position, link_id),
                        FOREIGN KEY (key_path_id, position) REFERENCES key_path_route(key_path_id, position) ON DELETE CASCADE
                    ) STRICT, WITHOUT ROWID
                    """)
            try db.execute(sql: "CREATE INDEX reservation_link ON reservation(link_id)")
            // The sum of a link's reservations, kept with the link so that admission reads it in O(links).
            try db.execute(sql: "ALTER TABLE link ADD COLUMN reserved_bps REAL NOT NULL DEFAULT 0 CHECK (reserved_bps >= 0)")
            // Desired entries a key path wrote: while it is pending they are provisioning's to push
            // (and to take back), not the reconciler's.
            try db.execute(sql: "ALTER TABLE desired_link ADD COLUMN key_path_id TEXT REFERENCES key_path(id) ON DELETE CASCADE")
            try db.execute(sql: "ALTER TABLE desired_app ADD COLUMN key_path_id TEXT REFERENCES key_path(id) ON DELETE CASCADE")
        }
        migrator.registerMigration("v7: event log") { db in
            // Changes operators follow (GET /api/v1/events), numbered in commit order. Status and
            // state changes are logged by triggers, in the transaction that makes them, so no writer
            // can change one without its event, nor log one that did not commit.
            try db.execute(
                sql: """
                    CREATE TABLE event (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        time TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        subject TEXT NOT NULL,
                        data TEXT NOT NULL CHECK (json_valid(data))
                    ) STRICT
                    """)
            try RetainedLog.event.createRetention(keeping: LogRetention.events, db)
            try db.execute(
                sql: """
                    CREATE TRIGGER event_node_status AFTER UPDATE OF status ON node WHEN OLD.status IS NOT NEW.status BEGIN
                        INSERT INTO event (time, kind, subject, data)
                        VALUES (\(nowSQL), 'node.status', NEW.id, json_object('node', NEW.id, 'from', OLD.status, 'to', NEW.status));
                    END;
                    CREATE TRIGGER event_link_status AFTER UPDATE OF status ON link WHEN OLD.status IS NOT NEW.status BEGIN
                        INSERT INTO event (time, kind, subject, data)
                        VALUES (\(nowSQL), 'link.status', NEW.id, json_object('link', NEW.id, 'from', OLD.status, 'to', NEW.status));
                    END;
                    CREATE TRIGGER event_key_path_created AFTER INSERT ON key_path BEGIN
                        INSERT INTO event (time, kind, subject, data)
                        VALUES (\(nowSQL), 'key_path.created', NEW.id, json_object(
                            'key_path', NEW.id, 'state', NEW.state, 'source', NEW.source, 'destination', NEW.destination, 'rate_bps', NEW.rate_bps));
                    END;
                    CREATE TRIGGER event_key_path_state AFTER UPDATE OF state ON key_path WHEN OLD.state IS NOT NEW.state BEGIN
                        INSERT INTO event (time, kind, subject, data)
                        VALUES (\(nowSQL), 'key_path.state', NEW.id, json_object('key_path', NEW.id, 'from', OLD.state, 'to', NEW.state, 'reason', NEW.reason));
                    END;
                    CREATE TRIGGER event_key_path_deleted AFTER DELETE ON key_path BEGIN
                        INSERT INTO event (time, kind, subject, data)
                        VALUES (\(nowSQL), 'key_path.deleted', OLD.id, json_object('key_path', OLD.id, 'state', OLD.state));
                    END;
                    """)
        }
        migrator.registerMigration("v8: desired entries by key path") { db in
            // Activation, failure and deletion of a key path find its desired entries by key path:
            // without these, each scanned every node's whole configuration.
            try db.execute(sql: "CREATE INDEX desired_link_key_path ON desired_link(key_path_id) WHERE key_path_id IS NOT NULL")
            try db.execute(sql: "CREATE INDEX desired_app_key_path ON desired_app(key_path_id) WHERE key_path_id IS NOT NULL")
        }
        migrator.registerMigration("v9: operators' tokens, agents' credentials, audit log") { db in
            // Only digests of secrets are stored: a copy of the database lets no one in.
            try db.execute(
                sql: """
                    CREATE TABLE api_token (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 16),
                        role TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
                        hash TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
                        description TEXT CHECK (description IS NULL OR length(description) <= 256),
                        created_at TEXT NOT NULL,
                        created_by TEXT,
                        expires_at TEXT,
                        revoked_at TEXT
                    ) STRICT, WITHOUT ROWID
                    """)
            try db.execute(
                sql: """
                    CREATE TABLE agent_credential (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 16),
                        qkdn_id TEXT NOT NULL CHECK (length(qkdn_id) = 36 AND qkdn_id = lower(qkdn_id)),
                        verifier TEXT NOT NULL UNIQUE CHECK (length(verifier) = 64),
                        controller_proof TEXT NOT NULL CHECK (length(controller_proof) = 64),
                        created_at TEXT NOT NULL,
                        created_by TEXT,
                        revoked_at TEXT
                    ) STRICT, WITHOUT ROWID
                    """)
            try db.execute(sql: "CREATE INDEX agent_credential_qkdn_id ON agent_credential(qkdn_id, created_at)")
            try db.execute(
                sql: """
                    CREATE TABLE audit (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        time TEXT NOT NULL,
                        actor TEXT NOT NULL,
                        role TEXT,
                        action TEXT NOT NULL,
                        target TEXT NOT NULL,
                        status INTEGER NOT NULL,
                        outcome TEXT NOT NULL CHECK (outcome IN ('success', 'refused', 'failed')),
                        detail TEXT
                    ) STRICT
                    """)
            try db.execute(sql: "CREATE INDEX audit_actor ON audit(actor, id)")
        }
        registerFromV10(in: &migrator)
        return migrator
    }
}
