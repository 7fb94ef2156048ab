/**
 * Generic storage primitives: versioned JSON documents, typed array files, atomic file writes and folders that
 * appear whole or not at all ({@link StagedRun}). Knows no workspace layout; never loses a user's earlier results.
 */
package org.exitbench.store;
