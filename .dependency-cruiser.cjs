// The import rules of docs/architecture.md ("Imports go one way"), checked by `npm run layers` (part of
// `npm run lint`). Each rule names the layer it protects; a new folder gets its line in the docs and,
// if it is a layer, a rule here.
//
//   core/domain  (pure rules; zod, libphonenumber-js, node:crypto only)
//   core/support, core/config, core/observability, core/callbacks  ← on core/domain at most
//   core/aws     ← core only
//   lambdas/<each>, bind-service  ← core only, never each other, never local/, test/ or cdk/
//   bind-service:  smpp/ ← dispatch/ ← service.ts ← main.ts; `smpp` (npm) only in smpp/
//   local/smsc-simulator: core/domain and the engine's codec entry only
//   cdk/:          resource definitions, the variable catalogue and pure core/domain only

/** Our own top-level source folders (everything else is npm or Node). */
const OURS = '^(core|bind-service|lambdas|local|cdk|test|bench|scripts|client|cli|examples)/';
/** The engine's public entries: everything outside bind-service/smpp/ goes through these. */
const ENGINE_ENTRIES = '^bind-service/smpp/(index|codec)[.]ts$';
/**
 * The fault suite's kill switch (armed by FAULT_CRASH_AT, a no-op otherwise). The engine and dispatch
 * call it at the exact steps the fault suite kills the process at, so it cannot be passed in as a
 * port without threading it through every constructor; it is a leaf that imports core only.
 */
