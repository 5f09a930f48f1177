"""Writes tiny ONNX models as protobuf bytes with the standard library, so the Python tests need no onnx package
and no Node (the GPU machine that runs them has neither). Field numbers are onnx.proto's, as in
electron/core/inference/onnx-writer/onnx-proto.ts; only float32 tensors and the fields these tests use are written."""

from __future__ import annotations

import struct
from collections.abc import Sequence

Dim = int | str
FLOAT = 1


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        low = value & 0x7F
        value >>= 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _int_field(field: int, value: int) -> bytes:
    return _varint(field << 3) + _varint(value)


def _bytes_field(field: int, data: bytes) -> bytes:
    return _varint(field << 3 | 2) + _varint(len(data)) + data


def _str_field(field: int, text: str) -> bytes:
    return _bytes_field(field, text.encode("utf-8"))


def value_info(name: str, dims: Sequence[Dim]) -> bytes:
    """ValueInfoProto of a float tensor; a str dim is symbolic (any size)."""
    shape = b"".join(_bytes_field(1, _str_field(2, d) if isinstance(d, str) else _int_field(1, d)) for d in dims)
    tensor_type = _int_field(1, FLOAT) + _bytes_field(2, shape)
    return _str_field(1, name) + _bytes_field(2, _bytes_field(1, tensor_type))


def initializer(name: str, dims: Sequence[int], values: Sequence[float]) -> bytes:
    """TensorProto holding float32 values as little-endian raw_data, as exporters write them."""
    raw = struct.pack(f"<{len(values)}f", *values)
    return b"".join(_int_field(1, d) for d in dims) + _int_field(2, FLOAT) + _str_field(8, name) + _bytes_field(9, raw)


def node(op: str, inputs: Sequence[str], outputs: Sequence[str]) -> bytes:
    return (
        b"".join(_str_field(1, i) for i in inputs)
        + b"".join(_str_field(2, o) for o in outputs)
        + _str_field(3, f"{op}_{outputs[0]}")
        + _str_field(4, op)
    )


def model(
    inputs: Sequence[bytes],
    outputs: Sequence[bytes],
    nodes: Sequence[bytes],
    initializers: Sequence[bytes] = (),
    opset: int = 13,
) -> bytes:
    graph = (
        b"".join(_bytes_field(1, n) for n in nodes)
        + _str_field(2, "test_graph")
        + b"".join(_bytes_field(5, i) for i in initializers)
        + b"".join(_bytes_field(11, i) for i in inputs)
        + b"".join(_bytes_field(12, o) for o in outputs)
    )
    opset_import = _str_field(1, "") + _int_field(2, opset)
    # IR version 8 pairs with opset 13.
    return (
        _int_field(1, 8) + _str_field(2, "tigerid-python-test") + _bytes_field(7, graph) + _bytes_field(8, opset_import)
    )


def affine_model(dims: Sequence[Dim] = ("batch", 3, 2, 2)) -> bytes:
    """y = 2·x + 1, element-wise: outputs are computable by hand."""
    return model(
        inputs=[value_info("x", dims)],
        outputs=[value_info("y", dims)],
        nodes=[node("Mul", ["x", "two"], ["twice"]), node("Add", ["twice", "one"], ["y"])],
        initializers=[initializer("two", [], [2.0]), initializer("one", [], [1.0])],
    )


def two_input_model() -> bytes:
    """a + b: a valid model, but not one this service runs (it takes exactly one input)."""
    return model(
        inputs=[value_info("a", [1, 4]), value_info("b", [1, 4])],
        outputs=[value_info("sum", [1, 4])],
        nodes=[node("Add", ["a", "b"], ["sum"])],
    )
