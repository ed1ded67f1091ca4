/**
 * Assignors by name, as Kafka configures them: `group.consumer.assignors` / `group.remote.assignor`
 * on the server side (KIP-848), `partition.assignment.strategy` on the client side (classic).
 */
import type { ClientAssignor, ServerAssignor } from './api';
import { ClientRangeAssignor } from './client/range';
import { RoundRobinAssignor } from './client/roundrobin';
import { CooperativeStickyAssignor, StickyAssignor } from './client/sticky';
import { ServerRangeAssignor, UniformAssignor } from './server/uniform';

import {
  CLIENT_ASSIGNOR_NAMES,
  SERVER_ASSIGNOR_NAMES,
  type ClientAssignorName,
  type ServerAssignorName,
} from './names';

export { CLIENT_ASSIGNOR_NAMES, SERVER_ASSIGNOR_NAMES, type ClientAssignorName, type ServerAssignorName };

const SERVER: Record<ServerAssignorName, () => ServerAssignor> = {
  uniform: () => new UniformAssignor(),
  range: () => new ServerRangeAssignor(),
};

const CLIENT: Record<ClientAssignorName, () => ClientAssignor> = {
  range: () => new ClientRangeAssignor(),
  roundrobin: () => new RoundRobinAssignor(),
  sticky: () => new StickyAssignor(),
  'cooperative-sticky': () => new CooperativeStickyAssignor(),
};

export function isServerAssignorName(name: string): name is ServerAssignorName {
  return (SERVER_ASSIGNOR_NAMES as readonly string[]).includes(name);
}

export function isClientAssignorName(name: string): name is ClientAssignorName {
  return (CLIENT_ASSIGNOR_NAMES as readonly string[]).includes(name);
}

/** The server-side assignor with this name, or undefined. */
export function serverAssignor(name: string): ServerAssignor | undefined {
  return isServerAssignorName(name) ? SERVER[name]() : undefined;
}

/**
 * The client-side assignor with this name (Kafka's short names; the class names
 * `org.apache.kafka.clients.consumer.RangeAssignor` etc. are accepted too), or undefined.
 */
export function clientAssignor(name: string): ClientAssignor | undefined {
  const short = CLASS_NAMES[name] ?? name;
  return isClientAssignorName(short) ? CLIENT[short]() : undefined;
}

const CLASS_NAMES: Record<string, ClientAssignorName> = {
  'org.apache.kafka.clients.consumer.RangeAssignor': 'range',
  'org.apache.kafka.clients.consumer.RoundRobinAssignor': 'roundrobin',
  'org.apache.kafka.clients.consumer.StickyAssignor': 'sticky',
  'org.apache.kafka.clients.consumer.CooperativeStickyAssignor': 'cooperative-sticky',
};
