/**
 * The app's look: the exit palette (one colour per exit, grey for the backbone), the stylesheet, the root font
 * size that the large-font shortcuts change, and the window icon.
 */
package org.exitbench.app.theme;
