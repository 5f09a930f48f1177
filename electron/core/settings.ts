import { z } from 'zod';
import type { CoreContext } from './context';
import { INFERENCE_POLICIES } from './inference/router';
import { DEFAULT_SHORTLIST } from './matching/stripe-matcher';
import { DEFAULT_SHORTLIST as DEFAULT_LEARNED_SHORTLIST } from './matching/learned-features/learned-feature-index';
import { parseInput } from './validate';

/** Every setting with its default, in one place. Stored per gallery in the settings table as JSON. */
export const SETTINGS = {
  /** Who the app records as the reviewer of decisions made in it; empty means the OS user. */
  'review.reviewer': z.string().max(200).default(''),
  /** How many candidate individuals review shows (Wildbook's default is 12). */
  'review.candidates': z.number().int().min(1).max(100).default(12),
  /**
   * Frames of one station closer in time than this form one encounter (Camtrap DP's event): a burst, or an
   * animal lingering in front of the camera. Review shows an encounter as one item and decides it as one.
   */
  'encounters.gapSeconds': z.number().int().min(0).max(3600).default(60),
  /** Padding added around a detector box before cropping, as a fraction of the box. */
  'detection.cropPadding': z.number().min(0).max(0.5).default(0.05),
  /** Gallery images verified geometrically per query, after the global shortlist. */
  'matching.shortlist': z.number().int().min(1).max(500).default(DEFAULT_SHORTLIST),
  /** Gallery crops verified keypoint by keypoint with learned local features (ALIKE), after their global shortlist. */
  'matching.learnedShortlist': z.number().int().min(1).max(500).default(DEFAULT_LEARNED_SHORTLIST),
  /** Weight of each model in the fused score; models not named weigh 1. */
  'matching.modelWeights': z.record(z.string(), z.number().min(0)).default({}),
  /** Set by calibration from the gallery's own decisions; null until calibrated. */
  'matching.newIndividual': z
    .object({
      threshold: z.number(),
      calibratedAt: z.string(),
      samples: z.number().int(),
      matcher: z.string(),
      knownBelow: z.number(),
      unknownAbove: z.number(),
    })
    .nullable()
    .default(null),
  /** Where models run: auto (local GPU → Modal → local CPU → queue), local only, or Modal only. */
  'inference.policy': z.enum(INFERENCE_POLICIES).default('auto'),
  /** Staggered mode: call the expensive remote model only when the stripe matcher's result is not decisive. */
  'inference.staggered': z.boolean().default(false),
  /** Overrides MODAL_ENABLED; null leaves it to the environment / .env. */
  'modal.enabled': z.boolean().nullable().default(null),
  /** Overrides MODAL_APP_NAME; null leaves it to the environment / .env. */
  'modal.appName': z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/)
    .nullable()
    .default(null),
  /** Overrides MODAL_ENVIRONMENT; null leaves it to the environment / .env. */
  'modal.environment': z.string().min(1).max(64).nullable().default(null),
  /** Remote calls in flight at once while the queue drains. */
  'queue.concurrency': z.number().int().min(1).max(64).default(8),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.output<(typeof SETTINGS)[K]>;

export function getSetting<K extends SettingKey>(ctx: CoreContext, key: K): SettingValue<K> {
  const row = ctx.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as
    { value: string } | undefined;
  const schema = SETTINGS[key];
  if (!row) return schema.parse(undefined) as SettingValue<K>;
  const parsed = schema.safeParse(JSON.parse(row.value));
  if (!parsed.success) {
    // A value written by an older build that no longer validates falls back to the default, loudly.
    ctx.log.warn(`Setting ${key} holds an invalid value (${row.value}); using the default.`);
    return schema.parse(undefined) as SettingValue<K>;
  }
  return parsed.data as SettingValue<K>;
}

export function setSetting<K extends SettingKey>(ctx: CoreContext, key: K, value: SettingValue<K>): void {
  const valid = parseInput(SETTINGS[key], value, `setting ${key}`);
  ctx.db
    .prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    )
    .run(key, JSON.stringify(valid));
}
