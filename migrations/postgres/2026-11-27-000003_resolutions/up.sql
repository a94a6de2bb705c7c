-- Resolutions with the document fields Nghị định 42/2022/NĐ-CP asks portals to publish.
CREATE TABLE resolutions (
    id BIGSERIAL PRIMARY KEY,
    commune_id BIGINT NOT NULL REFERENCES communes (id),
    document_number TEXT,
    title TEXT NOT NULL,
    issuing_body TEXT,
    adopted_on DATE,
    effective_on DATE,
    abstract TEXT,
    published_at TIMESTAMP,
    year INTEGER,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    source TEXT,
    full_text TEXT NOT NULL,
    -- Title, number, body and abstract folded (no marks, lower case) for search.
    search_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX resolutions_commune_idx ON resolutions (commune_id, status, year);
CREATE INDEX resolutions_updated_at_idx ON resolutions (updated_at, id);

-- Substring search over the folded text: trigram index for LIKE '%word%'.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX resolutions_search_idx ON resolutions USING gin (search_text gin_trgm_ops);

CREATE TABLE resolution_sections (
    id BIGSERIAL PRIMARY KEY,
    resolution_id BIGINT NOT NULL REFERENCES resolutions (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    number TEXT NOT NULL,
    heading TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX resolution_sections_resolution_idx ON resolution_sections (resolution_id, position);

CREATE TABLE targets (
    id BIGSERIAL PRIMARY KEY,
    resolution_id BIGINT NOT NULL REFERENCES resolutions (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT targets_number_key UNIQUE (resolution_id, number)
);

CREATE TABLE measures (
    id BIGSERIAL PRIMARY KEY,
    target_id BIGINT NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    label TEXT NOT NULL,
    comparator TEXT NOT NULL CHECK (comparator IN ('gt', 'gte', 'lt', 'lte', 'eq', 'between', 'qualitative')),
    value DOUBLE PRECISION,
    value_max DOUBLE PRECISION,
    unit TEXT,
    direction TEXT NOT NULL CHECK (direction IN ('higher_is_better', 'lower_is_better')),
    needs_review BOOLEAN NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX measures_target_idx ON measures (target_id, position);

-- Results reported against a measure; never overwritten, the history is the record.
CREATE TABLE progress_reports (
    id BIGSERIAL PRIMARY KEY,
    measure_id BIGINT NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    value DOUBLE PRECISION,
    achieved BOOLEAN,
    is_final BOOLEAN NOT NULL,
    note TEXT,
    reported_by TEXT NOT NULL,
    reported_at TIMESTAMP NOT NULL
);
CREATE INDEX progress_reports_measure_idx ON progress_reports (measure_id, period, reported_at);

-- Moves on with every write to a commune's public data, so caches on every instance can tell
-- they are stale.
CREATE TABLE data_versions (
    commune_id BIGINT PRIMARY KEY REFERENCES communes (id),
    version BIGINT NOT NULL
);
