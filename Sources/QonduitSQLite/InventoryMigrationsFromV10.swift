import GRDB
import QonduitStorage

extension InventoryMigrations {
    /// v10 on: the schema's changes since, each a named migration appended in order.
    static func registerFromV10(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v10: audit log retention") { db in
            // The audit log keeps the latest entries up to a bound (serve --audit-retention), as the event log does.
            try RetainedLog.audit.createRetention(keeping: LogRetention.audit, db)
        }
        migrator.registerMigration("v11: desired entries in rowid tables") { db in
            // An entry's XML is most of a kilobyte: WITHOUT ROWID tables keep whole rows in their key's
            // B-tree, where rows that large made every insert rebalance pages (most of a re-route pass's
            // time). Rows now go to the end of a rowid table; the key is a small unique index.
            for (table, key) in [("desired_link", "qkdl_id"), ("desired_app", "app_id")] {
                try db.execute(
                    sql: """
                        CREATE TABLE \(table)_new (
                            node_id TEXT NOT NULL REFERENCES node(id) ON DELETE CASCADE,
                            \(key) TEXT NOT NULL CHECK (length(\(key)) = 36),
                            entry TEXT NOT NULL,
                            key_path_id TEXT REFERENCES key_path(id) ON DELETE CASCADE,
                            UNIQUE (node_id, \(key))
                        ) STRICT
                        """)
                try db.execute(
                    sql: "INSERT INTO \(table)_new (node_id, \(key), entry, key_path_id) SELECT node_id, \(key), entry, key_path_id FROM \(table)")
                try db.execute(sql: "DROP TABLE \(table)")
                try db.execute(sql: "ALTER TABLE \(table)_new RENAME TO \(table)")
                try db.execute(sql: "CREATE INDEX \(table)_key_path ON \(table)(key_path_id) WHERE key_path_id IS NOT NULL")
            }
        }
        migrator.registerMigration("v12: protected key paths indexed") { db in
            // Repair looks for protected paths lacking a backup after every write: among them only.
            try db.execute(sql: "CREATE INDEX key_path_protected ON key_path(state) WHERE protection = 'disjoint_backup'")
        }
        migrator.registerMigration("v13: key-path configuration derived from routes") { db in
            // What a key path asks of its nodes follows from its routes and its nodes' qkdn_id, and is
            // worked out when it is pushed or reconciled: storing it as XML was most of a re-route pass's
            // writes. Only the routes a re-route replaced need a record until the path is active on its
            // new ones (make before break), so that the reconciler leaves their virtual links alone.
            try db.execute(
                sql: """
                    CREATE TABLE retiring_route (
                        key_path_id TEXT NOT NULL REFERENCES key_path(id) ON DELETE CASCADE,
                        qkdl_id TEXT NOT NULL CHECK (length(qkdl_id) = 36),
                        nodes TEXT NOT NULL,
                        PRIMARY KEY (key_path_id, qkdl_id)
                    ) STRICT, WITHOUT ROWID
                    """)
            // The virtual links a re-route in progress still desired are its retiring routes.
            try db.execute(
                sql: """
                    INSERT INTO retiring_route (key_path_id, qkdl_id, nodes)
                    SELECT key_path_id, qkdl_id, json_group_array(node_id) FROM desired_link d
                    WHERE key_path_id IS NOT NULL
                        AND qkdl_id NOT IN (SELECT qkdl_id FROM key_path_route r WHERE r.key_path_id = d.key_path_id)
                    GROUP BY key_path_id, qkdl_id
                    """)
            // The desired tables keep the entries set by hand.
            for (table, key) in [("desired_link", "qkdl_id"), ("desired_app", "app_id")] {
                try db.execute(
                    sql: """
                        CREATE TABLE \(table)_new (
                            node_id TEXT NOT NULL REFERENCES node(id) ON DELETE CASCADE,
                            \(key) TEXT NOT NULL CHECK (length(\(key)) = 36),
                            entry TEXT NOT NULL,
                            UNIQUE (node_id, \(key))
                        ) STRICT
                        """)
                try db.execute(
                    sql: "INSERT INTO \(table)_new (node_id, \(key), entry) SELECT node_id, \(key), entry FROM \(table) WHERE key_path_id IS NULL")
                try db.execute(sql: "DROP TABLE \(table)")
                try db.execute(sql: "ALTER TABLE \(table)_new RENAME TO \(table)")
            }
        }
        migrator.registerMigration("v14: re-route writes without per-row triggers") { db in
            // A re-route pass rewrites the routes, reservations and states of thousands of paths; what
            // each row set off (a foreign-key action, a trigger program) cost more than the row itself.
            // Reservations belong to their key path, and whoever replaces routes deletes them (one
            // statement for a pass), instead of each route's deletion cascading to its own.
            try db.execute(
                sql: """
                    CREATE TABLE reservation_new (
                        key_path_id TEXT NOT NULL REFERENCES key_path(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL,
                        link_id TEXT NOT NULL REFERENCES link(id) ON DELETE RESTRICT,
                        rate_bps REAL NOT NULL CHECK (rate_bps > 0),
                        PRIMARY KEY (key_path_id, position, link_id)
                    ) STRICT, WITHOUT ROWID
                    """)
            try db.execute(sql: "INSERT INTO reservation_new SELECT key_path_id, position, link_id, rate_bps FROM reservation")
            try db.execute(sql: "DROP TABLE reservation")
            try db.execute(sql: "ALTER TABLE reservation_new RENAME TO reservation")
            try db.execute(sql: "CREATE INDEX reservation_link ON reservation(link_id)")
            // The logs are trimmed to their bound once per write transaction (`RetainedLog.trim`).
            try db.execute(sql: "DROP TRIGGER event_retained")
            try db.execute(sql: "DROP TRIGGER audit_retained")
            // A key path's state changes are logged by the statement that makes them, for all the paths
            // it changes at once (`SQLiteInventory.setStates`, the only way state changes).
            try db.execute(sql: "DROP TRIGGER event_key_path_state")
        }
        migrator.registerMigration("v15: key paths indexed by age") { db in
            // Key paths are listed oldest first, a page at a time: without an index in that order every
            // page sorted every path (3.8 ms a page at 10,000 paths, and growing with them).
            try db.execute(sql: "CREATE INDEX key_path_created ON key_path(created_at, id)")
        }
        migrator.registerMigration("v16: reservations keyed by link") { db in
            // A reservation row only says that a key path holds rate on a link (the rate is its route's,
            // the link's sum is `link.reserved_bps`), and it is looked up by link: keyed that way, a
            // re-route pass writes each of its tens of thousands into one B-tree instead of a table
            // and an index. Whoever drops a path's routes drops its rows by key (`releaseRoutes`).
            try db.execute(
                sql: """
                    CREATE TABLE reservation_new (
                        link_id TEXT NOT NULL REFERENCES link(id) ON DELETE RESTRICT,
                        key_path_id TEXT NOT NULL,
                        PRIMARY KEY (link_id, key_path_id)
                    ) STRICT, WITHOUT ROWID
                    """)
            try db.execute(sql: "INSERT OR IGNORE INTO reservation_new SELECT link_id, key_path_id FROM reservation")
            try db.execute(sql: "DROP TABLE reservation")
            try db.execute(sql: "ALTER TABLE reservation_new RENAME TO reservation")
        }
        migrator.registerMigration("v17: only degraded key paths indexed by state") { db in
            // Every key path a re-route pass moves changes state twice (active, pending, active): an
            // index of every path's state rewrote an entry at each, a third of those updates' time.
            // Repair looks for the degraded ones by index; a list by another state walks the paths.
            try db.execute(sql: "DROP INDEX key_path_state")
            try db.execute(sql: "CREATE INDEX key_path_degraded ON key_path(state) WHERE state = 'degraded'")
        }
        migrator.registerMigration("v18: routes without an index of their virtual links") { db in
            // Nothing looks a route up by its virtual link's id, and the id is a random UUID: the
            // unique index on it was a third of writing a re-route pass's routes.
            try db.execute(
                sql: """
                    CREATE TABLE key_path_route_new (
                        key_path_id TEXT NOT NULL REFERENCES key_path(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL CHECK (position >= 0),
                        role TEXT NOT NULL CHECK (role IN ('primary', 'backup')),
                        rate_bps REAL NOT NULL CHECK (rate_bps > 0),
                        nodes TEXT NOT NULL,
                        links TEXT NOT NULL,
                        qkdl_id TEXT NOT NULL CHECK (length(qkdl_id) = 36),
                        PRIMARY KEY (key_path_id, position)
                    ) STRICT, WITHOUT ROWID
                    """)
            try db.execute(
                sql: "INSERT INTO key_path_route_new SELECT key_path_id, position, role, rate_bps, nodes, links, qkdl_id FROM key_path_route")
            try db.execute(sql: "DROP TABLE key_path_route")
            try db.execute(sql: "ALTER TABLE key_path_route_new RENAME TO key_path_route")
        }
        migrator.registerMigration("v19: link costs, planned and measured values apart") { db in
            // `status`, `key_rate_bps` and `qber` stay the values in force (QKDLink.current), which
            // admission, repair's look and the event triggers read. What the planner or operator set
            // and what each end's agent last measured are kept beside them, so that neither an import
            // overwrites a measurement nor one end's report undoes the other's.
            let status = "IN ('up', 'down', 'unknown')"
            try db.execute(
                sql: """
                    ALTER TABLE link ADD COLUMN cost REAL NOT NULL DEFAULT 1 CHECK (cost >= 0);
                    ALTER TABLE link ADD COLUMN nominal_key_rate_bps REAL NOT NULL DEFAULT 0 CHECK (nominal_key_rate_bps >= 0);
                    ALTER TABLE link ADD COLUMN nominal_qber REAL CHECK (nominal_qber BETWEEN 0 AND 1);
                    ALTER TABLE link ADD COLUMN admin_status TEXT NOT NULL DEFAULT 'up' CHECK (admin_status \(status));
                    ALTER TABLE link ADD COLUMN a_status TEXT CHECK (a_status \(status));
                    ALTER TABLE link ADD COLUMN a_key_rate_bps REAL CHECK (a_key_rate_bps >= 0);
                    ALTER TABLE link ADD COLUMN a_qber REAL CHECK (a_qber BETWEEN 0 AND 1);
                    ALTER TABLE link ADD COLUMN b_status TEXT CHECK (b_status \(status));
                    ALTER TABLE link ADD COLUMN b_key_rate_bps REAL CHECK (b_key_rate_bps >= 0);
                    ALTER TABLE link ADD COLUMN b_qber REAL CHECK (b_qber BETWEEN 0 AND 1);
                    UPDATE link SET nominal_key_rate_bps = key_rate_bps, nominal_qber = qber, admin_status = status;
                    """)
        }
        migrator.registerMigration("v20: the credential each agent uses") { db in
            // Issuing a node a new credential must not cut off its agent, which holds the old one until
            // it is given the new: the controller proves itself with the credential the agent last used.
            try db.execute(sql: "ALTER TABLE agent ADD COLUMN credential_id TEXT")
        }
        migrator.registerMigration("v21: devices onboarded by address") { db in
            // A registered agent announces itself; an onboarded device is one the controller was given
            // the address of and polls. Its credential is sealed with the key file beside the database.
            try db.execute(
                sql: """
                    ALTER TABLE agent ADD COLUMN kind TEXT NOT NULL DEFAULT 'registered' CHECK (kind IN ('registered', 'onboarded'));
                    ALTER TABLE agent ADD COLUMN encoding TEXT NOT NULL DEFAULT 'xml' CHECK (encoding IN ('xml', 'json'));
                    ALTER TABLE agent ADD COLUMN sealed_credential BLOB;
                    ALTER TABLE agent ADD COLUMN polled_at TEXT;
                    ALTER TABLE agent ADD COLUMN poll_error TEXT;
                    ALTER TABLE agent ADD COLUMN etag TEXT;
                    ALTER TABLE agent ADD COLUMN identity_mismatch INTEGER NOT NULL DEFAULT 0 CHECK (identity_mismatch IN (0, 1));
                    """)
        }
        migrator.registerMigration("v22: onboarded devices' notification streams and capabilities") { db in
            // yang_patch: whether entries may be removed with RFC 8072 YANG Patch (registered agents try it
            // and fall back; an onboarded device only when it lists the capability).
            try db.execute(
                sql: """
                    ALTER TABLE agent ADD COLUMN stream_state TEXT CHECK (stream_state IN ('none', 'connecting', 'open', 'retrying'));
                    ALTER TABLE agent ADD COLUMN stream_error TEXT;
                    ALTER TABLE agent ADD COLUMN yang_patch INTEGER NOT NULL DEFAULT 1 CHECK (yang_patch IN (0, 1));
                    """)
        }
        migrator.registerMigration("v23: the CA an onboarded device's certificate is verified with") { db in
            try db.execute(sql: "ALTER TABLE agent ADD COLUMN tls_ca TEXT CHECK (length(tls_ca) <= 65536)")
        }
        migrator.registerMigration("v24: console sessions") { db in
            // A session lives no longer than its token: it goes with it, and revocation ends it (the check joins).
            try db.execute(
                sql: """
                    CREATE TABLE api_session (
                        hash TEXT PRIMARY KEY NOT NULL,
                        token_id TEXT NOT NULL REFERENCES api_token(id) ON DELETE CASCADE,
                        created_at TEXT NOT NULL,
                        expires_at TEXT NOT NULL
                    );
                    CREATE INDEX api_session_token ON api_session(token_id);
                    """)
        }
        migrator.registerMigration("v25: links an operator holds down") { db in
            try db.execute(sql: "ALTER TABLE link ADD COLUMN held_down INTEGER NOT NULL DEFAULT 0 CHECK (held_down IN (0, 1))")
            // Who set an existing down is not recorded: it is held, so that an upgrade followed by a
            // restart with a file saying up brings no link into service by surprise. A down the
            // import gave a link with no rate (beyond the fiber model's reach) is the import's.
            try db.execute(sql: "UPDATE link SET held_down = 1 WHERE admin_status = 'down' AND nominal_key_rate_bps > 0")
        }
        migrator.registerMigration("v26: a node's planned status apart from what its agent says") { db in
            let status = "IN ('up', 'down', 'unknown', 'unreachable')"
            try db.execute(
                sql: """
                    ALTER TABLE node ADD COLUMN admin_status TEXT NOT NULL DEFAULT 'up' CHECK (admin_status \(status));
                    ALTER TABLE node ADD COLUMN measured_status TEXT CHECK (measured_status \(status));
                    ALTER TABLE agent ADD COLUMN stated_status TEXT CHECK (stated_status IN ('up', 'down', 'unknown'));
                    UPDATE agent SET stated_status = node_status;
                    """)
            // Where no agent speaks, the status is the planner's. Where one does, it was the agent's
            // (or the controller's `unreachable`), and the plan behind it was not kept: up, unless down.
            try db.execute(
                sql: """
                    UPDATE node SET admin_status = status WHERE id NOT IN (SELECT node_id FROM agent);
                    UPDATE node SET admin_status = CASE WHEN status = 'down' THEN 'down' ELSE 'up' END,
                        measured_status = CASE WHEN status = 'down' THEN NULL ELSE status END
                    WHERE id IN (SELECT node_id FROM agent);
                    """)
        }
        migrator.registerMigration("v27: how a device takes configuration") { db in
            // `post`: the device refused PUT and PATCH (405 or 501), and takes entries by RFC 8040 create.
            try db.execute(
                sql: "ALTER TABLE agent ADD COLUMN write_method TEXT NOT NULL DEFAULT 'put' CHECK (write_method IN ('put', 'post'))")
        }
        migrator.registerMigration("v28: events written by Swift") { db in
            // Each change's event is logged by the code that makes it, in its transaction (`SQLiteInventory.logEvent`):
            // one mechanism, and one a second storage engine can have.
            for trigger in ["event_node_status", "event_link_status", "event_key_path_created", "event_key_path_deleted"] {
                try db.execute(sql: "DROP TRIGGER IF EXISTS \(trigger)")
            }
        }
        migrator.registerMigration("v29: controllers and the leader lease") { db in
            // One controller serves an SQLite file (its lock says so); the lease gives it an epoch like
            // PostgreSQL's, which grows at every start, for its nodes to tell its requests from an older one's.
            try db.execute(
                sql: """
                    CREATE TABLE controller (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
                        advertise_url TEXT NOT NULL CHECK (length(advertise_url) BETWEEN 1 AND 2048),
                        started_at TEXT NOT NULL,
                        last_seen_at TEXT NOT NULL
                    ) STRICT, WITHOUT ROWID;
                    CREATE TABLE leader_lease (
                        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                        holder TEXT,
                        epoch INTEGER NOT NULL CHECK (epoch >= 0),
                        expires_at TEXT NOT NULL
                    ) STRICT;
                    INSERT INTO leader_lease VALUES (1, NULL, 0, '0000-01-01 00:00:00.000');
                    """)
        }
    }
}
