"""Runs one ONNX model on a raw float32 tensor: the Python half of Tiger ID's remote inference.

The desktop app preprocesses in Node (sharp) and sends the exact input tensor, so this module only checks the
tensor, runs the same ONNX file with onnxruntime and hands back the raw output. Detector decoding and L2
normalisation stay in Node. Nothing here imports modal: the module runs and is tested wherever Python, numpy and
onnxruntime are (numpy and onnxruntime are imported when a model is loaded, so `modal deploy` needs neither).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CUDA = "CUDAExecutionProvider"
CPU = "CPUExecutionProvider"
# In descending order of preference, filtered by what the installed onnxruntime offers.
PROVIDER_PREFERENCE = (CUDA, CPU)
# onnxruntime's CUDA provider uses TF32 by default on Ampere and newer (A100, L4, H100): it rounds matmul and
# convolution inputs to 10 mantissa bits, so results could differ from the desktop's float32 ones by more than
# the 1e-4 the app accepts. Full float32 keeps "the same ONNX file gives the same numbers" true.
CUDA_OPTIONS = {"use_tf32": "0"}

# The same rules as electron/core/inference/manifest.ts: ids become folder names, files are bare names.
MODEL_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}\.onnx")
SHA256 = re.compile(r"[0-9a-f]{64}")
BYTES_PER_VALUE = 4

log = logging.getLogger("tigerid.inference")


class ManifestError(ValueError):
    """models.json or modal-classes.json is not what the app ships."""


class ModelFileError(RuntimeError):
    """The model file is missing, is not the file the manifest pins, or is not a model this service can run."""


class ProviderError(RuntimeError):
    """onnxruntime cannot run on the execution provider that was asked for."""


class TensorInputError(ValueError):
    """The tensor or shape sent to run() does not fit the model's input."""


class InferenceError(RuntimeError):
    """onnxruntime failed while running a valid input."""


def _received(value: object) -> str:
    return f"{value!r} of type {type(value).__name__}"


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _shape_text(shape: Sequence[object]) -> str:
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


