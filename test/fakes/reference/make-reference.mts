/**
 * Writes the onnxruntime-node reference that models/compare_reference.py checks Python onnxruntime against:
 *
 *   npx tsx test/fakes/reference/make-reference.mts OUT_DIR
 *
 * OUT_DIR gets embedder/ and detector/, each with model.onnx, input.bin, shape.json, output.bin and meta.json.
 * Then, on any machine with Python and onnxruntime (no Node needed): python3 models/compare_reference.py OUT_DIR
 */
import { resolve } from 'node:path';
import { writeReferences } from './reference-models';

const [outDir, ...extra] = process.argv.slice(2);
if (outDir === undefined || extra.length > 0 || outDir.startsWith('-')) {
  process.stderr.write('Usage: npx tsx test/fakes/reference/make-reference.mts OUT_DIR\n');
  process.exit(2);
}
const out = resolve(outDir);
const written = await writeReferences(out);
for (const [name, meta] of Object.entries(written)) {
  process.stdout.write(`${name}: ${meta.model_id} sha256 ${meta.sha256} output [${meta.dims.join(',')}]\n`);
}
process.stdout.write(`Wrote ${out}\n`);
