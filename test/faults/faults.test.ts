import { faultHarnessSuite } from "./suite";

// The fault harness (test/faults/suite.ts): all its runs, or the first half of npm test's split slice.
faultHarnessSuite("first");
