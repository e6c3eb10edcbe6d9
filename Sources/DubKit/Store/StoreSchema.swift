import GRDB

/// The project store's schema: named, append-only migrations registered in one place.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-domain-model") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2-voice-model-data") { db in
            // What a provider hands back for a trained voice (the local engine's profile), and the
            // content hash of the dataset it was trained from.
            try db.execute(sql: """
                ALTER TABLE voice ADD COLUMN model_data TEXT CHECK (model_data IS NULL OR json_valid(model_data));
                ALTER TABLE voice ADD COLUMN dataset_hash TEXT;
                """)
        }
        migrator.registerMigration("v3-voice-training-request") { db in
            // What the training was asked for, so `voice run` can continue it after an interruption.
            try db.execute(sql: """
                ALTER TABLE voice ADD COLUMN max_minutes INTEGER CHECK (max_minutes IS NULL OR max_minutes > 0);
                ALTER TABLE voice ADD COLUMN separate INTEGER NOT NULL DEFAULT 0 CHECK (separate IN (0, 1));
                """)
        }
        migrator.registerMigration("v4-dataset-file-analysis") { db in
            // What `dataset add` measures of each recording; NULL for files added before.
            try db.execute(sql: """
                ALTER TABLE dataset_file ADD COLUMN loudness_lufs REAL;
                ALTER TABLE dataset_file ADD COLUMN peak_dbfs REAL;
                ALTER TABLE dataset_file ADD COLUMN clipped_samples INTEGER CHECK (clipped_samples IS NULL OR clipped_samples >= 0);
                ALTER TABLE dataset_file ADD COLUMN speech_share REAL CHECK (speech_share IS NULL OR speech_share BETWEEN 0 AND 1);
                ALTER TABLE dataset_file ADD COLUMN snr_db REAL;
                ALTER TABLE dataset_file ADD COLUMN analysed INTEGER NOT NULL DEFAULT 0 CHECK (analysed IN (0, 1));
                """)
        }
        migrator.registerMigration("v5-dub-link-download") { db in
            // The SHA-256 of what a link dub's link delivered, stored in media/, so a rerun uses it
            // instead of downloading again.
            try db.execute(sql: "ALTER TABLE dub ADD COLUMN link_media_hash TEXT REFERENCES media(hash)")
        }
        migrator.registerMigration("v6-dub-sync-report") { db in
            // How the dubbed track keeps to its source (JSON of SyncReport), measured after download.
            try db.execute(sql: "ALTER TABLE dub ADD COLUMN sync_report TEXT CHECK (sync_report IS NULL OR json_valid(sync_report))")
        }
        migrator.registerMigration("v7-voice-credits-required") { db in
            // What a voice's paid training step costs, so a training under way counts against the budget.
            try db.execute(sql: "ALTER TABLE voice ADD COLUMN credits_required INTEGER CHECK (credits_required IS NULL OR credits_required >= 0)")
        }
        migrator.registerMigration("v8-voice-training-parameters") { db in
            // The provider-specific parameters a training was asked for (Cartesia's language, model_id,
            // description), so `voice run` can create the remote voice with them after an interruption.
            try db.execute(sql: """
                ALTER TABLE voice ADD COLUMN training_parameters TEXT
                    CHECK (training_parameters IS NULL OR (json_valid(training_parameters) AND json_type(training_parameters) = 'object'));
                """)
        }
        migrator.registerMigration("v9-dub-chunks") { db in
            // A long input is dubbed in chunks, each a dub of its own under the dub it is part of
            // (parent_id, its place and its span of the source); the parent records how many it has
            // and the longest chunk its user asked for (`dub create --chunk`).
            try db.execute(sql: """
                ALTER TABLE dub ADD COLUMN parent_id INTEGER REFERENCES dub(id) ON DELETE CASCADE;
                ALTER TABLE dub ADD COLUMN chunk_index INTEGER CHECK (chunk_index IS NULL OR chunk_index >= 0);
                ALTER TABLE dub ADD COLUMN chunk_start_ms INTEGER CHECK (chunk_start_ms IS NULL OR chunk_start_ms >= 0);
                ALTER TABLE dub ADD COLUMN chunk_end_ms INTEGER CHECK (chunk_end_ms IS NULL OR chunk_end_ms > chunk_start_ms);
                ALTER TABLE dub ADD COLUMN chunk_seconds REAL CHECK (chunk_seconds IS NULL OR chunk_seconds >= 1);
                ALTER TABLE dub ADD COLUMN chunk_count INTEGER CHECK (chunk_count IS NULL OR chunk_count >= 2);
                CREATE UNIQUE INDEX dub_chunk ON dub(parent_id, chunk_index) WHERE parent_id IS NOT NULL;
                """)
        }
        migrator.registerMigration("v10-claims-and-paid-calls") { db in
            // Claims: a dub (each chunk too) and a voice training are advanced only by the runner holding
            // their claim (host, pid and start time of its process), until `claim_lease_until_ms`; the
            // fence is raised by every new claim, and every write of a runner is conditional on it.
            // The paid-call ledger: one row per paid request, keyed by a deterministic idempotency key,
            // written before the request and settled after it (see ``PaidCall``).
            try db.execute(sql: v10)
        }
        migrator.registerMigration("v11-dub-convert-key") { db in
            // What a `dubkit convert` asked for (input content, voice, parameters, output), so running the
            // same convert again continues its dub instead of creating and paying for a second one.
            try db.execute(sql: """
                ALTER TABLE dub ADD COLUMN convert_key TEXT CHECK (convert_key IS NULL OR length(convert_key) = 64);
                CREATE INDEX dub_convert_key ON dub(convert_key) WHERE convert_key IS NOT NULL;
                """)
        }
        migrator.registerMigration("v12-paid-call-keeps-deleted") { db in
            // Deleting a dub or a voice keeps its paid calls, the record of money spent: their dub_id and
            // voice_id become NULL (SQLite cannot alter a foreign key, so the table is rebuilt), and the
            // credits the deleted records had used stay counted in `project.deleted_credits_used`.
            try db.execute(sql: v12)
        }
        migrator.registerMigration("v13-provider-pace") { db in
            // The providers' pacing rules shared by every process on the project (``SharedPacer``):
            // per provider and key (a job's reads), when its last request left and who holds its turn.
            try db.create(table: ProviderPace.databaseTableName, options: .withoutRowID) { table in
                table.column("provider_id", .text).notNull().check { length($0) > 0 }
                table.column("key", .text).notNull().check { length($0) > 0 }
                table.column("last_sent_ms", .integer)
                table.column("holder_host", .text)
                table.column("holder_pid", .integer)
                table.column("holder_started_ms", .integer)
                table.column("holder_turn", .integer)
                table.column("held_until_ms", .integer)
                table.primaryKey(["provider_id", "key"])
            }
        }
        return migrator
    }

    private static let v10 = """
        ALTER TABLE dub ADD COLUMN claim_host TEXT;
        ALTER TABLE dub ADD COLUMN claim_pid INTEGER CHECK (claim_pid IS NULL OR claim_pid > 0);
        ALTER TABLE dub ADD COLUMN claim_started_ms INTEGER;
        ALTER TABLE dub ADD COLUMN claim_lease_until_ms INTEGER;
        ALTER TABLE dub ADD COLUMN claim_fence INTEGER NOT NULL DEFAULT 0 CHECK (claim_fence >= 0);
        ALTER TABLE voice ADD COLUMN claim_host TEXT;
        ALTER TABLE voice ADD COLUMN claim_pid INTEGER CHECK (claim_pid IS NULL OR claim_pid > 0);
        ALTER TABLE voice ADD COLUMN claim_started_ms INTEGER;
        ALTER TABLE voice ADD COLUMN claim_lease_until_ms INTEGER;
        ALTER TABLE voice ADD COLUMN claim_fence INTEGER NOT NULL DEFAULT 0 CHECK (claim_fence >= 0);
            CREATE TABLE paid_call (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                idempotency_key TEXT NOT NULL UNIQUE CHECK (length(idempotency_key) = 64),
                provider_id TEXT NOT NULL CHECK (length(provider_id) > 0),
                operation TEXT NOT NULL CHECK (operation IN ('generate', 'train')),
                dub_id INTEGER REFERENCES dub(id) ON DELETE CASCADE,
                voice_id INTEGER REFERENCES voice(id) ON DELETE CASCADE,
                job_id TEXT,
                credits INTEGER NOT NULL CHECK (credits >= 0),
                state TEXT NOT NULL CHECK (state IN ('open', 'completed', 'not_sent', 'unknown', 'abandoned')),
                sends INTEGER NOT NULL DEFAULT 1 CHECK (sends >= 0),
                fence INTEGER NOT NULL CHECK (fence >= 0),
                runner TEXT NOT NULL,
                opened_at DATETIME NOT NULL,
                settled_at DATETIME,
                note TEXT,
                CHECK ((dub_id IS NULL) <> (voice_id IS NULL))
            );
            CREATE INDEX paid_call_dub ON paid_call(dub_id) WHERE dub_id IS NOT NULL;
            CREATE INDEX paid_call_voice ON paid_call(voice_id) WHERE voice_id IS NOT NULL;
            CREATE INDEX paid_call_state ON paid_call(state) WHERE state IN ('open', 'unknown', 'abandoned');
        """

    private static let v12 = """
        CREATE TABLE paid_call_v12 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            idempotency_key TEXT NOT NULL UNIQUE CHECK (length(idempotency_key) = 64),
            provider_id TEXT NOT NULL CHECK (length(provider_id) > 0),
            operation TEXT NOT NULL CHECK (operation IN ('generate', 'train')),
            dub_id INTEGER REFERENCES dub(id) ON DELETE SET NULL,
            voice_id INTEGER REFERENCES voice(id) ON DELETE SET NULL,
            job_id TEXT,
            credits INTEGER NOT NULL CHECK (credits >= 0),
            state TEXT NOT NULL CHECK (state IN ('open', 'completed', 'not_sent', 'unknown', 'abandoned')),
            sends INTEGER NOT NULL DEFAULT 1 CHECK (sends >= 0),
            fence INTEGER NOT NULL CHECK (fence >= 0),
            runner TEXT NOT NULL,
            opened_at DATETIME NOT NULL,
            settled_at DATETIME,
            note TEXT,
            CHECK (dub_id IS NULL OR voice_id IS NULL)
        );
        INSERT INTO paid_call_v12 SELECT id, idempotency_key, provider_id, operation, dub_id, voice_id, job_id, credits, state,
            sends, fence, runner, opened_at, settled_at, note FROM paid_call;
        DROP TABLE paid_call;
        ALTER TABLE paid_call_v12 RENAME TO paid_call;
        CREATE INDEX paid_call_dub ON paid_call(dub_id) WHERE dub_id IS NOT NULL;
        CREATE INDEX paid_call_voice ON paid_call(voice_id) WHERE voice_id IS NOT NULL;
        CREATE INDEX paid_call_state ON paid_call(state) WHERE state IN ('open', 'unknown', 'abandoned');
        ALTER TABLE project ADD COLUMN deleted_credits_used INTEGER NOT NULL DEFAULT 0 CHECK (deleted_credits_used >= 0);
        """

    /// Tables, constraints and the guards that keep the event log append-only and every status
    /// change inside its lifecycle table, whatever code path writes it.
    private static let v1 = """
        CREATE TABLE project (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL,
            created_at DATETIME NOT NULL,
            budget_credits INTEGER CHECK (budget_credits IS NULL OR budget_credits >= 0)
        );
        CREATE TABLE media (
            hash TEXT PRIMARY KEY CHECK (length(hash) = 64),
            byte_count INTEGER NOT NULL CHECK (byte_count >= 0),
            created_at DATETIME NOT NULL
        );
        CREATE TABLE dataset (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
            created_at DATETIME NOT NULL
        );
        CREATE TABLE dataset_file (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            dataset_id INTEGER NOT NULL REFERENCES dataset(id) ON DELETE CASCADE,
            media_hash TEXT NOT NULL REFERENCES media(hash),
            original_name TEXT NOT NULL,
            duration_seconds REAL NOT NULL CHECK (duration_seconds >= 0),
            sample_rate INTEGER NOT NULL CHECK (sample_rate > 0),
            channels INTEGER NOT NULL CHECK (channels > 0),
            added_at DATETIME NOT NULL,
            UNIQUE (dataset_id, media_hash)
        );
        CREATE TABLE voice (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            provider_id TEXT NOT NULL CHECK (length(provider_id) > 0),
            provider_voice_id TEXT,
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
            status TEXT NOT NULL,
            languages TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(languages) AND json_type(languages) = 'array'),
            genres TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(genres) AND json_type(genres) = 'array'),
            styles TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(styles) AND json_type(styles) = 'array'),
            dataset_id INTEGER REFERENCES dataset(id) ON DELETE SET NULL,
            credits_used INTEGER NOT NULL DEFAULT 0 CHECK (credits_used >= 0),
            error_code TEXT,
            error_message TEXT,
            created_at DATETIME NOT NULL,
            updated_at DATETIME NOT NULL,
            UNIQUE (provider_id, name)
        );
        CREATE TABLE dub (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            provider_id TEXT NOT NULL CHECK (length(provider_id) > 0),
            voice_ref TEXT NOT NULL CHECK (length(voice_ref) > 0),
            voice_id INTEGER REFERENCES voice(id) ON DELETE SET NULL,
            source_kind TEXT NOT NULL CHECK (source_kind IN ('file', 'link')),
            source TEXT NOT NULL,
            source_media_hash TEXT REFERENCES media(hash),
            result_media_hash TEXT REFERENCES media(hash),
            pitch_shift INTEGER NOT NULL DEFAULT 0 CHECK (pitch_shift BETWEEN -24 AND 24),
            separate BOOLEAN NOT NULL DEFAULT 0 CHECK (separate IN (0, 1)),
            parameters TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(parameters) AND json_type(parameters) = 'object'),
            status TEXT NOT NULL,
            provider_job_id TEXT,
            input_duration_ms INTEGER CHECK (input_duration_ms IS NULL OR input_duration_ms >= 0),
            credits_required INTEGER CHECK (credits_required IS NULL OR credits_required >= 0),
            credits_used INTEGER NOT NULL DEFAULT 0 CHECK (credits_used >= 0),
            error_code TEXT,
            error_message TEXT,
            created_at DATETIME NOT NULL,
            updated_at DATETIME NOT NULL
        );
        CREATE INDEX dub_status ON dub(status);
        CREATE TABLE stage_attempt (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            dub_id INTEGER REFERENCES dub(id) ON DELETE CASCADE,
            voice_id INTEGER REFERENCES voice(id) ON DELETE CASCADE,
            stage TEXT NOT NULL,
            attempt INTEGER NOT NULL CHECK (attempt >= 1),
            outcome TEXT NOT NULL CHECK (outcome IN ('running', 'succeeded', 'failed')),
            provider_job_id TEXT,
            request_fingerprint TEXT,
            started_at DATETIME NOT NULL,
            finished_at DATETIME,
            error_code TEXT,
            error_message TEXT,
            CHECK ((dub_id IS NULL) <> (voice_id IS NULL))
        );
        CREATE UNIQUE INDEX stage_attempt_dub ON stage_attempt(dub_id, stage, attempt) WHERE dub_id IS NOT NULL;
        CREATE UNIQUE INDEX stage_attempt_voice ON stage_attempt(voice_id, stage, attempt) WHERE voice_id IS NOT NULL;
        CREATE TABLE export (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            path TEXT NOT NULL,
            format TEXT NOT NULL,
            settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings) AND json_type(settings) = 'object'),
            file_hash TEXT NOT NULL CHECK (length(file_hash) = 64),
            created_at DATETIME NOT NULL
        );
        CREATE TABLE export_dub (
            export_id INTEGER NOT NULL REFERENCES export(id) ON DELETE CASCADE,
            dub_id INTEGER NOT NULL REFERENCES dub(id),
            position INTEGER NOT NULL CHECK (position >= 0),
            PRIMARY KEY (export_id, dub_id)
        );
        CREATE TABLE event (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at DATETIME NOT NULL,
            entity TEXT NOT NULL CHECK (entity IN ('project', 'voice', 'dataset', 'dub', 'export')),
            entity_id INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('created', 'transition', 'note')),
            from_status TEXT,
            to_status TEXT,
            message TEXT
        );
        CREATE INDEX event_entity ON event(entity, entity_id);
        CREATE TRIGGER event_no_update BEFORE UPDATE ON event
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TRIGGER event_no_delete BEFORE DELETE ON event
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TABLE lifecycle_transition (
            entity TEXT NOT NULL,
            from_status TEXT NOT NULL,
            to_status TEXT NOT NULL,
            PRIMARY KEY (entity, from_status, to_status)
        ) WITHOUT ROWID;
        CREATE TRIGGER dub_status_guard BEFORE UPDATE OF status ON dub
            WHEN OLD.status <> NEW.status AND NOT EXISTS (
                SELECT 1 FROM lifecycle_transition
                WHERE entity = 'dub' AND from_status = OLD.status AND to_status = NEW.status)
            BEGIN SELECT RAISE(ABORT, 'illegal dub status transition'); END;
        CREATE TRIGGER voice_status_guard BEFORE UPDATE OF status ON voice
            WHEN OLD.status <> NEW.status AND NOT EXISTS (
                SELECT 1 FROM lifecycle_transition
                WHERE entity = 'voice' AND from_status = OLD.status AND to_status = NEW.status)
            BEGIN SELECT RAISE(ABORT, 'illegal voice status transition'); END;
        """

    private struct Edge: Hashable, Comparable {
        var entity: String, from: String, to: String

        static func < (a: Edge, b: Edge) -> Bool {
            (a.entity, a.from, a.to) < (b.entity, b.from, b.to)
        }
    }

    private static func edges<S: LifecycleStatus>(_: S.Type) -> [Edge] {
        S.allowedPairs.map { Edge(entity: S.entity.rawValue, from: $0.from, to: $0.to) }
    }

    /// Makes the guard triggers' table equal the Swift transition tables, the single source of truth.
    /// Reads first, so an up-to-date store is not written on open.
    static func syncTransitionTable(_ writer: some DatabaseWriter) throws {
        let wanted = Set(edges(DubStatus.self) + edges(VoiceStatus.self))
        let fetch = { (db: Database) in
            Set(try Row.fetchAll(db, sql: "SELECT entity, from_status, to_status FROM lifecycle_transition")
                .map { Edge(entity: $0[0], from: $0[1], to: $0[2]) })
        }
        guard try writer.read(fetch) != wanted else { return }
        try writer.write { db in
            guard try fetch(db) != wanted else { return }
            try db.execute(sql: "DELETE FROM lifecycle_transition")
            for edge in wanted.sorted() {
                try db.execute(
                    sql: "INSERT INTO lifecycle_transition (entity, from_status, to_status) VALUES (?, ?, ?)",
                    arguments: [edge.entity, edge.from, edge.to])
            }
        }
    }
}
