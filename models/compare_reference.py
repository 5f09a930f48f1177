"""Checks that Python onnxruntime (CUDA where it loads, else CPU) reproduces the desktop's onnxruntime-node result.

    python3 models/compare_reference.py FOLDER... [--tolerance 1e-4] [--cpu]

A reference folder (made by `npx tsx test/fakes/reference/make-reference.mts OUT`) holds model.onnx, input.bin
and output.bin (float32 little-endian), shape.json (the input shape) and meta.json (model_id, sha256, dims of the
output). A folder without meta.json stands for its reference subfolders. Prints one JSON line per reference:
{"reference", "model_id", "dims", "max_abs_diff", "tolerance", "provider", "onnxruntime", "ok"[, "problem"]}.
Exit status 0 when every reference is ok, 1 when one differs, 2 when one cannot be run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import tigerid_inference as inference

DEFAULT_TOLERANCE = 1e-4


def reference_folders(folders: list[Path]) -> list[Path]:
    found: list[Path] = []
    for folder in folders:
        if (folder / "meta.json").is_file():
            found.append(folder)
        else:
            found.extend(sorted(sub for sub in folder.iterdir() if (sub / "meta.json").is_file()))
    return found


class ReferenceFolderError(ValueError):
    """A reference folder is incomplete or its files are not what make-reference.mts writes."""


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ReferenceFolderError(f"Cannot read {path}: {error}") from error


def read_meta(folder: Path) -> tuple[str, str, list[int]]:
    """(model_id, sha256, output dims) from meta.json."""
    meta = read_json(folder / "meta.json")
    model_id = meta.get("model_id") if isinstance(meta, dict) else None
    sha256 = meta.get("sha256") if isinstance(meta, dict) else None
    dims = meta.get("dims") if isinstance(meta, dict) else None
    if (
        not isinstance(model_id, str)
        or not isinstance(sha256, str)
        or not isinstance(dims, list)
        or not all(isinstance(d, int) for d in dims)
    ):
        raise ReferenceFolderError(f"{folder / 'meta.json'}: expected model_id, sha256 and dims (a list of integers)")
    return model_id, sha256, dims


def compare(folder: Path, tolerance: float, providers: list[str] | None) -> dict[str, Any]:
    import numpy

    model_id, sha256, dims = read_meta(folder)
    shape = read_json(folder / "shape.json")
    model = inference.OnnxModel(folder / "model.onnx", model_id, expected_sha256=sha256, providers=providers)
    try:
        tensor = (folder / "input.bin").read_bytes()
    except OSError as error:
        raise ReferenceFolderError(f"Cannot read {folder / 'input.bin'}: {error}") from error
    result = model.run(tensor, shape)
    report: dict[str, Any] = {
        "reference": folder.name,
        "model_id": model_id,
        "dims": result["dims"],
        "max_abs_diff": None,
        "tolerance": tolerance,
        "provider": result["provider"],
        "onnxruntime": model.onnxruntime_version,
        "ok": False,
    }
    expected = numpy.fromfile(folder / "output.bin", dtype="<f4")
    actual = numpy.frombuffer(result["output"], dtype="<f4")
    if result["dims"] != dims or actual.size != expected.size:
        report["problem"] = f"output dims {result['dims']}, reference {dims} ({expected.size} values)"
        return report
    diff = numpy.abs(actual.astype(numpy.float64) - expected.astype(numpy.float64))
    if not numpy.all(numpy.isfinite(diff)):
        report["problem"] = "non-finite values in the output or the reference"
        return report
    report["max_abs_diff"] = float(diff.max()) if diff.size else 0.0
    report["ok"] = report["max_abs_diff"] <= tolerance
    if not report["ok"]:
        report["problem"] = f"max abs difference {report['max_abs_diff']:.3g} exceeds {tolerance:g}"
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compare Python onnxruntime with an onnxruntime-node reference.")
    parser.add_argument("folders", nargs="+", type=Path, help="reference folders (or a folder of them)")
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE)
    parser.add_argument("--cpu", action="store_true", help="run on CPU even where CUDA loads")
    args = parser.parse_args(argv)

    folders = reference_folders(args.folders)
    if not folders:
        parser.error(f"no meta.json in {', '.join(map(str, args.folders))} or their subfolders")
    providers = [inference.CPU] if args.cpu else None
    try:
        reports = [compare(folder, args.tolerance, providers) for folder in folders]
    except (
        ReferenceFolderError,
        inference.ModelFileError,
        inference.ProviderError,
        inference.TensorInputError,
    ) as error:
        print(f"compare_reference: {error}", file=sys.stderr)
        return 2
    for report in reports:
        print(json.dumps(report))
    return 0 if all(report["ok"] for report in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
