// Stack files share their worker process (vitest.config.ts): each starts with the project's own
// modules evaluated afresh, as in a process of its own, so module state (a handler's config read from
// the environment at import, a cache, a client) never carries from one file to the next. Packages
// under node_modules are loaded by Node itself and stay loaded, which is the time saved.
import { vi } from 'vitest';

vi.resetModules();
