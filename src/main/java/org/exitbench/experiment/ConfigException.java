package org.exitbench.experiment;

import java.util.List;

/**
 * An experiment configuration that cannot be used. Every problem names its field with a dotted path, e.g.
 * {@code cpm.margin: must be in [-1, 1], was 1.5}, and the message lists them all, after the source they came
 * from (a file name) when there is one.
 */
public final class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    /**
     * @param source   where the configuration came from (a file name), or null
     * @param problems one sentence per problem, each starting with the field's path
     */
    public ConfigException(String source, List<String> problems) {
        super((source == null ? "" : source + ": ") + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** @return the problems, each starting with the field's dotted path */
    public List<String> problems() {
        return problems;
    }
}
