-- One decision on an encounter (a burst, or the frames of one camera visit) records a decision per frame; they share
-- the batch id (the id of the batch's first decision) so that the batch undoes as one.
ALTER TABLE decisions ADD COLUMN batch_id INTEGER REFERENCES decisions(id);
CREATE INDEX decisions_batch ON decisions(batch_id) WHERE batch_id IS NOT NULL;
