import GRDB

/// The schema, as named, append-only migrations: never edit one that has shipped; add another.
enum InventoryMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: nodes and links") { db in
            // Constraints repeat the domain's rules so that no writer, however buggy, stores a bad row.
            try db.execute(sql: """
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
            try db.execute(sql: """
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
        return migrator
    }
}
