import { z } from 'zod';
import packageJson from '../../package.json' with { type: 'json' };

/** The version printed on reports and written into exports, from package.json (bundled at build time). */
export const APP_VERSION = z.object({ version: z.string().min(1) }).parse(packageJson).version;
