/**
 * Who may do what on the embedded broker (aedes `authenticate` and `authorizeSubscribe` hooks).
 *
 * - The daemon's own client id is reserved for the daemon's in-process intake, which proves itself
 *   with a random token made at broker start and never written anywhere. Anyone else connecting
 *   with that id is refused, so nobody can kick the daemon off or take the events queued in its
 *   persistent session (MQTT would otherwise let the newcomer take the session over).
 * - With an account configured (mqtt_username + mqtt_password) every other client must present it;
 *   those clients may publish and subscribe (publishers of compact messages, other daemons).
 * - Without one, other clients may connect anonymously and publish (backwards compatible), but not
 *   subscribe: event bodies carry NetBox user names and object data, and only the daemon reads them.
 * - No publish is retained: an event is news once, and a retained message per topic (any topic a
 *   client names) would be memory the broker keeps for as long as it runs.
 */
import { randomBytes } from 'node:crypto';
import type { AuthenticateError, AuthErrorCode, Client, PublishPacket, Subscription } from 'aedes';
import type { Logger } from '../util/log.js';
import { constantTimeEqual } from '../util/credentials.js';

export interface BrokerAccount {
  username: string;
  password: string;
}

export interface BrokerAuthOptions {
  daemonClientId: string;
  account?: BrokerAccount;
  logger: Logger;
}

export interface BrokerAuth {
  /** What the daemon's own client connects with (username: its client id; password: the token). */
  daemonCredentials: BrokerAccount;
  authenticate(client: Client, username: string | undefined, password: Buffer | undefined,
    done: (error: AuthenticateError | null, success: boolean | null) => void): void;
  authorizeSubscribe(client: Client, subscription: Subscription,
    done: (error: Error | null, subscription?: Subscription | null) => void): void;
  /** Lets every publish through, never retained. */
  authorizePublish(client: Client | null, packet: PublishPacket, done: (error?: Error | null) => void): void;
}

/** MQTT 3.1.1 CONNACK return codes (aedes' AuthErrorCode is a const enum, unusable under isolatedModules). */
const IDENTIFIER_REJECTED = 2 as AuthErrorCode;
const BAD_USERNAME_OR_PASSWORD = 4 as AuthErrorCode;

/** Client ids and topics are chosen by whoever connects: clip them before they go into a log line. */
function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

function refusal(message: string, returnCode: AuthErrorCode): AuthenticateError {
  return Object.assign(new Error(message), { returnCode });
}

/** The peer address of an aedes client (its connection is a net.Socket for our TCP listener). */
export function clientAddress(client: Client): string {
  const conn: unknown = client.conn;
  const address = typeof conn === 'object' && conn !== null ? (conn as { remoteAddress?: unknown }).remoteAddress : undefined;
  return typeof address === 'string' ? address : 'unknown';
}

export function createBrokerAuth(opts: BrokerAuthOptions): BrokerAuth {
  const { daemonClientId, account, logger } = opts;
  const token = randomBytes(32).toString('base64url');

  return {
    daemonCredentials: { username: daemonClientId, password: token },

    authenticate(client, username, password, done) {
      const presented = password?.toString('utf8');
      const meta = { client_id: clip(client.id), client: clientAddress(client) };
      if (client.id === daemonClientId) {
        if (presented !== undefined && constantTimeEqual(presented, token)) return done(null, true);
        logger.warn('embedded broker refused a connection with the daemon\'s client id (reserved for the daemon itself)', meta);
        return done(refusal('client id reserved', IDENTIFIER_REJECTED), false);
      }
      if (account === undefined) return done(null, true);
      // Both compared every time, so timing does not tell which of the two was wrong.
      const userOk = constantTimeEqual(username ?? '', account.username);
      const passwordOk = constantTimeEqual(presented ?? '', account.password);
      if (userOk && passwordOk && username !== undefined && presented !== undefined) return done(null, true);
      logger.warn('embedded broker refused a connection: missing or wrong username/password', { ...meta, presented: presented !== undefined });
      return done(refusal('bad user name or password', BAD_USERNAME_OR_PASSWORD), false);
    },

    authorizeSubscribe(client, subscription, done) {
      if (client.id === daemonClientId || account !== undefined) return done(null, subscription);
      logger.warn('embedded broker refused a subscription: only the daemon may subscribe while no account is configured '
        + '(set mqtt_username and mqtt_password)', { client_id: clip(client.id), client: clientAddress(client), topic: clip(subscription.topic) });
      // A null subscription is a per-topic failure (SUBACK 0x80); the client stays connected.
      return done(null, null);
    },

    authorizePublish(_client, packet, done) {
      packet.retain = false;
      done(null);
    },
  };
}
