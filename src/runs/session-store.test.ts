import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSessionStore } from './session-store.js';

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'subagent-mcp-sessions-'));
});
afterEach(() => rm(stateDir, { recursive: true, force: true }));

const record = (id: string) => ({
  id,
  provider: 'claude-code',
  cwd: '/work',
  nativeSessionId: 'native',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

describe('session store', () => {
  it('issues random opaque ids and reads back what it saved, from a new store instance', async () => {
    const store = createSessionStore(stateDir);
    const id = store.newId();
    expect(id).toMatch(/^sa_[A-Za-z0-9_-]{22}$/);
    expect(store.newId()).not.toBe(id);
    await store.save(record(id));
    expect(await createSessionStore(stateDir).get(id)).toEqual(record(id));
  });

  it('keeps session files private to the user', async () => {
    const store = createSessionStore(stateDir);
    const id = store.newId();
    await store.save(record(id));
    expect((await stat(join(stateDir, 'sessions'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(stateDir, 'sessions', `${id}.json`))).mode & 0o777).toBe(0o600);
    expect(await readdir(join(stateDir, 'sessions'))).toEqual([`${id}.json`]);
  });

  it('treats a file whose recorded id differs from its name as unknown', async () => {
    const store = createSessionStore(stateDir);
    const id = store.newId();
    await store.save(record(id));
    const other = store.newId();
    await writeFile(join(stateDir, 'sessions', `${other}.json`), JSON.stringify(record(id)));
    await expect(store.get(other)).rejects.toMatchObject({ code: 'unknown_session' });
  });
});
