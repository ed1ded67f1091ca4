/**
 * The real implementations, assembled: Kafka's coordinators (KIP-848 and classic), the server
 * assignors they use, and the simulated Java consumers for both protocols.
 */
import { serverAssignor } from '../assignors/registry';
import { ClassicGroupCoordinator } from '../classic/coordinator';
import { ConsumerGroupCoordinator } from '../consumer/coordinator';
import { Uuid } from '../java/uuid';
import { createClassicConsumerClient } from '../members/classic-client';
import { createConsumerProtocolClient } from '../members/consumer-client';
import type { Scenario } from '../scenario/schema';
import { Simulation, type SimulationOptions, type SimulationParts } from './simulation';

export function defaultParts(): SimulationParts {
  return {
    createConsumerCoordinator: (world) =>
      new ConsumerGroupCoordinator({ ...pick(world), serverAssignor: (name) => serverAssignor(name) }),
    createClassicCoordinator: (world) => new ClassicGroupCoordinator(world),
    createConsumer: (world, name, config, behaviour, joined) =>
      config.groupProtocol === 'consumer'
        ? createConsumerProtocolClient(world, name, config, behaviour, joined ?? null)
        : createClassicConsumerClient(world, name, config, behaviour, joined ?? null),
    newTopicId: (random) => Uuid.random(random).toString(),
  };
}

function pick(world: Parameters<SimulationParts['createConsumerCoordinator']>[0]) {
  return {
    timers: world.timers,
    random: world.random,
    kafkaVersion: world.kafkaVersion,
    ordering: world.ordering,
    broker: world.broker,
    metadata: world.metadata,
    emit: (event: Parameters<typeof world.emit>[0]) => world.emit(event),
  };
}

/** A simulation of `scenario` with the real parts. */
export function createSimulation(scenario: Scenario, options: SimulationOptions = {}): Simulation {
  return new Simulation(scenario, defaultParts(), options);
}
