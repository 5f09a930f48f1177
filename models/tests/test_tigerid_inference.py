"""Tests for models/tigerid_inference.py. Input checks, hashing and manifests need only the standard library;
the tests that run a model skip visibly without onnxruntime (and numpy)."""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import struct
import sys
import tempfile
import unittest
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(MODELS_DIR))

import onnx_bytes  # noqa: E402

import tigerid_inference as inference  # noqa: E402

HAS_ONNXRUNTIME = all(importlib.util.find_spec(name) is not None for name in ("onnxruntime", "numpy"))
NO_ONNXRUNTIME = "onnxruntime (and numpy) are not installed for this Python"


def has_cuda() -> bool:
    if not HAS_ONNXRUNTIME:
        return False
    import onnxruntime

    return inference.CUDA in onnxruntime.get_available_providers()


def floats(*values: float) -> bytes:
    return struct.pack(f"<{len(values)}f", *values)


class TempDirTest(unittest.TestCase):
    def setUp(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="tigerid-py-")
        self.dir = Path(self._tmp.name)

    def tearDown(self) -> None:
        self._tmp.cleanup()

    def write(self, name: str, data: bytes | str) -> Path:
        path = self.dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        return path


class CheckInputTest(unittest.TestCase):
    def test_accepts_a_tensor_whose_length_fits_the_shape(self) -> None:
        self.assertEqual(inference.check_input(bytes(2 * 3 * 4), [2, 3]), [2, 3])

    def test_refuses_a_byte_length_that_does_not_fit_the_shape(self) -> None:
        with self.assertRaises(inference.TensorInputError) as caught:
            inference.check_input(bytes(8), [1, 3])
        self.assertEqual(str(caught.exception), "Tensor has 8 bytes but shape [1,3] needs 12 (4 bytes per float32)")

    def test_refuses_shapes_that_are_not_lists_of_positive_integers(self) -> None:
        cases = {
            "[1,3]": "Expected a non-empty list of positive integers for shape but received '[1,3]' of type str",
            (): "Expected a non-empty list of positive integers for shape but received [] of type list",
            (1, 0): "Expected positive integer for shape[1] but received 0 of type int",
            (-1,): "Expected positive integer for shape[0] but received -1 of type int",
            # A JS integer at or above 2^32 arrives over CBOR as a float.
            (
                1,
                4294967296.0,
            ): "Expected positive integer for shape[1] but received 4294967296.0 of type float",
            (True, 3): "Expected positive integer for shape[0] but received True of type bool",
        }
        for shape, message in cases.items():
            with self.subTest(shape=shape):
                with self.assertRaises(inference.TensorInputError) as caught:
                    inference.check_input(bytes(12), list(shape) if isinstance(shape, tuple) else shape)
                self.assertEqual(str(caught.exception), message)

    def test_refuses_a_tensor_that_is_not_bytes(self) -> None:
        with self.assertRaises(inference.TensorInputError) as caught:
            inference.check_input([0.0, 1.0, 2.0], [3])
        self.assertEqual(str(caught.exception), "Expected bytes (float32, little-endian) for tensor but received list")

    def test_refuses_a_rank_the_model_input_does_not_have(self) -> None:
        with self.assertRaises(inference.TensorInputError) as caught:
            inference.check_input(bytes(3 * 4 * 4 * 4), [3, 4, 4], ["batch", 3, 4, 4], "images")
        self.assertEqual(
            str(caught.exception),
            'Shape [3,4,4] has rank 3 but model input "images" [batch,3,4,4] has rank 4',
        )

    def test_refuses_a_size_that_differs_from_a_fixed_dimension(self) -> None:
        with self.assertRaises(inference.TensorInputError) as caught:
            inference.check_input(bytes(4 * 4 * 4 * 4), [1, 4, 4, 4], ["batch", 3, 4, 4], "images")
        self.assertEqual(
            str(caught.exception),
            'Shape [1,4,4,4] has size 4 in dimension 1 but model input "images" [batch,3,4,4] needs 3',
        )

    def test_symbolic_and_unknown_dimensions_take_any_size(self) -> None:
        self.assertEqual(inference.check_input(bytes(5 * 3 * 4 * 4), [5, 3, 1, 4], ["batch", 3, None, 4]), [5, 3, 1, 4])


