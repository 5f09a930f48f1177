-- Gallery of known tigers. Assignments of detections to individuals are derived from decisions only.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE stations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  latitude REAL,
  longitude REAL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE individuals (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT,
  notes TEXT,
  created_at TEXT NOT NULL,
  -- Set when merged into another individual; merged individuals stay for undo and history.
  merged_into INTEGER REFERENCES individuals(id),
  -- Set when the decision that created it is undone and nothing else is assigned to it.
  retired_at TEXT
) STRICT;

CREATE TABLE media (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  path TEXT NOT NULL,
  -- Raw bytes of a path that is not valid UTF-8 (Linux allows it); NULL otherwise.
  path_raw BLOB,
  file_name TEXT NOT NULL,
  byte_size INTEGER NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  format TEXT NOT NULL,
  captured_at TEXT,
  latitude REAL,
  longitude REAL,
  camera_make TEXT,
  camera_model TEXT,
  camera_serial TEXT,
  station_id INTEGER REFERENCES stations(id),
  thumbnail_path TEXT,
  imported_at TEXT NOT NULL,
  -- Set once detection and embedding ran (even when no animal was found), so analysis resumes where it stopped.
  analysed_at TEXT,
  analysis_error TEXT
) STRICT;
CREATE INDEX media_pending_analysis ON media(analysed_at);
CREATE INDEX media_station ON media(station_id, captured_at);

CREATE TABLE detections (
  id INTEGER PRIMARY KEY,
  media_id INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,
  -- Normalised [0,1] box in the oriented image: left, top, width, height.
  box_x REAL NOT NULL,
  box_y REAL NOT NULL,
  box_w REAL NOT NULL,
  box_h REAL NOT NULL,
  -- NULL confidence with detector 'whole-frame': no detector ran, the frame is the detection.
  confidence REAL,
  detector TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT 'animal',
  flank TEXT NOT NULL DEFAULT 'unknown' CHECK (flank IN ('left', 'right', 'unknown')),
  quality REAL,
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX detections_media ON detections(media_id);

CREATE TABLE embeddings (
  id INTEGER PRIMARY KEY,
  detection_id INTEGER NOT NULL REFERENCES detections(id) ON DELETE CASCADE,
  model_id TEXT NOT NULL,
  model_hash TEXT NOT NULL,
  dim INTEGER NOT NULL,
  vector BLOB NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (detection_id, model_id, model_hash)
) STRICT;
CREATE INDEX embeddings_model ON embeddings(model_id, model_hash);

CREATE TABLE decisions (
  id INTEGER PRIMARY KEY,
  detection_id INTEGER NOT NULL REFERENCES detections(id) ON DELETE CASCADE,
  verdict TEXT NOT NULL CHECK (verdict IN ('match', 'no-match', 'cant-tell', 'new-individual')),
  individual_id INTEGER REFERENCES individuals(id),
  -- JSON: fused and per-model scores of the candidate shown when the decision was made.
  scores TEXT NOT NULL DEFAULT '{}',
  -- JSON: model id -> file hash of every model that produced those scores.
  model_versions TEXT NOT NULL DEFAULT '{}',
  reviewer TEXT NOT NULL,
  notes TEXT,
  decided_at TEXT NOT NULL,
  -- Undo keeps the row (the trail is evidence) and marks it.
  undone_at TEXT,
  undone_by TEXT,
  CHECK (verdict NOT IN ('match', 'new-individual') OR individual_id IS NOT NULL)
) STRICT;
CREATE INDEX decisions_detection ON decisions(detection_id, undone_at);
CREATE INDEX decisions_individual ON decisions(individual_id);

-- Edits of the catalogue (rename, merge, split): each one can be undone, newest first.
CREATE TABLE gallery_edits (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('rename', 'merge', 'split')),
  payload TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  made_at TEXT NOT NULL,
  undone_at TEXT
) STRICT;

-- The individual each detection is assigned to now: its newest assigning decision that is not undone,
-- followed through merges. Derived, never written.
CREATE VIEW current_assignments AS
WITH RECURSIVE latest AS (
  SELECT d.detection_id, d.individual_id, d.id AS decision_id
  FROM decisions d
  WHERE d.undone_at IS NULL
    AND d.id = (
      SELECT MAX(d2.id) FROM decisions d2
      WHERE d2.detection_id = d.detection_id AND d2.undone_at IS NULL AND d2.verdict IN ('match', 'new-individual')
    )
),
resolved(detection_id, decision_id, individual_id, depth) AS (
  SELECT detection_id, decision_id, individual_id, 0 FROM latest
  UNION ALL
  SELECT r.detection_id, r.decision_id, i.merged_into, r.depth + 1
  FROM resolved r JOIN individuals i ON i.id = r.individual_id
  WHERE i.merged_into IS NOT NULL AND r.depth < 64
)
SELECT r.detection_id, r.decision_id, r.individual_id
FROM resolved r JOIN individuals i ON i.id = r.individual_id
WHERE i.merged_into IS NULL;

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed', 'cancelled')),
  backend TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  last_error TEXT,
  remote_call_id TEXT,
  result TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX jobs_state ON jobs(state, next_attempt_at);

-- One row per file seen by an import run, so an interrupted import resumes and reports every bad file.
CREATE TABLE import_files (
  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('imported', 'duplicate', 'failed')),
  media_id INTEGER REFERENCES media(id),
  error_code TEXT,
  error TEXT,
  PRIMARY KEY (job_id, path)
) STRICT;
