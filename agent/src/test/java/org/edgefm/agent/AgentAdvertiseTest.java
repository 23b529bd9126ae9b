package org.edgefm.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The start-up warning for an announced address that is no address of the agent's machine. */
class AgentAdvertiseTest {
    private static Set<InetAddress> local(String... a) throws Exception {
        Set<InetAddress> s = new java.util.HashSet<>();
        for (String x : a) {
            s.add(InetAddress.getByName(x));
        }
        return s;
    }

    @Test
    void anAddressOfAnotherMachine_isWarnedAbout_namingThisMachinesAddresses() throws Exception {
        String w = Agent.foreignAdvertise("10.233.7.12", local("127.0.0.1", "192.168.1.5"));
        assertThat(w).contains("10.233.7.12 is no address of this machine (127.0.0.1, 192.168.1.5)", "--advertise");
        assertThat(Agent.foreignAdvertise("[fd00::12]", local("127.0.0.1", "fd00::1"))).contains("[fd00::12]");
    }

    @Test
    void ownAddresses_hostNames_theWildcard_andUnknownInterfaces_areNotWarnedAbout() throws Exception {
        Set<InetAddress> mine = local("127.0.0.1", "10.233.7.11", "fd00::1");
        assertThat(Agent.foreignAdvertise("10.233.7.11", mine)).isNull();
        assertThat(Agent.foreignAdvertise("[fd00::1]", mine)).isNull();
        assertThat(Agent.foreignAdvertise("0.0.0.0", mine)).isNull();
        assertThat(Agent.foreignAdvertise("board-2.lan", mine)).isNull();
        assertThat(Agent.foreignAdvertise("10.233.7.12", null)).isNull();
    }

    @Test
    void thisMachinesListedAddresses_containLoopback() {
        assertThat(Agent.localAddresses()).anyMatch(InetAddress::isLoopbackAddress);
    }
}
