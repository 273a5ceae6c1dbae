/**
 * Persistent record of the sessions this server started, so `resume_agent` works after a
 * restart. The id handed to callers is random and opaque: provider, cwd and the agent's own
 * session id live only in the record, so editing an id can never point it at another provider
 * or directory — it only yields an unknown session.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentError, quoteInput } from '../errors/index.js';

export interface SessionRecord {
  id: string;
  provider: string;
  cwd: string;
  /** The agent's own session/thread id, as the provider reported it. */
  nativeSessionId: string;
  model?: string;
  /** Runs recorded in this session so far (run records are numbered from 1). */
  runs?: number;
  createdAt: string;
  updatedAt: string;
}

export interface SessionStore {
  /** A fresh opaque id (not yet recorded). */
  newId(): string;
  save(record: SessionRecord): Promise<void>;
  /** The record, or AgentError('unknown_session'). */
  get(id: string): Promise<SessionRecord>;
}

const sessionIdPattern = /^sa_[A-Za-z0-9_-]{22}$/;

// The global Web Crypto loads on first use; importing node:crypto here would add ~3 ms of CPU
// to every server start, before any session exists.
const randomBytes = (size: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(size)));

/** Whether `id` has the shape of our session ids (so it can name a file, never a path). */
export function isSessionId(id: string): boolean {
  return sessionIdPattern.test(id);
}

export function createSessionStore(stateDir: string): SessionStore {
  const sessionsDir = join(stateDir, 'sessions');
  let ensured: Promise<unknown> | undefined;
  const ensureDir = () => (ensured ??= mkdir(sessionsDir, { recursive: true, mode: 0o700 }));

  return {
    newId: () => `sa_${randomBytes(16).toString('base64url')}`,

    async save(record) {
      await ensureDir();
      const path = join(sessionsDir, `${record.id}.json`);
      const temporaryPath = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temporaryPath, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
      await rename(temporaryPath, path);
    },

    async get(id) {
      const unknown = () =>
        new AgentError(
          'unknown_session',
          `Unknown session_id ${quoteInput(id)}: this server has no such session. Use a session_id returned by run_agent.`,
        );
      // Checked before touching the file system: an id is never a path.
      if (!isSessionId(id)) throw unknown();
      let text: string;
      try {
        text = await readFile(join(sessionsDir, `${id}.json`), 'utf8');
      } catch {
        throw unknown();
      }
      const record = JSON.parse(text) as SessionRecord;
      if (record.id !== id) throw unknown();
      return record;
    },
  };
}
