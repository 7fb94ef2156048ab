package org.exitbench.app.io;

import java.util.List;

/**
 * Comma-separated values as RFC 4180 writes them: one record per line ending in CRLF, fields holding a comma, a
 * quote or a line break quoted, quotes doubled. Numbers should be formatted with {@link java.util.Locale#ROOT}
 * by the caller, so a decimal comma never splits a field.
 */
public final class CsvText {

    private CsvText() {
    }

    /**
     * @param header the column names
     * @param rows   the records, each as many fields as the header
     * @return the table as CSV text
     * @throws IllegalArgumentException when a row has another number of fields than the header
     */
    public static String of(List<String> header, List<List<String>> rows) {
        StringBuilder out = new StringBuilder();
        line(out, header);
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).size() != header.size()) {
                throw new IllegalArgumentException("CSV row " + r + " has " + rows.get(r).size() + " fields, the header "
                        + header.size());
            }
            line(out, rows.get(r));
        }
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String field = fields.get(i);
            if (field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r")) {
                out.append('"').append(field.replace("\"", "\"\"")).append('"');
            } else {
                out.append(field);
            }
        }
        out.append("\r\n");
    }
}
