package org.exitbench.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Test helpers that build hostile or damaged zip files from real ones, at test time. */
public final class ZipFixtures {

    private ZipFixtures() {
    }

    /** @return every entry of a zip, in order, name to bytes */
    public static Map<String, byte[]> entries(Path zip) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : Collections.list(file.entries())) {
                try (InputStream in = file.getInputStream(entry)) {
                    entries.put(entry.getName(), in.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    /** @return a zip of the given entries */
    public static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Copies {@code source} to {@code target} with its entries edited (a well-formed zip). */
    public static Path rewrite(Path source, Path target, Consumer<Map<String, byte[]>> edit) {
        Map<String, byte[]> entries = entries(source);
        edit.accept(entries);
        write(target, zip(entries));
        return target;
    }

    /**
     * Writes a zip whose entry {@code name} inflates to {@code size} zero bytes (about a thousandth of that on
     * disk), after the given ordinary entries: a decompression bomb.
     */
    public static Path bomb(Path target, Map<String, byte[]> ordinary, String name, long size) {
        try (OutputStream out = Files.newOutputStream(target); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : ordinary.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
            zip.putNextEntry(new ZipEntry(name));
            byte[] zeros = new byte[1 << 20];
            for (long written = 0; written < size; written += zeros.length) {
                zip.write(zeros, 0, (int) Math.min(zeros.length, size - written));
            }
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    private static void write(Path target, byte[] bytes) {
        try {
            Files.write(target, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
