/** Text pre-processing: a model's own tokenizer.json through the Hugging Face tokenizers library (DJL binding). */
package org.edgefm.models.text;