const CRASH_POINTS = '^bind-service/crash-points[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle means two modules are one; split what they share into a third.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'core/domain holds the rules: it imports only core/domain, zod, libphonenumber-js and node:crypto ' +
        '(ids, hashes). Storage, SMPP and HTTP live elsewhere; a rule that writes declares its port here.',
      from: { path: '^core/domain/' },
      to: {
        pathNot: ['^core/domain/', '^node_modules/(zod|libphonenumber-js)/', '^(node:)?crypto$'],
      },
    },
    {
      name: 'support-is-generic',
      severity: 'error',
      comment: 'core/support holds generic helpers: nothing else of ours.',
      from: { path: '^core/support/' },
      to: { path: OURS, pathNot: '^core/support/' },
    },
    {
      name: 'config-on-domain',
      severity: 'error',
      comment: 'core/config reads and validates settings; it may use core/domain and core/support only.',
      from: { path: '^core/config/' },
      to: { path: OURS, pathNot: '^core/(config|domain|support)/' },
    },
    {
      name: 'observability-on-domain',
      severity: 'error',
      comment: 'core/observability (logs, metrics) may use core/domain, core/support and core/config only.',
      from: { path: '^core/observability/' },
      to: { path: OURS, pathNot: '^core/(observability|domain|support|config)/' },
    },
    {
      name: 'callbacks-on-domain',
      severity: 'error',
      comment:
        'core/callbacks (signing and posting a status callback, shared by the status Lambda, the callback ' +
        'worker and the local stack) may use core/domain and core/support only.',
      from: { path: '^core/callbacks/' },
      to: { path: OURS, pathNot: '^core/(callbacks|domain|support)/' },
    },
    {
      name: 'aws-on-core',
      severity: 'error',
      comment: 'core/aws adapts AWS to the domain: it imports core/ only.',
      from: { path: '^core/aws/' },
      to: { path: OURS, pathNot: '^core/' },
    },
    {
      name: 'smpp-only-in-the-engine',
      severity: 'error',
      comment: 'The untyped `smpp` package is loaded in bind-service/smpp/ only (pdu/smpp-package.ts).',
      from: { pathNot: '^bind-service/smpp/' },
      to: { path: '^node_modules/smpp/' },
    },
    {
      name: 'lambdas-apart',
      severity: 'error',
      comment:
        'A Lambda uses core/ only: never the bind-service, another Lambda, local/, test/ or cdk/. What two ' +
        'Lambdas share (the callback contract) lives in core/.',
      from: { path: '^lambdas/([^/]+)/' },
      to: { path: OURS, pathNot: ['^core/', '^lambdas/$1/'] },
    },
    {
      name: 'bind-service-apart',
      severity: 'error',
      comment: 'The bind-service uses core/ only: never a Lambda, local/, test/ or cdk/.',
      from: { path: '^bind-service/' },
      to: { path: OURS, pathNot: ['^core/', '^bind-service/'] },
    },
    {
      name: 'engine-knows-no-dispatch',
      severity: 'error',
      comment:
        'bind-service/smpp/ is the SMPP engine: it knows nothing of dispatch or the service around it ' +
        '(crash-points.ts excepted, see CRASH_POINTS).',
      from: { path: '^bind-service/smpp/' },
      to: { path: '^bind-service/', pathNot: ['^bind-service/smpp/', CRASH_POINTS] },
    },
    {
      name: 'dispatch-below-the-service',
      severity: 'error',
      comment:
        'bind-service/dispatch/ gets what it needs as ports (dispatch/ports.ts): it never imports the ' +
        'service around it (config, logger, metrics, service, main); crash-points.ts excepted.',
      from: { path: '^bind-service/dispatch/' },
      to: {
        path: '^bind-service/',
        pathNot: ['^bind-service/dispatch/', '^bind-service/smpp/', CRASH_POINTS],
      },
    },
    {
      name: 'engine-through-its-entries',
      severity: 'error',
      comment:
        'Outside bind-service/smpp/, the engine is used through smpp/index.ts (the client) or ' +
        'smpp/codec.ts (PDUs, for the simulator and test peers). The engine’s own tests see more, and so ' +
        'does the parts-window test, which drives dispatch against the engine’s real SubmitWindow.',
      from: {
        pathNot: [
          '^bind-service/smpp/',
          '^test/(unit|integration)/bind-service/smpp/',
          '^test/unit/bind-service/dispatch/submit/parts-window[.]test[.]ts$',
        ],
      },
      to: { path: '^bind-service/smpp/', pathNot: ENGINE_ENTRIES },
    },
    {
      name: 'nobody-imports-main',
      severity: 'error',
      comment: 'bind-service/main.ts is the process: it imports, nothing imports it.',
      from: {},
      to: { path: '^bind-service/main[.]ts$' },
    },
    {
      name: 'simulator-is-a-peer',
      severity: 'error',
      comment:
        'The SMSC simulator is the SMSC, not part of us: it uses core/domain (encodings, errors, the ' +
        'system_type parser) and the engine’s codec entry only, so it cannot lean on the client it tests.',
      from: { path: '^local/smsc-simulator/' },
      to: {
        path: OURS,
        pathNot: ['^local/smsc-simulator/', '^core/domain/', '^bind-service/smpp/codec[.]ts$'],
      },
    },
    {
      name: 'cdk-deploys-no-runtime-code',
      severity: 'error',
      comment:
        'cdk/ imports the shared resource definitions, the variable catalogue (core/config) and pure ' +
        'core/domain (the event contract its rules match on, the system_type parser, ConfigError); ' +
        'runtime code (adapters, Lambdas, the bind-service) is referenced by entry path, never imported.',
      from: { path: '^cdk/' },
      to: {
        path: OURS,
        pathNot: ['^cdk/', '^core/aws/resources/', '^core/config/', '^core/domain/'],
      },
    },
    {
      name: 'runtime-never-imports-tests-or-tools',
      severity: 'error',
      comment: 'Shipped code never imports tests, benchmarks, scripts or the local stack.',
      from: { path: '^(core|bind-service|lambdas|cdk)/' },
      to: { path: '^(test|bench|scripts|local)/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    // A worktree whose node_modules is a symlink must see the same paths as a clone.
    preserveSymlinks: true,
    exclude: { path: ['^node_modules/', '^cdk[.]out/', '^dist/', '^bench/results/'] },
    enhancedResolveOptions: {
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
