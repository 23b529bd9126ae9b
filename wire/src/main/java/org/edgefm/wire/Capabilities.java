package org.edgefm.wire;

import java.util.List;
import org.edgefm.api.Check;
import org.edgefm.api.model.ResourceVector;

/**
 * What an agent's node can do.
 *
 * @param capacity the node's capacity vector
 * @param arch     CPU architecture, e.g. {@code amd64}, {@code aarch64}
 * @param backend  tensor backend, e.g. {@code nd4j-cpu}, {@code nd4j-cuda}
 * @param kernels  kernel kinds the agent can run
 */
public record Capabilities(ResourceVector capacity, String arch, String backend, List<String> kernels) {
    /** Validates every field. */
    public Capabilities {
        Check.notNull(capacity, "capacity");
        Check.notNull(arch, "arch");
        Check.notNull(backend, "backend");
        kernels = Check.listOf(kernels, "kernels");
    }
}
