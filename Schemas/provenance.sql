-- lime provenance database, schema version 2 (version 1 lacked stage_outputs;
-- opening a version 1 database adds the table).
-- One database per output directory: what went in, how it was processed, where
-- every document went, and every record that was set aside.

PRAGMA user_version = 2;

-- Key/value settings fixed by the first run of the directory (JSON values).
-- A later run (resume) must present the same configuration.
CREATE TABLE IF NOT EXISTS config (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The components the data depends on, with versions and content hashes.
CREATE TABLE IF NOT EXISTS components (
    name    TEXT PRIMARY KEY,      -- tokenizer, tagsets, annotator, zstd, sqlite, lime
    version TEXT,
    path    TEXT,
    sha256  TEXT
);

-- Every invocation of `lime run` on the directory (the first run and each resume).
CREATE TABLE IF NOT EXISTS runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    command     TEXT NOT NULL,
    partition   TEXT,              -- "I/N" or NULL
    workers     INTEGER NOT NULL,
    status      TEXT NOT NULL,     -- running | completed | failed
    documents   INTEGER,           -- documents committed by this invocation
    quarantined INTEGER
);

-- Input files, in the run's sorted order.
CREATE TABLE IF NOT EXISTS inputs (
    id      INTEGER PRIMARY KEY,   -- index in the sorted input list
    path    TEXT NOT NULL UNIQUE,
    format  TEXT NOT NULL,         -- jsonl | text
    zstd    INTEGER NOT NULL,
    size    INTEGER NOT NULL,
    sha256  TEXT,                  -- of the raw file bytes, set once the file has been read whole
    status  TEXT NOT NULL          -- pending | read | unreadable
);

-- Work units: a contiguous range of lines of one input, one shard each.
CREATE TABLE IF NOT EXISTS units (
    input_id    INTEGER NOT NULL REFERENCES inputs(id),
    ordinal     INTEGER NOT NULL,  -- unit index within its input
    first_line  INTEGER NOT NULL,
    line_count  INTEGER NOT NULL,
    byte_offset INTEGER NOT NULL,  -- of the first line in the (decompressed) stream
    byte_length INTEGER NOT NULL,
    status      TEXT NOT NULL,     -- pending | committed
    shard       TEXT,              -- file name under shards/, NULL if the unit kept no document
    documents   INTEGER,
    tokens      INTEGER,
    quarantined INTEGER,
    PRIMARY KEY (input_id, ordinal)
);

-- Per-unit, per-stage status and timing.
CREATE TABLE IF NOT EXISTS unit_stages (
    input_id INTEGER NOT NULL,
    ordinal  INTEGER NOT NULL,
    stage    TEXT NOT NULL,        -- read | annotate | align | pack
    status   TEXT NOT NULL,        -- done
    items    INTEGER NOT NULL,     -- records, documents or tokens handled
    seconds  REAL NOT NULL,
    PRIMARY KEY (input_id, ordinal, stage)
);

-- Every document kept, and where it is.
CREATE TABLE IF NOT EXISTS documents (
    doc_id      TEXT NOT NULL,
    input_id    INTEGER NOT NULL,
    line        INTEGER NOT NULL,
    byte_offset INTEGER NOT NULL,
    sha256      TEXT NOT NULL,     -- of the document's UTF-8 text
    shard       TEXT NOT NULL,
    position    INTEGER NOT NULL,  -- index of the document within its shard
    tokens      INTEGER NOT NULL,
    lossless    INTEGER NOT NULL,  -- 1 if its pieces decode to its text byte for byte
    PRIMARY KEY (shard, position)
);
CREATE INDEX IF NOT EXISTS documents_by_input ON documents(input_id, line);

-- Records set aside, with where they are and why.
CREATE TABLE IF NOT EXISTS quarantine (
    input_id    INTEGER NOT NULL,
    line        INTEGER NOT NULL,  -- 0 for a file-level problem
    byte_offset INTEGER NOT NULL,
    path        TEXT NOT NULL,
    stage       TEXT NOT NULL,     -- open | read | annotate | align
    reason      TEXT NOT NULL,
    excerpt     TEXT NOT NULL,
    PRIMARY KEY (input_id, line, stage)
);

-- Shards written, with their counts and SHA-256.
CREATE TABLE IF NOT EXISTS shards (
    file      TEXT PRIMARY KEY,
    input_id  INTEGER NOT NULL,
    ordinal   INTEGER NOT NULL,
    documents INTEGER NOT NULL,
    tokens    INTEGER NOT NULL,
    bytes     INTEGER NOT NULL,
    sha256    TEXT NOT NULL
);

-- Outputs of the stages before packing, per unit: the annotate stage's annotation
-- files, which a run with another tokenizer re-aligns and re-packs without annotating.
-- In a shard set's own database (shard-sets/NAME/), the rows name the annotations each
-- unit's shard was made from, and whether they were reused or made by that run.
CREATE TABLE IF NOT EXISTS stage_outputs (
    stage        TEXT NOT NULL,    -- annotate
    input_id     INTEGER NOT NULL,
    ordinal      INTEGER NOT NULL,
    component    TEXT NOT NULL,    -- SHA-256 of the annotator fingerprint
    input_sha256 TEXT NOT NULL,    -- of the unit's input lines
    file         TEXT NOT NULL,    -- path relative to the dataset directory
    sha256       TEXT NOT NULL,    -- of the file
    bytes        INTEGER NOT NULL,
    documents    INTEGER NOT NULL,
    status       TEXT NOT NULL,    -- kept | dropped | reused | made
    PRIMARY KEY (stage, input_id, ordinal, component)
);
