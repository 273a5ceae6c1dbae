import { describe, expect, it } from 'vitest';
import { buildChildEnvironment } from './child-environment.js';

describe('buildChildEnvironment', () => {
  it('removes the listed and unset variables, then applies defaults, overrides and PWD', () => {
    const base = { PATH: '/bin', SESSION_ID: 'outer', MODE: 'outer', UNSET: undefined, PWD: '/x' };
    const environment = buildChildEnvironment(base, {
      remove: ['SESSION_ID', 'MODE'],
      defaults: { MODE: 'ours', QUIET: '1' },
      overrides: { QUIET: '0', PWD: '/ignored' },
      cwd: '/work',
    });
    expect(environment).toEqual({ PATH: '/bin', MODE: 'ours', QUIET: '0', PWD: '/work' });
    expect(base.SESSION_ID).toBe('outer');
  });

  it('leaves PWD as it was without a cwd', () => {
    expect(buildChildEnvironment({ PWD: '/x' }, { remove: [] })).toEqual({ PWD: '/x' });
  });
});
