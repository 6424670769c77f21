// `npm run schema`: writes docs/agent-config.schema.json from the zod schema.
import { writeFileSync } from 'node:fs';
import { JSON_SCHEMA_PATH, repoConfigJsonSchema } from '../src/core/repo-config/json-schema.ts';

writeFileSync(JSON_SCHEMA_PATH, repoConfigJsonSchema());
console.log(`wrote ${JSON_SCHEMA_PATH}`);
