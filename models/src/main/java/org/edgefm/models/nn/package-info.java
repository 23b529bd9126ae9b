/** Transformer building blocks composed from ND4J matrix and element-wise operations (exact GELU, layer norm with epsilon, RMSNorm, rotary positions, causal attention). */
package org.edgefm.models.nn;
