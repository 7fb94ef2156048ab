package org.exitbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.exitbench.sweep.SweepConfiguration;
import org.exitbench.sweep.SweepDefinition;
import org.exitbench.sweep.SweepFolder;
import org.exitbench.sweep.SweepResult;
import org.exitbench.sweep.SweepSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sweep.csv's {@code layers} column (issue 17), on a real sweep folder stored before branches had layers: the
 * reduced full-Fashion-MNIST sweep of session 3 (definition, manifest and its six trials, copied unchanged).
 */
class SweepReportsTest {

    /** The stored folder: its definition and results have no "layers" anywhere. */
    private static final Path BEFORE_LAYERS = Path.of("src", "test", "resources", "org", "exitbench", "report",
            "sweep-before-layers");

    @TempDir
    Path temp;

    private SweepFolder copyOfTheOldFolder() throws IOException {
        Path root = temp.resolve("old-sweep");
        Files.createDirectories(root.resolve(SweepFolder.RESULTS));
        try (Stream<Path> files = Files.walk(BEFORE_LAYERS)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertTrue(!Files.readString(file).contains("\"layers\""), file + " predates layers");
                Files.copy(file, root.resolve(BEFORE_LAYERS.relativize(file).toString()));
            }
        }
        return new SweepFolder(root);
    }

    @Test
    void anOlderSweepFolderStillLoadsAndItsRowsSayOneLayer() throws IOException {
        SweepFolder folder = copyOfTheOldFolder();
        List<String> unreadable = new ArrayList<>();
        assertEquals(6, folder.readResults(unreadable).size());
        assertEquals(List.of(), unreadable);

        SweepSummary summary = folder.writeReports(null, SweepReports::write);
        assertNotNull(summary);
        assertEquals(6, summary.finished(), "three configurations, two seeds each");

        List<String> csv = Files.readAllLines(folder.root().resolve(SweepFolder.CSV));
        List<String> header = List.of(csv.get(0).split(",", -1));
        int layers = header.indexOf("layers");
        assertEquals(header.indexOf("kernel") + 1, layers, "layers follows the other branch settings: " + header);
        assertEquals(1 + 3 * 2 * 2, csv.size(), "a row per configuration × mode × seed");
        for (String row : csv.subList(1, csv.size())) {
            List<String> cells = cells(row);
            assertEquals(header.size(), cells.size(), row);
            assertEquals("1", cells.get(layers), row);
            assertEquals("16", cells.get(header.indexOf("filters")), row);
            assertEquals("done", cells.get(header.indexOf("status")), row);
        }
    }

    /** A definition whose branch variant has two layers says 2 in the column, the trials being the same otherwise. */
    @Test
    void aTwoLayerConfigurationSaysTwo() throws IOException {
        SweepFolder folder = copyOfTheOldFolder();
        SweepFolder.Manifest manifest = folder.readManifest();
        String json = Files.readString(folder.root().resolve(SweepFolder.DEFINITION));
        String deep = json.replace("\"kernel\" : 3", "\"kernel\" : 3, \"layers\" : 2");
        assertTrue(!deep.equals(json));
        SweepDefinition definition = SweepDefinition.fromJson(deep, "deep");
        List<SweepConfiguration> configurations = definition.configurations(manifest.dataset(), manifest.backbone());
        Map<String, SweepResult> stored = folder.readResults(new ArrayList<>());
        List<SweepConfiguration> old = folder.readDefinition().configurations(manifest.dataset(),
                manifest.backbone());
        Map<String, SweepResult> results = new HashMap<>();
        for (int c = 0; c < configurations.size(); c++) {
            assertEquals(2, configurations.get(c).config().branchSpec().layers());
            for (long seed : definition.seeds()) {
                SweepResult r = stored.get(SweepFolder.trialName(old.get(c).key(), seed));
                if (r != null) {
                    results.put(SweepFolder.trialName(configurations.get(c).key(), seed), r);
                }
            }
        }
        SweepSummary summary = SweepSummary.of(definition, configurations, results);
        CsvTable table = SweepReports.trialsCsv(new SweepReports.Inputs(manifest, definition, configurations,
                results, summary));
        List<String> lines = List.of(table.text().split("\n"));
        int layers = List.of(lines.get(0).split(",", -1)).indexOf("layers");
        assertEquals(1 + 12, lines.size());
        for (String row : lines.subList(1, lines.size())) {
            assertEquals("2", cells(row).get(layers), row);
        }
    }

    /** The cells of a CSV line, with quoted cells (a skipped exit's reason holds commas) unquoted. */
    private static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted && ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                cell.append('"');
                i++;
            } else if (ch == '"') {
                quoted = !quoted;
            } else if (ch == ',' && !quoted) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        cells.add(cell.toString());
        return cells;
    }
}
