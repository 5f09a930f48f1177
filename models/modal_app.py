"""Tiger ID's remote inference on Modal: the desktop app's own ONNX files, run on a GPU.

The app preprocesses in Node and calls `run(tensor, shape)` on the class that models/modal-classes.json names for
the model; `info()` tells what a container loaded. Everything below the Modal decorators is tigerid_inference,
which is tested without Modal. Deploy (after uploading the models with upload_models.py):

    modal deploy models/modal_app.py

Env: MODAL_APP_NAME (default tiger-id-models), TIGERID_MODAL_VOLUME (default tiger-id-models).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import modal

import tigerid_inference as inference

# Locally this is models/; in the container it is /root, where the image puts the same two JSON files.
HERE = Path(__file__).resolve().parent
CONTAINER_DIR = "/root"
MANIFEST_FILE = "models.json"
CLASS_MAP_FILE = "modal-classes.json"

APP_NAME = os.environ.get("MODAL_APP_NAME", "tiger-id-models")
VOLUME_NAME = os.environ.get("TIGERID_MODAL_VOLUME", "tiger-id-models")
# The Volume holds <id>/<file>, the desktop's models folder layout (upload_models.py writes it).
MODELS_DIR = "/models"
# An idle GPU container stays warm this long, so a batch of photos pays one cold start.
SCALEDOWN_SECONDS = 300

MANIFEST = inference.load_manifest(HERE / MANIFEST_FILE)
MODEL_FOR_CLASS = {
    name: model_id for model_id, name in inference.load_class_map(HERE / CLASS_MAP_FILE, MANIFEST).items()
}


def model_for(class_name: str) -> str:
    if class_name not in MODEL_FOR_CLASS:
        raise inference.ManifestError(f'{CLASS_MAP_FILE} names no model for Modal class "{class_name}"')
    return MODEL_FOR_CLASS[class_name]


image = (
    modal.Image.debian_slim(python_version="3.12")
    # The same onnxruntime release as the desktop's onnxruntime-node; the extras bring CUDA and cuDNN as wheels.
    .pip_install("onnxruntime-gpu[cuda,cudnn]==1.30.0", "numpy==2.4.6")
    .add_local_file(HERE / MANIFEST_FILE, f"{CONTAINER_DIR}/{MANIFEST_FILE}")
    .add_local_file(HERE / CLASS_MAP_FILE, f"{CONTAINER_DIR}/{CLASS_MAP_FILE}")
    .add_local_python_source("tigerid_inference")
)
models_volume = modal.Volume.from_name(VOLUME_NAME)
app = modal.App(APP_NAME)
common = {"image": image, "volumes": {MODELS_DIR: models_volume}, "scaledown_window": SCALEDOWN_SECONDS}


class OnnxService:
    """One model per container, loaded once. A load failure is kept and raised by every call, so the caller
    reads why (wrong hash, missing file, no CUDA) instead of the container restarting in a loop."""

    model_id: str

    @modal.enter()
    def load(self) -> None:
        logging.basicConfig(level=logging.INFO)
        self.model: inference.OnnxModel | None = None
        self.load_error: Exception | None = None
        try:
            # A GPU container running on CPU would be slow and still billed: require CUDA.
            self.model = inference.load_entry_model(MANIFEST, self.model_id, MODELS_DIR, inference.CUDA)
        except Exception as error:
            logging.exception("Cannot load model %s", self.model_id)
            self.load_error = error

    def loaded(self) -> inference.OnnxModel:
        if self.model is None:
            raise RuntimeError(f'Model "{self.model_id}" is not loaded in this container: {self.load_error}')
        return self.model

    @modal.method()
    def run(self, tensor: bytes, shape: list[int]) -> dict[str, Any]:
        return self.loaded().run(tensor, shape)

    @modal.method()
    def info(self) -> dict[str, Any]:
        return self.loaded().info()


@app.cls(gpu="L4", **common)
class Detector(OnnxService):
    model_id = model_for("Detector")


@app.cls(gpu="T4", **common)
class EmbedderSmall(OnnxService):
    model_id = model_for("EmbedderSmall")


@app.cls(gpu="A100-80GB", **common)
class EmbedderLarge(OnnxService):
    model_id = model_for("EmbedderLarge")


_undefined = sorted(name for name in MODEL_FOR_CLASS if name not in globals())
if _undefined:
    raise inference.ManifestError(f"{CLASS_MAP_FILE} names classes modal_app.py does not define: {_undefined}")
