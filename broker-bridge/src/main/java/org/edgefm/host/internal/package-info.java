/** Host internals (class loading, rate-limited logging, JSON helpers); not for use outside the host. */
package org.edgefm.host.internal;
