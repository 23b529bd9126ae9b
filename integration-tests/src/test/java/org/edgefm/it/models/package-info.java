/** Real models cut into services on real agents over MQTT. */
package org.edgefm.it.models;
