/**
 * The fault matrix for `opencode` (docs/fault-matrix.md): the real CLI against the scripted model
 * server, a fake binary only for garbage on stdout.
 */
import { describeFaultMatrix } from '../support/fault-matrix.js';

describeFaultMatrix({
  provider: 'opencode',
  binaryConfig: (path) => ({ providers: { opencode: { binary: path } } }),
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
    'http-401': 'opencode.test.ts › reports a 401 from the model',
    'server-sigkill': 'server-sigkill.test.ts',
  },
  expectations: {
    'agent-crash': { error: { message: /event stream .* broke.*can be resumed/ } },
    'garbage-stdout': {
      error: { code: 'spawn_failed', message: /exited \(exit code 0\) before it was listening/ },
    },
  },
});
