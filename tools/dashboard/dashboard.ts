/**
 * Builds the Grafana dashboard shipped as deploy/grafana/netbox-pdns.json, so the JSON is generated
 * from typed specs instead of being edited by hand (a unit test fails when the file and this builder
 * disagree; regenerate with `make docs`).
 *
 * Format choices (reference/operations.md §3): the classic JSON model with schemaVersion 39, which
 * Grafana 10.4 to 13 migrate forward on load; a `datasource` template variable instead of
 * `__inputs`/`${DS_PROMETHEUS}`, because file provisioning leaves those placeholders literal.
 */
import { DASHBOARD_ROWS, type PanelSpec, type RowSpec } from './panels.js';
import { METRIC_PREFIX } from '../../src/observability/labels.js';

export interface DatasourceRef {
  type: string;
  uid: string;
}

export interface DashboardTarget {
  refId: string;
  expr: string;
  legendFormat: string;
  datasource: DatasourceRef;
}

export interface GridPos {
  h: number;
  w: number;
  x: number;
  y: number;
}

export interface DashboardPanel {
  id: number;
  type: 'row' | 'stat' | 'timeseries';
  title: string;
  description: string;
  gridPos: GridPos;
  datasource?: DatasourceRef;
  targets?: DashboardTarget[];
  fieldConfig?: { defaults: Record<string, unknown> & { unit: string }; overrides: unknown[] };
  options?: Record<string, unknown>;
  collapsed?: boolean;
  panels?: DashboardPanel[];
}

export interface DashboardVariable {
  type: 'datasource' | 'query';
  name: string;
  label: string;
  query: string | { query: string; refId: string };
  [key: string]: unknown;
}

export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: DashboardPanel[];
  templating: { list: DashboardVariable[] };
  [key: string]: unknown;
}

/** Every panel and query uses this, so the dashboard works with whichever Prometheus is chosen. */
export const DATASOURCE: DatasourceRef = { type: 'prometheus', uid: '${datasource}' };

const STAT_HEIGHT = 4;
const TIMESERIES_HEIGHT = 8;

function fieldConfig(spec: PanelSpec): NonNullable<DashboardPanel['fieldConfig']> {
  if (spec.kind === 'stat') {
    return {
      defaults: {
        unit: spec.unit,
        color: { mode: 'thresholds' },
        mappings: [],
        thresholds: { mode: 'absolute', steps: spec.thresholds ?? [{ color: 'green', value: null }] },
      },
      overrides: [],
    };
  }
  return {
    defaults: {
      unit: spec.unit,
      min: 0,
      color: { mode: 'palette-classic' },
      custom: {
        drawStyle: spec.bars === true ? 'bars' : 'line',
        lineInterpolation: spec.unit === 'bool_yes_no' ? 'stepAfter' : 'linear',
        lineWidth: 1,
        fillOpacity: spec.bars === true ? 80 : 10,
        showPoints: 'never',
        spanNulls: false,
        stacking: { group: 'A', mode: 'none' },
      },
    },
    overrides: [],
  };
}

function options(spec: PanelSpec): Record<string, unknown> {
  if (spec.kind === 'stat') {
    return {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: 'value',
      graphMode: 'none',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: 'auto',
    };
  }
  return {
    legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
    tooltip: { mode: 'multi', sort: 'desc' },
  };
}

/** Lays rows out top to bottom and their panels left to right, wrapping at 24 columns. */
function layout(rows: RowSpec[]): DashboardPanel[] {
  const panels: DashboardPanel[] = [];
  let id = 1;
  let y = 0;
  for (const row of rows) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      description: row.description,
      gridPos: { h: 1, w: 24, x: 0, y },
      collapsed: false,
      panels: [],
    });
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const spec of row.panels) {
      const h = spec.kind === 'stat' ? STAT_HEIGHT : TIMESERIES_HEIGHT;
      if (x + spec.width > 24) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      panels.push({
        id: id++,
        type: spec.kind,
        title: spec.title,
        description: spec.description,
        datasource: DATASOURCE,
        gridPos: { h, w: spec.width, x, y },
        fieldConfig: fieldConfig(spec),
        options: options(spec),
        targets: spec.targets.map((target, index) => ({
          refId: String.fromCharCode(65 + index),
          expr: target.expr,
          legendFormat: target.legend,
          datasource: DATASOURCE,
        })),
      });
      x += spec.width;
      lineHeight = Math.max(lineHeight, h);
    }
    y += lineHeight;
  }
  return panels;
}

function queryVariable(name: string, label: string, query: string): DashboardVariable {
  return {
    type: 'query',
    name,
    label,
    datasource: DATASOURCE,
    definition: query,
    query: { query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    refresh: 2,
    includeAll: true,
    multi: true,
    allValue: '.*',
    current: {},
    options: [],
    regex: '',
    sort: 1,
    hide: 0,
  };
}

/** The dashboard as Grafana's classic JSON model. */
export function buildDashboard(): Dashboard {
  const buildInfo = `${METRIC_PREFIX}build_info`;
  return {
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    description: 'netbox-pdns: is PowerDNS in step with NetBox, how far behind is it, and what fails.',
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    id: null,
    links: [],
    panels: layout(DASHBOARD_ROWS),
    refresh: '30s',
    schemaVersion: 39,
    tags: ['netbox-pdns', 'dns', 'powerdns'],
    templating: {
      list: [
        {
          type: 'datasource',
          name: 'datasource',
          label: 'Data Source',
          query: 'prometheus',
          current: {},
          hide: 0,
          includeAll: false,
          multi: false,
          options: [],
          refresh: 1,
          regex: '',
        },
        queryVariable('job', 'Job', `label_values(${buildInfo}, job)`),
        queryVariable('instance', 'Instance', `label_values(${buildInfo}{job=~"$job"}, instance)`),
      ],
    },
    time: { from: 'now-6h', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    title: 'NetBox → PowerDNS sync',
    uid: 'netbox-pdns',
    version: 1,
    weekStart: '',
  };
}

/** The dashboard file's exact content: two-space JSON with a trailing newline. */
export function dashboardJson(): string {
  return `${JSON.stringify(buildDashboard(), null, 2)}\n`;
}
