-- What analysis found in a frame: 'animal' (boxes), 'empty' (only the background: set aside, no detection, out of
-- Review), or 'unknown' (nothing to compare it with, or the user pulled it back: the whole frame is the detection).
-- NULL until analysed, and for frames analysed before this column existed.
ALTER TABLE media ADD COLUMN content TEXT CHECK (content IN ('animal', 'empty', 'unknown'));
-- The info strip the camera imprints (fractions of the frame height), kept out of every box; 0 where none.
ALTER TABLE media ADD COLUMN strip_top REAL NOT NULL DEFAULT 0;
ALTER TABLE media ADD COLUMN strip_bottom REAL NOT NULL DEFAULT 0;
CREATE INDEX media_content ON media(content);
