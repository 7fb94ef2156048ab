#!/usr/bin/python3
"""Rewrites a one-file ONNX export (cascade.onnx, backbone.onnx) into the graph variants of issue 16's batch-1
overhead study, for bench/src/.../OnnxGraphVariantTimer.java to time. Needs only Debian's python3-onnx.

  /usr/bin/python3 bench/pytorch/onnx_exit_variants.py EXPORT_FOLDER OUT_FOLDER

Writes into OUT_FOLDER:
  prefix<k>.onnx            backbone.onnx up to exit k's map plus one GlobalAveragePool: the oracle (an exit that
                            costs nothing but the pooling every branch starts with)
  trivial.onnx              one GlobalAveragePool of the pixels: the fixed cost of a call
  exit1-branch.onnx         backbone to exit 1 + branch 1 (probabilities out)
  exit1-test.onnx           ... + the exit test (ArgMax, ReduceMax, Gather, GreaterOrEqual; fires out)
  exit1-test-nhwc.onnx      ... + the map handed on channels last as a second output
  cascade-trivial-else.onnx cascade.onnx with exit 1's else branch replaced by its then branch (the If and its
                            answer without the rest of the network; gives wrong answers past exit 1 by design)
  cascade-topk.onnx         exit tests with TopK(1) instead of ArgMax + ReduceMax (one node fewer per exit)
  cascade-rmean.onnx        each branch pools the channels-last map handed to the If (Reshape + ReduceMean)
                            instead of its own GlobalAveragePool on ONNX Runtime's blocked layout
  cascade-sub-test.onnx     exit tests as Sub(p, tau) -> ReduceMax -> >= 0 (exact for thresholds > 0.5, where at most
                            one class can pass), class and confidence computed in the then branch only

Tensor names are those CascadeOnnxAssembler writes (b<k>/probabilities, class<k>, fires<k>, map<k>_nhwc, ...).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def branches(node):
    return {a.name: a.g for a in node.attribute if a.type == onnx.AttributeProto.GRAPH}


def save(model, out, name):
    onnx.save(model, os.path.join(out, name))


def keep_used_initializers(graph):
    used = {i for n in graph.node for i in n.input}
    kept = [t for t in graph.initializer if t.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)


def prefix(backbone, k):
    """backbone.onnx up to segment k's output, then one global average pooling."""
    g = onnx.GraphProto()
    g.CopyFrom(backbone.graph)
    stop = "s%d/segment_out" % k
    nodes = []
    for n in g.node:
        nodes.append(n)
        if stop in n.output:
            break
    del g.node[:]
    g.node.extend(nodes)
    g.node.append(helper.make_node("GlobalAveragePool", [stop], ["pooled"]))
    del g.output[:]
    g.output.append(helper.make_tensor_value_info("pooled", TensorProto.FLOAT, None))
    keep_used_initializers(g)
    m = helper.make_model(g, opset_imports=backbone.opset_import)
    m.ir_version = backbone.ir_version
    return m


def truncated(cascade, outputs):
    """The top level of cascade.onnx (no If) cut down to what the named tensors need."""
    g = onnx.GraphProto()
    g.CopyFrom(cascade.graph)
    need = set(outputs)
    keep = []
    for n in reversed([n for n in g.node if n.op_type != "If"]):
        if any(o in need for o in n.output):
            keep.append(n)
            need.update(i for i in n.input if i)
    keep.reverse()
    del g.node[:]
    g.node.extend(keep)
    del g.output[:]
    for o in outputs:
        g.output.append(helper.make_tensor_value_info(o, TensorProto.BOOL if o.startswith("fires")
                                                      else TensorProto.FLOAT, None))
    keep_used_initializers(g)
    m = helper.make_model(g, opset_imports=cascade.opset_import)
    m.ir_version = cascade.ir_version
    return m


def rewrite_levels(cascade, exits, rewrite):
    """Applies rewrite(graph, k) to the graph of each exit level (the top graph, then each else branch)."""
    m = onnx.ModelProto()
    m.CopyFrom(cascade)
    g, k = m.graph, 1
    while k <= exits:
        rewrite(g, k)
        ifs = [n for n in g.node if n.op_type == "If"]
        g = branches(ifs[0])["else_branch"]
        k += 1
    return m


def topk(g, k):
    nodes, out = list(g.node), []
    g.initializer.append(numpy_helper.from_array(np.array([1], dtype=np.int64), "topk_k%d" % k))
    for n in nodes:
        if n.output[0] == "confidence%d" % k:
            continue
        if n.output[0] == "class%d" % k:
            out.append(helper.make_node("TopK", [n.input[0], "topk_k%d" % k], ["confidence%d" % k, "class%d" % k],
                                        axis=1, largest=1, sorted=1))
            continue
        if n.op_type == "If":
            then = branches(n)["then_branch"]
            then.initializer.append(numpy_helper.from_array(np.array([1], dtype=np.int64), "vector%d" % k))
            replaced = []
            for x in then.node:
                if x.op_type == "Identity" and x.input[0] in ("class%d" % k, "confidence%d" % k):
                    replaced.append(helper.make_node("Reshape", [x.input[0], "vector%d" % k], list(x.output)))
                else:
                    replaced.append(x)
            del then.node[:]
            then.node.extend(replaced)
        out.append(n)
    del g.node[:]
    g.node.extend(out)


