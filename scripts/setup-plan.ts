/**
 * The plan of `npm run setup:cloudflare` as data, and the pure helpers it needs (no I/O here, so the tests can
 * check exactly what a real run would do). scripts/setup-cloudflare.ts prints the plan and, without --dry-run,
 * carries it out.
 */
import { tokenWeakness } from "../src/api/token-policy";

export const PLACEHOLDER_DATABASE_ID = "00000000-0000-0000-0000-000000000000";

export interface SetupOptions {
  /** wrangler environment (`--env production`); null: the top level, which is what `npm run deploy` ships. */
  env: string | null;
  /** D1 database name (wrangler.toml's database_name). */
  database: string;
  dryRun: boolean;
  /** API_TOKEN: generate 32 random bytes (default) or ask for one (checked: not the dev token, ≥ 32 characters). */
  apiToken: "generate" | "prompt";
  /** Ask for ANTHROPIC_API_KEY (empty answer: skipped, the rule pipeline decides). */
  anthropic: boolean;
  deploy: boolean;
}

export const DEFAULT_OPTIONS: SetupOptions = { env: null, database: "edgetrader", dryRun: false, apiToken: "generate", anthropic: true, deploy: true };

export type SetupStep =
  | { kind: "whoami"; title: string; command: string[] }
  | { kind: "find-database"; title: string; command: string[] }
  | { kind: "create-database"; title: string; command: string[] }
  | { kind: "write-database-id"; title: string; file: string }
  | { kind: "keep-database-id"; title: string; id: string }
  | { kind: "migrate"; title: string; command: string[] }
  | { kind: "deploy"; title: string; command: string[] }
  | { kind: "secret"; title: string; name: "API_TOKEN" | "ANTHROPIC_API_KEY"; source: "generate" | "prompt" | "prompt-optional"; command: string[] };

/** `wrangler …` with `--env <env>` appended when an environment is chosen. */
function wrangler(opts: SetupOptions, ...args: string[]): string[] {
  return ["wrangler", ...args, ...(opts.env ? ["--env", opts.env] : [])];
}

/** The `[[d1_databases]]` blocks (top level and per environment) of a wrangler.toml, as line ranges. */
function d1Blocks(toml: string): { start: number; end: number; env: string | null }[] {
  const lines = toml.split("\n");
  const blocks: { start: number; end: number; env: string | null }[] = [];
  let open: { start: number; env: string | null } | null = null;
  lines.forEach((line, i) => {
    if (!/^\s*\[/.test(line)) return;
    if (open) blocks.push({ ...open, end: i });
    const m = /^\s*\[\[(?:env\.([A-Za-z0-9_-]+)\.)?d1_databases\]\]\s*(#.*)?$/.exec(line);
    open = m ? { start: i, env: m[1] ?? null } : null;
  });
  if (open) blocks.push({ ...(open as { start: number; env: string | null }), end: lines.length });
  return blocks;
}

function blockNames(lines: string[], b: { start: number; end: number }, name: string): boolean {
  return lines.slice(b.start, b.end).some((l) => new RegExp(`^\\s*database_name\\s*=\\s*"${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`).test(l));
}

/** The database_id wrangler.toml gives `database` (the top-level block, else the first), or null. */
export function databaseIdOf(toml: string, database: string): string | null {
  const lines = toml.split("\n");
  const blocks = d1Blocks(toml).filter((b) => blockNames(lines, b, database));
  const top = blocks.find((b) => b.env === null) ?? blocks[0];
  if (!top) return null;
  for (const l of lines.slice(top.start, top.end)) {
    const m = /^\s*database_id\s*=\s*"([^"]*)"/.exec(l);
    if (m) return m[1]!;
  }
  return null;
}

/** wrangler.toml with `id` as the database_id of every `[[…d1_databases]]` block naming `database`; nothing else changes. */
export function setDatabaseId(toml: string, database: string, id: string): { text: string; blocks: number } {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Error(`not a D1 database id: ${id}`);
  const lines = toml.split("\n");
  let count = 0;
  for (const b of d1Blocks(toml)) {
    if (!blockNames(lines, b, database)) continue;
    for (let i = b.start; i < b.end; i++) {
      if (/^\s*database_id\s*=/.test(lines[i]!)) {
        lines[i] = lines[i]!.replace(/"[^"]*"/, `"${id}"`);
        count++;
      }
    }
  }
  if (count === 0) throw new Error(`wrangler.toml has no [[d1_databases]] block with database_name = "${database}" and a database_id`);
  return { text: lines.join("\n"), blocks: count };
}

