import { z } from 'zod';

/** What a queued embedding job names: one stored detection and one model file. */
export const embedPayloadSchema = z
  .object({
    detectionId: z.number().int().positive(),
    modelId: z.string().min(1),
    modelSha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();

export type EmbedPayload = z.infer<typeof embedPayloadSchema>;

export function embedJobKey(p: EmbedPayload): string {
  return `embed:${p.detectionId}:${p.modelId}@${p.modelSha256}`;
}
