-- Survey effort: when each station (a Camtrap DP deployment) was operating, for capture histories and exports.
-- NULL means "not recorded": effort is then taken from the first and last photo of the station.
ALTER TABLE stations ADD COLUMN operation_start TEXT;
ALTER TABLE stations ADD COLUMN operation_end TEXT;

-- The candidates a reviewer was shown when deciding (JSON array, best first: individualId, code, score, per-model
-- scores, bestDetectionId), kept as evidence for match reports.
ALTER TABLE decisions ADD COLUMN candidates TEXT NOT NULL DEFAULT '[]';