def sha256_file(path: Path) -> str:
    """Streams the file through SHA-256 (models are hundreds of MB: never read whole)."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class ManifestEntry:
    """The fields of a models.json entry that remote inference uses (Node validates the full schema)."""

    id: str
    task: str
    file: str
    sha256: str | None
    layout: str
    width: int
    height: int
    dim: int | None

    def expected_input_shape(self) -> list[int | str]:
        """The input shape the app sends, with 'batch' where any size is fine."""
        if self.layout == "NCHW":
            return ["batch", 3, self.height, self.width]
        return ["batch", self.height, self.width, 3]


class Manifest:
    def __init__(self, source: str, entries: Sequence[ManifestEntry]):
        self.source = source
        self._entries = {entry.id: entry for entry in entries}

    @property
    def ids(self) -> list[str]:
        return list(self._entries)

    def entry(self, model_id: str) -> ManifestEntry:
        found = self._entries.get(model_id)
        if found is None:
            raise LookupError(f'Unknown model id "{model_id}"; {self.source} lists: {", ".join(self._entries)}')
        return found


def _field(data: dict[str, Any], key: str, where: str, source: str) -> Any:
    if key not in data:
        raise ManifestError(f"{source}: {where}.{key} is missing")
    return data[key]


def _positive_int(value: object, where: str, source: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ManifestError(f"{source}: expected positive integer for {where} but received {_received(value)}")
    return value


# Learned local features (ALIKE) run on the computer that converted them; Modal does not serve them yet.
LOCAL_ONLY_TASKS = ("local-features",)


def _parse_entry(raw: object, where: str, source: str) -> ManifestEntry | None:
    if not isinstance(raw, dict):
        raise ManifestError(f"{source}: expected object for {where} but received {_received(raw)}")
    model_id = _field(raw, "id", where, source)
    if not isinstance(model_id, str) or not MODEL_ID.fullmatch(model_id):
        raise ManifestError(
            f"{source}: expected an id of lowercase letters, digits, '.', '_' or '-' for {where}.id "
            f"but received {_received(model_id)}"
        )
    task = _field(raw, "task", where, source)
    if task in LOCAL_ONLY_TASKS:
        return None
    if task not in ("detect", "embed"):
        raise ManifestError(
            f"{source}: expected one of: detect, embed, local-features for {where}.task but received {_received(task)}"
        )
    file = _field(raw, "file", where, source)
    if not isinstance(file, str) or not FILE_NAME.fullmatch(file):
        raise ManifestError(
            f"{source}: expected a bare file name ending in .onnx for {where}.file but received {_received(file)}"
        )
    sha256 = _field(raw, "sha256", where, source)
    if sha256 is not None and (not isinstance(sha256, str) or not SHA256.fullmatch(sha256)):
        raise ManifestError(
            f"{source}: expected 64 lowercase hex digits or null for {where}.sha256 but received {_received(sha256)}"
        )
    spec = _field(raw, "input", where, source)
    if not isinstance(spec, dict):
        raise ManifestError(f"{source}: expected object for {where}.input but received {_received(spec)}")
    layout = _field(spec, "layout", f"{where}.input", source)
    if layout not in ("NCHW", "NHWC"):
        raise ManifestError(
            f"{source}: expected one of: NCHW, NHWC for {where}.input.layout but received {_received(layout)}"
        )
    width = _positive_int(_field(spec, "width", f"{where}.input", source), f"{where}.input.width", source)
    height = _positive_int(_field(spec, "height", f"{where}.input", source), f"{where}.input.height", source)
    dim = None
    if task == "embed":
        output = _field(raw, "output", where, source)
        if not isinstance(output, dict):
            raise ManifestError(f"{source}: expected object for {where}.output but received {_received(output)}")
        dim = _positive_int(_field(output, "dim", f"{where}.output", source), f"{where}.output.dim", source)
    return ManifestEntry(model_id, task, file, sha256, layout, width, height, dim)


def load_manifest(path: Path | str) -> Manifest:
    """Reads models.json; every error names the file and the JSON path."""
    source = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ManifestError(f"Cannot read model manifest {source}: {error}") from error
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ManifestError(f"{source}: expected an object with version 1")
    models = data.get("models")
    if not isinstance(models, list):
        raise ManifestError(f"{source}: expected array for models but received {_received(models)}")
    parsed = [(index, _parse_entry(raw, f"models[{index}]", source)) for index, raw in enumerate(models)]
    entries = [entry for _, entry in parsed if entry is not None]
    seen: set[str] = set()
    for index, entry in parsed:
        if entry is None:
            continue
        if entry.id in seen:
            raise ManifestError(f'{source}: models[{index}].id "{entry.id}" appears twice')
        seen.add(entry.id)
    return Manifest(source, entries)


def load_class_map(path: Path | str, manifest: Manifest) -> dict[str, str]:
    """Reads modal-classes.json ({model id: Modal class name}), the one map the app and modal_app.py share."""
    source = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ManifestError(f"Cannot read Modal class map {source}: {error}") from error
    if not isinstance(data, dict) or not data:
        raise ManifestError(f"{source}: expected a non-empty object of model id -> class name")
    names: set[str] = set()
    for model_id, name in data.items():
        manifest.entry(model_id)
        if not isinstance(name, str) or not name.isidentifier():
            raise ManifestError(f"{source}: expected a Python class name for {model_id} but received {_received(name)}")
        if name in names:
            raise ManifestError(f'{source}: class "{name}" is named for more than one model')
        names.add(name)
    return dict(data)


def check_input(
    tensor: object,
    shape: object,
    declared: Sequence[int | str | None] | None = None,
    input_name: str = "input",
) -> list[int]:
    """Checks a tensor and its shape before any native work; returns the shape as ints.

    `declared` is the model input's shape as onnxruntime reports it: ints are fixed sizes, strings and None
    (symbolic or unknown) take any size.
    """
    if not isinstance(tensor, (bytes, bytearray, memoryview)):
        raise TensorInputError(
            f"Expected bytes (float32, little-endian) for tensor but received {type(tensor).__name__}"
        )
    if not isinstance(shape, (list, tuple)) or len(shape) == 0:
        raise TensorInputError(
            f"Expected a non-empty list of positive integers for shape but received {_received(shape)}"
        )
    for index, size in enumerate(shape):
        # JS integers at or above 2^32 arrive as floats over CBOR: refuse them here rather than truncate.
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise TensorInputError(f"Expected positive integer for shape[{index}] but received {_received(size)}")
    dims = [int(size) for size in shape]
    length = memoryview(tensor).nbytes
    needed = math.prod(dims) * BYTES_PER_VALUE
    if length != needed:
        raise TensorInputError(
            f"Tensor has {length} bytes but shape {_shape_text(dims)} needs {needed} "
            f"({BYTES_PER_VALUE} bytes per float32)"
        )
    if declared is not None:
        if len(declared) != len(dims):
            raise TensorInputError(
                f'Shape {_shape_text(dims)} has rank {len(dims)} but model input "{input_name}" '
                f"{_shape_text(declared)} has rank {len(declared)}"
            )
        for index, (want, got) in enumerate(zip(declared, dims, strict=True)):
            if isinstance(want, int) and want > 0 and want != got:
                raise TensorInputError(
                    f'Shape {_shape_text(dims)} has size {got} in dimension {index} but model input "{input_name}" '
                    f"{_shape_text(declared)} needs {want}"
                )
    return dims


def _fits(actual: Sequence[int | str | None], expected: Sequence[int | str]) -> str | None:
    if len(actual) != len(expected):
        return f"has rank {len(actual)}, expected rank {len(expected)}"
    for index, (got, want) in enumerate(zip(actual, expected, strict=True)):
        if isinstance(want, int) and isinstance(got, int) and got > 0 and got != want:
            return f"has size {got} in dimension {index}, expected {want}"
    return None


def signature_problem(
    entry: ManifestEntry,
    input_shape: Sequence[int | str | None],
    output_shape: Sequence[int | str | None],
) -> str | None:
    """Why a model's input/output shapes do not fit its manifest entry, or None when they do."""
    want_in = entry.expected_input_shape()
    problem = _fits(input_shape, want_in)
    if problem is not None:
        return f"input {_shape_text(input_shape)} {problem} ({entry.layout} {_shape_text(want_in)})"
    if entry.dim is not None:
        want_out: list[int | str] = ["batch", entry.dim]
        wanted = f"a {entry.dim}-d embedding [batch,{entry.dim}]"
    else:
        # Without the class list only the rank of a detector's output can be checked here.
        want_out = ["batch", "N", "C"]
        wanted = "detections [batch,N,5+C] or [batch,4+C,N]"
    problem = _fits(output_shape, want_out)
    if problem is not None:
        return f"output {_shape_text(output_shape)} {problem} ({wanted})"
    return None


