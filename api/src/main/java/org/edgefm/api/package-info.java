/**
 * The EdgeFM contract: the exception family and argument checks shared by every module; the domain
 * model lives in {@code model}, the planner SPI in {@code spi}, the MQTT wire protocol in
 * {@code wire} and the scenario file format in {@code scenario}.
 */
package org.edgefm.api;
