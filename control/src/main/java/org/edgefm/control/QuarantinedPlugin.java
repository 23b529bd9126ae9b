package org.edgefm.control;

import java.util.Objects;

/**
 * A plugin source the registry skipped: a jar that is not a jar, names a class it lacks, provides
 * something that is not a {@link org.edgefm.api.PlannerPlugin}, or takes a name already taken. The
 * other plugins and the built-in ones keep working; {@code ./edgefm plugins} lists it with its reason.
 *
 * @param source the jar (or {@code classpath})
 * @param reason one line: {@code not a jar: ...}, {@code missing class X}, {@code X is not a PlannerPlugin},
 *               {@code duplicate name N, also in J}, {@code no META-INF/services/... entry}, ...
 */
public record QuarantinedPlugin(String source, String reason) {
    /** Checks the fields. */
    public QuarantinedPlugin {
        Objects.requireNonNull(source, "source is null");
        Objects.requireNonNull(reason, "reason is null");
    }
}
