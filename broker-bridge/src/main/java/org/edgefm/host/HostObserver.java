package org.edgefm.host;

import org.edgefm.control.ControlLoop;
import org.edgefm.host.fleet.FleetState;
import org.edgefm.host.outbox.DirectiveOutbox;

/**
 * Watches an in-process host from the inside (a trial's bookkeeping): what its fleet state takes in,
 * each publication of a directive by its outbox, and what its control loop does. Registered with
 * {@link PlannerHost#observe} before the host starts, so it sees everything from the first birth on.
 * Every method has a default that ignores the event; each is called on the thread that does the work
 * and MUST return at once.
 */
public interface HostObserver extends FleetState.Observer, DirectiveOutbox.Observer, ControlLoop.Listener {
    @Override
    default void onSent(org.edgefm.wire.Directive directive, int sends) {
    }
}
