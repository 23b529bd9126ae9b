/**
 * {@code edgefm host install}: the planner host of a release installed as the systemd service
 * {@code edgefm-host}, or staged under a root folder for an image ({@link
 * org.edgefm.host.install.HostInstaller}); its unit template is this package's resource
 * {@code edgefm-host.service}, shared with the Debian package's unit. The install steps, unit
 * templates and system user come from module {@code install}.
 */
package org.edgefm.host.install;
