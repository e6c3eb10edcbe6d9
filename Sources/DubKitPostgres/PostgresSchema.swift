/// One migration of the PostgreSQL schema: the name it has in `StoreSchema` and its statements.
struct PostgresMigration: Sendable {
    /// The migration's name, the same as SQLite's.
    let name: String
    /// Its statements, run in order inside the migration's transaction.
    let statements: [String]
}

/// The project schema on PostgreSQL: the same ordered, append-only migrations as `StoreSchema` (same
/// names, same tables and columns), written in PostgreSQL's dialect through ``PostgresDialect``.
enum PostgresSchema {
    private typealias D = PostgresDialect

    /// Every migration, in order; their names equal `StoreSchema.migrationNames` (a test holds them equal).
    static let migrations: [PostgresMigration] = [
        PostgresMigration(name: "v1-domain-model", statements: v1),
        PostgresMigration(name: "v2-voice-model-data", statements: [
            "ALTER TABLE voice ADD COLUMN \(D.json("model_data"))",
            "ALTER TABLE voice ADD COLUMN dataset_hash TEXT",
        ]),
        PostgresMigration(name: "v3-voice-training-request", statements: [
            "ALTER TABLE voice ADD COLUMN max_minutes \(D.integer) CHECK (max_minutes IS NULL OR max_minutes > 0)",
            "ALTER TABLE voice ADD COLUMN separate \(D.flag(default: false))",
        ]),
        PostgresMigration(name: "v4-dataset-file-analysis", statements: [
            "ALTER TABLE dataset_file ADD COLUMN loudness_lufs \(D.real)",
            "ALTER TABLE dataset_file ADD COLUMN peak_dbfs \(D.real)",
            "ALTER TABLE dataset_file ADD COLUMN clipped_samples \(D.integer) CHECK (clipped_samples IS NULL OR clipped_samples >= 0)",
            "ALTER TABLE dataset_file ADD COLUMN speech_share \(D.real) CHECK (speech_share IS NULL OR speech_share BETWEEN 0 AND 1)",
            "ALTER TABLE dataset_file ADD COLUMN snr_db \(D.real)",
            "ALTER TABLE dataset_file ADD COLUMN analysed \(D.flag(default: false))",
        ]),
        PostgresMigration(name: "v5-dub-link-download", statements: [
            "ALTER TABLE dub ADD COLUMN link_media_hash TEXT REFERENCES media(hash)",
        ]),
        PostgresMigration(name: "v6-dub-sync-report", statements: [
            "ALTER TABLE dub ADD COLUMN \(D.json("sync_report"))",
        ]),
        PostgresMigration(name: "v7-voice-credits-required", statements: [
            "ALTER TABLE voice ADD COLUMN credits_required \(D.integer) CHECK (credits_required IS NULL OR credits_required >= 0)",
        ]),
        PostgresMigration(name: "v8-voice-training-parameters", statements: [
            "ALTER TABLE voice ADD COLUMN \(D.json("training_parameters", shape: .object))",
        ]),
        PostgresMigration(name: "v9-dub-chunks", statements: [
            "ALTER TABLE dub ADD COLUMN parent_id \(D.integer) REFERENCES dub(id) ON DELETE CASCADE",
            "ALTER TABLE dub ADD COLUMN chunk_index \(D.integer) CHECK (chunk_index IS NULL OR chunk_index >= 0)",
            "ALTER TABLE dub ADD COLUMN chunk_start_ms \(D.integer) CHECK (chunk_start_ms IS NULL OR chunk_start_ms >= 0)",
            "ALTER TABLE dub ADD COLUMN chunk_end_ms \(D.integer)",
            "ALTER TABLE dub ADD CONSTRAINT dub_chunk_end_after_start CHECK (chunk_end_ms IS NULL OR chunk_end_ms > chunk_start_ms)",
            "ALTER TABLE dub ADD COLUMN chunk_seconds \(D.real) CHECK (chunk_seconds IS NULL OR chunk_seconds >= 1)",
            "ALTER TABLE dub ADD COLUMN chunk_count \(D.integer) CHECK (chunk_count IS NULL OR chunk_count >= 2)",
            "CREATE UNIQUE INDEX dub_chunk ON dub(parent_id, chunk_index) WHERE parent_id IS NOT NULL",
        ]),
        PostgresMigration(name: "v10-claims-and-paid-calls", statements: v10),
        PostgresMigration(name: "v11-dub-convert-key", statements: [
            "ALTER TABLE dub ADD COLUMN convert_key TEXT CHECK (convert_key IS NULL OR length(convert_key) = 64)",
            "CREATE INDEX dub_convert_key ON dub(convert_key) WHERE convert_key IS NOT NULL",
        ]),
        PostgresMigration(name: "v12-paid-call-keeps-deleted", statements: [
            // SQLite rebuilt the table to change its keys; PostgreSQL alters the named constraints.
            """
            ALTER TABLE paid_call
                DROP CONSTRAINT paid_call_dub_fk,
                ADD CONSTRAINT paid_call_dub_fk FOREIGN KEY (dub_id) REFERENCES dub(id) ON DELETE SET NULL,
                DROP CONSTRAINT paid_call_voice_fk,
                ADD CONSTRAINT paid_call_voice_fk FOREIGN KEY (voice_id) REFERENCES voice(id) ON DELETE SET NULL,
                DROP CONSTRAINT paid_call_one_subject,
                ADD CONSTRAINT paid_call_one_subject CHECK (dub_id IS NULL OR voice_id IS NULL)
            """,
            "ALTER TABLE project ADD COLUMN deleted_credits_used \(D.integer) NOT NULL DEFAULT 0 CHECK (deleted_credits_used >= 0)",
        ]),
        PostgresMigration(name: "v13-provider-pace", statements: [
            // The providers' pacing shared by every process on the project (SharedPacer); SQLite's
            // WITHOUT ROWID table is an ordinary table with the same primary key here.
            """
            CREATE TABLE provider_pace (
                provider_id TEXT NOT NULL CHECK (length(provider_id) > 0),
                key TEXT NOT NULL CHECK (length(key) > 0),
                last_sent_ms \(D.integer),
                holder_host TEXT,
                holder_pid \(D.integer),
                holder_started_ms \(D.integer),
                holder_turn \(D.integer),
                held_until_ms \(D.integer),
                PRIMARY KEY (provider_id, key)
            )
            """,
        ]),
    ]

