/** Live trials: the monitor that watches a trial's fleet from the broker, and the trial's summary. */
package org.edgefm.trial;
