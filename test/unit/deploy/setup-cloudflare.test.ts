import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runSetup, type SetupIO } from "../../../scripts/setup-cloudflare";
import { databaseIdFromList, DEFAULT_OPTIONS, PLACEHOLDER_DATABASE_ID, planSetup, promptedTokenProblem, renderPlan, setDatabaseId, type SetupOptions } from "../../../scripts/setup-plan";
import { tokenWeakness } from "../../../src/api/token-policy";

const TOML = readFileSync(new URL("../../../wrangler.toml", import.meta.url), "utf8");
const ID = "3f2a9c1e-8b7d-4e6f-a5b4-c3d2e1f0a9b8";

/** A wrangler.toml like the shipped one, reduced to what the setup reads. */
const SMALL = `name = "edgetrader"

[vars]
FEED_WS_URL = "wss://stream.binance.com:9443"

[[d1_databases]]
binding = "DB"
database_name = "edgetrader"
database_id = "${PLACEHOLDER_DATABASE_ID}"
migrations_dir = "migrations"

[env.production]
name = "edgetrader"

[[env.production.d1_databases]]
binding = "DB"
database_name = "edgetrader"
database_id = "${PLACEHOLDER_DATABASE_ID}"
migrations_dir = "migrations"

[[env.production.durable_objects.bindings]]
name = "TICKER"
database_id = "not-a-d1-block"
`;

const opts = (o: Partial<SetupOptions> = {}): SetupOptions => ({ ...DEFAULT_OPTIONS, ...o });

/** A fake machine: records every command and what went to stdin; wrangler answers from `answers`. */
function fakeIO(config: string, answers: Record<string, string[]> = {}, typed: string[] = []) {
  const runs: { command: string; stdin?: string }[] = [];
  const logs: string[] = [];
  let file = config;
  const io: SetupIO = {
    run: async (command, stdin) => {
      const key = command.join(" ");
      runs.push({ command: key, ...(stdin === undefined ? {} : { stdin }) });
      const queue = answers[key];
      return { code: 0, stdout: queue?.length ? queue.shift()! : "", stderr: "" };
    },
    ask: async () => typed.shift() ?? "",
    readConfig: () => file,
    writeConfig: (t) => (file = t),
    randomToken: () => "G".repeat(43),
    log: (l) => logs.push(l),
  };
  return { io, runs, logs, file: () => file };
}

describe("npm run setup:cloudflare: the plan", () => {
  it("on the shipped wrangler.toml finds or creates the database, writes its id, migrates, deploys, then sets the secrets", () => {
    const steps = planSetup(TOML, opts());
    expect(steps.map((s) => s.kind)).toEqual(["whoami", "find-database", "create-database", "write-database-id", "migrate", "deploy", "secret", "secret"]);
    const commands = steps.flatMap((s) => ("command" in s ? [s.command.join(" ")] : []));
    expect(commands).toEqual([
      "wrangler whoami",
      "wrangler d1 list --json",
      "wrangler d1 create edgetrader --no-update-config",
      "wrangler d1 migrations apply edgetrader --remote",
      "wrangler deploy",
      "wrangler secret put API_TOKEN",
      "wrangler secret put ANTHROPIC_API_KEY",
    ]);
  });

  it("keeps a database id that is already set and passes --env to every environment-bound command", () => {
    const steps = planSetup(setDatabaseId(SMALL, "edgetrader", ID).text, opts({ env: "production", anthropic: false, deploy: false }));
    expect(steps.map((s) => s.kind)).toEqual(["whoami", "keep-database-id", "migrate", "secret"]);
    expect(steps[1]).toMatchObject({ id: ID });
    expect(steps.flatMap((s) => ("command" in s && s.kind !== "whoami" ? [s.command.slice(-2)] : []))).toEqual([
      ["--env", "production"],
      ["--env", "production"],
    ]);
  });

  it("prints no secret in the plan: values go on stdin", () => {
    const text = renderPlan(planSetup(TOML, opts({ dryRun: true })), opts({ dryRun: true })).join("\n");
    expect(text).toMatch(/dry run, nothing is changed/);
    expect(text).toMatch(/npx wrangler secret put API_TOKEN {2}\(value on stdin\)/);
    expect(text).not.toMatch(/edgetrader-dev-token/);
  });

  it("writes the id into every d1 block of that database and changes nothing else", () => {
    const { text, blocks } = setDatabaseId(SMALL, "edgetrader", ID);
    expect(blocks).toBe(2);
    const changed = SMALL.split("\n")
      .map((l, i) => [l, text.split("\n")[i]])
      .filter(([a, b]) => a !== b);
    expect(changed).toEqual([
      [`database_id = "${PLACEHOLDER_DATABASE_ID}"`, `database_id = "${ID}"`],
      [`database_id = "${PLACEHOLDER_DATABASE_ID}"`, `database_id = "${ID}"`],
    ]);
    expect(() => setDatabaseId(SMALL, "other", ID)).toThrow(/no \[\[d1_databases\]\] block/);
    expect(() => setDatabaseId(SMALL, "edgetrader", "nope")).toThrow(/not a D1 database id/);
    expect(setDatabaseId(TOML, "edgetrader", ID).blocks).toBe(2);
  });

  it("reads the database id from `wrangler d1 list --json`", () => {
    const json = JSON.stringify([
      { uuid: "a", name: "other" },
      { uuid: ID, name: "edgetrader" },
    ]);
    expect(databaseIdFromList(json, "edgetrader")).toBe(ID);
    expect(databaseIdFromList("[]", "edgetrader")).toBeNull();
  });

  it("checks a typed API_TOKEN with the worker's rule: not the dev token, at least 32 characters", () => {
    expect(tokenWeakness("edgetrader-dev-token")).toBe("API_TOKEN is the local development token");
    expect(tokenWeakness("a".repeat(31))).toBe("API_TOKEN is shorter than 32 characters");
    expect(tokenWeakness("a".repeat(32))).toBeNull();
    expect(promptedTokenProblem(`${"a".repeat(20)} ${"b".repeat(20)}`)).toMatch(/spaces/);
  });
});

