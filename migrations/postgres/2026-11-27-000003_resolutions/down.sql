DROP TABLE data_versions;
DROP TABLE progress_reports;
DROP TABLE measures;
DROP TABLE targets;
DROP TABLE resolution_sections;
DROP TABLE resolutions;