class ModelFileTest(TempDirTest):
    """These checks run before onnxruntime is imported, so they hold without it."""

    def test_refuses_a_file_whose_hash_is_not_the_pinned_one_naming_both(self) -> None:
        path = self.write("model.onnx", b"not the pinned model")
        actual = hashlib.sha256(b"not the pinned model").hexdigest()
        expected = "ab" * 32
        with self.assertRaises(inference.ModelFileError) as caught:
            inference.OnnxModel(path, "megadescriptor-t-224", expected_sha256=expected)
        self.assertEqual(
            str(caught.exception),
            f'Model file {path} of "megadescriptor-t-224" has sha256 {actual}, expected {expected}; '
            "upload the file the manifest pins",
        )

    def test_refuses_a_missing_file_naming_path_and_expected_hash(self) -> None:
        path = self.dir / "absent.onnx"
        with self.assertRaises(inference.ModelFileError) as caught:
            inference.OnnxModel(path, "megadetector-v5a", expected_sha256="cd" * 32)
        self.assertEqual(
            str(caught.exception),
            f'Cannot read model file {path} of "megadetector-v5a" (expected sha256 {"cd" * 32}): '
            "No such file or directory",
        )

    def test_refuses_an_expected_hash_that_is_not_64_lowercase_hex_digits(self) -> None:
        path = self.write("model.onnx", b"x")
        with self.assertRaises(ValueError) as caught:
            inference.OnnxModel(path, "m", expected_sha256="ABC")
        self.assertEqual(
            str(caught.exception),
            "Expected 64 lowercase hex digits for expected_sha256 but received 'ABC' of type str",
        )


def entry(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "test-embedder",
        "task": "embed",
        "file": "embedder.onnx",
        "sha256": None,
        "input": {"width": 2, "height": 2, "layout": "NCHW"},
        "output": {"dim": 12},
    }
    base.update(changes)
    return base


class ManifestTest(TempDirTest):
    def manifest(self, *entries: dict[str, object]) -> Path:
        return self.write("models.json", json.dumps({"version": 1, "models": list(entries)}))

    def test_reads_the_shipped_manifest(self) -> None:
        manifest = inference.load_manifest(MODELS_DIR / "models.json")
        # The learned local features (alike-*) run where they were converted, not on Modal: they are passed over.
        self.assertEqual(
            manifest.ids,
            ["megadetector-v5a", "megadetector-v6-c", "megadescriptor-l-384", "megadescriptor-t-224"],
        )
        small = manifest.entry("megadescriptor-t-224")
        self.assertEqual((small.task, small.file, small.dim), ("embed", "MegaDescriptor-T-224.onnx", 768))
        self.assertEqual(small.expected_input_shape(), ["batch", 3, 224, 224])
        detector = manifest.entry("megadetector-v5a")
        self.assertEqual((detector.task, detector.dim), ("detect", None))
        self.assertEqual(detector.expected_input_shape(), ["batch", 3, 1280, 1280])
        self.assertEqual(manifest.entry("megadetector-v6-c").expected_input_shape(), ["batch", 3, 640, 640])

    def test_an_unknown_id_names_the_ids_the_manifest_lists(self) -> None:
        manifest = inference.load_manifest(self.manifest(entry()))
        with self.assertRaises(LookupError) as caught:
            manifest.entry("megadescriptor-b-224")
        self.assertEqual(
            str(caught.exception),
            f'Unknown model id "megadescriptor-b-224"; {manifest.source} lists: test-embedder',
        )

    def test_errors_name_the_file_and_json_path(self) -> None:
        cases = [
            (
                entry(sha256="ABC"),
                "expected 64 lowercase hex digits or null for models[0].sha256 but received 'ABC' of type str",
            ),
            (
                entry(file="../x.onnx"),
                "expected a bare file name ending in .onnx for models[0].file but received '../x.onnx' of type str",
            ),
            (
                entry(task="classify"),
                "expected one of: detect, embed, local-features for models[0].task but received 'classify' of type str",
            ),
            (
                entry(input={"width": 2, "height": 0, "layout": "NCHW"}),
                "expected positive integer for models[0].input.height but received 0 of type int",
            ),
            (entry(output={}), "models[0].output.dim is missing"),
        ]
        for raw, problem in cases:
            with self.subTest(problem=problem):
                path = self.manifest(raw)
                with self.assertRaises(inference.ManifestError) as caught:
                    inference.load_manifest(path)
                self.assertEqual(str(caught.exception), f"{path}: {problem}")

    def test_refuses_a_duplicate_id(self) -> None:
        path = self.manifest(entry(), entry())
        with self.assertRaises(inference.ManifestError) as caught:
            inference.load_manifest(path)
        self.assertEqual(str(caught.exception), f'{path}: models[1].id "test-embedder" appears twice')


