package org.edgefm.wire;

import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;

/**
 * One part of a directive too large for one MQTT message (docs/wire-protocol.md, "Directive
 * encoding"). The host splits the directive's routes, peers and services over {@code count} parts;
 * an agent applies the directive only once it holds every part of that {@code (plannerEpoch, version)}
 * ({@link DirectiveAssembler}), so a missing part is never half-applied.
 *
 * @param schema       the message set's schema version ({@link WireCodec#SCHEMA})
 * @param nodeId       the node
 * @param plannerEpoch the directive's planner epoch
 * @param version      the directive's version
 * @param index        this part's position, {@code 0 <= index < count}
 * @param count        how many parts the directive has, 2 to {@link WireCodec#MAX_DIRECTIVE_PARTS}
 * @param piece        this part's share: a directive with the same node, epoch and version whose services,
 *                     routes and peers are this part's (secrets and issue time are those of part 0)
 */
public record DirectivePart(int schema, String nodeId, long plannerEpoch, long version, int index, int count,
        Directive piece) implements NodeMessage {
    /** Validates every field. */
    public DirectivePart {
        Check.nodeId(nodeId, "nodeId");
        Check.notNull(piece, "piece");
        if (count < 2 || count > WireCodec.MAX_DIRECTIVE_PARTS) {
            throw new InvalidFieldException("part", "count " + count + " (expected: 2 to " + WireCodec.MAX_DIRECTIVE_PARTS + ")");
        }
        if (index < 0 || index >= count) {
            throw new InvalidFieldException("part", "index " + index + " (expected: 0 to " + (count - 1) + ")");
        }
        if (!piece.nodeId().equals(nodeId) || piece.plannerEpoch() != plannerEpoch || piece.version() != version) {
            throw new InvalidFieldException("part", "the piece belongs to another directive");
        }
    }

    @Override
    public MessageType type() {
        return MessageType.DIRECTIVE;
    }

    @Override
    public String toString() {
        return "DirectivePart[nodeId=" + nodeId + ", plannerEpoch=" + plannerEpoch + ", version=" + version + ", part="
                + index + "/" + count + "]";
    }
}
