package org.exitbench.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.exitbench.store.AtomicFiles;

/** A CSV table (RFC 4180: comma-separated, fields with commas, quotes or line breaks quoted) built row by row. */
final class CsvTable {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    CsvTable(List<String> header) {
        this.header = List.copyOf(header);
    }

    /**
     * Adds a row.
     *
     * @throws IllegalArgumentException when it has another number of fields than the header
     */
    void add(List<String> row) {
        if (row.size() != header.size()) {
            throw new IllegalArgumentException("a CSV row has " + row.size() + " fields, the header " + header.size());
        }
        rows.add(List.copyOf(row));
    }

    /** @return the number of rows, header not counted */
    int size() {
        return rows.size();
    }

    /** @return the table as text, lines ending in CRLF as RFC 4180 says */
    String text() {
        StringBuilder out = new StringBuilder();
        line(out, header);
        rows.forEach(r -> line(out, r));
        return out.toString();
    }

    /** Writes the table atomically. */
    void write(Path file) {
        AtomicFiles.writeString(file, text());
    }

    private static void line(StringBuilder out, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            String field = fields.get(i) == null ? "" : fields.get(i);
            if (i > 0) {
                out.append(',');
            }
            if (field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r")) {
                out.append('"').append(field.replace("\"", "\"\"")).append('"');
            } else {
                out.append(field);
            }
        }
        out.append("\r\n");
    }

    /** @return a number with up to {@code decimals} decimals, or an empty field for NaN */
    static String number(double value, int decimals) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
