-- Corrections of camera clocks: a shift of every frame of a station or folder, or a time given to frames that
-- have none. Each correction is one edit that can be undone as a whole. Its frames' times before and after are
-- kept per frame, so undo restores each one exactly, and the time a frame was imported with (its EXIF time) is
-- the `previous_at` of its oldest standing edit: nothing is lost by correcting it.
CREATE TABLE capture_time_edits (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('shift', 'set')),
  -- JSON: the request as made (scope: station or folder; the offset and range, or the start time and step), and
  -- how many frames of the scope it left as they were, by reason.
  payload TEXT NOT NULL,
  -- One line for people: "Shifted 12 frames of station Ridge by +1y".
  summary TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  made_at TEXT NOT NULL,
  undone_at TEXT,
  undone_by TEXT
) STRICT;

CREATE TABLE capture_time_edit_media (
  edit_id INTEGER NOT NULL REFERENCES capture_time_edits(id) ON DELETE CASCADE,
  media_id INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,
  -- NULL: the frame had no capture time before this edit.
  previous_at TEXT,
  new_at TEXT NOT NULL,
  PRIMARY KEY (edit_id, media_id)
) STRICT;
CREATE INDEX capture_time_edit_media_media ON capture_time_edit_media(media_id);
