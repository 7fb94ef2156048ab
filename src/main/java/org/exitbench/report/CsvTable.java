package org.exitbench.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.exitbench.store.AtomicFiles;

/**
 * A CSV table as RFC 4180 writes it, built row by row: one record per line ending in CRLF, fields holding a comma,
 * a quote or a line break quoted, quotes doubled. The one CSV writer of the workbench: the sweep reports and the
 * app's exports use it. Numbers should be formatted with {@link Locale#ROOT} ({@link #number}), so a decimal comma
 * never splits a field.
 */
public final class CsvTable {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    /** @param header the column names */
    public CsvTable(List<String> header) {
        this.header = List.copyOf(header);
    }

    /**
     * Adds a row.
     *
     * @throws IllegalArgumentException when it has another number of fields than the header
     */
    public void add(List<String> row) {
        if (row.size() != header.size()) {
            throw new IllegalArgumentException("CSV row " + rows.size() + " has " + row.size() + " fields, the header "
                    + header.size());
        }
        rows.add(List.copyOf(row));
    }

    /** @return the number of rows, header not counted */
    public int size() {
        return rows.size();
    }

    /** @return the table as text, lines ending in CRLF as RFC 4180 says */
    public String text() {
        StringBuilder out = new StringBuilder();
        line(out, header);
        rows.forEach(r -> line(out, r));
        return out.toString();
    }

    /** Writes the table atomically. */
    public void write(Path file) {
        AtomicFiles.writeString(file, text());
    }

    /**
     * @param header the column names
     * @param rows   the records, each as many fields as the header
     * @return the table as CSV text
     * @throws IllegalArgumentException when a row has another number of fields than the header
     */
    public static String of(List<String> header, List<List<String>> rows) {
        CsvTable table = new CsvTable(header);
        rows.forEach(table::add);
        return table.text();
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
    public static String number(double value, int decimals) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
