-- How much a detection's crop looks like a tiger to the stripe matcher (matching/tiger-likeness.ts): the share of
-- its pixels on a dark stripe. Review puts tiger-like encounters first and flags the others. NULL: not measured
-- (analysed before this column, or a box drawn or imported and not described yet), which flags nothing.
ALTER TABLE detections ADD COLUMN tiger_likeness REAL CHECK (tiger_likeness IS NULL OR tiger_likeness BETWEEN 0 AND 1);