class ClassMapTest(TempDirTest):
    def test_the_shipped_class_map_names_a_class_for_every_shipped_model(self) -> None:
        manifest = inference.load_manifest(MODELS_DIR / "models.json")
        classes = inference.load_class_map(MODELS_DIR / "modal-classes.json", manifest)
        self.assertEqual(
            classes,
            {
                "megadetector-v5a": "Detector",
                "megadescriptor-t-224": "EmbedderSmall",
                "megadescriptor-l-384": "EmbedderLarge",
            },
        )

    def test_modal_app_defines_exactly_the_mapped_classes_on_the_planned_gpus(self) -> None:
        tree = ast.parse((MODELS_DIR / "modal_app.py").read_text(encoding="utf-8"))
        gpus: dict[str, str] = {}
        for statement in tree.body:
            if not isinstance(statement, ast.ClassDef):
                continue
            for decorator in statement.decorator_list:
                if isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "app.cls":
                    gpu = next(k.value for k in decorator.keywords if k.arg == "gpu")
                    gpus[statement.name] = ast.literal_eval(gpu)
        # The original system's plan: detector on L4, the small embedder on T4, Swin-L on an A100.
        self.assertEqual(gpus, {"Detector": "L4", "EmbedderSmall": "T4", "EmbedderLarge": "A100-80GB"})

    def test_refuses_a_class_map_naming_an_unknown_model_or_one_class_twice(self) -> None:
        manifest = inference.load_manifest(MODELS_DIR / "models.json")
        unknown = self.write("unknown.json", json.dumps({"megadescriptor-b-224": "Embedder"}))
        with self.assertRaises(LookupError):
            inference.load_class_map(unknown, manifest)
        twice = self.write("twice.json", json.dumps({"megadescriptor-t-224": "E", "megadescriptor-l-384": "E"}))
        with self.assertRaises(inference.ManifestError) as caught:
            inference.load_class_map(twice, manifest)
        self.assertEqual(str(caught.exception), f'{twice}: class "E" is named for more than one model')


class SignatureTest(unittest.TestCase):
    def setUp(self) -> None:
        self.manifest = inference.load_manifest(MODELS_DIR / "models.json")

    def test_accepts_the_shapes_an_export_of_the_entry_has(self) -> None:
        large = self.manifest.entry("megadescriptor-l-384")
        self.assertIsNone(inference.signature_problem(large, ["batch", 3, 384, 384], ["batch", 1536]))
        detector = self.manifest.entry("megadetector-v5a")
        self.assertIsNone(inference.signature_problem(detector, [1, 3, 1280, 1280], [1, 100800, 8]))

    def test_names_the_mismatch(self) -> None:
        small = self.manifest.entry("megadescriptor-t-224")
        self.assertEqual(
            inference.signature_problem(small, ["batch", 3, 384, 384], ["batch", 1536]),
            "input [batch,3,384,384] has size 384 in dimension 2, expected 224 (NCHW [batch,3,224,224])",
        )
        self.assertEqual(
            inference.signature_problem(small, ["batch", 3, 224, 224], ["batch", 1536]),
            "output [batch,1536] has size 1536 in dimension 1, expected 768 (a 768-d embedding [batch,768])",
        )
        detector = self.manifest.entry("megadetector-v5a")
        self.assertEqual(
            inference.signature_problem(detector, [1, 3, 1280, 1280], [1, 8]),
            "output [1,8] has rank 2, expected rank 3 (detections [batch,N,5+C] or [batch,4+C,N])",
        )


