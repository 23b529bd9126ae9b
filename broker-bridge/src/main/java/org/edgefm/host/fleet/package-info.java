/** Fleet state built from what agents report: sessions, telemetry, applied versions, model switches, results. */
package org.edgefm.host.fleet;
