ALTER TABLE communes DROP COLUMN visits_baseline;
DROP TABLE visit_counts;