/** The id of `database` in `wrangler d1 list --json` output, or null when it is not there. */
export function databaseIdFromList(json: string, database: string): string | null {
  const start = json.indexOf("[");
  if (start < 0) throw new Error("wrangler d1 list --json printed no JSON list");
  const list = JSON.parse(json.slice(start)) as { name?: string; uuid?: string }[];
  return list.find((d) => d.name === database)?.uuid ?? null;
}

/** Why a token typed at the prompt may not be the API_TOKEN, or null (the worker's own rule). */
export function promptedTokenProblem(token: string): string | null {
  if (/\s/.test(token)) return "API_TOKEN may not contain spaces";
  return tokenWeakness(token);
}

/** Every step of a setup with `opts` on a checkout whose wrangler.toml reads `toml`, in order. */
export function planSetup(toml: string, opts: SetupOptions): SetupStep[] {
  const steps: SetupStep[] = [{ kind: "whoami", title: "check that wrangler is logged in to Cloudflare (else run `npx wrangler login`)", command: ["wrangler", "whoami"] }];
  const current = databaseIdOf(toml, opts.database);
  if (current === null) throw new Error(`wrangler.toml has no [[d1_databases]] block with database_name = "${opts.database}"`);
  if (current === PLACEHOLDER_DATABASE_ID) {
    steps.push(
      { kind: "find-database", title: `look for the D1 database "${opts.database}" in the account`, command: ["wrangler", "d1", "list", "--json"] },
      { kind: "create-database", title: `create the D1 database "${opts.database}" if it is not there`, command: ["wrangler", "d1", "create", opts.database, "--no-update-config"] },
      { kind: "write-database-id", title: `write its database_id into wrangler.toml (every [[d1_databases]] block named "${opts.database}")`, file: "wrangler.toml" },
    );
  } else {
    steps.push({ kind: "keep-database-id", title: `wrangler.toml already names D1 database ${current}: kept`, id: current });
  }
  steps.push({ kind: "migrate", title: "apply the D1 migrations to the remote database", command: wrangler(opts, "d1", "migrations", "apply", opts.database, "--remote") });
  if (opts.deploy) steps.push({ kind: "deploy", title: "deploy the worker (until API_TOKEN is set it answers 503: the API fails closed)", command: wrangler(opts, "deploy") });
  steps.push({
    kind: "secret",
    name: "API_TOKEN",
    source: opts.apiToken,
    title:
      opts.apiToken === "generate"
        ? "set API_TOKEN (admin) to 32 random bytes, base64url; printed once at the end"
        : "set API_TOKEN (admin) to a token you type (not the dev token, at least 32 characters)",
    command: wrangler(opts, "secret", "put", "API_TOKEN"),
  });
  if (opts.anthropic)
    steps.push({
      kind: "secret",
      name: "ANTHROPIC_API_KEY",
      source: "prompt-optional",
      title: "set ANTHROPIC_API_KEY if you give one (empty: skipped, the rule pipeline decides)",
      command: wrangler(opts, "secret", "put", "ANTHROPIC_API_KEY"),
    });
  return steps;
}

/** The plan as the lines the script prints before doing anything. Secrets are read on stdin, never shown here. */
export function renderPlan(steps: SetupStep[], opts: SetupOptions): string[] {
  const lines = [`Edgetrader on Cloudflare${opts.env ? ` (--env ${opts.env})` : ""}${opts.dryRun ? ": dry run, nothing is changed" : ""}. Steps:`];
  steps.forEach((s, i) => {
    const how = "command" in s ? `npx ${s.command.join(" ")}${s.kind === "secret" ? "  (value on stdin)" : ""}` : s.kind === "write-database-id" ? `edit ${s.file}` : "";
    lines.push(`  ${i + 1}. ${s.title}${how ? `\n       ${how}` : ""}`);
  });
  return lines;
}
