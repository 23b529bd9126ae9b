/** HTML reports with charts (JFreeChart, headless, inline PNG) shared by {@code simulate} and {@code trial}. */
package org.edgefm.trial.report;