def _import_onnxruntime() -> Any:
    try:
        import onnxruntime
    except ImportError as error:
        raise ProviderError(
            "onnxruntime is not installed: pip install onnxruntime (CPU) or 'onnxruntime-gpu[cuda,cudnn]' (CUDA)"
        ) from error
    return onnxruntime


def _session_providers(ort: Any, providers: Sequence[str] | None, required: str | None) -> list[Any]:
    wanted = list(PROVIDER_PREFERENCE if providers is None else providers)
    available = ort.get_available_providers()
    if required is not None and required not in available:
        raise ProviderError(
            f"onnxruntime {ort.__version__} has no {required} (it has: {', '.join(available)}); "
            "install onnxruntime-gpu for CUDA"
        )
    chosen = [name for name in wanted if name in available]
    if not chosen:
        raise ProviderError(
            f"None of the execution providers {', '.join(wanted)} is in onnxruntime {ort.__version__} "
            f"(it has: {', '.join(available)})"
        )
    if CUDA in chosen and hasattr(ort, "preload_dlls"):
        # pip's CUDA/cuDNN wheels (onnxruntime-gpu[cuda,cudnn]) are only found once preloaded.
        ort.preload_dlls()
    return [(name, CUDA_OPTIONS) if name == CUDA else name for name in chosen]


