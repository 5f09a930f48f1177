-- Whether a detection's view can identify the animal: judged by analysis from what the matcher sees (size,
-- sharpness, frame edge, box shape, stripe features), or set by a reviewer. A view that cannot identify gets
-- candidates but no confident one and no "new individual" hint; its encounter's other frames carry the decision.
-- All NULL for detections stored before this column existed: unjudged, treated as identifiable.
ALTER TABLE detections ADD COLUMN view TEXT
  CHECK (view IN ('flank', 'face-or-rump', 'partial', 'too-small', 'blurred', 'featureless'));
ALTER TABLE detections ADD COLUMN view_identifiable INTEGER CHECK (view_identifiable IN (0, 1));
ALTER TABLE detections ADD COLUMN view_source TEXT CHECK (view_source IN ('judged', 'reviewer'));
-- What was seen, in words for the reviewer ("the animal runs out of the photo at its left edge ...").
ALTER TABLE detections ADD COLUMN view_reason TEXT;
