/**
 * The MQTT wire protocol: topic names ({@link org.edgefm.api.wire.Topics}), one record per message
 * type, and the JSON codec with its validation ({@link org.edgefm.api.wire.WireCodec}), whose
 * errors name the topic and the field.
 */
package org.edgefm.api.wire;
