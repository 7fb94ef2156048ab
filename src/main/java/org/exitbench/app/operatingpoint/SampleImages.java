package org.exitbench.app.operatingpoint;

import java.util.Optional;
import org.exitbench.data.Dataset;
import org.exitbench.data.Split;

/**
 * Finds the picture of a scored sample, for galleries and the path view. A run that scored a dataset maps its
 * samples to that dataset's images; scores without pictures answer empty.
 */
@FunctionalInterface
public interface SampleImages {

    /** No pictures: galleries show the samples' numbers instead. */
    SampleImages NONE = (split, sample) -> Optional.empty();

    /**
     * @param split  the split the scores belong to ({@link Split#VALID} or {@link Split#TEST})
     * @param sample the sample's index in those scores
     * @return its picture, or empty when there is none
     */
    Optional<SampleImage> image(Split split, int sample);

    /**
     * @param dataset a dataset whose splits were scored in file order
     * @return sample i of a split is image i of the same split of {@code dataset} (empty beyond its size)
     */
    static SampleImages inOrderOf(Dataset dataset) {
        return (split, sample) -> sample >= 0 && sample < dataset.split(split).size()
                ? Optional.of(new SampleImage(dataset.split(split), sample)) : Optional.empty();
    }
}
