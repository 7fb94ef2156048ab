package org.exitbench.app.analysis;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javafx.collections.ObservableListBase;

/**
 * A read-only observable list of sample indices kept in an {@code int[]}: the exit gallery's items. Replacing
 * the content is one change event and boxes nothing; only the indices a grid actually shows are boxed, when it
 * reads them. (A gallery of 90,000 images would otherwise box 90,000 integers per slider move.)
 */
final class SampleList extends ObservableListBase<Integer> {

    private int[] samples = new int[0];

    @Override
    public Integer get(int index) {
        return samples[Objects.checkIndex(index, samples.length)];
    }

    @Override
    public int size() {
        return samples.length;
    }

    /** @return whether the list holds exactly the first {@code count} entries of {@code content} */
    boolean holds(int[] content, int count) {
        return Arrays.equals(samples, 0, samples.length, content, 0, count);
    }

    /** Replaces the content with the first {@code count} entries of {@code content}, as one change. */
    void replace(int[] content, int count) {
        int[] old = samples;
        samples = Arrays.copyOf(content, count);
        beginChange();
        if (old.length > 0) {
            nextRemove(0, boxedView(old));
        }
        if (count > 0) {
            nextAdd(0, count);
        }
        endChange();
    }

    /** The old content for the change event, boxed only if a listener reads it. */
    private static List<Integer> boxedView(int[] content) {
        return new AbstractList<>() {
            @Override
            public Integer get(int index) {
                return content[index];
            }

            @Override
            public int size() {
                return content.length;
            }
        };
    }
}
