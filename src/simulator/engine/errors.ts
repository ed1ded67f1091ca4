/** Thrown for a control action that does not make sense now (unknown member, already running, ...). */
export class SimulationActionError extends Error {
  override readonly name = 'SimulationActionError';
}
