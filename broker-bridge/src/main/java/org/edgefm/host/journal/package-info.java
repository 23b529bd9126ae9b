/** The trial journal (MapDB): every snapshot, decision and directive, and its replay against another plugin. */
package org.edgefm.host.journal;
