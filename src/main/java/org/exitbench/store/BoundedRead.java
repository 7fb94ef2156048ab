package org.exitbench.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reading from files that may be hostile or damaged without letting them decide how much memory is used. Sizes
 * are counted while the bytes arrive: a zip's directory and local headers state an uncompressed size, but nothing
 * forces the compressed stream to agree with it, so a header is never trusted on its own.
 *
 * <p>Every refusal is a {@link StoreException} naming the file (and the entry) and the limit, so the user learns
 * what to change (or which {@link InputLimits} property to raise).
 */
public final class BoundedRead {

    private static final int CHUNK = 64 * 1024;

    private BoundedRead() {
    }

    /**
     * Reads a stream to its end, refusing more than {@code maxBytes}.
     *
     * @param file what to name in the message
     * @param what the part of the file being read (an entry name), or null for the whole file
     * @throws StoreException when the stream holds more than {@code maxBytes}
     * @throws IOException    when reading fails
     */
    public static byte[] readAll(InputStream in, long maxBytes, Path file, String what) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(maxBytes, CHUNK));
        byte[] buffer = new byte[CHUNK];
        long total = 0;
        int read;
        while ((read = in.read(buffer)) != -1) {
            total += read;
            if (total > maxBytes) {
                throw tooLarge(file, what, maxBytes);
            }
            out.write(buffer, 0, read);
        }
        return out.toByteArray();
    }

    /**
     * Reads one zip entry whole, refusing more than {@code maxBytes} (counted, and also checked against the size the
     * zip directory declares, so an honest large entry is refused before any of it is inflated).
     *
     * @throws StoreException when the entry is larger than allowed, or cannot be read
     */
    public static byte[] readEntry(ZipFile zip, ZipEntry entry, long maxBytes, Path file) {
        if (entry.getSize() > maxBytes) {
            throw tooLarge(file, entry.getName(), maxBytes);
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return readAll(in, maxBytes, file, entry.getName());
        } catch (IOException e) {
            throw new StoreException(file, "is corrupt: the entry " + entry.getName() + " cannot be read ("
                    + e.getMessage() + ")", e);
        }
    }

    /**
     * Lists a zip's entries after checking their names: a name that would leave a folder it were extracted to
     * (absolute, {@code ..}, a drive letter or backslashes), or appears twice, is refused. Exitbench never extracts
     * zips to disk, but a second entry of the same name is a classic way to show one reader one thing and another
     * reader another, and such names are never written by Exitbench.
     *
     * @throws StoreException naming the file and the entry
     */
    public static List<ZipEntry> checkedEntries(ZipFile zip, Path file) {
        List<ZipEntry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        var all = zip.entries();
        while (all.hasMoreElements()) {
            ZipEntry entry = all.nextElement();
            String name = entry.getName();
            if (!safeName(name)) {
                throw new StoreException(file, "has an entry with an unsafe name ('" + name + "'): absolute paths, "
                        + "'..' and backslashes are refused");
            }
            if (!names.add(name)) {
                throw new StoreException(file, "has the entry " + name + " twice");
            }
            entries.add(entry);
        }
        return entries;
    }

    /** @return whether a zip entry name stays inside the folder it would be extracted to */
    public static boolean safeName(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0
                || (name.length() > 1 && name.charAt(1) == ':')) {
            return false;
        }
        for (String part : name.split("/")) {
            if (part.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static StoreException tooLarge(Path file, String what, long maxBytes) {
        String part = what == null ? "is" : "has an entry " + what + " that is";
        return new StoreException(file, part + " larger than " + maxBytes + " bytes, the most Exitbench reads "
                + "(refused as a likely decompression bomb; raise " + InputLimits.PROPERTY_PREFIX
                + "maxEntryBytes if the file is genuine)");
    }
}
