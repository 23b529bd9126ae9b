package org.edgefm.sim.calibration;

/**
 * A {@link Calibration}'s per-hop overheads: measured times beyond the modelled link
 * ({@code api.model.Latency} with the measured link figures) and the worker pool's wait.
 *
 * @param ingressMs   submission at the origin to the first stage's queue
 * @param localHopMs  a stage's end to the next stage's queue on the same node
 * @param remoteHopMs a stage's end to the next stage's queue on another node
 * @param residualMs  per task, end-to-end latency minus its critical path's service, queue and link times
 */
public record Overheads(Dist ingressMs, Dist localHopMs, Dist remoteHopMs, Dist residualMs) {
    /** Validates. */
    public Overheads {
        ingressMs = ingressMs == null ? Dist.EMPTY : ingressMs;
        localHopMs = localHopMs == null ? Dist.EMPTY : localHopMs;
        remoteHopMs = remoteHopMs == null ? Dist.EMPTY : remoteHopMs;
        residualMs = residualMs == null ? Dist.EMPTY : residualMs;
    }
}
