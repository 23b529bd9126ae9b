/** Model families (ViT, CLIP vision and text, BERT, GPT-2, Llama) with their hub tensor names, cut into parts at block boundaries. */
package org.edgefm.models.family;
