-- Camtrap DP packages imported into the gallery. Whatever the gallery cannot hold itself (media whose files are
-- not available offline, observations of other species, event-level observations, blanks) is kept as the
-- package's own row, and every imported deployment, media file, observation and individual keeps its source ID,
-- so a later export writes the same IDs and the same rows again, and importing a package twice adds nothing.
CREATE TABLE camtrap_packages (
  -- The descriptor's id, else its name, else the folder it was imported from.
  key TEXT PRIMARY KEY,
  -- Where it was imported from: relative file paths of media left there resolve against it.
  folder TEXT NOT NULL,
  -- datapackage.json without its resources: title, contributors, licences, taxonomy of the source.
  descriptor TEXT NOT NULL,
  imported_at TEXT NOT NULL
) STRICT;

CREATE TABLE camtrap_records (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('deployment', 'media', 'observation', 'individual')),
  -- deploymentID, mediaID, observationID or individualID in the package.
  source_id TEXT NOT NULL,
  package_key TEXT NOT NULL REFERENCES camtrap_packages(key),
  -- JSON object: the package's row as written (field name -> text); {"individualID": ...} for an individual.
  data TEXT NOT NULL,
  -- What the record became in the gallery, when it could become anything.
  station_id INTEGER REFERENCES stations(id) ON DELETE SET NULL,
  media_id INTEGER REFERENCES media(id) ON DELETE SET NULL,
  detection_id INTEGER REFERENCES detections(id) ON DELETE SET NULL,
  -- The decision the import recorded: while it stands, the row's own classification fields are re-exported.
  decision_id INTEGER REFERENCES decisions(id) ON DELETE SET NULL,
  individual_id INTEGER REFERENCES individuals(id),
  imported_at TEXT NOT NULL,
  -- IDs are one namespace per kind, as they are in an export: another package reusing one is refused.
  UNIQUE (kind, source_id)
) STRICT;
CREATE INDEX camtrap_records_media ON camtrap_records(media_id);
CREATE INDEX camtrap_records_detection ON camtrap_records(detection_id);
