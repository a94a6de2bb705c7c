-- Visits per commune, day (in the commune's calendar) and page; instances add to them.
CREATE TABLE visit_counts (
    commune_id BIGINT NOT NULL REFERENCES communes (id),
    day DATE NOT NULL,
    path TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (commune_id, day, path)
);
CREATE INDEX visit_counts_path_idx ON visit_counts (commune_id, path, day);

-- What an earlier portal had counted, so the total continues rather than restarts.
ALTER TABLE communes ADD COLUMN visits_baseline BIGINT NOT NULL DEFAULT 0;
