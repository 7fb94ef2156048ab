package org.exitbench.app;

import org.exitbench.store.SerialFilter;

/**
 * Entry point of the desktop app. It deliberately does not extend {@code Application}: DL4J cannot go on the
 * module path (nd4j-api ships a broken module-info), and Java refuses to start an {@code Application} subclass
 * from the class path with "JavaFX runtime components are missing".
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        // Before anything reads a file: no Java object is ever deserialized in this process.
        SerialFilter.install();
        ExitbenchApp.launchWith(args);
    }
}
