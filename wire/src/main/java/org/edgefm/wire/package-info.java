/**
 * The MQTT wire protocol: topic names ({@link org.edgefm.wire.Topics}), one record per message
 * type, and the JSON codec with its validation ({@link org.edgefm.wire.WireCodec}), whose
 * errors name the topic and the field.
 */
package org.edgefm.wire;
