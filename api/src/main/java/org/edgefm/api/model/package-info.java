/**
 * The domain of modular foundation-model inference (paper 1, Sec. II): nodes with K-dimensional
 * resource capacities, links, core and light microservices with their rate models and costs, task
 * types as in-tree DAGs of stages, users with channels and arrival processes. Units throughout:
 * data in MB, time in ms, rates and bandwidths in MB/ms.
 */
package org.edgefm.api.model;
