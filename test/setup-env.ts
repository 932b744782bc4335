import { mkdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

// n8n-core reads these when it is first required: keep its config (encryption key) out of ~/.n8n
// and its logger quiet. Runs before every test file; one folder for all of them, not one per file.
const userFolder = join(tmpdir(), 'esm-connectors-n8n-tests');
mkdirSync(userFolder, { recursive: true });
process.env.N8N_USER_FOLDER ??= userFolder;
process.env.N8N_LOG_LEVEL ??= 'silent';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
