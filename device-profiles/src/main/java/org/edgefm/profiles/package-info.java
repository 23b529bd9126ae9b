/**
 * The device-profile catalog (one cited resource file per device), the roofline performance,
 * memory and power model over it, kernel cost formulas, and detection of the machine's profile.
 */
package org.edgefm.profiles;