describe("npm run setup:cloudflare: carrying it out", () => {
  it("--dry-run runs no command and writes nothing", async () => {
    const m = fakeIO(SMALL);
    const r = await runSetup(opts({ dryRun: true }), m.io);
    expect(m.runs).toEqual([]);
    expect(m.file()).toBe(SMALL);
    expect(r.apiToken).toBeNull();
    expect(m.logs.join("\n")).toMatch(/8\. set ANTHROPIC_API_KEY/);
  });

  it("creates the missing database, writes its id, and pipes a generated token to wrangler secret put", async () => {
    const listed = JSON.stringify([{ uuid: ID, name: "edgetrader" }]);
    const m = fakeIO(SMALL, { "wrangler d1 list --json": ["[]", listed] }, ["sk-ant-test"]);
    const r = await runSetup(opts(), m.io);
    expect(m.runs.map((x) => x.command)).toEqual([
      "wrangler whoami",
      "wrangler d1 list --json",
      "wrangler d1 create edgetrader --no-update-config",
      "wrangler d1 list --json",
      "wrangler d1 migrations apply edgetrader --remote",
      "wrangler deploy",
      "wrangler secret put API_TOKEN",
      "wrangler secret put ANTHROPIC_API_KEY",
    ]);
    expect(m.runs.find((x) => x.command.endsWith("API_TOKEN"))!.stdin).toBe("G".repeat(43));
    expect(m.runs.find((x) => x.command.endsWith("ANTHROPIC_API_KEY"))!.stdin).toBe("sk-ant-test");
    expect(m.runs.every((x) => !x.command.includes("G".repeat(43)))).toBe(true);
    expect(m.file()).toBe(setDatabaseId(SMALL, "edgetrader", ID).text);
    expect(r.apiToken).toBe("G".repeat(43));
  });

  it("uses an existing database without creating one, re-asks a weak typed token and skips an empty Anthropic key", async () => {
    const listed = JSON.stringify([{ uuid: ID, name: "edgetrader" }]);
    const m = fakeIO(SMALL, { "wrangler d1 list --json": [listed] }, ["edgetrader-dev-token", "short", "s".repeat(40), ""]);
    const r = await runSetup(opts({ apiToken: "prompt" }), m.io);
    expect(m.runs.map((x) => x.command)).not.toContain("wrangler d1 create edgetrader --no-update-config");
    expect(m.runs.filter((x) => x.command.startsWith("wrangler secret put")).map((x) => [x.command, x.stdin])).toEqual([["wrangler secret put API_TOKEN", "s".repeat(40)]]);
    expect(m.logs.filter((l) => /try again/.test(l))).toHaveLength(2);
    expect(r.apiToken).toBe("s".repeat(40));
  });
});
