/**
 * The workspace on disk: versioned JSON, model zips, caches, atomic writes. Never loses a user's earlier results.
 */
package org.exitbench.store;
