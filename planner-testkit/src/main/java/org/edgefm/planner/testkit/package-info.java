/** A plugin test kit: load a planner by name through ServiceLoader, run it on a small scenario and assert on its decisions. */
package org.edgefm.planner.testkit;
