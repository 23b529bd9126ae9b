/**
 * The {@code edgefm} command's SLF4J backend: one line per event on standard error by default, and
 * during a trial a log file with a quiet console ({@link org.edgefm.cli.log.CliLogging#capture}).
 */
package org.edgefm.cli.log;
