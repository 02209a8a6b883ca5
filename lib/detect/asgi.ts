/**
 * What an ASGI project serves and with what: the ASGI application (ASGI_APPLICATION, or the
 * asgi module beside the settings), Channels, the ASGI servers among the dependencies, and the
 * URL prefixes its Channels routing sends to websockets. Read as text with @lezer/python.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SyntaxNode } from '@lezer/common';
import type { DependencyFacts } from './dependencies/manifests.js';
import type { Found } from './found.js';
import { moduleSteps } from './python-source.js';
import { childrenOf, PythonSource, stringValue } from './python/tree.js';
import { moduleFile, type Setting } from './settings.js';
import { projectFiles } from './project-files.js';

/** The ASGI servers detected among the dependencies; hypercorn is not run (lib/model/features/app-server.ts says what replaces it). */
export const ASGI_SERVERS = ['uvicorn', 'daphne', 'hypercorn'] as const;
export type AsgiServer = (typeof ASGI_SERVERS)[number];

export interface AsgiFacts {
  /** dotted module.variable, as WSGI_APPLICATION is written. */
  application?: Found<string>;
  channels?: Found<true>;
  /** ASGI servers among the runtime dependencies, each with the line that names it. */
  servers: Found<AsgiServer>[];
  /** URL prefixes the project's websocket routes start with ("/ws/"), each from its route. */
  websocketPaths: Found<string>[];
  /** Routes with no parameter ("/ws/echo/"): what the health check can open. */
  websocketRoutes: Found<string>[];
  /** Why the project counts as ASGI: ASGI_APPLICATION, Channels, or no WSGI application beside an asgi module. */
  reason: string;
}

export interface AsgiInputs {
  root: string;
  settingsModule: string;
  asgiSetting?: Setting;
  installedApps?: Setting;
  hasWsgiApplication: boolean;
  dependencies?: DependencyFacts;
}

/** The ASGI facts, or undefined for a project with no sign of ASGI beyond startproject's unused asgi.py. */
export function detectAsgi(inputs: AsgiInputs): AsgiFacts | undefined {
  const application = asgiApplication(inputs.root, inputs.settingsModule, inputs.asgiSetting);
  const channels = channelsIn(inputs.installedApps, inputs.dependencies);
  const servers = ASGI_SERVERS.flatMap((server): Found<AsgiServer>[] => {
    const requirement = inputs.dependencies?.runtime.find((entry) => entry.name === server);
    return requirement ? [{ value: server, source: requirement.source }] : [];
  });
  const reason =
    inputs.asgiSetting && application
      ? `ASGI_APPLICATION is set (${inputs.asgiSetting.file}:${inputs.asgiSetting.line})`
      : channels
        ? 'Channels is installed'
        : !inputs.hasWsgiApplication && application
          ? `no WSGI application, and ${application.source?.file} is an ASGI one`
          : undefined;
  if (!reason) return undefined;
  const routes = websocketRoutes(inputs.root, application);
  const prefixes = new Map<string, Found<string>>();
  for (const route of routes) if (route.value.prefix && !prefixes.has(route.value.prefix)) prefixes.set(route.value.prefix, { value: route.value.prefix, source: route.source });
  return {
    application,
    channels,
    servers,
    websocketPaths: [...prefixes.values()].sort((a, b) => a.value.localeCompare(b.value)),
    websocketRoutes: routes.flatMap((route) => (route.value.literal ? [{ value: route.value.literal, source: route.source }] : [])),
    reason,
  };
}

function asgiApplication(root: string, settingsModule: string, setting: Setting | undefined): Found<string> | undefined {
  if (setting?.value.kind === 'str') return { value: setting.value.value, source: { file: setting.file, line: setting.line } };
  // startproject puts asgi.py beside settings.py (a package works too: asgi/__init__.py).
  const parts = settingsModule.split('.');
  for (let cut = parts.length - 1; cut >= 1; cut--) {
    const module = [...parts.slice(0, cut), 'asgi'].join('.');
    const file = moduleFile(root, module);
    if (file) return { value: `${module}.application`, source: { file } };
  }
  return undefined;
}