    private static let v1: [String] = [
        """
        CREATE TABLE project (
            id \(D.integer) PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL,
            created_at \(D.datetime) NOT NULL,
            budget_credits \(D.integer) CHECK (budget_credits IS NULL OR budget_credits >= 0)
        )
        """,
        """
        CREATE TABLE media (
            hash TEXT PRIMARY KEY CHECK (length(hash) = 64),
            byte_count \(D.integer) NOT NULL CHECK (byte_count >= 0),
            created_at \(D.datetime) NOT NULL
        )
        """,
        """
        CREATE TABLE dataset (
            id \(D.id),
            name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
            created_at \(D.datetime) NOT NULL
        )
        """,
        """
        CREATE TABLE dataset_file (
            id \(D.id),
            dataset_id \(D.integer) NOT NULL REFERENCES dataset(id) ON DELETE CASCADE,
            media_hash TEXT NOT NULL REFERENCES media(hash),
            original_name TEXT NOT NULL,
            duration_seconds \(D.real) NOT NULL CHECK (duration_seconds >= 0),
            sample_rate \(D.integer) NOT NULL CHECK (sample_rate > 0),
            channels \(D.integer) NOT NULL CHECK (channels > 0),
            added_at \(D.datetime) NOT NULL,
            UNIQUE (dataset_id, media_hash)
        )
        """,
        """
        CREATE TABLE voice (
            id \(D.id),
            provider_id TEXT NOT NULL CHECK (length(provider_id) > 0),
            provider_voice_id TEXT,
            name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
            status TEXT NOT NULL,
            \(D.json("languages", shape: .array, defaultValue: "[]")),
            \(D.json("genres", shape: .array, defaultValue: "[]")),
            \(D.json("styles", shape: .array, defaultValue: "[]")),
            dataset_id \(D.integer) REFERENCES dataset(id) ON DELETE SET NULL,
            credits_used \(D.integer) NOT NULL DEFAULT 0 CHECK (credits_used >= 0),
            error_code TEXT,
            error_message TEXT,
            created_at \(D.datetime) NOT NULL,
            updated_at \(D.datetime) NOT NULL,
            UNIQUE (provider_id, name)
        )
        """,
        """
        CREATE TABLE dub (
            id \(D.id),
            provider_id TEXT NOT NULL CHECK (length(provider_id) > 0),
            voice_ref TEXT NOT NULL CHECK (length(voice_ref) > 0),
            voice_id \(D.integer) REFERENCES voice(id) ON DELETE SET NULL,
            source_kind TEXT NOT NULL CHECK (source_kind IN ('file', 'link')),
            source TEXT NOT NULL,
            source_media_hash TEXT REFERENCES media(hash),
            result_media_hash TEXT REFERENCES media(hash),
            pitch_shift \(D.integer) NOT NULL DEFAULT 0 CHECK (pitch_shift BETWEEN -24 AND 24),
            separate \(D.flag(default: false)),
            \(D.json("parameters", shape: .object, defaultValue: "{}")),
            status TEXT NOT NULL,
            provider_job_id TEXT,
            input_duration_ms \(D.integer) CHECK (input_duration_ms IS NULL OR input_duration_ms >= 0),
            credits_required \(D.integer) CHECK (credits_required IS NULL OR credits_required >= 0),
            credits_used \(D.integer) NOT NULL DEFAULT 0 CHECK (credits_used >= 0),
            error_code TEXT,
            error_message TEXT,
            created_at \(D.datetime) NOT NULL,
            updated_at \(D.datetime) NOT NULL
        )
        """,
        "CREATE INDEX dub_status ON dub(status)",
        """
        CREATE TABLE stage_attempt (
            id \(D.id),
            dub_id \(D.integer) REFERENCES dub(id) ON DELETE CASCADE,
            voice_id \(D.integer) REFERENCES voice(id) ON DELETE CASCADE,
            stage TEXT NOT NULL,
            attempt \(D.integer) NOT NULL CHECK (attempt >= 1),
            outcome TEXT NOT NULL CHECK (outcome IN ('running', 'succeeded', 'failed')),
            provider_job_id TEXT,
            request_fingerprint TEXT,
            started_at \(D.datetime) NOT NULL,
            finished_at \(D.datetime),
            error_code TEXT,
            error_message TEXT,
            CHECK ((dub_id IS NULL) <> (voice_id IS NULL))
        )
        """,
        "CREATE UNIQUE INDEX stage_attempt_dub ON stage_attempt(dub_id, stage, attempt) WHERE dub_id IS NOT NULL",
        "CREATE UNIQUE INDEX stage_attempt_voice ON stage_attempt(voice_id, stage, attempt) WHERE voice_id IS NOT NULL",
        """
        CREATE TABLE export (
            id \(D.id),
            path TEXT NOT NULL,
            format TEXT NOT NULL,
            \(D.json("settings", shape: .object, defaultValue: "{}")),
            file_hash TEXT NOT NULL CHECK (length(file_hash) = 64),
            created_at \(D.datetime) NOT NULL
        )
        """,
        """
        CREATE TABLE export_dub (
            export_id \(D.integer) NOT NULL REFERENCES export(id) ON DELETE CASCADE,
            dub_id \(D.integer) NOT NULL REFERENCES dub(id),
            position \(D.integer) NOT NULL CHECK (position >= 0),
            PRIMARY KEY (export_id, dub_id)
        )
        """,
        """
        CREATE TABLE event (
            id \(D.id),
            at \(D.datetime) NOT NULL,
            entity TEXT NOT NULL CHECK (entity IN ('project', 'voice', 'dataset', 'dub', 'export')),
            entity_id \(D.integer) NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('created', 'transition', 'note')),
            from_status TEXT,
            to_status TEXT,
            message TEXT
        )
        """,
        "CREATE INDEX event_entity ON event(entity, entity_id)",
    ] + D.refuseChanges(on: "event", message: "the event log is append-only") + [
        """
        CREATE TABLE lifecycle_transition (
            entity TEXT NOT NULL,
            from_status TEXT NOT NULL,
            to_status TEXT NOT NULL,
            PRIMARY KEY (entity, from_status, to_status)
        )
        """,
    ] + D.statusGuard(on: "dub") + D.statusGuard(on: "voice")

