/**
 * ND4J service kernels that stand for foundation-model microservices (transformer encoder stack,
 * patchify, fusion/projection, task head), their seeded or {@code .npy} weights, and calibration.
 */
package org.edgefm.agent.kernel;
