/** Reads the weights of an ONNX export (initializers) under the Hugging Face names the model families use. */
package org.edgefm.models.onnx;
