"""Runs the published ALIKE network in PyTorch and writes what the app's own ONNX conversion must reproduce.

    /usr/bin/python3 models/alike_reference.py WEIGHTS_DIR OUT_DIR [--sizes t,s,n,l]

WEIGHTS_DIR holds alike-<size>.pth (../shared/models/alike). For each size, OUT_DIR/alike-<size>.json gets the
network's outputs on a generated striped image (the same formula as test/inference/alike-reference.test.ts), at a
fixed grid of pixels, and the keypoints and descriptors the authors' detector (DKD, sub-pixel, top-k) finds on it.

The network and detector below follow the authors' code (github Shiaoming/ALIKE, commit 4e61fc7: alnet.py,
soft_detect.py) line for line, so this is an independent reference: it shares nothing with the TypeScript
conversion but the weights. Needs PyTorch (Debian: apt-get install python3-torch); nothing else.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

HEIGHT, WIDTH = 96, 128
GRID_STEP = 7
TOP_K = 24
RADIUS = 2


def striped_image() -> torch.Tensor:
    """[1, 3, H, W] in [0, 1]: wavy dark bars on a bright ground, a different phase per channel."""
    image = torch.zeros(1, 3, HEIGHT, WIDTH, dtype=torch.float32)
    for c in range(3):
        for y in range(HEIGHT):
            for x in range(WIDTH):
                value = 0.5 + 0.45 * math.sin(0.35 * x + 3 * math.sin(0.05 * y) + 0.4 * c)
                image[0, c, y, x] = value
    return image


def conv3x3(cin: int, cout: int) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, 3, 1, 1, bias=False)


def conv1x1(cin: int, cout: int) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, 1, 1, bias=False)


class ConvBlock(nn.Module):
    def __init__(self, cin: int, cout: int) -> None:
        super().__init__()
        self.conv1 = conv3x3(cin, cout)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = conv3x3(cout, cout)
        self.bn2 = nn.BatchNorm2d(cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(x)))


class ResBlock(nn.Module):
    def __init__(self, cin: int, cout: int) -> None:
        super().__init__()
        self.conv1 = conv3x3(cin, cout)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = conv3x3(cout, cout)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = nn.Conv2d(cin, cout, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.downsample(x))


class ALNet(nn.Module):
    def __init__(self, c1: int, c2: int, c3: int, c4: int, dim: int, single_head: bool) -> None:
        super().__init__()
        self.block1 = ConvBlock(3, c1)
        self.block2 = ResBlock(c1, c2)
        self.block3 = ResBlock(c2, c3)
        self.block4 = ResBlock(c3, c4)
        self.conv1 = conv1x1(c1, dim // 4)
        self.conv2 = conv1x1(c2, dim // 4)
        self.conv3 = conv1x1(c3, dim // 4)
        self.conv4 = conv1x1(dim, dim // 4)
        self.single_head = single_head
        if not single_head:
            self.convhead1 = conv1x1(dim, dim)
        self.convhead2 = conv1x1(dim, dim + 1)

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x1 = self.block1(image)
        x2 = self.block2(F.max_pool2d(x1, 2, 2))
        x3 = self.block3(F.max_pool2d(x2, 4, 4))
        x4 = self.block4(F.max_pool2d(x3, 4, 4))
        up = lambda x, s: F.interpolate(x, scale_factor=s, mode="bilinear", align_corners=True)  # noqa: E731
        x1 = F.relu(self.conv1(x1))
        x2 = up(F.relu(self.conv2(x2)), 2)
        x3 = up(F.relu(self.conv3(x3)), 8)
        x4 = up(F.relu(self.conv4(x4)), 32)
        x = torch.cat([x1, x2, x3, x4], dim=1)
        if not self.single_head:
            x = F.relu(self.convhead1(x))
        x = self.convhead2(x)
        descriptors = F.normalize(x[:, :-1], p=2, dim=1)
        scores = torch.sigmoid(x[:, -1]).unsqueeze(1)
        return scores, descriptors


def simple_nms(scores: torch.Tensor, radius: int) -> torch.Tensor:
    def max_pool(x: torch.Tensor) -> torch.Tensor:
        return F.max_pool2d(x, kernel_size=radius * 2 + 1, stride=1, padding=radius)

    zeros = torch.zeros_like(scores)
    max_mask = scores == max_pool(scores)
    for _ in range(2):
        supp_mask = max_pool(max_mask.float()) > 0
        supp_scores = torch.where(supp_mask, zeros, scores)
        new_max_mask = supp_scores == max_pool(supp_scores)
        max_mask = max_mask | (new_max_mask & (~supp_mask))
    return torch.where(max_mask, scores, zeros)


def detect(scores: torch.Tensor, descriptors: torch.Tensor, top_k: int) -> dict[str, list]:
    """DKD with sub-pixel refinement, for one image: keypoints in pixels, their scores and descriptors."""
    _, _, h, w = scores.shape
    nms = simple_nms(scores, RADIUS)
    nms[:, :, : RADIUS + 1, :] = 0
    nms[:, :, :, : RADIUS + 1] = 0
    nms[:, :, h - RADIUS :, :] = 0
    nms[:, :, :, w - RADIUS :] = 0
    indices = torch.topk(nms.view(-1), top_k).indices
    kernel = 2 * RADIUS + 1
    patches = F.unfold(scores, kernel_size=kernel, padding=RADIUS)[0].t()[indices]
    x = torch.linspace(-RADIUS, RADIUS, kernel)
    grid = torch.stack(torch.meshgrid([x, x], indexing="ij")).view(2, -1).t()[:, [1, 0]]
    max_v = patches.max(dim=1).values[:, None]
    x_exp = ((patches - max_v) / 0.1).exp()
    residual = x_exp @ grid / x_exp.sum(dim=1)[:, None]
    xy = torch.stack([indices % w, indices // w], dim=1).float() + residual
    normalised = xy / xy.new_tensor([w - 1, h - 1]) * 2 - 1
    at = normalised.view(1, 1, -1, 2)
    keypoint_scores = F.grid_sample(scores, at, mode="bilinear", align_corners=True)[0, 0, 0, :]
    sampled = F.grid_sample(descriptors, at, mode="bilinear", align_corners=True)[0, :, 0, :]
    sampled = F.normalize(sampled, p=2, dim=0).t()
    return {
        "xy": xy.tolist(),
        "scores": keypoint_scores.tolist(),
        "descriptors": sampled.tolist(),
    }


def rounded(value: object) -> object:
    """Floats to 8 significant digits: float32 holds about 7, so nothing the comparison needs is lost."""
    if isinstance(value, float):
        return float(f"{value:.8g}")
    if isinstance(value, list):
        return [rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return value


CONFIGS = {
    "t": (8, 16, 32, 64, 64, True),
    "s": (8, 16, 48, 96, 96, True),
    "n": (16, 32, 64, 128, 128, True),
    "l": (32, 64, 128, 128, 128, False),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("weights", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--sizes", default="t,s,n,l")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    image = striped_image()
    for size in args.sizes.split(","):
        net = ALNet(*CONFIGS[size])
        state = torch.load(args.weights / f"alike-{size}.pth", map_location="cpu")
        net.load_state_dict(state, strict=True)
        net.eval()
        with torch.no_grad():
            scores, descriptors = net(image)
            found = detect(scores, descriptors, TOP_K)
        pixels = [(y, x) for y in range(0, HEIGHT, GRID_STEP) for x in range(0, WIDTH, GRID_STEP)]
        reference = {
            "size": size,
            "height": HEIGHT,
            "width": WIDTH,
            "gridStep": GRID_STEP,
            "scores": [scores[0, 0, y, x].item() for y, x in pixels],
            # First 8 channels of the descriptor at every grid pixel: enough to catch any wrong weight or layer.
            "descriptors": [descriptors[0, :8, y, x].tolist() for y, x in pixels],
            "keypoints": found,
            "torch": torch.__version__,
        }
        (args.out / f"alike-{size}.json").write_text(json.dumps(rounded(reference), separators=(",", ":")) + "\n")
        print(f"alike-{size}: {len(pixels)} pixels, {TOP_K} keypoints")


if __name__ == "__main__":
    main()
