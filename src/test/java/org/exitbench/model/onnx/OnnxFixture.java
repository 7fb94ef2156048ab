package org.exitbench.model.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.exitbench.data.ImageDataset;

/** The committed ONNX fixture (sample-data/fashion-mnist/onnx) and its PyTorch reference logits. */
final class OnnxFixture {

    static final Path SAMPLE = Path.of("sample-data", "fashion-mnist");
    static final Path MODEL = SAMPLE.resolve("onnx").resolve("small-resnet.onnx");
    static final Path REFERENCE = SAMPLE.resolve("onnx").resolve("reference.json");

    /** The reference images as a dataset (the fixture's classes) and PyTorch's logits for them. */
    record Reference(ImageDataset images, float[][] logits) {
    }

    private OnnxFixture() {
    }

    static Reference reference() {
        try {
            JsonNode root = new ObjectMapper().readTree(REFERENCE.toFile());
            List<String> classes = new ArrayList<>();
            root.get("classes").forEach(c -> classes.add(c.asText()));
            JsonNode images = root.get("images");
            int n = images.size();
            byte[] pixels = new byte[n * 32 * 32];
            int[] labels = new int[n];
            float[][] logits = new float[n][];
            List<String> sources = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                JsonNode image = images.get(i);
                Path file = SAMPLE.resolve(image.get("path").asText());
                Raster raster = ImageIO.read(file.toFile()).getRaster();
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        pixels[i * 1024 + y * 32 + x] = (byte) raster.getSample(x, y, 0);
                    }
                }
                labels[i] = image.get("label").asInt();
                logits[i] = new float[image.get("logits").size()];
                for (int k = 0; k < logits[i].length; k++) {
                    logits[i][k] = (float) image.get("logits").get(k).asDouble();
                }
                sources.add(file.toString());
            }
            return new Reference(new ImageDataset(pixels, labels, 1, 32, 32, classes, sources), logits);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
