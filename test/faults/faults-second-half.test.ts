import { faultHarnessSuite } from "./suite";

// The second half of npm test's fault slice (FAULT_SPLIT=2), in a worker of its own; no runs otherwise.
faultHarnessSuite("second");