def rmean(channels):
    def rewrite(g, k):
        nodes = list(g.node)
        by_output = {o: n for n in nodes for o in n.output}
        handed = by_output["map%d_nhwc" % k]
        sequence = by_output["b%d/exit_sequence" % k]
        g.initializer.append(numpy_helper.from_array(np.array([1, -1, channels[k - 1]], dtype=np.int64),
                                                     "cells_shape%d" % k))
        out = []
        for n in nodes:
            if n is handed or n is sequence:
                continue
            if n.op_type == "GlobalAveragePool" and n.output[0] == "b%d/exit_pooled" % k:
                out.append(handed)
                out.append(helper.make_node("Reshape", ["map%d_nhwc" % k, "cells_shape%d" % k], ["cells%d" % k]))
                out.append(helper.make_node("ReduceMean", ["cells%d" % k], ["b%d/exit_sequence" % k], axes=[1],
                                            keepdims=1))
                continue
            out.append(n)
        del g.node[:]
        g.node.extend(out)
    return rewrite


def sub_test(g, k):
    nodes, out = list(g.node), []
    g.initializer.append(numpy_helper.from_array(np.array(0, dtype=np.float32), "zero%d" % k))
    p = "b%d/probabilities" % k
    for n in nodes:
        o = n.output[0]
        if o in ("class%d" % k, "confidence%d" % k, "tau%d" % k):
            continue
        if o == "fires%d" % k:
            out.append(helper.make_node("Sub", [p, "thresholds%d" % k], ["excess%d" % k]))
            out.append(helper.make_node("ReduceMax", ["excess%d" % k], ["best_excess%d" % k], axes=[1], keepdims=0))
            out.append(helper.make_node("GreaterOrEqual", ["best_excess%d" % k, "zero%d" % k], [o]))
            continue
        if n.op_type == "If":
            then = branches(n)["then_branch"]
            replaced = []
            for x in then.node:
                if x.op_type == "Identity" and x.input[0] == "class%d" % k:
                    replaced.append(helper.make_node("ArgMax", [p], list(x.output), axis=1, keepdims=0))
                elif x.op_type == "Identity" and x.input[0] == "confidence%d" % k:
                    replaced.append(helper.make_node("ReduceMax", [p], list(x.output), axes=[1], keepdims=0))
                else:
                    replaced.append(x)
            del then.node[:]
            then.node.extend(replaced)
        out.append(n)
    del g.node[:]
    g.node.extend(out)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    export, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    cascade = onnx.load(os.path.join(export, "cascade.onnx"))
    backbone = onnx.load(os.path.join(export, "backbone.onnx"))
    g, exits = cascade.graph, 0
    channels = []
    while True:
        ifs = [n for n in g.node if n.op_type == "If"]
        if not ifs:
            break
        exits += 1
        seq = [n for n in g.node if n.output[0] == "b%d/exit_sequence" % exits][0]
        shape = [t for t in g.initializer if t.name == seq.input[1]][0]
        channels.append(int(numpy_helper.to_array(shape)[-1]))
        g = branches(ifs[0])["else_branch"]
    for k in range(1, exits + 1):
        save(prefix(backbone, k), out, "prefix%d.onnx" % k)
    trivial = helper.make_graph([helper.make_node("GlobalAveragePool", ["pixels"], ["pooled"])], "trivial",
                                [cascade.graph.input[0]],
                                [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, None)])
    m = helper.make_model(trivial, opset_imports=cascade.opset_import)
    m.ir_version = cascade.ir_version
    save(m, out, "trivial.onnx")
    save(truncated(cascade, ["b1/probabilities"]), out, "exit1-branch.onnx")
    save(truncated(cascade, ["fires1"]), out, "exit1-test.onnx")
    save(truncated(cascade, ["fires1", "map1_nhwc"]), out, "exit1-test-nhwc.onnx")
    trivial_else = onnx.ModelProto()
    trivial_else.CopyFrom(cascade)
    top_if = [n for n in trivial_else.graph.node if n.op_type == "If"][0]
    for a in top_if.attribute:
        if a.name == "else_branch":
            then = branches(top_if)["then_branch"]
            a.g.CopyFrom(then)
            a.g.name = "trivial_else"
    onnx.save(trivial_else, os.path.join(out, "cascade-trivial-else.onnx"))
    save(rewrite_levels(cascade, exits, topk), out, "cascade-topk.onnx")
    save(rewrite_levels(cascade, exits, rmean(channels)), out, "cascade-rmean.onnx")
    save(rewrite_levels(cascade, exits, sub_test), out, "cascade-sub-test.onnx")
    print("wrote the variants of %s (%d exits) into %s" % (export, exits, out))


if __name__ == "__main__":
    main()