@unittest.skipUnless(HAS_ONNXRUNTIME, NO_ONNXRUNTIME)
class RunTest(TempDirTest):
    def affine(self, dims: tuple[int | str, ...] = ("batch", 3, 2, 2)) -> Path:
        return self.write("affine.onnx", onnx_bytes.affine_model(dims))

    def test_runs_the_model_and_returns_float32_le_bytes_with_dims_and_hash(self) -> None:
        path = self.affine()
        model = inference.OnnxModel(path, "affine", providers=[inference.CPU])
        values = [float(v) for v in range(-6, 18)]
        result = model.run(floats(*values), [2, 3, 2, 2])
        self.assertEqual(result["dims"], [2, 3, 2, 2])
        self.assertEqual(list(struct.unpack("<24f", result["output"])), [2 * v + 1 for v in values])
        self.assertEqual(result["model_id"], "affine")
        self.assertEqual(result["model_sha256"], hashlib.sha256(path.read_bytes()).hexdigest())
        self.assertEqual(result["provider"], inference.CPU)

    def test_run_refuses_a_shape_the_model_input_does_not_take(self) -> None:
        model = inference.OnnxModel(self.affine(), "affine", providers=[inference.CPU])
        with self.assertRaises(inference.TensorInputError) as caught:
            model.run(bytes(4 * 12), [1, 12])
        self.assertEqual(str(caught.exception), 'Shape [1,12] has rank 2 but model input "x" [batch,3,2,2] has rank 4')
        with self.assertRaises(inference.TensorInputError) as caught:
            model.run(bytes(4 * 16), [1, 4, 2, 2])
        self.assertEqual(
            str(caught.exception),
            'Shape [1,4,2,2] has size 4 in dimension 1 but model input "x" [batch,3,2,2] needs 3',
        )

    def test_info_reports_names_shapes_hash_and_provider(self) -> None:
        path = self.affine((1, 3, 2, 2))
        info = inference.OnnxModel(path, "affine", providers=[inference.CPU]).info()
        self.assertEqual(info["input_name"], "x")
        self.assertEqual(info["input_shape"], [1, 3, 2, 2])
        self.assertEqual(info["output_name"], "y")
        self.assertEqual(info["output_shape"], [1, 3, 2, 2])
        self.assertEqual(info["sha256"], hashlib.sha256(path.read_bytes()).hexdigest())
        self.assertEqual(info["provider"], inference.CPU)

    def test_refuses_a_model_with_more_than_one_input(self) -> None:
        path = self.write("two.onnx", onnx_bytes.two_input_model())
        with self.assertRaises(inference.ModelFileError) as caught:
            inference.OnnxModel(path, "two", providers=[inference.CPU])
        self.assertEqual(
            str(caught.exception),
            'Model "two" has 2 input(s) (a, b) and 1 output(s) (sum); expected exactly one of each',
        )

    def test_refuses_bytes_that_are_not_an_onnx_model(self) -> None:
        path = self.write("junk.onnx", b"\x00 this is not protobuf")
        with self.assertRaises(inference.ModelFileError) as caught:
            inference.OnnxModel(path, "junk", providers=[inference.CPU])
        self.assertTrue(str(caught.exception).startswith(f'onnxruntime cannot load model "junk" ({path}): '))

    def test_load_entry_model_reads_the_desktop_layout_and_checks_hash_and_shapes(self) -> None:
        data = onnx_bytes.affine_model(("batch", 3, 2, 2))
        self.write("models/test-embedder/embedder.onnx", data)
        pinned = hashlib.sha256(data).hexdigest()
        manifest_path = self.write("models.json", json.dumps({"version": 1, "models": [entry(sha256=pinned)]}))
        # The affine model's output is [batch,3,2,2], not a [batch,12] embedding: refused with the reason.
        with self.assertRaises(inference.ModelFileError) as caught:
            inference.load_entry_model(inference.load_manifest(manifest_path), "test-embedder", self.dir / "models")
        self.assertEqual(
            str(caught.exception),
            f'Model file {self.dir / "models/test-embedder/embedder.onnx"} does not fit "test-embedder" in '
            f"{manifest_path}: output [batch,3,2,2] has rank 4, expected rank 2 (a 12-d embedding [batch,12])",
        )

    @unittest.skipIf(has_cuda(), "this onnxruntime has CUDA")
    def test_required_cuda_is_refused_by_a_cpu_only_onnxruntime(self) -> None:
        import onnxruntime

        with self.assertRaises(inference.ProviderError) as caught:
            inference.OnnxModel(self.affine(), "affine", required_provider=inference.CUDA)
        self.assertEqual(
            str(caught.exception),
            f"onnxruntime {onnxruntime.__version__} has no CUDAExecutionProvider "
            f"(it has: {', '.join(onnxruntime.get_available_providers())}); install onnxruntime-gpu for CUDA",
        )

    @unittest.skipUnless(has_cuda(), "this onnxruntime has no CUDA provider")
    def test_runs_on_cuda_when_required_and_available(self) -> None:
        model = inference.OnnxModel(self.affine(), "affine", required_provider=inference.CUDA)
        result = model.run(floats(*range(12)), [1, 3, 2, 2])
        self.assertEqual(result["provider"], inference.CUDA)
        self.assertEqual(list(struct.unpack("<12f", result["output"])), [2.0 * v + 1 for v in range(12)])


if __name__ == "__main__":
    unittest.main()
