/** Implementation details of the api module; not for use by other modules or plugins. */
package org.edgefm.wire.internal;
