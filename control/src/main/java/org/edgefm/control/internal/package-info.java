/** Control-loop internals (timed plugin calls, plugin class loading); not for use outside this module. */
package org.edgefm.control.internal;