    private static let v10: [String] = ["dub", "voice"].flatMap { table in
        [
            "ALTER TABLE \(table) ADD COLUMN claim_host TEXT",
            "ALTER TABLE \(table) ADD COLUMN claim_pid \(D.integer) CHECK (claim_pid IS NULL OR claim_pid > 0)",
            "ALTER TABLE \(table) ADD COLUMN claim_started_ms \(D.integer)",
            "ALTER TABLE \(table) ADD COLUMN claim_lease_until_ms \(D.integer)",
            "ALTER TABLE \(table) ADD COLUMN claim_fence \(D.integer) NOT NULL DEFAULT 0 CHECK (claim_fence >= 0)",
        ]
    } + [
        """
        CREATE TABLE paid_call (
            id \(D.id),
            idempotency_key TEXT NOT NULL UNIQUE CHECK (length(idempotency_key) = 64),
            provider_id TEXT NOT NULL CHECK (length(provider_id) > 0),
            operation TEXT NOT NULL CHECK (operation IN ('generate', 'train')),
            dub_id \(D.integer) CONSTRAINT paid_call_dub_fk REFERENCES dub(id) ON DELETE CASCADE,
            voice_id \(D.integer) CONSTRAINT paid_call_voice_fk REFERENCES voice(id) ON DELETE CASCADE,
            job_id TEXT,
            credits \(D.integer) NOT NULL CHECK (credits >= 0),
            state TEXT NOT NULL CHECK (state IN ('open', 'completed', 'not_sent', 'unknown', 'abandoned')),
            sends \(D.integer) NOT NULL DEFAULT 1 CHECK (sends >= 0),
            fence \(D.integer) NOT NULL CHECK (fence >= 0),
            runner TEXT NOT NULL,
            opened_at \(D.datetime) NOT NULL,
            settled_at \(D.datetime),
            note TEXT,
            CONSTRAINT paid_call_one_subject CHECK ((dub_id IS NULL) <> (voice_id IS NULL))
        )
        """,
        "CREATE INDEX paid_call_dub ON paid_call(dub_id) WHERE dub_id IS NOT NULL",
        "CREATE INDEX paid_call_voice ON paid_call(voice_id) WHERE voice_id IS NOT NULL",
        "CREATE INDEX paid_call_state ON paid_call(state) WHERE state IN ('open', 'unknown', 'abandoned')",
    ]
}
