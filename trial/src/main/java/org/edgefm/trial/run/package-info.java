/** The runners behind {@code edgefm trial} and {@code edgefm simulate}: an options record in, a run with its results out. */
package org.edgefm.trial.run;
