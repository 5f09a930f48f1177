"""Tests for models/upload_models.py in --dry-run, which checks everything and prints the modal commands."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import sys
import tempfile
import unittest
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(MODELS_DIR))

import upload_models  # noqa: E402


def entry(model_id: str, file: str, sha256: str | None) -> dict[str, object]:
    return {
        "id": model_id,
        "task": "embed",
        "file": file,
        "sha256": sha256,
        "input": {"width": 4, "height": 4, "layout": "NCHW"},
        "output": {"dim": 4},
    }


class UploadModelsTest(unittest.TestCase):
    def setUp(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="tigerid-upload-")
        self.dir = Path(self._tmp.name)
        self.models = self.dir / "models"
        self.models.mkdir()

    def tearDown(self) -> None:
        self._tmp.cleanup()

    def manifest(self, *entries: dict[str, object]) -> Path:
        path = self.dir / "models.json"
        path.write_text(json.dumps({"version": 1, "models": list(entries)}), encoding="utf-8")
        return path

    def put(self, relative: str, data: bytes) -> Path:
        path = self.models / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def upload(self, manifest: Path) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = upload_models.main([str(self.models), "--manifest", str(manifest), "--volume", "vol", "--dry-run"])
        return code, out.getvalue(), err.getvalue()

    def test_plans_one_put_per_file_found_in_either_layout_and_notes_the_missing(self) -> None:
        pinned = self.put("a/a.onnx", b"model a")  # the desktop layout <id>/<file>
        flat = self.put("b.onnx", b"model b")  # a flat folder
        manifest = self.manifest(
            entry("a", "a.onnx", hashlib.sha256(b"model a").hexdigest()),
            entry("b", "b.onnx", None),
            entry("c", "c.onnx", None),
        )
        code, out, err = self.upload(manifest)
        self.assertEqual(code, 0)
        self.assertEqual(
            out.splitlines(),
            [
                f"modal volume put --force vol {pinned} /a/a.onnx",
                f"modal volume put --force vol {flat} /b/b.onnx",
            ],
        )
        self.assertIn(f"b: {flat} sha256 {hashlib.sha256(b'model b').hexdigest()} -> /b/b.onnx", err)
        self.assertIn("skip c: not found", err)

    def test_uploads_nothing_when_a_file_differs_from_its_pinned_hash(self) -> None:
        self.put("a/a.onnx", b"model a")
        wrong = self.put("b/b.onnx", b"an older export")
        expected = hashlib.sha256(b"model b").hexdigest()
        manifest = self.manifest(entry("a", "a.onnx", None), entry("b", "b.onnx", expected))
        code, out, err = self.upload(manifest)
        self.assertEqual(code, 1)
        self.assertEqual(out, "")
        actual = hashlib.sha256(b"an older export").hexdigest()
        self.assertIn(f"refused b: {wrong} has sha256 {actual}, {manifest} pins {expected}", err)
        self.assertIn("Nothing uploaded", err)

    def test_fails_when_no_model_file_is_there(self) -> None:
        code, out, err = self.upload(self.manifest(entry("a", "a.onnx", None)))
        self.assertEqual(code, 1)
        self.assertEqual(out, "")
        self.assertIn(f"Nothing to upload: no model file of {self.dir / 'models.json'} is in {self.models}.", err)


if __name__ == "__main__":
    unittest.main()
