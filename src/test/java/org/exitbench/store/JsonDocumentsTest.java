package org.exitbench.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonDocumentsTest {

    record Settings(String name, double margin, List<Integer> exits, Map<String, String> notes) {
    }

    private static final JsonDocuments.DocumentType TYPE = new JsonDocuments.DocumentType("exitbench.test", 2, 3);

    @TempDir
    Path dir;

    @Test
    void recordRoundTripsWithFormatAndVersionFirst() throws IOException {
        Settings settings = new Settings("run", 0.2, List.of(1, 2, 3), Map.of("seed", "7"));
        Path file = dir.resolve("settings.json");
        JsonDocuments.write(file, TYPE, settings);
        assertEquals(settings, JsonDocuments.read(file, TYPE, Settings.class));
        JsonNode tree = JsonDocuments.newMapper().readTree(file.toFile());
        assertEquals(List.of("format", "formatVersion", "name", "margin", "exits", "notes"),
                fieldNames(tree));
        assertEquals(3, tree.get("formatVersion").asInt());
    }

    @Test
    void olderSupportedVersionIsRead() throws IOException {
        Path file = dir.resolve("old.json");
        Files.writeString(file, "{\"format\":\"exitbench.test\",\"formatVersion\":2,\"name\":\"x\",\"margin\":1}");
        assertEquals("x", JsonDocuments.read(file, TYPE, Settings.class).name());
    }

    @Test
    void newerVersionIsRefusedClearly() throws IOException {
        Path file = dir.resolve("future.json");
        Files.writeString(file, "{\"format\":\"exitbench.test\",\"formatVersion\":4,\"name\":\"x\"}");
        StoreException e = assertThrows(StoreException.class, () -> JsonDocuments.read(file, TYPE, Settings.class));
        assertTrue(e.getMessage().contains("future.json") && e.getMessage().contains("newer"), e.getMessage());
    }

    @Test
    void tooOldVersionIsRefusedClearly() throws IOException {
        Path file = dir.resolve("ancient.json");
        Files.writeString(file, "{\"format\":\"exitbench.test\",\"formatVersion\":1}");
        StoreException e = assertThrows(StoreException.class, () -> JsonDocuments.read(file, TYPE, Settings.class));
        assertTrue(e.getMessage().contains("ancient.json") && e.getMessage().contains("old"), e.getMessage());
    }

    @Test
    void otherDocumentsAndBrokenJsonAreRefused() throws IOException {
        Path other = dir.resolve("other.json");
        Files.writeString(other, "{\"format\":\"exitbench.thresholds\",\"formatVersion\":3}");
        StoreException e = assertThrows(StoreException.class, () -> JsonDocuments.read(other, TYPE, Settings.class));
        assertTrue(e.getMessage().contains("exitbench.thresholds"), e.getMessage());

        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"format\":\"exitbench.test\",\"formatVer");
        e = assertThrows(StoreException.class, () -> JsonDocuments.read(broken, TYPE, Settings.class));
        assertTrue(e.getMessage().contains("broken.json") && e.getMessage().contains("JSON"), e.getMessage());

        Path unversioned = dir.resolve("plain.json");
        Files.writeString(unversioned, "{\"name\":\"x\"}");
        e = assertThrows(StoreException.class, () -> JsonDocuments.read(unversioned, TYPE, Settings.class));
        assertTrue(e.getMessage().contains("plain.json"), e.getMessage());

        Path wrongShape = dir.resolve("shape.json");
        Files.writeString(wrongShape, "{\"format\":\"exitbench.test\",\"formatVersion\":3,\"margin\":\"lots\"}");
        e = assertThrows(StoreException.class, () -> JsonDocuments.read(wrongShape, TYPE, Settings.class));
        assertTrue(e.getMessage().contains("shape.json"), e.getMessage());
    }

    private static List<String> fieldNames(JsonNode tree) {
        List<String> names = new java.util.ArrayList<>();
        tree.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
