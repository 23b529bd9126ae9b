/** A hostile-file-safe, memory-mapped reader of the safetensors format, and FP16/BF16 conversion helpers. */
package org.edgefm.models.safetensors;
