package org.edgefm.planner.twotier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.planner.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

/** {@code light.service-floor = one}: every light stage of a planned stream gets a serving candidate where room is left. */
class ServiceFloorTest {
    private static final ServiceSpec POST = Fixtures.light("post", org.edgefm.api.model.ResourceVector.of(1, 0, 0, 0), 1.5, 2);
    private static final ServiceSpec PRE = Fixtures.light("pre", org.edgefm.api.model.ResourceVector.of(1, 0, 0, 0), 1.5, 2);

    /** Nodes 0..n-1, each with room for {@code room[v]} instances; records what was added. */
    private static final class FakeNodes implements ServiceFloor.Nodes {
        final Set<String> running = new HashSet<>();
        final Map<Integer, Integer> room = new HashMap<>();
        final List<String> added = new ArrayList<>();

        @Override
        public boolean runs(int node, String service) {
            return running.contains(node + "|" + service);
        }

        @Override
        public boolean fitsOneMore(int node, ServiceSpec service) {
            return room.getOrDefault(node, 0) > 0;
        }

        @Override
        public void addOne(int node, ServiceFloor.Need need) {
            room.merge(node, -1, Integer::sum);
            running.add(node + "|" + need.service().id());
            added.add(node + "|" + need.service().id());
        }
    }

    @Test
    void stageWithoutAnyServingCandidate_getsOneInstanceOnItsFirstCandidateWithRoom() {
        FakeNodes nodes = new FakeNodes();
        nodes.room.put(3, 0); // the origin is full
        nodes.room.put(7, 2); // the edge server has room
        nodes.running.add("3|pre");
        // two streams need post on {own device, server 7}: one instance on 7 serves both
        int added = ServiceFloor.apply(List.of(new ServiceFloor.Need(POST, new int[] {3, 7}, 0.2, 40),
                new ServiceFloor.Need(POST, new int[] {4, 7}, 0.1, 40), new ServiceFloor.Need(PRE, new int[] {3, 7}, 0.2, 40)), nodes);
        assertThat(added).isEqualTo(1);
        assertThat(nodes.added).containsExactly("7|post");
    }

    @Test
    void noRoomOnAnyCandidate_nothingAdded_andTheBusiestStreamIsServedFirst() {
        FakeNodes nodes = new FakeNodes();
        nodes.room.put(5, 1);
        // two needs of different services compete for the one free slot on node 5: the higher rate wins
        int added = ServiceFloor.apply(List.of(new ServiceFloor.Need(PRE, new int[] {5}, 0.1, 40),
                new ServiceFloor.Need(POST, new int[] {5}, 0.3, 40), new ServiceFloor.Need(POST, new int[] {6}, 0.5, 40)), nodes);
        assertThat(added).isEqualTo(1);
        assertThat(nodes.added).containsExactly("5|post");
    }
}
