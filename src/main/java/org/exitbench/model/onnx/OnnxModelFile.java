package org.exitbench.model.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import onnx.Onnx;
import org.exitbench.model.BackboneFileException;
import org.nd4j.shade.protobuf.ByteString;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

/**
 * Reads an ONNX model file as untrusted input: bounded in size, parsed with the ONNX protobuf classes, checked for
 * the structure a runnable graph needs, and with any external tensor data read into the model, but only from files
 * inside the model's own folder. The result is one self-contained {@link Onnx.ModelProto}: segments cut from it and
 * sessions opened on it never touch the file system again.
 *
 * <p>Why check before ONNX Runtime sees the bytes: protobuf parses almost anything without complaint (a truncated
 * file often parses into a graph with nodes missing), and ONNX Runtime's own messages do not name the file. Each
 * problem here becomes a {@link BackboneFileException} naming the file and saying what is wrong.
 */
public final class OnnxModelFile {

    /** The largest model file (and, separately, all its external data together) read: 1 GiB. */
    public static final long MAX_BYTES = 1L << 30;
    /** The newest default-domain opset ONNX Runtime 1.23 runs. */
    public static final int MAX_OPSET = 23;
    /** The oldest default-domain opset ONNX Runtime runs. */
    public static final int MIN_OPSET = 7;

    private OnnxModelFile() {
    }

    /**
     * Reads, checks and makes self-contained the model in {@code file}.
     *
     * @throws BackboneFileException naming the file when it is missing, too large, not an ONNX model, truncated,
     *                               of an opset ONNX Runtime cannot run, or refers to external data outside its
     *                               folder or missing
     */
    public static Onnx.ModelProto read(Path file) {
        return read(file, MAX_BYTES);
    }

    /** {@link #read(Path)} with another size limit (for tests of the limit). */
    static Onnx.ModelProto read(Path file, long maxBytes) {
        if (!Files.isRegularFile(file)) {
            throw new BackboneFileException(file, "does not exist or is not a file");
        }
        byte[] bytes = readBounded(file, maxBytes);
        Onnx.ModelProto model = parse(file, bytes);
        check(file, model);
        return inlineExternalData(file, model, maxBytes);
    }

    /**
     * Parses and checks bytes that are already in memory (a model kept inside a workspace document or a zip).
     *
     * @param file the file the bytes came from, for messages
     */
    public static Onnx.ModelProto parse(Path file, byte[] bytes) {
        Onnx.ModelProto model;
        try {
            model = Onnx.ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new BackboneFileException(file, "is not an ONNX model, or is truncated (" + e.getMessage() + ")", e);
        }
        if (!model.hasGraph() || model.getIrVersion() <= 0 || model.getGraph().getNodeCount() == 0) {
            throw new BackboneFileException(file, "is not an ONNX model: it has no graph, no IR version or no nodes");
        }
        return model;
    }

    private static byte[] readBounded(Path file, long maxBytes) {
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            long size = channel.size();
            if (size > maxBytes) {
                throw new BackboneFileException(file, "is " + size + " bytes, more than the " + maxBytes
                        + " Exitbench reads for a model");
            }
            if (size == 0) {
                throw new BackboneFileException(file, "is empty");
            }
        } catch (IOException e) {
            throw new BackboneFileException(file, "cannot be read: " + e.getMessage(), e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            // Bounded again while reading: the file may grow between the size check and the read.
            byte[] bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
            if (bytes.length > maxBytes) {
                throw new BackboneFileException(file, "grew beyond " + maxBytes + " bytes while being read");
            }
            return bytes;
        } catch (IOException e) {
            throw new BackboneFileException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Checks what ONNX Runtime would otherwise report without naming the file: the opset, and that every node's
     * inputs exist (a truncated file that still parses usually lost nodes or initializers).
     */
    static void check(Path file, Onnx.ModelProto model) {
        int opset = -1;
        for (Onnx.OperatorSetIdProto id : model.getOpsetImportList()) {
            if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
                opset = (int) id.getVersion();
            }
        }
        if (opset < 0) {
            throw new BackboneFileException(file, "declares no opset of the default ONNX domain");
        }
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new BackboneFileException(file, "uses opset " + opset + "; the ONNX Runtime in Exitbench runs opsets "
                    + MIN_OPSET + " to " + MAX_OPSET + " (re-export it, e.g. torch.onnx.export(..., opset_version=13))");
        }
        Onnx.GraphProto graph = model.getGraph();
        Set<String> known = new HashSet<>();
        known.add("");
        graph.getInputList().forEach(v -> known.add(v.getName()));
        graph.getInitializerList().forEach(t -> known.add(t.getName()));
        for (Onnx.NodeProto node : graph.getNodeList()) {
            for (String input : node.getInputList()) {
                if (!known.contains(input)) {
                    throw new BackboneFileException(file, "is truncated or malformed: node '" + node.getName() + "' ("
                            + node.getOpType() + ") reads '" + input + "', which no earlier node, input or "
                            + "initializer provides");
                }
            }
            known.addAll(node.getOutputList());
        }
        if (graph.getOutputCount() == 0) {
            throw new BackboneFileException(file, "has no graph output");
        }
        for (Onnx.ValueInfoProto output : graph.getOutputList()) {
            if (!known.contains(output.getName())) {
                throw new BackboneFileException(file, "is truncated or malformed: its output '" + output.getName()
                        + "' is computed by no node");
            }
        }
    }

