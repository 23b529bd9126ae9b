/** Model manifests (family, files, hyper-parameters, the cut into microservices) and the compact wire form of activations between parts. */
package org.edgefm.models.manifest;
