/**
 * Installing EdgeFM as systemd services from a release: the files an install writes (staged under a
 * root folder or written in place), the unit templates and their hardening, and the Java runtime
 * the units run.
 */
package org.edgefm.install;