    /**
     * Replaces every initializer whose data lives in a separate file by the same tensor with the data inside. The
     * location must be a relative path that stays inside the model's folder (after resolving links); offsets and
     * lengths are checked against the file.
     */
    private static Onnx.ModelProto inlineExternalData(Path file, Onnx.ModelProto model, long maxBytes) {
        Onnx.GraphProto graph = model.getGraph();
        boolean any = graph.getInitializerList().stream()
                .anyMatch(t -> t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL);
        if (!any) {
            return model;
        }
        Path folder;
        try {
            folder = file.toAbsolutePath().getParent().toRealPath();
        } catch (IOException e) {
            throw new BackboneFileException(file, "its folder cannot be resolved: " + e.getMessage(), e);
        }
        Onnx.GraphProto.Builder newGraph = graph.toBuilder();
        long budget = maxBytes;
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            Onnx.TensorProto tensor = graph.getInitializer(i);
            if (tensor.getDataLocation() != Onnx.TensorProto.DataLocation.EXTERNAL) {
                continue;
            }
            String location = null;
            long offset = 0;
            long length = -1;
            for (Onnx.StringStringEntryProto entry : tensor.getExternalDataList()) {
                switch (entry.getKey()) {
                    case "location" -> location = entry.getValue();
                    case "offset" -> offset = parseLong(file, tensor, entry);
                    case "length" -> length = parseLong(file, tensor, entry);
                    default -> {
                        // checksum and other keys carry nothing we need
                    }
                }
            }
            Path data = externalFile(file, folder, tensor.getName(), location);
            byte[] bytes = readRange(file, data, tensor.getName(), offset, length, budget);
            budget -= bytes.length;
            newGraph.setInitializer(i, tensor.toBuilder().clearExternalData()
                    .setDataLocation(Onnx.TensorProto.DataLocation.DEFAULT).setRawData(ByteString.copyFrom(bytes)));
        }
        return model.toBuilder().setGraph(newGraph).build();
    }

    private static long parseLong(Path file, Onnx.TensorProto tensor, Onnx.StringStringEntryProto entry) {
        try {
            long value = Long.parseLong(entry.getValue());
            if (value < 0) {
                throw new NumberFormatException("negative");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new BackboneFileException(file, "the external data of tensor '" + tensor.getName() + "' has "
                    + entry.getKey() + " '" + entry.getValue() + "', not a non-negative integer");
        }
    }

    private static Path externalFile(Path file, Path folder, String tensor, String location) {
        if (location == null || location.isBlank()) {
            throw new BackboneFileException(file, "tensor '" + tensor + "' has external data without a location");
        }
        Path relative;
        try {
            relative = Path.of(location);
        } catch (RuntimeException e) {
            throw new BackboneFileException(file, "tensor '" + tensor + "' has the unusable external data location '"
                    + location + "'");
        }
        Path resolved = folder.resolve(relative).normalize();
        if (relative.isAbsolute() || !resolved.startsWith(folder)) {
            throw new BackboneFileException(file, "tensor '" + tensor + "' keeps its data in '" + location
                    + "', outside the model's folder " + folder + "; Exitbench reads external data only from there");
        }
        try {
            Path real = resolved.toRealPath();
            if (!real.startsWith(folder)) {
                throw new BackboneFileException(file, "tensor '" + tensor + "' keeps its data in '" + location
                        + "', a link to " + real + " outside the model's folder");
            }
            return real;
        } catch (IOException e) {
            throw new BackboneFileException(file, "the external data file '" + location + "' of tensor '" + tensor
                    + "' is missing (" + e.getMessage() + ")", e);
        }
    }

    private static byte[] readRange(Path file, Path data, String tensor, long offset, long length, long budget) {
        try (SeekableByteChannel channel = Files.newByteChannel(data)) {
            long size = channel.size();
            long end = length < 0 ? size : offset + length;
            if (offset > size || end > size) {
                throw new BackboneFileException(file, "tensor '" + tensor + "' wants bytes " + offset + " to " + end
                        + " of " + data.getFileName() + ", which has " + size);
            }
            if (end - offset > budget) {
                throw new BackboneFileException(file, "its external data exceed the " + MAX_BYTES
                        + " bytes Exitbench reads for a model");
            }
            channel.position(offset);
            byte[] bytes = new byte[(int) (end - offset)];
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new BackboneFileException(file, "external data file " + data + " ended early");
                }
            }
            return bytes;
        } catch (IOException e) {
            throw new BackboneFileException(file, "cannot read the external data of tensor '" + tensor + "' from "
                    + data + ": " + e.getMessage(), e);
        }
    }
}
