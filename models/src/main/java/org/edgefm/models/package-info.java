/** Real foundation-model families on ND4J, read from safetensors (or ONNX) weights and cut at block boundaries. */
package org.edgefm.models;
