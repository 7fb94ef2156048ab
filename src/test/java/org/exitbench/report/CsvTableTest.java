package org.exitbench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** CSV as RFC 4180 writes it. */
class CsvTableTest {

    @Test
    void fieldsWithCommasQuotesOrLineBreaksAreQuoted() {
        String csv = CsvTable.of(List.of("class", "note"), List.of(
                List.of("t-shirt, top", "say \"hi\""),
                List.of("bag", "two\nlines"),
                List.of("coat", "plain")));
        assertEquals("class,note\r\n\"t-shirt, top\",\"say \"\"hi\"\"\"\r\nbag,\"two\nlines\"\r\ncoat,plain\r\n", csv);
    }

    @Test
    void aRowOfTheWrongLengthIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CsvTable.of(List.of("a", "b"), List.of(List.of("1"))));
        assertEquals("CSV row 0 has 1 fields, the header 2", e.getMessage());
    }
}
