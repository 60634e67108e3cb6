// Prints this host's speed on host-speed.ts's fixed work as one line of JSON, for scripts that run
// another commit's benchmark (scripts/bench-before.sh) and record the host speed next to its results.
import { measureHostSpeed } from './host-speed.ts';

console.log(JSON.stringify(measureHostSpeed()));
