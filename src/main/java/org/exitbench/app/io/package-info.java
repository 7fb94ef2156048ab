/**
 * Files the panes write and read: the save and open dialogs (replaceable in tests), atomic writes, CSV text and
 * PNG snapshots of nodes.
 */
package org.exitbench.app.io;
