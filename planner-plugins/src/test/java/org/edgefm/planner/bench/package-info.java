/** JMH benchmarks of the core planner and the light controller; run with the {@code bench} profile, never by {@code mvn verify}. */
package org.edgefm.planner.bench;