class OnnxModel:
    """One ONNX file, hashed and loaded once; run() takes float32 bytes and returns float32 bytes."""

    def __init__(
        self,
        path: Path | str,
        model_id: str,
        expected_sha256: str | None = None,
        providers: Sequence[str] | None = None,
        required_provider: str | None = None,
    ):
        if expected_sha256 is not None and (
            not isinstance(expected_sha256, str) or not SHA256.fullmatch(expected_sha256)
        ):
            raise ValueError(
                f"Expected 64 lowercase hex digits for expected_sha256 but received {_received(expected_sha256)}"
            )
        self.path = Path(path)
        self.model_id = model_id
        # Hash before loading: a session always runs exactly the file its hash names.
        try:
            self.sha256 = sha256_file(self.path)
        except OSError as error:
            raise ModelFileError(
                f'Cannot read model file {self.path} of "{model_id}"'
                + (f" (expected sha256 {expected_sha256})" if expected_sha256 else "")
                + f": {error.strerror or error}"
            ) from error
        if expected_sha256 is not None and self.sha256 != expected_sha256:
            raise ModelFileError(
                f'Model file {self.path} of "{model_id}" has sha256 {self.sha256}, expected {expected_sha256}; '
                "upload the file the manifest pins"
            )
        ort = _import_onnxruntime()
        self.onnxruntime_version = str(ort.__version__)
        session_providers = _session_providers(ort, providers, required_provider)
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self._session = ort.InferenceSession(str(self.path), sess_options=options, providers=session_providers)
        except Exception as error:
            raise ModelFileError(
                f'onnxruntime cannot load model "{model_id}" ({self.path}): {_first_line(error)}'
            ) from error
        inputs = self._session.get_inputs()
        outputs = self._session.get_outputs()
        if len(inputs) != 1 or len(outputs) != 1:
            raise ModelFileError(
                f'Model "{model_id}" has {len(inputs)} input(s) ({", ".join(i.name for i in inputs)}) and '
                f"{len(outputs)} output(s) ({', '.join(o.name for o in outputs)}); expected exactly one of each"
            )
        for kind, value in (("input", inputs[0]), ("output", outputs[0])):
            if value.type != "tensor(float)":
                raise ModelFileError(
                    f'Model "{model_id}" {kind} "{value.name}" is {value.type}, expected tensor(float)'
                )
        self.input_name: str = inputs[0].name
        self.input_shape: list[int | str | None] = list(inputs[0].shape)
        self.output_name: str = outputs[0].name
        self.output_shape: list[int | str | None] = list(outputs[0].shape)
        preferred = session_providers[0] if isinstance(session_providers[0], str) else session_providers[0][0]
        if required_provider is not None:
            if self.provider != required_provider:
                raise ProviderError(
                    f'Model "{model_id}" must run on {required_provider} but onnxruntime {self.onnxruntime_version} '
                    f"gave {self.provider} (its log above says why)"
                )
            # Never fall back to another provider at run time without saying so: fail instead.
            self._session.disable_fallback()
        elif self.provider != preferred:
            log.warning(
                "Model %s runs on %s: %s did not load (onnxruntime's log says why)",
                model_id,
                self.provider,
                preferred,
            )
        log.info("Loaded model %s (sha256 %s) on %s", model_id, self.sha256, self.provider)

    @property
    def provider(self) -> str:
        """The execution provider the session really uses (onnxruntime may fall back after a provider error)."""
        return str(self._session.get_providers()[0])

    def run(self, tensor: bytes, shape: list[int]) -> dict[str, Any]:
        """Runs one batch; returns the raw first output as float32 little-endian bytes with its dims."""
        dims = check_input(tensor, shape, self.input_shape, self.input_name)
        import numpy

        feed = numpy.frombuffer(tensor, dtype="<f4").reshape(dims)
        try:
            (output,) = self._session.run([self.output_name], {self.input_name: feed})
        except Exception as error:
            raise InferenceError(
                f'Running model "{self.model_id}" on {self.provider} with input {_shape_text(dims)} failed: '
                f"{_first_line(error)}"
            ) from error
        values = numpy.ascontiguousarray(output, dtype="<f4")
        return {
            "model_id": self.model_id,
            "model_sha256": self.sha256,
            "dims": [int(d) for d in values.shape],
            "output": values.tobytes(),
            "provider": self.provider,
        }

    def info(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id,
            "sha256": self.sha256,
            "input_name": self.input_name,
            "input_shape": self.input_shape,
            "output_name": self.output_name,
            "output_shape": self.output_shape,
            "provider": self.provider,
            "onnxruntime": self.onnxruntime_version,
        }


def load_entry_model(
    manifest: Manifest,
    model_id: str,
    models_dir: Path | str,
    required_provider: str | None = None,
) -> OnnxModel:
    """Loads `<models_dir>/<id>/<file>` (the desktop's layout) pinned to the manifest's hash when it has one,
    and refuses a file whose shapes do not fit the entry."""
    entry = manifest.entry(model_id)
    path = Path(models_dir) / entry.id / entry.file
    model = OnnxModel(path, entry.id, expected_sha256=entry.sha256, required_provider=required_provider)
    problem = signature_problem(entry, model.input_shape, model.output_shape)
    if problem is not None:
        raise ModelFileError(f'Model file {path} does not fit "{entry.id}" in {manifest.source}: {problem}')
    return model
