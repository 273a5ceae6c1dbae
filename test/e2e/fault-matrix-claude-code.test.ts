/**
 * The fault matrix for `claude-code` (docs/fault-matrix.md): the real `claude` against the
 * scripted model server, a fake binary only for garbage on stdout.
 */
import { describeFaultMatrix } from '../support/fault-matrix.js';

describeFaultMatrix({
  provider: 'claude-code',
  args: { model: 'mock-model' },
  binaryConfig: (path) => ({ providers: { 'claude-code': { binary: path } } }),
  faults: [
    'agent-crash',
    'agent-hang',
    'garbage-stdout',
    'missing-binary',
    'http-401',
    'http-529',
    'client-disconnect',
    'server-sigterm',
    'server-sigkill',
  ],
  provedElsewhere: {
    'client-disconnect': 'claude-code-lifecycle.test.ts › shutdown',
    'server-sigterm': 'stdio-process.test.ts › ends a running sub-agent … on SIGTERM',
    'server-sigkill': 'server-sigkill.test.ts',
  },
  expectations: {
    // Claude Code keeps the failed prompt and sends it again, joined to the next one.
    'http-401': { resume: { code: 'upstream_error', message: /401/ } },
    'http-529': { resume: { code: 'upstream_error', message: /529/ } },
  },
});
