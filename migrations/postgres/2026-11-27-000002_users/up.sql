CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'officer')),
    commune_id BIGINT REFERENCES communes (id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    token_version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CONSTRAINT users_username_key UNIQUE (username),
    -- Admins belong to no commune; editors and officers to exactly one.
    CONSTRAINT users_commune_matches_role CHECK ((role = 'admin') = (commune_id IS NULL))
);
CREATE INDEX users_commune_idx ON users (commune_id);
