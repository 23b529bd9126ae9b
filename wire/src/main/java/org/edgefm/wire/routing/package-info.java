/**
 * How a directive's routing table is read: which route applies to a task's stage and which of its
 * targets takes the task ({@link org.edgefm.wire.routing.StageRouter}), shared by the agent and the
 * simulator so that both spread tasks the same way.
 */
package org.edgefm.wire.routing;
