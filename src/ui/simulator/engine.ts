import type { SimulationFactory } from '../../sources/simulator-source';

/**
 * The simulator engine (coordinators, clients, assignors) is its own bundle, `dist/simulator.js`
 * (scripts/build.mjs maps this dynamic import to it), loaded the first time the simulator runs.
 */
export async function loadSimulationFactory(): Promise<SimulationFactory> {
  const engine = await import('../../simulator/engine/parts.js');
  return (scenario, options) => engine.createSimulation(scenario, options);
}
