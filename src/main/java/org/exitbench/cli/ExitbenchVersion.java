package org.exitbench.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version from the jar manifest, or "development" when run from classes. */
final class ExitbenchVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = ExitbenchVersion.class.getPackage().getImplementationVersion();
        return new String[] {"exitbench " + (version == null ? "development build" : version),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
}