function channelsIn(installedApps: Setting | undefined, dependencies: DependencyFacts | undefined): Found<true> | undefined {
  const value = installedApps?.value;
  if (installedApps && value?.kind === 'list' && value.items.some((item) => item.kind === 'str' && (item.value === 'channels' || item.value === 'daphne'))) {
    return { value: true, source: { file: installedApps.file, line: installedApps.line } };
  }
  const requirement = dependencies?.runtime.find((entry) => entry.name === 'channels');
  return requirement ? { value: true, source: requirement.source } : undefined;
}

/** The name Channels' routing modules bind their websocket routes to. */
const WEBSOCKET_ROUTES = 'websocket_urlpatterns';
const ROUTE_FUNCTIONS = new Set(['path', 're_path', 'url']);

interface Route {
  /** The location prefix it gives nginx ("/ws/"), when its start is literal enough. */
  prefix?: string;
  /** The whole route as a URL path, when it has no parameter. */
  literal?: string;
}

/** The routes in every routing.py of the project (two folders deep) and in the ASGI module itself. */
function websocketRoutes(root: string, application: Found<string> | undefined): Found<Route>[] {
  const files = routingFiles(root);
  const asgiFile = application?.source?.file;
  if (asgiFile && !files.includes(asgiFile)) files.push(asgiFile);
  return files.flatMap((file) => routesIn(root, file));
}

function routingFiles(root: string): string[] {
  return projectFiles(root, 2)
    .filter((file) => file.name === 'routing.py')
    .map((file) => file.relative);
}

/** `websocket_urlpatterns = [path("ws/echo/", ...), re_path(r"^ws/chat/(?P<room>\w+)/$", ...)]`: the prefix of each route. */
function routesIn(root: string, file: string): Found<Route>[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(root, file), 'utf8');
  } catch {
    return [];
  }
  const python = new PythonSource(text);
  const routes: Found<Route>[] = [];
  for (const step of moduleSteps(python)) {
    const value = step.kind === 'assign' && step.names.includes(WEBSOCKET_ROUTES) ? step.value : step.kind === 'update' && step.name === WEBSOCKET_ROUTES ? step.value : undefined;
    if (value?.name !== 'ArrayExpression') continue;
    for (const item of childrenOf(value)) {
      const route = routeOf(python, item);
      if (route !== undefined) routes.push({ value: route, source: { file, line: python.lineAt(item.from) } });
    }
  }
  return routes;
}

function routeOf(python: PythonSource, call: SyntaxNode): Route | undefined {
  if (call.name !== 'CallExpression') return undefined;
  const [callee, args] = childrenOf(call);
  const name = callee ? python.textOf(callee).split('.').at(-1)! : '';
  if (!callee || !args || !ROUTE_FUNCTIONS.has(name)) return undefined;
  const first = childrenOf(args).find((node) => node.name !== '(');
  if (first?.name !== 'String') return undefined;
  const route = stringValue(python.textOf(first));
  const regex = name !== 'path';
  return { prefix: routePrefix(route, regex), literal: literalRoute(route, regex) };
}

/** "ws/echo/" and r"^ws/echo/$" give "/ws/echo/"; a route with a parameter gives nothing. */
export function literalRoute(route: string, regex: boolean): string | undefined {
  const bare = regex ? route.replace(/^\^/, '').replace(/\$$/, '') : route;
  if (regex ? /[\\.^$*+?()[\]{}|]/.test(bare) : bare.includes('<')) return undefined;
  return `/${bare.replace(/^\//, '')}`;
}

/**
 * A route's first path segment as a location prefix: "ws/echo/" and r"^ws/chat/(?P<r>\w+)/$" give
 * "/ws/". Only the literal start counts (up to a converter or a regex character).
 */
export function routePrefix(route: string, regex: boolean): string | undefined {
  let literal = regex ? route.replace(/^\^/, '') : route;
  const stop = regex ? literal.search(/[\\.^$*+?()[\]{}|]/) : literal.indexOf('<');
  if (stop >= 0) literal = literal.slice(0, stop);
  literal = literal.replace(/^\//, '');
  const slash = literal.indexOf('/');
  if (slash <= 0) return undefined; // no whole first segment: the route is too open to give nginx a prefix
  return `/${literal.slice(0, slash + 1)}`;
}
