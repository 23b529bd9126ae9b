/** Image pre-processing for vision models: decode with the JDK's ImageIO, resize, normalise to channel-major floats. */
package org.edgefm.models.image;
