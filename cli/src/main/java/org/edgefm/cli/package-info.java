/** The {@code edgefm} command: one picocli command tree over every EdgeFM tool. */
package org.edgefm.cli;
