-- Survey effort: when each station (a Camtrap DP deployment) was operating, for capture histories and exports.
-- NULL means "not recorded": effort is then taken from the first and last photo of the station.
ALTER TABLE stations ADD COLUMN operation_start TEXT;
ALTER TABLE stations ADD COLUMN operation_end TEXT;

-- The candidates a reviewer was shown when deciding (JSON array, best first: individualId, code, score, per-model
-- scores, bestDetectionId), kept as evidence for match reports.
ALTER TABLE decisions ADD COLUMN candidates TEXT NOT NULL DEFAULT '[]';

-- Durable queue: a running job is leased to one worker until lease_until; a worker killed mid-job leaves a lease
-- that simply expires, and the next sync picks the job up again (resuming its remote call when it has one).
ALTER TABLE jobs ADD COLUMN lease_until TEXT;
CREATE INDEX jobs_kind_state ON jobs(kind, state);
