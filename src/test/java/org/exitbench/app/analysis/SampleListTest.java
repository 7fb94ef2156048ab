package org.exitbench.app.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import javafx.collections.ListChangeListener;
import org.junit.jupiter.api.Test;

/** The gallery's items: an int array behind an observable list, replaced in one change event. */
class SampleListTest {

    @Test
    void replacingTheContentIsOneChangeWithTheOldAndTheNewItems() {
        SampleList list = new SampleList();
        List<String> events = new ArrayList<>();
        list.addListener((ListChangeListener<Integer>) change -> {
            while (change.next()) {
                events.add("removed " + change.getRemoved() + ", added " + change.getAddedSubList());
            }
        });

        list.replace(new int[] {7, 3, 9, 99}, 3);
        list.replace(new int[] {4}, 1);

        assertEquals(List.of("removed [], added [7, 3, 9]", "removed [7, 3, 9], added [4]"), events);
        assertEquals(List.of(4), list);
        assertThrows(IndexOutOfBoundsException.class, () -> list.get(1));
    }

    @Test
    void holdsComparesWithThePrefixOfAnArray() {
        SampleList list = new SampleList();
        list.replace(new int[] {1, 2, 3}, 2);
        assertTrue(list.holds(new int[] {1, 2, 5}, 2));
        assertFalse(list.holds(new int[] {1, 2, 5}, 3));
        assertFalse(list.holds(new int[] {2, 1}, 2));
    }
}
