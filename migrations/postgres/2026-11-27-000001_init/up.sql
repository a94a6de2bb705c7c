CREATE TABLE communes (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    district TEXT,
    province TEXT,
    feedback_address TEXT,
    feedback_phone TEXT,
    feedback_email TEXT,
    time_zone TEXT NOT NULL DEFAULT 'Asia/Ho_Chi_Minh',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT communes_slug_key UNIQUE (slug)
);
CREATE INDEX communes_updated_at_idx ON communes (updated_at, id);

-- Who changed what, when: one row per write, before and after as JSON text.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    commune_id BIGINT REFERENCES communes (id),
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    before TEXT,
    after TEXT,
    request_id TEXT
);
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id, at);
CREATE INDEX audit_log_commune_idx ON audit_log (commune_id, at);
