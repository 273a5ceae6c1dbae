/**
 * The fault matrix for `codex` (docs/fault-matrix.md): the real CLI against the scripted model
 * server, a fake binary only for garbage on stdout.
 */
import { describeFaultMatrix } from '../support/fault-matrix.js';

describeFaultMatrix({
  provider: 'codex',
  binaryConfig: (path) => ({ providers: { codex: { binary: path } } }),
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
    'http-529': 'codex.test.ts › reports an upstream 500',
    'server-sigkill': 'server-sigkill.test.ts',
  },
  expectations: {
    'garbage-stdout': { error: { message: /printed a line that is not JSON: Welcome/ } },
  },
});
