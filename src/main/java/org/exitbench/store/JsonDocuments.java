package org.exitbench.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * Versioned JSON documents: every document Exitbench writes starts with {@code "format"} (what kind of
 * document it is) and {@code "formatVersion"} (the schema version), followed by the fields of a record.
 * Readers check both before they bind anything, so an unknown document or one written by a newer Exitbench is
 * reported clearly instead of being half-read.
 *
 * <p>The {@link #newMapper() mapper} is the one every package uses for JSON, so all documents look alike:
 * indented, fields in declaration order, unknown fields ignored (older readers may meet optional fields that a
 * later minor change added without bumping the version).
 */
public final class JsonDocuments {

    /** The field naming the kind of document. */
    public static final String FORMAT_FIELD = "format";
    /** The field holding the schema version. */
    public static final String VERSION_FIELD = "formatVersion";

    private static final ObjectMapper MAPPER = newMapper();

    private JsonDocuments() {
    }

    /**
     * A kind of document and the versions this code reads.
     *
     * @param format         the value of the {@code "format"} field, e.g. {@code "exitbench.feature-cache"}
     * @param oldestReadable the oldest schema version still read
     * @param current        the version written, and the newest read
     */
    public record DocumentType(String format, int oldestReadable, int current) {

        public DocumentType {
            Objects.requireNonNull(format, "format");
            if (oldestReadable < 1 || current < oldestReadable) {
                throw new IllegalArgumentException("versions must satisfy 1 <= oldestReadable <= current");
            }
        }

        /** A document type with a single version. */
        public static DocumentType of(String format, int version) {
            return new DocumentType(format, version, version);
        }
    }

    /** @return a new mapper configured as Exitbench writes JSON */
    public static ObjectMapper newMapper() {
        return JsonMapper.builder()
                .enable(SerializationFeature.INDENT_OUTPUT)
                // A key given twice is an error naming the key, not silently the last value.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    /**
     * Encodes a record as a versioned document.
     *
     * @param type     the kind of document; its current version is written
     * @param document the record or bean whose fields follow the header fields
     * @return UTF-8 JSON
     */
    public static byte[] toBytes(DocumentType type, Object document) {
        ObjectNode body = MAPPER.valueToTree(document);
        ObjectNode root = MAPPER.createObjectNode();
        root.put(FORMAT_FIELD, type.format());
        root.put(VERSION_FIELD, type.current());
        Iterator<Map.Entry<String, JsonNode>> fields = body.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!FORMAT_FIELD.equals(field.getKey()) && !VERSION_FIELD.equals(field.getKey())) {
                root.set(field.getKey(), field.getValue());
            }
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + document.getClass().getSimpleName(), e);
        }
    }

    /** Writes a versioned document atomically (see {@link AtomicFiles}). */
    public static void write(Path file, DocumentType type, Object document) {
        AtomicFiles.writeBytes(file, toBytes(type, document));
    }

    /**
     * Reads a versioned document from a file.
     *
     * @throws StoreException when the file is missing, not JSON, another kind of document, of an unsupported
     *                        version, or does not fit {@code recordType}
     */
    public static <T> T read(Path file, DocumentType type, Class<T> recordType) {
        return fromBytes(readBytes(file), file, type, recordType);
    }

    /**
     * Decodes a versioned document read from somewhere else (e.g. an entry of a zip file).
     *
     * @param content the UTF-8 JSON
     * @param source  the file to name in error messages
     */
    public static <T> T fromBytes(byte[] content, Path source, DocumentType type, Class<T> recordType) {
        JsonNode root = parseObject(content, source);
        int version = checkHeader(root, source, type);
        ObjectNode body = ((ObjectNode) root).deepCopy();
        body.remove(FORMAT_FIELD);
        body.remove(VERSION_FIELD);
        try {
            return MAPPER.treeToValue(body, recordType);
        } catch (IOException | IllegalArgumentException e) {
            throw new StoreException(source, "is not a valid " + type.format() + " document (version " + version
                    + "): " + e.getMessage(), e);
        }
    }

    /**
     * Reads only a document's version, without checking it against the supported range, so that a caller can treat
     * a document of another version as outdated (e.g. rebuild a cache) rather than as an error.
     *
     * @throws StoreException when the file is missing, not JSON, or another kind of document
     */
    public static int peekVersion(Path file, DocumentType type) {
        return formatVersion(parseObject(readBytes(file), file), file, type);
    }

    private static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new StoreException(file, "is missing", e);
        } catch (IOException e) {
            throw new StoreException(file, "could not be read: " + e.getMessage(), e);
        }
    }

    private static JsonNode parseObject(byte[] content, Path source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(content);
        } catch (JsonProcessingException e) {
            throw new StoreException(source, "is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new StoreException(source, "could not be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new StoreException(source, "is not a JSON object");
        }
        return root;
    }

    private static int checkHeader(JsonNode root, Path source, DocumentType type) {
        int version = formatVersion(root, source, type);
        if (version > type.current()) {
            throw new StoreException(source, "was written by a newer Exitbench (" + type.format() + " version "
                    + version + "); this version reads up to version " + type.current());
        }
        if (version < type.oldestReadable()) {
            throw new StoreException(source, "has the old " + type.format() + " version " + version
                    + ", which this Exitbench no longer reads (oldest readable: " + type.oldestReadable() + ")");
        }
        return version;
    }

    /** Checks the document's kind and returns its version, whatever that is. */
    private static int formatVersion(JsonNode root, Path source, DocumentType type) {
        JsonNode format = root.get(FORMAT_FIELD);
        if (format == null || !format.isTextual()) {
            throw new StoreException(source, "has no \"" + FORMAT_FIELD + "\" field; expected a " + type.format()
                    + " document");
        }
        if (!type.format().equals(format.asText())) {
            throw new StoreException(source, "is a " + format.asText() + " document, expected " + type.format());
        }
        JsonNode versionNode = root.get(VERSION_FIELD);
        if (versionNode == null || !versionNode.canConvertToInt() || !versionNode.isIntegralNumber()) {
            throw new StoreException(source, "has no integer \"" + VERSION_FIELD + "\" field");
        }
        return versionNode.asInt();
    }
}
