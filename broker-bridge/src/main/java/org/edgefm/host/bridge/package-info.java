/** The bridge between MQTT and the control loop: {@link org.edgefm.host.bridge.MqttFleet}, the real {@code Fleet}. */
package org.edgefm.host.bridge;
