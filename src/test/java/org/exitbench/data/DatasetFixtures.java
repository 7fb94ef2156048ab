package org.exitbench.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

/**
 * Writes small, real dataset files for tests: PNG/BMP/JPEG images in the ImageFolder layout, CIFAR-10 binary
 * batches and IDX files. Pixel values follow {@link #value}, so a test can tell what every pixel must be.
 */
public final class DatasetFixtures {

    private DatasetFixtures() {
    }

    /**
     * The value of one fixture pixel: distinct across splits, classes, images, channels and positions, so that a
     * transposed, shifted or mislabelled image is caught.
     */
    public static int value(int split, int label, int image, int channel, int y, int x) {
        return (split * 53 + label * 31 + image * 7 + channel * 11 + y * 3 + x) & 0xFF;
    }

    /** A grayscale image whose pixels are {@link #value}{@code (split, label, image, 0, y, x)}. */
    public static BufferedImage grayImage(int height, int width, int split, int label, int image) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.getRaster().setSample(x, y, 0, value(split, label, image, 0, y, x));
            }
        }
        return img;
    }

    /** An RGB image whose channel c is {@link #value}{@code (split, label, image, c, y, x)}. */
    public static BufferedImage rgbImage(int height, int width, int split, int label, int image) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, value(split, label, image, 0, y, x) << 16 | value(split, label, image, 1, y, x) << 8
                        | value(split, label, image, 2, y, x));
            }
        }
        return img;
    }

    /** A grayscale image of one value everywhere. */
    public static BufferedImage uniformGray(int height, int width, int value) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.getRaster().setSample(x, y, 0, value);
            }
        }
        return img;
    }

    /** The same pixels stored as RGB, each channel equal to the gray value (what an editor re-saving it may do). */
    public static BufferedImage asRgb(BufferedImage gray) {
        BufferedImage img = new BufferedImage(gray.getWidth(), gray.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < gray.getHeight(); y++) {
            for (int x = 0; x < gray.getWidth(); x++) {
                int v = gray.getRaster().getSample(x, y, 0);
                img.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        return img;
    }

    /** Writes an image in the format its extension names (png, bmp, jpg). */
    public static Path write(BufferedImage image, Path file) {
        String name = file.getFileName().toString();
        String format = name.substring(name.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(image, format.equals("jpg") ? "jpeg" : format, file.toFile())) {
                throw new IllegalStateException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * Writes an ImageFolder dataset: {@code <root>/<split>/<class>/img<k>.png} with gray images of
     * {@link #grayImage}, or RGB for the classes listed in {@code rgbClasses}.
     *
     * @param perClass images per class for each split to write; splits left out get no folder
     */
    public static Path imageFolder(Path root, List<String> classes, Map<Split, Integer> perClass, int height,
                                   int width, List<String> rgbClasses) {
        for (Map.Entry<Split, Integer> entry : perClass.entrySet()) {
            Split split = entry.getKey();
            for (int label = 0; label < classes.size(); label++) {
                String name = classes.get(label);
                for (int k = 0; k < entry.getValue(); k++) {
                    BufferedImage img = rgbClasses.contains(name)
                            ? rgbImage(height, width, split.ordinal(), label, k)
                            : grayImage(height, width, split.ordinal(), label, k);
                    write(img, root.resolve(split.folderName()).resolve(name).resolve(imageName(k)));
                }
            }
        }
        return root;
    }

    /** The file name of image {@code k} in a fixture class folder. */
    public static String imageName(int k) {
        return String.format(java.util.Locale.ROOT, "img%03d.png", k);
    }

    /** The image number {@code k} of a fixture file, from its name. */
    public static int imageNumber(String source) {
        String name = Path.of(source).getFileName().toString();
        return Integer.parseInt(name.substring(3, name.indexOf('.')));
    }

    /**
     * Writes a CIFAR-10 binary batch: one label byte and 3×32×32 pixel bytes per record, pixel c,y,x of record r
     * being {@link #value}{@code (batch, label, r, c, y, x)}.
     */
    public static Path cifarBatch(Path file, int batch, int[] labels) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int r = 0; r < labels.length; r++) {
            bytes.write(labels[r]);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        bytes.write(value(batch, labels[r], r, c, y, x));
                    }
                }
            }
        }
        return writeBytes(file, bytes.toByteArray());
    }

    /**
     * Writes an IDX image file (magic 0x803) of {@code count} images of height×width, pixel y,x of image i being
     * {@link #value}{@code (0, labels[i], i, 0, y, x)}; gzip-compressed when {@code gzip}.
     */
    public static Path idxImages(Path file, int[] labels, int height, int width, boolean gzip) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0x00000803);
            out.writeInt(labels.length);
            out.writeInt(height);
            out.writeInt(width);
            for (int i = 0; i < labels.length; i++) {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        out.write(value(0, labels[i], i, 0, y, x));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return writeBytes(file, gzip ? gzip(bytes.toByteArray()) : bytes.toByteArray());
    }

    /** Writes an IDX label file (magic 0x801). */
    public static Path idxLabels(Path file, int[] labels, boolean gzip) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0x00000801);
            out.writeInt(labels.length);
            for (int label : labels) {
                out.write(label);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return writeBytes(file, gzip ? gzip(bytes.toByteArray()) : bytes.toByteArray());
    }

    /** Labels 0, 1, ..., classes-1, 0, 1, ... : {@code perClass} of each class, interleaved. */
    public static int[] roundRobinLabels(int classes, int perClass) {
        int[] labels = new int[classes * perClass];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % classes;
        }
        return labels;
    }

    public static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static Path writeBytes(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a small gray PNG whose header declares {@code width} × {@code height} pixels, with only the first rows
     * present (a decompression bomb as far as any decoder that trusts the header is concerned).
     */
    public static Path pngBomb(Path file, int width, int height) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            DataOutputStream h = new DataOutputStream(header);
            h.writeInt(width);
            h.writeInt(height);
            h.write(new byte[] {8, 0, 0, 0, 0});
            chunk(png, "IHDR", header.toByteArray());
            ByteArrayOutputStream rows = new ByteArrayOutputStream();
            try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(rows)) {
                z.write(new byte[(width + 1) * 4]);
            }
            chunk(png, "IDAT", rows.toByteArray());
            chunk(png, "IEND", new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return writeBytes(file, png.toByteArray());
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) throws IOException {
        DataOutputStream out = new DataOutputStream(png);
        out.writeInt(data.length);
        byte[] name = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(name);
        out.write(data);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(name);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }

    /** Cuts a file to its first {@code keep} bytes. */
    public static void truncate(Path file, int keep) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            Files.write(file, java.util.Arrays.copyOf(bytes, keep));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A fingerprint of every file and folder under {@code root}: path, size, modification time and SHA-256 of
     * the contents. Equal fingerprints before and after a read prove the reader changed nothing.
     */
    public static Map<String, String> fingerprint(Path root) {
        Map<String, String> prints = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                String info = Files.getLastModifiedTime(p).toString();
                if (Files.isRegularFile(p)) {
                    info += " " + HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
                }
                prints.put(root.relativize(p).toString(), info);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return prints;
    }
}
