import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeReferences } from '../fakes/reference/reference-models';
import { tempDir } from '../support/temp-dir';

/**
 * The Python half of remote inference (models/tigerid_inference.py, run on Modal) is tested by its own unittest
 * suite; this runs it with the machine's python3 and checks that the suite really ran. TIGERID_PYTHON names another
 * interpreter (e.g. a venv with onnxruntime), which also enables the cross-runtime comparison below.
 */

const REPO = join(import.meta.dirname, '..', '..');
const PYTHON = process.env.TIGERID_PYTHON ?? 'python3';
// No __pycache__ folders in the checkout.
const PYTHON_ENV = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };

function pythonImports(modules: string): boolean {
  return spawnSync(PYTHON, ['-c', `import ${modules}`], { stdio: 'ignore', env: PYTHON_ENV }).status === 0;
}

const HAS_NUMPY = pythonImports('numpy');
const HAS_ONNXRUNTIME = HAS_NUMPY && pythonImports('onnxruntime');
const NO_NUMPY = `skipped: ${PYTHON} with numpy is not available`;
const NO_ONNXRUNTIME = `skipped: ${PYTHON} has no onnxruntime (set TIGERID_PYTHON to one that has)`;

function runPython(args: string[]) {
  const result = spawnSync(PYTHON, args, { cwd: REPO, encoding: 'utf8', env: PYTHON_ENV, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Tests that need only the standard library: they must pass on every machine with Python. */
const STDLIB_TESTS = [
  'test_accepts_a_tensor_whose_length_fits_the_shape',
  'test_refuses_a_byte_length_that_does_not_fit_the_shape',
  'test_refuses_shapes_that_are_not_lists_of_positive_integers',
  'test_refuses_a_tensor_that_is_not_bytes',
  'test_refuses_a_rank_the_model_input_does_not_have',
  'test_refuses_a_size_that_differs_from_a_fixed_dimension',
  'test_symbolic_and_unknown_dimensions_take_any_size',
  'test_refuses_a_file_whose_hash_is_not_the_pinned_one_naming_both',
  'test_refuses_a_missing_file_naming_path_and_expected_hash',
  'test_refuses_an_expected_hash_that_is_not_64_lowercase_hex_digits',
  'test_reads_the_shipped_manifest',
  'test_an_unknown_id_names_the_ids_the_manifest_lists',
  'test_errors_name_the_file_and_json_path',
  'test_refuses_a_duplicate_id',
  'test_the_shipped_class_map_names_a_class_for_every_shipped_model',
  'test_modal_app_defines_exactly_the_mapped_classes_on_the_planned_gpus',
  'test_refuses_a_class_map_naming_an_unknown_model_or_one_class_twice',
  'test_accepts_the_shapes_an_export_of_the_entry_has',
  'test_names_the_mismatch',
  'test_plans_one_put_per_file_found_in_either_layout_and_notes_the_missing',
  'test_uploads_nothing_when_a_file_differs_from_its_pinned_hash',
  'test_fails_when_no_model_file_is_there',
];

/** Tests that load a model: they pass with onnxruntime and skip visibly without it. */
const ONNXRUNTIME_TESTS = [
  'test_runs_the_model_and_returns_float32_le_bytes_with_dims_and_hash',
  'test_run_refuses_a_shape_the_model_input_does_not_take',
  'test_info_reports_names_shapes_hash_and_provider',
  'test_refuses_a_model_with_more_than_one_input',
  'test_refuses_bytes_that_are_not_an_onnx_model',
  'test_load_entry_model_reads_the_desktop_layout_and_checks_hash_and_shapes',
];

/** `test_name (module.Class.test_name) ... ok` lines of `unittest -v`, by test name. */
function outcomes(log: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of log.matchAll(/^(test_\w+) \([\w.]+\) \.\.\. (ok|skipped .*|FAIL|ERROR)$/gm)) {
    found.set(match[1]!, match[2]!);
  }
  return found;
}

describe('Python remote-inference module', () => {
  it.skipIf(!HAS_NUMPY)(
    `passes its unittest suite, every expected test ran (${HAS_NUMPY ? PYTHON : NO_NUMPY})`,
    () => {
      const result = runPython(['-m', 'unittest', 'discover', '-s', 'models/tests', '-v']);
      const log = result.stderr;
      expect(result.status, log).toBe(0);
      const ran = outcomes(log);
      for (const name of STDLIB_TESTS) expect(ran.get(name), name).toBe('ok');
      for (const name of ONNXRUNTIME_TESTS) {
        if (HAS_ONNXRUNTIME) expect(ran.get(name), name).toBe('ok');
        else
          expect(ran.get(name), name).toBe(
            "skipped 'onnxruntime (and numpy) are not installed for this Python'",
          );
      }
    },
  );

  describe('against the desktop engine', () => {
    const dirs: Array<{ cleanup(): void }> = [];
    afterEach(() => dirs.splice(0).forEach((dir) => dir.cleanup()));

    async function references(): Promise<string> {
      const dir = tempDir('tigerid-reference-');
      dirs.push(dir);
      await writeReferences(dir.path);
      return dir.path;
    }

    function reports(stdout: string): Array<Record<string, unknown>> {
      return stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    }

    it.skipIf(!HAS_ONNXRUNTIME)(
      `reproduces onnxruntime-node's outputs for the same model file and input (${HAS_ONNXRUNTIME ? PYTHON : NO_ONNXRUNTIME})`,
      async () => {
        const out = await references();
        const result = runPython(['models/compare_reference.py', out, '--cpu']);
        expect(result.status, result.stderr).toBe(0);
        const [detector, embedder] = reports(result.stdout);
        expect(detector).toMatchObject({ reference: 'detector', dims: [1, 64, 8], ok: true });
        expect(embedder).toMatchObject({ reference: 'embedder', dims: [2, 32], ok: true });
        for (const report of [detector, embedder]) {
          expect(report?.provider).toBe('CPUExecutionProvider');
          expect(report?.max_abs_diff).toBeLessThanOrEqual(1e-4);
        }
      },
    );

    it.skipIf(!HAS_ONNXRUNTIME)(
      `reports a reference that differs by more than the tolerance (${HAS_ONNXRUNTIME ? PYTHON : NO_ONNXRUNTIME})`,
      async () => {
        const out = await references();
        const output = join(out, 'embedder', 'output.bin');
        const bytes = readFileSync(output);
        bytes.writeFloatLE(bytes.readFloatLE(0) + 0.001, 0);
        writeFileSync(output, bytes);
        const result = runPython(['models/compare_reference.py', join(out, 'embedder'), '--cpu']);
        expect(result.status).toBe(1);
        const [embedder] = reports(result.stdout);
        expect(embedder?.ok).toBe(false);
        expect(embedder?.max_abs_diff).toBeCloseTo(0.001, 6);
      },
    );
  });
});
