import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

// n8n-core reads these when it is first required: keep its config (encryption key) out of ~/.n8n
// and its logger quiet. Runs before every test file.
process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'esm-connectors-n8n-'));
process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
