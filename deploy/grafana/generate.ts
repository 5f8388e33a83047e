/**
 * Regenerates netbox-pdns.json from src/observability/dashboard.ts. Run after changing the dashboard
 * specs: `npx tsx deploy/grafana/generate.ts`. test/unit/deploy.test.ts fails while the two differ.
 */
import { writeFileSync } from 'node:fs';
import { dashboardJson } from '../../src/observability/dashboard.js';

writeFileSync(new URL('./netbox-pdns.json', import.meta.url), dashboardJson());
