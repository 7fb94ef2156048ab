/**
 * Files the panes write and read: the save and open dialogs (replaceable in tests), PNG snapshots of
 * nodes, written atomically through {@link org.exitbench.store.AtomicFiles}.
 */
package org.exitbench.app.io;
