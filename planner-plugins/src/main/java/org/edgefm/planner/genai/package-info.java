/**
 * Seed paper 2, resource-efficient generative-AI model deployment with model-switching delay
 * (papers.md 3 and 5.2): the per-slot cost model and constraints ({@link
 * org.edgefm.planner.genai.DeploymentCost}), the genetic algorithm with repair and warm start
 * ({@link org.edgefm.planner.genai.GeneticDeployment}), an exhaustive reference, the baselines, and
 * the controller that maps them onto the planner SPI; the formulation is our reconstruction [I].
 */
package org.edgefm.planner.genai;
