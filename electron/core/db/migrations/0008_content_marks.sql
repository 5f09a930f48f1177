-- What a reviewer said a frame or a detection shows, beyond who the tiger is: the frame is empty (no animal: the
-- detection was false), or the detection is not a tiger (another species, named or not).
-- A detection a reviewer called not a tiger has label 'other' and, when known, the species (NULL: not named).
ALTER TABLE detections ADD COLUMN species TEXT CHECK (species IS NULL OR label = 'other');
-- Who said what the frame shows (media.content): analysis, or a reviewer (marked it empty, or pulled it back).
ALTER TABLE media ADD COLUMN content_source TEXT NOT NULL DEFAULT 'localisation'
  CHECK (content_source IN ('localisation', 'reviewer'));

-- Each mark is one reviewer's word, kept when undone (the trail is evidence). A mark keeps what it changed, so
-- undo puts back exactly that.
CREATE TABLE content_marks (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('empty', 'not-tiger')),
  -- 'empty': the frame, with what it showed and who said so before the mark.
  media_id INTEGER REFERENCES media(id) ON DELETE CASCADE,
  previous_content TEXT,
  previous_source TEXT,
  -- 'not-tiger': the species named (NULL: an animal that is not a tiger, species not known).
  species TEXT,
  reviewer TEXT NOT NULL,
  made_at TEXT NOT NULL,
  undone_at TEXT,
  undone_by TEXT,
  CHECK (kind <> 'empty' OR media_id IS NOT NULL)
) STRICT;
CREATE INDEX content_marks_media ON content_marks(media_id, undone_at) WHERE media_id IS NOT NULL;

-- The detections a 'not-tiger' mark relabelled (the shown one and the rest of its encounter), with their label before.
CREATE TABLE content_mark_detections (
  mark_id INTEGER NOT NULL REFERENCES content_marks(id) ON DELETE CASCADE,
  detection_id INTEGER NOT NULL REFERENCES detections(id) ON DELETE CASCADE,
  previous_label TEXT NOT NULL,
  previous_species TEXT,
  PRIMARY KEY (mark_id, detection_id)
) STRICT;
CREATE INDEX content_mark_detections_detection ON content_mark_detections(detection_id);
