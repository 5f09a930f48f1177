import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** ../shared/data beside the checkout: real data for tests and benchmarks, absent on a fresh clone elsewhere. */
export const SHARED_DATA = join(import.meta.dirname, '..', '..', '..', 'shared', 'data');

export const ATRW_DIR = join(SHARED_DATA, 'atrw-reid');
export const HAS_ATRW = existsSync(join(ATRW_DIR, 'labels.csv'));
export const ATRW_SKIP_REASON = `skipped: ${ATRW_DIR} is absent (real ATRW data lives in ../shared beside the checkout)`;

/** ../shared/models/alike: the published ALIKE weights (BSD-3), converted by the app itself. */
export const ALIKE_WEIGHTS_DIR = join(import.meta.dirname, '..', '..', '..', 'shared', 'models', 'alike');
export const HAS_ALIKE_WEIGHTS = existsSync(join(ALIKE_WEIGHTS_DIR, 'alike-t.pth'));
export const ALIKE_SKIP_REASON = `skipped: ${ALIKE_WEIGHTS_DIR} is absent (the ALIKE weights live in ../shared beside the checkout)`;
