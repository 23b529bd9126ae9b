package org.edgefm.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.edgefm.api.ConfigException;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.spi.LinkEstimate;
import org.junit.jupiter.api.Test;

class LinkEstimatorTest {
    // tiny: n1-n2 and n3-n1 at 0.1 MB/ms, 0.1 km, 0.5 ms; no n2-n3 link
    private static final SystemModel TINY = ControlLoopTest.TINY.model();

    private static LinkEstimator estimator(LinkEstimator.Mode mode) {
        return new LinkEstimator(new LinkEstimator.Settings(mode, 0.3, 30_000, 0.2, 1.0, 200), TINY);
    }

    private static LinkSpec link(SystemModel m, String a, String b) {
        return m.topology().link(a, b).orElseThrow();
    }

    @Test
    void declared_keepsTheScenarioTopologyButStillEstimates() {
        LinkEstimator e = estimator(LinkEstimator.Mode.DECLARED);
        e.observe(List.of(new LinkEstimate("n2", "n1", 80, 0.002)), 0);
        assertThat(e.model()).isSameAs(TINY);
        assertThat(e.current()).containsExactly(new LinkEstimate("n1", "n2", 80, 0.002));
    }

    @Test
    void measured_replacesTheDeclaredLinkAndFoldsBothDirections() {
        LinkEstimator e = estimator(LinkEstimator.Mode.MEASURED);
        e.observe(List.of(new LinkEstimate("n2", "n1", 80, 0.002)), 0);
        LinkSpec l = link(e.model(), "n1", "n2");
        assertThat(l.extraLatencyMs()).isEqualTo(40.0);
        assertThat(l.lengthKm()).isZero();
        assertThat(l.bandwidthMbPerMs()).isEqualTo(0.002);
        assertThat(link(e.model(), "n1", "n3")).isEqualTo(link(TINY, "n1", "n3"));
        e.observe(List.of(new LinkEstimate("n1", "n2", 100, 0.002)), 1000);
        assertThat(e.current().get(0).rttMs()).isCloseTo(86.0, within(1e-9));
    }

    @Test
    void blend_startsAtTheDeclaredFiguresAndMovesByTheWeight() {
        LinkEstimator e = estimator(LinkEstimator.Mode.BLEND);
        double declaredRtt = e.specRttMs(link(TINY, "n1", "n2"));
        assertThat(declaredRtt).isCloseTo(1.001, within(1e-9));
        e.observe(List.of(new LinkEstimate("n1", "n2", 81.001, 0.1)), 0);
        assertThat(e.current().get(0).rttMs()).isCloseTo(25.001, within(1e-9));
        assertThat(link(e.model(), "n1", "n2").extraLatencyMs()).isCloseTo(12.5005, within(1e-9));
    }

    @Test
    void staleEstimate_expiresAndTheDeclaredLinkReturns() {
        LinkEstimator e = estimator(LinkEstimator.Mode.MEASURED);
        e.observe(List.of(new LinkEstimate("n1", "n2", 80, 0.002)), 0);
        assertThat(link(e.model(), "n1", "n2").extraLatencyMs()).isEqualTo(40.0);
        e.observe(List.of(), 29_000);
        assertThat(e.current()).hasSize(1);
        e.observe(List.of(), 30_001);
        assertThat(e.current()).isEmpty();
        assertThat(link(e.model(), "n1", "n2")).isEqualTo(link(TINY, "n1", "n2"));
    }

    @Test
    void measuredPairWithoutADeclaredLink_isAdded_unknownNodesIgnored() {
        LinkEstimator e = estimator(LinkEstimator.Mode.MEASURED);
        e.observe(List.of(new LinkEstimate("n2", "n3", 4, 0.05), new LinkEstimate("n2", "elsewhere", 4, 0.05)), 0);
        assertThat(link(e.model(), "n2", "n3").extraLatencyMs()).isEqualTo(2.0);
        assertThat(e.current()).extracting(LinkEstimate::b).containsExactly("n3");
    }

    @Test
    void model_staysTheSameInstanceUntilALinkMovesEnough() {
        LinkEstimator e = estimator(LinkEstimator.Mode.MEASURED);
        assertThat(e.model()).isSameAs(TINY);
        e.observe(List.of(new LinkEstimate("n1", "n2", 80, 0.002)), 0);
        SystemModel first = e.model();
        assertThat(first).isNotSameAs(TINY);
        // 80 -> 83 ms round trip: 1.5 ms more one way, under 20 % of 40 ms
        e.observe(List.of(new LinkEstimate("n1", "n2", 90, 0.002)), 1000);
        assertThat(e.model()).isSameAs(first);
        // a tenfold throughput drop moves the bandwidth by far more than 20 %
        e.observe(List.of(new LinkEstimate("n1", "n2", 83, 0.0002)), 2000);
        assertThat(e.model()).isNotSameAs(first);
    }

    @Test
    void hostConfig_readsTheLinksKeys() {
        HostConfig c = HostConfig.defaults().with(Map.of("links.estimate", "blend", "links.ewmaWeight", "0.5"));
        assertThat(c.links().mode()).isEqualTo(LinkEstimator.Mode.BLEND);
        assertThat(c.links().ewmaWeight()).isEqualTo(0.5);
        assertThat(c.links().maxAgeMs()).isEqualTo(30_000);
        assertThat(HostConfig.defaults().links().mode()).isEqualTo(LinkEstimator.Mode.MEASURED);
        assertThatThrownBy(() -> HostConfig.defaults().with(Map.of("links.estimate", "guess")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("links.estimate: 'guess' (expected: measured, declared or blend)");
        assertThatThrownBy(() -> HostConfig.defaults().with(Map.of("links.ewmaWeight", "0")))
                .hasMessage("links.ewmaWeight: 0.0 (expected: in (0, 1])");
    }
}
