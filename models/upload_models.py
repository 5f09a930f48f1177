"""Uploads the desktop app's ONNX files to the Modal Volume that models/modal_app.py mounts.

    python3 models/upload_models.py MODELS_DIR [--volume NAME] [--manifest PATH] [--dry-run]

MODELS_DIR is the app's models folder (`<data>/models`, holding `<id>/<file>`) or a flat folder of the files
named in models.json. Every file found is hashed first; if the manifest pins a sha256 and a file differs, nothing
is uploaded. Files land at `/<id>/<file>` in the Volume. Needs the modal CLI (`pip install 'modal>=1.2'`,
`modal token new`) unless --dry-run, which only prints the commands.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import tigerid_inference as inference

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Upload:
    model_id: str
    local: Path
    remote: str
    sha256: str


def find_uploads(manifest: inference.Manifest, models_dir: Path) -> tuple[list[Upload], list[str], list[str]]:
    """Returns (files to upload, problems that forbid uploading, notes about models not found)."""
    uploads: list[Upload] = []
    problems: list[str] = []
    missing: list[str] = []
    for model_id in manifest.ids:
        entry = manifest.entry(model_id)
        candidates = [models_dir / entry.id / entry.file, models_dir / entry.file]
        local = next((path for path in candidates if path.is_file()), None)
        if local is None:
            missing.append(f"{entry.id}: not found ({' or '.join(str(p) for p in candidates)})")
            continue
        sha256 = inference.sha256_file(local)
        if entry.sha256 is not None and sha256 != entry.sha256:
            problems.append(f"{entry.id}: {local} has sha256 {sha256}, {manifest.source} pins {entry.sha256}")
            continue
        uploads.append(Upload(entry.id, local, f"/{entry.id}/{entry.file}", sha256))
    return uploads, problems, missing


def modal_commands(modal: str, volume: str, uploads: list[Upload]) -> list[list[str]]:
    # --force: a re-upload replaces the old file, as a reinstall does on the desktop.
    return [[modal, "volume", "put", "--force", volume, str(u.local), u.remote] for u in uploads]


def run_modal(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{shlex.join(command)} failed ({result.returncode}):\n{result.stderr.strip()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Upload Tiger ID's ONNX models to a Modal Volume.")
    parser.add_argument("models_dir", type=Path, help="the app's models folder or a flat folder of .onnx files")
    parser.add_argument("--volume", default=os.environ.get("TIGERID_MODAL_VOLUME", "tiger-id-models"))
    parser.add_argument("--manifest", type=Path, default=HERE / "models.json")
    parser.add_argument("--dry-run", action="store_true", help="check and print the modal commands only")
    args = parser.parse_args(argv)

    if not args.models_dir.is_dir():
        parser.error(f"{args.models_dir} is not a folder")
    manifest = inference.load_manifest(args.manifest)
    uploads, problems, missing = find_uploads(manifest, args.models_dir)
    for note in missing:
        print(f"skip {note}", file=sys.stderr)
    if problems:
        for problem in problems:
            print(f"refused {problem}", file=sys.stderr)
        print("Nothing uploaded: replace the refused files, or fix the manifest's sha256.", file=sys.stderr)
        return 1
    if not uploads:
        print(f"Nothing to upload: no model file of {args.manifest} is in {args.models_dir}.", file=sys.stderr)
        return 1
    for upload in uploads:
        print(f"{upload.model_id}: {upload.local} sha256 {upload.sha256} -> {upload.remote}", file=sys.stderr)

    modal = "modal" if args.dry_run else shutil.which("modal")
    if modal is None:
        print("The modal CLI is not installed: pip install 'modal>=1.2', then modal token new.", file=sys.stderr)
        return 1
    commands = modal_commands(modal, args.volume, uploads)
    if args.dry_run:
        for command in commands:
            print(shlex.join(command))
        return 0
    # `volume ls` fails when the Volume does not exist yet; create it then (a create error says why, e.g. auth).
    exists = subprocess.run([modal, "volume", "ls", args.volume, "/"], capture_output=True).returncode == 0
    if not exists:
        run_modal([modal, "volume", "create", args.volume])
    for command in commands:
        run_modal(command)
    print(f"Uploaded {len(uploads)} model(s) to Modal Volume {args.volume}.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
