package org.edgefm.wire;

/** A message about one node; its {@code nodeId} MUST equal the node id in its topic. */
public sealed interface NodeMessage extends WireMessage permits Birth, Death, Telemetry, Directive, DirectivePart, Ack, Result, Command, TaskKeys {
    /** The node the message is about. */
    String nodeId();
}
