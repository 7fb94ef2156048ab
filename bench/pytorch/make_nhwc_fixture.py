"""Writes the channels-last (NHWC) twin of the ONNX fixture: the same network and weights, but its input is
[N, 32, 32, 1] and feeds a single Transpose to NCHW, which is how models exported from TensorFlow/Keras (tf2onnx)
look. Exitbench's import recognises that layout; the tests run this twin through import, feature cache, branches,
CPM and the ONNX export, and check that it answers as the NCHW fixture does.

    /usr/bin/python3 bench/pytorch/make_nhwc_fixture.py \
        --model sample-data/fashion-mnist/onnx/small-resnet.onnx \
        --out sample-data/fashion-mnist/onnx/small-resnet-nhwc.onnx

Needs only Debian's python3-onnx; the output is byte-for-byte reproducible.
"""
import argparse

import onnx
from onnx import helper


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="the NCHW fixture")
    parser.add_argument("--out", required=True, help="where to write the NHWC twin")
    args = parser.parse_args()

    model = onnx.load(args.model)
    graph = model.graph
    if len(graph.input) != 1:
        raise SystemExit(f"{args.model}: expected one input, found {len(graph.input)}")
    nchw = graph.input[0]
    dims = nchw.type.tensor_type.shape.dim
    batch = dims[0].dim_param or dims[0].dim_value
    channels, height, width = (d.dim_value for d in dims[1:])
    nhwc = helper.make_tensor_value_info("input_nhwc", nchw.type.tensor_type.elem_type,
                                         [batch, height, width, channels])
    to_nchw = helper.make_node("Transpose", ["input_nhwc"], [nchw.name], name="/to_nchw/Transpose",
                               perm=[0, 3, 1, 2])
    # The old input name becomes the Transpose's output, so every node that read it is untouched.
    graph.input.remove(nchw)
    graph.input.insert(0, nhwc)
    graph.node.insert(0, to_nchw)
    for prop in model.metadata_props:
        if prop.key == "exitbench.layout":
            prop.value = "NHWC"
    model.doc_string = ("Channels-last twin of small-resnet.onnx (input [N, H, W, C] transposed to NCHW), made by "
                        "bench/pytorch/make_nhwc_fixture.py")
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, args.out)
    print(f"wrote {args.out}: input input_nhwc {[batch, height, width, channels]}")


if __name__ == "__main__":
    main()
