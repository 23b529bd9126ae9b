/** The reference plugin: the smallest complete planner, the template to copy when writing a new plugin. */
package org.edgefm.planner.reference;
