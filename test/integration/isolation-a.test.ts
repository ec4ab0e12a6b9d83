import { isolationScenario } from "../support/isolation-scenario.ts";

isolationScenario("a");
