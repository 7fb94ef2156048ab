/** The {@code exitbench} command line (picocli): thin commands over experiment, deploy and store. */
package org.exitbench.cli;
