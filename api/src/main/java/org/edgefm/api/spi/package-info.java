/**
 * The planner SPI: a {@link org.edgefm.api.PlannerPlugin} found by {@code ServiceLoader} hands
 * out factories of core-placement planners (long-term, may take seconds) and light-service
 * controllers (every slot, milliseconds), plus named complete planners. Plugins are pure functions
 * of what they are given plus their own state; they never see MQTT, Vert.x or files.
 */
package org.edgefm.api.spi;
